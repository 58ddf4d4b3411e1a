"""The real app in headless Chromium: both charts draw, the organisation filter
updates both, and the modebar saves a named PNG at 2x scale."""

import struct

import pytest

pytestmark = pytest.mark.browser

#: a choice's button (viz.app.layout.choice) by its group and value
CHOICE = """button[id='{"group":"%s","type":"choice","value":"%s"}']"""
EVENTS = "#timeline-graph .scatterlayer .trace .points path.point"
NODES = "#network-graph .scatterlayer .trace path.point"
# Drawn nodes: points of the drawn traces whose points name nodes (the base per kind, or the overlay of the
# nodes a filter keeps), the selection's ring aside, and the points a view hides in place (opacity 0)
# aside. Each DOM trace carries its full trace, each point its index (d3 data).
COUNT_NODES = """() => { if (!document.querySelector('#network-graph .js-plotly-plot')) return -1; let n = 0;
    document.querySelectorAll('#network-graph .scatterlayer .trace').forEach((el) => {
      const t = el.__data__ && el.__data__[0] && el.__data__[0].trace;
      const refs = (t && t.customdata) || [];
      if (t.name !== 'selected' && refs.length && String(refs[0]).startsWith('node:')) {
        n += [...el.querySelectorAll('path.point')].filter((p) => p.style.opacity !== '0').length; } });
    return n; }"""


def drawn_refs(page, graph: str = "network") -> list[str]:
    """The customdata of every point drawn in a chart (hidden traces are not drawn; points a view hides in
    place have opacity 0 and skip hovers)."""
    return page.evaluate("""(sel) => [].concat(...[...document.querySelectorAll(sel + ' .scatterlayer .trace')].map(
        (el) => { const t = el.__data__ && el.__data__[0] && el.__data__[0].trace;
                  if (!t || !t.customdata || t.visible !== true) return [];
                  return [...el.querySelectorAll('path.point')].filter((p) => p.style.opacity !== '0')
                    .map((p) => t.customdata[p.__data__.i]).filter((ref) => ref !== undefined); }))""",
                         f"#{graph}-graph")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


def wait_for_count(page, selector: str, count: int) -> None:
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n", arg=[selector, count], polling=100,
        timeout=15_000
    )


def count_nodes(page) -> int:
    return page.evaluate(COUNT_NODES)


def wait_for_nodes(page, count: int) -> None:
    page.wait_for_function(f"() => ({COUNT_NODES})() === {count}", polling=100, timeout=15_000)


def wait_for_details(page, text: str) -> None:
    # Poll on a timer: with the default requestAnimationFrame polling this wait timed out after
    # clicks on the network, although the text was there (seen here).
    page.wait_for_function("(t) => { const r = document.querySelector('#details .viz-details-record');"
                           " return r && r.innerText.includes(t); }", arg=text, polling=100, timeout=10_000)


def pick(page, dropdown: str, text: str) -> None:
    """Choose ``text`` in a searchable dropdown and wait until its list has closed.

    A click that lands while the list is still closing is taken as a click outside it and
    swallowed, so the next step waits for the list to be gone."""
    page.click(f"#{dropdown}")
    page.fill(".dash-dropdown-search", text)
    # the server ranks the matches (viz.render.search): wait for its list, so the click lands on a list
    # that no longer moves
    page.wait_for_function("(t) => { const o = document.querySelector('.dash-dropdown-option');"
                           " return o && o.innerText.toLowerCase().includes(t.toLowerCase()); }", arg=text,
                           polling=100, timeout=10_000)
    page.click(f".dash-dropdown-option:has-text('{text}')")
    page.keyboard.press("Escape")
    page.wait_for_selector(".dash-dropdown-option", state="detached", timeout=10_000)


def open_fold(page, title: str) -> None:
    """Unfold one of the filter rail's folded sections (exports, data, opening a dataset)."""
    page.locator(f"details.viz-fold:has(summary:has-text('{title}'))").evaluate("(d) => { d.open = true; }")


def choose_organisation(page, name: str) -> None:
    pick(page, "org-filter", name)


