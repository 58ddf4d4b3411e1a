"""Every schema v2 field reaches every export (CSV, GraphML, GEXF, JSON, TimelineJS, FtM): the two-series fixture."""

from __future__ import annotations

import csv
import html
import io
import json
import subprocess
import sys

import networkx as nx
import pytest
from followthemoney import model
from followthemoney.types import registry

from viz import REPO_ROOT
from viz.exports.ftm import ftm_entities, ftm_id, window_prefix
from viz.exports.interop import export_graph, timelinejs
from viz.network.graph import build_graph
from viz.network.timeline import timeline_entries
from viz.record.load import load_dataset

TWO_SERIES = REPO_ROOT / "tests" / "fixtures" / "two-series"
PREFIX = "two-series-fixture"


@pytest.fixture(scope="module")
def two():
    return load_dataset(TWO_SERIES)


@pytest.fixture(scope="module")
def exported(two, tmp_path_factory):
    out = tmp_path_factory.mktemp("v2-export")
    graph, events = build_graph(two), timeline_entries(two)
    for fmt in ("graphml", "gexf", "json", "timelinejs", "ftm"):
        export_graph(fmt, out / f"data.{fmt}", graph, two, events)
    export_graph("csv", out / "csv", graph, two, events)
    return out


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _edge(rows, source: str, target: str, relation: str) -> dict:
    return next(r for r in rows if (r["source"], r["target"], r["relation"]) == (source, target, relation))


def check_v2_csv(files: dict[str, str]) -> None:
    """The v2 fields in ``nodes.csv``, ``edges.csv`` and ``events.csv`` (shared with the browser test)."""
    events = {r["id"]: r for r in _rows(files["events.csv"])}
    dpg4, dpg3, mdd1 = events["dpg-4"], events["dpg-3"], events["mdd-1"]
    assert (dpg4["series"], dpg4["series_name"], dpg4["series_short_name"]) == (
        "dpg", "Arland–Belmark Defence Policy Group", "DPG")
    assert dpg4["venue"] == "Lakeside Hall" and dpg4["city"] == "Belport" and dpg4["kind_label"] == "DPG session"
    assert "Eli Park (delegate, for Belmark Ministry of Defence, Belmark side)" in dpg4["participants"]
    assert dpg4["sides"] == "Belmark" and dpg4["mentions"] == "Arland Audit Office"
    assert dpg4["date_basis"].startswith("derived: 'on Tuesday'")
    assert "for Arland Department of Defence, Arland side" in dpg3["participants"]  # the body's name at the time
    assert mdd1["outcomes"] == "MoU on Training: signed (between Mar 2019 and Jun 2023)"
    nodes = {r["id"]: r for r in _rows(files["nodes.csv"])}
    roadmap, mou = nodes["roadmap"], nodes["mou-training"]
    assert roadmap["status"] == "announced" and roadmap["status_dates"] == "announced: 2024-05"
    assert roadmap["status_label"] == "announced (May 2024), not signed"
    assert mou["status_dates"] == "signed: [2019-03..2023-06]"
    assert "Neither report gives the day." in mou["status_date_notes"]
    assert (nodes["belmark-arms"]["type"], nodes["belmark-arms"]["type_label"]) == ("state-company",
                                                                                   "State-owned company")
    assert "Arland Department of Defence" in nodes["arland-mod"]["other_names"]
    edges = _rows(files["edges.csv"])
    chair = _edge(edges, "ada-stone", "dpg-body", "co_chaired")
    assert (chair["series"], chair["side"], chair["date_type"]) == ("dpg", "Arland", "point")
    party = _edge(edges, "arland-mod", "mou-training", "party_to")
    assert (party["date_type"], party["edtf"]) == ("window", "[2019-03..2023-06]")
    assert party["date_note"] == "Neither report gives the day." and party["date_basis"].startswith("derived:")


def test_csv_carries_every_v2_field(exported):
    check_v2_csv({name: (exported / "csv" / name).read_text() for name in ("nodes.csv", "edges.csv", "events.csv")})


