"""Benchmark: viz against the common approach, on the default dataset and at 1k, 10k and 50k actors, in one run.

The common approach (the baseline) draws one Plotly trace per relation, lays the
graph out with networkx ``spring_layout`` and resends the whole figure on every
filter. For the default dataset (``data/india-israel``) and for each synthetic size
(``viz synth``) this script measures, for the baseline and for viz:

- figure build time of the whole network (from the graph and positions);
- first page: server time and bytes (viz, "cold": the base figures built from the
  loaded graph and the app's real ``/_dash-layout``, compressed; "warm" is the request
  alone, as after start-up, when the figures are built; the page layout, built once at
  start-up with its analysis panel, is timed apart);
- interactions through the real app (Flask's test client): organisation filter, year
  window, event kind, organisation + 2 hops and a selection (the render callback),
  and the actors table's page for the organisation filter (its own callback). For
  each: median server time over 5 calls asking for a compressed answer, as browsers
  do, the raw answer's bytes and the bytes on the wire (gzip); the baseline resends
  its whole filtered figure (organisation and year window);
- layout time (baseline: spring_layout, stopped after --layout-timeout s);
- and once, app cold start for the default dataset (fresh processes).

Writes bench/results.json, prints a table per size and PASS/FAIL per target (see
bench_report.TARGETS), and for an answer over its byte target its heaviest parts.

Usage: python scripts/bench.py                      # everything (about 10 minutes)
       python scripts/bench.py --sizes default 1000  # a spot check: these sizes, no junk-input section
       python scripts/bench.py --only junk           # the junk-input section alone
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_report import TARGETS, answer_parts, checks, report  # noqa: E402
from loadtest import _spec, payload  # noqa: E402

from viz.network.explore import visible_graph  # noqa: E402
from viz.network.graph import build_graph  # noqa: E402
from viz.network.positions import node_positions  # noqa: E402
from viz.network.state import ViewState  # noqa: E402
from viz.record.load import load_dataset  # noqa: E402
from viz.record.synth import write_synth  # noqa: E402

SIZES: list[str | int] = ["default", 1000, 10_000, 50_000]
DEFAULT_DATA = ROOT / "data" / "india-israel"
GZIP = {"Accept-Encoding": "gzip"}
CALLS = 5


def naive_network_figure(graph: nx.MultiDiGraph, positions: dict) -> go.Figure:
    """The common approach: one line trace per relation, one trace of nodes (built in one go,
    as the feasibility measurements did; adding traces one by one is slower still)."""
    traces = []
    for u, v in graph.edges():
        (x0, y0), (x1, y1) = positions[u], positions[v]
        traces.append(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", line={"width": 1, "color": "#999"},
                                 hoverinfo="none", showlegend=False))
    nodes = list(graph.nodes)
    traces.append(go.Scatter(x=[positions[n][0] for n in nodes], y=[positions[n][1] for n in nodes],
                             mode="markers", text=[graph.nodes[n]["label"] for n in nodes], hoverinfo="text"))
    return go.Figure(data=traces)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def _spring(graph: nx.Graph, queue) -> None:  # runs in a child process so it can be stopped
    start = time.perf_counter()
    nx.spring_layout(graph, seed=7)
    queue.put(time.perf_counter() - start)


def spring_layout_seconds(graph: nx.MultiDiGraph, timeout: float) -> float | None:
    """Seconds networkx spring_layout takes, or None when it ran past ``timeout``."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from(graph.edges())
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(target=_spring, args=(simple, queue))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return None
    return queue.get()


def _size(text: str) -> str | int:
    """A ``--sizes`` value: ``default`` (the default dataset) or a number of synthetic actors."""
    if text == "default":
        return text
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"a size is 'default' or a number of actors, not {text!r}")


def _median_post(client, body: dict, headers: dict) -> tuple[float, object]:
    times, response = [], None
    for _ in range(CALLS):
        start = time.perf_counter()
        response = client.post("/_dash-update-component", json=body, headers=headers)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"callback failed ({response.status_code}): {response.data[:300]!r}")
    return statistics.median(times), response


