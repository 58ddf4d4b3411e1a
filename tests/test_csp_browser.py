"""A large dataset under the app's real Content-Security-Policy: both WebGL charts draw, nothing is refused.

plotly.js's stock bundle compiles its WebGL (regl) code at run time, which ``script-src`` without
``'unsafe-eval'`` forbids: each chart then shows "WebGL is not supported". The app serves plotly.js's
CSP-safe "strict" bundle (precompiled shaders) from assets/vendor; dcc.Graph uses the ``window.Plotly``
it defines instead of loading Dash's copy.
"""

import re

import pytest
from conftest import RECORD_DRAWS, open_page, page_problems, serve
from PIL import Image
from plotly.offline import get_plotlyjs_version

from viz import ASSETS_DIR
from viz.record.synth import write_synth
from viz.render.figures.network import SVG_MAX_NODES

BUNDLE = ASSETS_DIR / "vendor" / "plotly-viz.min.js"
ACTORS, EVENTS = 4000, 1500  # more than SVG_MAX_NODES nodes: both base charts are WebGL traces
#: a chart's WebGL canvases must hold at least this share of drawn (non-white) pixels
MIN_DRAWN_SHARE = 0.01


def test_the_served_plotly_is_the_strict_build_of_plotlys_own_version():
    with BUNDLE.open(encoding="utf-8") as bundle:
        header = bundle.read(300)
    match = re.search(r"plotly\.js \([^)]*strict[^)]*\) v(\S+)", header)
    assert match, f"{BUNDLE} is not plotly.js's strict bundle: run scripts/vendor-plotly"
    assert match.group(1) == get_plotlyjs_version(), (
        f"{BUNDLE} is plotly.js {match.group(1)} but the plotly package builds figures for "
        f"{get_plotlyjs_version()}: run scripts/vendor-plotly")


@pytest.fixture(scope="module")
def large_app(tmp_path_factory):
    data = write_synth(tmp_path_factory.mktemp("csp") / "synth", ACTORS, EVENTS)
    with serve(data) as url:
        yield url


def drawn_share(path) -> float:
    """Share of pixels in a screenshot that are not (near) white."""
    with Image.open(path) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return sum(histogram[:240]) / (grey.width * grey.height)


@pytest.mark.browser
def test_large_dataset_draws_webgl_under_the_real_csp(browser, large_app, output_dir):
    page = open_page(browser)
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    page.add_init_script(RECORD_DRAWS)
    page.goto(large_app, timeout=120_000)
    page.wait_for_function("() => ['network-graph', 'timeline-graph'].every(g => window.__draws.some(d => d[0] === g))",
                           polling=200, timeout=120_000)
    nodes = page.evaluate("""() => document.querySelector('#network-graph .js-plotly-plot')._fullData
        .filter(t => t.type === 'scattergl' && t.mode === 'markers').reduce((n, t) => n + (t._length || 0), 0)""")
    assert nodes > SVG_MAX_NODES  # the large (WebGL) view, not the SVG one
    page.screenshot(path=output_dir / "csp-large-dataset.png")

    assert page_problems(page) == []  # no CSP violation, no JavaScript error
    assert console_errors == []
    assert "WebGL is not supported" not in page.inner_text("body")
    assert page.locator(".no-webgl").count() == 0
    assert any(url.split("?")[0].endswith("/assets/vendor/plotly-viz.min.js") for url in scripts)
    assert not [url for url in scripts if url.split("?")[0].endswith("/plotly.min.js")], "Dash's plotly.js loaded"

    for graph in ("network", "timeline"):
        chart = page.locator(f"#{graph}-graph .js-plotly-plot")
        assert chart.locator("canvas").count() > 0, f"the {graph} has no WebGL canvas"
        # Only what WebGL drew: the SVG layers (background, axes, labels, SVG traces) are hidden.
        shot = output_dir / f"csp-large-{graph}-webgl.png"
        chart.screenshot(path=shot, style=".main-svg, .no-webgl { visibility: hidden !important; }")
        share = drawn_share(shot)
        assert share >= MIN_DRAWN_SHARE, f"the {graph}'s WebGL canvases are blank ({share:.2%} drawn, see {shot})"
    page.context.close()
