"""Edit a dataset folder record by record: checked, atomic, logged, undoable (the library behind ``viz serve --edit``).

Every save or delete:

- is checked against what the editor saw: it carries ``based_on``, the :func:`record_hash` of the record when
  the form opened, and is refused (:class:`StaleEdit`) if the record has changed since -- never a silent overwrite;
- rests on sources: a new or changed fact (any record but a source) must cite at least one existing source id;
- is validated with the project's loader in a scratch copy of the dataset before anything is written
  (:func:`viz.record.yaml_writer.trial_load`); problems come back as an :class:`EditError` naming file, record,
  field and value;
- changes the round-trip YAML in place (:mod:`viz.record.edit_yaml`), so ``git diff`` shows only the lines changed;
- writes the changed files, the undo data and the change log together (:func:`viz.record.files.write_files`).

``changes.jsonl`` in the dataset folder gets one JSON object per line and change (sorted keys), never rewritten
but for lines added at its end. ``.viz-undo/`` in the folder holds the bytes the last change replaced
(one step of undo). Edits of one folder take turns, across processes too (a lock on the folder).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from viz.record.edit_yaml import (
    FormDataError,
    clean_form_data,
    describe,
    find_references,
    merge_mapping,
    record_tail_kept,
    remove_item,
    remove_reference,
)
from viz.record.files import write_files
from viz.record.load import COLLECTIONS as MODELS
from viz.record.load import FORMATS, Dataset, load_dataset
from viz.record.problems import DatasetError, shorten
from viz.record.references import NOUNS, article
from viz.record.yaml_writer import (
    CollectionFile,
    NotYamlError,
    append_records,
    house_style,
    open_collection,
    plain,
    trial_load,
)

#: each kind of record -> the file it is kept in
COLLECTIONS = {"actor": "actors.yaml", "event": "events.yaml", "agreement": "agreements.yaml",
               "source": "sources.yaml", "series": "series.yaml"}
#: kinds whose records are facts: a new or changed one must rest on at least one source (sources are documents)
FACTS = frozenset({"actor", "event", "agreement", "series"})
#: the change log, in the dataset folder
CHANGES = "changes.jsonl"
#: the undo data and the lock, in the dataset folder
UNDO_DIR = ".viz-undo"
#: collections whose ids share one namespace (both are graph nodes; see viz.record.load)
SHARED_IDS = ("actors", "agreements")
#: each collection -> the kind of its records
KINDS = {file.removesuffix(".yaml"): kind for kind, file in COLLECTIONS.items()}
_WRITER = "the editor"


class EditError(Exception):
    """An edit that was refused; nothing was written. Each problem names file, record, field and value."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class StaleEdit(EditError):
    """The record (or file) changed since the editor read it: reload, then edit again."""


@dataclasses.dataclass(frozen=True)
class Change:
    """One line of ``changes.jsonl``."""

    time: str  # UTC, ISO 8601
    action: str  # add | change | delete | undo
    kind: str  # actor | event | agreement | source | series
    ids: list[str]
    before: dict | None  # the record before (None for an add)
    after: dict | None  # the record after (None for a delete)
    sources: list[str]  # the source ids the change rests on
    reason: str
    files: dict[str, str]  # file name -> sha256 of its bytes after the change

    def line(self) -> str:
        """The change as one line of JSON (sorted keys, so lines compare and diff well)."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True, ensure_ascii=False)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _root(data_dir: str | Path) -> Path:
    root = Path(data_dir)
    if not (root / "dataset.yaml").is_file():
        raise EditError(f"{root}: not a dataset folder (it has no dataset.yaml)")
    return root


def _collection(kind: str) -> str:
    if kind not in COLLECTIONS:
        raise EditError(f"{kind!r} is not a kind of record; the kinds are {', '.join(COLLECTIONS)}")
    return COLLECTIONS[kind].removesuffix(".yaml")


def _open(root: Path, name: str) -> CollectionFile:
    try:
        return open_collection(root, name, _WRITER)
    except NotYamlError as exc:
        raise EditError(str(exc)) from None


def _index(opened: CollectionFile, record_id: str) -> int | None:
    return next((n for n, r in enumerate(opened.document) if isinstance(r, dict) and r.get("id") == record_id), None)


def _hash(data: dict) -> str:
    return _sha256(json.dumps(data, sort_keys=True, ensure_ascii=False))


def _stored(root: Path, kind: str, record_id: str) -> tuple[CollectionFile, int]:
    opened = _open(root, _collection(kind))
    index = _index(opened, record_id)
    if index is None:
        raise EditError(f"{opened.path}: {record_id!r}: no {NOUNS[_collection(kind)]} has this id")
    return opened, index


def record_hash(data_dir: str | Path, kind: str, record_id: str) -> str:
    """The hash of a record as stored: what a form is based on (``based_on``)."""
    opened, index = _stored(_root(data_dir), kind, record_id)
    return _hash(plain(opened.document[index]))


def read_record(data_dir: str | Path, kind: str, record_id: str) -> dict:
    """One record as plain data (dates as ISO text), as a form shows it."""
    opened, index = _stored(_root(data_dir), kind, record_id)
    return plain(opened.document[index])


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One edit of a folder at a time, across processes (a gunicorn worker each)."""
    handle = os.open(root, os.O_RDONLY)  # the folder itself: a refused edit leaves no lock file behind
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the descriptor closes
        yield
    finally:
        os.close(handle)


