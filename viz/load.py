"""Load and validate a dataset folder into an immutable :class:`Dataset`.

Each collection is ``<name>.yaml`` or, alternatively, ``<name>.json`` (the fast
format for large datasets, see :mod:`viz.json_reader`) or ``<name>.csv`` (see
:mod:`viz.csv_reader`). Validation is all-or-nothing: :func:`load_dataset` either returns a complete
Dataset or raises :class:`DatasetError` listing the problems found, each as
``file:line: record-id: field: message`` -- every one, up to a cap per file and per
dataset beyond which they are only counted (:class:`viz.problems.ProblemLog`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from viz.csv_reader import read_csv
from viz.json_reader import read_json
from viz.model import Actor, ActorKind, Agreement, DatasetMeta, Event, Series, Source
from viz.problems import DatasetError, Problem, ProblemLog, field_name, record_name
from viz.yaml_reader import Collection, YamlFile, read_collection_yaml, read_yaml

COLLECTIONS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "actors": Actor,
    "agreements": Agreement,
    "events": Event,
    "series": Series,
}
#: collections a dataset may leave out (a record with no recurring series has no series file)
OPTIONAL = frozenset({"series"})

#: the file formats a collection may come in
FORMATS = ("yaml", "json", "csv")

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A validated dataset. Collections are tuples; lookups are by id."""

    path: Path
    meta: DatasetMeta
    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    agreements: tuple[Agreement, ...]
    events: tuple[Event, ...]
    series: tuple[Series, ...] = ()

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def actor_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.actors}

    @cached_property
    def agreement_by_id(self) -> dict[str, Agreement]:
        return {a.id: a for a in self.agreements}

    @cached_property
    def event_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    @cached_property
    def series_by_id(self) -> dict[str, Series]:
        return {s.id: s for s in self.series}

    def sessions_of(self, series_id: str) -> list[Event]:
        """The events that are sessions of one series (in record order)."""
        return [e for e in self.events if e.series == series_id]

    def organisations(self) -> list[Actor]:
        """Every actor that is not a person, sorted by name."""
        return sorted(
            (a for a in self.actors if a.kind is not ActorKind.person), key=lambda a: a.name.lower()
        )


def _validate_record(
    model: type[ModelT], raw: Any, file: YamlFile, path: tuple, record: str, problems: ProblemLog
) -> ModelT | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        if problems.full(file.label):  # past the cap: count, without building pydantic's error details
            problems.omit(exc.error_count())
            return None
        for err in exc.errors(include_url=False):
            # pydantic puts "[key]" segments for union branches; keep the data path only.
            loc = tuple(p for p in err["loc"] if isinstance(p, int) or not str(p).startswith(("function-", "[")))
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            problems.append(Problem(file.label, file.line((*path, *loc)), record, field_name(loc), message))
        return None


def _references(record: BaseModel) -> Iterator[tuple[tuple, str, str]]:
    """Yield (field path, referenced id, target collection) for each id a record cites."""

    def sources(prefix: tuple, ids: tuple[str, ...]) -> Iterator[tuple[tuple, str, str]]:
        for i, source_id in enumerate(ids):
            yield (*prefix, i), source_id, "sources"

    if isinstance(record, Actor):
        if record.country:
            yield ("country",), record.country, "countries"
        if record.type:
            yield ("type",), record.type, "organisation_types"
        for n, name in enumerate(record.names):
            yield from sources(("names", n, "sources"), name.sources)
        for r, role in enumerate(record.roles):
            if role.organisation:
                yield ("roles", r, "organisation"), role.organisation, "actors"
            yield from sources(("roles", r, "sources"), role.sources)
    if isinstance(record, Agreement):
        for i, party in enumerate(record.parties):
            yield ("parties", i), party, "actors"
    if isinstance(record, Series):
        if record.body:
            yield ("body",), record.body, "actors"
        for i, party in enumerate(record.parties):
            yield ("parties", i), party, "actors"
    if isinstance(record, Event):
        if record.series:
            yield ("series",), record.series, "series"
        if record.body:
            yield ("body",), record.body, "actors"
        for i, mentioned in enumerate(record.mentions):
            yield ("mentions", i), mentioned, "actors"
        if record.part_of:
            yield ("part_of",), record.part_of, "events"
        for i, org in enumerate(record.organisations):
            yield ("organisations", i), org, "actors"
        for i, agreement in enumerate(record.outcomes):
            yield ("outcomes", i), agreement, "agreements"
    people = record.participants if isinstance(record, Event) else getattr(record, "signatories", ())
    field = "participants" if isinstance(record, Event) else "signatories"
    for i, person in enumerate(people):
        yield (field, i, "actor"), person.actor, "actors"
        if person.organisation:
            yield (field, i, "organisation"), person.organisation, "actors"
        if person.side:
            yield (field, i, "side"), person.side, "countries"
    yield from sources(("sources",), getattr(record, "sources", ()))
    for c, conflict in enumerate(getattr(record, "conflicts", ())):
        yield from sources(("conflicts", c, "sources"), conflict.sources)


