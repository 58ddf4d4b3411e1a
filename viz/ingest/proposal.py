"""The proposal file: what ``viz ingest`` writes and ``viz apply`` reads (format: notes/proposal-format.md).

A proposal is one YAML document: the text the extractor read, and a list of items, each
a proposed change (a new record, or an addition to an existing one) with the exact quotes
and character offsets it came from. Every evidence entry indexes :attr:`Proposal.text`, so
``text[start:end] == quote`` holds and is checked here. A ``new`` item's ``record`` is
checked against the dataset schema (:mod:`viz.record.model`) shape by shape; references
between records are the loader's job once the proposal is applied.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from viz.record.messages import show
from viz.record.model import ID_PATTERN, Actor, Agreement, Event, Role, Source
from viz.record.yaml_reader import read_yaml

FORMAT_VERSION = 1

ItemKind = Literal["source", "actor", "event", "agreement", "role", "mention", "topic"]
#: schema model of a new item's ``record``, by item kind
RECORD_MODELS: dict[str, type[BaseModel]] = {"source": Source, "actor": Actor, "event": Event, "agreement": Agreement}
#: the order items are listed in
KIND_ORDER: tuple[str, ...] = ("source", "actor", "role", "event", "agreement", "mention", "topic")


class ProposalError(Exception):
    """A proposal file that cannot be read or does not validate (the message names file, item and field)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputRef(_Strict):
    """What was ingested: a text file, an HTML file or a URL."""

    kind: Literal["text", "html", "url"]
    name: str = Field(min_length=1)


class Evidence(_Strict):
    """An exact quote of :attr:`Proposal.text` and where it is."""

    quote: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end - self.start != len(self.quote):
            raise ValueError(f"start {self.start} and end {self.end} span {self.end - self.start} characters "
                             f"but the quote has {len(self.quote)}")
        return self


class Match(_Strict):
    """How a mention was linked to an existing record, and how well."""

    text: str
    score: float = Field(ge=0, le=100)
    via: Literal["name", "alias", "dated name", "series", "title"]


class Item(_Strict):
    """One proposed change."""

    key: str = Field(min_length=1)
    kind: ItemKind
    decision: Literal["propose", "accept", "reject"] = "propose"
    status: Literal["new", "existing"]
    id: str | None = Field(default=None, pattern=ID_PATTERN, max_length=120)
    record: dict[str, Any] | None = None
    add: dict[str, Any] | None = None
    match: Match | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float = Field(default=0.5, ge=0, le=1)
    note: str | None = None

    @model_validator(mode="after")
    def _fits_status(self) -> Item:
        if self.status == "existing":
            if self.id is None:
                raise ValueError("an existing item needs 'id' (the id of the record it refers to)")
            if self.record is not None:
                raise ValueError("an existing item carries no 'record' (put what it adds under 'add')")
        elif self.kind == "role":
            raise ValueError("a role item is an addition to an existing actor: status must be 'existing' "
                             "(a new actor carries its roles in its record)")
        elif self.kind in RECORD_MODELS:
            if self.record is None:
                raise ValueError(f"a new {self.kind} item needs 'record'")
            if self.add is not None:
                raise ValueError("a new item carries its whole 'record'; 'add' is for existing items")
        if self.record is not None and self.kind in RECORD_MODELS:
            if self.id is not None and self.record.get("id") != self.id:
                raise ValueError(f"record id {self.record.get('id')!r} differs from the item id {self.id!r}")
            _check("record", RECORD_MODELS[self.kind], self.record)
        if self.kind == "role":
            roles = (self.add or {}).get("roles")
            if not roles:
                raise ValueError("a role item needs 'add: {roles: [...]}'")
            for n, role in enumerate(roles):
                _check(f"add.roles[{n}]", Role, role)
        return self


def _check(where: str, model: type[BaseModel], data: object) -> None:
    """Validate a record against its schema model; a ValueError names the field (``record.kind: ...``)."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        raise ValueError("; ".join(
            f"{where}{'.' if problem['loc'] else ''}{'.'.join(map(str, problem['loc']))}: {problem['msg']}"
            for problem in exc.errors())) from None


class Proposal(_Strict):
    """A whole proposal file."""

    proposal: Literal[1] = FORMAT_VERSION
    dataset: str = Field(pattern=ID_PATTERN)
    made: dt.datetime
    input: InputRef
    text: str
    items: list[Item] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Proposal:
        seen: set[str] = set()
        ids: set[tuple[str, str]] = set()
        for item in self.items:
            if item.key in seen:
                raise ValueError(f"item {item.key!r}: the key is used twice (keys must be unique)")
            seen.add(item.key)
            if item.status == "new" and item.id is not None:
                if (item.kind, item.id) in ids:
                    raise ValueError(f"item {item.key!r}: id {item.id!r} is proposed twice for a new {item.kind}")
                ids.add((item.kind, item.id))
            for n, evidence in enumerate(item.evidence):
                found = self.text[evidence.start:evidence.end]
                if found != evidence.quote:
                    raise ValueError(f"item {item.key!r}: evidence[{n}]: text[{evidence.start}:{evidence.end}] is "
                                     f"{found[:60]!r}, not the quote {evidence.quote[:60]!r}")
        return self

    def item(self, key: str) -> Item:
        """The item with this key (KeyError if none)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)


def _describe(error: ValidationError, data: object) -> str:
    """Validation errors as ``items[3] (key actor-2): record.kind: message`` lines."""
    lines = []
    for problem in error.errors():
        location = list(problem["loc"])
        where = ""
        if len(location) >= 2 and location[0] == "items" and isinstance(location[1], int):
            index = location[1]
            items = data.get("items") if isinstance(data, dict) else None
            key = items[index].get("key") if isinstance(items, list) and index < len(items) and isinstance(
                items[index], dict) else None
            where = f"items[{index}]" + (f" (key {key})" if key else "") + ": "
            location = location[2:]
        field = ".".join(str(part) for part in location)
        value = problem.get("input")
        got = f" (got {show(value)})" if value is not None and not isinstance(value, dict | list) else ""
        lines.append(f"{where}{field + ': ' if field else ''}{problem['msg'].removeprefix('Value error, ')}{got}")
    return "; ".join(lines)


def parse_proposal(data: object, label: str = "proposal") -> Proposal:
    """Validate parsed YAML as a proposal, or raise :class:`ProposalError` naming the item and field."""
    try:
        return Proposal.model_validate(data)
    except ValidationError as exc:
        raise ProposalError(f"{label}: not a valid proposal: {_describe(exc, data)}") from None


def load_proposal(path: str | Path) -> Proposal:
    """Read and validate a proposal file as strictly as a dataset file is read (a bad date, an alias or a
    syntax error is reported as ``file:line``), or raise :class:`ProposalError` saying why."""
    path = Path(path)
    if not path.is_file():
        raise ProposalError(f"{path}: no such proposal file")
    problems: list = []
    document = read_yaml(path, str(path), problems)
    if problems or document is None:
        raise ProposalError(f"{path}: cannot read the proposal:\n" + "\n".join(map(str, problems)))
    return parse_proposal(document.data, str(path))


class _Dumper(yaml.SafeDumper):
    """Block-style YAML; multi-line strings (the text) as ``|`` blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not value[:1].isspace() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_proposal(proposal: Proposal) -> str:
    """The proposal as YAML text (fields in the documented order, empty ones left out)."""
    data = proposal.model_dump(mode="json", exclude_none=True)
    for item in data["items"]:
        if not item.get("evidence"):
            item.pop("evidence", None)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