def _load(root: Path) -> Dataset:
    try:
        return load_dataset(root)
    except DatasetError as exc:
        raise EditError([f"{root}: the dataset is invalid as it stands; fix it first (nothing was written):",
                         *map(str, exc.problems)]) from None


def _checked_record(root: Path, kind: str, record: Any) -> dict:
    name = _collection(kind)
    label = f"{root / COLLECTIONS[kind]}"
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise EditError(f"{label}: the record needs an 'id' (text), got {shorten(repr(record), 60)}")
    ident = record["id"]
    try:
        clean = clean_form_data(record, f"{label}: {ident}")
    except FormDataError as exc:
        raise EditError(str(exc)) from None
    fields = MODELS[name].model_fields
    for key in clean:
        if key not in fields:
            raise EditError(f"{label}: {ident}: {shorten(key, 60)}: {NOUNS[name]} records have no such field "
                            f"(fields: {', '.join(fields)})")
    return clean


def _check_sources(root: Path, kind: str, ident: str, sources: Any, dataset: Dataset) -> list[str]:
    label = f"{root / COLLECTIONS[kind]}: {ident}: sources"
    if not isinstance(sources, list | tuple) or not all(isinstance(s, str) for s in sources):
        raise EditError(f"{label}: {shorten(repr(sources), 60)} is not a list of source ids")
    if kind in FACTS and not sources:
        raise EditError(f"{label}: a new or changed {kind} must cite at least one source id "
                        "(the source the change rests on); none was given")
    if unknown := [s for s in sources if s not in dataset.source_by_id]:
        raise EditError(f"{label}: {shorten(unknown[0], 60)} is not a source id in {root} (add the source first)")
    return list(sources)


def _reason(reason: Any) -> str:
    if not isinstance(reason, str):
        raise EditError(f"reason: {shorten(repr(reason), 60)} is not text")
    return reason


def _check_free(root: Path, name: str, ident: str, dataset: Dataset) -> None:
    for other in (SHARED_IDS if name in SHARED_IDS else (name,)):
        if ident in getattr(dataset, f"{NOUNS[other]}_by_id"):
            raise EditError(f"{root / f'{name}.yaml'}: {ident}: id: {ident!r} is already the id of "
                            f"{article(NOUNS[other])}; give the record another id")


def _validate(root: Path, texts: dict[Path, str], expected: dict[tuple[str, str], dict]) -> None:
    """Load the dataset as it would be (scratch copy); the saved records must read back as given."""
    try:
        result = trial_load(root, texts)
    except DatasetError as exc:
        more = [f"… and {exc.omitted:,} more problems"] if exc.omitted else []
        raise EditError(["the dataset would not validate after this change, so nothing was written:",
                         *map(str, exc.problems), *more]) from None
    for (name, ident), data in expected.items():
        stored = getattr(result, f"{NOUNS[name]}_by_id")[ident]
        if stored.model_dump() != MODELS[name].model_validate(data).model_dump():
            raise EditError(f"{root / f'{name}.yaml'}: {ident}: the record would not read back as entered; "
                            "nothing was written (please report this)")


