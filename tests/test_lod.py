"""Level of detail: a dataset too dense to read node by node is drawn as communities and month
densities, and zooming, filtering or selecting brings back individual nodes and events."""

import datetime as dt
import json

import numpy as np
import pytest
from plotly.utils import PlotlyJSONEncoder
from test_scale import _decode, _drawn_pairs

from viz.network.explore import visible_events, visible_graph
from viz.network.graph_index import visible_masks
from viz.network.state import ViewState
from viz.record.synth import write_synth
from viz.render.engine import viewport_of, viewport_patch
from viz.render.figures.aggregate import DETAIL_MAX_NODES, find_communities
from viz.render.figures.common import GHOST
from viz.render.figures.network_patch import FOCUS_MAX_NODES, network_changes
from viz.render.figures.timeline_patch import DETAIL_MAX_EVENTS, FOCUS_MAX_EVENTS
from viz.render.view import build_view, prepare_context

#: the largest patch an interaction may send (issue 13: every interaction <= 100 KB)
MAX_PATCH_BYTES = 100_000


@pytest.fixture(scope="module")
def dense(tmp_path_factory):
    """Just over DETAIL_MAX_NODES nodes and DETAIL_MAX_EVENTS events: drawn as communities and densities."""
    context = prepare_context(write_synth(tmp_path_factory.mktemp("lod"), DETAIL_MAX_NODES, 2 * DETAIL_MAX_EVENTS,
                                          fmt="json"))
    assert context.large and context.graph.number_of_nodes() > DETAIL_MAX_NODES
    return context


def _trace(figure, number) -> dict:
    return figure.to_plotly_json()["data"][number]


def _patch_bytes(patch) -> int:
    return len(json.dumps(patch.to_plotly_json(), cls=PlotlyJSONEncoder))


def _busiest(context) -> str:
    return max((a.id for a in context.dataset.organisations() if context.graph.nodes[a.id]["kind"] == "company"),
               key=context.graph.degree)


def test_communities_cover_every_node_and_are_reproducible(dense):
    index = dense.figures.index
    communities = dense.figures.network.communities
    assert communities is not None and 1 < communities.count < len(index.nodes) / 20
    assert communities.size.sum() == len(index.nodes) and (np.diff(communities.size) <= 0).all()
    again = find_communities(index)
    assert (again.member == communities.member).all()


def test_the_base_network_draws_communities_not_a_disc_of_nodes(dense):
    figure = dense.figures.network.figure
    traces = dense.figures.network.traces
    communities = dense.figures.network.communities
    markers = _trace(figure, traces.communities)
    assert markers["visible"] is True and len(_decode(markers["x"])) == communities.count
    assert (_decode(markers["marker"]["size"]) > 0).all()
    assert all("community of" in text or "without relations" in text for text in markers["hovertext"])
    assert markers["customdata"][0] == "community:0"
    # no disc: the base holds no node or relation (its per-kind traces hold one point at no place, for the legend)
    assert not any(np.isfinite(_decode(_trace(figure, t)["x"])).any()
                   for t in (*traces.buckets, *traces.kinds.values()))
    assert not any(_trace(figure, t)["visible"] for t in traces.buckets)
    links = [_trace(figure, t) for t in traces.community_links]
    assert all(t["visible"] for t in links) and sum(len(_decode(t["x"])) for t in links) > 0
    # the largest communities are labelled with their best-connected member
    assert _trace(figure, traces.labels)["text"][0] == communities.names[0]


def _zoom(context, region) -> tuple[dict, list]:
    relayout = {"xaxis.range[0]": region[0][0], "xaxis.range[1]": region[0][1],
                "yaxis.range[0]": region[1][0], "yaxis.range[1]": region[1][1]}
    assert viewport_of(relayout) == region
    patch = viewport_patch(context, ViewState(), viewport_of(relayout))
    assert _patch_bytes(patch) < MAX_PATCH_BYTES
    operations = patch.to_plotly_json()["operations"]
    assert not [op for op in operations if op["location"][0] == "layout" and "range" in op["location"]], \
        "a zoom must keep the ranges the user chose"
    return {tuple(op["location"][1:]): op["params"]["value"] for op in operations}, operations


