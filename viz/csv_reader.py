"""Reading a collection from CSV: one row per record, the same schema as the YAML files.

A cell is text, except:
- list fields (``aliases``, ``sources``, ``topics`` ...) take ``a | b | c``;
- structured fields (``date``, ``place``, ``participants``, ``roles`` ...) take a YAML
  flow value, e.g. ``{start: 2025-11-04, precision: day}`` or ``[{actor: x, role: host}]``;
- an empty cell means the field is absent.
Line numbers in errors are the CSV's own (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import typing
from pathlib import Path

from pydantic import BaseModel

from viz.problems import Problem
from viz.yaml_reader import MAX_FILE_BYTES, YamlFile, parse_yaml_text


def _kind_of(model: type[BaseModel], field: str) -> str:
    """'list' (tuple of plain values), 'structured' (models or tuples of models) or 'text'."""
    info = model.model_fields.get(field)
    if info is None:
        return "text"
    annotation = info.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    candidates = [annotation, *args]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return "structured"
        if typing.get_origin(candidate) is tuple:
            inner = [a for a in typing.get_args(candidate) if a is not Ellipsis]
            if any(isinstance(a, type) and issubclass(a, BaseModel) for a in inner):
                return "structured"
            return "list"
    return "text"


def read_csv(path: Path, label: str, model: type[BaseModel], problems: list[Problem]) -> YamlFile | None:
    """Rows of a CSV collection as records, with their line numbers; None (and problems) if unreadable."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.append(Problem(label, None, "-", "-", f"file is larger than {MAX_FILE_BYTES} bytes"))
            return None
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, None, "-", "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return None
    except OSError as exc:
        problems.append(Problem(label, None, "-", "-", f"cannot read file: {exc.strerror}"))
        return None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = list(reader)
    except csv.Error as exc:
        problems.append(Problem(label, None, "-", "-", f"CSV error: {exc}"))
        return None
    records, lines = [], {}
    for index, row in enumerate(rows):
        line = index + 2
        record: dict = {}
        for column, cell in row.items():
            if column is None or cell is None or not cell.strip():
                continue
            kind = _kind_of(model, column)
            cell = cell.strip()
            if kind == "structured" or (kind == "list" and cell.startswith("[")):
                value = parse_yaml_text(cell, label, line, problems)
                if value is None:
                    continue
                record[column] = value
            elif kind == "list":
                record[column] = [part.strip() for part in cell.split("|") if part.strip()]
            else:
                record[column] = cell
            lines[(index, column)] = line
        lines[(index,)] = line
        records.append(record)
    return YamlFile(label, records, lines)
