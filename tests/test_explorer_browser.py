"""The explorer in headless Chromium: one test per capability of the explorer issue."""

import struct

import pytest
from conftest import open_page, page_problems
from test_browser import (
    CHOICE,
    choose_organisation,
    count_nodes,
    network_point_box,
    pick,
    wait_for_details,
    wait_for_nodes,
)

from viz.network.explore import visible_events, visible_graph
from viz.network.state import ViewState, state_from_query
from viz.render.view import prepare_context

pytestmark = pytest.mark.browser

EVENTS = "#timeline-graph .scatterlayer .trace .points path.point"


@pytest.fixture(scope="module")
def context(dataset):
    return prepare_context(dataset.path)


def expected_nodes(context, state: ViewState) -> int:
    return visible_graph(context.graph, context.dataset, state).number_of_nodes()


def wait_for_events(page, count: int) -> None:
    page.wait_for_function(f"(n) => document.querySelectorAll('{EVENTS}').length === n", arg=count,
                           polling=100, timeout=15_000)


def set_years(page, first: int, last: int) -> None:
    """Type the window's years into the slider's boxes; wait for each to reach the address bar."""
    for selector, expect in ((".dash-range-slider-min-input", f"from={first}-01-01"),
                             (".dash-range-slider-max-input", f"to={last}-12-31")):
        box = page.locator(f"#time-window {selector}")
        box.fill(expect[-10:-6])
        box.press("Tab")
        page.wait_for_function("(s) => window.location.search.includes(s)", arg=expect, polling=100,
                               timeout=10_000)


def test_filters_kind_event_topic_hops_and_reset(page, context, output_dir):
    page.wait_for_selector(EVENTS)
    pick(page, "actor-kind-filter", "company")
    wait_for_nodes(page, expected_nodes(context, ViewState(actor_kinds=("company",))))
    pick(page, "event-kind-filter", "visit")
    state = ViewState(actor_kinds=("company",), event_kinds=("visit",))
    wait_for_nodes(page, expected_nodes(context, state))
    wait_for_events(page, len(visible_events(context.dataset, state)))
    page.click("#reset-filters")
    wait_for_nodes(page, context.graph.number_of_nodes())

    pick(page, "topic-filter", "Atmanirbhar Bharat")
    wait_for_events(page, len(visible_events(context.dataset, ViewState(topics=("Atmanirbhar Bharat",)))))
    page.click("#reset-filters")

    choose_organisation(page, "Elbit Systems")
    wait_for_nodes(page, expected_nodes(context, ViewState(orgs=("elbit",))))
    pick(page, "hops", "2")
    wait_for_nodes(page, expected_nodes(context, ViewState(orgs=("elbit",), hops=2)))
    assert expected_nodes(context, ViewState(orgs=("elbit",), hops=2)) > expected_nodes(
        context, ViewState(orgs=("elbit",)))
    page.screenshot(path=output_dir / "explorer-elbit-2-hops.png", full_page=True)


def test_time_window_and_play(page, context, output_dir):
    page.wait_for_selector(EVENTS)
    set_years(page, 2021, 2025)
    window = state_from_query("?from=2021&to=2025")
    wait_for_nodes(page, expected_nodes(context, window))
    wait_for_events(page, len(visible_events(context.dataset, window)))
    assert "2021-01-01 – 2025-12-31" in page.inner_text("#network-graph")

    set_years(page, 2014, 2025)  # eleven ticks of 1.2 s to play: time to pause before the end
    page.click("#play")  # steps from the window's start, one year a tick
    page.wait_for_function("() => document.querySelector('#play').innerText.includes('Pause')", polling=100,
                           timeout=10_000)
    page.wait_for_function("() => document.querySelector('#time-window .dash-range-slider-max-input').value >= "
                           "'2015'", polling=100, timeout=15_000)
    assert page.input_value("#time-window .dash-range-slider-min-input") == "2014"  # from the window's start
    sizes = [count_nodes(page)]
    page.wait_for_timeout(1300)
    sizes.append(count_nodes(page))
    assert sizes[1] >= sizes[0]  # the network only grows as the window widens
    page.click("#play")  # pause: the window stays where it is
    page.wait_for_function("() => document.querySelector('#play').innerText.includes('Play')", polling=100,
                           timeout=10_000)
    paused = page.input_value("#time-window .dash-range-slider-max-input")
    assert paused < "2025"  # paused before the end (the end stops the playing by itself)
    page.wait_for_timeout(2600)  # more than two ticks: a paused timer does not tick (it restarted before)
    assert page.input_value("#time-window .dash-range-slider-max-input") == paused
    page.screenshot(path=output_dir / "explorer-play.png", full_page=True)