def _commit(root: Path, texts: dict[Path, str], changes: list[Change]) -> Change:
    """Write the files, the undo data and the log lines together; the last change, with its file hashes."""
    after = {path.name: _sha256(text) for path, text in texts.items()}
    changes = [dataclasses.replace(c, files=after) for c in changes]
    previous = {path.name: base64.b64encode(path.read_bytes()).decode() if path.is_file() else None
                for path in texts}
    undo = {"changes": [dataclasses.asdict(c) for c in changes], "previous": previous, "after": after}
    write_files({**texts, root / UNDO_DIR / "last.json": json.dumps(undo, sort_keys=True),
                 root / CHANGES: _appended(root, changes)})
    return changes[-1]


def _appended(root: Path, changes: list[Change]) -> bytes:
    """The log with the changes' lines added at its end (the whole file is written, atomically, with the data)."""
    log = root / CHANGES
    old = log.read_bytes() if log.is_file() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    return old + "".join(f"{c.line()}\n" for c in changes).encode("utf-8")


def save_record(data_dir: str | Path, kind: str, record: dict, *, based_on: str | None, sources: list[str],
                reason: str, replace_id: str | None = None) -> Change:
    """Add a record (``based_on`` None: its id must be new) or change one (``based_on``: its :func:`record_hash`
    when the form opened; ``replace_id``: its id, when the form renames it). Fields set to None are left out.

    Raises :class:`StaleEdit` if the record changed since, :class:`EditError` if the change is refused.
    """
    root = _root(data_dir)
    name = _collection(kind)
    new, reason = _checked_record(root, kind, record), _reason(reason)
    ident = new["id"]
    with _locked(root):
        dataset = _load(root)
        cited = _check_sources(root, kind, ident, sources, dataset)
        opened = _open(root, name)
        if based_on is None:
            if replace_id is not None:
                raise EditError(f"{opened.path}: {replace_id}: renaming a record needs based_on (its record_hash)")
            _check_free(root, name, ident, dataset)
            append_records(opened.document, [house_style(new, top=True)], opened.text)
            before, ids = None, [ident]
        else:
            target = replace_id or ident
            index = _index(opened, target)
            if index is None:
                raise StaleEdit(f"{opened.path}: {target}: someone deleted this {NOUNS[name]} since you opened it; "
                                "reload (nothing was written)")
            before = plain(opened.document[index])
            if _hash(before) != based_on:
                raise StaleEdit(f"{opened.path}: {target}: someone changed this {NOUNS[name]} since you opened it; "
                                "reload and make your change again (nothing was written)")
            if ident != target:
                _check_free(root, name, ident, dataset)
            with record_tail_kept(opened.document, index) as stored:
                merge_mapping(stored, new, MODELS[name])
            if plain(opened.document[index]) == before:
                raise EditError(f"{opened.path}: {target}: nothing to save: the record is unchanged")
            ids = [target] if ident == target else [target, ident]
        texts = {opened.path: opened.dump()}
        _validate(root, texts, {(name, ident): new})
        change = Change(_now(), "add" if before is None else "change", kind, ids, before, new, cited, reason, {})
        return _commit(root, texts, [change])


def commit_applied(data_dir: str | Path, texts: dict[Path, str], *, ids: list[str], sources: list[str],
                   reason: str) -> Change:
    """Write files another stage has prepared and validated (an ingest proposal's accepted items, see
    :func:`viz.ingest.apply.apply_proposal`) as one logged change that :func:`undo_last` can undo."""
    root = _root(data_dir)
    with _locked(root):
        return _commit(root, texts, [Change(_now(), "apply", "proposal", ids, None, None, sources, reason, {})])


def references_to(data_dir: str | Path, kind: str, record_id: str) -> list[str]:
    """Where a record is referenced, one line each: ``events.yaml: event jwg-17: participants[0].actor``."""
    root = _root(data_dir)
    return describe(find_references(_load(root), _collection(kind), record_id))


