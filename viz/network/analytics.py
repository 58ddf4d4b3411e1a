"""Network analytics over the (filtered) relationship graph: centrality, brokers,
communities and the shortest paths between two actors, with the events behind each hop.

All measures treat relations as undirected and count a related pair once,
whatever the number of relations between them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from itertools import islice, pairwise

import networkx as nx

from viz.network.graph import CONTEXT_RELATIONS


def simple_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph of related pairs (the basis of every measure here).

    Context relations (an actor's country) are left out: being Indian links a person to
    a thousand others, and would make every country the broker of everything.
    """
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v, relation in graph.edges(data="relation")
                          if u != v and relation not in CONTEXT_RELATIONS)
    return simple


#: above this many nodes, betweenness is estimated from a seeded sample of source nodes
EXACT_BETWEENNESS_MAX_NODES = 1500
BETWEENNESS_SAMPLE = 300


def centrality(graph: nx.MultiDiGraph) -> dict[str, dict[str, float]]:
    """Degree, betweenness and eigenvector centrality of every node.

    Betweenness is exact up to ``EXACT_BETWEENNESS_MAX_NODES`` nodes and estimated
    from ``BETWEENNESS_SAMPLE`` seeded sample nodes above that (exact costs O(nm)).

    >>> centrality(nx.MultiDiGraph([("a", "b"), ("b", "c")]))["b"]["betweenness"]
    1.0
    """
    simple = simple_graph(graph)
    if simple.number_of_nodes() == 0:
        return {}
    degree = nx.degree_centrality(simple)
    sample = BETWEENNESS_SAMPLE if simple.number_of_nodes() > EXACT_BETWEENNESS_MAX_NODES else None
    betweenness = nx.betweenness_centrality(simple, k=sample, normalized=True, seed=7)
    eigenvector = {n: 0.0 for n in simple}
    # Eigenvector centrality is defined per connected component; compute it on each and
    # scale by component size so a pair of nodes does not outrank the main network.
    for component in nx.connected_components(simple):
        if len(component) < 3:
            continue
        sub = simple.subgraph(component)
        try:
            values = nx.eigenvector_centrality_numpy(sub)
        except (nx.NetworkXException, ValueError):
            continue
        share = len(component) / simple.number_of_nodes()
        eigenvector.update({n: abs(v) * share for n, v in values.items()})
    return {n: {"degree": degree[n], "betweenness": betweenness[n], "eigenvector": eigenvector[n]}
            for n in simple}


def brokers(graph: nx.MultiDiGraph, limit: int = 10) -> list[tuple[str, float]]:
    """Actors (not agreements) with the highest betweenness: those who connect otherwise distant parts."""
    scores = centrality(graph)
    ranked = sorted(((n, s["betweenness"]) for n, s in scores.items()
                     if graph.nodes[n].get("node_type") == "actor" and s["betweenness"] > 0),
                    key=lambda item: (-item[1], item[0]))
    return ranked[:limit]


def communities(graph: nx.MultiDiGraph, seed: int = 7) -> list[set[str]]:
    """Louvain communities (largest first); deterministic for a given seed."""
    simple = simple_graph(graph)
    if simple.number_of_edges() == 0:
        return [{n} for n in simple]
    found = nx.community.louvain_communities(simple, seed=seed)
    return sorted(found, key=lambda c: (-len(c), min(c)))


@dataclasses.dataclass(frozen=True)
class Hop:
    """One step of a path and every relation that makes it."""

    source: str
    target: str
    relations: tuple[dict, ...]  # edge attributes: relation, event/agreement, date, sources


def shortest_paths(graph: nx.MultiDiGraph, source: str, target: str, limit: int = 5, *,
                   simple: nx.Graph | None = None,
                   shown: Callable[[str, str, str], bool] | None = None) -> list[list[Hop]]:
    """Up to ``limit`` shortest paths between two nodes, each hop with the relations behind it.

    ``simple`` is the graph to search (default: :func:`simple_graph` of ``graph``), and ``shown``
    which of ``graph``'s relations (``u, v, key``) a hop may list: a large view passes both, built
    from arrays, rather than copying a subgraph of ``graph``.
    Returns [] when either node is missing or they are not connected.
    """
    simple = simple_graph(graph) if simple is None else simple
    if source not in simple or target not in simple or source == target:
        return []
    try:
        paths = list(islice(nx.all_shortest_paths(simple, source, target), limit))
    except nx.NetworkXNoPath:
        return []
    result = []
    for path in paths:
        hops = []
        for u, v in pairwise(path):
            relations = [d for a, b in ((u, v), (v, u)) for key, d in graph.get_edge_data(a, b, default={}).items()
                         if d.get("relation") not in CONTEXT_RELATIONS and (shown is None or shown(a, b, key))]
            hops.append(Hop(u, v, tuple(sorted(relations, key=lambda d: d.get("date") or ""))))
        result.append(hops)
    return result
