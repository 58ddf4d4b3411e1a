"""Node positions for the network, computed once per dataset so filters never move nodes.

Small graphs get Kamada–Kawai (networkx); large ones igraph's Fruchterman–Reingold,
which is about 100x faster at 10k nodes. Positions can be cached on disk under a
key (the dataset's content hash), so a restart does not lay the graph out again.
The cache is a :class:`viz.record.storage.FolderStore` with a quota (least recently used
layouts go first): ``$VIZ_LAYOUT_CACHE_BYTES`` and ``$VIZ_LAYOUT_CACHE_FILES``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx
import numpy as np

from viz.record.storage import FolderStore, StorageError, private_folder, quota_from_env

#: above this many connected nodes, Kamada–Kawai (O(n^2) memory) gives way to igraph
KAMADA_KAWAI_MAX_NODES = 500
LAYOUT_VERSION = 6  # bump when the algorithm changes, so old caches are not reused
#: layout cache quota defaults (a 50k-node layout is a few MB)
LAYOUT_CACHE_BYTES = 256 * 1024 * 1024
LAYOUT_CACHE_FILES = 1000


def layout_store(cache_dir: Path | None = None) -> FolderStore:
    """The layout cache in ``cache_dir``, else ``$VIZ_CACHE_DIR``, else ``~/.cache/viz/layouts``.

    The default folder is created private (0700) and refused (StorageError) if it is not.
    """
    if cache_dir is None:
        configured = os.environ.get("VIZ_CACHE_DIR")
        cache_dir = Path(configured) if configured else private_folder(Path.home() / ".cache" / "viz" / "layouts")
    quota = quota_from_env("VIZ_LAYOUT_CACHE_BYTES", "VIZ_LAYOUT_CACHE_FILES", LAYOUT_CACHE_BYTES, LAYOUT_CACHE_FILES)
    return FolderStore(cache_dir, quota, pattern=r"[\w.-]+-v\d+\.json")


def cached_ints(cache_key: str | None, what: str, compute: Callable[[], Sequence[int]],
                cache_dir: Path | None = None) -> list[int]:
    """``compute()``, kept in the layout cache beside the dataset's positions (by its content hash):
    derived data as slow to recompute as a layout (e.g. its communities), read back on later starts."""
    store, name = None, f"{cache_key}-{what}-v{LAYOUT_VERSION}.json"
    if cache_key:
        with contextlib.suppress(StorageError):  # no cache is slower, not wrong
            store = layout_store(cache_dir)
    cache = store.open(name) if store is not None else None
    if cache is not None:
        with contextlib.suppress(OSError, ValueError):  # a damaged entry is recomputed, never trusted
            stored = json.loads(cache.read_text())
            if isinstance(stored, list) and all(isinstance(v, int) for v in stored):
                return stored
    values = [int(v) for v in compute()]
    if store is not None:
        with contextlib.suppress(OSError, ValueError):
            store.put_file(name, json.dumps(values).encode())
    return values


def _layout_connected(graph: nx.Graph, seed: int) -> dict:
    count = graph.number_of_nodes()
    if count <= KAMADA_KAWAI_MAX_NODES:
        start = nx.spring_layout(graph, seed=seed)
        return nx.kamada_kawai_layout(graph, pos=start, center=(0.5, 0.5), scale=0.5)
    import igraph

    nodes = list(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    layout = igraph.Graph(n=count, edges=[(index[u], index[v]) for u, v in graph.edges()])
    # igraph draws from Python's random module unless told otherwise: give it its own seeded generator.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        # (Passing starting positions as `seed=` makes igraph 50x slower here; the seeded RNG suffices.)
        # 500 iterations (igraph's default) up to 20k nodes; the grid variant settles sooner on bigger graphs
        coords = layout.layout_fruchterman_reingold(grid=count > 1000, niter=500 if count <= 20_000 else 300).coords
    finally:
        igraph.set_random_number_generator(random)
    xy = np.asarray(coords, dtype=float)
    low = xy.min(axis=0)
    span = float((xy.max(axis=0) - low).max()) or 1.0
    xy = (xy - low) / span
    return dict(zip(nodes, map(tuple, xy.tolist()), strict=True))


#: positions are snapped to a grid this fine (a 4096th of the layout's width: a sixth of a pixel on a
#: 600-pixel chart), so their float32 forms end in zero bits and the coordinates patches send compress
GRID = 4096


def _snapped(value: float) -> float:
    return round(value * GRID) / GRID


def node_positions(graph: nx.Graph, seed: int = 7, cache_key: str | None = None,
                   cache_dir: Path | None = None) -> dict[str, tuple[float, float]]:
    """A deterministic layout of every node in ``graph``, in roughly the unit square.

    Nodes with no relations are set in rows beneath, so they neither clutter nor
    push the rest into a corner. With ``cache_key``, positions are read from and
    written to ``cache_dir`` (default: see :func:`layout_store`).

    >>> pos = node_positions(nx.path_graph(3))
    >>> sorted(pos) == [0, 1, 2]
    True
    """
    store, name = None, f"{cache_key}-v{LAYOUT_VERSION}.json"
    if cache_key:
        try:
            store = layout_store(cache_dir)
        except StorageError as exc:  # no cache is slower, not wrong
            logging.getLogger("viz").warning("layout cache not used: %s", exc)
    cache = store.open(name) if store is not None else None
    if cache is not None:
        try:
            stored = json.loads(cache.read_text())
            if set(stored) == {str(n) for n in graph.nodes}:
                return {n: tuple(stored[str(n)]) for n in graph.nodes}
        except (OSError, ValueError):
            pass  # a damaged cache is recomputed, never trusted
    undirected = nx.Graph()
    undirected.add_edges_from((u, v) for u, v in graph.edges() if u != v)  # no attributes: fast
    isolated = sorted((n for n in graph.nodes if n not in undirected), key=str)
    positions: dict = {}
    if undirected.number_of_nodes():
        raw = _layout_connected(undirected, seed)
        positions = {node: (float(x), float(y)) for node, (x, y) in raw.items()}
    per_row = max(6, math.ceil(math.sqrt(len(isolated) * 4)))
    for index, node in enumerate(isolated):
        row, column = divmod(index, per_row)
        positions[node] = ((column + 0.5) / per_row, -0.12 - 0.08 * row)
    positions = {node: (_snapped(x), _snapped(y)) for node, (x, y) in positions.items()}
    if store is not None:
        with contextlib.suppress(OSError, ValueError):  # no cache is slower, not wrong
            store.put_file(name, json.dumps({str(n): p for n, p in positions.items()}).encode())
    return positions
