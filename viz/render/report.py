"""Whole-view export: network, timeline, legends, filters and the sources cited, as one
report-ready image (PNG, SVG or PDF) rendered on the server by kaleido and Chromium.

Sizes are CSS pixels, 96 to the inch: what a PNG shows at 100 % and what kaleido's PDF maps a
pixel to. A point is 1/72 inch, so 11 pt = 14.7 px, and the smallest text of a report is
:data:`TEXT_PX` = 15 px (11.25 pt) at any export size. Plotly never wraps text, so the report
lays itself out in pixels and wraps titles and the numbered source list itself
(:mod:`viz.render.text_fit`): every URL is given in full, over as many lines as it needs. What
does not fit under the charts is counted in the list's heading, never cut off mid-entry.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import warnings
from pathlib import Path

import plotly.graph_objects as go

from viz.network.state import ViewState
from viz.render.details import source_label
from viz.render.export_size import MAX_SIZE, MIN_SIZE
from viz.render.figures.common import esc
from viz.render.filenames import view_file_stem
from viz.render.text_fit import text_width, wrap
from viz.render.view import ViewContext, build_view

FORMATS = ("png", "svg", "pdf")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser")
_server_lock = threading.Lock()
_server_started = False

#: CSS pixels per point (96 px and 72 pt to the inch)
PX_PER_PT = 96 / 72
MIN_TEXT_PT = 11
#: the smallest text of a report: 15 px = 11.25 pt
TEXT_PX = math.ceil(MIN_TEXT_PT * PX_PER_PT)
HEADING_PX, TITLE_PX = 18, 24
#: plotly's line height, in font sizes
LINE = 1.3
#: Arial and its metric twins, whose widths viz.render.text_fit knows: wrapped lines fit wherever one is installed
REPORT_FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"
MARGIN = 40
#: source list columns are at least this wide (px), this far apart
COLUMN_MIN, GUTTER = 600, 28
LANE_PX, UNDATED_PX = 40, 110
#: the network keeps at least this share of the page's height; the sources list what fits below the timeline
NETWORK_SHARE = 0.42


@dataclasses.dataclass(frozen=True)
class Report:
    content: bytes
    filename: str
    media_type: str


class ExportError(RuntimeError):
    """The image could not be rendered (for example, no Chromium is installed)."""


def _axis_style(axis) -> dict:
    # Keep how an axis looks, not where it sat in its own figure.
    return {k: v for k, v in axis.to_plotly_json().items() if k not in ("domain", "anchor", "matches", "overlaying")}


@dataclasses.dataclass(frozen=True)
class _Page:
    """The plotting area of a report, ``width`` x ``height`` px: places text by pixel from its top left."""

    fig: go.Figure
    width: float
    height: float

    def x(self, px: float) -> float:
        return px / self.width

    def y(self, px: float) -> float:
        return 1 - px / self.height

    def text(self, lines: list[str], x: float, y: float, size: int, bold: bool = False) -> float:
        """Lines of text (escaped here) with their top left at (x, y) px; returns the height they take."""
        shown = [f"<b>{esc(line)}</b>" if bold else esc(line) for line in lines]
        self.fig.add_annotation(text="<br>".join(shown), xref="paper", yref="paper", x=self.x(x), y=self.y(y),
                                xanchor="left", yanchor="top", align="left", showarrow=False, borderpad=0,
                                font={"size": size, "color": "#222"})
        return len(lines) * size * LINE

    def heading_height(self, text: str, names: tuple[str, ...]) -> float:
        """How tall a chart's heading row is with a legend of ``names`` beside it (more rows when it wraps)."""
        rows = _legend_rows(names, self.width - text_width(text, HEADING_PX, bold=True) - 24) if names else 0
        return max(HEADING_PX * LINE, rows * (TEXT_PX * LINE + 8)) + 6

    def heading(self, text: str, y: float, legend: str, names: tuple[str, ...]) -> float:
        """A chart's heading at ``y`` with its legend on the same row, right-aligned; returns the row's height."""
        self.text([text], 0, y, HEADING_PX, bold=True)
        self.fig.update_layout({legend: {
            "orientation": "h", "x": 1, "xanchor": "right", "y": self.y(y), "yanchor": "top",
            "font": {"size": TEXT_PX}, "itemsizing": "constant", "bgcolor": "rgba(0,0,0,0)", "borderwidth": 0}})
        return self.heading_height(text, names)