def _part_of_cycles(items: list[tuple[Any, YamlFile, int]], events: dict[str, Any]) -> list[Problem]:
    """An event may not be, through ``part_of``, part of itself."""
    problems = []
    for record, file, index in items:
        seen, current = {record.id}, record.part_of
        while current in events:
            if current in seen:
                if current == record.id:
                    problems.append(Problem(file.label, file.line((index, "part_of")), record.id, "part_of",
                                            "part_of leads back to this event (a cycle)"))
                break
            seen.add(current)
            current = events[current].part_of
    return problems


def _check_references(records: dict[str, list[tuple[Any, YamlFile, int]]], unreadable: set[str],
                      meta: DatasetMeta | None = None) -> list[Problem]:
    """Duplicate ids and dangling references across all collections.

    References into a collection whose file could not be read are not checked:
    that file's own error says it all, and hundreds of echoes would bury it.
    """
    problems: list[Problem] = []
    known: dict[str, dict[str, Any]] = {}
    for name, items in records.items():
        seen: dict[str, int] = {}
        for record, file, index in items:
            if record.id in seen:
                problems.append(Problem(file.label, file.line((index, "id")), record.id, "id",
                                        f"duplicate id (first used in record #{seen[record.id] + 1})"))
            seen.setdefault(record.id, index)
        known[name] = {record.id: record for record, _, _ in items}
    # Actors and agreements are both graph nodes, so their ids share one namespace.
    for record, file, index in records["agreements"]:
        if record.id in known["actors"]:
            problems.append(Problem(file.label, file.line((index, "id")), record.id, "id",
                                    "id is already used by an actor (actors and agreements share ids)"))
    known["countries"] = {k: a for k, a in known["actors"].items() if a.kind is ActorKind.country}
    known["organisation_types"] = {t.id: t for t in (meta.organisation_types if meta else ())}
    for record, file, index in records["actors"]:
        declared = known["organisation_types"].get(record.type) if record.type else None
        if declared is not None and declared.kind is not record.kind:
            problems.append(Problem(file.label, file.line((index, "type")), record.id, "type",
                                    f"type {record.type!r} refines kind {declared.kind.value!r}, "
                                    f"but this actor's kind is {record.kind.value!r}"))
    problems.extend(_part_of_cycles(records["events"], known["events"]))
    for items in records.values():
        for record, file, index in items:
            for path, ref, target in _references(record):
                if ref in known[target] or ("actors" if target == "countries" else target) in unreadable:
                    continue
                if target == "countries" and ref in known["actors"]:
                    message = f"{ref!r} is an actor but not of kind 'country'"
                else:
                    noun = {"sources": "source", "actors": "actor", "agreements": "agreement",
                            "events": "event", "countries": "country actor", "series": "series",
                            "organisation_types": "organisation type (declared in dataset.yaml)"}[target]
                    message = f"unknown {noun} id {ref!r}"
                problems.append(Problem(file.label, file.line((index, *path)), record.id, field_name(path), message))
    return problems