def measure_request(client, spec: dict, values: dict, changed: str, trace_names: dict[str, list[str]]) -> dict:
    """One callback as the browser calls it: median server time asking for a compressed answer
    (what browsers do: compression included), the raw answer's bytes, the bytes on the wire
    (the raw ones when the app did not compress) and the answer's heaviest parts."""
    body = payload(spec, values, changed)
    seconds, packed = _median_post(client, body, GZIP)
    plain_seconds, plain = _median_post(client, body, {})
    raw = plain.data
    encoding = packed.headers.get("Content-Encoding") or "identity"
    if encoding == "gzip" and gzip.decompress(packed.data) != raw:
        raise SystemExit(f"the compressed and the plain answers to {changed} differ")
    answer = json.loads(raw)["response"]
    summary = answer.get("view-summary", {}).get("children")
    if "actor-table" in answer:
        summary = f"{len(answer['actor-table']['data'])} rows of {answer['actor-table']['page_count']} pages"
    return {"server_s": round(seconds, 4), "server_uncompressed_s": round(plain_seconds, 4), "bytes": len(raw),
            "wire_bytes": len(packed.data) if encoding == "gzip" else len(raw), "encoding": encoding,
            "shows": summary, "parts": answer_parts(raw, trace_names)}


def _values(**changes) -> dict:
    values = {"org-filter.value": [], "actor-kind-filter.value": [], "event-kind-filter.value": [],
              "topic-filter.value": [], "hops.value": 1, "time-window.value": None, "actor-search.value": [],
              "selection.data": None, "path-from.value": None, "path-to.value": None, "country-links.value": ["show"],
              "filtered-nodes.value": "hide", "webgl.data": True, "actor-table.page_current": 0,
              "actor-table.sort_by": [], "dataset-key.data": None}
    values.update(changes)
    return values


