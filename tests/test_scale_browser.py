"""50k actors / 200k relations in real headless Chromium: the view draws its communities,
zooming in draws the nodes, filters arrive as small patches (not whole figures), and clicks still select.

Times and sizes are recorded in test-output/scale-50k.json, not asserted.
"""

import json
import time

import pytest
from conftest import RECORD_DRAWS, open_page, page_problems, serve
from test_browser import choose_organisation, wait_for_details
from test_csp_browser import MIN_DRAWN_SHARE, drawn_share

from viz.network.graph import build_graph
from viz.record.load import load_dataset
from viz.record.synth import write_synth

pytestmark = pytest.mark.browser

ACTORS, EVENTS = 50_000, 19_000

#: markers drawn: individual nodes (the per-kind traces) and communities, and the WebGL canvases
DRAWN_MARKERS = """() => { const gd = document.querySelector('#network-graph .js-plotly-plot');
  const count = (pick) => gd._fullData.filter(t => t.visible === true && t.mode === 'markers' && pick(t))
    .reduce((n, t) => n + Array.from(t.x || []).filter(Number.isFinite).length, 0);  // (placed points)
  const overlays = ['actors shown', 'selected'];
  const communities = gd._fullData.find(t => t.name.startsWith('communities'));
  return {nodes: count(t => !t.name.startsWith('communities') && !overlays.includes(t.name)),  // the base's
          shown: count(t => t.name === 'actors shown'),
          communities: communities.visible === true && communities.marker.color !== '#dcdcdc' ? communities._length : 0,
          gl: gd.querySelectorAll('canvas').length}; }"""

SHOWN_NODES = """() => { const gd = document.querySelector('#network-graph .js-plotly-plot');
  const t = gd._fullData.find(t => t.name === 'actors shown'); return t ? t._length || 0 : 0; }"""


@pytest.fixture(scope="module")
def big_app(tmp_path_factory):
    data = write_synth(tmp_path_factory.mktemp("scale") / "synth-50k", ACTORS, EVENTS)
    started = time.perf_counter()
    with serve(data) as url:
        yield url, time.perf_counter() - started, data


def test_50k_view_draws_filters_by_patch_and_selects(browser, big_app, output_dir):
    url, startup, data = big_app
    page = open_page(browser)
    responses: list[tuple[str, int, str]] = []

    def record(response) -> None:
        if "_dash-update-component" in response.url or "_dash-layout" in response.url:
            body = response.body()
            responses.append((response.url, len(body), body[:300].decode("latin-1")))

    page.on("requestfinished", lambda request: record(request.response()))
    page.add_init_script(RECORD_DRAWS)
    page.goto(url, timeout=120_000)
    page.wait_for_function("() => window.__draws.some(d => d[0] === 'network-graph')", polling=200, timeout=180_000)
    first_draw = page.evaluate("window.__draws.find(d => d[0] === 'network-graph')[1]")
    graph = build_graph(load_dataset(data))
    # too dense to read node by node: the communities are drawn (sized markers), with WebGL
    drawn = page.evaluate(DRAWN_MARKERS)
    assert 1 < drawn["communities"] < graph.number_of_nodes() / 20 and drawn["nodes"] == 0 and drawn["gl"] > 0
    page.screenshot(path=output_dir / "scale-50k.png")
    shot = output_dir / "scale-50k-webgl.png"
    page.locator("#network-graph .js-plotly-plot").screenshot(
        path=shot, style=".main-svg { visibility: hidden !important; }")  # only what WebGL drew
    assert drawn_share(shot) >= MIN_DRAWN_SHARE, f"the communities' canvas is blank (see {shot})"

    # zooming into a small region (around the largest community's hub) draws the nodes there
    network_draws = "window.__draws.filter(d => d[0] === 'network-graph').length"
    page.evaluate("""() => { const gd = document.querySelector('#network-graph .js-plotly-plot');
        const hub = gd._fullData.find(t => t.name.startsWith('communities')); const x = hub.x[0], y = hub.y[0];
        Plotly.relayout(gd, {'xaxis.range': [x - 0.01, x + 0.01], 'yaxis.range': [y - 0.01, y + 0.01]}); }""")
    page.wait_for_function(f"() => ({SHOWN_NODES})() > 0", polling=100, timeout=120_000)
    zoomed = page.evaluate(DRAWN_MARKERS)
    assert zoomed["communities"] == 0  # the nodes, over faint communities
    page.screenshot(path=output_dir / "scale-50k-zoomed.png")

    organisation = max((n for n, a in graph.nodes(data=True) if a["kind"] == "company"), key=graph.degree)
    name = graph.nodes[organisation]["label"]
    before = len(responses)
    draws = page.evaluate(network_draws)
    clicked = time.perf_counter()
    choose_organisation(page, name)
    page.wait_for_function(f"() => ({SHOWN_NODES})() > 0", polling=100, timeout=60_000)
    page.wait_for_function(f"(n) => {network_draws} > n", arg=draws, polling=100, timeout=120_000)
    filter_seconds = time.perf_counter() - clicked
    summary = page.inner_text("#view-summary")
    assert f"of {graph.number_of_nodes()} actors" in summary
    update = [r for r in responses[before:] if "_dash-update-component" in r[0] and "network-graph" in r[2]]
    assert update and "__dash_patch_update" in json.dumps(update[-1][2]), "the filter resent a whole figure"
    assert organisation in page.evaluate("""() => document.querySelector('#network-graph .js-plotly-plot')
        .data.find(t => t.name === 'actors shown').customdata.join(' ')""")
    page.screenshot(path=output_dir / "scale-50k-filtered.png")

    # click the organisation's node; in a dense centre plotly may pick a neighbour within a pixel,
    # so the details must show whichever node the click event names
    box = page.evaluate("""(ref) => { const gd = document.querySelector('#network-graph .js-plotly-plot');
        window.__clicked = []; gd.on('plotly_click', d => window.__clicked.push(d.points[0].customdata || ''));
        const t = gd._fullData.find(t => t.name === 'actors shown'); const i = t.customdata.indexOf(ref);
        const x = gd._fullLayout.xaxis, y = gd._fullLayout.yaxis;
        return [x._offset + x.l2p(t.x[i]), y._offset + y.l2p(t.y[i])]; }""", f"node:{organisation}")
    frame = page.locator("#network-graph .js-plotly-plot").bounding_box()
    page.mouse.move(frame["x"] + box[0], frame["y"] + box[1])
    page.mouse.click(frame["x"] + box[0], frame["y"] + box[1])
    page.wait_for_function("() => window.__clicked.length > 0", polling=100, timeout=30_000)
    ref = page.evaluate("window.__clicked[0]")
    assert ref.startswith("node:") and ref[len("node:"):] in graph
    wait_for_details(page, graph.nodes[ref[len("node:"):]]["label"])
    page.screenshot(path=output_dir / "scale-50k-selected.png")

    (output_dir / "scale-50k.json").write_text(json.dumps({
        "app_start_s": round(startup, 2), "time_to_first_draw_ms": round(first_draw),
        "first_layout_bytes": max((r[1] for r in responses if "_dash-layout" in r[0]), default=None),
        "filter_click_to_drawn_s": round(filter_seconds, 2), "filter_response_bytes": update[-1][1],
        "nodes": graph.number_of_nodes(), "relations": graph.number_of_edges(),
    }, indent=1))
    problems = page_problems(page)
    page.context.close()
    assert not problems, f"problems in the page: {problems}"
