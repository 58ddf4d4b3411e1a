"""``viz apply``: merge the reviewed items of a proposal (:mod:`viz.ingest.proposal`) into a dataset folder.

Items marked ``decision: accept`` (or, with ``all_items``, every item not rejected) are applied:
a ``new`` item's record is appended to its collection file, an ``existing`` item's ``add`` is
merged into the record it names (list fields gain the values they lack; a field the record does
not have is set). Nothing is written unless the whole result validates with the project's loader,
and then every changed file is written at once (:func:`viz.record.files.write_files`) through the
round-trip writer (:mod:`viz.record.yaml_writer`), so comments, order and formatting are kept.

Applying the same proposal twice: its new records are refused the second time (their ids exist),
and additions the record already holds are skipped, so a pure corroboration is idempotent.
"""

from __future__ import annotations

import dataclasses
import typing
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from viz.ingest.proposal import Item, Proposal, ProposalError, load_proposal
from viz.record.files import write_files
from viz.record.load import COLLECTIONS, Dataset, load_dataset
from viz.record.problems import DatasetError, shorten
from viz.record.references import NOUNS, article
from viz.record.yaml_writer import (
    NotYamlError,
    append_records,
    dump_document,
    house_style,
    insert_in_order,
    open_collection,
    plain,
    trial_load,
)

#: the collection an item of each kind is a record of, or adds to (mentions and topics belong to events)
TARGETS = {"source": "sources", "actor": "actors", "role": "actors", "event": "events",
           "agreement": "agreements", "mention": "events", "topic": "events"}
#: collections whose ids share one namespace (both are graph nodes; see viz.record.load)
SHARED_IDS = ("actors", "agreements")
#: the order of the summary
ORDER = ("actors", "events", "agreements", "sources", "series")


class ApplyError(Exception):
    """A proposal that cannot be applied; the message names the file, item, field and value. Nothing was written."""


@dataclasses.dataclass
class ApplyResult:
    """What applying a proposal changed (or, in a dry run, would change)."""

    summary: str
    written: list[Path]
    dry_run: bool
    applied: int
    skipped: int


def _shown(value: Any) -> str:
    return shorten(value, 60) if isinstance(value, str) else shorten(repr(plain(value)), 60)


@dataclasses.dataclass
class _Collection:
    """One collection file being edited: its round-trip document, new records and changes made."""

    path: Path
    text: str
    document: CommentedSeq
    new: list[dict] = dataclasses.field(default_factory=list)
    styled: dict[str, CommentedMap] = dataclasses.field(default_factory=dict)  # new records, by id
    changed: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # record id -> fields added to
    roles: int = 0  # roles added to existing actors

    @property
    def dirty(self) -> bool:
        return bool(self.new or self.changed or self.roles)


