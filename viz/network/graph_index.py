"""The graph as numpy arrays, for views of large datasets.

:func:`viz.network.explore.visible_graph` walks networkx edges one by one: exact and
clear, but about a second per filter at 200k relations. :class:`GraphIndex`
holds the same graph as flat arrays (edge ends, first and last possible day,
event, time bucket), built once per dataset, so :func:`visible_masks` answers
the same question with vectorised numpy in milliseconds. The two agree exactly;
the tests compare them state by state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import networkx as nx
import numpy as np
from scipy import sparse

from viz.network.graph import CONTEXT_RELATIONS
from viz.network.state import ViewState
from viz.network.timeline import event_actor_ids
from viz.record.labels import event_lane
from viz.record.load import Dataset
from viz.record.model import SIGNED_STATUSES, partial_date_bounds

_UNDATED = -1

#: how a relation's line is drawn: cooperation, a link to an agreement not (yet) signed, an actor's country
LINE_STYLES = ("plain", "tentative", "context")
_SIGNED = frozenset(s.value for s in SIGNED_STATUSES)

#: ((first year, last year) or None when undated, event kind or "", line style)
Bucket = tuple[tuple[int, int] | None, str, str]


@dataclasses.dataclass(frozen=True, eq=False)
class GraphIndex:
    """Nodes, relations and events of one dataset as parallel arrays.

    Relations are sorted by bucket and then by source node, so each bucket is
    one contiguous slice (``bucket_start[b]:bucket_start[b + 1]``). A bucket is
    the years of a relation's first and last possible day (None: undated),
    the kind of the event behind it ("" for roles and agreements) and its line
    style (:data:`LINE_STYLES`), so a year-aligned window or an event-kind filter
    keeps or drops whole buckets, and each bucket is drawn in one style.
    """

    nodes: tuple[str, ...]
    node_index: Mapping[str, int]
    xy: np.ndarray  # (nodes, 2) float32 positions
    node_kind: np.ndarray  # index into kinds
    node_type: np.ndarray  # index into types, -1 for none (a dataset's own organisation types)
    types: tuple[str, ...]
    kinds: tuple[str, ...]
    labels: tuple[str, ...]
    degree: np.ndarray  # relations per node in the whole graph
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_keys: tuple[tuple[str, str, str], ...]
    edge_first: np.ndarray  # first possible day (date ordinal), -1 when undated
    edge_last: np.ndarray
    edge_event: np.ndarray  # index into events, -1 when the relation has no event
    edge_context: np.ndarray  # True for context relations (an actor's country): timeless, not a step
    edge_bucket: np.ndarray
    buckets: tuple[Bucket, ...]
    bucket_start: np.ndarray
    events: tuple[str, ...]  # dataset order
    event_first: np.ndarray
    event_last: np.ndarray
    event_kind: np.ndarray  # index into event_kinds
    event_kinds: tuple[str, ...]
    event_topics: tuple[frozenset[str], ...]
    event_actors: sparse.csr_matrix  # events x nodes, 1 where the event involves the actor

    @property
    def edge_count(self) -> int:
        return len(self.edge_u)


def _day_bounds(date: str | None, end: str | None) -> tuple[int, int]:
    if not date:
        return _UNDATED, _UNDATED
    return partial_date_bounds(date)[0].toordinal(), partial_date_bounds(end or date)[1].toordinal()


def index_graph(graph: nx.MultiDiGraph, dataset: Dataset, positions: Mapping[str, tuple[float, float]]) -> GraphIndex:
    """Build the arrays for ``graph`` (from :func:`viz.network.graph.build_graph`) at fixed ``positions``."""
    nodes = tuple(graph.nodes)
    node_index = {n: i for i, n in enumerate(nodes)}
    kinds = tuple(sorted({a["kind"] for _, a in graph.nodes(data=True)}))
    kind_code = {k: i for i, k in enumerate(kinds)}
    types = tuple(sorted({t for _, t in graph.nodes(data="type") if t}))
    events = tuple(e.id for e in dataset.events)
    event_index = {e: i for i, e in enumerate(events)}
    spans: dict[tuple[str | None, str | None], int] = {}  # distinct (date, end): a few thousand
    unsigned = {n for n, status in graph.nodes(data="status") if status and status not in _SIGNED}
    us, vs, span_ids, edge_events, keys, contexts, styles = [], [], [], [], [], [], []
    for u, targets in graph.adjacency():  # the same order as graph.edges(), without its view overhead
        source = node_index[u]
        for v, multi in targets.items():
            target = node_index[v]
            for key, attrs in multi.items():
                us.append(source)
                vs.append(target)
                span_ids.append(spans.setdefault((attrs.get("date"), attrs.get("end")), len(spans)))
                edge_events.append(event_index.get(attrs.get("event"), -1))
                keys.append((u, v, key))
                contexts.append(attrs.get("relation") in CONTEXT_RELATIONS)
                styles.append(2 if contexts[-1] else 1 if u in unsigned or v in unsigned else 0)
    span_bounds = np.array([_day_bounds(*span) for span in spans] or [(0, 0)], dtype=np.int32).reshape(-1, 2)
    span_years = np.array([(dt.date.fromordinal(f).year, dt.date.fromordinal(la).year) if f != _UNDATED else (-1, -1)
                           for f, la in span_bounds.tolist()], dtype=np.int32).reshape(-1, 2)
    span_id = np.array(span_ids, dtype=np.int64)
    edge_event = np.array(edge_events, dtype=np.int32)
    kind_names = sorted({event_lane(e) for e in dataset.events} | {""})
    event_kind_code = np.array([kind_names.index(event_lane(e)) for e in dataset.events] + [kind_names.index("")],
                               dtype=np.int32)  # the last entry is for relations without an event (index -1)
    first_year, last_year = span_years[span_id, 0], span_years[span_id, 1]
    undated = first_year < 0
    # bucket key: dated ones first by years, undated last; then the event kind, then the line style
    packed = ((undated.astype(np.int64) << 52) | ((first_year.astype(np.int64) + 1) << 34)
              | ((last_year.astype(np.int64) + 1) << 14) | (event_kind_code[edge_event].astype(np.int64) << 2)
              | np.array(styles, dtype=np.int64).reshape(-1))  # one sortable integer
    unique_keys, edge_bucket = np.unique(packed, return_inverse=True)
    edge_bucket = edge_bucket.ravel().astype(np.int32)
    buckets = tuple(((None if key >> 52 else (((key >> 34) & 0x3FFFF) - 1, ((key >> 14) & 0xFFFFF) - 1)),
                     kind_names[(key >> 2) & 0xFFF], LINE_STYLES[key & 3]) for key in unique_keys.tolist())
    edge_u_all, edge_v_all = np.array(us, dtype=np.int32), np.array(vs, dtype=np.int32)
    order = np.lexsort((edge_v_all, edge_u_all, edge_bucket))
    edge_bucket = edge_bucket[order]
    event_first, event_last = [], []
    for e in dataset.events:
        bounds = e.date.bounds()
        event_first.append(bounds[0].toordinal() if bounds else _UNDATED)
        event_last.append(bounds[1].toordinal() if bounds else _UNDATED)
    event_kinds = tuple(sorted({event_lane(e) for e in dataset.events}))
    rows, cols = [], []
    for i, event in enumerate(dataset.events):
        for actor in event_actor_ids(dataset, event):
            if actor in node_index:
                rows.append(i)
                cols.append(node_index[actor])
    involvement = sparse.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)),
                                    shape=(len(events), len(nodes)))
    edge_u, edge_v = edge_u_all[order], edge_v_all[order]
    attrs = dict(graph.nodes(data=True))  # one lookup per node below, not a view's per access
    type_code = {t: i for i, t in enumerate(types)}
    return GraphIndex(
        nodes=nodes, node_index=node_index,
        xy=np.array([positions[n] for n in nodes], dtype=np.float32).reshape(-1, 2),
        node_kind=np.array([kind_code[attrs[n]["kind"]] for n in nodes], dtype=np.int8),
        node_type=np.array([type_code[attrs[n]["type"]] if attrs[n].get("type") else -1
                            for n in nodes], dtype=np.int16),
        types=types,
        kinds=kinds, labels=tuple(str(attrs[n]["label"]) for n in nodes),
        degree=np.bincount(np.concatenate([edge_u, edge_v]), minlength=len(nodes)),
        edge_u=edge_u, edge_v=edge_v, edge_keys=tuple(keys[i] for i in order.tolist()),
        edge_first=span_bounds[span_id[order], 0], edge_last=span_bounds[span_id[order], 1],
        edge_event=edge_event[order], edge_context=np.array(contexts, dtype=bool).reshape(-1)[order],
        edge_bucket=edge_bucket, buckets=buckets,
        bucket_start=np.searchsorted(edge_bucket, np.arange(len(buckets) + 1)).astype(np.int64),
        events=events, event_first=np.array(event_first, dtype=np.int32),
        event_last=np.array(event_last, dtype=np.int32),
        event_kind=np.array([event_kinds.index(event_lane(e)) for e in dataset.events], dtype=np.int8),
        event_kinds=event_kinds, event_topics=tuple(frozenset(e.topics) for e in dataset.events),
        event_actors=involvement,
    )


@dataclasses.dataclass(frozen=True, eq=False)
class Masks:
    """What a state shows: boolean arrays over the index's nodes, relations and events."""

    nodes: np.ndarray
    edges: np.ndarray
    events: np.ndarray


