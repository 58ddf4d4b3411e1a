"""The "actors in view" table, served one sorted page at a time from arrays.

The page's table (:mod:`viz.render.table_view`) is paged and sorted on the server, so the
browser only ever holds one page, whatever the dataset's size. :func:`actor_table` prepares each actor's
fixed columns once per dataset (with the same :func:`viz.network.explore.actor_row`
as the networkx path) and ranks its text columns, so a request only counts what the
view shows (:class:`viz.network.graph_index.Masks`), sorts integer arrays with
``numpy.lexsort`` and builds the rows of one page.

Rows are those of :func:`viz.network.explore.table_rows`: ``id``, ``actor``, ``kind``,
``organisation``, ``degree`` (relations shown, country links aside) and ``events``
(events shown involving the actor). The default order is theirs too: most relations
first, then by name, then by id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from viz.network.explore import actor_row
from viz.network.graph_index import GraphIndex, Masks, shown_degree
from viz.record.load import Dataset

#: rows per page
TABLE_PAGE_SIZE = 25
#: the columns the page shows: (row key, heading)
TABLE_COLUMNS = [("actor", "Actor"), ("kind", "Kind"), ("organisation", "Organisation"),
                 ("degree", "Relations"), ("events", "Events")]
#: columns of :func:`actor_row` that hold text: fixed per dataset, ranked once
TEXT_COLUMNS = ("id", "actor", "kind", "organisation")
#: columns of :func:`actor_row` that count what a view shows: computed per request
COUNT_COLUMNS = ("degree", "events")
_DIRECTIONS = {"asc": 1, "desc": -1}


@dataclasses.dataclass(frozen=True, eq=False)
class ActorTable:
    """Every actor node of a :class:`GraphIndex` with its fixed columns, built once per dataset.

    Entry ``i`` is node ``node[i]`` of the index; ``text[column][i]`` its value in a text column and
    ``rank[column][i]`` that value's place in the column's order (case-insensitive, then exact), so
    sorting by text is sorting integers.
    """

    node: np.ndarray  # index into GraphIndex.nodes, ascending
    text: Mapping[str, tuple[str, ...]]
    rank: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.node)


@dataclasses.dataclass(frozen=True)
class TablePage:
    """One page of the table: its rows, which page it is (0-based, after clamping), how many pages
    there are (at least 1) and how many actors the view shows in all."""

    rows: list[dict]
    page: int
    page_count: int
    total: int


def _ranks(values: Sequence[str]) -> np.ndarray:
    """Each value's place when sorted case-insensitively, then exactly (equal values share a place)."""
    if not values:
        return np.zeros(0, dtype=np.int32)
    folded = np.unique(np.array([v.casefold() for v in values]), return_inverse=True)[1].ravel()
    exact = np.unique(np.array(values), return_inverse=True)[1].ravel()
    order = np.lexsort((exact, folded))  # by the folded value, then the exact one
    step = np.r_[True, (np.diff(folded[order]) != 0) | (np.diff(exact[order]) != 0)]
    rank = np.empty(len(values), dtype=np.int32)
    rank[order] = np.cumsum(step) - 1  # dense: equal values share a place
    return rank


def actor_table(dataset: Dataset, index: GraphIndex, among: np.ndarray | None = None) -> ActorTable:
    """The fixed columns and text ranks of every actor in ``index`` (agreements and other nodes left out),
    or of those ``among`` some node indices."""
    nodes, rows = [], []
    for i in (range(len(index.nodes)) if among is None else np.sort(among).tolist()):
        row = actor_row(dataset, index.nodes[i], 0, 0)  # the counts are the view's, filled in per page
        if row is not None:
            nodes.append(i)
            rows.append(row)
    text = {column: tuple(row[column] for row in rows) for column in TEXT_COLUMNS}
    return ActorTable(node=np.array(nodes, dtype=np.int64), text=text,
                      rank={column: _ranks(values) for column, values in text.items()})


def _sort_keys(sort_by: object) -> list[tuple[str, int]]:
    """(column, +1 ascending / -1 descending) from a ``sort_by`` list (``[{"column_id", "direction"}]``),
    most significant first.

    It comes from the browser: anything not a known column with "asc" or "desc" is skipped, and a
    column named twice counts once (its first mention).
    """
    keys: dict[str, int] = {}
    for spec in sort_by if isinstance(sort_by, list | tuple) else ():
        if not isinstance(spec, Mapping):
            continue
        column, direction = spec.get("column_id"), spec.get("direction")
        if (isinstance(column, str) and column in (*TEXT_COLUMNS, *COUNT_COLUMNS)
                and isinstance(direction, str) and direction in _DIRECTIONS):
            keys.setdefault(column, _DIRECTIONS[direction])
    return list(keys.items())


def _page_number(page: object, page_count: int) -> int:
    """``page`` clamped to the pages there are; anything not a whole number is the first page."""
    if isinstance(page, bool) or not isinstance(page, int | np.integer):
        return 0
    return min(max(int(page), 0), page_count - 1)


def table_page(table: ActorTable, index: GraphIndex, masks: Masks, sort_by: list[dict] | None,
               page: int) -> TablePage:
    """Page ``page`` of the actors ``masks`` shows, sorted by ``sort_by`` (``[{"column_id", "direction"}]``,
    or None/[] for the default order: most relations first); ties are always broken by name, then id, so pages
    neither overlap nor skip a row."""
    shown = np.flatnonzero(masks.nodes[table.node])  # entries of the table
    counts = {"degree": shown_degree(index, masks),
              "events": np.asarray(index.event_actors[masks.events].sum(axis=0)).ravel()}
    keys = [*(_sort_keys(sort_by) or [("degree", -1)]), ("actor", 1), ("id", 1)]  # id is unique: a total order
    columns = []
    for column, direction in keys:
        values = (table.rank[column][shown] if column in table.rank
                  else counts[column][table.node[shown]]).astype(np.int64)
        columns.append(values * direction)
    order = shown[np.lexsort(columns[::-1])]  # lexsort: the last key is the primary one
    page_count = max(1, -(-len(shown) // TABLE_PAGE_SIZE))
    page = _page_number(page, page_count)
    rows = []
    for entry in order[page * TABLE_PAGE_SIZE:(page + 1) * TABLE_PAGE_SIZE].tolist():
        node = int(table.node[entry])
        rows.append({**{column: table.text[column][entry] for column in TEXT_COLUMNS},
                     "degree": int(counts["degree"][node]), "events": int(counts["events"][node])})
    return TablePage(rows=rows, page=page, page_count=page_count, total=len(shown))


def first_page(dataset: Dataset, index: GraphIndex, masks: Masks) -> TablePage:
    """The default order's first page, from the actors that can be on it (the most relations): the same
    page as :func:`table_page` on the whole table, without building it (a large dataset's first page)."""
    degree = shown_degree(index, masks)
    actors = np.flatnonzero(masks.nodes & np.fromiter((n in dataset.actor_by_id for n in index.nodes), dtype=bool,
                                                      count=len(index.nodes)))
    candidates = actors
    if len(actors) > TABLE_PAGE_SIZE:  # ties at the page's last degree all come: names decide among them
        cut = np.partition(degree[actors], -TABLE_PAGE_SIZE)[-TABLE_PAGE_SIZE]
        candidates = actors[degree[actors] >= cut]
    page = table_page(actor_table(dataset, index, among=candidates), index, masks, None, 0)
    return dataclasses.replace(page, page_count=max(1, -(-len(actors) // TABLE_PAGE_SIZE)), total=len(actors))
