"""Issue 14: the workspace as a person meets it, in Debian Chromium under the app's real CSP: one screen,
keyboard only, screen reader (axe-core), phone widths, the first load. Tests are named after the
issue's numbered findings; screenshots of each state go to test-output/ (workspace-*.png)."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest
from conftest import open_page, page_problems
from test_browser import EVENTS, NODES, choose_organisation, wait_for_details

pytestmark = pytest.mark.browser

DESKTOP, SMALL_DESKTOP, PHONE, NARROW = (1440, 900), (1280, 800), (390, 844), (360, 740)
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
RECORD_HEADING = "#details-heading"


@pytest.fixture
def open_workspace(browser, live_app):
    """Opens the default dataset's app at a viewport size (and query); fails on JS errors or CSP violations."""
    pages = []

    def opener(size: tuple[int, int], query: str = "", **options):
        page = open_page(browser, **options)
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto(live_app + query)
        page.wait_for_selector(EVENTS)
        page.wait_for_selector(NODES)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        problems = page_problems(page)
        page.context.close()
        assert not problems, f"problems in the page: {problems}"


def serious_violations(page) -> list[str]:
    """axe-core's critical and serious violations on the page as it is now (the bundled axe-core runs in
    the page through the driver, which the page's CSP does not govern)."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in ("critical", "serious")]


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not drawn"
    return found


def inside_viewport(page, selector: str) -> bool:
    b, size = box(page, selector), page.viewport_size
    return b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= size["width"] + 0.5 \
        and b["y"] + b["height"] <= size["height"] + 0.5


def page_scrolls(page) -> dict:
    return page.evaluate("""() => ({down: document.documentElement.scrollHeight > innerHeight,
                                     sideways: document.documentElement.scrollWidth > innerWidth,
                                     at: scrollY})""")


def wait_for_focus_on(page, element_id: str) -> None:
    page.wait_for_function("(id) => document.activeElement && document.activeElement.id === id", arg=element_id,
                           polling=100, timeout=10_000)


def search_and_enter(page, text: str, first: str | None = None) -> None:
    """From the keyboard: focus the search box, type, wait for the server's ranked answer (its first option
    containing ``first``: the browser's own filter shows a list of its own until then), press Enter."""
    page.focus("#search-all")  # (the first stop of Tab on the page)
    page.keyboard.press("ArrowDown")  # opens the list, with the focus in its search field
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')",
                           polling=50, timeout=10_000)
    page.keyboard.type(text, delay=30)
    page.wait_for_function("(t) => { const o = document.querySelector('.dash-dropdown-option');"
                           " return o && o.innerText.toLowerCase().includes(t.toLowerCase()); }", arg=first or text,
                           polling=100, timeout=10_000)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("size", [DESKTOP, SMALL_DESKTOP], ids=["1440x900", "1280x800"])
def test_finding5_one_screen_shows_network_timeline_and_sessions(open_workspace, dataset, output_dir, size):
    page = open_workspace(size)
    scrolls = page_scrolls(page)
    assert not scrolls["down"] and not scrolls["sideways"], "the page itself scrolls"
    for part in ("#network-graph", "#timeline-graph", "nav.viz-series", ".viz-window", ".viz-search"):
        assert inside_viewport(page, part), f"{part} is not fully on screen"
    assert box(page, "#network-graph")["height"] >= 300 and box(page, "#timeline-graph")["height"] >= 220
    sessions = [e for e in dataset.events if e.series]
    numbers = [e.session_number for e in sessions if e.session_number]
    heading = page.inner_text("nav.viz-series h3")
    assert f"{len(sessions)} of at least {max(numbers)} recorded" in heading  # "5 of 17", said in words
    assert "Start here" in page.inner_text("#details")
    page.screenshot(path=output_dir / f"workspace-{size[0]}x{size[1]}-load.png")


