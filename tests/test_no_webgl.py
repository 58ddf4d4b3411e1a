"""A large dataset for a browser without WebGL: whole SVG figures, and a note that says how they are simplified.

The browser side (detection, the note on the page, no plotly.js WebGL error) is in test_no_webgl_browser.py.
"""

import re
from collections import Counter

import numpy as np
import plotly.graph_objects as go
import pytest
from dash import Patch

from viz.network.explore import visible_events, visible_graph
from viz.network.state import ViewState
from viz.record.labels import lane_labels
from viz.record.synth import write_synth
from viz.render.figures import fallback
from viz.render.view import build_view, prepare_context


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A synthetic context drawn the large way (forced: the real threshold is 3000 nodes)."""
    return prepare_context(write_synth(tmp_path_factory.mktemp("no-webgl"), 800, 900, fmt="json"), large=True)


def _refs(figure: go.Figure, kind: str) -> list[str]:
    """The ids of the ``kind`` ("node" or "event") points a figure draws."""
    return [ref.split(":", 1)[1] for trace in figure.data for ref in (trace.customdata or ())
            if isinstance(ref, str) and ref.startswith(f"{kind}:")]


def _no_webgl_traces(figure: go.Figure) -> bool:
    return all(not trace.type.endswith("gl") for trace in figure.data)


def _busiest_company(context) -> str:
    return max((n for n, a in context.graph.nodes(data=True) if a["kind"] == "company"), key=context.graph.degree)


def test_with_webgl_the_large_view_is_unchanged(big):
    view = build_view(big, ViewState(orgs=(_busiest_company(big),)), patch=True)
    assert isinstance(view.network, Patch) and isinstance(view.timeline, Patch)
    assert view.note is None


@pytest.mark.parametrize("organisation", [False, True])
def test_without_webgl_a_view_small_enough_is_drawn_whole_as_svg(big, organisation):
    state = ViewState(orgs=(_busiest_company(big),)) if organisation else ViewState()
    view = build_view(big, state, patch=True, webgl=False)
    assert isinstance(view.network, go.Figure) and isinstance(view.timeline, go.Figure)
    assert _no_webgl_traces(view.network) and _no_webgl_traces(view.timeline)
    shown = visible_graph(big.graph, big.dataset, state)
    assert sorted(_refs(view.network, "node")) == sorted(shown.nodes)
    events = visible_events(big.dataset, state)
    assert sorted(_refs(view.timeline, "event")) == sorted(e.event_id for e in events)
    assert view.note == (f"Your browser has no WebGL, so this view of a large dataset is drawn without it: all "
                         f"{shown.number_of_nodes():,} actors and agreements and all {len(events):,} events are shown.")


def test_without_webgl_a_view_too_large_shows_its_best_connected_nodes_and_counts_events(big, monkeypatch):
    monkeypatch.setattr(fallback, "SVG_MAX_NODES", 200)
    monkeypatch.setattr(fallback, "TOP_NODES", 60)
    monkeypatch.setattr(fallback, "SVG_MAX_EVENTS", 100)
    view = build_view(big, ViewState(), patch=True, webgl=False)
    assert _no_webgl_traces(view.network) and _no_webgl_traces(view.timeline)

    drawn = set(_refs(view.network, "node"))
    degree = dict.fromkeys(big.graph, 0)  # relations, country links aside (they make no one well connected)
    for u, v, relation in big.graph.edges(data="relation"):
        if relation != "based_in":
            degree[u] += 1
            degree[v] += 1
    assert len(drawn) == 60
    assert min(degree[n] for n in drawn) >= max(degree[n] for n in big.graph if n not in drawn)
    pairs = [ref.removeprefix("pair:").split("|") for t in view.network.data for ref in (t.customdata or ())
             if str(ref).startswith("pair:")]
    assert pairs and all(set(pair) <= drawn for pair in pairs)  # only relations among the drawn nodes

    # the timeline: every dated event counted once, in the month of the middle of its possible dates,
    # as a bar rising from its lane's baseline (the trace before it), all lanes on one scale
    counted, tallest = Counter(), 0.0
    for baseline, bars in zip(view.timeline.data, view.timeline.data[1:], strict=False):
        if bars.hovertext is None:
            continue
        counts = [int(re.search(r": ([\d,]+) events?$", text).group(1).replace(",", "")) for text in bars.hovertext]
        counted.update({month: n for month, n in zip(bars.x, counts, strict=True) if n})
        heights = np.asarray(bars.y) - np.asarray(baseline.y)
        tallest = max(tallest, heights.max())
        assert np.allclose(heights * max(counts) / heights.max(), counts)  # bar heights in proportion
    assert tallest == pytest.approx(fallback.RIDGE_HEIGHT)
    expected = Counter()
    for entry in visible_events(big.dataset, ViewState()):
        if entry.start is not None:
            middle = entry.start + (entry.end - entry.start) / 2
            expected[f"{middle:%Y-%m}-01"] += 1
    assert counted == expected
    undated = Counter(e.kind for e in visible_events(big.dataset, ViewState()) if e.start is None)
    assert undated  # undated events cannot be placed: each lane's label counts its own
    lanes = lane_labels(big.dataset)
    assert list(view.timeline.layout.yaxis.ticktext)[::-1] == [
        f"{label} ({undated[lane]} undated)" if undated[lane] else label for lane, label in lanes.items()]

    nodes, events = big.graph.number_of_nodes(), len(big.dataset.events)
    assert view.note == (f"Your browser has no WebGL, so this large network is shown simplified: the 60 "
                         f"best-connected of its {nodes:,} actors and agreements, with the relations among them, "
                         f"and the timeline counts its {events:,} events per month. Filter to an organisation "
                         "to see every actor.")


def test_without_webgl_an_empty_view_says_so(big):
    view = build_view(big, ViewState(topics=("no such topic",)), patch=True, webgl=False)
    assert not _refs(view.network, "node")
    assert "No actors match" in view.network.layout.annotations[0].text


def test_without_webgl_a_chosen_organisation_too_large_to_draw_is_narrowed_by_hops_or_time(big, monkeypatch):
    monkeypatch.setattr(fallback, "SVG_MAX_NODES", 5)
    monkeypatch.setattr(fallback, "TOP_NODES", 5)
    state = ViewState(orgs=(_busiest_company(big),))
    view = build_view(big, state, patch=True, webgl=False)
    assert len(_refs(view.network, "node")) == 5 < visible_graph(big.graph, big.dataset, state).number_of_nodes()
    assert view.note.startswith("Your browser has no WebGL, so this large network is shown simplified: the 5 ")
    assert view.note.endswith(". Fewer hops or a shorter time window will show every actor.")
