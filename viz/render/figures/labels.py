"""Which network labels to draw and where, decided on the server so that none overlap.

Plotly draws a text where it is told and never moves it out of another's way, so the server
places the labels (issue 14, findings 2 and 7): greedily, in priority order, each label tries a
few text positions around its node (:data:`POSITIONS`), with boxes estimated in pixels from the
axis ranges and a nominal plot size, and takes the free one that covers the fewest other nodes.
A label with no free position inside the plot is dropped, unless it must be drawn (a chosen,
found or selected actor's): that one takes its least crowded position anyway.

The boxes follow plotly.js's own text placement (``Drawing.textPointPosition``): a text sits
``r / 0.8 + 1`` px beside a marker of radius ``r``, anchored at its start, middle or end, its
baseline a quarter of the font size below the middle.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np
from PIL import ImageFont

#: label font sizes, px: every label, and the emphasised ones (chosen, found or selected actors; bold)
LABEL_SIZE, EMPHASIS_SIZE = 12, 13
#: a white halo around dark text, so a label stays readable over lines and markers (plotly.js ``textfont.shadow``,
#: a CSS text-shadow): a solid 1 px outline in eight directions and a soft glow; "auto" (four blurred 1 px
#: shadows) let lines show through the letters in the dense middle of a network
HALO = ", ".join(f"{x}px {y}px 0 #fff" for x in (-1, 0, 1) for y in (-1, 0, 1) if x or y) + ", 0 0 3px #fff"
#: where a label may go around its node, most preferred first
POSITIONS = ("top center", "bottom center", "middle right", "middle left",
             "top right", "top left", "bottom right", "bottom left")
#: the plot area (width, height, px) boxes are estimated for: the network's at 1280x800, the smallest window the
#: workspace is laid out for (the chart follows its window, and the server does not know the window: a larger
#: plot only spreads the labels further apart; a smaller one, a phone's, may let some touch)
NOMINAL_PLOT = (560.0, 290.0)
#: space kept around each label, px (its halo and some air)
PAD = 2.0
#: bold text is about this much wider than the regular text the font metrics give
BOLD_WIDTH = 1.1
#: the metrics' font (Pillow's bundled Aileron, a Helvetica-like sans) runs a little narrower than some of
#: the page's fonts (Inter, Segoe UI): widths are scaled up by this much to stay on the safe side
WIDTH_MARGIN = 1.08
#: at most this many nodes are counted as obstacles (a sample, evenly spread, of a larger view's)
MAX_OBSTACLES = 5000

_ANCHOR = {"left": -1, "center": 0, "right": 1}  # text-anchor end, middle, start
_VERTICAL = {"top": -1, "middle": 0, "bottom": 1}


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A label that may be drawn: its node's place in pixels (from the plot's top left), its plain text
    (not escaped), the radius of the marker it keeps clear of, and whether it must be drawn (emphasised)."""

    x: float
    y: float
    text: str
    radius: float
    forced: bool = False

    @property
    def size(self) -> int:
        return EMPHASIS_SIZE if self.forced else LABEL_SIZE


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size)


@lru_cache(maxsize=8192)  # the same labels come back view after view
def text_width(text: str, size: int, bold: bool = False) -> float:
    """Estimated width of a one-line label in px."""
    return _font(size).getlength(text) * WIDTH_MARGIN * (BOLD_WIDTH if bold else 1.0)


def label_box(candidate: Candidate, position: str) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom, px, padded) a label takes at a plotly ``textposition``."""
    vertical, horizontal = position.split()
    h, v = _ANCHOR[horizontal], _VERTICAL[vertical]
    size = candidate.size
    gap = candidate.radius / 0.8 + 1 if candidate.radius else 0.0  # plotly's distance from the marker
    width = text_width(candidate.text, size, bold=candidate.forced)
    anchor = candidate.x + h * gap
    left = anchor - width / 2 if h == 0 else anchor if h > 0 else anchor - width
    baseline = candidate.y + 0.75 * size + v * gap + (v - 1) * size / 2
    return (left - PAD, baseline - 0.8 * size - PAD, left + width + PAD, baseline + 0.25 * size + PAD)


def to_pixels(xy: np.ndarray, x_range: Sequence[float], y_range: Sequence[float],
              plot: tuple[float, float]) -> np.ndarray:
    """Data coordinates as pixels from the plot area's top left (y grows downwards)."""
    width, height = plot
    x = (xy[:, 0] - x_range[0]) / max(x_range[1] - x_range[0], 1e-12) * width
    y = (y_range[1] - xy[:, 1]) / max(y_range[1] - y_range[0], 1e-12) * height
    return np.stack([x, y], axis=1) if len(xy) else np.empty((0, 2))