class _Plan:
    """The edits a proposal makes, collected file by file; problems are gathered, not raised one by one."""

    def __init__(self, proposal_path: Path, root: Path, dataset: Dataset):
        self.label, self.root, self.dataset = str(proposal_path), root, dataset
        self.files: dict[str, _Collection] = {}
        self.problems: list[str] = []
        self.prefix: dict[Path, str] = {}  # what comes before the records of a file that had none
        self.new_ids: dict[str, dict[str, str]] = {name: {} for name in COLLECTIONS}  # collection -> id -> key

    def problem(self, item: Item, field: str, message: str) -> None:
        self.problems.append(f"{self.label}: item {item.key!r}: {field}: {message}")

    def existing_ids(self, name: str) -> dict[str, Any]:
        return _by_id(self.dataset, name)

    def collection(self, name: str) -> _Collection:
        """The collection's file, opened for editing (created, if an optional collection has none)."""
        if name not in self.files:
            try:
                opened = open_collection(self.root, name, "`viz apply`")
            except NotYamlError as exc:
                raise ApplyError(str(exc)) from None
            self.prefix[opened.path] = opened.prefix
            self.files[name] = _Collection(opened.path, opened.text, opened.document)
        return self.files[name]

    def add_new(self, item: Item) -> None:
        """A new record: its id must be free in the dataset and in the proposal."""
        if item.record is None:  # a mention or topic: an addition to an event, or only information
            if item.kind not in ("mention", "topic"):
                return self.problem(item, "record", "a new item needs 'record' (the record to add)")
            return self.add_to(item) if item.add else None
        if item.kind == "topic":
            return self.problem(item, "record", "a topic is added to an event ('add: {topics: [...]}'), not a record")
        name = "actors" if item.kind == "mention" else TARGETS[item.kind]  # a body only named is still an actor
        ident = item.record.get("id", item.id)
        if not isinstance(ident, str):
            return self.problem(item, "record.id", f"{_shown(ident)} is not an id")
        for other in (SHARED_IDS if name in SHARED_IDS else (name,)):
            if ident in self.existing_ids(other):
                return self.problem(item, "id", f"{ident!r} is already the id of {article(NOUNS[other])} in "
                                                f"{self.root}; give the new record another id")
            if ident in self.new_ids[other]:
                return self.problem(item, "id", f"{ident!r} is also proposed by item {self.new_ids[other][ident]!r}")
        self.new_ids[name][ident] = item.key
        record = {"id": ident, **item.record}
        collection = self.collection(name)
        collection.new.append(record)
        collection.styled[ident] = house_style(record, top=True)

    def add_to(self, item: Item) -> None:
        """Merge ``add`` into the record it names: a record of the dataset, or one this proposal adds."""
        name = TARGETS[item.kind]
        if not item.add:
            return
        if item.id is None:
            return self.problem(item, "id", f"missing: an item with 'add' needs the id of the {NOUNS[name]} it adds to")
        collection = self.collection(name)
        target = collection.styled.get(item.id) if item.id in self.new_ids[name] else None
        if target is None:
            if item.id not in self.existing_ids(name):
                self.problem(item, "id", f"{_shown(item.id)} is not {article(NOUNS[name])} id in {self.root} "
                                         f"(an 'existing' item names a record the dataset has)")
                return
            target = next(r for r in collection.document if isinstance(r, dict) and r.get("id") == item.id)
        model = COLLECTIONS[name]
        for field, value in item.add.items():
            self.merge(item, collection, model, target, field, value)

    def merge(self, item: Item, collection: _Collection, model: type[BaseModel], target: CommentedMap,
              field: str, value: Any) -> None:
        """Append the values a list field lacks; set a field the record does not have."""
        where = f"add.{field}"
        if field == "id" or field not in model.model_fields:
            self.problem(item, where, f"{NOUNS[_name_of(model)]} records have no field {field!r} to add to"
                         if field != "id" else "an id cannot be changed")
            return
        listed = typing.get_origin(model.model_fields[field].annotation) is tuple  # sources, roles, topics, ...
        if listed and not isinstance(value, list):
            self.problem(item, where, f"{_shown(value)} is not a list (write [{_shown(value)}])")
            return
        if listed and isinstance(target.get(field), list):
            present, fresh = [plain(v) for v in target[field]], []
            for entry in value:
                if plain(entry) not in present:
                    present.append(plain(entry))
                    fresh.append(entry)
            target[field].extend(house_style(v, field, item=True) for v in fresh)
            count = len(fresh)
        elif field in target:
            if plain(target[field]) != plain(value):
                self.problem(item, where, f"the record already has {field} {_shown(target[field])}; "
                                          f"apply will not overwrite it with {_shown(value)} (edit the file)")
            return
        else:
            insert_in_order(target, field, house_style(value, field), list(model.model_fields))
            count = len(value) if isinstance(value, list) else 1
        if not count or target is collection.styled.get(str(target.get("id"))):
            return  # nothing new, or a record this proposal adds anyway
        if field == "roles":
            collection.roles += count
        else:
            collection.changed.setdefault(str(target.get("id")), set()).add(field)

    def texts(self) -> dict[Path, str]:
        """The new text of every changed file."""
        texts = {}
        for collection in self.files.values():
            if collection.dirty:
                append_records(collection.document, [collection.styled[r["id"]] for r in collection.new],
                               collection.text)
                texts[collection.path] = self.prefix.get(collection.path, "") + dump_document(collection.document)
        return texts

    def summary(self) -> str:
        """``+2 actors, +1 event, ~1 actor role, ~1 event (sources)``."""
        files = [self.files[name] for name in ORDER if name in self.files]
        parts = [f"+{len(c.new)} {_plural(NOUNS[_name(c)], len(c.new))}" for c in files if c.new]
        for collection in files:
            noun = NOUNS[_name(collection)]
            if collection.roles:
                parts.append(f"~{collection.roles} {noun} {_plural('role', collection.roles)}")
            groups = Counter(", ".join(sorted(fields)) for fields in collection.changed.values())
            parts += [f"~{count} {_plural(noun, count)} ({fields})" for fields, count in sorted(groups.items())]
        return ", ".join(parts)


