"""A browser without WebGL, under the app's real CSP: a large dataset says so in plain words and is drawn
as SVG, instead of plotly.js's "WebGL is not supported" in both charts.

Chromium is started with WebGL switched off (as on remote desktops and locked-down machines); the test
first checks that it really has none.
"""

import json
from pathlib import Path

import pytest
from conftest import CHROMIUM, RECORD_DRAWS, open_page, page_problems, serve
from test_browser import choose_organisation, network_point_box, wait_for_details

from viz.network.explore import visible_events, visible_graph
from viz.network.graph import build_graph
from viz.network.positions import node_positions
from viz.network.state import ViewState
from viz.record.load import load_dataset
from viz.record.synth import write_synth
from viz.render.figures.fallback import SVG_MAX_EVENTS, TOP_NODES
from viz.render.figures.network import SVG_MAX_NODES
from viz.render.view import dataset_hash

pytestmark = pytest.mark.browser

ACTORS, EVENTS = 4000, 3000
assert EVENTS > SVG_MAX_EVENTS  # the whole dataset's timeline is counted per month; a filtered one drawn event by event

NOTE = "#webgl-note"
WEBGL_ERROR = "WebGL is not supported"

# What each chart draws: its SVG points and filled areas, the nodes or events it names, any WebGL trace.
DRAWN = """(graph) => { const gd = document.querySelector(`#${graph}-graph .js-plotly-plot`);
  const refs = (kind) => gd._fullData.flatMap(t => (t.customdata || []).filter(
    r => typeof r === 'string' && r.startsWith(kind + ':')).map(r => r.slice(kind.length + 1)));
  return {points: gd.querySelectorAll('path.point').length, fills: gd.querySelectorAll('path.js-fill').length,
          nodes: refs('node'), events: refs('event'),
          webgl: gd._fullData.filter(t => t.type.endsWith('gl')).length,
          error: gd.innerText.includes('WebGL is not supported') || gd.querySelectorAll('.no-webgl').length > 0}; }"""


# Init script: notes any moment at which plotly.js put its WebGL error into the page, however briefly.
WATCH_WEBGL_ERROR = """window.__webglErrorShown = false;
new MutationObserver((changes) => { if (changes.some(c => [...c.addedNodes].some(n => n.nodeType === 1
    && (n.classList.contains('no-webgl') || n.textContent.includes('WebGL is not supported'))))) {
  window.__webglErrorShown = true; } }).observe(document, {childList: true, subtree: true});
"""


@pytest.fixture(scope="module")
def large_data(tmp_path_factory) -> Path:
    return write_synth(tmp_path_factory.mktemp("no-webgl") / "synth", ACTORS, EVENTS)


@pytest.fixture(scope="module")
def large_app(large_data):
    with serve(large_data) as url:
        yield url


@pytest.fixture(scope="module")
def no_webgl_browser(browser):
    """A second headless Chromium, with WebGL switched off (started by the same Playwright as ``browser``)."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
              "--disable-gpu", "--disable-webgl", "--disable-webgl2", "--disable-3d-apis"])
    yield launched
    launched.close()


def _wait_for(page, note_part: str, network_node: str, timeline_title: str) -> None:
    """Until the note says ``note_part``, the network draws ``network_node`` and the timeline's title has
    ``timeline_title``: the server's SVG figures have been drawn."""
    page.wait_for_function("(text) => document.querySelector('#webgl-note').innerText.includes(text)",
                           arg=note_part, polling=200, timeout=120_000)
    page.wait_for_function(f"""([node, title]) => ({DRAWN})('network').nodes.includes(node)
        && document.querySelector('#timeline-graph .js-plotly-plot').layout.title.text.includes(title)""",
                           arg=[network_node, timeline_title], polling=200, timeout=120_000)


