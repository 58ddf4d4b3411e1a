"""Load and validate a dataset folder into an immutable :class:`Dataset`.

Each collection is ``<name>.yaml`` or, alternatively, ``<name>.json`` (the fast
format for large datasets, see :mod:`viz.record.json_reader`) or ``<name>.csv`` (see
:mod:`viz.record.csv_reader`). Validation is all-or-nothing: :func:`load_dataset` either returns a complete
Dataset or raises :class:`DatasetError` listing the problems found, each as
``file:line: record-id: field: message`` -- every one, up to a cap per file and per
dataset beyond which they are only counted (:class:`viz.record.problems.ProblemLog`); the same
message for the same field in many records is one line with a count. Messages are in the
dataset's words (:mod:`viz.record.messages`), and a name written where an id belongs gets the id it
probably means (:mod:`viz.record.references`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from viz.record.csv_reader import read_csv
from viz.record.json_reader import read_json
from viz.record.messages import MODELS, explain, show
from viz.record.model import Actor, ActorKind, Agreement, DatasetMeta, Event, Series, Source
from viz.record.problems import DatasetError, Problem, ProblemLog, field_name, record_name
from viz.record.progress import Step, no_progress
from viz.record.references import NOUNS, Suggester, article, names_of, raw_references, references
from viz.record.yaml_reader import Collection, YamlFile, read_collection_yaml, read_yaml

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
        for item in explain(model, exc.errors(include_url=False)):
            if not problems.count_again(file.label, item.field, item.message):
                problems.append(Problem(file.label, file.line((*path, *item.loc)), record, item.field, item.message),
                                hint=item.hint)
        return None


@functools.cache
def _required(model: type[BaseModel]) -> str:
    return ", ".join(f"{name}:" for name, info in model.model_fields.items() if info.is_required())


def _not_a_mapping(model: type[BaseModel], value: Any) -> str:
    """The message for an entry that is a bare value or a list where a record's fields belong."""
    if isinstance(value, str | int | float | None):  # a million junk values: one message, worked out once
        return _not_a_mapping_cached(model, type(value), value)
    return f"{show(value)} is not {MODELS[model][0]}: write a mapping of its fields ({_required(model)} ...)"


@functools.lru_cache(maxsize=1024)
def _not_a_mapping_cached(model: type[BaseModel], _type: type, value: Any) -> str:
    return f"{show(value)} is not {MODELS[model][0]}: write a mapping of its fields ({_required(model)} ...)"


def _part_of_cycles(items: list[tuple[Any, YamlFile, int]], events: dict[str, Any]) -> list[Problem]:
    """An event may not be, through ``part_of``, part of itself."""
    problems = []
    for record, file, index in items:
        seen, current = {record.id}, record.part_of
        while current in events:
            if current in seen:
                if current == record.id:
                    problems.append(Problem(file.label, file.line((index, "part_of")), record.id, "part_of",
                                            f"{show(record.part_of)} leads back to this event (a cycle of "
                                            "part_of; one of them must go)"))
                break
            seen.add(current)
            current = events[current].part_of
    return problems


#: ids of records that failed their own checks, per collection: id -> the names it goes by
Invalid = dict[str, dict[str, tuple[str, ...]]]
#: well-formed references in records that failed their own checks: (file, line, record, path, id, collection)
Pending = list[tuple[str, int | None, str, tuple, str, str]]
#: at most this many of those are checked (past the cap they would only be counted; the next run finds them)
MAX_PENDING = 10_000


def _check_references(records: dict[str, list[tuple[Any, YamlFile, int]]], unreadable: set[str],
                      meta: DatasetMeta | None, invalid: Invalid, pending: Pending, problems: ProblemLog) -> None:
    """Duplicate ids and dangling references across all collections.

    References into a collection whose file could not be read are not checked: that file's own
    error says it all, and hundreds of echoes would bury it. Nor are references to a record that
    failed its own checks: it is there, and its own problems say what to fix.
    """
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

    def check(where: tuple[str, int | None, str, str], ref: str, target: str) -> None:
        if target == "countries" and ref in known["actors"]:
            problems.append(Problem(*where, f"{ref!r} is an actor but not of kind 'country' "
                                            f"(its kind is {known['actors'][ref].kind.value!r})"))
        else:
            problems.append(Problem(*where, f"{show(ref)} is not {article(NOUNS[target])} id"), hint=(target, ref))

    def resolves(ref: str, target: str) -> bool:
        collection = "actors" if target == "countries" else target
        return ref in known[target] or collection in unreadable or ref in invalid.get(collection, ())

    for items in records.values():
        for record, file, index in items:
            for path, ref, target in references(record):
                if not resolves(ref, target):
                    check((file.label, file.line((index, *path)), record.id, field_name(path)), ref, target)
    for label, line, record_id, path, ref, target in pending:
        if not resolves(ref, target):
            check((label, line, record_id, field_name(path)), ref, target)


