"""Explorer queries on the default dataset: the questions analysts ask."""

import datetime as dt

import pytest

from viz.network.explore import selection_highlight, table_rows, visible_events, visible_graph
from viz.network.state import ViewState
from viz.render.view import prepare_context


@pytest.fixture(scope="module")
def context(dataset):
    return prepare_context(dataset.path)


def test_no_filter_shows_everything(context):
    assert visible_graph(context.graph, context.dataset, ViewState()) is context.graph


def test_jwg_sessions_2021_to_2025(context):
    """Which Indian and Israeli organisations took part in JWG sessions between 2021 and 2025?"""
    state = ViewState(event_kinds=("series:jwg-defence",), start=dt.date(2021, 1, 1), end=dt.date(2025, 12, 31))
    shown = visible_graph(context.graph, context.dataset, state)
    assert {"mod-india", "imod", "jwg-defence", "ajay-kumar", "amir-eshel", "rajesh-kumar-singh",
            "amir-baram"} <= set(shown)
    assert "rafael" not in shown and "israel-katz" not in shown
    events = {e.event_id for e in visible_events(context.dataset, state)}
    assert events == {"jwg-15", "jwg-16-inferred", "jwg-17"}
    for _, _, data in shown.edges(data=True):
        assert data["event"] in events


def test_what_rafael_signed(context):
    """What did Rafael sign, and with whom?"""
    shown = visible_graph(context.graph, context.dataset, ViewState(orgs=("rafael",), actor_kinds=(
        "agreement", "company", "government_body")))
    agreements = {n for n in shown if context.graph.nodes[n]["kind"] == "agreement"}
    assert {"kalyani-rafael-jv-2015", "reliance-rafael-jv-2016"} <= agreements
    partners = {u for a in agreements for u, _, d in context.graph.in_edges(a, data=True)
                if d["relation"] == "party_to"} - {"rafael"}
    assert {"kalyani-group", "reliance-defence"} & partners


def test_time_window_grows_the_network(context):
    sizes = [visible_graph(context.graph, context.dataset, ViewState(end=dt.date(year, 12, 31))).number_of_nodes()
             for year in range(2013, 2026)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_hops_and_kinds(context):
    one = visible_graph(context.graph, context.dataset, ViewState(orgs=("elbit",), hops=1))
    two = visible_graph(context.graph, context.dataset, ViewState(orgs=("elbit",), hops=2))
    assert set(one) < set(two)
    people = visible_graph(context.graph, context.dataset, ViewState(actor_kinds=("person",)))
    assert {a["kind"] for _, a in people.nodes(data=True)} == {"person"}


def test_selection_highlights(context):
    event = selection_highlight(context.dataset, context.graph, "event:jwg-15")
    assert {"ajay-kumar", "amir-eshel", "tor-swg-defence-industry-cooperation-2021"} <= event.nodes
    assert event.events == {"jwg-15"}
    node = selection_highlight(context.dataset, context.graph, "node:amir-eshel")
    assert "jwg-15" in node.events and "jwg-defence" in node.nodes
    assert selection_highlight(context.dataset, context.graph, None).nodes is None


def test_table_rows(context):
    rows = table_rows(context.dataset, context.graph, visible_events(context.dataset, ViewState()))
    assert len(rows) == len(context.dataset.actors)
    singh = next(r for r in rows if r["id"] == "rajesh-kumar-singh")
    assert singh["organisation"] == "Ministry of Defence, India" and singh["events"] >= 4
    assert [r["degree"] for r in rows] == sorted((r["degree"] for r in rows), reverse=True)
