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
import dataclasses
import datetime as dt
import io
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from viz.record.files import write_files
from viz.record.load import FORMATS, Dataset, load_dataset
from viz.record.problems import DatasetError


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


# --- editing a collection file, checked before it is written (``viz apply``, the app's editor) ------------------


def plain(value: Any) -> Any:
    """Round-trip (or proposed) data as plain values, for comparing: dates as ISO text, scalar strings as str."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)  # a ruamel scalar string compares as its text
    return value


class NotYamlError(ValueError):
    """A collection kept as JSON or CSV: the writer edits YAML collections only."""


@dataclasses.dataclass
class CollectionFile:
    """A collection's YAML file opened for editing: its text, its records as round-trip data, and for a
    file with no records yet (absent, or comments only) the text kept above the records to come."""

    path: Path
    text: str
    document: CommentedSeq
    prefix: str = ""

    def dump(self) -> str:
        """The file's new text."""
        return self.prefix + dump_document(self.document)


def open_collection(root: Path, name: str, writer: str) -> CollectionFile:
    """The YAML file of collection ``name`` in dataset folder ``root`` (an optional one may not exist yet).

    Raises :class:`NotYamlError` (naming ``writer``, e.g. "`viz apply`") if the collection is JSON or CSV.
    """
    path = root / f"{name}.yaml"
    others = [root / f"{name}.{ext}" for ext in FORMATS[1:] if (root / f"{name}.{ext}").is_file()]
    if others:
        raise NotYamlError(f"{others[0]}: {writer} writes YAML collections only; "
                           f"convert {others[0].name} to {name}.yaml first")
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    document = read_document(path) if text.strip() else None
    prefix = ""
    if document is None:  # no file, or only comments: they stay, the records go below them
        document = CommentedSeq()
        prefix = text if text.endswith("\n") or not text else text + "\n"
    if not isinstance(document, CommentedSeq):  # the loader accepts only lists, so this means it was not run
        raise NotYamlError(f"{path}: not a list of {name}")
    if not document:
        document.fa.set_block_style()  # "[]" in the file: records go below it, one block each
    return CollectionFile(path, text, document, prefix)


def trial_load(root: Path, texts: dict[Path, str]) -> Dataset:
    """The dataset in ``root`` as it would be with ``texts`` written, loaded in a scratch copy (``root`` is not
    touched). Raises :class:`DatasetError` whose problems name ``root``'s files, not the copy's."""
    with tempfile.TemporaryDirectory(prefix="viz-trial-") as scratch:
        trial = Path(scratch) / root.name
        shutil.copytree(root, trial, ignore=shutil.ignore_patterns(".*", "*.jsonl"))  # no undo data or logs
        write_files({trial / path.name: text for path, text in texts.items()})
        try:
            return load_dataset(trial)
        except DatasetError as exc:
            raise DatasetError([dataclasses.replace(p, file=p.file.replace(str(trial), str(root)))
                                for p in exc.problems], exc.omitted) from None