def test_zooming_in_draws_individual_nodes(dense):
    index = dense.figures.index
    traces = dense.figures.network.traces
    assert viewport_of({"autosize": True}) is False and viewport_of({"xaxis.autorange": True}) is None
    # a small region: its nodes (and the relations that touch them) in the overlay, the communities faint
    hub = index.xy[int(np.argmax(index.degree))]
    small = ([float(hub[0]) - 0.03, float(hub[0]) + 0.03], [float(hub[1]) - 0.03, float(hub[1]) + 0.03])
    values, _ = _zoom(dense, small)
    inside = ((index.xy[:, 0] >= small[0][0]) & (index.xy[:, 0] <= small[0][1])
              & (index.xy[:, 1] >= small[1][0]) & (index.xy[:, 1] <= small[1][1]))
    assert inside.sum() > 0 and values[(traces.overlay_nodes, "customdata")] == [
        f"node:{index.nodes[i]}" for i in np.flatnonzero(inside)]
    assert values[(traces.communities, "marker", "color")] == GHOST
    drawn = {frozenset(p) for trace in traces.overlay_edges.values() for p in _pairs(values, trace, index)}
    touching = {frozenset((index.nodes[u], index.nodes[v])) for u, v in zip(index.edge_u, index.edge_v, strict=True)
                if u != v and (inside[u] or inside[v])}
    assert drawn == touching or drawn == {p for p in touching if all(inside[index.node_index[n]] for n in p)}
    # half the layout (more nodes than FOCUS_MAX_NODES): still communities
    x, y = index.xy[:, 0], index.xy[:, 1]
    half = ([float(x.min()), float(np.median(x))], [float(y.min()), float(y.max())])
    values, _ = _zoom(dense, half)
    assert values[(traces.communities, "visible")] is True and values[(traces.communities, "marker", "color")] != GHOST
    assert values[(traces.overlay_nodes, "customdata")] == []
    # zoomed out again: communities
    whole = ([-1.0, 2.0], [-1.0, 2.0])
    changes = network_changes(dense.figures.network, None, None, title="", viewport=whole)
    assert changes[("data", traces.communities, "visible")] is True
    assert changes[("data", traces.communities, "marker", "color")] != GHOST


def _pairs(values: dict, trace: int, index) -> list[tuple[str, str]]:
    """Node pairs joined by the lines of a trace in a patch's values (read back from coordinates)."""
    where = {(x.item(), y.item()): index.nodes[i] for i, (x, y) in enumerate(index.xy)}
    x, y = _decode(values[(trace, "x")]), _decode(values[(trace, "y")])
    return [(where[(x[i].item(), y[i].item())], where[(x[i + 1].item(), y[i + 1].item())])
            for i in range(len(x) - 1) if not (np.isnan(x[i]) or np.isnan(x[i + 1]))]


def test_clicking_a_community_zooms_to_its_core(dense):
    communities = dense.figures.network.communities
    operations = viewport_patch(dense, ViewState(), None, community=0).to_plotly_json()["operations"]
    ranges = {op["location"][1]: op["params"]["value"] for op in operations
              if op["location"][0] == "layout" and op["location"][2:] == ["range"]}
    hub = communities.xy[0]
    assert ranges["xaxis"][0] <= hub[0] <= ranges["xaxis"][1] and ranges["yaxis"][0] <= hub[1] <= ranges["yaxis"][1]
    assert ranges["xaxis"][1] - ranges["xaxis"][0] < 1.0  # smaller than the whole layout


@pytest.mark.parametrize("hops", [0, 1])
def test_an_organisation_filter_shows_exactly_its_nodes_and_relations(dense, hops):
    state = ViewState(orgs=(_busiest(dense),), hops=hops)
    view = build_view(dense, state)
    shown = visible_graph(dense.graph, dense.dataset, state)
    traces = dense.figures.network.traces
    assert shown.number_of_nodes() <= FOCUS_MAX_NODES
    overlay = _trace(view.network, traces.overlay_nodes)
    assert set(overlay["customdata"]) == {f"node:{n}" for n in shown.nodes}
    assert _drawn_pairs(view.network, dense) == {frozenset((u, v)) for u, v in shown.edges() if u != v}
    # the other nodes are not a grey disc: the communities stay as faint context
    assert _trace(view.network, traces.communities)["marker"]["color"] == GHOST
    assert _patch_bytes(build_view(dense, state, patch=True).network) < MAX_PATCH_BYTES


