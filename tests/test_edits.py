"""Editing a dataset record by record (issue 16, the library): validated first, minimal diffs, no lost work, undo."""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import SMALL_DATA

from viz.app.upload import store_upload, unpack
from viz.record import edits
from viz.record.edits import EditError, StaleEdit
from viz.record.load import load_dataset
from viz.record.storage import FolderStore, Quota

SOURCE = "bs-2025-11-05-mou"  # a source of the default dataset


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the folder, the undo data and log included."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def changed_lines(before: bytes, after: bytes) -> list[str]:
    """The lines a unified diff marks as removed or added."""
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def edit(folder: Path, kind: str, ident: str) -> tuple[dict, str]:
    """What a form holds when it opens: the record and its hash."""
    return edits.read_record(folder, kind, ident), edits.record_hash(folder, kind, ident)


def jwg18() -> dict:
    return {"id": "jwg-18", "title": "18th India–Israel JWG on Defence Cooperation", "kind": "session",
            "series": "jwg-defence", "session": 18, "body": "jwg-defence",
            "date": {"start": "2026-11-04", "precision": "day"}, "place": {"city": "New Delhi", "country": "India"},
            "participants": [{"actor": "rajesh-kumar-singh", "role": "co-chair", "organisation": "mod-india"}],
            "sources": [SOURCE]}


def test_changing_one_roles_as_of_changes_exactly_one_line(data_copy):
    before = snapshot(data_copy)
    record, based_on = edit(data_copy, "actor", "mod-india")
    record["roles"][0]["as_of"] = "2025-11-06"
    change = edits.save_record(data_copy, "actor", record, based_on=based_on, sources=[SOURCE], reason="typo")
    after = snapshot(data_copy)
    assert changed_lines(before["actors.yaml"], after["actors.yaml"]) == ["-      as_of: 2025-11-05",
                                                                         "+      as_of: 2025-11-06"]
    assert {name for name in after if after[name] != before.get(name)} == {
        "actors.yaml", "changes.jsonl", ".viz-undo/last.json"}
    assert load_dataset(data_copy).actor_by_id["mod-india"].roles[0].as_of == "2025-11-06"
    assert change.action == "change" and change.ids == ["mod-india"]
    assert change.before["roles"][0]["as_of"] == "2025-11-05" and change.after["roles"][0]["as_of"] == "2025-11-06"


def test_a_new_session_is_appended_and_other_records_keep_their_bytes(data_copy):
    old = (data_copy / "events.yaml").read_bytes()
    change = edits.save_record(data_copy, "event", jwg18(), based_on=None, sources=[SOURCE], reason="18th JWG")
    new = (data_copy / "events.yaml").read_bytes()
    assert new.startswith(old) and b"\n- id: jwg-18\n" in new[len(old):]
    dataset = load_dataset(data_copy)
    assert dataset.event_by_id["jwg-18"].session == 18
    assert [e.session for e in dataset.sessions_of("jwg-defence")][-1] == 18
    assert change.action == "add" and change.before is None and change.after["id"] == "jwg-18"


def test_adding_a_role_and_a_field_keeps_the_rest_of_the_record(data_copy):
    before = (data_copy / "actors.yaml").read_bytes()
    record, based_on = edit(data_copy, "actor", "india")
    record["roles"].append({"title": "Host of the 18th JWG", "as_of": "2026-11-04", "sources": [SOURCE]})
    record["description"] = "A country"
    edits.save_record(data_copy, "actor", record, based_on=based_on, sources=[SOURCE], reason="role")
    lines = changed_lines(before, (data_copy / "actors.yaml").read_bytes())
    assert lines == ["+  description: A country", "+    - title: Host of the 18th JWG", "+      as_of: 2026-11-04",
                     f"+      sources: [{SOURCE}]"]


