"""Edit mode with several worker processes: a save made by one is seen by the others (their own copy of the
dataset is loaded again when the dataset's change log has grown), so no worker keeps serving stale data."""

from __future__ import annotations

from pathlib import Path

from viz.app.upload import Contexts, upload_store
from viz.record import edits
from viz.render.view import prepare_context


def _worker(folder: Path, tmp: Path, name: str) -> Contexts:
    contexts = Contexts(prepare_context(folder), upload_store(tmp / f"uploads-{name}"), default_dir=folder)
    contexts.watch = True
    return contexts


def test_a_save_in_one_worker_is_seen_by_another(data_copy: Path, tmp_path: Path):
    first, second = _worker(data_copy, tmp_path, "a"), _worker(data_copy, tmp_path, "b")
    assert second.get(None).dataset.event_by_id["jwg-17"].title == "17th India–Israel JWG on Defence Cooperation"
    record = edits.read_record(data_copy, "event", "jwg-17")
    record["title"] = "17th JWG (retitled in worker a)"
    edits.save_record(data_copy, "event", record, based_on=edits.record_hash(data_copy, "event", "jwg-17"),
                      sources=["ians-2025-11-04-jwg17"], reason="test")
    first.reload(None)
    assert second.get(None).dataset.event_by_id["jwg-17"].title == "17th JWG (retitled in worker a)"
    held = second.get(None)
    assert second.get(None) is held  # nothing changed since: no second load


def test_read_only_workers_do_not_watch(data_copy: Path, tmp_path: Path):
    contexts = Contexts(prepare_context(data_copy), upload_store(tmp_path / "uploads"), default_dir=data_copy)
    held = contexts.get(None)
    record = edits.read_record(data_copy, "event", "jwg-17")
    record["title"] = "changed on disk"
    edits.save_record(data_copy, "event", record, based_on=edits.record_hash(data_copy, "event", "jwg-17"),
                      sources=["ians-2025-11-04-jwg17"], reason="test")
    assert contexts.get(None) is held  # read-only serving never reloads behind the page's back