def _in_window(first: np.ndarray, last: np.ndarray, state: ViewState) -> np.ndarray:
    keep = first != _UNDATED  # an undated fact cannot be placed in a window
    if state.start:
        keep &= last >= state.start.toordinal()
    if state.end:
        keep &= first <= state.end.toordinal()
    return keep


def _event_mask(index: GraphIndex, state: ViewState, *, orgs: bool) -> np.ndarray:
    keep = np.ones(len(index.events), dtype=bool)
    if state.event_kinds:
        codes = [index.event_kinds.index(k) for k in state.event_kinds if k in index.event_kinds]
        keep &= np.isin(index.event_kind, codes)
    if state.topics:
        wanted = set(state.topics)
        keep &= np.fromiter((bool(wanted & t) for t in index.event_topics), dtype=bool, count=len(index.events))
    if state.start or state.end:
        keep &= _in_window(index.event_first, index.event_last, state)
    centres = [index.node_index[n] for n in (*state.orgs, *state.focus) if n in index.node_index]
    if orgs and (state.orgs or state.focus):
        involved = np.zeros(len(index.events), dtype=bool)
        if centres:
            involved = np.asarray(index.event_actors[:, centres].sum(axis=1)).ravel() > 0
        keep &= involved
    return keep


def _neighbourhood(index: GraphIndex, edges: np.ndarray, centres: list[int], hops: int) -> np.ndarray:
    """Nodes within ``hops`` of ``centres`` over the given relations, ignoring direction."""
    n = len(index.nodes)
    u, v = index.edge_u[edges], index.edge_v[edges]
    adjacency = sparse.csr_matrix((np.ones(2 * len(u), dtype=np.int8), (np.concatenate([u, v]),
                                                                          np.concatenate([v, u]))), shape=(n, n))
    related = np.zeros(n, dtype=bool)
    related[u] = related[v] = True
    seen = np.zeros(n, dtype=bool)
    frontier = np.array([c for c in centres if related[c]], dtype=np.int64)
    seen[frontier] = True
    for _ in range(max(hops, 0)):
        if not len(frontier):
            break
        reached = np.unique(adjacency[frontier].indices)
        frontier = reached[~seen[reached]]
        seen[frontier] = True
    return seen


