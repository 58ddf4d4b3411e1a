"""Exports read back by independent readers; the sources travel with every fact."""

import csv
import io
import json
import os
import subprocess
import sys

import igraph
import networkx as nx
import pytest
from PIL import Image

from viz.exports.interop import export_graph
from viz.network.graph import build_graph
from viz.network.info import dataset_info
from viz.network.timeline import timeline_entries
from viz.record.files import atomic_write


@pytest.fixture(scope="module")
def exported(dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    graph, events = build_graph(dataset), timeline_entries(dataset)
    for fmt in ("graphml", "gexf", "json", "timelinejs", "ftm"):
        export_graph(fmt, out / f"data.{fmt}", graph, dataset, events)
    export_graph("csv", out / "csv", graph, dataset, events)
    return out


def test_graphml_read_by_networkx_and_igraph(dataset, exported):
    info = dataset_info(dataset)
    back = nx.read_graphml(exported / "data.graphml")
    assert (back.number_of_nodes(), back.number_of_edges()) == (info["graph_nodes"], info["graph_edges"])
    other = igraph.Graph.Read_GraphML(str(exported / "data.graphml"))
    assert (other.vcount(), other.ecount()) == (info["graph_nodes"], info["graph_edges"])
    assert all(url.startswith("http") for url in other.es["source_urls"][0].split(" | "))


def test_gexf_is_dynamic_with_dated_edges(dataset, exported):
    info = dataset_info(dataset)
    text = (exported / "data.gexf").read_text()
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    back = nx.read_gexf(exported / "data.gexf")
    assert (back.number_of_nodes(), back.number_of_edges()) == (info["graph_nodes"], info["graph_edges"])
    assert 'start="2025-11-04" end="2025-11-04"' in text
    assert 'start="2014-06-01" end="2014-06-30"' in text  # the June 2014 JWG: the whole month


def test_node_link_json(dataset, exported):
    data = json.loads((exported / "data.json").read_text())
    back = nx.node_link_graph(data, edges="edges")
    assert back.number_of_edges() == dataset_info(dataset)["graph_edges"]


def test_csv_tables(dataset, exported):
    nodes = list(csv.DictReader(io.StringIO((exported / "csv" / "nodes.csv").read_text())))
    edges = list(csv.DictReader(io.StringIO((exported / "csv" / "edges.csv").read_text())))
    events = list(csv.DictReader(io.StringIO((exported / "csv" / "events.csv").read_text())))
    info = dataset_info(dataset)
    assert (len(nodes), len(edges), len(events)) == (info["graph_nodes"], info["graph_edges"], info["events"])
    assert all(e["source_urls"].startswith("http") for e in events)
    jwg15 = next(e for e in events if e["id"] == "jwg-15")
    assert jwg15["start"] == "2021-10-27" and jwg15["precision"] == "day"


def test_timelinejs_fields(dataset, exported):
    data = json.loads((exported / "data.timelinejs").read_text())
    slides = {s["unique_id"]: s for s in data["events"]}
    assert slides["jwg-17"]["start_date"] == {"year": "2025", "month": "11", "day": "04"}
    assert slides["jwg-17"]["text"]["headline"] and slides["jwg-17"]["group"] == "JWG sessions"
    assert "display_date" not in slides["jwg-17"]
    assert slides["jwg-2014-06"]["display_date"] == "Jun 2014 (precision: month)"
    assert "jwg-03" not in slides and "3rd" in data["title"]["text"]["text"]  # undated: named, not placed
    assert "https://" in slides["jwg-15"]["text"]["text"]


def test_ftm_entities(exported):
    entities = [json.loads(line) for line in (exported / "data.ftm").read_text().splitlines()]
    schemas = {e["schema"] for e in entities}
    assert {"Person", "PublicBody", "Company", "Organization", "Event", "Membership"} <= schemas
    assert all(e["properties"].get("sourceUrl") for e in entities if e["schema"] in ("Event", "Membership"))
    member = next(e for e in entities if e["schema"] == "Membership"  # ids are <dataset>.<collection>.<id>
                  and e["properties"]["member"] == ["india-israel.actor.ajay-kumar"])
    assert member["properties"]["organization"] == ["india-israel.actor.mod-india"]
    assert member["properties"]["date"][0].startswith("2021")


def test_atomic_write_never_leaves_a_half_written_file(tmp_path, monkeypatch):
    target = atomic_write(tmp_path / "out.graphml", "old complete content")

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        atomic_write(target, "new content")
    assert target.read_text() == "old complete content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.graphml"]  # no temporary file left behind


def run_viz(*args):
    return subprocess.run([sys.executable, "-m", "viz.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=180)


def test_cli_chart_export_png_has_the_requested_size(tmp_path):
    out = tmp_path / "network.png"
    result = run_viz("export", "network", "--format", "png", "--out", out, "--org", "rafael",
                     "--width", "900", "--height", "700", "--scale", "2")
    assert result.returncode == 0, result.stderr
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == (1800, 1400)
    view = tmp_path / "view.pdf"
    result = run_viz("export", "view", "--format", "pdf", "--out", view, "--from", "2021", "--to", "2025")
    assert result.returncode == 0, result.stderr and view.read_bytes().startswith(b"%PDF")


def test_cli_graph_export_filters_and_errors(dataset, tmp_path):
    out = tmp_path / "rafael.graphml"
    result = run_viz("export", "graph", "--format", "graphml", "--out", out, "--org", "rafael")
    assert result.returncode == 0, result.stderr
    assert 0 < nx.read_graphml(out).number_of_nodes() < dataset_info(dataset)["graph_nodes"]
    bad = run_viz("export", "graph", "--format", "graphml", "--out", out, "--from", "last year")
    assert bad.returncode == 2 and "--from" in bad.stderr and "Traceback" not in bad.stderr
    wrong = run_viz("export", "graph", "--format", "png", "--out", out)
    assert wrong.returncode == 2 and "takes --format" in wrong.stderr


def test_killing_an_export_midway_leaves_the_old_file(tmp_path):
    import signal
    import time as clock

    target = tmp_path / "report.png"
    target.write_bytes(b"the previous, complete report")
    process = subprocess.Popen([sys.executable, "-m", "viz.cli", "export", "view", "--format", "png", "--out",
                                str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clock.sleep(1.5)  # start-up and rendering take several seconds: this kill lands mid-export
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert target.read_bytes() == b"the previous, complete report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.png"]
