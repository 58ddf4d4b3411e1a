"""Node positions for the network, computed once per dataset so filters never move nodes."""

from __future__ import annotations

import networkx as nx


def node_positions(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """A deterministic force-directed layout of every node in ``graph``.

    Connected nodes get a seeded spring layout in the unit square; nodes with
    no relations are set in a row beneath it, so they do not push the rest
    into a corner.

    >>> pos = node_positions(nx.path_graph(3))
    >>> sorted(pos) == [0, 1, 2]
    True
    """
    undirected = nx.Graph(graph.to_undirected(as_view=True))
    isolated = sorted(nx.isolates(undirected), key=str)
    undirected.remove_nodes_from(isolated)
    positions: dict = {}
    if undirected.number_of_nodes():
        k = 1.6 / undirected.number_of_nodes() ** 0.5
        raw = nx.spring_layout(undirected, seed=seed, k=k, center=(0.5, 0.5), scale=0.5)
        positions = {node: (float(x), float(y)) for node, (x, y) in raw.items()}
    for index, node in enumerate(isolated):
        positions[node] = ((index + 0.5) / len(isolated), -0.15)
    return positions