def network_point_box(page, ref: str) -> dict:
    """Bounding box of the drawn network point whose customdata is ``ref`` (DOM traces carry their trace)."""
    found = page.evaluate(
        """(ref) => { const els = [...document.querySelectorAll('#network-graph .scatterlayer .trace')];
                      for (let k = 0; k < els.length; k++) {
                        const t = els[k].__data__ && els[k].__data__[0] && els[k].__data__[0].trace;
                        const i = ((t && t.customdata) || []).indexOf(ref); if (i >= 0) return [k, i]; }
                      return [-1, -1]; }""", ref)
    assert found[0] >= 0, f"{ref} is not drawn"
    return page.locator("#network-graph .scatterlayer .trace").nth(found[0]).locator("path.point").nth(
        found[1]).bounding_box()


def test_both_charts_draw_and_filter_updates_both(page, dataset, output_dir):
    from viz.network.graph import build_graph, organisation_subgraph
    from viz.network.timeline import timeline_entries

    page.wait_for_selector("#network-graph .main-svg")
    page.wait_for_selector("#timeline-graph .main-svg")
    assert page.title() == dataset.meta.title
    assert page.inner_text("#page-title") == dataset.meta.title

    wait_for_nodes(page, len(dataset.actors) + len(dataset.agreements))
    wait_for_count(page, EVENTS, len(dataset.events))  # undated ones included, in their own column
    timeline_text = page.inner_text("#timeline-graph")
    for label in ("3rd", "unnumbered", "15th", "16th?", "17th"):
        assert label in timeline_text
    page.screenshot(path=output_dir / "app-unfiltered.png", full_page=True)

    graph = build_graph(dataset)
    elbit_nodes = set(organisation_subgraph(graph, ["elbit"], hops=1))
    elbit_events = timeline_entries(dataset, org_ids=["elbit"])
    assert "rajesh-kumar-singh" in elbit_nodes and "israel-katz" not in elbit_nodes
    assert "singh-company-visits-2025-11-06" in {e.event_id for e in elbit_events}

    choose_organisation(page, "Elbit Systems")
    wait_for_nodes(page, len(elbit_nodes))
    wait_for_count(page, EVENTS, len(elbit_events))
    network_refs = drawn_refs(page)
    assert "node:rajesh-kumar-singh" in network_refs and "node:israel-katz" not in network_refs
    assert "17th" not in page.inner_text("#timeline-graph")
    assert page.inner_text("#view-summary").startswith(
        f"{len(elbit_nodes)} of {graph.number_of_nodes()} actors and agreements, "
        f"{len(elbit_events)} of {len(dataset.events)} events")
    page.screenshot(path=output_dir / "app-filtered-elbit.png", full_page=True)

    choose_organisation(page, "Israel Ministry of Defence")  # a second organisation widens the view
    page.wait_for_function("() => document.querySelector('#timeline-graph').innerText.includes('17th')", polling=100)
    assert count_nodes(page) > len(elbit_nodes)


def test_hover_shows_name_kind_role_and_sources(page):
    page.wait_for_selector(NODES)
    box = network_point_box(page, "node:rajesh-kumar-singh")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#network-graph .hoverlayer .hovertext", timeout=5_000)
    hover = page.locator("#network-graph .hoverlayer").text_content()
    assert "Rajesh Kumar Singh" in hover and "person" in hover.lower() and "role: Defence Secretary" in hover
    assert "Sources: " in hover


@pytest.mark.parametrize("chart", ["network", "timeline"])
def test_modebar_saves_named_png_at_2x(page, chart, output_dir):
    """Finding 8: the camera's file name says what the view is (dataset, filters, window, chart)."""
    graph = f"#{chart}-graph"
    page.wait_for_selector(f"{graph} .main-svg")
    choose_organisation(page, "Rafael Advanced Defense Systems")
    page.wait_for_function("() => location.search.includes('org=rafael')", polling=100)
    page.hover(graph)
    with page.expect_download(timeout=20_000) as info:
        page.click(f"{graph} .modebar-btn[data-title='Download plot as a PNG']")
    download = info.value
    assert download.suggested_filename == f"india-israel_org-rafael_2013-2025_{chart}.png"
    target = output_dir / download.suggested_filename
    download.save_as(target)
    width, height = png_size(target.read_bytes())
    layout = page.evaluate(
        "(sel) => { const l = document.querySelector(sel)._fullLayout; return [l.width, l.height]; }",
        f"{graph} .js-plotly-plot",
    )
    assert abs(width - layout[0] * 2) < 1 and abs(height - layout[1] * 2) < 1  # (the chart fills its panel)