def test_a_field_set_to_none_is_removed(data_copy):
    before = (data_copy / "actors.yaml").read_bytes()
    record, based_on = edit(data_copy, "actor", "mod-india")
    record["aliases"] = None
    edits.save_record(data_copy, "actor", record, based_on=based_on, sources=[SOURCE], reason="no aliases")
    assert changed_lines(before, (data_copy / "actors.yaml").read_bytes()) == [
        "-  aliases: [MoD, Indian Ministry of Defence]"]


def test_an_invalid_date_is_refused_naming_file_record_field_and_value_and_writes_nothing(data_copy):
    before = snapshot(data_copy)
    record, based_on = edit(data_copy, "actor", "mod-india")
    record["roles"][0]["as_of"] = "2025-13-45"
    with pytest.raises(EditError) as caught:
        edits.save_record(data_copy, "actor", record, based_on=based_on, sources=[SOURCE], reason="bad")
    message = str(caught.value)
    assert "actors.yaml" in message and "mod-india" in message and "roles[0].as_of" in message
    assert "2025-13-45" in message and "nothing was written" in message and "Traceback" not in message
    assert str(data_copy) in message  # the real folder, not the scratch copy it was checked in
    assert snapshot(data_copy) == before


def test_a_second_editor_working_on_an_old_copy_is_refused(data_copy):
    first, based_on = edit(data_copy, "actor", "mod-india")
    second = json.loads(json.dumps(first))
    first["roles"][0]["as_of"] = "2025-11-06"
    edits.save_record(data_copy, "actor", first, based_on=based_on, sources=[SOURCE], reason="first")
    saved = snapshot(data_copy)
    second["roles"][0]["note"] = "second editor"
    with pytest.raises(StaleEdit, match="someone changed this actor since you opened it"):
        edits.save_record(data_copy, "actor", second, based_on=based_on, sources=[SOURCE], reason="second")
    with pytest.raises(StaleEdit):
        edits.delete_record(data_copy, "actor", "mod-india", based_on=based_on, reason="stale")
    assert snapshot(data_copy) == saved
    # a form opened on another record is not affected
    other, other_hash = edit(data_copy, "actor", "imod")
    other["roles"][0]["note"] = "fine"
    edits.save_record(data_copy, "actor", other, based_on=other_hash, sources=[SOURCE], reason="other")


def test_undo_restores_the_previous_bytes_exactly_once(data_copy):
    before = {name: data for name, data in snapshot(data_copy).items()}
    record, based_on = edit(data_copy, "event", "jwg-17")
    record["place"]["venue"] = "Kirya"
    record["topics"] = record["topics"][:2]
    edits.save_record(data_copy, "event", record, based_on=based_on, sources=[SOURCE], reason="venue")
    assert (data_copy / "events.yaml").read_bytes() != before["events.yaml"]
    change = edits.undo_last(data_copy)
    after = snapshot(data_copy)
    assert {name: after[name] for name in before} == before
    assert change.action == "undo" and change.after["topics"] == before_topics(before)
    assert change.files == {"events.yaml": hashlib.sha256(before["events.yaml"]).hexdigest()}
    with pytest.raises(EditError, match="nothing to undo"):
        edits.undo_last(data_copy)


def before_topics(files: dict[str, bytes]) -> list[str]:
    events = yaml.safe_load(files["events.yaml"])
    return next(e for e in events if e["id"] == "jwg-17")["topics"]


def test_undo_refuses_when_the_files_changed_since(data_copy):
    record, based_on = edit(data_copy, "actor", "mod-india")
    record["roles"][0]["as_of"] = "2025-11-06"
    edits.save_record(data_copy, "actor", record, based_on=based_on, sources=[SOURCE], reason="date")
    path = data_copy / "actors.yaml"
    path.write_bytes(path.read_bytes() + b"# a comment added by hand\n")
    edited = snapshot(data_copy)
    with pytest.raises(StaleEdit, match=r"actors\.yaml: changed since the last edit"):
        edits.undo_last(data_copy)
    assert snapshot(data_copy) == edited


