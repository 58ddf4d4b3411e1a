import base64

import numpy as np
import pytest
import yaml
from conftest import dump_yaml

from viz.network.graph import build_graph
from viz.network.positions import node_positions
from viz.network.state import ViewState
from viz.network.timeline import timeline_entries
from viz.record.labels import lane_labels
from viz.render.details import source_labels
from viz.render.figures import modebar_config, timeline_figure
from viz.render.figures.hovers import node_hover
from viz.render.view import build_view, prepare_context


def _decoded(values) -> list:
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


def drawn_nodes(fig) -> dict[str, tuple[float, float]]:
    """Where each node drawn in a whole figure sits: visible traces whose points name nodes, the points a
    view hides (opacity 0, hover skipped) aside."""
    found = {}
    for trace in fig.to_plotly_json()["data"]:
        refs = trace.get("customdata")
        if trace.get("visible") is False or refs is None or not len(refs) or not str(refs[0]).startswith("node:"):
            continue
        if trace.get("name") == "selected":
            continue
        opacity = trace.get("marker", {}).get("opacity", 1)
        opacity = _decoded(opacity) if isinstance(opacity, dict | list | tuple) else [
            opacity] * len(refs)
        hoverinfo = trace.get("hoverinfo", "text")
        hoverinfo = hoverinfo if isinstance(hoverinfo, list | tuple) else [hoverinfo] * len(refs)
        for ref, x, y, seen, hover in zip(refs, _decoded(trace["x"]), _decoded(trace["y"]), opacity, hoverinfo,
                                          strict=True):
            if seen:
                assert hover != "skip", ref  # a drawn node answers hovers and clicks
                found[ref[len("node:"):]] = (x, y)
            else:
                assert hover == "skip", ref  # a hidden one does not
    return found


def test_network_has_one_trace_per_kind_and_a_legend_in_their_colours(small):
    context = prepare_context(small.path)
    fig = build_view(context).network
    traces = context.figures.network.traces
    kinds = [fig.data[number] for number in traces.kinds.values()]
    legend = [t for t in fig.data[traces.legend:] if t.mode == "markers"]
    assert {t.name for t in legend} == {"person", "government body", "company", "country", "group", "agreement"}
    assert {t.name: t.marker.color for t in legend} == {t.name: t.marker.color for t in kinds}
    assert len({t.marker.color for t in legend}) == len(legend)
    assert sum(len(t.x) for t in kinds) == context.graph.number_of_nodes()
    singh = next(t for t in kinds if t.name == "person")
    hover = singh.hovertext[list(singh.customdata).index("node:rajesh-kumar-singh")]
    assert "Rajesh Kumar Singh" in hover and "person" in hover.lower() and "Defence Secretary" in hover
    assert "Source: Business Standard, 5 Nov 2025" in hover
    # filtering greys or hides nodes, never the legend
    grey = build_view(context, ViewState(orgs=("elbit",), grey=True)).network
    assert [t.marker.color for t in grey.data[traces.legend:] if t.mode == "markers"] == [
        t.marker.color for t in legend]


def test_every_related_pair_has_a_hover_point_with_sources(small):
    context = prepare_context(small.path)
    fig = build_view(context).network
    points = [t for t in fig.data if t.name == "relation" and t.visible is not False]
    refs = [ref for t in points for ref in t.customdata]
    assert set(refs) == {f"pair:{min(u, v)}|{max(u, v)}" for u, v, _ in context.graph.edges if u != v}
    hover = next(text for t in points for ref, text in zip(t.customdata, t.hovertext, strict=True)
                 if ref == "pair:jwg-defence|rajesh-kumar-singh")
    assert "Rajesh Kumar Singh co-chaired India–Israel Joint Working Group" in hover
    assert "17th India–Israel JWG on Defence Cooperation (4 Nov 2025)" in hover
    assert "Sources: IANS, date not shown; Business Standard, 5 Nov 2025 +2 more" in hover


def test_positions_are_stable_under_filtering(small):
    context = prepare_context(small.path)
    before = drawn_nodes(build_view(context).network)
    after = drawn_nodes(build_view(context, ViewState(orgs=("elbit",))).network)
    assert set(after) == {"elbit", "rajesh-kumar-singh"}
    assert all(after[n] == pytest.approx(before[n]) for n in after)


def test_hover_text_is_escaped(small):
    graph = build_graph(small).copy()
    graph.nodes["elbit"]["label"] = "<img src=x onerror=alert(1)>"
    text = node_hover(graph, "elbit", source_labels(small))
    assert "<img" not in text and "&lt;img" in text