def _read_records(collection: Collection, name: str, model: type[BaseModel],
                  records: list[tuple[BaseModel, YamlFile, int]], problems: ProblemLog) -> bool:
    """Validate a collection's records one by one into ``records``; False if part of it was unreadable."""
    if collection.shape == "empty":
        return True  # an empty collection is allowed
    if collection.shape != "list":
        problems.append(Problem(collection.label, 1, "-", "-", f"must be a list of {name}, not {collection.shape}"))
        return False
    readable = True
    for index, entry in enumerate(collection.records):
        if entry is None:  # the reader has reported why
            readable = False
        elif not isinstance(entry.data, dict):
            if problems.full(entry.label):
                problems.omit(1)
            else:
                problems.append(Problem(entry.label, entry.line((index,)), record_name(entry.data, index), "-",
                                        "must be a mapping of fields"))
        elif (parsed := _validate_record(model, entry.data, entry, (index,), record_name(entry.data, index),
                                         problems)) is not None:
            entry.data = None  # the record is kept as ``parsed``; only its line numbers are still needed
            records.append((parsed, entry, index))
    return readable


def load_dataset(folder: str | Path) -> Dataset:
    """Load and validate the dataset in ``folder``.

    >>> ds = load_dataset("data/india-israel")   # doctest: +SKIP
    >>> ds.meta.title                            # doctest: +SKIP
    'India–Israel defence cooperation'

    Raises DatasetError listing every problem; never returns a partial dataset.
    """
    root = Path(folder)
    if not root.is_dir():
        raise DatasetError([Problem(str(root), None, "-", "-", "not a dataset folder (no such directory)")])
    problems = ProblemLog()

    meta: DatasetMeta | None = None
    meta_path = root / "dataset.yaml"
    if not meta_path.is_file():
        message = "missing file (the dataset's title and schema version)"
        problems.append(Problem(str(meta_path), None, "-", "-", message))
    elif (meta_file := read_yaml(meta_path, str(meta_path), problems)) is not None:
        if not isinstance(meta_file.data, dict):
            problems.append(Problem(meta_file.label, 1, "dataset", "-", "must be a mapping of fields"))
        else:
            if meta_file.data.get("schema_version") == 1:
                raise DatasetError([Problem(meta_file.label, meta_file.line(("schema_version",)), "dataset",
                                            "schema_version", "this dataset uses schema v1; convert it with "
                                            f"`viz migrate {root}` (schema v2 adds series, windows, statuses)")])
            meta = _validate_record(DatasetMeta, meta_file.data, meta_file, (), "dataset", problems)

    records: dict[str, list[tuple[BaseModel, YamlFile, int]]] = {}
    unreadable: set[str] = set()
    for name, model in COLLECTIONS.items():
        records[name] = []
        present = [root / f"{name}.{ext}" for ext in FORMATS if (root / f"{name}.{ext}").is_file()]
        if len(present) > 1:
            problems.append(Problem(str(present[-1]), None, "-", "-",
                                    f"both {present[0].name} and {present[1].name}: keep one"))
            unreadable.add(name)
            continue
        if not present and name in OPTIONAL:
            continue
        if not present:
            problems.append(Problem(str(root / f"{name}.yaml"), None, "-", "-",
                                    f"missing file (a list of {name}: {name}.yaml, {name}.json or {name}.csv)"))
            unreadable.add(name)
            continue
        path = present[0]
        collection = (read_csv(path, str(path), model, problems) if path.suffix == ".csv"
                      else read_json(path, str(path), problems) if path.suffix == ".json"
                      else read_collection_yaml(path, str(path), problems))
        if collection is None or not _read_records(collection, name, model, records[name], problems):
            unreadable.add(name)

    problems.extend(_check_references(records, unreadable, meta))
    if problems or meta is None:
        raise problems.error()
    return Dataset(
        path=root,
        meta=meta,
        **{name: tuple(rec for rec, _, _ in items) for name, items in records.items()},  # type: ignore[arg-type]
    )
