"""Hover texts and hover points of the network: who, what, when and the sources, for every size.

Texts are made on first use and kept, so a large dataset pays only for the nodes and relations
its views draw one by one, and a small one for its base figure, once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from viz.network.graph import RELATIONS
from viz.network.graph_index import GraphIndex
from viz.record.model import SIGNED_STATUSES
from viz.render.figures.common import NODE_STYLE, brief_sources, esc

SIGNED_STATUS_VALUES = frozenset(s.value for s in SIGNED_STATUSES)
#: a pair's hover lists this many of its relations, then says how many more
PAIR_HOVER_RELATIONS = 5
#: where along a line its hover point may sit, best first
_ALONG = np.array([0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8])


@dataclasses.dataclass(frozen=True, eq=False)
class PairPoints:
    """Hover points of related pairs: where, which pair, the hover, and the relations behind each
    point (``edges[starts[k]:starts[k + 1]]``), so a view can tell which points it keeps."""

    xy: np.ndarray
    refs: list[str]
    texts: list[str]
    edges: np.ndarray
    starts: np.ndarray

    def kept(self, edges: np.ndarray) -> np.ndarray:
        """Per point: does the relation mask ``edges`` keep any of its relations?"""
        if not len(self.starts):
            return np.zeros(0, dtype=bool)
        return np.logical_or.reduceat(edges[self.edges], self.starts)


class NetworkHovers:
    """Hover texts of one dataset's nodes and relations, and clear points for relation hovers."""

    def __init__(self, graph: nx.MultiDiGraph, index: GraphIndex, sources: Mapping[str, str]) -> None:
        self.graph, self.index, self.sources = graph, index, sources
        self._nodes: list[str | None] = [None] * len(index.nodes)
        self._relations: list[str | None] = [None] * index.edge_count
        self._tree: cKDTree | None = None

    def node(self, i: int) -> str:
        """The hover of node ``i``: name, kind, other names, country, roles, relations, sources."""
        text = self._nodes[i]
        if text is None:
            text = self._nodes[i] = node_hover(self.graph, self.index.nodes[i], self.sources)
        return text

    def nodes(self, members: np.ndarray) -> list[str]:
        return [self.node(i) for i in members.tolist()]

    def relation(self, e: int) -> str:
        """Three hover lines for relation ``e``: who did what with whom, its context and date, its sources."""
        text = self._relations[e]
        if text is None:
            u, v, key = self.index.edge_keys[e]
            data = self.graph.edges[u, v, key]
            verb = RELATIONS.get(data["relation"], data["relation"])
            who = f"{esc(self.graph.nodes[u]['label'])} {verb} {esc(self.graph.nodes[v]['label'])}"
            text = self._relations[e] = "<br>".join((
                f"<b>{who}</b>", f"{esc(data.get('context') or '')} ({esc(data.get('date_label') or 'undated')})",
                brief_sources(data.get("sources", []), self.sources, limit=2)))
        return text

    def pair_points(self, edges: np.ndarray, seen: dict[tuple[int, int], int] | None = None) -> PairPoints:
        """One hover point per related pair among relations ``edges``: its place (a point along the line
        clear of nodes), its ``pair:<id>|<id>`` reference and its hover (up to
        :data:`PAIR_HOVER_RELATIONS` relations). ``seen`` counts the pairs placed by earlier calls,
        so a pair drawn again (in another time bucket) gets the next clear point, not the same one.
        """
        index = self.index
        keep = edges[index.edge_u[edges] != index.edge_v[edges]]
        low = np.minimum(index.edge_u[keep], index.edge_v[keep])
        high = np.maximum(index.edge_u[keep], index.edge_v[keep])
        order = np.lexsort((keep, high, low))
        keep, low, high = keep[order], low[order], high[order]
        if len(keep):
            starts = np.flatnonzero(np.r_[True, (low[1:] != low[:-1]) | (high[1:] != high[:-1])])
        else:
            starts = np.empty(0, dtype=np.int64)
        ends = np.r_[starts[1:], len(keep)] if len(starts) else starts
        pairs = np.stack([low[starts], high[starts]], axis=1) if len(starts) else np.empty((0, 2), dtype=np.int64)
        texts = []
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            lines = [self.relation(r) for r in keep[s:min(e, s + PAIR_HOVER_RELATIONS)].tolist()]
            if e - s > PAIR_HOVER_RELATIONS:
                lines.append(f"+{e - s - PAIR_HOVER_RELATIONS} more relations")
            lines.append("<i>click for details</i>")
            texts.append("<br>".join(lines))
        refs = ["pair:{}|{}".format(*sorted((index.nodes[a], index.nodes[b]))) for a, b in pairs.tolist()]
        rank = None
        if seen is not None:
            keys = [tuple(p) for p in pairs.tolist()]
            rank = np.array([seen.get(k, 0) for k in keys], dtype=np.int64)
            seen.update((k, r + 1) for k, r in zip(keys, rank.tolist(), strict=True))
        return PairPoints(self.clear_points(pairs, rank), refs, texts, keep, starts)

    def clear_points(self, pairs: np.ndarray, rank: np.ndarray | None = None) -> np.ndarray:
        """A point on each pair's line, as far from every node as the candidates allow (a midpoint on a
        node would steal its hover and clicks); ``rank`` picks the next-best candidate instead, for a
        pair drawn more than once."""
        if not len(pairs):
            return np.empty((0, 2), dtype=np.float32)
        if self._tree is None:
            self._tree = cKDTree(self.index.xy)
        starts, ends = self.index.xy[pairs[:, 0]], self.index.xy[pairs[:, 1]]
        candidates = starts[:, None, :] + (ends - starts)[:, None, :] * _ALONG[None, :, None]
        distance, _ = self._tree.query(candidates.reshape(-1, 2))
        distance = distance.reshape(len(pairs), len(_ALONG))
        # prefer the middle unless it is crowded: candidates within 70% of the best clearance, in order
        good = distance >= 0.7 * distance.max(axis=1, keepdims=True)
        preference = np.argsort(~good, axis=1, kind="stable")
        pick = preference[np.arange(len(pairs)), (rank if rank is not None else 0) % len(_ALONG)]
        return candidates[np.arange(len(pairs)), pick].astype(np.float32)


def node_hover(graph: nx.MultiDiGraph, node: str, sources: Mapping[str, str]) -> str:
    """A node's hover: name, kind (and an agreement's status), other names, country, roles, relations, sources."""
    attrs = graph.nodes[node]
    kind = attrs.get("agreement_kind", "agreement") if attrs["kind"] == "agreement" else NODE_STYLE.get(
        attrs["kind"], NODE_STYLE["group"])[2]
    if attrs.get("status") and attrs["status"] not in SIGNED_STATUS_VALUES:
        kind += f" ({attrs['status'].replace('_', ' ')}, not signed)"
    lines = [f"<b>{esc(attrs['label'])}</b>", esc(attrs.get("type_label") or kind)]
    if attrs.get("other_names"):
        lines.append(f"also called: {esc('; '.join(attrs['other_names']))}")
    if attrs.get("country"):
        lines.append(f"country: {esc(attrs['country'])}")
    lines += [f"role: {esc(role)}" for role in attrs.get("roles", [])[:4]]
    degree = graph.degree(node)
    lines.append(f"{degree} relation{'s' if degree != 1 else ''}")
    lines.append(brief_sources(attrs.get("sources", []), sources))
    lines.append("<i>click for details</i>")
    return "<br>".join(lines)