def test_finding5_keyboard_finds_17th_and_reads_its_sources_without_page_scroll(open_workspace, output_dir):
    page = open_workspace(DESKTOP)
    search_and_enter(page, "17th", "17th India–Israel JWG")
    wait_for_details(page, "17th India–Israel JWG on Defence Cooperation")
    wait_for_focus_on(page, "details-heading")  # the record opens with the focus on its heading
    assert "Opened: 17th" in page.inner_text("#details-status")  # what a screen reader hears: one line
    page.keyboard.press("Tab")  # the first stop after the heading: the link to the record's sources
    assert page.evaluate("() => document.activeElement.textContent").startswith("Sources (")
    page.keyboard.press("Enter")
    page.wait_for_function("() => { const s = document.getElementById('details-sources').getBoundingClientRect();"
                           " return s.top >= 0 && s.bottom <= innerHeight; }", polling=100, timeout=10_000)
    assert page_scrolls(page)["at"] == 0 and inside_viewport(page, "#details-sources")
    page.screenshot(path=output_dir / "workspace-1440x900-sources-of-17th.png")
    # places and people too: the best match opens (the 3rd JWG is the first of the sessions held in Tel Aviv)
    for query, heading in (("Tel Aviv", "3rd India–Israel JWG"), ("doval", "Ajit Doval")):
        search_and_enter(page, query, heading)
        page.wait_for_function("(t) => { const h = document.getElementById('details-heading');"
                               " return h && h.innerText.startsWith(t) && document.activeElement === h; }",
                               arg=heading, polling=100, timeout=10_000)


def test_finding4_details_open_at_the_top_of_the_panel_on_every_selection(open_workspace):
    page = open_workspace(DESKTOP)
    page.click("button.viz-session:has-text('17th')")
    wait_for_details(page, "Sources")
    page.evaluate("() => { document.getElementById('panel-details').scrollTop = 10000; }")
    assert page.evaluate("() => document.getElementById('panel-details').scrollTop") > 300  # its own scroll
    page.click("#tab-actors")
    page.click("#actor-table tbody button >> nth=2")  # a table row opens its record, at the top
    wait_for_focus_on(page, "details-heading")
    assert page.evaluate("() => document.getElementById('panel-details').scrollTop") == 0
    assert inside_viewport(page, RECORD_HEADING) and page_scrolls(page)["at"] == 0
    # an event listed in an actor's record opens that event's record
    page.click("#details button[id*='details-event'] >> nth=0")
    wait_for_details(page, "Date:")
    assert page.locator("#details .viz-details-kind").inner_text() != "PERSON"
    wait_for_focus_on(page, "details-heading")


def test_finding6_type_ahead_picks_the_best_match(open_workspace):
    page = open_workspace(DESKTOP)
    page.focus("#org-filter")
    page.keyboard.type("Rafael Adv", delay=30)
    page.wait_for_function("() => { const o = document.querySelector('.dash-dropdown-option');"
                           " return o && o.innerText.startsWith('Rafael Advanced Defense'); }", polling=100,
                           timeout=10_000)
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('org=rafael')", polling=100, timeout=10_000)
    assert "kras" not in page.url


def test_finding3_a_typed_year_applies_on_enter(open_workspace):
    page = open_workspace(DESKTOP)
    field = page.locator(".viz-window .dash-range-slider-min-input")
    field.fill("2020")
    field.press("Enter")
    page.wait_for_function("() => location.search.includes('from=2020')", polling=100, timeout=10_000)


