"""Benchmark: viz against the common approach, at 1k, 10k and 50k actors, in one run.

The common approach (the baseline) draws one Plotly trace per relation, lays the
graph out with networkx ``spring_layout`` and resends the whole figure on every
filter. For each size this script writes a synthetic dataset (``viz synth``) and
measures, for the baseline and for viz:

- figure build time of the whole network (from the graph and positions);
- first render: server time and bytes (viz: building the page's figures from the
  loaded graph plus serving the app's real ``/_dash-layout``; "warm" is the
  request alone, as after start-up, when the figures are built);
- a filter update: server time and response bytes (viz: the real render
  callback through Flask's test client; organisation filter and year window,
  plus event-kind and 2-hop filters reported as they are);
- layout time (baseline: spring_layout, stopped after --layout-timeout s);
- and once, app cold start for the default dataset (fresh processes).

Writes bench/results.json and prints a table. Usage: python scripts/bench.py [--sizes 1000 10000 50000]
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from loadtest import _spec, payload  # noqa: E402

from viz.network.explore import visible_graph  # noqa: E402
from viz.network.graph import build_graph  # noqa: E402
from viz.network.positions import node_positions  # noqa: E402
from viz.network.state import ViewState  # noqa: E402
from viz.record.load import load_dataset  # noqa: E402
from viz.record.synth import write_synth  # noqa: E402

TARGETS = {"first_render_s": 2.0, "first_render_bytes": 10_000_000, "update_s": 0.050, "update_bytes": 100_000,
           "layout_s": 5.0, "speedup_at_10k": 20.0}


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


def _update_request(client, deps: list[dict], values: dict) -> tuple[float, int]:
    """Median server time and the size of the render callback's response for ``values``."""
    spec = _spec(deps, "network-graph.figure")
    body = payload(spec, values, "org-filter.value")
    times, size = [], 0
    for _ in range(5):
        start = time.perf_counter()
        response = client.post("/_dash-update-component", json=body)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.data[:300]
        size = len(response.data)
    return statistics.median(times), size


def _values(**changes) -> dict:
    values = {"org-filter.value": [], "actor-kind-filter.value": [], "event-kind-filter.value": [],
              "topic-filter.value": [], "hops.value": 1, "time-window.value": None, "actor-search.value": [],
              "selection.data": None, "path-from.value": None, "path-to.value": None, "country-links.value": ["show"],
              "dataset-key.data": None}
    values.update(changes)
    return values


def bench_size(actors: int, folder: Path, layout_timeout: float) -> dict:
    from viz.app import create_app
    from viz.network.graph_index import index_graph
    from viz.render.figures.scale import large_network_figure
    from viz.render.view import ViewContext, build_view, prepare_context

    events = max(50, actors * 19 // 50)
    _, synth_s = timed(write_synth, folder, actors, events)
    dataset, load_s = timed(load_dataset, folder)
    graph, graph_s = timed(build_graph, dataset)
    positions, layout_s = timed(node_positions, graph)  # no cache: a real layout
    cache = Path(tempfile.mkdtemp(prefix="viz-bench-layout-"))
    node_positions(graph, cache_key="bench", cache_dir=cache)
    _, cached_layout_s = timed(node_positions, graph, cache_key="bench", cache_dir=cache)
    context, prepare_s = timed(prepare_context, folder)
    busiest = max((a.id for a in dataset.organisations() if a.kind.value == "company"), key=graph.degree)
    low, high = context.year_range
    middle = (low + high) // 2

    # figure build of the whole network: baseline vs viz
    naive, naive_build_s = timed(naive_network_figure, graph, positions)
    naive_json, naive_json_s = timed(naive.to_json)
    naive_bytes = len(naive_json)
    del naive, naive_json
    if context.large:  # the index is built from scratch too: it is part of the cost
        _, viz_build_s = timed(lambda: large_network_figure(index_graph(graph, dataset, context.positions)))
        # everything the first page needs, from a loaded graph: index, base network and base timeline
        fresh = ViewContext(dataset, graph, context.positions, context.sources)
        _, figures_s = timed(lambda: fresh.large_figures)
    else:
        _, viz_build_s = timed(lambda: build_view(context).network)
        _, figures_s = timed(build_view, context)

    # first render and filter updates through the real app
    app = create_app(context=context)
    client = app.server.test_client()
    layout, first_s = timed(client.get, "/_dash-layout")
    deps = client.get("/_dash-dependencies").get_json()
    updates = {}
    for name, values in {
        "organisation": _values(**{"org-filter.value": [busiest]}),
        "year window": _values(**{"time-window.value": [middle, middle + 2]}),
        "organisation, 2 hops": _values(**{"org-filter.value": [busiest], "hops.value": 2}),
        "event kind": _values(**{"event-kind-filter.value": ["visit"]}),
    }.items():
        seconds, size = _update_request(client, deps, values)
        updates[name] = {"server_s": round(seconds, 4), "bytes": size}

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
        "actors": actors, "events": events, "nodes": graph.number_of_nodes(), "relations": graph.number_of_edges(),
        "large_mode": context.large, "synth_s": round(synth_s, 2), "load_s": round(load_s, 2),
        "graph_s": round(graph_s, 2), "prepare_context_s": round(prepare_s, 2),
        "layout": {"viz_igraph_s": round(layout_s, 2), "viz_cached_s": round(cached_layout_s, 4),
                   "baseline_spring_s": round(spring_s, 2) if spring_s is not None else None,
                   "baseline_stopped_after_s": None if spring_s is not None else layout_timeout},
        "build": {"baseline_s": round(naive_build_s + naive_json_s, 3), "viz_s": round(viz_build_s, 3),
                  "speedup": round((naive_build_s + naive_json_s) / viz_build_s, 1)},
        # cold: figures built from the loaded graph, then the page served; warm: the page alone
        # (the app builds the figures once at start, as it lays the graph out once)
        "first_render": {"viz_server_s": round(figures_s + first_s, 3), "viz_warm_server_s": round(first_s, 3),
                         "viz_bytes": len(layout.data),
                         "baseline_bytes": naive_bytes, "baseline_server_s": round(naive_build_s + naive_json_s, 3)},
        "filter_update": {"viz": updates, "baseline": baseline_updates},
    }


