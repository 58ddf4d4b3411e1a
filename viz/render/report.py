"""Whole-view export: network, timeline, legend, filters and the sources cited, as one
report-ready image (PNG, SVG or PDF) rendered on the server by kaleido and Chromium."""

from __future__ import annotations

import dataclasses
import os
import re
import textwrap
import threading
import warnings
from pathlib import Path

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz.network.state import ViewState
from viz.render.details import source_label
from viz.render.export_size import MAX_SIZE, MIN_SIZE
from viz.render.figures.common import esc
from viz.render.view import ViewContext, build_view

FORMATS = ("png", "svg", "pdf")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser")
_server_lock = threading.Lock()
_server_started = False


@dataclasses.dataclass(frozen=True)
class Report:
    content: bytes
    filename: str
    media_type: str


class ExportError(RuntimeError):
    """The image could not be rendered (for example, no Chromium is installed)."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _axis_style(axis) -> dict:
    # Keep how an axis looks, not where it sat in its own figure.
    return {k: v for k, v in axis.to_plotly_json().items() if k not in ("domain", "anchor", "matches", "overlaying")}


def report_figure(context: ViewContext, state: ViewState, width: int, height: int) -> go.Figure:
    """One figure holding the view's network, timeline, legend, filters and cited sources."""
    view = build_view(context, state)
    meta = context.dataset.meta
    scope = state.describe(context.names) or "all actors and events"
    cited = [f"[{i}] {source_label(context.dataset, s)} — {context.dataset.source_by_id[s].url or ''}"
             for i, s in enumerate(view.sources_cited, 1)]
    fig = make_subplots(rows=3, cols=2, column_widths=[0.91, 0.09], row_heights=[0.56, 0.26, 0.18],
                        specs=[[{"colspan": 2}, None], [{}, {}], [{"colspan": 2}, None]],
                        horizontal_spacing=0.01, vertical_spacing=0.05,
                        subplot_titles=("Network", "Timeline", "", ""))
    for trace in view.network.data:
        fig.add_trace(trace, row=1, col=1)
    for trace in view.timeline.data:
        column = 2 if trace.xaxis == "x2" else 1
        fig.add_trace(trace.update(xaxis=None, yaxis=None), row=2, col=column)
    net, tl = view.network.layout, view.timeline.layout
    fig.update_xaxes(_axis_style(net.xaxis), row=1, col=1)
    fig.update_yaxes(_axis_style(net.yaxis), row=1, col=1)
    fig.update_xaxes(_axis_style(tl.xaxis), row=2, col=1)
    fig.update_xaxes(_axis_style(tl.xaxis2), row=2, col=2)
    for column in (1, 2):
        fig.update_yaxes({**_axis_style(tl.yaxis), "showticklabels": column == 1}, row=2, col=column)
    fig.update_xaxes(visible=False, row=3, col=1)
    fig.update_yaxes(visible=False, row=3, col=1)
    # Sources in three columns under the charts; what does not fit is counted, never dropped silently.
    lines_per_column = max(3, int(height * 0.16 / 13))
    shown = cited[: lines_per_column * 3]
    for column in range(3):
        chunk = shown[column * lines_per_column:(column + 1) * lines_per_column]
        if chunk:
            fig.add_annotation(
                # shortened before escaping, so an entity is never cut in half
                text="<br>".join(esc(textwrap.shorten(line, 95, placeholder="…")) for line in chunk),
                xref="paper", yref="paper", x=column / 3, y=0.17, xanchor="left", yanchor="top",
                align="left", showarrow=False, font={"size": 9, "color": "#333"})
    more = f" (+{len(cited) - len(shown)} more: export the sources with the data)" if len(cited) > len(shown) else ""
    fig.add_annotation(text=f"<b>Sources cited in this view: {len(cited)}</b>{more}", xref="paper", yref="paper",
                       x=0, y=0.19, xanchor="left", yanchor="bottom", showarrow=False, font={"size": 11})
    fig.update_layout(
        # the scope may come from a shared URL: escaped like the dataset's own text
        title={"text": f"{esc(meta.title)}<br><sup>{esc(scope)} · {esc(view.summary)}</sup>", "x": 0.01, "y": 0.985,
               "yanchor": "top"},
        width=width, height=height, paper_bgcolor="white", plot_bgcolor="white",
        font=net.font, margin={"l": 30, "r": 30, "t": 110, "b": 20},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.025, "yanchor": "bottom"},
        showlegend=True,
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
    scope = _slug(state.describe(context.names))
    filename = f"{context.dataset.meta.id}-view{'-' + scope if scope else ''}.{fmt}"
    media = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}[fmt]
    return Report(content, filename, media)
