"""Node positions for the network, computed once per dataset so filters never move nodes."""

from __future__ import annotations

import math

import networkx as nx

#: above this many connected nodes, Kamada–Kawai (O(n^2) memory) gives way to a spring layout
KAMADA_KAWAI_MAX_NODES = 500


def node_positions(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """A deterministic layout of every node in ``graph``, in roughly the unit square.

    Connected nodes get Kamada–Kawai (small graphs) or a seeded spring layout;
    nodes with no relations are set in rows beneath, so they neither clutter nor
    push the rest into a corner.

    >>> pos = node_positions(nx.path_graph(3))
    >>> sorted(pos) == [0, 1, 2]
    True
    """
    undirected = nx.Graph(graph.to_undirected(as_view=True))
    isolated = sorted(nx.isolates(undirected), key=str)
    undirected.remove_nodes_from(isolated)
    positions: dict = {}
    count = undirected.number_of_nodes()
    if count:
        if count <= KAMADA_KAWAI_MAX_NODES:
            start = nx.spring_layout(undirected, seed=seed)
            raw = nx.kamada_kawai_layout(undirected, pos=start, center=(0.5, 0.5), scale=0.5)
        else:
            raw = nx.spring_layout(undirected, seed=seed, k=1.6 / count**0.5, center=(0.5, 0.5), scale=0.5)
        positions = {node: (float(x), float(y)) for node, (x, y) in raw.items()}
    per_row = max(6, math.ceil(math.sqrt(len(isolated) * 4)))
    for index, node in enumerate(isolated):
        row, column = divmod(index, per_row)
        positions[node] = ((column + 0.5) / per_row, -0.12 - 0.08 * row)
    return positions