def _suggester(records: dict[str, list[tuple[Any, YamlFile, int]]], meta: DatasetMeta | None,
               invalid: Invalid) -> Suggester:
    """Close matches among every record's ids and names, those that failed their checks included."""

    def candidates(target: str) -> Iterator[tuple[str, tuple[str, ...]]]:
        if target == "organisation_types":
            yield from ((t.id, (t.label,)) for t in (meta.organisation_types if meta else ()))
        else:
            for record, _, _ in records["actors" if target == "countries" else target]:
                if target != "countries" or record.kind is ActorKind.country:
                    yield record.id, names_of(record)
        yield from invalid.get(target, {}).items()

    return Suggester(candidates)


def _read_records(collection: Collection, name: str, model: type[BaseModel],
                  records: list[tuple[BaseModel, YamlFile, int]], invalid: Invalid, pending: Pending,
                  problems: ProblemLog) -> bool:
    """Validate a collection's records one by one into ``records``; False if part of it was unreadable.

    A record that fails its own checks is still known by its id (in ``invalid``), so that
    references to it are not reported as well; its own well-formed references go to ``pending``,
    to be checked with the others.
    """
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
            if not problems.count_again(entry.label, "-", message := _not_a_mapping(model, entry.data)):
                problems.append(Problem(entry.label, entry.line((index,)), record_name(entry.data, index), "-",
                                        message))
        elif (parsed := _validate_record(model, entry.data, entry, (index,), record_name(entry.data, index),
                                         problems)) is not None:
            entry.data = None  # the record is kept as ``parsed``; only its line numbers are still needed
            records.append((parsed, entry, index))
        else:
            record = record_name(entry.data, index)
            if len(pending) < MAX_PENDING and not problems.full(entry.label):
                pending.extend((entry.label, entry.line((index, *path)), record, path, ref, target)
                               for path, ref, target in raw_references(model, entry.data))
            if isinstance(ident := entry.data.get("id"), str) and ident not in invalid.setdefault(name, {}):
                invalid[name][ident] = names_of(entry.data)
                if name == "actors" and entry.data.get("kind") == "country":
                    invalid.setdefault("countries", {})[ident] = invalid[name][ident]
    return readable


def _declared_types(data: Any) -> dict[str, tuple[str, ...]] | None:
    """The organisation types a dataset.yaml that failed its checks declares (None if they cannot be read)."""
    declared = data.get("organisation_types", []) if isinstance(data, dict) else None
    if not isinstance(declared, list) or not all(isinstance(t, dict) for t in declared):
        return None
    return {t["id"]: names_of(t) for t in declared if isinstance(t.get("id"), str)}


def load_dataset(folder: str | Path, step: Step = no_progress) -> Dataset:
    """Load and validate the dataset in ``folder`` (``step`` is told each file it reads, then the checks).

    >>> ds = load_dataset("data/india-israel")   # doctest: +SKIP
    >>> ds.meta.title                            # doctest: +SKIP
    'India–Israel defence cooperation'

    Raises DatasetError listing every problem; never returns a partial dataset.
    """
    root = Path(folder)
    if not root.is_dir():
        raise DatasetError([Problem(str(root), None, "-", "-", "not a dataset folder (no such directory)")])
    problems = ProblemLog()
    invalid: Invalid = {}
    pending: Pending = []
    unreadable: set[str] = set()

    meta: DatasetMeta | None = None
    meta_file: YamlFile | None = None
    meta_path = root / "dataset.yaml"
    if not meta_path.is_file():
        message = "missing file (the dataset's title and schema version)"
        problems.append(Problem(str(meta_path), None, "-", "-", message))
    elif (meta_file := read_yaml(meta_path, str(meta_path), problems)) is not None:
        if not isinstance(meta_file.data, dict):
            problems.append(Problem(meta_file.label, 1, "dataset", "-", _not_a_mapping(DatasetMeta, meta_file.data)))
        else:
            if meta_file.data.get("schema_version") == 1:
                raise DatasetError([Problem(meta_file.label, meta_file.line(("schema_version",)), "dataset",
                                            "schema_version", "this dataset uses schema v1; convert it with "
                                            f"`viz migrate {root}` (schema v2 adds series, windows, statuses)")])
            meta = _validate_record(DatasetMeta, meta_file.data, meta_file, (), "dataset", problems)
    if meta is None:  # the types it declares are still known, unless they cannot be read at all
        types = _declared_types(meta_file.data) if meta_file is not None else None
        if types is None:
            unreadable.add("organisation_types")
        else:
            invalid["organisation_types"] = types

    records: dict[str, list[tuple[BaseModel, YamlFile, int]]] = {}
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
        step(f"reading {path.name}")
        collection = (read_csv(path, str(path), model, problems) if path.suffix == ".csv"
                      else read_json(path, str(path), problems) if path.suffix == ".json"
                      else read_collection_yaml(path, str(path), problems))
        if collection is None or not _read_records(collection, name, model, records[name], invalid, pending,
                                                   problems):
            unreadable.add(name)

    step("checking references")
    _check_references(records, unreadable, meta, invalid, pending, problems)
    suggester = _suggester(records, meta, invalid)
    problems.add_hints(lambda hint: suggester.hint(*hint))
    if problems or meta is None:
        raise problems.error()
    return Dataset(
        path=root,
        meta=meta,
        **{name: tuple(rec for rec, _, _ in items) for name, items in records.items()},  # type: ignore[arg-type]
    )