COLD_START = """
import json, sys, time
start = time.perf_counter()
{body}
layout = client.get("/_dash-layout")
assert layout.status_code == 200
print(json.dumps({{"seconds": time.perf_counter() - start, "bytes": len(layout.data)}}))
"""
VIZ_APP = """
from viz.app import create_app
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
graph = build_graph(load_dataset(default_data_dir()))
positions = nx.spring_layout(nx.Graph(graph.to_undirected()), seed=7)
app = Dash(__name__)
app.layout = dcc.Graph(figure=naive_network_figure(graph, positions))
client = app.server.test_client()
"""


def cold_start(body: str, cache_dir: str) -> dict:
    result = subprocess.run([sys.executable, "-c", COLD_START.format(body=body)], capture_output=True, text=True,
                            cwd=ROOT, timeout=600, env={"VIZ_CACHE_DIR": cache_dir, "PATH": "/usr/bin:/bin"})
    if result.returncode:
        raise SystemExit(f"cold start failed: {result.stderr[-2000:]}")
    return {k: round(v, 3) for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--layout-timeout", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--only", choices=["junk"], help="run one section only")
    args = parser.parse_args()
    from bench_junk import junk_results, junk_table  # beside this script

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
    for actors in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            print(f"benchmarking {actors} actors…", file=sys.stderr, flush=True)
            results["sizes"].append(bench_size(actors, Path(folder) / "data", args.layout_timeout))
    results["junk_input"] = junk
    results["checks"] = _checks(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print(_table(results))
    print(f"\nwrote {args.out}")
    return 0


def _checks(results: dict) -> dict:
    """Each target, met or not, against the largest size and against 10k for the speedup."""
    largest = max(results["sizes"], key=lambda r: r["actors"])
    at_10k = next((r for r in results["sizes"] if r["actors"] == 10_000), None)
    first, updates = largest["first_render"], largest["filter_update"]["viz"]
    checks = {
        "first_render_s (network figure, from the graph)": largest["build"]["viz_s"] <= TARGETS["first_render_s"],
        "first_render_s (whole page, cold)": first["viz_server_s"] <= TARGETS["first_render_s"],
        "first_render_s (whole page, after start-up)": first["viz_warm_server_s"] <= TARGETS["first_render_s"],
        "first_render_bytes": first["viz_bytes"] <= TARGETS["first_render_bytes"],
        "layout_s": largest["layout"]["viz_igraph_s"] <= TARGETS["layout_s"],
    }
    for name in ("organisation", "year window"):
        checks[f"update_s ({name})"] = updates[name]["server_s"] <= TARGETS["update_s"]
        checks[f"update_bytes ({name})"] = updates[name]["bytes"] <= TARGETS["update_bytes"]
    if at_10k:
        checks["speedup_at_10k"] = at_10k["build"]["speedup"] >= TARGETS["speedup_at_10k"]
    return {"measured_at_actors": largest["actors"], **checks}


def _table(results: dict) -> str:
    rows = [("actors", "relations", "build base/viz s (x)", "first render viz cold/warm s, MB (base MB)",
             "org filter viz ms/KB (base)", "window viz ms/KB (base)", "layout viz / cached / spring s")]
    for r in results["sizes"]:
        org, window = r["filter_update"]["viz"]["organisation"], r["filter_update"]["viz"]["year window"]
        base = r["filter_update"]["baseline"]
        base_org, base_window = base["organisation"], base["year window"]
        spring = r["layout"]["baseline_spring_s"]
        rows.append((
            str(r["actors"]), str(r["relations"]),
            f"{r['build']['baseline_s']:.2f}/{r['build']['viz_s']:.2f} ({r['build']['speedup']:.0f}x)",
            f"{r['first_render']['viz_server_s']:.2f}/{r['first_render']['viz_warm_server_s']:.2f}, "
            f"{r['first_render']['viz_bytes'] / 1e6:.1f} ({r['first_render']['baseline_bytes'] / 1e6:.1f})",
            f"{org['server_s'] * 1000:.0f}/{org['bytes'] / 1e3:.0f} "
            f"({base_org['server_s'] * 1000:.0f}/{base_org['bytes'] / 1e3:.0f})",
            f"{window['server_s'] * 1000:.0f}/{window['bytes'] / 1e3:.0f} "
            f"({base_window['server_s'] * 1000:.0f}/{base_window['bytes'] / 1e3:.0f})",
            f"{r['layout']['viz_igraph_s']:.1f} / {r['layout']['viz_cached_s']:.3f} / "
            + (f"{spring:.1f}" if spring is not None else f">{r['layout']['baseline_stopped_after_s']:.0f}"),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    cold = results["cold_start_default"]
    lines.append(f"\ncold start, default dataset: viz {cold['viz_empty_cache']['seconds']:.2f} s (empty layout cache), "
                 f"{cold['viz_warm_cache']['seconds']:.2f} s (warm); baseline {cold['baseline']['seconds']:.2f} s")
    lines.append("targets: " + ", ".join(f"{k} {'met' if v else 'NOT met'}" for k, v in results["checks"].items()
                                         if k != "measured_at_actors"))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
