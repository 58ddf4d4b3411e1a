"""Fitting text into a report image: widths estimated from Arial metrics, lines wrapped at word and URL breaks.

Plotly draws text but never wraps it, so the report (:mod:`viz.render.report`) wraps it here. Widths
are upper bounds for Arial and its metric twins Helvetica and Liberation Sans, the fonts a report
asks for, so a wrapped line never runs past the width it was wrapped to.
"""

from __future__ import annotations

import re

#: per character, at least its advance width in Arial, in ems
_NARROW = frozenset("fijlrtI!|.,:;'`/\\()[]{} -\u00a0")  # Arial: 0.222-0.333
_WIDE = frozenset("mwMW@%")  # Arial: up to 0.944
#: a URL breaks before these (the Chicago Manual's rule): first at its path's slashes and query marks,
#: then, where a part is longer than a line, at its dots, hyphens and underscores too; text breaks at spaces
_LEVELS = tuple(re.compile(rf"\s+|[{b}]*[^\s{b}]*") for b in ("/?#&=", "/?#&=.\\-_~%"))
#: continuation lines start this far in (non-breaking spaces survive in SVG text)
INDENT = "\u00a0" * 4


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of ``text``'s width in px at ``size`` px (Arial, Helvetica or Liberation Sans)."""
    em = 0.0
    for c in text:
        if c in _NARROW:
            em += 0.34
        elif c in _WIDE:
            em += 0.95
        elif c.isascii():
            em += 0.78 if c.isupper() else 0.58
        else:
            em += 1.0  # dashes, accents, other scripts: at most an em
    return em * size * (1.1 if bold else 1.0)


def _split_to_fit(piece: str, room: float, size: float, bold: bool) -> tuple[str, str]:
    """The longest head of ``piece`` that fits ``room`` (at least one character), and the rest."""
    cut = 1
    while cut < len(piece) and text_width(piece[:cut + 1], size, bold) <= room:
        cut += 1
    return piece[:cut], piece[cut:]


def _pieces(text: str, level: int) -> list[str]:
    return [p for p in _LEVELS[level].findall(text) if p] if level < len(_LEVELS) else list(text)


def wrap(text: str, width: float, size: float, *, bold: bool = False, indent: str = INDENT) -> list[str]:
    """``text`` in lines no wider than ``width`` px: broken at spaces, in URLs before a ``/ ? # & =`` and,
    inside a part longer than a line, before a ``. - _ ~ %`` too, or anywhere as a last resort. Lines
    after the first start with ``indent``. Nothing is dropped: the lines joined (without the indents)
    give the text back, less the spaces at the breaks."""
    lines: list[str] = []
    line = ""

    def width_of(text: str) -> float:
        return text_width((indent if lines else "") + text, size, bold)

    def place(piece: str, level: int) -> None:
        nonlocal line
        if piece.isspace():
            line += piece if line else ""
        elif width_of(line + piece) <= width:
            line += piece
        elif level < len(_LEVELS) and text_width(indent + piece, size, bold) > width:
            for part in _pieces(piece, level + 1):  # longer than any line: its finer parts fill this one
                place(part, level + 1)
        else:
            if line.strip():
                lines.append((indent if lines else "") + line.rstrip())
            line = piece.lstrip()

    for piece in _pieces(text, 0):
        place(piece, 0)
    if line.strip() or not lines:
        lines.append((indent if lines else "") + line.rstrip())
    return lines
