import datetime as dt

from viz.network.state import ViewState, controls_from_state, state_from_controls, state_from_query, state_to_query


def test_url_round_trip():
    state = ViewState(orgs=("elbit", "rafael"), actor_kinds=("company",), event_kinds=("visit",),
                      topics=("co-production",), hops=2, start=dt.date(2021, 1, 1), end=dt.date(2025, 12, 31),
                      focus=("amir-baram",), selected="event:jwg-15")
    query = state_to_query(state)
    assert query.startswith("?org=elbit&org=rafael")
    assert state_from_query(query) == state
    assert state_to_query(ViewState()) == "" and state_from_query("") == ViewState()


def test_malformed_query_is_ignored_not_an_error():
    state = state_from_query("?hops=99&from=yesterday&to=2025-13-45&sel=<script>&org=" + "x" * 500)
    assert state == ViewState(hops=3)


def test_partial_dates_in_the_url():
    state = state_from_query("?from=2021&to=2025-06")
    assert (state.start, state.end) == (dt.date(2021, 1, 1), dt.date(2025, 6, 30))


def test_controls_round_trip():
    years = (2013, 2025)
    state = state_from_controls(orgs=["imod"], actor_kinds=None, event_kinds=["series:jwg-defence"], topics=[],
                                hops="2", years=[2021, 2025], year_range=years, focus=None, selected="node:imod")
    assert state.start == dt.date(2021, 1, 1) and state.end == dt.date(2025, 12, 31) and state.hops == 2
    values = controls_from_state(state, years)
    assert values["years"] == [2021, 2025] and values["orgs"] == ["imod"] and values["selected"] == "node:imod"
    full = state_from_controls(orgs=None, actor_kinds=None, event_kinds=None, topics=None, hops=None,
                               years=[2013, 2025], year_range=years, focus=None, selected=None)
    assert full == ViewState() and not full.has_filters


def test_describe():
    state = ViewState(orgs=("rafael",), start=dt.date(2021, 1, 1), event_kinds=("series:jwg-defence",))
    assert state.describe({"rafael": "Rafael", "series:jwg-defence": "JWG sessions"}) == (
        "Rafael · 2021-01-01 – … · JWG sessions")
