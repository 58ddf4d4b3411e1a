"""Reading a collection from JSON, the fast format for large datasets.

JSON parses in C, about 20x faster than YAML, so big datasets (``viz synth``
above a few thousand actors, exports from other tools) use ``<name>.json``.
The same guards as for YAML apply: duplicate keys, string length, nesting
depth and over-long integers are checked, and the file size is bounded. The
top-level list is decoded one record at a time, so junk costs memory for one
record, not for a million. JSON keeps no line numbers for values, so problems
name the line where the record starts, the record and the field.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from viz.record.files import read_text_file
from viz.record.problems import Problem, field_name, record_name, shorten
from viz.record.yaml_reader import MAX_DEPTH, MAX_STRING, Collection, YamlFile

#: JSON is the bulk format, so it may be larger than a hand-edited YAML file
MAX_JSON_BYTES = 200 * 1024 * 1024

_SPACE = re.compile(r"[ \t\n\r]*")
_WHITE = frozenset(" \t\n\r")
_UNREADABLE = object()  # a record whose problems are reported


class _DuplicateKeys(dict):
    """An object that named a key twice (Python's json would silently keep the last)."""

    duplicate: str = ""


class _HugeInt(str):
    """An integer too long for Python to read (``sys.get_int_max_str_digits``), kept as its text."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    marked = _DuplicateKeys(result)
    marked.duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return marked


def _int(text: str) -> int | str:
    limit = sys.get_int_max_str_digits()
    return _HugeInt(text) if limit and len(text.lstrip("-")) > limit else int(text)


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs)
#: decodes ints one by one, to find (and keep as text) those too long for Python; used only after one was seen
_LOCATING_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_int)


def _value_problems(value: Any, label: str, line: int, record: str) -> Iterator[Problem]:
    """Values that break the limits, with their field (iterative: no recursion)."""
    stack: list[tuple[Any, tuple]] = [(value, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            yield Problem(label, line, record, field_name(path[:MAX_DEPTH]), f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(value, _HugeInt):
            yield Problem(label, line, record, field_name(path), f"{shorten(value)} is an integer longer than "
                          f"Python reads ({sys.get_int_max_str_digits()} digits); quote it if it is text")
        elif isinstance(value, str) and len(value) > MAX_STRING:
            yield Problem(label, line, record, field_name(path),
                          f"text of {len(value)} characters; the limit is {MAX_STRING}")
        elif isinstance(value, dict):
            if isinstance(value, _DuplicateKeys):
                yield Problem(label, line, record, field_name(path), f"duplicate key {value.duplicate!r}")
            stack.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))


def _decode(text: str, position: int) -> tuple[Any, int]:
    """The JSON value at ``position`` and where it ends (json's raw_decode without its Python wrapper)."""
    try:
        return _DECODER.scan_once(text, position)
    except StopIteration as exc:
        raise json.JSONDecodeError("Expecting value", text, exc.value) from None
    except ValueError as exc:  # an integer too long for Python: decode again, keeping it as text
        if isinstance(exc, json.JSONDecodeError):
            raise
        return _LOCATING_DECODER.raw_decode(text, position)


def _after(text: str, position: int) -> int:
    """``position`` moved past any white space."""
    return _SPACE.match(text, position).end() if text[position:position + 1] in _WHITE else position  # type: ignore[union-attr]


def _records(text: str, start: int, label: str, problems: list[Problem]) -> Iterator[YamlFile | None]:
    """The items of the top-level list that opens at ``start``, decoded one at a time."""
    position, line, counted, index = _after(text, start + 1), 1, 0, 0
    try:
        if text.startswith("]", position):
            position += 1
        else:
            while True:
                line, counted = line + text.count("\n", counted, position), position
                value, position = _decode(text, position)
                if isinstance(value, dict | list | str):  # numbers, booleans and null are always within limits
                    found = list(_value_problems(value, label, line, record_name(value, index)))
                    if found:
                        problems.extend(found)
                        value = _UNREADABLE
                yield None if value is _UNREADABLE else YamlFile(label, value, {(index,): line})
                index += 1
                position = _after(text, position)
                separator = text[position:position + 1]
                if separator == ",":
                    position = _after(text, position + 1)
                elif separator == "]":
                    position += 1
                    break
                else:
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
        if _after(text, position) != len(text):
            raise json.JSONDecodeError("Extra data", text, position)
    except json.JSONDecodeError as exc:
        problems.append(Problem(label, exc.lineno, "-", "-", f"JSON error: {exc.msg}"))
        yield None
    except RecursionError:
        problems.append(Problem(label, line, record_name(None, index), "-", f"nested deeper than {MAX_DEPTH} levels"))
        yield None


def read_json(path: Path, label: str, problems: list[Problem]) -> Collection | None:
    """A JSON collection file, its records decoded lazily; None (and problems) if it cannot be read."""
    text = read_text_file(path, label, problems, MAX_JSON_BYTES)
    if text is None:
        return None
    start = _after(text, 0)
    if text.startswith("[", start):
        return Collection(label, "list", _records(text, start, label, problems))
    # Anything but a list is refused unread: decoding a 200 MB object only to say so would cost gigabytes.
    rest = text[start:start + 5].rstrip()
    if not rest or (rest == "null" and _after(text, start + 4) == len(text)):
        return Collection(label, "empty")
    return Collection(label, "a mapping" if rest.startswith("{") else "a single value")
