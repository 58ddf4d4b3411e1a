"""The "actors in view" table as a plain HTML table: sortable by its header buttons, each actor a button.

A native table is what keyboards and screen readers know: Tab moves from button to button and
leaves the table after its last one, Enter sorts or selects, ``aria-sort`` says the order. One
page of :func:`viz.render.table.table_page` at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from dash import html

from viz.render.table import TABLE_COLUMNS, TABLE_PAGE_SIZE, TablePage

#: columns that hold counts: right-aligned, sorted most first on their first click
COUNT_COLUMNS = ("degree", "events")
_ARIA = {"asc": "ascending", "desc": "descending"}


def sort_after_click(sort_by: Sequence[dict] | None, column: str) -> list[dict]:
    """The order after a click on ``column``'s heading: that column first, turned round if it was
    already first (counts start with the most, text from A)."""
    current = next((s for s in sort_by or () if isinstance(s, dict) and s.get("column_id") == column), None)
    first = bool(sort_by) and current is sort_by[0]
    if first and current is not None:
        direction = "asc" if current.get("direction") == "desc" else "desc"
    else:
        direction = "desc" if column in COUNT_COLUMNS else "asc"
    return [{"column_id": column, "direction": direction}]


def _order_text(sort_by: Sequence[dict] | None) -> str:
    if not sort_by:
        return "most relations first"
    spec = sort_by[0]
    heading = dict(TABLE_COLUMNS).get(spec.get("column_id"), "?").lower()
    if spec.get("column_id") in COUNT_COLUMNS:
        return f"{heading}, {'most' if spec.get('direction') == 'desc' else 'fewest'} first"
    return f"{heading}, {'A to Z' if spec.get('direction') == 'asc' else 'Z to A'}"


def _heading(key: str, name: str, sort_by: Sequence[dict] | None) -> html.Th:
    spec = (sort_by or [{"column_id": "degree", "direction": "desc"}])[0]
    sorted_here = spec.get("column_id") == key
    arrow = (" \u25bc" if spec.get("direction") == "desc" else " \u25b2") if sorted_here else ""
    return html.Th(html.Button([name, html.Span(arrow, **{"aria-hidden": "true"})],
                               id={"type": "table-sort", "column": key}, n_clicks=0,
                               title=f"Sort by {name.lower()}", className="viz-sort"),
                   scope="col", className="viz-count" if key in COUNT_COLUMNS else None,
                   **({"aria-sort": _ARIA[spec["direction"]]} if sorted_here and spec.get("direction") in _ARIA
                      else {}))


def actor_table_view(page: TablePage, sort_by: Sequence[dict] | None) -> list:
    """The table of one page and the pager under it (Previous / page n of m / Next)."""
    first = page.page * TABLE_PAGE_SIZE + 1 if page.rows else 0
    caption = (f"Actors in view: {first}–{first + len(page.rows) - 1} of {page.total:,}, sorted by "
               f"{_order_text(sort_by)}" if page.rows else "No actors in this view")
    rows = [html.Tr([
        html.Th(html.Button(row["actor"], id={"type": "table-actor", "node": row["id"]}, n_clicks=0,
                            className="viz-link-button", title="Open this actor's record"), scope="row"),
        html.Td(row["kind"]), html.Td(row["organisation"]),
        html.Td(row["degree"], className="viz-count"), html.Td(row["events"], className="viz-count"),
    ]) for row in page.rows]
    return [
        html.Table(className="viz-actor-table", children=[
            html.Caption(caption),
            html.Thead(html.Tr([_heading(key, name, sort_by) for key, name in TABLE_COLUMNS])),
            html.Tbody(rows),
        ]),
        html.Div(className="viz-pager", children=[
            html.Button("\u2190 Previous", id={"type": "table-page", "step": -1}, n_clicks=0,
                        disabled=page.page == 0),
            html.Span(f"page {page.page + 1} of {page.page_count}"),
            html.Button("Next \u2192", id={"type": "table-page", "step": 1}, n_clicks=0,
                        disabled=page.page >= page.page_count - 1),
        ]),
    ]