def _dataset(size: str | int, scratch: Path) -> tuple[Path, float | None]:
    """The folder to measure (a fresh synthetic dataset, or the default one) and the synth seconds."""
    if size == "default":
        return DEFAULT_DATA, None
    folder = scratch / "data"
    _, synth_s = timed(write_synth, folder, size, max(50, size * 19 // 50))
    return folder, synth_s


def viz_network(context) -> object:
    """The base network from the graph alone: index, hovers, communities (when too dense) and figure."""
    from viz.network.graph_index import index_graph
    from viz.render.figures.aggregate import DETAIL_MAX_NODES, find_communities
    from viz.render.figures.hovers import NetworkHovers
    from viz.render.figures.network import network_base

    index = index_graph(context.graph, context.dataset, context.positions)
    communities = find_communities(index) if len(index.nodes) > DETAIL_MAX_NODES else None
    return network_base(context.graph, index, NetworkHovers(context.graph, index, context.sources),
                        title=f"{context.dataset.meta.title}: network", communities=communities, svg=not context.large)


def bench_size(size: str | int, scratch: Path, layout_timeout: float) -> dict:
    from viz.app import create_app
    from viz.app.layout import app_shell
    from viz.render.view import ViewContext, prepare_context

    folder, synth_s = _dataset(size, scratch)
    dataset, load_s = timed(load_dataset, folder)
    graph, graph_s = timed(build_graph, dataset)
    positions, layout_s = timed(node_positions, graph)  # no cache: a real layout
    cache = scratch / "layout-cache"
    node_positions(graph, cache_key="bench", cache_dir=cache)
    _, cached_layout_s = timed(node_positions, graph, cache_key="bench", cache_dir=cache)
    context, prepare_s = timed(prepare_context, folder)
    busiest = max((a.id for a in dataset.organisations() if a.kind.value == "company"), key=graph.degree)
    low, high = context.year_range
    middle = (low + high) // 2

    # figure build of the whole network: baseline vs viz (the index built from scratch too: it is part of the cost)
    naive, naive_build_s = timed(naive_network_figure, graph, positions)
    naive_json, naive_json_s = timed(naive.to_json)
    naive_bytes = len(naive_json)
    del naive, naive_json
    # a fresh start: positions and communities read from the on-disk cache (by content hash), as on any
    # start after the first one; everything else built from the loaded graph
    fresh = ViewContext(dataset, graph, context.positions, context.sources, context.cache_key)
    _, viz_build_s = timed(viz_network, fresh)
    # everything the first page needs, from a loaded graph: index, base figures and table; the page's
    # layout (built once at start-up, with the analysis panel) is measured apart
    _, figures_s = timed(lambda: fresh.figures)
    _, shell_s = timed(app_shell, fresh)

    # first page and interactions through the real app
    app = create_app(context=context)
    client = app.server.test_client()
    packed, first_s = timed(client.get, "/_dash-layout", headers=GZIP)  # as a browser asks for it
    layout = client.get("/_dash-layout")
    layout_wire = len(packed.data) if packed.headers.get("Content-Encoding") == "gzip" else len(layout.data)
    deps = client.get("/_dash-dependencies").get_json()
    render, table = _spec(deps, "network-graph.figure"), _spec(deps, "actor-table.data")
    details = _spec(deps, "details.children")
    names = {"network-graph": [t.name for t in context.figures.network.figure.data],
             "timeline-graph": [t.name for t in context.figures.timeline.data]}
    updates = {}
    for name, (changes, changed) in {
        "organisation": ({"org-filter.value": [busiest]}, "org-filter.value"),
        "year window": ({"time-window.value": [middle, middle + 2]}, "time-window.value"),
        "event kind": ({"event-kind-filter.value": ["visit"]}, "event-kind-filter.value"),
        "organisation, 2 hops": ({"org-filter.value": [busiest], "hops.value": 2}, "hops.value"),
        "selection": ({"selection.data": f"node:{busiest}"}, "selection.data"),
    }.items():
        updates[name] = measure_request(client, render, _values(**changes), changed, names)
    # the actors table answers the same filter in a request of its own
    updates["table page"] = measure_request(client, table, _values(**{"org-filter.value": [busiest]}),
                                            "org-filter.value", names)
    # and a selection's record in one of its own
    updates["selection details"] = measure_request(client, details, _values(**{"selection.data": f"node:{busiest}"}),
                                                   "selection.data", names)

    # the baseline's filter update: rebuild and resend the filtered figure
    baseline_updates = {}
    for name, state in {"organisation": ViewState(orgs=(busiest,)),
                        "year window": ViewState(start=dt.date(middle, 1, 1), end=dt.date(middle + 2, 12, 31))}.items():
        shown = visible_graph(graph, dataset, state)
        naive_filtered, seconds = timed(naive_network_figure, shown, positions)
        text, json_s = timed(naive_filtered.to_json)
        baseline_updates[name] = {"server_s": round(seconds + json_s, 4), "bytes": len(text)}
    spring_s = spring_layout_seconds(graph, layout_timeout)
    return {
        "label": str(size), "folder": str(folder.relative_to(ROOT)) if size == "default" else None,
        "actors": size if isinstance(size, int) else len(dataset.actors), "events": len(dataset.events),
        "nodes": graph.number_of_nodes(), "relations": graph.number_of_edges(), "busiest_company": busiest,
        "large_mode": context.large,  # drawn with WebGL
        "synth_s": round(synth_s, 2) if synth_s is not None else None, "load_s": round(load_s, 2),
        "graph_s": round(graph_s, 2), "prepare_context_s": round(prepare_s, 2),
        "layout": {"viz_igraph_s": round(layout_s, 2), "viz_cached_s": round(cached_layout_s, 4),
                   "baseline_spring_s": round(spring_s, 2) if spring_s is not None else None,
                   "baseline_stopped_after_s": None if spring_s is not None else layout_timeout},
        "build": {"baseline_s": round(naive_build_s + naive_json_s, 3), "viz_s": round(viz_build_s, 3),
                  "speedup": round((naive_build_s + naive_json_s) / viz_build_s, 1)},
        # cold: figures built from the loaded graph, then the page served (compressed); warm: the request
        # alone (the app builds the figures and the page once at start, as it lays the graph out once)
        "first_render": {"viz_server_s": round(figures_s + first_s, 3), "viz_figures_s": round(figures_s, 3),
                         "viz_page_layout_s": round(shell_s, 3), "viz_warm_server_s": round(first_s, 3),
                         "viz_bytes": len(layout.data), "viz_wire_bytes": layout_wire,
                         "baseline_bytes": naive_bytes, "baseline_server_s": round(naive_build_s + naive_json_s, 3)},
        "filter_update": {"viz": updates, "baseline": baseline_updates},
    }


COLD_START = """
import json, sys, time
start = time.perf_counter()
{body}
layout = client.get("/_dash-layout")
assert layout.status_code == 200
print(json.dumps({{"seconds": time.perf_counter() - start, "bytes": len(layout.data), "import_s": imported - start}}))
"""
VIZ_APP = """
from viz.app import create_app
imported = time.perf_counter()
client = create_app().server.test_client()
"""
NAIVE_APP = """
sys.path.insert(0, "scripts")
import networkx as nx
from dash import Dash, dcc
from bench import naive_network_figure
from viz import default_data_dir
from viz.network.graph import build_graph
from viz.record.load import load_dataset
imported = time.perf_counter()
graph = build_graph(load_dataset(default_data_dir()))
positions = nx.spring_layout(nx.Graph(graph.to_undirected()), seed=7)
app = Dash(__name__)
app.layout = dcc.Graph(figure=naive_network_figure(graph, positions))
client = app.server.test_client()
"""


def cold_start(body: str, cache_dir: str) -> dict:
    """A fresh process: ``seconds`` from its first line to the page served (``import_s`` of them
    importing), and ``process_s`` from its launch to its exit (the interpreter's start included)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", COLD_START.format(body=body)], capture_output=True, text=True,
                            cwd=ROOT, timeout=600, env={"VIZ_CACHE_DIR": cache_dir, "PATH": "/usr/bin:/bin"})
    process_s = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"cold start failed: {result.stderr[-2000:]}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    return {k: round(v, 3) for k, v in {**measured, "process_s": process_s}.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_size, nargs="+",
                        help="'default' (data/india-israel) and/or numbers of synthetic actors; a spot check, "
                             "without the junk-input section (default: default 1000 10000 50000, and junk input)")
    parser.add_argument("--layout-timeout", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--only", choices=["junk"], help="run one section only")
    args = parser.parse_args()
    from bench_junk import junk_results, junk_table  # beside this script

    junk = None
    if args.only == "junk" or args.sizes is None:
        junk = junk_results(ROOT / "tests" / "fixtures" / "jwg17")
        print(junk_table(junk), file=sys.stderr, flush=True)
        if args.only == "junk":
            return 0
    results: dict = {"machine": {"cores": multiprocessing.cpu_count(), "python": sys.version.split()[0]},
                     "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "targets": TARGETS, "sizes": []}
    with tempfile.TemporaryDirectory() as empty_cache:
        results["cold_start_default"] = {"viz_empty_cache": cold_start(VIZ_APP, empty_cache),
                                         "viz_warm_cache": cold_start(VIZ_APP, empty_cache),
                                         "baseline": cold_start(NAIVE_APP, empty_cache)}
    for size in args.sizes or SIZES:
        with tempfile.TemporaryDirectory() as scratch:
            print(f"benchmarking {size}" + ("" if size == "default" else " actors") + "…", file=sys.stderr, flush=True)
            results["sizes"].append(bench_size(size, Path(scratch), args.layout_timeout))
    if junk is not None:
        results["junk_input"] = junk
    results["checks"] = checks(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print(report(results))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
