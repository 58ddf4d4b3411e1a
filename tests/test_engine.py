"""The one rendering engine: every view of every dataset is a patch of base figures, and nothing the
old whole-figure path drew is lost (hide or grey, relation hovers, paths, legends, session labels)."""

import copy
import dataclasses
import datetime as dt

import numpy as np
import pytest
from dash import Patch
from test_figures import drawn_nodes

from viz.network.analytics import shortest_paths
from viz.network.explore import visible_events, visible_graph
from viz.network.state import ViewState
from viz.render.figures.common import GHOST
from viz.render.view import build_view, prepare_context

STATES = [ViewState(), ViewState(orgs=("elbit",)), ViewState(orgs=("elbit",), grey=True),
          ViewState(start=dt.date(2015, 1, 1), end=dt.date(2018, 12, 31)), ViewState(event_kinds=("visit",)),
          ViewState(orgs=("rafael",), hops=2), ViewState(selected="node:rafael"), ViewState(countries=False),
          ViewState(path_from="rafael", path_to="ajay-kumar"), ViewState(topics=("no such topic",))]


@pytest.fixture(scope="module")
def context():
    return prepare_context("data/india-israel")


def _plain(value):
    """A figure's JSON form with arrays (numpy, or plotly's base64 typed arrays) as lists, NaN as None."""
    import base64

    import numpy as np

    if isinstance(value, dict) and set(value) >= {"dtype", "bdata"}:
        value = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, dict):  # (no annotations and an empty list of them are the same picture)
        return {k: _plain(v) for k, v in value.items() if not (k == "annotations" and not len(v))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def _apply(base: dict, patch: Patch) -> dict:
    """What the browser does with a Patch: each operation assigns a value at a path."""
    result = copy.deepcopy(base)
    for operation in patch.to_plotly_json()["operations"]:
        assert operation["operation"] == "Assign"
        target = result
        *path, last = operation["location"]
        for part in path:
            target = target.setdefault(part, {}) if isinstance(target, dict) else target[part]
        target[last] = operation["params"]["value"]
    return result


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.describe({}) or s.selected or s.path_from or "all")
def test_a_patch_of_the_base_is_the_whole_view(context, state):
    """The page gets patches, exports and reports whole figures: the two are the same picture."""
    patched = build_view(context, state, patch=True)
    whole = build_view(context, state)
    assert isinstance(patched.network, Patch) and isinstance(patched.timeline, Patch)
    for base, patch, figure in ((context.figures.network.figure, patched.network, whole.network),
                                (context.figures.timeline, patched.timeline, whole.timeline)):
        assert _plain(_apply(base.to_plotly_json(), patch)) == _plain(figure.to_plotly_json())


def _shown_nodes(figure) -> set[str]:
    """Nodes drawn in the kind's colour: greyed ones (per point or per trace) aside."""
    import numpy as np
    from test_scale import _decode

    data = figure.to_plotly_json()["data"]
    shown = set()
    for trace in data:
        refs = trace.get("customdata")
        if trace.get("visible") is False or not refs or not str(refs[0]).startswith("node:"):
            continue
        if trace["name"] == "selected":
            continue
        colour = trace["marker"].get("color")  # a kind's trace: 1 its colour, 0 grey; the overlay: kind numbers
        on = (np.ones(len(refs), bool) if not isinstance(colour, dict) or trace["name"] == "actors shown"
              else _decode(colour).astype(bool))
        if colour == GHOST:
            continue
        shown |= {ref[len("node:"):] for ref, lit in zip(refs, on, strict=True) if lit}
    return shown & set(drawn_nodes(figure))  # (hidden in place: opacity 0)


def test_filtered_nodes_are_hidden_or_greyed_as_chosen(context):
    state = ViewState(orgs=("elbit",))
    shown = set(visible_graph(context.graph, context.dataset, state).nodes)
    hidden = build_view(context, state).network
    assert set(drawn_nodes(hidden)) == shown == _shown_nodes(hidden)
    greyed = build_view(context, ViewState(orgs=("elbit",), grey=True)).network
    assert set(drawn_nodes(greyed)) == set(context.graph.nodes)  # every node stays, as context
    assert _shown_nodes(greyed) == shown
    assert "filtered=grey" in build_view(context, ViewState(orgs=("elbit",), grey=True)).query


def test_filtered_events_are_hidden_or_greyed_and_keep_their_labels(context):
    state = ViewState(orgs=("imod",))
    kept = {f"event:{e.event_id}" for e in visible_events(context.dataset, state)}
    data = build_view(context, state).timeline.to_plotly_json()["data"]
    drawn = [(ref, text) for t in data if t.get("visible") is not False and t.get("name") != "selected events"
             for ref, text in zip(t.get("customdata") or [], t.get("text") or [""] * len(t.get("customdata") or []),
                                  strict=True)]
    assert {ref for ref, _ in drawn} == kept
    assert ("event:jwg-15", "15th") in drawn  # a session keeps its number when drawn in the overlay
    grey = build_view(context, ViewState(orgs=("imod",), grey=True)).timeline.to_plotly_json()["data"]
    assert {ref for t in grey if t.get("visible") is not False for ref in t.get("customdata") or []} == {
        f"event:{e.id}" for e in context.dataset.events}