def visible_masks(index: GraphIndex, state: ViewState) -> Masks:
    """The same nodes, relations and events as :func:`viz.network.explore.visible_graph` and
    :func:`viz.network.explore.visible_events` show for ``state``, as boolean masks."""
    events = _event_mask(index, state, orgs=True)
    if not state.has_filters:
        return Masks(np.ones(len(index.nodes), dtype=bool), np.ones(index.edge_count, dtype=bool), events)
    kind_ok = np.ones(len(index.nodes), dtype=bool)
    if state.actor_kinds:
        kind_ok = np.isin(index.node_kind, [index.kinds.index(k) for k in state.actor_kinds if k in index.kinds])
        kind_ok |= np.isin(index.node_type, [index.types.index(k) for k in state.actor_kinds if k in index.types])
    both_kinds_ok = kind_ok[index.edge_u] & kind_ok[index.edge_v]
    edges = both_kinds_ok & ~index.edge_context
    if state.event_kinds or state.topics:
        matching = _event_mask(index, state, orgs=False)
        edges &= (index.edge_event >= 0) & matching[np.maximum(index.edge_event, 0)]
    if state.start or state.end:
        edges &= _in_window(index.edge_first, index.edge_last, state)
    centres = [index.node_index[n] for n in (*state.orgs, *state.focus) if n in index.node_index and kind_ok[
        index.node_index[n]]]
    if centres:
        keep = _neighbourhood(index, edges, centres, state.hops)
    else:
        keep = np.zeros(len(index.nodes), dtype=bool)
        keep[index.edge_u[edges]] = True
        keep[index.edge_v[edges]] = True
    keep[centres] = True
    if state.countries:
        edges |= both_kinds_ok & index.edge_context
    edges &= keep[index.edge_u] & keep[index.edge_v]
    return Masks(keep, edges, events)


def shown_degree(index: GraphIndex, masks: Masks) -> np.ndarray:
    """Shown relations per node, country links aside (every node of the index; 0 for the hidden ones)."""
    edges = masks.edges & ~index.edge_context
    ends = np.concatenate([index.edge_u[edges], index.edge_v[edges]])
    return np.bincount(ends, minlength=len(index.nodes))