def test_a_filter_that_keeps_many_nodes_sizes_the_communities_by_what_it_keeps(dense):
    kinds = ("person",)
    state = ViewState(actor_kinds=kinds)
    masks = visible_masks(dense.figures.index, state)
    assert masks.nodes.sum() > FOCUS_MAX_NODES
    view = build_view(dense, state)
    traces = dense.figures.network.traces
    communities = dense.figures.network.communities
    sizes = _decode(_trace(view.network, traces.communities)["marker"]["size"])
    kept = np.bincount(communities.member[masks.nodes], minlength=communities.count)
    assert ((sizes > 0) == (kept > 0)).all() and (sizes[kept > 0] < _decode(
        _trace(dense.figures.network.figure, traces.communities)["marker"]["size"])[kept > 0] + 1e-6).all()
    assert _trace(view.network, traces.overlay_nodes)["customdata"] == []
    assert any(len(_decode(_trace(view.network, t)["x"])) for t in traces.filtered_links)
    assert _patch_bytes(build_view(dense, state, patch=True).network) < MAX_PATCH_BYTES


def test_the_timeline_draws_month_densities_until_a_window_or_filter_thins_it(dense):
    tmap = dense.figures.timeline_map
    figure = dense.figures.timeline.to_plotly_json()["data"]
    assert tmap.density is not None and len(dense.dataset.events) > DETAIL_MAX_EVENTS
    heat = figure[tmap.density.trace]
    dated = sum(1 for e in dense.dataset.events if e.date.start)
    assert heat["type"] == "heatmap" and heat["visible"] is True
    assert sum(map(sum, heat["z"])) == dated  # every dated event counted once
    # the 5,000 overlapping markers are not in the base at all (nor drawn)
    assert all(len(figure[t]["x"]) == 0 for t, _, _, undated in tmap.traces if not undated)
    assert figure[tmap.overlays[0]]["x"] == []
    years = sorted({int(e.date.start[:4]) for e in dense.dataset.events if e.date.start})
    for state in (ViewState(start=dt.date(years[len(years) // 2], 1, 1), end=dt.date(years[len(years) // 2], 12, 31)),
                  ViewState(orgs=(_busiest(dense),))):
        kept = {f"event:{e.event_id}" for e in visible_events(dense.dataset, state) if e.start is not None}
        assert 0 < len(kept) <= FOCUS_MAX_EVENTS
        data = build_view(dense, state).timeline.to_plotly_json()["data"]
        overlay = data[tmap.overlays[0]]
        assert set(overlay["customdata"]) == kept and len(overlay["customdata"]) == len(kept)
        assert all(text.startswith("<b>") for text in overlay["hovertext"])
        assert data[tmap.density.trace]["visible"] is False
        assert _patch_bytes(build_view(dense, state, patch=True).timeline) < MAX_PATCH_BYTES
    # a filter that keeps many events (the busiest lanes but one): the densities count only those
    index = dense.figures.index
    lanes = [index.event_kinds[k] for k in np.argsort(-np.bincount(index.event_kind))]
    state = ViewState(event_kinds=tuple(lanes[:-1]))
    kept = [e for e in visible_events(dense.dataset, state) if e.start is not None]
    assert len(kept) > DETAIL_MAX_EVENTS
    data = build_view(dense, state).timeline.to_plotly_json()["data"]
    assert sum(map(sum, data[tmap.density.trace]["z"])) == len(kept)


def test_a_frame_around_an_organisation_holds_it_and_says_what_it_leaves_out(dense):
    organisation = _busiest(dense)
    state = ViewState(orgs=(organisation,))
    layout = build_view(dense, state).network.to_plotly_json()["layout"]
    (x0, x1), (y0, y1) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    shown = visible_graph(dense.graph, dense.dataset, state)

    def inside(node) -> bool:
        x, y = np.float32(dense.positions[node])
        return x0 <= x <= x1 and y0 <= y <= y1

    assert inside(organisation)
    outside = sum(1 for n in shown.nodes if shown.degree(n) and not inside(n))
    notes = [a["text"] for a in layout.get("annotations") or []]
    assert notes == ([f"{outside:,} of {sum(1 for n in shown.nodes if shown.degree(n)):,} shown lie outside this "
                      "frame: zoom out to see them"] if outside else [])
    whole = build_view(dense, ViewState()).network.to_plotly_json()["layout"]
    assert not whole.get("annotations")
