"""Large-dataset rendering: base figures, patches and their agreement with the networkx view."""

import datetime as dt
import json

import numpy as np
import pytest
from dash import Patch
from plotly.utils import PlotlyJSONEncoder

from viz.network.explore import visible_graph
from viz.network.state import ViewState
from viz.record.synth import write_synth
from viz.render.figures.arrays import polylines
from viz.render.figures.network import clicked_node
from viz.render.figures.network_patch import apply_changes
from viz.render.view import build_view, prepare_context


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A synthetic context of 800 actors (drawn in SVG; the same engine draws the large ones in WebGL)."""
    return prepare_context(write_synth(tmp_path_factory.mktemp("scale"), 800, 900, fmt="json"))


def _decode(value):
    if isinstance(value, dict) and "bdata" in value:
        import base64

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype={"f4": np.float32, "u1": np.uint8}[value["dtype"]])
    return np.asarray(value, dtype=float)


def _drawn_pairs(figure, context) -> set[frozenset]:
    """Node pairs joined by a visible line in the figure, read back from coordinates."""
    where = {}
    for node, (x, y) in context.positions.items():
        where[(np.float32(x).item(), np.float32(y).item())] = node
    pairs = set()
    data = figure.to_plotly_json()["data"]
    for trace in data:
        if trace.get("mode") != "lines" or trace.get("visible") is False or trace["name"] in (
                "selected relations", "shortest path"):
            continue
        x, y = _decode(trace["x"]), _decode(trace["y"])
        for i in range(len(x) - 1):
            if not (np.isnan(x[i]) or np.isnan(x[i + 1])):
                pairs.add(frozenset((where[(x[i].item(), y[i].item())], where[(x[i + 1].item(), y[i + 1].item())])))
    return pairs


def test_polylines_draw_every_pair_once_with_about_one_point_per_line():
    rng = np.random.default_rng(3)
    xy = rng.random((300, 2)).astype(np.float32)
    u, v = rng.integers(0, 300, 2000), rng.integers(0, 300, 2000)
    x, y = polylines(xy, u, v)
    index_of = {tuple(p): i for i, p in enumerate(xy.tolist())}
    drawn = {frozenset((index_of[(x[i].item(), y[i].item())], index_of[(x[i + 1].item(), y[i + 1].item())]))
             for i in range(len(x) - 1) if not (np.isnan(x[i]) or np.isnan(x[i + 1]))}
    wanted = {frozenset((a, b)) for a, b in zip(u.tolist(), v.tolist(), strict=True) if a != b}
    assert drawn == wanted
    assert len(x) < 1.5 * len(wanted)  # three points per line (ends and a gap) is the naive cost


STATES = [ViewState(), ViewState(start=dt.date(2010, 1, 1), end=dt.date(2013, 12, 31)),
          ViewState(start=dt.date(2010, 4, 1), end=dt.date(2011, 8, 31)), ViewState(event_kinds=("visit",)),
          ViewState(actor_kinds=("person", "company")), ViewState(countries=False),
          ViewState(countries=False, start=dt.date(2010, 1, 1), end=dt.date(2013, 12, 31))]


@pytest.mark.parametrize("state", [*STATES, "busiest", "busiest-2"])
def test_figures_draw_exactly_the_relations_and_nodes_of_the_view(big, state):
    if isinstance(state, str):
        busiest = max((a.id for a in big.dataset.organisations()), key=big.graph.degree)
        state = ViewState(orgs=(busiest,), hops=2 if state.endswith("2") else 1)
    view = build_view(big, state)
    shown = visible_graph(big.graph, big.dataset, state)
    assert _drawn_pairs(view.network, big) == {frozenset((u, v)) for u, v in shown.edges() if u != v}
    traces = big.figures.network.traces
    index = big.figures.index
    data = view.network.to_plotly_json()["data"]
    lit = set(data[traces.overlay_nodes].get("customdata") or [])
    for kind, number in traces.kinds.items():
        colour = data[number]["marker"]["color"]
        members = [index.nodes[i] for i in np.flatnonzero(index.node_kind == index.kinds.index(kind))]
        if isinstance(colour, dict):  # one byte per node: 1 shown, 0 grey
            lit |= {f"node:{n}" for n, on in zip(members, _decode(colour), strict=True) if on}
        elif colour != "#dcdcdc":
            lit |= {f"node:{n}" for n in members}
    from test_figures import drawn_nodes

    lit &= {f"node:{n}" for n in drawn_nodes(view.network)}  # (hidden in place: opacity 0)
    assert lit == {f"node:{n}" for n in shown.nodes}


def test_a_filter_is_a_small_patch_not_a_figure(big):
    busiest = max((a.id for a in big.dataset.organisations()), key=big.graph.degree)
    base = len(build_view(big).network.to_json())
    for state in (ViewState(orgs=(busiest,)), ViewState(start=dt.date(2012, 1, 1), end=dt.date(2012, 12, 31))):
        view = build_view(big, state, patch=True)
        assert isinstance(view.network, Patch) and isinstance(view.timeline, Patch)
        update = view.network.to_plotly_json()
        traces = big.figures.network.traces
        base_traces = {*traces.buckets, *traces.kinds.values()}
        moved = [op["location"] for op in update["operations"]
                 if op["location"][0] == "data" and op["location"][1] in base_traces and op["location"][2] in "xy"]
        assert not moved, "a patch must never resend the base positions"
        assert len(json.dumps(update, cls=PlotlyJSONEncoder)) < base / 3
    # applying a state's patch to the base gives the state's whole figure
    state = ViewState(orgs=(busiest,), selected=f"node:{busiest}")
    whole = build_view(big, state).network.to_plotly_json()
    patched = apply_changes(big.figures.network.figure, {})
    assert whole["layout"]["title"]["text"] != patched.to_plotly_json()["layout"]["title"]["text"]


def test_clicks_on_base_nodes_map_back_to_their_ids(big):
    index = big.figures.index
    traces = big.figures.network.traces
    data = big.figures.network.figure.to_plotly_json()["data"]
    for kind, number in traces.kinds.items():
        members = np.flatnonzero(index.node_kind == index.kinds.index(kind))
        last = len(members) - 1
        assert clicked_node(traces, index, number, last) == index.nodes[members[last]]
        # an SVG base names each node in its customdata, and its hover is the node's full card
        assert data[number]["customdata"][last] == f"node:{index.nodes[members[last]]}"
        assert data[number]["hovertext"][last].startswith(f"<b>{index.labels[members[last]]}</b>")
    assert clicked_node(traces, index, traces.labels, 0) is None
    assert clicked_node(traces, index, traces.kinds["person"], 10**6) is None


def test_selection_lights_the_same_nodes_and_events_as_the_small_path(big):
    from viz.network.explore import selection_highlight
    from viz.render.engine import highlight_masks

    index = big.figures.index
    busiest = max((a.id for a in big.dataset.organisations()), key=big.graph.degree)
    agreement = big.dataset.agreements[0].id
    for ref in (f"node:{busiest}", f"node:{agreement}", f"event:{big.dataset.events[5].id}", "node:nobody"):
        expected = selection_highlight(big.dataset, big.graph, ref)
        nodes, events = highlight_masks(big, ref)
        if expected.nodes is None:
            assert nodes is None
            continue
        assert {index.nodes[i] for i in np.flatnonzero(nodes)} == set(expected.nodes)
        assert {index.events[i] for i in np.flatnonzero(events)} == set(expected.events)
