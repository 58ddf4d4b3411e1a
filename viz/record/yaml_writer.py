"""The one writer for dataset YAML: round-trip edits that keep comments, order and formatting.

Records are read with ``ruamel.yaml`` in round-trip mode, changed in place and
written back, so ``git diff`` shows only the lines that changed. The house style
(top-level lists at column 0, nested lists indented under their key) is kept.
Several files are written together or not at all (:func:`viz.record.files.write_files`).
New records and values (``viz apply``) are given the same style (:func:`house_style`), and any text the
reader (PyYAML) would take for something else is quoted, so it reads back exactly as written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from viz.record.files import write_files


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a line a person wrapped (or chose not to)
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read_document(path: str | Path) -> Any:
    """A YAML file as round-trip data (CommentedMap / CommentedSeq), comments attached."""
    return _yaml().load(Path(path).read_text(encoding="utf-8"))


def dump_document(data: Any) -> str:
    """YAML text in the dataset's house style."""
    out = io.StringIO()
    _yaml().dump(data, out)
    text = out.getvalue()
    if isinstance(data, CommentedSeq):
        # ruamel indents a top-level list by the nested offset; the house style puts it at column 0
        text = "\n".join(line[2:] if line.startswith("  ") else line for line in text.split("\n"))
    return text


def write_documents(documents: dict[Path, Any]) -> None:
    """Write round-trip documents (see :func:`write_files`)."""
    write_files({path: dump_document(data) for path, data in documents.items()})


def insert_after(mapping: CommentedMap, after: str, key: str, value: Any) -> None:
    """Set ``key`` in a round-trip mapping, placed right after ``after`` when it is new."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    position = keys.index(after) + 1 if after in keys else len(keys)
    mapping.insert(position, key, value)


# --- new records in the house style (used by ``viz apply``) -------------------------------------------------

#: the dataset reader is PyYAML (YAML 1.1): it must read back as text every string written here
_READER = yaml.resolver.Resolver()
#: keys whose full ISO date text is written as a plain date, as people write them (``start: 2025-11-04``)
DATE_KEYS = frozenset({"start", "end", "earliest", "latest", "as_of", "since", "until", "published"})
#: a line of a list or mapping written in flow style, or of folded text, stays within about this many characters
FLOW_WIDTH = 100
#: text written without quotes: words, digits, spaces and harmless punctuation, in any script
_PLAIN = re.compile(r"[\w(][\w ()'’.;/&+–—-]*(?<! )")


def _reads_as_text(text: str) -> bool:
    return _READER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"


def _fold(text: str) -> FoldedScalarString:
    """Long one-line prose as a ``>-`` block, folded at single spaces (it reads back as the same text)."""
    folded = FoldedScalarString(text)
    positions, line_start, last_space = [], 0, None
    for index, char in enumerate(text):
        if char == " ":
            last_space = index
        if index - line_start >= FLOW_WIDTH - 20 and last_space is not None and last_space > line_start:
            positions.append(last_space)
            line_start, last_space = last_space + 1, None
    folded.fold_pos = positions
    return folded


def _scalar(value: Any, key: str | None) -> Any:
    if not isinstance(value, str):
        return value
    if key in DATE_KEYS and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value)
    if len(value) > FLOW_WIDTH and value.isprintable() and value == value.strip() and "  " not in value:
        return _fold(value)
    if _PLAIN.fullmatch(value) and _reads_as_text(value):  # not "no", "on", "1e3": PyYAML reads those as values
        return value
    return DoubleQuotedScalarString(value)  # anything else is quoted: nothing in it can be read as YAML syntax


def _flat(value: Any, width: int = FLOW_WIDTH) -> bool:
    """Short enough, and scalars only, to be written on one line."""
    items = value.values() if isinstance(value, dict) else value
    if not all(isinstance(v, str | int | float | bool | dt.date | None) or (
            isinstance(v, list | tuple) and _flat(v)) for v in items):
        return False
    return _flow_length(value) <= width and not any(isinstance(v, FoldedScalarString) for v in items)


def _flow_length(value: Any) -> int:
    """About how long ``value`` is on one line (``{actor: x, role: co-chair}``)."""
    if isinstance(value, dict):
        return 2 + sum(len(str(k)) + 4 + _flow_length(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return 2 + sum(2 + _flow_length(v) for v in value)
    return len(str(value)) + 2 * isinstance(value, DoubleQuotedScalarString)


def house_style(value: Any, key: str | None = None, top: bool = False, item: bool = False) -> Any:
    """Plain data (a new record, or a value added to one) as round-trip data in the dataset's house style.

    Short lists and mappings of scalars go on one line (``sources: [a, b]``, ``{actor: x, role: co-chair}``),
    long prose is folded, dates are plain, and text the reader would take for something else (``no``) is quoted.
    A record (``top``) is always written as a block; a list's mappings (``item``: participants, roles) are one
    line each unless much longer.
    """
    if isinstance(value, dict):
        styled = CommentedMap((k, house_style(v, k)) for k, v in value.items())
        if not top and _flat(styled, FLOW_WIDTH + 40 * item):
            styled.fa.set_flow_style()
        return styled
    if isinstance(value, list | tuple):
        styled_list = CommentedSeq(house_style(v, key, item=True) for v in value)
        if _flat(styled_list) or all(isinstance(v, str) and " " not in v for v in styled_list):
            styled_list.fa.set_flow_style()
        return styled_list
    return _scalar(value, key)


def append_records(document: CommentedSeq, records: list[CommentedMap], text: str) -> None:
    """Append styled records (:func:`house_style`) to a collection document read from ``text``.

    A blank line goes before each if the file separates its records so.
    """
    spaced = re.search(r"\n[ \t]*\n-", text) is not None
    for record in records:
        document.append(record)
        if spaced and len(document) > 1:
            document.yaml_set_comment_before_after_key(len(document) - 1, before="\n")


def insert_in_order(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Add a new ``key`` to a round-trip mapping where ``order`` (the schema's field order) puts it.

    A blank line that ended the mapping (before the next record) stays at its end.
    """
    rank = {name: n for n, name in enumerate(order)}
    keys = list(mapping)
    position = max((n + 1 for n, k in enumerate(keys) if rank.get(k, len(order)) < rank.get(key, len(order))),
                   default=0)
    mapping.insert(position, key, value)
    if position == len(keys) and keys:
        comment = mapping.ca.items.get(keys[-1])
        token = comment[2] if comment and len(comment) > 2 else None
        if token is not None and not token.value.strip():  # only blank lines: move them below the new key
            mapping.ca.items.pop(keys[-1])
            mapping.ca.items[key] = comment
