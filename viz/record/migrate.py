"""Convert a schema v1 dataset to schema v2, in place and all at once.

What changes (everything else is left byte for byte):

- ``dataset.yaml``: ``schema_version: 2``;
- events of the v1 kind ``jwg_session`` become ``kind: session`` with ``series:``
  naming a new series record, one per distinct ``body`` those events met in
  (name from the body, short name from its all-capitals alias or its initials,
  parties from the countries of the sessions' participants); an unnumbered
  session gets ``session: unknown``;
- ``series.yaml`` is written with those series.

Collections in YAML keep their comments and formatting (:mod:`viz.record.yaml_writer`);
JSON collections are rewritten as JSON. The result is validated before anything
is written; if it does not validate, or any write fails, the folder is unchanged.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from viz.record.files import write_files
from viz.record.problems import DatasetError, Problem
from viz.record.yaml_writer import dump_document, insert_after, read_document

V1_SESSION_KIND = "jwg_session"
COLLECTIONS = ("sources", "actors", "agreements", "events")


def _refuse(folder: Path, message: str) -> DatasetError:
    return DatasetError([Problem(str(folder), None, "-", "-", message)])


def _collection(folder: Path, name: str) -> tuple[Path, Any]:
    for ext in ("yaml", "json"):
        path = folder / f"{name}.{ext}"
        if path.is_file():
            data = read_document(path) if ext == "yaml" else json.loads(path.read_text(encoding="utf-8"))
            return path, data if data is not None else []
    if (folder / f"{name}.csv").is_file():
        raise _refuse(folder, f"{name}.csv: migrating CSV collections is not supported; "
                              "convert it to YAML or JSON first")
    raise _refuse(folder, f"missing {name}.yaml or {name}.json")


def _short_name(body: dict) -> str:
    for alias in body.get("aliases") or ():
        if re.fullmatch(r"[A-Z][A-Z0-9&-]{1,11}", str(alias)):
            return str(alias)
    words = re.findall(r"[A-Za-z][A-Za-z]+", str(body.get("name", "")))
    return "".join(w[0].upper() for w in words if w.lower() not in {"on", "of", "the", "and", "for"}) or "S"


def _series_for(sessions: list[dict], actors: dict[str, dict]) -> list[CommentedMap]:
    """One series per body that v1 sessions met in."""
    series: dict[str, CommentedMap] = {}
    for event in sessions:
        body_id = event.get("body")
        if not body_id or body_id not in actors:
            raise ValueError(f"event {event.get('id')!r}: a jwg_session without a known 'body' cannot be "
                             "given a series; set its body first")
        if body_id in series:
            continue
        body = actors[body_id]
        record = CommentedMap()
        record["id"] = body_id
        record["name"] = body.get("name", body_id)
        record["short_name"] = _short_name(body)
        record["body"] = body_id
        record["parties"] = []
        record["sources"] = list(body.get("sources") or [])
        series[body_id] = record
    for event in sessions:
        parties = series[event["body"]]["parties"]
        for person in event.get("participants") or ():
            country = actors.get(person.get("actor"), {}).get("country")
            if country and country not in parties:
                parties.append(country)
    for record in series.values():
        record["parties"] = sorted(record["parties"])
        if not record["sources"]:
            del record["sources"]
    return list(series.values())


def migrated_texts(folder: str | Path) -> dict[Path, str]:
    """The new text of every file that changes (v1 -> v2); raises DatasetError if it cannot."""
    root = Path(folder)
    meta_path = root / "dataset.yaml"
    if not meta_path.is_file():
        raise _refuse(root, "not a dataset folder (no dataset.yaml)")
    meta = read_document(meta_path)
    version = meta.get("schema_version") if isinstance(meta, dict) else None
    if version == 2:
        raise _refuse(root, "already schema v2: nothing to migrate")
    if version != 1:
        raise _refuse(root, f"dataset.yaml: schema_version is {version!r}; only v1 datasets can be migrated")
    if (root / "series.yaml").exists() or (root / "series.json").exists():
        raise _refuse(root, "a v1 dataset with a series file: remove it or set schema_version by hand")
    _, actors = _collection(root, "actors")
    events_path, events = _collection(root, "events")
    actor_by_id = {a.get("id"): a for a in actors if isinstance(a, dict)}
    sessions = [e for e in events if isinstance(e, dict) and e.get("kind") == V1_SESSION_KIND]
    try:
        series = _series_for(sessions, actor_by_id)
    except ValueError as exc:
        raise _refuse(events_path, str(exc)) from None
    for event in sessions:
        event["kind"] = "session"
        if isinstance(event, CommentedMap):
            insert_after(event, "kind", "series", event["body"])
        else:
            event["series"] = event["body"]
        if event.get("session") is None:
            if isinstance(event, CommentedMap):
                insert_after(event, "series", "session", "unknown")
            else:
                event["session"] = "unknown"
    meta["schema_version"] = 2
    texts = {meta_path: dump_document(meta)}
    if sessions:
        texts[events_path] = (dump_document(events) if events_path.suffix == ".yaml"
                              else json.dumps(events, ensure_ascii=False, indent=1) + "\n")
    header = ("# Recurring bodies whose numbered sessions form a series (schema: viz/record/model.py, Series).\n"
              "# Written by `viz migrate` from the v1 sessions' bodies: check names and parties.\n")
    texts[root / "series.yaml"] = header + (dump_document(CommentedSeq(series)) if series else "[]\n")
    return texts


def migrate_dataset(folder: str | Path) -> list[Path]:
    """Migrate ``folder`` from v1 to v2 in place; returns the files written.

    The result is validated in a scratch copy first: on any problem nothing is
    written and :class:`DatasetError` says why.
    """
    from viz.record.load import load_dataset  # the loader is the judge of the result

    root = Path(folder)
    texts = migrated_texts(root)
    with tempfile.TemporaryDirectory(prefix="viz-migrate-") as scratch:
        trial = Path(scratch) / root.name
        shutil.copytree(root, trial)
        write_files({trial / path.name: text for path, text in texts.items()})
        load_dataset(trial)
    write_files(texts)
    return list(texts)
