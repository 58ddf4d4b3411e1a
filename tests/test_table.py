"""The paged, sorted actor table (viz.render.table) against the networkx rows of viz.network.explore."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from viz.network.explore import actor_row, table_rows, visible_events, visible_graph
from viz.network.graph import build_graph
from viz.network.graph_index import index_graph, visible_masks
from viz.network.state import ViewState
from viz.record.load import load_dataset
from viz.record.synth import write_synth
from viz.render.table import COUNT_COLUMNS, TABLE_PAGE_SIZE, TEXT_COLUMNS, actor_table, table_page


def _case(data):
    graph = build_graph(data)
    index = index_graph(graph, data, dict.fromkeys(graph, (0.0, 0.0)))  # the table does not use positions
    return data, graph, index, actor_table(data, index)


@pytest.fixture(scope="module")
def india(dataset):
    return _case(dataset)


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return _case(load_dataset(write_synth(tmp_path_factory.mktemp("synth"), 3000, 1500, fmt="json")))


def _text(value: str) -> tuple[str, str]:
    return value.casefold(), value


def _expected(rows: list[dict], sort_by: list[dict] | None) -> list[dict]:
    """``rows`` in the documented order, by Python's stable sort: ``sort_by`` (default: most relations first),
    then name (case-insensitive, then exact), then id."""
    keys = [(s["column_id"], s["direction"]) for s in sort_by or [{"column_id": "degree", "direction": "desc"}]]
    expected = list(rows)
    for column, direction in reversed([*keys, ("actor", "asc"), ("id", "asc")]):  # least significant first
        expected.sort(key=lambda r, c=column: _text(r[c]) if isinstance(r[c], str) else r[c],
                      reverse=direction == "desc")
    return expected


def _all_pages(table, index, masks, sort_by=None) -> list[dict]:
    first = table_page(table, index, masks, sort_by, 0)
    pages = [first, *(table_page(table, index, masks, sort_by, p) for p in range(1, first.page_count))]
    assert [p.page for p in pages] == list(range(first.page_count))
    assert all(p.total == first.total and p.page_count == first.page_count for p in pages)
    return [row for p in pages for row in p.rows]


def _states(data, graph):
    orgs = [a.id for a in data.organisations()]
    busiest = sorted(orgs, key=lambda n: (-graph.degree(n), n))
    kinds = sorted({e.kind.value for e in data.events})
    topics = sorted({t for e in data.events for t in e.topics})
    years = sorted({int(e.date.start[:4]) for e in data.events if e.date.start})
    middle = years[len(years) // 2]
    yield ViewState()
    yield ViewState(orgs=("elbit",))
    yield ViewState(orgs=(busiest[0],), hops=2)
    yield ViewState(orgs=(busiest[1],), hops=0)
    yield ViewState(start=dt.date(middle, 1, 1), end=dt.date(middle + 2, 12, 31))
    yield ViewState(start=dt.date(middle, 3, 15), end=dt.date(middle, 9, 2))  # not year-aligned
    yield ViewState(event_kinds=(kinds[0],))
    yield ViewState(event_kinds=tuple(kinds[:2]), orgs=(busiest[0],))
    yield ViewState(actor_kinds=("person",))
    yield ViewState(actor_kinds=("company", "government_body"), orgs=(busiest[2],), hops=2)
    yield ViewState(countries=False)
    yield ViewState(countries=False, orgs=(busiest[0],), hops=2, start=dt.date(middle, 1, 1))
    yield ViewState(topics=(topics[0],))
    yield ViewState(focus=(busiest[-1],), hops=1)
    yield ViewState(start=dt.date(1900, 1, 1), end=dt.date(1900, 12, 31))  # shows nothing


def test_the_columns_are_those_of_actor_row(india):
    data = india[0]
    assert [*TEXT_COLUMNS, *COUNT_COLUMNS] == list(actor_row(data, data.actors[0].id, 0, 0))


def test_all_pages_in_default_order_are_the_networkx_rows(india):
    data, graph, index, table = india
    states = list(_states(data, graph))
    totals = set()
    for state in states:
        expected = table_rows(data, visible_graph(graph, data, state), visible_events(data, state))
        masks = visible_masks(index, state)
        # the networkx rows, in their own order (the same tie-breaks: name case-insensitively, then id)
        assert _all_pages(table, index, masks) == expected == _expected(expected, None), state
        assert _all_pages(table, index, masks, []) == expected, state
        first = table_page(table, index, masks, None, 0)
        assert first.total == len(expected), state
        assert first.page_count == max(1, -(-len(expected) // TABLE_PAGE_SIZE)), state
        totals.add(len(expected))
    assert 0 in totals and len(totals) > 8  # the states are varied, one shows nothing
    assert len(table) == len(data.actors)  # every actor, no agreement


def test_names_sort_case_insensitively(india):
    _, _, index, table = india
    rows = _all_pages(table, index, visible_masks(index, ViewState()), [{"column_id": "actor", "direction": "asc"}])
    names = [r["actor"] for r in rows]
    assert names == sorted(names, key=_text)
    assert names != sorted(names)  # the data has names whose case-sensitive order differs (e.g. "BEL ..." vs "Baba")


def test_pages_are_full_but_the_last_and_cover_the_view_once(synth):
    data, _, index, table = synth
    for state in (ViewState(), ViewState(actor_kinds=("company",)),
                  ViewState(start=dt.date(2010, 1, 1), end=dt.date(2012, 6, 30))):
        masks = visible_masks(index, state)
        first = table_page(table, index, masks, None, 0)
        pages = [table_page(table, index, masks, None, p).rows for p in range(first.page_count)]
        assert first.page_count > 3
        assert all(len(rows) == TABLE_PAGE_SIZE for rows in pages[:-1])
        assert 1 <= len(pages[-1]) <= TABLE_PAGE_SIZE
        ids = [row["id"] for rows in pages for row in rows]
        shown = {index.nodes[i] for i in masks.nodes.nonzero()[0]} & set(data.actor_by_id)
        assert len(ids) == len(set(ids)) == first.total == len(shown)
        assert set(ids) == shown


@pytest.mark.parametrize("sort_by", [
    [{"column_id": "actor", "direction": "asc"}],
    [{"column_id": "actor", "direction": "desc"}],
    [{"column_id": "events", "direction": "desc"}],
    [{"column_id": "degree", "direction": "asc"}],
    [{"column_id": "kind", "direction": "asc"}, {"column_id": "degree", "direction": "desc"}],
    [{"column_id": "organisation", "direction": "desc"}, {"column_id": "events", "direction": "asc"},
     {"column_id": "actor", "direction": "desc"}],
    [{"column_id": "kind", "direction": "desc"}, {"column_id": "organisation", "direction": "asc"}],
    [{"column_id": "id", "direction": "desc"}],
])
def test_pages_follow_the_requested_sort(synth, sort_by):
    data, graph, index, table = synth
    for state in (ViewState(), ViewState(event_kinds=("meeting",), start=dt.date(2005, 1, 1))):
        expected = _expected(table_rows(data, visible_graph(graph, data, state), visible_events(data, state)), sort_by)
        masks = visible_masks(index, state)
        assert _all_pages(table, index, masks, sort_by) == expected, state
        middle = table_page(table, index, masks, sort_by, 7)
        assert middle.rows == expected[7 * TABLE_PAGE_SIZE:8 * TABLE_PAGE_SIZE]


def test_the_page_number_is_clamped(synth):
    _, _, index, table = synth
    masks = visible_masks(index, ViewState())
    first, last = table_page(table, index, masks, None, 0), None
    last = table_page(table, index, masks, None, first.page_count - 1)
    assert last.page == first.page_count - 1 and last.rows != first.rows
    for page, clamped in ((-1, first), (-10**9, first), (first.page_count, last), (10**9, last),
                          (None, first), ("3", first), (2.0, first), (True, first)):
        assert table_page(table, index, masks, None, page) == clamped, page


def test_an_empty_view_has_one_empty_page(synth):
    _, _, index, table = synth
    masks = visible_masks(index, ViewState(start=dt.date(1900, 1, 1), end=dt.date(1900, 12, 31)))
    for page in (0, 3, -1):
        assert table_page(table, index, masks, [{"column_id": "actor", "direction": "asc"}], page) == \
            table_page(table, index, masks, None, 0)
    empty = table_page(table, index, masks, None, 0)
    assert (empty.rows, empty.page, empty.page_count, empty.total) == ([], 0, 1, 0)


@pytest.mark.parametrize("junk", [
    [{"column_id": "nope", "direction": "asc"}],
    [{"column_id": "actor", "direction": "sideways"}],
    [{"column_id": "actor", "direction": "ASC"}],
    [{"column_id": "actor"}],
    [{"direction": "asc"}],
    [{"column_id": ["actor"], "direction": "asc"}],
    [{"column_id": "actor", "direction": None}],
    [{}], [None], ["actor"], [["actor", "asc"]], [1, 2.5],
    "actor", 5, {"column_id": "actor", "direction": "asc"}, True,
])
def test_junk_sort_by_gives_the_default_order(synth, junk):
    _, _, index, table = synth
    masks = visible_masks(index, ViewState())
    for page in (0, 3):
        assert table_page(table, index, masks, junk, page) == table_page(table, index, masks, None, page)


def test_junk_entries_are_skipped_and_the_valid_ones_kept(synth):
    _, _, index, table = synth
    masks = visible_masks(index, ViewState())
    valid = [{"column_id": "organisation", "direction": "asc"}, {"column_id": "events", "direction": "desc"}]
    mixed = [None, {"column_id": "nope", "direction": "asc"}, valid[0], {"column_id": "actor", "direction": "up"},
             valid[1], {"column_id": "organisation", "direction": "desc"}]  # a column named again counts once
    assert table_page(table, index, masks, mixed, 2) == table_page(table, index, masks, valid, 2)
    assert table_page(table, index, masks, valid, 2) != table_page(table, index, masks, None, 2)


@pytest.mark.parametrize("case", ["india", "synth"])
def test_the_first_page_without_the_whole_table_is_the_same_page(case, request):
    """A large dataset's first page comes from the actors that can be on it (ties at the cut included)."""
    from viz.render.table import first_page

    data, _, index, table = request.getfixturevalue(case)
    for state in (ViewState(), ViewState(countries=False), ViewState(event_kinds=("visit",))):
        masks = visible_masks(index, state)
        page = table_page(table, index, masks, None, 0)
        assert first_page(data, index, masks) == page, state
    # ties at the page's last place are broken by name, then id: every tied actor must have been a candidate
    rows = [r for p in range(2) for r in table_page(table, index, visible_masks(index, ViewState()), None, p).rows]
    assert any(a["degree"] == b["degree"] for a, b in itertools.pairwise(rows))


def test_derived_data_is_kept_with_the_layout(tmp_path):
    from viz.network.positions import cached_ints

    calls = []

    def compute():
        calls.append(1)
        return [3, 1, 2]

    assert cached_ints("abc", "communities", compute, cache_dir=tmp_path) == [3, 1, 2]
    assert cached_ints("abc", "communities", compute, cache_dir=tmp_path) == [3, 1, 2] and len(calls) == 1
    (next(tmp_path.glob("abc-communities-*"))).write_text("not json")  # a damaged entry is recomputed
    assert cached_ints("abc", "communities", compute, cache_dir=tmp_path) == [3, 1, 2] and len(calls) == 2
    assert cached_ints(None, "communities", compute, cache_dir=tmp_path) == [3, 1, 2] and len(calls) == 3
