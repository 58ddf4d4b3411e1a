"""The real app in headless Chromium: both charts draw, the organisation filter
updates both, and the modebar saves a named PNG at 2x scale."""

import struct

import pytest

pytestmark = pytest.mark.browser

EVENTS = "#timeline-graph .scatterlayer .trace .points path.point"
# Node traces are the ones drawn with labels; the relation hover points have none.
NODE_TRACES = "#network-graph .scatterlayer .trace:has(.textpoint)"
NODES = f"{NODE_TRACES} path.point"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


def wait_for_count(page, selector: str, count: int) -> None:
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n", arg=[selector, count], timeout=15_000
    )


def choose_organisation(page, name: str) -> None:
    page.click("#org-filter")
    page.fill(".dash-dropdown-search", name)
    page.click(f".dash-dropdown-option:has-text('{name}')")
    page.keyboard.press("Escape")


def test_both_charts_draw_and_filter_updates_both(page, dataset, output_dir):
    page.wait_for_selector("#network-graph .main-svg")
    page.wait_for_selector("#timeline-graph .main-svg")
    assert page.title() == dataset.meta.title
    assert page.inner_text("#page-title") == dataset.meta.title

    wait_for_count(page, NODES, len(dataset.actors) + len(dataset.agreements))
    wait_for_count(page, EVENTS, 4)  # 17th JWG, the visit, the Katz call, the company visits
    assert "17th" in page.inner_text("#timeline-graph")
    network_text = page.inner_text("#network-graph")
    assert "Israel Katz" in network_text and "Elbit Systems" in network_text
    page.screenshot(path=output_dir / "app-unfiltered.png", full_page=True)

    choose_organisation(page, "Elbit Systems")
    wait_for_count(page, NODES, 2)  # Elbit and the Defence Secretary who visited it
    wait_for_count(page, EVENTS, 1)  # the company visits of 6 Nov 2025
    network_text = page.inner_text("#network-graph")
    assert "Rajesh Kumar Singh" in network_text and "Israel Katz" not in network_text
    assert "17th" not in page.inner_text("#timeline-graph")
    assert page.inner_text("#view-summary").startswith("2 of 12 actors and agreements, 1 of 4 events")
    page.screenshot(path=output_dir / "app-filtered-elbit.png", full_page=True)

    choose_organisation(page, "Israel Ministry of Defence")  # a second organisation widens the view
    page.wait_for_function("document.querySelector('#timeline-graph').innerText.includes('17th')")
    assert page.locator(NODES).count() > 2


def test_hover_shows_name_kind_and_role(page):
    page.wait_for_selector(NODES)
    # The person trace is the first node trace.
    box = page.locator(NODES).first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#network-graph .hoverlayer .hovertext", timeout=5_000)
    hover = page.locator("#network-graph .hoverlayer").text_content()
    assert "person" in hover and "role: " in hover


@pytest.mark.parametrize("chart", ["network", "timeline"])
def test_modebar_saves_named_png_at_2x(page, chart, output_dir):
    graph = f"#{chart}-graph"
    page.wait_for_selector(f"{graph} .main-svg")
    page.hover(graph)
    with page.expect_download(timeout=20_000) as info:
        page.click(f"{graph} .modebar-btn[data-title='Download plot as a PNG']")
    download = info.value
    assert download.suggested_filename == f"india-israel-{chart}.png"
    target = output_dir / download.suggested_filename
    download.save_as(target)
    width, height = png_size(target.read_bytes())
    layout = page.evaluate(
        "(sel) => { const l = document.querySelector(sel)._fullLayout; return [l.width, l.height]; }",
        f"{graph} .js-plotly-plot",
    )
    assert (width, height) == (layout[0] * 2, layout[1] * 2)


def click_point(page, graph: str, trace_index: int, point_index: int = 0) -> None:
    box = page.locator(f"{graph} .scatterlayer .trace").nth(trace_index).locator("path.point").nth(
        point_index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_clicking_a_jwg_session_shows_its_sources_in_details(page, dataset, output_dir):
    page.wait_for_selector(EVENTS)
    assert "Click a node" in page.inner_text("#details")
    # Find the 17th JWG's marker through its label, then click it.
    label = page.locator("#timeline-graph .textpoint", has_text="17th")
    box = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + 8)
    page.wait_for_function("document.querySelector('#details').innerText.includes('Sources')", timeout=10_000)
    details = page.inner_text("#details")
    assert "17th India–Israel JWG on Defence Cooperation" in details
    assert "4 Nov 2025 (precision: day)" in details
    assert "Sources disagree" in details
    event = dataset.event_by_id["jwg-17"]
    links = page.eval_on_selector_all("#details a", "els => els.map(a => a.href)")
    for source_id in event.sources:
        assert dataset.source_by_id[source_id].url in links
    page.screenshot(path=output_dir / "details-jwg-17.png", full_page=True)


def test_clicking_a_node_and_a_relation_shows_details(page):
    page.wait_for_selector(NODES)
    box = page.locator(f"{NODE_TRACES} .textpoint", has_text="Amir Baram").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + 10)
    page.wait_for_function("document.querySelector('#details').innerText.includes('Roles')", timeout=10_000)
    assert "Director General" in page.inner_text("#details")
    page.wait_for_timeout(400)  # two clicks within Plotly's 300 ms doubleClickDelay are a double-click
    # The relation hover points are trace 1; find the Katz–Israel pair's point by its reference.
    index = page.evaluate("document.querySelector('#network-graph .js-plotly-plot').data[1]"
                          ".customdata.indexOf('pair:israel|israel-katz')")
    assert index >= 0
    click_point(page, "#network-graph", 1, index)
    page.wait_for_function("document.querySelector('#details').innerText.includes('RELATIONS')", timeout=10_000)
    details = page.inner_text("#details")
    assert "Israel — Israel Katz" in details and "holds role at" in details and "Business Standard" in details