def _overlap(box: tuple, boxes: np.ndarray) -> float:
    """Area of ``box`` covered by ``boxes`` (summed)."""
    if not len(boxes):
        return 0.0
    w = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    h = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    return float((np.clip(w, 0, None) * np.clip(h, 0, None)).sum())


def _covered(box: tuple, obstacles: np.ndarray) -> int:
    """How many obstacle markers (x, y, radius) the box touches."""
    if not len(obstacles):
        return 0
    dx = np.maximum(np.maximum(box[0] - obstacles[:, 0], obstacles[:, 0] - box[2]), 0)
    dy = np.maximum(np.maximum(box[1] - obstacles[:, 1], obstacles[:, 1] - box[3]), 0)
    return int((np.hypot(dx, dy) < obstacles[:, 2]).sum())


def _outside(box: tuple, plot: tuple[float, float]) -> float:
    """How far (px) the box sticks out of the plot area."""
    return max(0.0, -box[0]) + max(0.0, box[2] - plot[0]) + max(0.0, -box[1]) + max(0.0, box[3] - plot[1])


@dataclasses.dataclass(frozen=True)
class Placed:
    """A label drawn: which candidate, at which ``textposition``, in which box."""

    candidate: int
    position: str
    box: tuple[float, float, float, float]


def place_labels(candidates: Sequence[Candidate], plot: tuple[float, float],
                 obstacles: np.ndarray | None = None, limit: int | None = None) -> list[Placed]:
    """Labels placed greedily in the candidates' order (their priority; forced ones go first whatever
    their place), none overlapping another unless both are forced, none but forced ones outside the plot (or
    for a node outside it).

    ``obstacles`` are node markers (rows of x, y, radius in px) a label had better not cover: among the
    free positions the one covering fewest wins, then the most preferred. ``limit`` caps how many labels
    that are not forced are drawn. An empty text is never placed: plotly.js drops the text element of an
    empty label and never draws one at that point again (the stale labels of issue 14, finding 2).
    """
    obstacles = np.empty((0, 3)) if obstacles is None else np.asarray(obstacles, dtype=float).reshape(-1, 3)
    if len(obstacles) > MAX_OBSTACLES:
        obstacles = obstacles[:: -(-len(obstacles) // MAX_OBSTACLES)]
    order = sorted(range(len(candidates)), key=lambda i: not candidates[i].forced)  # stable: priority kept
    boxes = np.empty((0, 4))
    placed: list[Placed] = []
    optional = 0
    for i in order:
        candidate = candidates[i]
        if not candidate.text.strip() or (not candidate.forced and limit is not None and optional >= limit):
            continue
        if not candidate.forced and not (0 <= candidate.x <= plot[0] and 0 <= candidate.y <= plot[1]):
            continue  # its node lies outside the frame, where plotly.js hides the point, label and all
        # the node's own marker is no obstacle: every position keeps clear of it
        others = obstacles[np.hypot(obstacles[:, 0] - candidate.x, obstacles[:, 1] - candidate.y) > 0.5]
        best: tuple | None = None
        for rank, position in enumerate(POSITIONS):
            box = label_box(candidate, position)
            clash, outside = _overlap(box, boxes), _outside(box, plot)
            if not candidate.forced and (clash or outside):
                continue
            score = (clash, outside, _covered(box, others), rank)
            if best is None or score < best[0]:
                best = (score, position, box)
        if best is None:
            continue
        placed.append(Placed(i, best[1], best[2]))
        boxes = np.vstack([boxes, best[2]])
        optional += not candidate.forced
    return placed
