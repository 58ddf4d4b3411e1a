"""numpy arrays in the forms Plotly draws fastest: binary typed arrays and few polylines."""

from __future__ import annotations

import base64

import numpy as np


def typed(values: np.ndarray) -> dict:
    """A numpy array as Plotly's binary form (``{"dtype", "bdata"}``): Patch would send JSON lists."""
    array = np.ascontiguousarray(values)
    dtype = {np.dtype(np.float32): "f4", np.dtype(np.uint8): "u1", np.dtype(np.int32): "i4"}[array.dtype]
    return {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}


def _walks(first: np.ndarray, second: np.ndarray, nodes: int) -> list[int]:
    """Cover the lines first[i]-second[i] with few walks; -1 ends a walk.

    Each walk follows unused lines until it is stuck, starting from odd-degree
    nodes first (as in an Euler path), so a polyline needs about one point per
    line instead of three (two ends and a gap).
    """
    ends = np.concatenate([first, second])
    order = np.argsort(ends, kind="stable")
    neighbour = np.concatenate([second, first])[order].tolist()
    line = np.concatenate([np.arange(len(first))] * 2)[order].tolist()
    start = np.searchsorted(ends[order], np.arange(nodes + 1)).tolist()
    position = start[:-1]
    used = bytearray(len(first))
    degree = np.bincount(ends, minlength=nodes)
    out: list[int] = []

    def next_line(node: int) -> int:
        at, stop = position[node], start[node + 1]
        while at < stop and used[line[at]]:
            at += 1
        position[node] = at
        return at if at < stop else -1

    for origin in np.concatenate([np.flatnonzero(degree % 2), np.flatnonzero(degree)]).tolist():
        while next_line(origin) >= 0:
            node = origin
            out.append(node)
            while (at := next_line(node)) >= 0:
                used[line[at]] = 1
                node = neighbour[at]
                out.append(node)
            out.append(-1)
    return out


def polylines(xy: np.ndarray, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float32 line coordinates (NaN between walks) drawing every pair u-v once.

    Repeated pairs and self-loops draw nothing new, so they are dropped.
    """
    keep = u != v
    if not keep.any():
        return np.empty(0, np.float32), np.empty(0, np.float32)
    pairs = np.unique(np.stack([np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])], axis=1), axis=0)
    used_nodes, compact = np.unique(pairs, return_inverse=True)
    compact = compact.reshape(-1, 2)
    sequence = np.array(_walks(compact[:, 0], compact[:, 1], len(used_nodes)), dtype=np.int64)
    out = np.full((len(sequence), 2), np.nan, dtype=np.float32)
    real = sequence >= 0
    out[real] = xy[used_nodes[sequence[real]]]
    return out[:-1, 0], out[:-1, 1]  # drop the trailing gap