def _check_graph_attrs(graph: nx.MultiDiGraph) -> None:
    nodes = graph.nodes
    assert nodes["roadmap"]["status_dates"] == "announced: 2024-05"
    assert nodes["mou-training"]["status_dates"] == "signed: [2019-03..2023-06]"
    assert nodes["belmark-arms"]["type"] == "state-company"
    assert "State-owned company" in nodes["belmark-arms"]["type_label"]
    assert "Arland Department of Defence" in str(nodes["arland-mod"]["other_names"])
    chair = next(d for _, v, d in graph.out_edges("ada-stone", data=True) if d["relation"] == "co_chaired")
    assert (chair["series"], chair["side"]) == ("dpg", "Arland")
    party = next(d for _, _, d in graph.in_edges("mou-training", data=True) if d["relation"] == "party_to")
    assert party["date_note"] == "Neither report gives the day."
    assert not any(v == "audit-office" or u == "audit-office" for u, v, d in graph.edges(data=True)
                   if d["relation"] != "based_in")  # a mention is no relation


def test_graphml_and_json_carry_every_v2_field(exported):
    graphml = nx.read_graphml(exported / "data.graphml")
    _check_graph_attrs(graphml)
    party = next(d for _, _, d in graphml.in_edges("mou-training", data=True) if d["relation"] == "party_to")
    assert party["edtf"] == "[2019-03..2023-06]" and party["date_type"] == "window"
    data = json.loads((exported / "data.json").read_text())
    _check_graph_attrs(nx.node_link_graph(data, edges="edges"))


def test_gexf_carries_v2_fields_and_a_window_as_one_uncertain_moment(exported):
    gexf = nx.read_gexf(exported / "data.gexf")
    _check_graph_attrs(gexf)
    party = next(d for _, _, d in gexf.in_edges("mou-training", data=True) if d["relation"] == "party_to")
    assert party["edtf"] == "[2019-03..2023-06]" and party["date_uncertain"] is True


def check_v2_timelinejs(data: dict) -> None:
    """The v2 fields in TimelineJS slides (shared with the browser test)."""
    slides = {s["unique_id"]: s for s in data["events"]}
    dpg4 = html.unescape(slides["dpg-4"]["text"]["text"])
    assert "3rd session of" not in dpg4 and "4th session of Arland–Belmark Defence Policy Group (DPG)" in dpg4
    assert "Where: Lakeside Hall, Belport, Belmark" in dpg4
    assert "Eli Park (delegate, for Belmark Ministry of Defence, Belmark side)" in dpg4
    assert "Also mentioned (not taking part): Arland Audit Office" in dpg4
    assert "derived: 'on Tuesday' in a report dated Friday 10 May 2024" in dpg4
    assert slides["dpg-4"]["group"] == "DPG sessions" and slides["mdd-1"]["group"] == "Ministerial dialogue"
    assert "Arland Department of Defence" in html.unescape(slides["dpg-3"]["text"]["text"])
    assert "Outcomes: MoU on Training: signed" in html.unescape(slides["mdd-1"]["text"]["text"])
    # an unsigned agreement is on the timeline at the date of its status, in its own group
    roadmap = slides["roadmap:announced"]
    assert roadmap["group"] == "Agreements" and roadmap["start_date"] == {"year": "2024", "month": "05"}
    assert "announced (May 2024), not signed" in html.unescape(roadmap["text"]["text"])
    # a signing window is one moment somewhere in it: no end date, and the display says so
    mou = slides["mou-training:signed"]
    assert "end_date" not in mou and mou["display_date"] == "between Mar 2019 and Jun 2023 (precision: month)"
    assert "EDTF [2019-03..2023-06]" in html.unescape(mou["text"]["text"])


def test_timelinejs_carries_every_v2_field(exported):
    check_v2_timelinejs(json.loads((exported / "data.timelinejs").read_text()))


def test_timelinejs_leaves_out_agreements_not_in_the_view(two):
    data = timelinejs(two, timeline_entries(two), agreements=[])
    assert not any(s["group"] == "Agreements" for s in data["events"])


# --- FollowTheMoney ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def entities(exported) -> dict[str, dict]:
    lines = (exported / "data.ftm").read_text().splitlines()
    return {e["id"]: e for e in map(json.loads, lines)}


def _props(entities, *parts) -> dict[str, list[str]]:
    return entities[ftm_id(PREFIX, *parts)]["properties"]


def test_ftm_entities_load_back_unchanged_with_followthemoney(entities):
    for data in entities.values():
        proxy = model.get_proxy(data, cleaned=False)  # cleans every value again, dropping what is invalid
        assert proxy.to_dict()["properties"] == data["properties"], data["id"]
        assert registry.entity.validate(data["id"])
        for prop in proxy.schema.required:
            assert proxy.get(prop), (data["id"], prop)
        for prop in proxy.iterprops():  # every reference resolves inside the export
            if prop.type is registry.entity:
                assert all(v in entities for v in proxy.get(prop)), (data["id"], prop.name)