def test_every_change_is_one_sorted_json_line_appended_to_the_log(data_copy):
    record, based_on = edit(data_copy, "actor", "mod-india")
    record["roles"][0]["as_of"] = "2025-11-06"
    edits.save_record(data_copy, "actor", record, based_on=based_on, sources=[SOURCE], reason="date <b>fix</b>")
    log = data_copy / "changes.jsonl"
    first = log.read_bytes()
    edits.save_record(data_copy, "event", jwg18(), based_on=None, sources=[SOURCE], reason="18th")
    text = log.read_bytes()
    assert text.startswith(first) and text.count(b"\n") == 2 and text.endswith(b"\n")
    for line in text.decode().splitlines():
        data = json.loads(line)
        assert list(data) == sorted(data)
        assert set(data) == {"time", "action", "kind", "ids", "before", "after", "sources", "reason", "files"}
    changes = edits.read_changes(data_copy)
    assert [(c.action, c.kind, c.ids) for c in changes] == [("change", "actor", ["mod-india"]),
                                                            ("add", "event", ["jwg-18"])]
    assert changes[0].reason == "date <b>fix</b>" and changes[0].sources == [SOURCE]
    assert changes[1].time.endswith("Z") and changes[1].files == {
        "events.yaml": hashlib.sha256((data_copy / "events.yaml").read_bytes()).hexdigest()}


@pytest.mark.parametrize("sources, message", [([], "must cite at least one source id"),
                                              (["no-such-source"], "'no-such-source' is not a source id")])
def test_a_new_or_changed_fact_must_cite_an_existing_source(data_copy, sources, message):
    before = snapshot(data_copy)
    with pytest.raises(EditError, match=message):
        edits.save_record(data_copy, "event", jwg18(), based_on=None, sources=sources, reason="")
    record, based_on = edit(data_copy, "actor", "mod-india")
    record["roles"][0]["as_of"] = "2025-11-06"
    with pytest.raises(EditError, match=message):
        edits.save_record(data_copy, "actor", record, based_on=based_on, sources=sources, reason="")
    assert snapshot(data_copy) == before
    source = {"id": "wire-2026", "url": "https://example.org/wire", "publisher": "Example Wire"}
    edits.save_record(data_copy, "source", source, based_on=None, sources=[], reason="a new document")
    edits.save_record(data_copy, "event", jwg18(), based_on=None, sources=["wire-2026"], reason="")


def test_refused_ids_fields_and_kinds(data_copy):
    before = snapshot(data_copy)
    taken = {**jwg18(), "id": "jwg-17"}
    with pytest.raises(EditError, match="'jwg-17' is already the id of an event"):
        edits.save_record(data_copy, "event", taken, based_on=None, sources=[SOURCE], reason="")
    agreement_as_actor = {"id": "mou-defence-cooperation-2025", "name": "X", "kind": "group"}
    with pytest.raises(EditError, match="already the id of an agreement"):
        edits.save_record(data_copy, "actor", agreement_as_actor, based_on=None, sources=[SOURCE], reason="")
    with pytest.raises(EditError, match="'colour': event records have no such field"):
        edits.save_record(data_copy, "event", {**jwg18(), "colour": "red"}, based_on=None, sources=[SOURCE],
                          reason="")
    with pytest.raises(EditError, match="'person' is not a kind of record"):
        edits.save_record(data_copy, "person", {"id": "x"}, based_on=None, sources=[SOURCE], reason="")
    record, based_on = edit(data_copy, "actor", "mod-india")
    with pytest.raises(EditError, match="nothing to save"):
        edits.save_record(data_copy, "actor", record, based_on=based_on, sources=[SOURCE], reason="")
    with pytest.raises(EditError, match="no actor has this id"):
        edits.record_hash(data_copy, "actor", "nobody")
    assert snapshot(data_copy) == before


