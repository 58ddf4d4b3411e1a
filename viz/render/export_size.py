"""How large an exported chart image may be: one set of bounds for the app's export controls
(:mod:`viz.app.layout`, :func:`viz.render.report.render_view_report`) and ``viz export``.

Outside them kaleido does not fail loudly: a width of 100,000 px gave a 3-byte file that is no PNG.
"""

from __future__ import annotations

import math

#: width and height, in CSS pixels
MIN_SIZE, MAX_SIZE = 400, 4000
#: the device-pixel factor (4000 px at scale 4 is a 16,000 px image, still rendered whole)
MIN_SCALE, MAX_SCALE = 0.25, 4.0


def bound_problem(name: str, value: float) -> str | None:
    """Why ``value`` is not a usable ``name`` ("width", "height" or "scale"), or None if it is."""
    low, high, unit = (MIN_SCALE, MAX_SCALE, "") if name == "scale" else (MIN_SIZE, MAX_SIZE, " pixels")
    if math.isfinite(value) and low <= value <= high:
        return None
    return f"{name} {value:g} is out of range: give {low:g} to {high:g}{unit}"