def test_timeline_lanes_and_session_labels(small):
    fig = timeline_figure(timeline_entries(small), title="t", lanes=lane_labels(small))
    markers = {t.name: t for t in fig.data if t.mode == "markers+text"}
    assert set(markers) == {"JWG sessions", "Visit", "Meeting"}
    assert list(markers["JWG sessions"].text) == ["17th"]
    assert list(markers["JWG sessions"].customdata) == ["event:jwg-17"]
    assert {t.name for t in fig.data if t.showlegend is not False} == {
        "exact day", "month or year only, or a window", "undated"}
    assert list(fig.layout.yaxis.categoryarray)[-1] == "JWG sessions"


def test_timeline_empty_state(small):
    fig = timeline_figure([], title="t")
    assert "No events match" in fig.layout.annotations[0].text


def test_precision_is_drawn_differently(small):
    import dataclasses
    import datetime as dt

    [jwg] = timeline_entries(small, kinds=["series:jwg-defence"])
    june = dataclasses.replace(jwg, event_id="june", precision="month", start=dt.date(2014, 6, 1),
                               end=dt.date(2014, 6, 30))
    undated = dataclasses.replace(jwg, event_id="third", precision="unknown", start=None, end=None, label="3rd")
    fig = timeline_figure([june, jwg, undated])
    by_ref = {ref: (t, i) for t in fig.data if t.customdata is not None for i, ref in enumerate(t.customdata)}
    trace, i = by_ref["event:june"]
    assert trace.marker.symbol[i] == "cross-open"  # a session's shape, open
    assert trace.x[i] == dt.date(2014, 6, 15)  # the middle of the month, over a bar spanning it
    bars = [t for t in fig.data if t.mode == "lines" and t.x and dt.date(2014, 6, 1) in t.x]
    assert bars and dt.date(2014, 6, 30) in bars[0].x
    trace, i = by_ref["event:jwg-17"]
    assert trace.marker.symbol[i] == "cross" and trace.xaxis in (None, "x")
    trace, i = by_ref["event:third"]
    assert trace.marker.symbol == "cross-open" and trace.xaxis == "x2"  # the undated column


def test_modebar_exports_png_at_2x():
    config = modebar_config("india-israel-network")
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "india-israel-network", "scale": 2}


def test_page_title_comes_from_metadata(small_copy):
    from viz.app import create_app

    path = small_copy / "dataset.yaml"
    meta = yaml.safe_load(path.read_text())
    meta.update(id="other-data", title="Some Other Cooperation")
    path.write_text(dump_yaml(meta))
    app = create_app(small_copy)
    assert app.title == "Some Other Cooperation"
    layout = str(app.layout)
    assert "Some Other Cooperation" in layout and "'other-data_2025-2025_network'" in layout  # the camera's name


def test_layout_is_cached_by_content_hash(small, tmp_path, monkeypatch):
    import viz.network.positions as positions
    from viz.network.graph import build_graph

    graph = build_graph(small)
    first = positions.node_positions(graph, cache_key="abc", cache_dir=tmp_path)
    assert (tmp_path / f"abc-v{positions.LAYOUT_VERSION}.json").is_file()

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("the cached layout should have been used")

    monkeypatch.setattr(positions, "_layout_connected", must_not_run)
    assert positions.node_positions(graph, cache_key="abc", cache_dir=tmp_path) == first
    (tmp_path / f"abc-v{positions.LAYOUT_VERSION}.json").write_text("{damaged")
    monkeypatch.undo()
    assert positions.node_positions(graph, cache_key="abc", cache_dir=tmp_path) == first  # recomputed, same


def test_large_graphs_use_the_fast_layout():
    import networkx as nx


    graph = nx.barabasi_albert_graph(2000, 2, seed=1)
    positions = node_positions(graph)
    assert len(positions) == 2000
    xs = [x for x, _ in positions.values()]
    assert min(xs) >= 0 and max(xs) <= 1.0 + 1e-9
    assert node_positions(graph) == positions  # deterministic


def test_trace_positions_match_the_base_figures(small):
    """NetworkTraces says where each trace sits: in a drawn base, a bare one and an empty one."""
    context = prepare_context(small.path, large=True)
    base = context.figures.network
    for network in (base, context.figures.fallback):
        traces = network.traces
        names = [t.name for t in network.figure.data]
        assert len(names) == traces.legend + len(network.index.kinds) + len(traces.legend_styles)
        assert [names[t] for t in traces.kinds.values()] == [t.name for t in network.figure.data[traces.legend:][
            :len(network.index.kinds)]]
        assert names[traces.path] == "shortest path" and names[traces.labels] == "labels"
        assert all(names[b].startswith("relations ") for b in traces.buckets)
