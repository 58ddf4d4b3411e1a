"""What the app shows for a given state: pure functions over a prepared context, one engine for every size."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import networkx as nx
import plotly.graph_objects as go
from dash import Patch

from viz.network.graph import build_graph
from viz.network.graph_index import visible_masks
from viz.network.positions import node_positions
from viz.network.state import ViewState, state_to_query
from viz.record.labels import lane_labels
from viz.record.load import Dataset, load_dataset
from viz.record.progress import Step, no_progress
from viz.render.details import source_labels
from viz.render.engine import Figures, build_figures, cited_sources, view_analysis, view_figures
from viz.render.figures.network import SVG_MAX_NODES
from viz.render.filenames import view_file_stem
from viz.render.table import TablePage

__all__ = ["View", "ViewContext", "build_view", "prepare_context", "view_analysis"]


@dataclasses.dataclass(frozen=True)
class ViewContext:
    """A loaded dataset with its graph, fixed node positions and source labels."""

    dataset: Dataset
    graph: nx.MultiDiGraph
    positions: dict[str, tuple[float, float]]
    sources: dict[str, str]
    cache_key: str | None = None  # the dataset's content hash: derived data is cached under it (layout, communities)

    @cached_property
    def year_range(self) -> tuple[int, int]:
        """First and last year any dated event or relation falls in."""
        years = [int(d[:4]) for _, _, d in self.graph.edges(data="date") if d]
        years += [int(e.date.start[:4]) for e in self.dataset.events if e.date.start]
        years += [int(e.date.end[:4]) for e in self.dataset.events if e.date.end]
        return (min(years), max(years)) if years else (2000, 2000)

    @cached_property
    def names(self) -> dict[str, str]:
        """Display names by id: nodes, and timeline lanes (``series:<id>`` -> its lane label)."""
        return {**lane_labels(self.dataset), **{n: a["label"] for n, a in self.graph.nodes(data=True)}}

    @cached_property
    def large(self) -> bool:
        """Large datasets are drawn with WebGL and their actor lists searched on the server."""
        return self.graph.number_of_nodes() > SVG_MAX_NODES

    @cached_property
    def figures(self) -> Figures:
        """The base figures, arrays and table every view patches (see :mod:`viz.render.engine`)."""
        return build_figures(self)

    @cached_property
    def outcome_events(self) -> dict[str, list[int]]:
        """Agreement id -> positions of the events it came out of."""
        found: dict[str, list[int]] = {}
        for i, event in enumerate(self.dataset.events):
            for agreement in event.outcomes:
                found.setdefault(agreement, []).append(i)
        return found


@dataclasses.dataclass(frozen=True)
class View:
    """What the page shows. Built with ``patch=True`` the figures are ``dash.Patch`` objects
    against the base figures of the page."""

    network: go.Figure | Patch
    timeline: go.Figure | Patch
    table: TablePage
    summary: str
    query: str
    cited: Callable[[], tuple[str, ...]]
    note: str | None = None  # a large dataset drawn without WebGL: how its figures are simplified
    files: dict[str, str] = dataclasses.field(default_factory=dict)  # chart -> file name (no extension) of its PNG

    @cached_property
    def sources_cited(self) -> tuple[str, ...]:
        """Every source behind the events and relations shown (computed on first use)."""
        return self.cited()


def dataset_hash(folder: str | Path) -> str:
    """Content hash of a dataset folder's files (the layout cache key)."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).iterdir()):
        if path.suffix in (".yaml", ".json", ".csv") and path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def prepare_context(data_dir: str | Path, *, large: bool | None = None, step: Step = no_progress) -> ViewContext:
    """Load and validate a dataset, build its graph, lay it out and draw its base figures (raises DatasetError).

    The layout is cached on disk by the dataset's content hash. ``large`` forces WebGL drawing
    and server-side actor search (tests; by default: above SVG_MAX_NODES nodes). ``step`` is told
    each step as it begins (the command line's progress bar).
    """
    dataset = load_dataset(data_dir, step)
    step("building the graph")
    graph = build_graph(dataset)
    key = dataset_hash(data_dir)
    step(f"laying out {graph.number_of_nodes():,} nodes")
    positions = node_positions(graph, cache_key=key)
    context = ViewContext(dataset, graph, positions, source_labels(dataset), key)
    if large is not None:
        context.__dict__["large"] = large
    step("drawing the base figures")
    _ = context.figures  # built now, so the first page does not wait for it
    return context


def build_view(context: ViewContext, state: ViewState | None = None, *, patch: bool = False,
               webgl: bool = True, sort_by: list[dict] | None = None) -> View:
    """What the page shows for ``state``: both charts, the table's first page (in ``sort_by``
    order), the summary and the URL (the details have their own request: viz.render.details).

    With ``patch`` the figures come as ``dash.Patch`` objects of the base figures; else whole figures
    (the base with the changes made, for exports and reports). Without ``webgl`` (the browser has
    none) a large dataset's figures are whole SVG figures, and ``note`` says how they are simplified.
    """
    state = state or ViewState()
    figures = context.figures
    index = figures.index
    masks = visible_masks(index, state)
    network, timeline, note = view_figures(context, state, masks, patch=patch, webgl=webgl)
    summary = (f"{int(masks.nodes.sum())} of {len(index.nodes)} actors and agreements, "
               f"{int(masks.events.sum())} of {len(index.events)} events")
    return View(network=network, timeline=timeline,
                table=figures.table_page(masks, sort_by, 0, plain=not state.has_filters),
                summary=summary, query=state_to_query(state), cited=lambda: cited_sources(context, masks), note=note,
                files={what: view_file_stem(context.dataset.meta.id, state, context.year_range, what)
                       for what in ("network", "timeline")})