def _legend_rows(names: tuple[str, ...], room: float) -> int:
    """How many rows plotly's horizontal legend takes: each item is its symbol (~46 px) and its name."""
    rows, used = 1, 0.0
    for name in names:
        item = 46 + text_width(name, TEXT_PX)
        if used and used + item > room:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _fill(entries: list[list[str]], columns: int, per: int) -> tuple[list[list[str]], int]:
    """Entries (their lines) in order into ``columns`` columns of at most ``per`` lines; how many fit."""
    filled: list[list[str]] = [[] for _ in range(columns)]
    column = shown = 0
    for lines in entries:
        while column < columns and len(filled[column]) + len(lines) > per:
            column += 1
        if column == columns:
            break
        filled[column] += lines
        shown += 1
    return filled, shown


def _pack(entries: list[list[str]], columns: int, room: int) -> tuple[list[list[str]], int]:
    """Every entry in the fewest lines per column, or as many whole entries as ``room`` lines a column hold."""
    total = sum(map(len, entries))
    for per in range(max(1, math.ceil(total / columns)), room + 1):
        filled, shown = _fill(entries, columns, per)
        if shown == len(entries):
            return filled, shown
    return _fill(entries, columns, max(room, 0))


def _domain(low: float, high: float) -> list[float]:
    """An axis domain inside the page, however small the page is."""
    high = min(max(high, 0.02), 1.0)
    return [min(max(low, 0.0), high - 0.01), high]


def _legend_names(fig: go.Figure) -> tuple[str, ...]:
    return tuple(t.name for t in fig.data if t.name and t.showlegend is not False and t.visible is not False)


def _cited(context: ViewContext, sources: tuple[str, ...], column_width: float) -> list[list[str]]:
    """The numbered source list, each entry wrapped to a column: ``[3] IANS, 4 Nov 2025 — https://…``, URL in full."""
    dataset = context.dataset
    return [wrap(f"[{i}] {source_label(dataset, s)} — {dataset.source_by_id[s].url or 'no URL'}", column_width,
                 TEXT_PX) for i, s in enumerate(sources, 1)]


def _sources_heading(cited: int, shown: int, width: float) -> list[str]:
    more = f" (the first {shown} listed here; the data export lists every one)" if shown < cited else ""
    return wrap(f"Sources cited in this view: {cited}{more}", width, HEADING_PX, bold=True)