def test_timeline_zoom_sets_the_window(page, context):
    page.wait_for_selector(EVENTS)
    drag = page.locator("#timeline-graph .nsewdrag").first
    drag.scroll_into_view_if_needed()
    box = drag.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.62, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.97, y + 5, steps=8)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#time-window .dash-range-slider-min-input').value !== "
                           f"'{context.year_range[0]}'", polling=100, timeout=10_000)
    first = int(page.input_value("#time-window .dash-range-slider-min-input"))
    assert context.year_range[0] < first <= context.year_range[1]


def lit_points(page, graph: str, trace: str) -> list[str]:
    """The references (customdata) of the points a selection lights up: those of the ``trace`` drawn on
    top of the dimmed chart ("selected" nodes, "selected events")."""
    return page.evaluate("""([graph, name]) => [].concat(...[...document.querySelectorAll(
        graph + ' .scatterlayer .trace')].map((el) => { const t = el.__data__ && el.__data__[0] && el.__data__[0].trace;
            const drawn = t && t.name === name && el.querySelectorAll('path.point').length;
            return drawn ? [...(t.customdata || [])] : []; }))""",
                         [graph, trace])


def test_linked_selection(page, context):
    page.wait_for_selector(EVENTS)
    box = network_point_box(page, "node:amir-eshel")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_details(page, "Amir Eshel")
    # The timeline lights up Eshel's events and dims the rest.
    page.wait_for_function("() => document.querySelector('#timeline-graph .js-plotly-plot').data.some("
                           "(t) => t.name === 'selected events' && (t.x || []).length)", polling=100, timeout=10_000)
    lit = lit_points(page, "#timeline-graph", "selected events")
    assert "event:jwg-15" in lit and "event:jwg-17" not in lit
    page.wait_for_timeout(400)  # two clicks within Plotly's 300 ms doubleClickDelay are a double-click
    label = page.locator("#timeline-graph .textpoint", has_text="17th")
    tb = label.bounding_box()
    page.mouse.click(tb["x"] + tb["width"] / 2, tb["y"] + tb["height"] + 8)
    wait_for_details(page, "17th India–Israel JWG")
    page.wait_for_function("() => document.querySelector('#network-graph .js-plotly-plot').data.some("
                           "(t) => t.name === 'selected' && (t.customdata || []).includes('node:rajesh-kumar-singh'))",
                           polling=100, timeout=10_000)
    lit_nodes = lit_points(page, "#network-graph", "selected")
    assert {"node:rajesh-kumar-singh", "node:amir-baram", "node:mou-defence-cooperation-2025"} <= set(lit_nodes)
    assert "node:amir-eshel" not in lit_nodes


def test_actor_search_focuses_the_network(page, context):
    page.wait_for_selector(EVENTS)
    pick(page, "actor-search", "IMoD")  # an alias of the Israel Ministry of Defence
    wait_for_nodes(page, expected_nodes(context, ViewState(focus=("imod",))))
    assert count_nodes(page) < context.graph.number_of_nodes()


def test_url_round_trip(page, browser, live_app, context):
    page.wait_for_selector(EVENTS)
    choose_organisation(page, "Rafael Advanced Defense Systems")
    set_years(page, 2015, 2018)
    url = page.url
    assert "org=rafael" in url and "to=2018-12-31" in url
    summary = page.inner_text("#view-summary")
    other = open_page(browser)
    other.goto(url)
    state = state_from_query(url.split("?", 1)[1])
    wait_for_nodes(other, expected_nodes(context, state))
    other.wait_for_function("(s) => document.querySelector('#view-summary').innerText === s", arg=summary,
                            polling=100, timeout=10_000)
    problems = page_problems(other)
    other.context.close()
    assert not problems


