"""Level of detail for a large network: communities drawn as sized nodes with weighted links.

Fifty thousand markers and two hundred thousand lines in a 600-pixel square are one
grey disc, and take software WebGL seconds to draw. A dataset of more than
:data:`DETAIL_MAX_NODES` nodes is drawn as its communities instead (Leiden on modularity,
seeded, found once per dataset in about 0.5 s at 50k actors): one marker per community on its best-connected member, its
area proportional to the members shown, and links between communities in three widths
by how many relations join them. Zooming in, filtering or selecting draws individual
nodes once the view holds few enough (see :func:`viz.render.figures.network_patch.level_of_detail`).
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np

from viz.network.graph_index import GraphIndex
from viz.render.figures.common import esc

#: a dataset with more nodes than this is drawn as communities until zoomed in or filtered
DETAIL_MAX_NODES = 5000
#: links between communities drawn at most (the heaviest), so a patch stays small
MAX_LINKS = 1200
#: link widths (px) and colours, lightest first; a link's class is its weight's tercile
LINK_STYLES = ((1.0, "rgba(90,90,90,0.25)"), (2.0, "rgba(70,70,70,0.45)"), (4.0, "rgba(50,50,50,0.6)"))
COMMUNITY_COLOUR = "#3d6fa8"
#: marker diameters (px) of the smallest and the largest community
MIN_SIZE, MAX_SIZE = 7.0, 56.0
TOP_MEMBERS = 4


@dataclasses.dataclass(frozen=True, eq=False)
class Communities:
    """Each node's community, and each community's centre, size, names and hover."""

    member: np.ndarray  # community of each node (int32)
    xy: np.ndarray  # (communities, 2) float32: where each is drawn (its best-connected member)
    size: np.ndarray  # members of each community
    names: tuple[str, ...]  # best-connected member, for labels
    hovers: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.size)


def _structural_pairs(index: GraphIndex) -> np.ndarray:
    # context relations (an actor's country) would make every country a community spread over the whole layout
    keep = (index.edge_u != index.edge_v) & ~index.edge_context
    return np.unique(np.stack([np.minimum(index.edge_u[keep], index.edge_v[keep]),
                               np.maximum(index.edge_u[keep], index.edge_v[keep])], axis=1), axis=0)


def leiden_membership(index: GraphIndex, seed: int = 7) -> np.ndarray:
    """Leiden (modularity) community of each node of the whole graph (directions, repeats and country
    links ignored), seeded: the slow part of :func:`find_communities`, worth keeping with the layout."""
    import igraph

    graph = igraph.Graph(n=len(index.nodes))
    pairs = _structural_pairs(index)
    graph.add_edges(pairs)  # (an array: 40x faster than a list of pairs at 200k relations)
    # igraph draws from Python's random module unless told otherwise: a seeded generator keeps it stable
    igraph.set_random_number_generator(random.Random(seed))
    try:  # Leiden on modularity: the same kind of communities as Louvain, in a third of the time
        return np.asarray(graph.community_leiden(objective_function="modularity", n_iterations=2).membership,
                          dtype=np.int64)
    finally:
        igraph.set_random_number_generator(random)


def find_communities(index: GraphIndex, seed: int = 7, membership: np.ndarray | None = None) -> Communities:
    """Leiden (modularity) communities of the whole graph (see :func:`leiden_membership`, or its kept
    ``membership``), numbered by size, each drawn on its best-connected member.

    Nodes without relations form one community of their own (they sit in rows beneath the rest).
    """
    n = len(index.nodes)
    pairs = _structural_pairs(index)
    found = np.array(membership if membership is not None else leiden_membership(index, seed), dtype=np.int64)
    # an actor whose only relation is its country joins its country's community (not one of its own)
    structural = np.zeros(n, dtype=bool)
    structural[pairs.ravel()] = True
    no_loop = index.edge_u != index.edge_v
    linked = index.edge_context & no_loop
    for actor, country in ((index.edge_u[linked], index.edge_v[linked]), (index.edge_v[linked], index.edge_u[linked])):
        lone = ~structural[actor] & (index.node_kind[country] == _kind_code(index, "country"))
        found[actor[lone]] = found[country[lone]]
    related = np.zeros(n, dtype=bool)
    related[index.edge_u[no_loop]] = related[index.edge_v[no_loop]] = True
    found[~related] = found.max(initial=0) + 1  # one community for every node without relations
    # number communities by size, largest first (stable, so the numbering is reproducible)
    _, compact, size = np.unique(found, return_inverse=True, return_counts=True)
    order = np.argsort(-size, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    member = rank[compact.ravel()].astype(np.int32)
    size = np.bincount(member)
    by_degree = np.lexsort((np.arange(n), -index.degree, member))  # per community, best connected first
    starts = np.searchsorted(member[by_degree], np.arange(len(size)))
    # a community's marker stands on its best-connected member: members may be spread over the whole
    # layout (positions come from the whole graph), and their mean would put every marker in the middle
    xy = index.xy[by_degree[starts]]
    names, hovers = [], []
    for c, start in enumerate(starts.tolist()):
        top = [index.labels[i] for i in by_degree[start:start + min(TOP_MEMBERS, int(size[c]))].tolist()]
        what = "actors without relations" if not related[by_degree[start]] else "community"
        names.append(top[0])
        hovers.append(f"<b>{what} of {int(size[c]):,} actors and agreements</b>, around {esc(top[0])}<br>"
                      f"best connected: {esc('; '.join(top))}{' …' if size[c] > len(top) else ''}<br>"
                      "<i>click to zoom in</i>")
    return Communities(member, xy.astype(np.float32), size, tuple(names), tuple(hovers))


def _kind_code(index: GraphIndex, kind: str) -> int:
    return index.kinds.index(kind) if kind in index.kinds else -1


def marker_sizes(communities: Communities, shown: np.ndarray) -> np.ndarray:
    """Marker diameters for the members ``shown`` (a node mask): area by count, 0 for none shown."""
    counts = np.bincount(communities.member[shown], minlength=communities.count)
    scale = np.sqrt(counts / max(int(communities.size.max()), 1))
    return np.where(counts > 0, MIN_SIZE + (MAX_SIZE - MIN_SIZE) * scale, 0).astype(np.float32)


def weighted_links(index: GraphIndex, communities: Communities,
                   edges: np.ndarray | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Community pairs joined by the given relations (None: all), heaviest :data:`MAX_LINKS`,
    split into one (a, b) pair array per :data:`LINK_STYLES` class by weight."""
    u, v = index.edge_u, index.edge_v
    if edges is not None:
        u, v = u[edges], v[edges]
    a, b = communities.member[u].astype(np.int64), communities.member[v].astype(np.int64)
    between = a != b
    key = np.minimum(a, b)[between] * communities.count + np.maximum(a, b)[between]
    pairs, weight = np.unique(key, return_counts=True)
    heaviest = np.argsort(-weight, kind="stable")[:MAX_LINKS]
    pairs, weight = pairs[heaviest], weight[heaviest]
    if not len(weight):
        return [(np.empty(0, np.int64), np.empty(0, np.int64)) for _ in LINK_STYLES]
    bounds = np.quantile(weight, [1 / 3, 2 / 3])
    classes = np.searchsorted(bounds, weight, side="right")
    return [(pairs[classes == k] // communities.count, pairs[classes == k] % communities.count)
            for k in range(len(LINK_STYLES))]


def community_frame(index: GraphIndex, communities: Communities, community: int) -> np.ndarray:
    """Positions framing a community's core for a click that zooms to it: its marker (its
    best-connected member) and the quarter of its members nearest to it."""
    members = index.xy[communities.member == community]
    centre = communities.xy[community]
    distance = np.hypot(*(members - centre).T)
    near = members[distance <= max(float(np.quantile(distance, 0.25)), 0.02)]
    return np.concatenate([near, [centre - 0.02, centre + 0.02]])