def report_figure(context: ViewContext, state: ViewState, width: int, height: int) -> go.Figure:
    """One figure holding the view's network, timeline, legends, filters and cited sources (all text >= 11 pt)."""
    view = build_view(context, state)
    net, tl = view.network, view.timeline
    scope = state.describe(context.names) or "all actors and events"
    page_width = width - 2 * MARGIN
    # the scope may come from a shared URL: escaped like the dataset's own text (by _Page.text)
    title = wrap(context.dataset.meta.title, page_width, TITLE_PX, bold=True)
    subtitle = wrap(f"{scope} · {view.summary}", page_width, TEXT_PX)
    top = 20 + len(title) * TITLE_PX * LINE + len(subtitle) * TEXT_PX * LINE + 16
    fig = go.Figure()
    page = _Page(fig, page_width, height - top - MARGIN / 2)
    page.text(title, 0, 20 - top, TITLE_PX, bold=True)
    page.text(subtitle, 0, 20 - top + len(title) * TITLE_PX * LINE, TEXT_PX)
    # copies: an unfiltered view's figures are the context's base figures, which the app keeps patching
    for trace in net.data:
        fig.add_trace({**trace.to_plotly_json(), "legend": "legend"})
    for trace in tl.data:  # dated events on x2/y2, the undated column on x3/y3
        column = "3" if trace.xaxis == "x2" else "2"
        fig.add_trace({**trace.to_plotly_json(), "xaxis": f"x{column}", "yaxis": f"y{column}", "legend": "legend2"})
    for trace in fig.data:  # network labels and session numbers: the report's smallest text size too
        if trace.mode and "text" in trace.mode:
            trace.textfont.size = TEXT_PX

    # from the top: network heading and legend, network, timeline heading and legend, timeline, sources
    network_top = page.heading("Network", 0, "legend", _legend_names(net))
    timeline_row = page.heading_height("Timeline", _legend_names(tl))
    lanes = list(tl.layout.yaxis.categoryarray or ())
    # lanes 40 px apart, closer on a small page (a marker and its label need ~22 px)
    timeline_height = max(len(lanes), 1) * min(LANE_PX, max(22, page.height * 0.3 / max(len(lanes), 1)))
    ticks = 2 * TEXT_PX * LINE + 20  # date labels, then the undated column's title
    columns = max(1, min(4, int((page_width + GUTTER) // (COLUMN_MIN + GUTTER))))
    column_width = (page_width - (columns - 1) * GUTTER) / columns
    entries = _cited(context, view.sources_cited, column_width)
    heading_lines = len(_sources_heading(len(entries), 0, page_width))  # the longer heading, if some do not fit
    fixed = network_top + 20 + timeline_row + timeline_height + ticks + (heading_lines * HEADING_PX + 6) * LINE
    room = page.height - fixed - NETWORK_SHARE * page.height
    filled, shown = _pack(entries, columns, int(room // (TEXT_PX * LINE)))
    heading = _sources_heading(len(entries), shown, page_width)
    sources_height = max(map(len, filled), default=0) * TEXT_PX * LINE
    network_height = max(page.height - fixed - sources_height, 0.2 * page.height)  # a tiny page overflows below

    y = network_top + network_height + 20
    timeline_top = y + page.heading("Timeline", y, "legend2", _legend_names(tl))
    sources_top = timeline_top + timeline_height + ticks
    page.text(heading, 0, sources_top, HEADING_PX, bold=True)
    for column, lines in enumerate(filled):
        if lines:
            page.text(lines, column * (column_width + GUTTER), sources_top + len(heading) * HEADING_PX * LINE + 6,
                      TEXT_PX)

    labels = max((text_width(str(lane), TEXT_PX) for lane in lanes), default=0) + 14
    dated_end = 1 - page.x(UNDATED_PX + 12)
    network_rows = _domain(page.y(network_top + network_height), page.y(network_top))
    timeline_rows = _domain(page.y(timeline_top + timeline_height), page.y(timeline_top))
    text = {"automargin": False, "tickfont": {"size": TEXT_PX}}
    fig.update_layout(
        xaxis={**_axis_style(net.layout.xaxis), "domain": [0, 1], "anchor": "y", **text},
        yaxis={**_axis_style(net.layout.yaxis), "domain": network_rows, "anchor": "x", **text},
        xaxis2={**_axis_style(tl.layout.xaxis), "domain": [min(page.x(labels), dated_end - 0.1), dated_end],
                "anchor": "y2", **text},
        yaxis2={**_axis_style(tl.layout.yaxis), "domain": timeline_rows, "anchor": "x2", **text},
        xaxis3={**_axis_style(tl.layout.xaxis2), "domain": [1 - page.x(UNDATED_PX), 1], "anchor": "y3", **text,
                "title": {"text": "undated", "font": {"size": TEXT_PX}, "standoff": 6}},
        yaxis3={**_axis_style(tl.layout.yaxis), "domain": timeline_rows, "anchor": "x3", "matches": "y2",
                "showticklabels": False, **text},
        width=width, height=height, paper_bgcolor="white", plot_bgcolor="white", showlegend=True,
        font={"family": REPORT_FONT, "size": TEXT_PX, "color": "#222"},
        margin={"l": MARGIN, "r": MARGIN, "t": top, "b": MARGIN / 2, "autoexpand": False},
    )
    return fig


def _start_renderer() -> None:
    """Start one kaleido browser for the process (about 2 s, then ~0.2 s per export)."""
    global _server_started
    with _server_lock:
        if _server_started:
            return
        if "BROWSER_PATH" not in os.environ:
            found = next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)
            if found is None:
                raise ExportError("server-side export needs Chromium: install Debian's 'chromium' package "
                                  "or set BROWSER_PATH")
            os.environ["BROWSER_PATH"] = found
        import kaleido

        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _server_started = True


def render_figure(fig: go.Figure, fmt: str, width: int, height: int, scale: float = 1) -> bytes:
    """Render a figure with kaleido at exactly ``width`` x ``height`` (times ``scale``)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    _start_renderer()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        try:
            return fig.to_image(format=fmt, width=width, height=height, scale=scale)
        except Exception as exc:  # kaleido reports browser problems as assorted exceptions
            raise ExportError(f"rendering failed: {exc}") from exc


def render_view_report(context: ViewContext, state: ViewState, fmt: str = "png",
                       width: int = 1600, height: int = 1800, scale: float = 1) -> Report:
    """The current view as a report-ready image file."""
    width, height = min(max(width, MIN_SIZE), MAX_SIZE), min(max(height, MIN_SIZE), MAX_SIZE)
    fig = report_figure(context, state, width, height)
    content = render_figure(fig, fmt, width, height, scale)
    filename = f"{view_file_stem(context.dataset.meta.id, state, context.year_range, 'view')}.{fmt}"
    media = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}[fmt]
    return Report(content, filename, media)