def test_finding1_table_is_keyboard_sortable_paged_on_the_server_and_tab_leaves_it(page, context):
    """Finding 1: a native table: paged and sorted on the server, every actor a button, sortable by keyboard,
    and Tab leaves it (no trap)."""
    from viz.network.explore import table_rows
    from viz.render.table import TABLE_PAGE_SIZE

    page.wait_for_selector(EVENTS)
    page.click("#tab-actors")
    page.wait_for_selector("#actor-table tbody tr")
    rows = "#actor-table tbody tr"
    everyone = table_rows(context.dataset, context.graph, visible_events(context.dataset, ViewState()))
    assert len(everyone) > TABLE_PAGE_SIZE  # the default dataset needs more than one page
    names = "#actor-table tbody th button"
    assert page.locator(names).all_inner_texts() == [r["actor"] for r in everyone[:TABLE_PAGE_SIZE]]
    page.click("#actor-table button:has-text('Next')")  # the next page comes from the server, in the same order
    expected = [r["actor"] for r in everyone[TABLE_PAGE_SIZE:2 * TABLE_PAGE_SIZE]]
    wait_for_texts(page, names, expected)
    choose_organisation(page, "Elbit Systems")  # a new view starts on its first page
    shown = visible_graph(context.graph, context.dataset, ViewState(orgs=("elbit",)))
    actors = [n for n in shown if n in context.dataset.actor_by_id]
    page.wait_for_function(f"() => document.querySelectorAll('{rows}').length === {len(actors)}", polling=100,
                           timeout=10_000)
    # sorted on the server, from the keyboard: focus the "Actor" heading's button and press Enter
    page.focus("#actor-table thead th:nth-child(1) button")
    page.keyboard.press("Enter")
    wanted = sorted(page.locator(names).all_inner_texts(), key=lambda n: (n.casefold(), n))
    wait_for_texts(page, names, wanted)
    assert page.get_attribute("#actor-table thead th:nth-child(1)", "aria-sort") == "ascending"
    page.focus("#actor-table thead th:nth-child(1) button")
    page.keyboard.press("Enter")  # the same heading again: the other way round
    wait_for_texts(page, names, wanted[::-1])
    assert page.get_attribute("#actor-table thead th:nth-child(1)", "aria-sort") == "descending"
    page.focus(f"{names} >> nth=0")  # Enter on an actor opens its record, with the focus on its heading
    page.keyboard.press("Enter")
    wait_for_details(page, wanted[-1])
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'details-heading'",
                           polling=100, timeout=10_000)
    # Tab walks through the table and out of it (no trap): from its first control, one press per control
    page.click("#tab-actors")
    controls = page.locator("#actor-table button:not([disabled])").count()
    page.focus("#actor-table thead button >> nth=0")
    inside = "() => document.getElementById('actor-table').contains(document.activeElement)"
    presses = 0
    while page.evaluate(inside) and presses <= controls:
        page.keyboard.press("Tab")
        presses += 1
    assert not page.evaluate(inside), f"Tab stays in the table after {presses} presses"


def wait_for_texts(page, selector: str, texts: list[str]) -> None:
    page.wait_for_function("([sel, want]) => JSON.stringify([...document.querySelectorAll(sel)].map("
                           "(el) => el.innerText)) === JSON.stringify(want)", arg=[selector, texts], polling=100,
                           timeout=10_000)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_export_view_png_svg_pdf(page, output_dir):
    page.wait_for_selector(EVENTS)
    choose_organisation(page, "Rafael Advanced Defense Systems")
    page.click("summary:has-text('Export view')")  # folded in the filter rail
    for field, value in (("#export-width", "1200"), ("#export-height", "1500")):
        page.fill(field, value)
        page.press(field, "Tab")
    with page.expect_download(timeout=60_000) as info:
        page.click("#export-png")
    download = info.value
    assert download.suggested_filename == "india-israel_org-rafael_2013-2025_view.png"  # dataset, filter, window
    target = output_dir / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert len(data) > 10_000 and png_size(data) == (1200, 1500)
    for fmt, magic in (("svg", b"<svg"), ("pdf", b"%PDF")):
        pick(page, "export-format", fmt)
        with page.expect_download(timeout=60_000) as info:
            page.click("#export-png")
        saved = output_dir / info.value.suggested_filename
        info.value.save_as(saved)
        assert saved.suffix == f".{fmt}" and magic in saved.read_bytes()[:200]


