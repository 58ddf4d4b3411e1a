"""Network labels in the real app (issue 14): the same labels for a state whatever led to it (finding 2), and
readable, apart labels (finding 7), as Chromium draws them."""

import contextlib

import pytest
from conftest import open_page, page_problems
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_browser import EVENTS, choose_organisation, pick

pytestmark = pytest.mark.browser

# The labels trace as plotly.js holds it (gd.data), and its texts as drawn in the SVG, with their weight, size,
# halo and box. A DOM trace carries its full trace (d3 data).
MODEL = """() => { const gd = document.querySelector('#network-graph .js-plotly-plot');
    const t = gd && gd.data && gd.data.find((d) => d.name === 'labels');
    return t ? {text: [...t.text], position: [].concat(t.textposition)} : null; }"""
DRAWN = """() => { const out = [];
    document.querySelectorAll('#network-graph .scatterlayer .trace').forEach((el) => {
      const t = el.__data__ && el.__data__[0] && el.__data__[0].trace;
      if (!t || t.name !== 'labels') return;
      el.querySelectorAll('.textpoint text').forEach((x) => {
        const s = getComputedStyle(x), r = x.getBoundingClientRect();
        out.push({text: x.textContent, weight: s.fontWeight, size: parseFloat(s.fontSize), shadow: s.textShadow,
                  box: [r.left, r.top, r.right, r.bottom]}); }); });
    return out; }"""
RINGS = """() => [...document.querySelectorAll('#network-graph .scatterlayer .trace')].filter((el) => {
      const t = el.__data__ && el.__data__[0] && el.__data__[0].trace;
      return t && t.name === 'chosen, found or selected'; }).map((el) => el.querySelectorAll('path.point').length)
    .reduce((a, b) => a + b, 0)"""
# every text of the model drawn, and nothing else
SETTLED = f"""(name) => {{ const model = ({MODEL})(); const drawn = ({DRAWN})().map((d) => d.text);
    const plain = (t) => t.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    return model && model.text.some((t) => plain(t) === name)
      && JSON.stringify(model.text.map(plain)) === JSON.stringify(drawn); }}"""


def labels_of(page, name: str) -> dict:
    """The network's labels once ``name`` is among them and plotly.js has drawn every one of the trace's texts
    (or given up: the comparison then shows what is missing)."""
    page.wait_for_function(f"(name) => {{ const m = ({MODEL})(); return m && m.text.some((t) => t.includes(name)); }}",
                           arg=name, polling=100, timeout=15_000)
    with contextlib.suppress(PlaywrightTimeout):  # stale texts: the assertions below say which
        page.wait_for_function(SETTLED, arg=name, polling=100, timeout=5_000)
    return {"model": page.evaluate(MODEL), "drawn": page.evaluate(DRAWN), "rings": page.evaluate(RINGS)}


def _texts(labels: dict) -> list[str]:
    return [d["text"] for d in labels["drawn"]]


def _check_emphasised(labels: dict, name: str) -> None:
    """The found or chosen actor: its label drawn, in bold, and a ring around its node."""
    drawn = {d["text"]: d for d in labels["drawn"]}
    assert name in drawn, f"{name} is not labelled: {sorted(drawn)}"
    assert int(drawn[name]["weight"]) >= 700, f"{name} is not emphasised: weight {drawn[name]['weight']}"
    assert labels["rings"] == 1, "no ring around the found or chosen actor"


def open_link(browser, url: str) -> dict:
    page = open_page(browser)
    page.goto(url)
    return page


@pytest.mark.parametrize(("query", "name", "choose"), [
    ("?find=ajit-doval", "Ajit Doval", lambda page: pick(page, "actor-search", "Ajit Doval")),
    ("?org=rafael", "Rafael Advanced Defense Systems",
     lambda page: choose_organisation(page, "Rafael Advanced Defense Systems")),
])
def test_finding2_labels_not_stale(browser, live_app, query, name, choose):
    """A shared link, the same state chosen in the UI after another view, and the back button all draw the
    same labels: every label of the view (none left over from the view before), the found or chosen actor's
    among them, in bold and ringed."""
    link = open_link(browser, live_app + query)
    from_link = labels_of(link, name)
    assert _texts(from_link) == [t.replace("&amp;", "&") for t in from_link["model"]["text"]], "labels left undrawn"
    hidden = [d["text"] for d in from_link["drawn"] if d["box"][2] <= d["box"][0]]
    assert not hidden, f"labels drawn but hidden (their node is outside the frame): {hidden}"
    _check_emphasised(from_link, name)

    ui = open_page(browser)
    ui.goto(live_app)
    ui.wait_for_selector(EVENTS)
    labels_of(ui, "India")  # the unfiltered view's labels drawn first: the view before
    pick(ui, "actor-search", "Narendra Modi")  # and another view in between
    labels_of(ui, "Narendra Modi")
    ui.click("#reset-filters")
    ui.wait_for_function("() => !document.querySelector('#network-graph .gtitle').textContent.includes('—')",
                         polling=100, timeout=10_000)
    choose(ui)
    from_ui = labels_of(ui, name)
    assert from_ui["model"] == from_link["model"]  # the same labels at the same places
    assert _texts(from_ui) == _texts(from_link)
    _check_emphasised(from_ui, name)

    ui.goto(live_app + "?find=amir-baram")  # another view, then back to the link's
    labels_of(ui, "Amir Baram")
    ui.go_back()
    back = labels_of(ui, name)
    assert back["model"] == from_link["model"] and _texts(back) == _texts(from_link)
    _check_emphasised(back, name)

    problems = page_problems(link) + page_problems(ui)
    link.context.close()
    ui.context.close()
    assert not problems


def test_finding7_labels_readable_and_apart(browser, live_app, output_dir):
    """At 1440x900 the default view's labels are at least 12 px, with a halo, and no two overlap."""
    page = open_page(browser)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(live_app)
    page.wait_for_selector(EVENTS)
    labels = labels_of(page, "India")
    page.screenshot(path=output_dir / "labels-default.png")
    drawn = labels["drawn"]
    assert len(drawn) >= 8
    for label in drawn:
        assert label["size"] >= 12 and label["shadow"] not in ("", "none"), label
    for i, a in enumerate(drawn):
        for b in drawn[i + 1:]:
            apart = a["box"][2] <= b["box"][0] + 1 or b["box"][2] <= a["box"][0] + 1 or \
                a["box"][3] <= b["box"][1] + 1 or b["box"][3] <= a["box"][1] + 1
            assert apart, f"labels overlap: {a['text']} {a['box']} and {b['text']} {b['box']}"
    problems = page_problems(page)
    page.context.close()
    assert not problems