def test_clicking_a_jwg_session_shows_its_sources_in_details(page, dataset, output_dir):
    page.wait_for_selector(EVENTS)
    assert "Start here" in page.inner_text("#details")
    # Find the 17th JWG's marker through its label, then click it.
    label = page.locator("#timeline-graph .textpoint", has_text="17th")
    box = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + 8)
    wait_for_details(page, "Sources")
    details = page.inner_text("#details")
    assert "17th India–Israel JWG on Defence Cooperation" in details
    assert "4 Nov 2025 (precision: day)" in details
    assert "Sources disagree" in details
    event = dataset.event_by_id["jwg-17"]
    links = page.eval_on_selector_all("#details a", "els => els.map(a => a.getAttribute('href'))")
    for source_id in event.sources:
        assert dataset.source_by_id[source_id].url in links
    page.screenshot(path=output_dir / "details-jwg-17.png", full_page=True)


def test_clicking_a_node_and_a_relation_shows_details(page):
    page.wait_for_selector(NODES)
    box = network_point_box(page, "node:amir-baram")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_details(page, "Roles")
    assert "Director General" in page.inner_text("#details")
    # the selection redraws the network (its neighbours lit, a ring, labels): click again once that is drawn,
    # or the click lands on a chart being redrawn (seen under load in CI)
    page.wait_for_function("""() => [...document.querySelectorAll('#network-graph .scatterlayer .trace')].some(
                               (el) => el.__data__ && el.__data__[0] && el.__data__[0].trace.name === 'selected'
                                       && el.querySelectorAll('path.point').length > 0)""", polling=100,
                           timeout=10_000)
    page.wait_for_timeout(400)  # two clicks within Plotly's 300 ms doubleClickDelay are a double-click
    box = network_point_box(page, "pair:israel|israel-katz")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_details(page, "RELATIONS")
    details = page.inner_text("#details")
    assert "Israel — Israel Katz" in details and "holds role at" in details and "Business Standard" in details


def test_jwg_series_in_order_and_jwg_only_timeline(page, dataset, output_dir):
    page.wait_for_selector("nav.viz-series")
    series = page.locator("nav.viz-series button").all_inner_texts()
    assert [text.split()[0] for text in series] == ["3rd", "unnumbered", "15th", "16th?", "17th"]
    assert "date unknown" in series[0] and "Jun 2014" in series[1] and "27 Oct 2021" in series[2]

    page.click("button:has-text('Only JWG sessions')")
    sessions = [e for e in dataset.events if e.series == "jwg-defence"]
    wait_for_count(page, EVENTS, len(sessions))
    # The undated 3rd session is in the separate "undated" column, not on the date axis.
    texts = "els => els.map(e => e.textContent)"
    undated = page.eval_on_selector_all("#timeline-graph .subplot.x2y2 .textpoint", texts)
    dated = page.eval_on_selector_all("#timeline-graph .subplot.xy .textpoint", texts)
    assert undated == ["3rd"] and sorted(dated) == sorted(["unnumbered", "15th", "16th?", "17th"])
    page.screenshot(path=output_dir / "timeline-jwg-only.png", full_page=True)

    page.click("nav.viz-series button:has-text('15th')")
    wait_for_details(page, "Ajay Kumar")
    details = page.inner_text("#details")
    assert "Amir Eshel" in details and "27 Oct 2021 (precision: day)" in details
    links = page.eval_on_selector_all("#details a", "els => els.map(a => a.getAttribute('href'))")
    assert all(dataset.source_by_id[s].url in links for s in dataset.event_by_id["jwg-15"].sources)

    page.click("#details button:has-text('Overview')")  # the strip is the details panel's overview
    page.click("nav.viz-series button:has-text('16th?')")
    wait_for_details(page, "number inferred")
    assert "Jul 2024 (precision: month)" in page.inner_text("#details")
