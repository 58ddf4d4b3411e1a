import yaml

from viz.figures import modebar_config, network_figure, timeline_figure
from viz.graph import build_graph
from viz.positions import node_positions
from viz.timeline import timeline_entries
from viz.view import build_view, prepare_context


def test_network_has_one_trace_per_kind_with_legend(dataset):
    graph = build_graph(dataset)
    fig = network_figure(graph, node_positions(graph), title="t")
    node_traces = [t for t in fig.data if t.mode == "markers+text"]
    legend = {t.name for t in node_traces}
    assert legend == {"person", "government body", "company", "country", "group", "agreement"}
    colours = {t.marker.color for t in node_traces}
    assert len(colours) == len(node_traces)
    assert sum(len(t.x) for t in node_traces) == graph.number_of_nodes()
    singh = next(t for t in node_traces if t.name == "person")
    hover = singh.hovertext[list(singh.customdata).index("rajesh-kumar-singh")]
    assert "Rajesh Kumar Singh" in hover and "person" in hover and "Defence Secretary" in hover


def test_positions_are_stable_under_filtering(dataset):
    context = prepare_context(dataset.path)
    full = build_view(context).network
    filtered = build_view(context, ["elbit"]).network

    def coords(fig):
        return {cid: (x, y) for t in fig.data if t.customdata is not None
                for cid, x, y in zip(t.customdata, t.x, t.y, strict=True)}

    before, after = coords(full), coords(filtered)
    assert set(after) == {"elbit", "rajesh-kumar-singh"}
    assert all(after[n] == before[n] for n in after)
    assert full.layout.xaxis.range == filtered.layout.xaxis.range


def test_hover_text_is_escaped(dataset):
    graph = build_graph(dataset).copy()
    graph.nodes["elbit"]["label"] = "<img src=x onerror=alert(1)>"
    fig = network_figure(graph, node_positions(graph))
    text = " ".join(h for t in fig.data if t.hovertext is not None for h in t.hovertext)
    assert "<img" not in text and "&lt;img" in text


def test_timeline_lanes_and_session_labels(dataset):
    fig = timeline_figure(timeline_entries(dataset), title="t")
    markers = {t.name: t for t in fig.data if t.mode == "markers+text"}
    assert set(markers) == {"jwg session", "visit", "meeting"}
    assert list(markers["jwg session"].text) == ["17th"]
    assert list(fig.layout.yaxis.categoryarray)[-1] == "jwg session"


def test_timeline_empty_state(dataset):
    fig = timeline_figure([], title="t")
    assert "No events match" in fig.layout.annotations[0].text


def test_month_precision_is_drawn_open(dataset):
    entries = timeline_entries(dataset)
    import dataclasses

    vague = [dataclasses.replace(entries[0], precision="month")]
    fig = timeline_figure(vague)
    assert list(fig.data[-1].marker.symbol) == ["circle-open"]


def test_modebar_exports_png_at_2x():
    config = modebar_config("india-israel-network")
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "india-israel-network", "scale": 2}


def test_page_title_comes_from_metadata(data_copy):
    from viz.app import create_app

    path = data_copy / "dataset.yaml"
    meta = yaml.safe_load(path.read_text())
    meta.update(id="other-data", title="Some Other Cooperation")
    path.write_text(yaml.safe_dump(meta, allow_unicode=True))
    app = create_app(data_copy)
    assert app.title == "Some Other Cooperation"
    layout = str(app.layout)
    assert "Some Other Cooperation" in layout and "other-data-network" in layout