def test_without_webgl_a_large_dataset_says_so_and_is_drawn_as_svg(no_webgl_browser, large_app, large_data,
                                                                   output_dir):
    page = open_page(no_webgl_browser)
    page.add_init_script(RECORD_DRAWS)
    page.add_init_script(WATCH_WEBGL_ERROR)
    page.goto(large_app, timeout=120_000)
    assert page.evaluate("() => document.createElement('canvas').getContext('webgl')") is None
    assert page.evaluate("() => document.createElement('canvas').getContext('webgl2')") is None

    dataset = load_dataset(large_data)
    graph = build_graph(dataset)
    relations = dict.fromkeys(graph, 0)  # country links aside: they make no one well connected
    for u, v, relation in graph.edges(data="relation"):
        if relation != "based_in":
            relations[u] += 1
            relations[v] += 1
    _wait_for(page, "shown simplified", max(graph, key=relations.get), "events per month")
    assert graph.number_of_nodes() > SVG_MAX_NODES  # the large (WebGL) view, had the browser drawn WebGL
    note = page.inner_text(NOTE)
    assert note.startswith("Your browser has no WebGL, so this large network is shown simplified: "
                           f"the {TOP_NODES} best-connected of its {graph.number_of_nodes():,} actors")
    assert note.endswith("Filter to an organisation to see every actor.")
    network, timeline = page.evaluate(DRAWN, "network"), page.evaluate(DRAWN, "timeline")
    assert len(network["nodes"]) == TOP_NODES and network["points"] >= TOP_NODES
    # events counted per month, drawn as filled SVG bars along each lane, not one by one
    assert timeline["fills"] > 0 and not timeline["events"]
    assert WEBGL_ERROR not in page.inner_text("body")
    # plotly.js was never asked to draw a WebGL trace, so its error never showed, not even for a moment
    assert page.locator(".no-webgl").count() == 0 and not network["error"] and not timeline["error"]
    assert page.evaluate("() => window.__webglErrorShown") is False
    page.screenshot(path=output_dir / "no-webgl-large.png", full_page=True)
    assert page_problems(page) == []

    # one organisation: every actor of its view, and each of its events, drawn as SVG
    organisation = max((n for n, a in graph.nodes(data=True) if a["kind"] == "company"), key=graph.degree)
    name = graph.nodes[organisation]["label"]
    choose_organisation(page, name)
    _wait_for(page, "drawn without it", organisation, name)
    shown = visible_graph(graph, dataset, ViewState(orgs=(organisation,)))
    positions = node_positions(graph, cache_key=dataset_hash(large_data))
    events = visible_events(dataset, ViewState(orgs=(organisation,)))
    network, timeline = page.evaluate(DRAWN, "network"), page.evaluate(DRAWN, "timeline")
    assert organisation in network["nodes"] and sorted(network["nodes"]) == sorted(shown.nodes)
    assert network["points"] >= shown.number_of_nodes() and timeline["points"] >= len(events)
    assert sorted(timeline["events"]) == sorted(e.event_id for e in events)
    assert page.inner_text(NOTE) == (
        f"Your browser has no WebGL, so this view of a large dataset is drawn without it: all "
        f"{shown.number_of_nodes():,} actors and agreements and all {len(events):,} events are shown.")
    assert WEBGL_ERROR not in page.inner_text("body") and page.locator(".no-webgl").count() == 0
    assert page.evaluate("() => window.__webglErrorShown") is False
    page.screenshot(path=output_dir / "no-webgl-organisation.png", full_page=True)

    # a click on an SVG node selects it (of those in the frame, the farthest from the middle: no neighbour sits
    # under the pointer; the frame is drawn around the organisation, so its farthest relations may lie outside)
    (x0, x1), (y0, y1) = page.evaluate("""() => { const l = document.querySelector('#network-graph .js-plotly-plot')
        ._fullLayout; return [l.xaxis.range, l.yaxis.range]; }""")
    framed = [n for n in shown if x0 <= positions[n][0] <= x1 and y0 <= positions[n][1] <= y1]
    middle = [sum(axis) / len(axis) for axis in zip(*(positions[n] for n in framed), strict=True)]
    lonely = max(framed, key=lambda n: sum((a - b) ** 2 for a, b in zip(positions[n], middle, strict=True)))
    box = network_point_box(page, f"node:{lonely}")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_details(page, graph.nodes[lonely]["label"])
    page.wait_for_function(f"() => ({DRAWN})('network').nodes.length > 0", polling=200, timeout=60_000)
    assert page.evaluate(DRAWN, "network")["webgl"] == 0 and "drawn without it" in page.inner_text(NOTE)
    problems = page_problems(page)
    page.context.close()
    assert not problems, f"problems in the page: {problems}"


def test_with_webgl_nothing_changes(browser, large_app, output_dir):
    page = open_page(browser)
    renders: list[dict] = []
    page.on("request", lambda request: renders.append(json.loads(request.post_data)) if (
        "_dash-update-component" in request.url and "timeline-graph.figure" in (request.post_data or "")) else None)
    page.add_init_script(RECORD_DRAWS)
    page.goto(large_app, timeout=120_000)
    page.wait_for_function("() => ['network-graph', 'timeline-graph'].every(g => window.__draws.some(d => d[0] === g))",
                           polling=200, timeout=120_000)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.createElement('canvas').getContext('webgl') !== null")
    network, timeline = page.evaluate(DRAWN, "network"), page.evaluate(DRAWN, "timeline")
    assert network["webgl"] > 0 and timeline["webgl"] > 0  # the WebGL base figures, as sent
    assert page.inner_text(NOTE) == ""
    # the WebGL check left the store alone: it started no render, and every render was told WebGL works
    assert not [r for r in renders if "webgl.data" in r.get("changedPropIds", [])]
    assert all({"id": "webgl", "property": "data", "value": True} in r["inputs"] for r in renders)
    page.screenshot(path=output_dir / "no-webgl-control-with-webgl.png")
    problems = page_problems(page)
    page.context.close()
    assert not problems, f"problems in the page: {problems}"