def _plural(noun: str, count: int) -> str:
    return noun if count == 1 or noun == "series" else f"{noun}s"


def _name_of(model: type[BaseModel]) -> str:
    return next(name for name, m in COLLECTIONS.items() if m is model)


def _by_id(dataset: Dataset, name: str) -> dict[str, Any]:
    """A collection's records by id (``dataset.actor_by_id`` for "actors")."""
    return getattr(dataset, f"{NOUNS[name]}_by_id")


def _name(collection: _Collection) -> str:
    return collection.path.stem


def _selected(proposal: Proposal, all_items: bool) -> list[Item]:
    return [i for i in proposal.items if i.decision == "accept" or (all_items and i.decision != "reject")]


def _validate(root: Path, texts: dict[Path, str], plan: _Plan, skipped: list[Item]) -> None:
    """Load the dataset as it would be, in a scratch copy; raise ApplyError with the loader's problems."""
    try:
        result = trial_load(root, texts)
    except DatasetError as exc:
        lines = [str(p) for p in exc.problems]
        if exc.omitted:
            lines.append(f"… and {exc.omitted:,} more problems")
        pending = {i.id or (i.record or {}).get("id"): i for i in skipped if i.status == "new"}
        lines += [f"note: {ident!r} is proposed by item {item.key!r} (decision: {item.decision}), which is "
                  "not applied: mark it 'accept' or use --all"
                  for ident, item in pending.items() if ident and any(repr(ident) in line for line in lines)]
        raise ApplyError("the dataset would not validate after applying the proposal, so nothing was "
                         f"written ({exc.count} problem{'s' if exc.count != 1 else ''}):\n" + "\n".join(lines)
                         ) from None
    for name, collection in plan.files.items():  # what the files say is what the proposal said
        by_id = _by_id(result, name)
        for ident, styled in collection.styled.items():
            if by_id[ident].model_dump() != COLLECTIONS[name].model_validate(plain(styled)).model_dump():
                raise ApplyError(f"{collection.path}: record {ident!r} would not read back as proposed; "
                                 "nothing was written (please report this)")


def read_proposal(path: Path) -> Proposal:
    """The proposal file (:func:`viz.ingest.proposal.load_proposal`), its problems as an :class:`ApplyError`."""
    try:
        return load_proposal(path)
    except ProposalError as exc:
        raise ApplyError(str(exc)) from None


def apply_proposal(proposal_path: str | Path, data_dir: str | Path, all_items: bool = False,
                   force: bool = False, dry_run: bool = False,
                   write: Callable[[dict[Path, str]], object] = write_files) -> ApplyResult:
    """Apply a proposal's accepted items to the dataset in ``data_dir``; see the module docstring.

    Raises :class:`ApplyError` (nothing written) for a proposal that cannot be read or applied,
    or whose result does not validate; :class:`DatasetError` if the dataset is invalid to begin with.
    """
    proposal_path, root = Path(proposal_path), Path(data_dir)
    proposal = read_proposal(proposal_path)
    dataset = load_dataset(root)
    if proposal.dataset != dataset.meta.id and not force:
        raise ApplyError(f"{proposal_path}: dataset: the proposal was made for dataset {proposal.dataset!r}, "
                         f"but {root} is {dataset.meta.id!r}; nothing was written (--force applies it anyway)")
    selected = _selected(proposal, all_items)
    skipped = [i for i in proposal.items if i not in selected]
    plan = _Plan(proposal_path, root, dataset)
    for item in sorted(selected, key=lambda i: i.record is None):  # new records first: additions may name them
        if item.status == "new":
            plan.add_new(item)
        else:
            plan.add_to(item)
    if plan.problems:
        raise ApplyError(f"cannot apply {proposal_path}; nothing was written:\n" + "\n".join(plan.problems))
    texts = plan.texts()
    summary = plan.summary() or (
        f"nothing to apply: the dataset already has all that the {len(selected)} selected items add" if selected
        else f"nothing to apply: none of the {len(proposal.items)} items is marked 'decision: accept' "
             "(--all applies every item not rejected)")
    if texts:
        _validate(root, texts, plan, skipped)
        if not dry_run:
            write(texts)  # (the app logs the change and keeps it undoable: viz.record.edits.commit_applied)
    return ApplyResult(summary, [] if dry_run else list(texts), dry_run, len(selected), len(skipped))