def test_shortest_path_is_drawn_with_its_events(page, context):
    page.wait_for_selector(EVENTS)
    page.click("#tab-analysis")
    pick(page, "path-from", "Rafael Advanced Defense Systems")
    pick(page, "path-to", "Ajay Kumar")
    page.wait_for_function("() => document.querySelector('#analysis').innerText.includes('Shortest paths')",
                           polling=100, timeout=10_000)
    # the analysis panel and the network are separate callbacks: wait for the drawn path, not the panel alone
    page.wait_for_function("""() => document.querySelector('#network-graph .js-plotly-plot').data
                               .some(t => t.name === 'shortest path')""", polling=100, timeout=10_000)
    drawn = page.eval_on_selector_all("#network-graph .legendtext", "els => els.map(e => e.textContent)")
    assert "shortest path" in drawn  # in the drawn legend, not only in the figure data
    analysis = page.inner_text("#analysis")
    assert "Rafael Advanced Defense Systems →" in analysis and "Brokers" in analysis
    assert page.locator("#analysis .viz-paths a").count() > 0  # every hop cites its sources


def test_data_download_menu(page, dataset, output_dir):
    import networkx as nx

    page.wait_for_selector(EVENTS)
    choose_organisation(page, "Elbit Systems")
    page.click("summary:has-text('Download data')")  # folded in the filter rail
    with page.expect_download(timeout=30_000) as info:
        page.click("#export-data")
    target = output_dir / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == "india-israel-view.graphml"
    assert 0 < nx.read_graphml(target).number_of_nodes() < len(dataset.actors)


def test_filtered_out_actors_can_be_greyed_instead_of_hidden(page, context, output_dir):
    page.wait_for_selector(EVENTS)
    choose_organisation(page, "Elbit Systems")
    shown = expected_nodes(context, ViewState(orgs=("elbit",)))
    wait_for_nodes(page, shown)  # hidden: only the organisation's view is drawn
    page.click(CHOICE % ("filtered-nodes", "grey"))
    page.wait_for_function("() => location.search.includes('filtered=grey')", polling=100, timeout=10_000)
    wait_for_nodes(page, context.graph.number_of_nodes())  # greyed: every node is drawn again, as context
    # the grey ones are drawn grey (the kind traces colour each point by 0 grey / 1 its kind's colour)
    fills = page.evaluate("""() => [...document.querySelectorAll('#network-graph .scatterlayer .trace')].flatMap(
        (el) => { const t = el.__data__ && el.__data__[0] && el.__data__[0].trace;
                  return (t && (t.customdata || []).length && String(t.customdata[0]).startsWith('node:'))
                    ? [...el.querySelectorAll('path.point')].map((p) => p.style.fill) : []; })""")
    grey = sum(1 for fill in fills if fill == "rgb(220, 220, 220)")
    assert grey == context.graph.number_of_nodes() - shown
    page.screenshot(path=output_dir / "explorer-elbit-greyed.png", full_page=True)


def test_hidden_actors_answer_no_hover_or_click(page, context):
    """A filter hides actors where they are (opacity 0): hovering or clicking where one sits does nothing."""
    page.wait_for_selector(EVENTS)
    choose_organisation(page, "Elbit Systems")
    wait_for_nodes(page, expected_nodes(context, ViewState(orgs=("elbit",))))
    # of the hidden actors inside the frame (it zooms to the view), the farthest from every shown one
    shown = visible_graph(context.graph, context.dataset, ViewState(orgs=("elbit",)))
    (x0, x1), (y0, y1) = page.evaluate("""() => { const l = document.querySelector('#network-graph .js-plotly-plot')
        ._fullLayout; return [l.xaxis.range, l.yaxis.range]; }""")
    framed = [n for n in context.graph if n not in shown
              and x0 <= context.positions[n][0] <= x1 and y0 <= context.positions[n][1] <= y1]
    assert framed, "no hidden actor inside the frame to hover"
    hidden = max(framed, key=lambda n: min(sum((a - b) ** 2 for a, b in zip(
        context.positions[n], context.positions[m], strict=True)) for m in shown))
    box = network_point_box(page, f"node:{hidden}")
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(500)
    assert context.graph.nodes[hidden]["label"] not in (page.locator("#network-graph .hoverlayer").text_content()
                                                        or "")
    page.mouse.click(x, y)
    page.wait_for_timeout(800)
    assert context.graph.nodes[hidden]["label"] not in page.inner_text("#details")
