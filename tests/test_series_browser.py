"""Series as data in the browser: a two-series record and a record with none, under the real CSP."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import open_page, page_problems, serve
from test_browser import CHOICE, EVENTS, wait_for_count, wait_for_details

from viz import REPO_ROOT

pytestmark = pytest.mark.browser

TWO_SERIES = REPO_ROOT / "tests" / "fixtures" / "two-series"
LANE_TICKS = "els => els.map(e => e.textContent)"


def _lanes(page) -> list[str]:
    return page.eval_on_selector_all("#timeline-graph .yaxislayer-above text", LANE_TICKS)


def test_two_series_get_two_strips_two_controls_and_their_own_lanes(browser, output_dir):
    with serve(TWO_SERIES) as url:
        page = open_page(browser)
        page.goto(url)
        page.wait_for_selector(EVENTS)
        strips = page.locator("nav.viz-series")
        assert strips.count() == 2
        texts = strips.all_inner_texts()
        assert texts[0].startswith("DPG sessions: 2 of at least 4 recorded, in series order")
        assert "3rd" in texts[0] and "4th" in texts[0] and "1st" not in texts[0]
        assert texts[1].startswith("MDD sessions: 1 recorded") and "1st" in texts[1]
        lanes = _lanes(page)  # drawn tick labels: each series its own lane, the dataset's own kind label
        assert {"DPG sessions", "Ministerial dialogue", "Exercise", "Visit"} <= set(lanes)

        page.click("button:has-text('Only DPG sessions')")
        wait_for_count(page, EVENTS, 2)
        drawn = page.eval_on_selector_all("#timeline-graph .subplot.xy .textpoint", LANE_TICKS)
        assert sorted(drawn) == ["3rd", "4th"]
        page.screenshot(path=output_dir / "series-two-dpg-only.png", full_page=True)

        page.click("nav.viz-series button:has-text('4th')")
        wait_for_details(page, "Lakeside Hall")
        details = page.inner_text("#details")
        assert "DPG SESSION" in details.upper() and "Also mentioned (not taking part): Arland Audit Office" in details
        assert "Belmark side" in details

        page.click("#details button:has-text('Overview')")  # the strips are the details panel's overview
        page.click("nav.viz-series button:has-text('3rd')")
        wait_for_details(page, "Arland Department of Defence")  # the body's name at the time
        page.click("button:has-text('Only MDD sessions')")
        wait_for_count(page, EVENTS, 1)
        assert page_problems(page) == []
        page.context.close()


def test_a_record_without_series_shows_no_strip_and_no_series_control(browser, tmp_path):
    folder = tmp_path / "none"
    shutil.copytree(TWO_SERIES, folder)
    (folder / "series.yaml").unlink()
    events = [e for e in yaml.safe_load((folder / "events.yaml").read_text()) if e["kind"] != "session"]
    (folder / "events.yaml").write_text(yaml.safe_dump(events, sort_keys=False))
    with serve(folder) as url:
        page = open_page(browser)
        page.goto(url)
        page.wait_for_selector(EVENTS)
        assert page.locator("nav.viz-series").count() == 0
        assert page.locator("button:has-text('sessions')").count() == 0
        assert not any("session" in lane.lower() for lane in _lanes(page))
        assert page_problems(page) == []
        page.context.close()


def test_country_links_are_drawn_faint_and_one_click_hides_them(browser):
    legend = "els => els.map(e => e.textContent)"
    with serve(TWO_SERIES) as url:
        page = open_page(browser)
        page.goto(url)
        page.wait_for_selector(EVENTS)
        assert "country links" in page.eval_on_selector_all("#network-graph .legendtext", legend)
        page.click(CHOICE % ("country-links", "hide"))
        page.wait_for_function("() => location.search.includes('countries=hide')", polling=100, timeout=10_000)
        page.wait_for_function("""() => ![...document.querySelectorAll('#network-graph .legendtext')]
                                   .some(e => e.textContent === 'country links')""", polling=100, timeout=10_000)
        reopened = page.context.new_page()
        reopened.goto(page.url)  # the shared link keeps them hidden
        reopened.wait_for_selector(EVENTS)
        reopened.wait_for_function("(sel) => document.querySelector(sel).getAttribute('aria-pressed') === 'true'",
                                   arg=CHOICE % ("country-links", "hide"), polling=100, timeout=10_000)
        assert page_problems(page) == [] and page_problems(reopened) == []
        page.context.close()


@pytest.mark.parametrize(("ref", "expected"), [
    ("node:belmark-arms", ["Belmark Arms Works", "State-owned company"]),  # the dataset's own type
    ("node:roadmap", ["Defence Industry Roadmap", "announced, not signed"]),
    ("node:arland-mod", ["Ministry", "also called: Arland Department of Defence"]),
])
def test_hover_labels_say_type_status_and_earlier_names(browser, ref, expected):
    from test_browser import network_point_box

    with serve(TWO_SERIES) as url:
        page = open_page(browser)
        page.goto(url)
        page.wait_for_selector(EVENTS)
        box = network_point_box(page, ref)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector("#network-graph .hoverlayer .hovertext", timeout=5_000)
        hover = page.locator("#network-graph .hoverlayer").text_content()
        assert all(text in hover for text in expected), hover
        page.context.close()


def test_a_renamed_body_is_found_by_its_earlier_name(browser):
    with serve(TWO_SERIES) as url:
        page = open_page(browser)
        page.goto(url)
        page.wait_for_selector(EVENTS)
        page.click("#org-filter")
        page.fill(".dash-dropdown-search", "Department of Defence")
        option = page.locator(".dash-dropdown-option").first
        option.wait_for(timeout=5_000)
        assert "Arland Ministry of Defence" in option.inner_text() and "ministry" in option.inner_text()
        page.context.close()
