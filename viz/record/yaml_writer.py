"""The one writer for dataset YAML: round-trip edits that keep comments, order and formatting.

Records are read with ``ruamel.yaml`` in round-trip mode, changed in place and
written back, so ``git diff`` shows only the lines that changed. The house style
(top-level lists at column 0, nested lists indented under their key) is kept.
Several files are written together or not at all (:func:`viz.record.files.write_files`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

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