def test_ftm_covers_every_v2_field(entities):
    schemas = {e["schema"] for e in entities.values()}
    assert {"Person", "PublicBody", "Company", "Organization", "Event", "Membership", "Mention", "Contract",
            "UnknownLink", "Article"} <= schemas
    body = _props(entities, "actor", "arland-mod")
    assert body["previousName"] == ["Arland Department of Defence"] and body["classification"] == ["Ministry"]
    assert _props(entities, "actor", "belmark-arms")["classification"] == ["State-owned company"]
    dpg4 = _props(entities, "event", "dpg-4")
    assert dpg4["location"] == ["Lakeside Hall, Belport, Belmark"] and dpg4["namesMentioned"] == ["Arland Audit Office"]
    assert ftm_id(PREFIX, "actor", "audit-office") not in dpg4["involved"]  # mentioned, not taking part
    assert dpg4["description"] == ["4th session of Arland–Belmark Defence Policy Group (DPG)"]
    assert dpg4["organizer"] == [ftm_id(PREFIX, "actor", "dpg-body")] and dpg4["alias"] == ["4th DPG session"]
    assert "derived: 'on Tuesday'" in dpg4["notes"][0]
    mention = _props(entities, "mention", "dpg-4", "audit-office")
    assert mention["resolved"] == [ftm_id(PREFIX, "actor", "audit-office")]
    assert entities[mention["document"][0]]["schema"] == "Article"
    link = _props(entities, "link", "participant", "dpg-4", 1)
    assert link["role"] == ["delegate"] and "Belmark side" in link["summary"][0]
    called_on = _props(entities, "link", "participant", "visit-2024", 1)
    assert called_on["role"] == ["called on"]
    roadmap = _props(entities, "agreement", "roadmap")
    assert roadmap["status"] == ["announced"] and "contractDate" not in roadmap
    assert roadmap["notes"] == ["announced: May 2024 (EDTF 2024-05; stated)"]
    mou = _props(entities, "agreement", "mou-training")
    assert mou["status"] == ["signed"] and "contractDate" not in mou  # a window over years has no FtM date
    assert "EDTF [2019-03..2023-06]" in mou["notes"][0]


def test_ftm_former_roles_are_notes_not_memberships(entities):
    memberships = [e["properties"] for e in entities.values() if e["schema"] == "Membership"
                   and e["properties"]["member"] == [ftm_id(PREFIX, "actor", "ada-stone")]]
    assert [m["date"] for m in memberships] == [["2019-03-01"]]  # not the 2024 "former secretary"
    notes = _props(entities, "actor", "ada-stone")["notes"]
    assert notes == ["Described as a former Defence Secretary, Arland Department of Defence on 2024-05-07 "
                     "(The wire calls her the former secretary.)"]


def test_ftm_ids_are_stable_and_valid(two):
    graph, events = build_graph(two), timeline_entries(two)
    first = [e["id"] for e in ftm_entities(graph, two, events)]
    assert first == [e["id"] for e in ftm_entities(graph, two, events)] and len(set(first)) == len(first)
    assert ftm_id("d", "actor", "ada-stone") == "d.actor.ada-stone"
    # our ids may hold "_" and "."; FtM ids may not hold "_", and "." would make ids ambiguous
    odd = [ftm_id("d", "actor", "a_b"), ftm_id("d", "actor", "a-b"), ftm_id("d", "mention", "a.b", "c"),
           ftm_id("d", "mention", "a", "b.c"), ftm_id("d", "actor", "x" * 120 + "-"), ftm_id("d_1", "actor", "a")]
    assert len(set(odd)) == len(odd) and all(registry.entity.validate(i) for i in odd)


@pytest.mark.parametrize(("earliest", "latest", "prefix"), [
    ("2023-01", "2023-06", "2023"), ("2023-06-01", "2023-06-30", "2023-06"), ("2019-03", "2023-06", None)])
def test_a_window_gives_ftm_the_date_prefix_containing_it(earliest, latest, prefix):
    assert window_prefix(earliest, latest) == prefix


def test_cli_exports_ftm_that_loads_back(tmp_path):
    out = tmp_path / "two.ftm.jsonl"
    result = subprocess.run([sys.executable, "-m", "viz.cli", "export", "graph", "--format", "ftm", "--data",
                             TWO_SERIES, "--out", out], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    proxies = [model.get_proxy(json.loads(line)) for line in out.read_text().splitlines()]
    assert ftm_id(PREFIX, "mention", "dpg-4", "audit-office") in {p.id for p in proxies}