@pytest.mark.parametrize("size", [PHONE, NARROW], ids=["390x844", "360x740"])
def test_finding9_phones_get_one_column_and_a_bottom_sheet(open_workspace, output_dir, size):
    page = open_workspace(size)
    assert not page_scrolls(page)["sideways"], "the page scrolls sideways"
    assert box(page, ".viz-window .dash-range-slider-root, .viz-window [class*='slider']")["width"] >= 200
    for part in (".dash-range-slider-min-input", ".dash-range-slider-max-input"):
        assert page.locator(f".viz-window {part}").is_visible()
    for chart in ("network", "timeline"):  # a chart's title stays clear of its toolbar
        title, bar = box(page, f"#{chart}-graph .gtitle"), box(page, f"#{chart}-graph .modebar")
        assert title["x"] + title["width"] <= bar["x"] or title["y"] + title["height"] <= bar["y"] \
            or bar["y"] + bar["height"] <= title["y"], f"the {chart} title runs under its toolbar"
    page.screenshot(path=output_dir / f"workspace-{size[0]}x{size[1]}-load.png")
    page.click("button.viz-session:has-text('17th')")  # in the bottom sheet
    wait_for_details(page, "Sources")
    assert inside_viewport(page, RECORD_HEADING)
    page.screenshot(path=output_dir / f"workspace-{size[0]}x{size[1]}-selected.png")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_finding10_no_critical_or_serious_axe_violations(open_workspace, output_dir, size):
    page = open_workspace(size)
    name = f"workspace-{size[0]}x{size[1]}"
    assert serious_violations(page) == [], "on load"
    choose_organisation(page, "Elbit Systems")
    page.wait_for_function("() => location.search.includes('org=elbit')", polling=100, timeout=10_000)
    page.screenshot(path=output_dir / f"{name}-filtered.png")
    assert serious_violations(page) == [], "after a filter"
    page.click("#tab-details")
    page.click("#details button:has-text('Overview')") if page.locator("#details-heading").count() else None
    page.click("button.viz-session:has-text('17th')")
    wait_for_details(page, "Sources")
    page.screenshot(path=output_dir / f"{name}-selected.png")
    assert serious_violations(page) == [], "after a selection"
    for tab in ("actors", "analysis"):
        page.click(f"#tab-{tab}")
        page.wait_for_selector(f"#panel-{tab}:not([hidden])")
        assert serious_violations(page) == [], f"with the {tab} tab open"
        page.screenshot(path=output_dir / f"{name}-{tab}.png")


def test_finding11_first_load_is_light_sends_each_figure_once_and_does_not_jump(browser, live_app):
    page = open_page(browser)
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    answers: list[str] = []
    page.on("request", lambda request: answers.append(request.post_data or "") if request.method == "POST" else None)
    page.goto(live_app)
    page.wait_for_selector("#network-graph")
    before = box(page, ".viz-network"), box(page, ".viz-timeline")  # reserved before the charts are drawn
    page.wait_for_selector(EVENTS)
    page.wait_for_selector(NODES)
    page.wait_for_timeout(1500)  # anything the load still sends
    assert (box(page, ".viz-network"), box(page, ".viz-timeline")) == before, "content moved as charts arrived"
    assert sum(sizes.values()) <= 2.5 * 1024 * 1024, f"first load transferred {sum(sizes.values()):,} bytes"
    assert not [a for a in answers if "network-graph.figure" in a and "relayoutData" not in a], \
        "the figures were sent again after the page"
    assert not page_problems(page)
    page.context.close()


def test_history_back_and_forward_step_through_views(open_workspace):
    page = open_workspace(DESKTOP)
    choose_organisation(page, "Elbit Systems")
    page.wait_for_function("() => location.search.includes('org=elbit')", polling=100, timeout=10_000)
    page.click("#details button.viz-session:has-text('17th')") if page.locator(
        "#details button.viz-session").count() else None
    page.wait_for_function("() => location.search.includes('sel=')", polling=100, timeout=10_000)
    page.go_back()  # the selection goes, the filter stays
    page.wait_for_function("() => !location.search.includes('sel=') && location.search.includes('org=elbit')",
                           polling=100, timeout=10_000)
    page.wait_for_function("() => document.getElementById('details').innerText.includes('Start here')",
                           polling=100, timeout=10_000)
    page.go_back()  # then the filter
    page.wait_for_function("() => !location.search.includes('org=')", polling=100, timeout=10_000)
    page.wait_for_function("() => !document.getElementById('view-summary').innerText.startsWith('2')",
                           polling=100, timeout=10_000)
    page.go_forward()
    page.wait_for_function("() => location.search.includes('org=elbit')", polling=100, timeout=10_000)
    page.wait_for_function("() => document.querySelector('#org-filter').innerText.includes('Elbit')",
                           polling=100, timeout=10_000)


def test_finding12_one_legend_per_meaning(open_workspace):
    page = open_workspace(DESKTOP)
    assert page.locator(".viz-precision-key").count() == 0  # the precision key is the timeline's legend only
    legend = page.eval_on_selector_all("#timeline-graph .legendtext", "els => els.map(e => e.textContent)")
    assert len(legend) == len(set(legend)) and any("exact day" in t for t in legend)