def delete_record(data_dir: str | Path, kind: str, record_id: str, *, based_on: str, reason: str,
                  references: str = "refuse") -> Change:
    """Delete a record. If others reference it: ``references="refuse"`` raises :class:`EditError` listing them;
    ``"remove"`` removes those references too (each referencing record gets its own line in the log)."""
    if references not in ("refuse", "remove"):
        raise EditError(f"references: {references!r} is not 'refuse' or 'remove'")
    root, name, reason = _root(data_dir), _collection(kind), _reason(reason)
    with _locked(root):
        dataset = _load(root)
        opened = _open(root, name)
        index = _index(opened, record_id)
        if index is None:
            raise StaleEdit(f"{opened.path}: {record_id}: someone deleted this {NOUNS[name]} already; reload")
        before = plain(opened.document[index])
        if _hash(before) != based_on:
            raise StaleEdit(f"{opened.path}: {record_id}: someone changed this {NOUNS[name]} since you opened it; "
                            "reload, then delete it if you still mean to (nothing was written)")
        found = find_references(dataset, name, record_id)
        if found and references == "refuse":
            raise EditError([f"{opened.path}: {record_id}: cannot delete this {NOUNS[name]}: {len(found)} "
                             "reference(s) to it would be left dangling (remove them too, or edit those "
                             "records first); nothing was written:", *describe(found)])
        files, changes, now = {name: opened}, [], _now()
        by_record: dict[tuple[str, str], list[tuple]] = {}
        for collection, record, path in found:
            by_record.setdefault((collection, record.id), []).append(path)
        for (collection, ident), paths in by_record.items():
            edited = files[collection] if collection in files else files.setdefault(collection, _open(root, collection))
            with record_tail_kept(edited.document, _index(edited, ident)) as stored:
                old = plain(stored)
                for path in sorted(paths, reverse=True):  # from the last: earlier paths stay valid
                    remove_reference(stored, path)
            changes.append(Change(now, "change", KINDS[collection], [ident], old, plain(stored), [],
                                  f"{reason} (reference to deleted {NOUNS[name]} {record_id} removed)", {}))
        remove_item(opened.document, _index(opened, record_id))
        texts = {f.path: f.dump() for f in files.values()}
        _validate(root, texts, {})
        changes.append(Change(now, "delete", kind, [record_id, *(i for _, i in by_record)], before, None, [],
                              reason, {}))
        return _commit(root, texts, changes)


def undo_last(data_dir: str | Path) -> Change:
    """Restore the bytes the last save or delete replaced (one step; the undo is logged).

    Raises :class:`StaleEdit` if those files changed since, :class:`EditError` if there is nothing to undo.
    """
    root = _root(data_dir)
    with _locked(root):
        stash = root / UNDO_DIR / "last.json"
        if not stash.is_file():
            raise EditError(f"{root}: nothing to undo (only the last change can be undone, once)")
        undo = json.loads(stash.read_text(encoding="utf-8"))
        for file, digest in undo["after"].items():
            path = root / file
            if not path.is_file() or _sha256(path.read_bytes()) != digest:
                raise StaleEdit(f"{path}: changed since the last edit (by hand or by someone else); undoing would "
                                "lose that, so nothing was restored")
        restore = {root / file: base64.b64decode(data) for file, data in undo["previous"].items() if data is not None}
        gone = [root / file for file, data in undo["previous"].items() if data is None]  # files the change created
        last = Change(**undo["changes"][-1])
        try:
            trial_load(root, {path: data.decode("utf-8") for path, data in restore.items()})
        except DatasetError as exc:
            raise EditError(["undoing would leave the dataset invalid (other files changed since), so nothing was "
                             "restored:", *map(str, exc.problems)]) from None
        change = Change(_now(), "undo", last.kind, list(dict.fromkeys(i for c in undo["changes"] for i in c["ids"])),
                        last.after, last.before, last.sources, f"undo of the {last.action} of {last.time}",
                        {path.name: _sha256(data) for path, data in restore.items()})
        write_files({**restore, root / CHANGES: _appended(root, [change])})
        for path in gone:
            path.unlink(missing_ok=True)
        stash.unlink()
        return change


def read_changes(data_dir: str | Path) -> list[Change]:
    """The change log, oldest first (empty if nothing was ever changed)."""
    log = _root(data_dir) / CHANGES
    if not log.is_file():
        return []
    changes = []
    fields = [f.name for f in dataclasses.fields(Change)]
    for number, text in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            changes.append(Change(**{f: data[f] for f in fields}))
        except (ValueError, TypeError, KeyError) as exc:
            raise EditError(f"{log}:{number}: not a change record ({exc})") from None
    return changes


#: the files a dataset is made of, in any format, and its change log
_DATASET_FILES = ("dataset.yaml", *(f"{c}.{ext}" for c in MODELS for ext in FORMATS), CHANGES)


def zip_dataset(data_dir: str | Path) -> bytes:
    """The dataset's files (and its change log) as a zip, for download; the same files give the same bytes."""
    root = _root(data_dir)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in _DATASET_FILES:
            if (root / name).is_file():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                archive.writestr(info, (root / name).read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