def test_renaming_a_referenced_record_lists_the_dangling_references(data_copy):
    record, based_on = edit(data_copy, "actor", "amir-baram")
    record["id"] = "amir-baram-2"
    with pytest.raises(EditError, match="'amir-baram' is not an actor id"):
        edits.save_record(data_copy, "actor", record, based_on=based_on, sources=[SOURCE], reason="",
                          replace_id="amir-baram")


def test_deleting_a_referenced_record_is_refused_with_the_references_listed(data_copy):
    before = snapshot(data_copy)
    references = edits.references_to(data_copy, "actor", "amir-baram")
    assert references == ["events.yaml: event ds-singh-israel-visit-2025-11: participants[1].actor",
                          "events.yaml: event jwg-17: participants[1].actor",
                          "events.yaml: event baram-new-delhi-visit-2025-07: participants[0].actor"]
    based_on = edits.record_hash(data_copy, "actor", "amir-baram")
    with pytest.raises(EditError) as caught:
        edits.delete_record(data_copy, "actor", "amir-baram", based_on=based_on, reason="gone")
    assert caught.value.problems[1:] == references
    assert snapshot(data_copy) == before


def test_deleting_with_references_removed_touches_only_those_lines(data_copy):
    before = snapshot(data_copy)
    based_on = edits.record_hash(data_copy, "actor", "amir-baram")
    change = edits.delete_record(data_copy, "actor", "amir-baram", based_on=based_on, reason="gone",
                                 references="remove")
    dataset = load_dataset(data_copy)
    assert "amir-baram" not in dataset.actor_by_id
    assert all(p.actor != "amir-baram" for e in dataset.events for p in e.participants)
    removed = changed_lines(before["events.yaml"], (data_copy / "events.yaml").read_bytes())
    assert len(removed) == 3 and all(line.startswith("-") and "amir-baram" in line for line in removed)
    actors = changed_lines(before["actors.yaml"], (data_copy / "actors.yaml").read_bytes())
    assert "-- id: amir-baram" in actors and all(line.startswith("-") for line in actors)
    assert "\n\n- id: israel-katz\n" in (data_copy / "actors.yaml").read_text()  # records still apart
    assert change.action == "delete" and change.ids[0] == "amir-baram" and change.after is None
    assert [c.action for c in edits.read_changes(data_copy)] == ["change", "change", "change", "delete"]
    edits.undo_last(data_copy)
    assert {name: data for name, data in snapshot(data_copy).items() if name in before} == before


def test_deleting_a_source_removes_it_from_lists_and_the_conflicts_it_alone_supported(data_copy):
    source = {"id": "wire-2026", "url": "https://example.org/wire", "publisher": "Example Wire"}
    edits.save_record(data_copy, "source", source, based_on=None, sources=[], reason="new document")
    before = (data_copy / "actors.yaml").read_bytes()
    record, based_on = edit(data_copy, "actor", "mod-india")
    record["conflicts"] = [{"note": "The wire disagrees.", "sources": ["wire-2026"]}]
    record["sources"].append("wire-2026")
    edits.save_record(data_copy, "actor", record, based_on=based_on, sources=["wire-2026"], reason="conflict")
    assert edits.references_to(data_copy, "source", "wire-2026") == [
        "actors.yaml: actor mod-india: sources[2]", "actors.yaml: actor mod-india: conflicts[0].sources[0]"]
    based_on = edits.record_hash(data_copy, "source", "wire-2026")
    edits.delete_record(data_copy, "source", "wire-2026", based_on=based_on, reason="retracted",
                        references="remove")
    assert (data_copy / "actors.yaml").read_bytes() == before
    assert "wire-2026" not in (data_copy / "sources.yaml").read_text()
    load_dataset(data_copy)


HOSTILE = ["no", "yes", "? x", "!!python/object/apply:os.system ['echo pwned']", "null", "~", "- item", "a: b",
           "# not a comment", "&anchor", "*alias", "'quoted", '"quoted', "%TAG", "@at", "`tick", "1e3", "0x1F",
           "<script>alert(1)</script>", "line one\nline two", "tab\there", "{a: 1}", "[x]", "x #y", " padded "]