def test_relation_hovers_cover_every_pair_shown(context):
    traces = context.figures.network.traces
    for state in (ViewState(), ViewState(orgs=("elbit",)), ViewState(start=dt.date(2015, 1, 1),
                                                                     end=dt.date(2018, 12, 31))):
        shown = visible_graph(context.graph, context.dataset, state)
        data = build_view(context, state).network.to_plotly_json()["data"]
        points = [data[t] for t in (*traces.bucket_points, traces.overlay_points)]
        answering = [(ref, text) for t in points if t.get("visible") is not False
                     for ref, text, info in zip(t.get("customdata") or [], t.get("hovertext") or [],
                                                _each(t.get("hoverinfo", "text"), len(t.get("customdata") or [])),
                                                strict=True) if info != "skip"]
        assert {ref for ref, _ in answering} == {f"pair:{min(u, v)}|{max(u, v)}" for u, v in shown.edges()
                                                 if u != v}, state
        assert all("Source" in text or "no source" in text for _, text in answering)


def _each(value, count: int) -> list:
    return list(value) if isinstance(value, list | tuple) else [value] * count


def test_shortest_paths_are_drawn_with_a_legend_entry(context):
    state = ViewState(path_from="rafael", path_to="ajay-kumar")
    traces = context.figures.network.traces
    data = build_view(context, state).network.to_plotly_json()["data"]
    path = data[traces.path]
    assert path["showlegend"] is True and path["name"] == "shortest path"
    from test_scale import _decode

    where = {(float(x), float(y)): n for n, (x, y) in
             ((n, (np.float32(x), np.float32(y))) for n, (x, y) in context.positions.items())}
    x, y = _decode(path["x"]), _decode(path["y"])
    drawn = {frozenset((where[(float(x[i]), float(y[i]))], where[(float(x[i + 1]), float(y[i + 1]))]))
             for i in range(len(x) - 1) if not (np.isnan(x[i]) or np.isnan(x[i + 1]))}
    hops = {frozenset((h.source, h.target)) for p in shortest_paths(context.graph, "rafael", "ajay-kumar") for h in p}
    assert hops and drawn == hops
    plain = build_view(context).network.to_plotly_json()["data"][traces.path]
    assert plain["showlegend"] is False


def test_legend_keeps_its_colours_and_drops_country_links_when_hidden(context):
    traces = context.figures.network.traces
    assert "context" in traces.legend_styles
    for state in (ViewState(), ViewState(countries=False), ViewState(orgs=("elbit",), grey=True),
                  ViewState(orgs=("imod",))):
        drawn = any(r == "based_in" for _, _, r in visible_graph(context.graph, context.dataset, state).edges(
            data="relation"))
        data = build_view(context, state).network.to_plotly_json()["data"]
        assert data[traces.legend_styles["context"]].get("visible", True) is drawn, state
        assert drawn is (state.countries and state.orgs != ("elbit",))  # the states test both sides
        colours = [data[t]["marker"]["color"] for t in range(traces.legend, traces.legend + len(traces.kinds))]
        assert GHOST not in colours and len(set(colours)) == len(colours)


def test_clicks_on_points_hidden_in_place_are_ignored(context):
    from viz.render.engine import drawn_in_view

    elbit = ViewState(orgs=("elbit",))
    assert drawn_in_view(context, elbit, "node:elbit") and drawn_in_view(context, elbit, "pair:elbit|hal")
    assert not drawn_in_view(context, elbit, "node:drdo")  # hidden where it is
    assert not drawn_in_view(context, elbit, "pair:drdo|mod-india") and not drawn_in_view(context, elbit, "node:nobody")
    assert drawn_in_view(context, ViewState(orgs=("elbit",), grey=True), "node:drdo")  # greyed: still drawn
    assert drawn_in_view(context, ViewState(), "node:drdo") and drawn_in_view(context, elbit, "event:jwg-17")


@pytest.mark.parametrize("state", [ViewState(path_from="rafael", path_to="ajay-kumar"),
                                   ViewState(path_from="rafael", path_to="ajay-kumar",
                                             start=dt.date(2018, 1, 1), end=dt.date(2025, 12, 31)),
                                   ViewState(path_from="elbit", path_to="imod", orgs=("elbit", "imod"), hops=2)],
                         ids=["all", "window", "orgs"])
def test_paths_from_the_arrays_are_the_networkx_paths_of_the_view(context, state):
    """The engine searches paths on a graph built from the arrays (fast at 50k); they are the paths
    networkx finds in the view's own graph, each hop listing only the view's relations."""
    from viz.network.graph_index import visible_masks
    from viz.render.engine import view_paths

    masks = visible_masks(context.figures.index, state)
    ours = view_paths(context, state, masks)
    theirs = shortest_paths(visible_graph(context.graph, context.dataset, state), state.path_from, state.path_to,
                            limit=1000)  # every shortest path of the view

    def steps(paths):
        return {tuple((h.source, h.target, tuple(sorted((r["relation"], r.get("date") or "") for r in h.relations)))
                      for h in path) for path in paths}

    assert ours and len(ours) == min(5, len(theirs))  # up to 5 of them, with the same relations per hop
    assert steps(ours) <= steps(theirs)
    assert view_paths(context, dataclasses.replace(state, selected="node:rafael"), masks) is ours  # kept per view
