"""Reading a collection from CSV: one row per record, the same schema as the YAML files.

A cell is text, except:
- list fields (``aliases``, ``sources``, ``topics`` ...) take ``a | b | c``;
- structured fields (``date``, ``place``, ``participants``, ``roles`` ...) take a YAML
  flow value, e.g. ``{start: 2025-11-04, precision: day}`` or ``[{actor: x, role: host}]``;
- an empty cell means the field is absent.
Line numbers in errors are the CSV's own (the header is line 1). Rows are read one at a time.
"""

from __future__ import annotations

import csv
import io
import typing
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from viz.record.files import read_text_file
from viz.record.problems import Problem, record_name
from viz.record.yaml_reader import MAX_FILE_BYTES, Collection, YamlFile, parse_yaml_text


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


def _records(reader: typing.Any, header: list[str], label: str, model: type[BaseModel],
             problems: list[Problem]) -> Iterator[YamlFile | None]:
    """One record per row, read as the rows come (a million junk rows cost one row's memory)."""
    kinds = {column: _kind_of(model, column) for column in header}
    index = 0
    try:
        for row in reader:
            if not row:  # a blank line, as csv.DictReader skips them
                continue
            line = index + 2  # the record's row, as a spreadsheet numbers it (the header is row 1)
            record: dict = {}
            lines = {(index,): line}
            ident = next((cell.strip() for column, cell in zip(header, row, strict=False) if column == "id"), "")
            name = record_name({"id": ident or None}, index)
            readable = True
            for column, cell in zip(header, row, strict=False):
                cell = cell.strip()
                if not cell:
                    continue
                kind = kinds[column]
                if kind == "structured" or (kind == "list" and cell.startswith("[")):
                    parsed = parse_yaml_text(cell, label, line, problems, name, column)
                    readable = readable and parsed is not None
                    if parsed is None or parsed.data is None:
                        continue
                    record[column] = parsed.data
                elif kind == "list":
                    record[column] = [part.strip() for part in cell.split("|") if part.strip()]
                else:
                    record[column] = cell
                lines[(index, column)] = line
            yield YamlFile(label, record, lines) if readable else None  # its cells' problems are reported
            index += 1
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num, "-", "-", f"CSV error: {exc}"))
        yield None


def read_csv(path: Path, label: str, model: type[BaseModel], problems: list[Problem]) -> Collection | None:
    """A CSV collection file, its rows read lazily; None (and problems) if it cannot be read.

    Line numbers are rows: the header is 1, the first record 2.
    """
    text = read_text_file(path, label, problems, MAX_FILE_BYTES, encoding="utf-8-sig")
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.append(Problem(label, None, "-", "-", f"CSV error: {exc}"))
        return None
    if header is None:
        return Collection(label, "empty")
    return Collection(label, "list", _records(reader, header, label, model, problems))