def test_hostile_text_is_stored_as_text(data_copy):
    record = {"id": "hostile", "name": "Hostile group", "kind": "group", "aliases": HOSTILE,
              "description": "!!python/object:os.system"}
    edits.save_record(data_copy, "actor", record, based_on=None, sources=[SOURCE], reason="\n".join(HOSTILE))
    stored = next(a for a in yaml.safe_load((data_copy / "actors.yaml").read_text()) if a["id"] == "hostile")
    assert stored["aliases"] == HOSTILE and stored["description"] == "!!python/object:os.system"
    assert load_dataset(data_copy).actor_by_id["hostile"].aliases == tuple(HOSTILE)
    assert edits.read_changes(data_copy)[-1].reason == "\n".join(HOSTILE)


def test_form_data_that_is_not_plain_data_is_refused(data_copy):
    with pytest.raises(EditError, match=r"actors.yaml: x.aliases\[0\]: .* is not text"):
        edits.save_record(data_copy, "actor", {"id": "x", "name": "X", "kind": "group", "aliases": [object()]},
                          based_on=None, sources=[SOURCE], reason="")


def test_an_uploaded_dataset_in_the_store_can_be_edited_and_downloaded(tmp_path):
    store = FolderStore(tmp_path / "uploads", Quota(10**9, 10), pattern="[0-9a-f]{32}")
    files = {p.name: p.read_bytes() for p in SMALL_DATA.iterdir() if p.is_file()}
    folder = store.open(store_upload(files, store))
    record, based_on = edit(folder, "event", "jwg-17")
    record["place"]["venue"] = "IMoD headquarters"
    source = record["sources"][0]
    edits.save_record(folder, "event", record, based_on=based_on, sources=[source], reason="venue")
    archive = zipfile.ZipFile(io.BytesIO(edits.zip_dataset(folder)))
    assert sorted(archive.namelist()) == sorted([*files, "changes.jsonl"])
    assert all(archive.read(name) == (folder / name).read_bytes() for name in archive.namelist())
    assert edits.zip_dataset(folder) == edits.zip_dataset(folder)  # the same files, the same bytes
    again = tmp_path / "again"
    again.mkdir()
    for name, data in unpack({"download.zip": edits.zip_dataset(folder)}).items():
        (again / name).write_bytes(data)
    assert load_dataset(again).event_by_id["jwg-17"].place.venue == "IMoD headquarters"


def test_a_collection_kept_as_json_is_refused_clearly(small_copy):
    sources = yaml.safe_load((small_copy / "sources.yaml").read_text())
    (small_copy / "sources.yaml").unlink()
    (small_copy / "sources.json").write_text(json.dumps(sources, default=str))
    load_dataset(small_copy)
    with pytest.raises(EditError, match=r"sources\.json: the editor writes YAML collections only"):
        edits.save_record(small_copy, "source", {"id": "s", "url": "https://example.org", "publisher": "P"},
                          based_on=None, sources=[], reason="")


def test_a_record_added_to_a_missing_optional_file_is_undone_by_removing_the_file(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "dataset.yaml").write_text("schema_version: 2\nid: tiny\ntitle: Tiny\n")
    (folder / "sources.yaml").write_text("- id: s1\n  url: https://example.org/s1\n  publisher: P\n")
    (folder / "actors.yaml").write_text("# bodies\n- id: a\n  name: A\n  kind: group\n")
    for name in ("agreements", "events"):
        (folder / f"{name}.yaml").write_text("[]\n")
    series = {"id": "talks", "name": "The talks", "short_name": "Talks", "body": "a"}
    edits.save_record(folder, "series", series, based_on=None, sources=["s1"], reason="new series")
    assert yaml.safe_load((folder / "series.yaml").read_text()) == [series]
    assert load_dataset(folder).series_by_id["talks"].body == "a"
    edits.undo_last(folder)
    assert not (folder / "series.yaml").exists()
    load_dataset(folder)
