"""``viz apply``: a proposal's reviewed items merged into a dataset, validated first, comments and order kept."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT_DATA, copied

from viz import REPO_ROOT
from viz.cli import main
from viz.ingest.apply import apply_proposal
from viz.record.load import load_dataset

TWO_SERIES = REPO_ROOT / "tests" / "fixtures" / "two-series"
DPG5 = REPO_ROOT / "tests" / "fixtures" / "proposals" / "two-series-dpg5.yaml"
SOURCE = {"id": "wire-2026", "url": "https://example.org/wire/2026/report", "publisher": "Example Wire",
          "published": "2026-01-02"}


@pytest.fixture
def two_series(tmp_path: Path) -> Path:
    """A writable copy of the fictional two-series dataset."""
    return copied(TWO_SERIES, tmp_path / "two-series")


@pytest.fixture
def india_israel(data_copy: Path) -> Path:
    """A writable copy of the default dataset (conftest's ``data_copy``)."""
    return data_copy


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def write_proposal(path: Path, items: list[dict], dataset: str = "two-series-fixture") -> Path:
    """A proposal file as `viz ingest` writes one (YAML), with the given items."""
    data = {"proposal": 1, "dataset": dataset, "made": "2026-01-02T10:00:00Z",
            "input": {"kind": "text", "name": "report.txt"}, "text": "A report.\n", "items": items}
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def new(kind: str, record: dict, key: str | None = None, decision: str = "accept") -> dict:
    return {"key": key or f"{kind}-{record['id']}", "kind": kind, "decision": decision, "status": "new",
            "id": record["id"], "record": record}


def existing(kind: str, ident: str, add: dict, key: str | None = None, decision: str = "accept") -> dict:
    return {"key": key or f"{kind}-{ident}", "kind": kind, "decision": decision, "status": "existing",
            "id": ident, "add": add}


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["apply", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def only_additions(old: str, new_text: str) -> bool:
    """True when every old line is still there, in order, and nothing but lines was added (a git diff of +s)."""
    opcodes = difflib.SequenceMatcher(None, old.splitlines(), new_text.splitlines(), autojunk=False).get_opcodes()
    return all(tag in ("equal", "insert") for tag, *_ in opcodes)


# --- which items are applied -------------------------------------------------------------------------------

def test_accept_only_applies_the_accepted_items(two_series, capsys):
    code, out, err = run(capsys, DPG5, "--data", two_series)
    assert code == 0, err
    assert "+1 actor, +1 event, +1 source, ~1 actor (sources)" in out
    data = load_dataset(two_series)
    session = data.event_by_id["dpg-5"]
    assert (session.series, session.session, session.sources) == ("dpg", 5, ("wire-2025",))
    assert [p.actor for p in session.participants] == ["bo-varga", "fay-quill"]
    assert data.actor_by_id["fay-quill"].roles[0].title == "Defence Secretary"
    assert data.actor_by_id["belmark-mod"].sources == ("gazette-2019", "wire-2025")
    # only proposed: not applied
    assert [r.title for r in data.actor_by_id["bo-varga"].roles] == ["Director General"]
    assert data.agreement_by_id["roadmap"].sources == ("wire-2024",)
    assert session.mentions == () and session.topics == ()
    assert "belport" not in data.actor_by_id


def test_all_applies_every_item_not_rejected(two_series, capsys):
    code, out, err = run(capsys, DPG5, "--data", two_series, "--all")
    assert code == 0, err
    assert ("+1 actor, +1 event, +1 source, ~1 actor role, ~1 actor (sources), ~1 agreement (sources)"
            in out)
    data = load_dataset(two_series)
    assert [r.title for r in data.actor_by_id["bo-varga"].roles] == ["Director General", "Permanent Secretary"]
    assert data.agreement_by_id["roadmap"].sources == ("wire-2024", "wire-2025")
    session = data.event_by_id["dpg-5"]
    assert session.mentions == ("audit-office",) and session.topics == ("cyber security",)
    assert "belport" not in data.actor_by_id  # rejected


def test_an_addition_to_a_new_record_listed_before_it_is_applied(two_series, tmp_path):
    event = {"id": "dpg-5", "title": "5th DPG", "kind": "session", "series": "dpg", "session": 5,
             "date": {"start": "2026-01", "precision": "month"}, "sources": ["wire-2026"]}
    mention = {"key": "mention-1", "kind": "mention", "decision": "accept", "status": "new", "id": "dpg-5",
               "add": {"mentions": ["audit-office"]}}
    proposal = write_proposal(tmp_path / "p.yaml", [mention, new("event", event), new("source", SOURCE)])
    assert apply_proposal(proposal, two_series).summary == "+1 event, +1 source"
    assert load_dataset(two_series).event_by_id["dpg-5"].mentions == ("audit-office",)


def test_nothing_accepted_writes_nothing_and_says_so(two_series, tmp_path, capsys):
    proposal = write_proposal(tmp_path / "p.yaml", [new("source", SOURCE, decision="propose")])
    before = snapshot(two_series)
    code, out, _ = run(capsys, proposal, "--data", two_series)
    assert code == 0
    assert "nothing to apply" in out and "--all" in out
    assert snapshot(two_series) == before


def test_dry_run_validates_and_writes_nothing(two_series, capsys):
    before = snapshot(two_series)
    code, out, _ = run(capsys, DPG5, "--data", two_series, "--all", "--dry-run")
    assert code == 0
    assert "+1 event" in out and "dry run: nothing written" in out
    assert snapshot(two_series) == before


# --- formatting kept -------------------------------------------------------------------------------------

def test_new_records_are_only_added_lines_and_comments_stay(india_israel, tmp_path):
    """On the real dataset: comments, order and formatting kept; a git diff would show only + lines."""
    before = snapshot(india_israel)
    actor = {"id": "new-general", "name": "Maj Gen Example Person", "kind": "person", "country": "israel",
             "roles": [{"title": "Director General", "organisation": "imod", "as_of": "2026-01-02",
                        "sources": ["wire-2026"]}],
             "sources": ["wire-2026"]}
    event = {"id": "jwg-18", "title": "18th India–Israel JWG on Defence Cooperation", "kind": "session",
             "series": "jwg-defence", "session": 18, "body": "jwg-defence",
             "date": {"window": {"earliest": "2025-12-29", "latest": "2026-01-02"}, "precision": "day",
                      "basis": "derived: 'this week' in a report dated 2 January 2026"},
             "place": {"city": "New Delhi", "country": "India"},
             "participants": [{"actor": "new-general", "role": "co-chair", "title": "Director General",
                               "organisation": "imod"}],
             "summary": ("A fictional test session. " * 8).strip(), "sources": ["wire-2026"]}
    proposal = write_proposal(tmp_path / "p.yaml", [new("source", SOURCE), new("actor", actor),
                                                     new("event", event)], dataset="india-israel")
    result = apply_proposal(proposal, india_israel)
    assert result.summary == "+1 actor, +1 event, +1 source"
    after = snapshot(india_israel)
    assert {name for name in after if after[name] != before[name]} == {"actors.yaml", "events.yaml", "sources.yaml"}
    for name in ("actors.yaml", "events.yaml", "sources.yaml"):
        old, changed = before[name].decode(), after[name].decode()
        assert only_additions(old, changed), name
        assert changed.startswith(old)  # appended after the last record
        comments = [line for line in old.splitlines() if line.lstrip().startswith("#")]
        assert comments and all(line in changed.splitlines() for line in comments)
    events = after["events.yaml"].decode()
    assert events.endswith("\n")
    assert "\n\n- id: jwg-18\n" in events  # separated by a blank line, as the file's records are
    assert "summary: >-\n" in events.split("- id: jwg-18")[1]  # long prose folded, as people write it
    data = load_dataset(india_israel)
    assert data.event_by_id["jwg-18"].summary == event["summary"]  # folding reads back as the same text
    assert len(data.sessions_of("jwg-defence")) == 6


def test_additions_to_existing_records_change_only_their_lines(two_series, tmp_path):
    proposal = write_proposal(tmp_path / "p.yaml", [
        new("source", SOURCE),
        existing("event", "dpg-4", {"sources": ["wire-2026"], "topics": ["cyber security"]}),
    ])
    old = (two_series / "events.yaml").read_text()
    result = apply_proposal(proposal, two_series)
    assert result.summary == "+1 source, ~1 event (sources, topics)"
    changed = (two_series / "events.yaml").read_text()
    diff = [line for line in difflib.unified_diff(old.splitlines(), changed.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == ["-  sources: [wire-2024]", "+  topics: [cyber security]", "+  sources: [wire-2024, wire-2026]"]


def test_a_field_added_at_the_end_of_a_record_keeps_the_blank_line_after_it(india_israel, tmp_path):
    conflict = {"note": "A fictional report gives another date.", "sources": ["wire-2026"]}
    proposal = write_proposal(tmp_path / "p.yaml", [
        new("source", SOURCE), existing("event", "ds-singh-israel-visit-2025-11", {"conflicts": [conflict]}),
        existing("source", "bs-2025-11-05-mou", {"note": "A note."})], dataset="india-israel")
    old_events, old_sources = (india_israel / "events.yaml").read_text(), (india_israel / "sources.yaml").read_text()
    result = apply_proposal(proposal, india_israel)
    assert result.summary == "+1 source, ~1 event (conflicts), ~1 source (note)"
    events, sources = (india_israel / "events.yaml").read_text(), (india_israel / "sources.yaml").read_text()
    assert only_additions(old_events, events) and only_additions(old_sources, sources)
    assert events.split("- id: jwg-17\n")[0].endswith(
        "  conflicts:\n    - {note: A fictional report gives another date., sources: [wire-2026]}\n\n")
    assert "  published: 2025-11-05\n  note: A note.\n\n- id: ndtv-2025-11-05-pact\n" in sources


def test_an_empty_dataset_gets_its_first_records_below_its_comments(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "dataset.yaml").write_text("schema_version: 2\nid: empty-pair\ntitle: A new pair\n")
    headers = {"sources": "# Sources: none yet.\n", "actors": "# Actors.\n[]\n", "agreements": "",
               "events": "# Events\n# (two comment lines)\n"}
    for name, text in headers.items():
        (folder / f"{name}.yaml").write_text(text)
    person = {"id": "gil-ross", "name": "Gil Ross", "kind": "person", "sources": ["wire-2026"]}
    proposal = write_proposal(tmp_path / "p.yaml", [new("source", SOURCE), new("actor", person)], dataset="empty-pair")
    assert apply_proposal(proposal, folder).summary == "+1 actor, +1 source"
    assert (folder / "sources.yaml").read_text().startswith("# Sources: none yet.\n- id: wire-2026\n")
    assert (folder / "actors.yaml").read_text().startswith("# Actors.\n- id: gil-ross\n")
    assert (folder / "events.yaml").read_text() == headers["events"]
    assert load_dataset(folder).actor_by_id["gil-ross"].sources == ("wire-2026",)


# --- validation before writing -----------------------------------------------------------------------------

def test_a_result_that_does_not_validate_writes_nothing(two_series, tmp_path, capsys):
    event = {"id": "dpg-5", "title": "5th Defence Policy Group", "kind": "session", "series": "dpg", "session": 5,
             "date": {"start": "2025-05", "precision": "month"},
             "participants": [{"actor": "nobody-known", "role": "co-chair"}], "sources": ["wire-2026"]}
    proposal = write_proposal(tmp_path / "p.yaml", [new("source", SOURCE), new("event", event)])
    before = snapshot(two_series)
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2
    assert snapshot(two_series) == before
    assert "nothing was written" in err
    # the loader's problem, located in the real file (not the scratch copy), with record, field and value
    assert f"{two_series / 'events.yaml'}:" in err
    assert "dpg-5: participants[0].actor: 'nobody-known' is not an actor id" in err
    assert "viz-apply-" not in err


def test_a_reference_to_an_item_not_applied_says_which_item(two_series, tmp_path, capsys):
    event = {"id": "dpg-5", "title": "5th DPG", "kind": "session", "series": "dpg", "session": 5,
             "date": {"start": "2025-05", "precision": "month"}, "sources": ["wire-2026"]}
    proposal = write_proposal(tmp_path / "p.yaml", [new("source", SOURCE, key="source-1", decision="propose"),
                                                     new("event", event)])
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2
    assert "'wire-2026' is not a source id" in err
    assert "item 'source-1' (decision: propose), which is not applied" in err


def test_a_bad_date_in_a_record_is_refused_naming_item_and_field(two_series, tmp_path, capsys):
    event = {"id": "dpg-5", "title": "5th DPG", "kind": "session", "series": "dpg", "session": 5,
             "date": {"start": "2025-02-30", "precision": "day"}, "sources": ["gazette-2019"]}
    proposal = write_proposal(tmp_path / "p.yaml", [new("event", event, key="event-1")])
    before = snapshot(two_series)
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2 and snapshot(two_series) == before
    assert str(proposal) in err and "event-1" in err and "record.date" in err and "Traceback" not in err


# --- refusals ------------------------------------------------------------------------------------------------

def test_a_new_id_that_exists_is_refused_never_renamed(two_series, tmp_path, capsys):
    person = {"id": "ada-stone", "name": "Ada Stone (another)", "kind": "person"}
    roadmap = {"id": "belmark-mod", "name": "A roadmap", "kind": "roadmap", "status": "announced"}
    proposal = write_proposal(tmp_path / "p.yaml", [new("actor", person, key="actor-7"),
                                                     new("agreement", roadmap, key="agreement-1")])
    before = snapshot(two_series)
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2 and snapshot(two_series) == before
    assert f"{proposal}: item 'actor-7': id: 'ada-stone' is already the id of an actor" in err
    # actors and agreements share one namespace
    assert "item 'agreement-1': id: 'belmark-mod' is already the id of an actor" in err


def test_two_new_records_with_one_id_are_refused(two_series, tmp_path, capsys):
    person = {"id": "gil-ross", "name": "Gil Ross", "kind": "person"}
    agreement = {"id": "gil-ross", "name": "A roadmap", "kind": "roadmap", "status": "announced"}
    proposal = write_proposal(tmp_path / "p.yaml", [new("actor", person, key="actor-1"),
                                                     new("agreement", agreement, key="agreement-1")])
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2
    assert "item 'agreement-1': id: 'gil-ross' is also proposed by item 'actor-1'" in err


def test_a_json_collection_is_refused_not_rewritten(two_series, tmp_path, capsys):
    sources = yaml.safe_load((two_series / "sources.yaml").read_text())
    (two_series / "sources.yaml").unlink()
    (two_series / "sources.json").write_text(json.dumps(sources, default=str))
    before = snapshot(two_series)
    code, _, err = run(capsys, write_proposal(tmp_path / "p.yaml", [new("source", SOURCE)]), "--data", two_series)
    assert code == 2 and snapshot(two_series) == before
    assert "sources.json: `viz apply` writes YAML collections only" in err


def test_an_existing_item_whose_id_is_missing_is_refused(two_series, tmp_path, capsys):
    proposal = write_proposal(tmp_path / "p.yaml", [existing("actor", "no-such-actor", {"sources": ["wire-2024"]},
                                                             key="actor-3")])
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2
    assert "item 'actor-3': id: 'no-such-actor' is not an actor id" in err


@pytest.mark.parametrize(("add", "expected"), [
    ({"colour": ["red"]}, "add.colour: event records have no field 'colour'"),
    ({"kind": "visit"}, "add.kind: the record already has kind 'session'"),
    ({"id": "dpg-9"}, "add.id: an id cannot be changed"),
    ({"topics": "cyber security"}, "add.topics: 'cyber security' is not a list"),
])
def test_an_addition_that_does_not_fit_is_refused(two_series, tmp_path, capsys, add, expected):
    proposal = write_proposal(tmp_path / "p.yaml", [existing("event", "dpg-4", add, key="event-2")])
    before = snapshot(two_series)
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2 and snapshot(two_series) == before
    assert f"item 'event-2': {expected}" in err


def test_a_proposal_for_another_dataset_is_refused_unless_forced(two_series, tmp_path, capsys):
    proposal = write_proposal(tmp_path / "p.yaml", [new("source", SOURCE)], dataset="india-israel")
    before = snapshot(two_series)
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2 and snapshot(two_series) == before
    assert "made for dataset 'india-israel'" in err and "'two-series-fixture'" in err and "--force" in err
    code, out, err = run(capsys, proposal, "--data", two_series, "--force")
    assert code == 0, err
    assert "+1 source" in out


@pytest.mark.parametrize(("text", "expected"), [
    ("proposal: 1\nitems: [\n", "YAML error"),
    ("- just\n- a list\n", "not a valid proposal"),
    ("a: &x [1]\nb: *x\n", "aliases"),
])
def test_malformed_yaml_is_a_clear_error(two_series, tmp_path, capsys, text, expected):
    proposal = tmp_path / "p.yaml"
    proposal.write_text(text)
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2
    assert str(proposal) in err and expected in err


def test_unknown_fields_and_bad_values_name_the_item_and_field(two_series, tmp_path, capsys):
    text = DPG5.read_text().replace("    confidence: 0.8\n", "    confidence: 0.8\n    colour: red\n", 1)
    text = text.replace("start: 2025-05-13", "start: 2025-13-45")
    proposal = tmp_path / "p.yaml"
    proposal.write_text(text)
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2
    assert "'2025-13-45' is not a real date" in err and "items[4].record.date.start" in err  # read strictly
    proposal.write_text(text.replace("start: 2025-13-45", "start: 2025-05-13"))
    code, _, err = run(capsys, proposal, "--data", two_series)
    assert code == 2
    assert str(proposal) in err and "(key actor-1): colour" in err


def test_the_console_script_never_shows_a_traceback(two_series, tmp_path):
    import subprocess
    import sys

    proposal = tmp_path / "p.yaml"
    proposal.write_text(DPG5.read_text().replace("start: 2025-05-13", "start: 2025-13-45"))
    result = subprocess.run([sys.executable, "-m", "viz.cli", "apply", str(proposal), "--data", str(two_series)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "not a real date" in result.stderr


# --- corroboration and applying twice ----------------------------------------------------------------------

def test_corroboration_appends_a_source_once_and_applying_twice_changes_nothing(two_series, tmp_path, capsys):
    source = write_proposal(tmp_path / "source.yaml", [new("source", SOURCE)])
    assert run(capsys, source, "--data", two_series)[0] == 0
    corroborate = write_proposal(tmp_path / "again.yaml", [
        existing("event", "dpg-4", {"sources": ["wire-2024", "wire-2026", "wire-2026"]}),
        existing("actor", "eli-park", {"sources": ["wire-2026"], "aliases": ["E. Park"]}),
    ])
    code, out, _ = run(capsys, corroborate, "--data", two_series)
    assert code == 0
    assert "~1 actor (aliases, sources), ~1 event (sources)" in out
    data = load_dataset(two_series)
    assert data.event_by_id["dpg-4"].sources == ("wire-2024", "wire-2026")
    assert data.actor_by_id["eli-park"].aliases == ("E. Park",)
    before = snapshot(two_series)
    code, out, _ = run(capsys, corroborate, "--data", two_series)  # idempotent: all there already
    assert code == 0 and "nothing to apply" in out
    assert snapshot(two_series) == before
    code, _, err = run(capsys, source, "--data", two_series)  # a new record twice: refused, not duplicated
    assert code == 2 and "'wire-2026' is already the id of a source" in err
    assert snapshot(two_series) == before


# --- hostile text ------------------------------------------------------------------------------------------

HOSTILE = ["no", "on", "~", "null", "1e3", "0x1F", "12:30", "2025-11-04", "- [x]: {y} # z", "? q", "a,b",
           "!!python/object/apply:os.system ['echo pwned']", "*alias", "&anchor", "${HOME}", "%YAML 1.1", "---",
           "<script>alert(1)</script>", "\u202eevil", "line one\nline two", "'\"", "tab\there", "emoji 🎉",
           "@at `tick` |pipe >gt", ("A long sentence: # not a comment, {not: a map}, [not a list]. " * 3).strip()]


def test_hostile_strings_are_stored_as_text(two_series, tmp_path):
    records = [{"id": f"hostile-{n}", "url": f"https://example.org/{n}", "publisher": "Example Wire",
                "title": text, "note": text} for n, text in enumerate(HOSTILE)]
    event = {"id": "hostile-event", "title": "Hostile", "kind": "other", "date": {"start": "2025", "precision": "year"},
             "topics": HOSTILE, "summary": HOSTILE[-1], "sources": ["hostile-0"]}
    proposal = write_proposal(tmp_path / "p.yaml", [*(new("source", r) for r in records), new("event", event)])
    apply_proposal(proposal, two_series)
    data = load_dataset(two_series)
    assert [data.source_by_id[f"hostile-{n}"].note for n in range(len(HOSTILE))] == HOSTILE
    assert data.event_by_id["hostile-event"].topics == tuple(HOSTILE)
    assert not (tmp_path / "pwned").exists()


# --- end to end: ingest the seed report, apply it ---------------------------------------------------------

SEED = REPO_ROOT / "tests" / "fixtures" / "ingest" / "seed-article.txt"
SEED_URL = "https://www.indiandefensenews.in/2025/11/defence-secretary-rajesh-kumar-singh_6.html"


def test_ingest_then_apply_all_rebuilds_the_17th_jwg(tmp_path, capsys):
    """The seed article against the dataset without the 2025 visit (as `make eval-ingest` removes it)."""
    import sys

    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from eval_ingest import reduce_dataset

    folder, proposal = tmp_path / "india-israel", tmp_path / "seed.yaml"
    reduce_dataset(DEFAULT_DATA, folder)
    assert 17 not in {e.session for e in load_dataset(folder).sessions_of("jwg-defence")}
    assert main(["ingest", str(SEED), "--data", str(folder), "--url", SEED_URL, "--out", str(proposal)]) == 0
    code, out, err = run(capsys, proposal, "--data", folder, "--all")
    assert code == 0, err
    assert "+1 source" in out and "+1 agreement" in out
    data = load_dataset(folder)
    (source,) = [s for s in data.sources if s.url == SEED_URL]
    (jwg,) = [e for e in data.sessions_of("jwg-defence") if e.session == 17]
    assert jwg.place.city == "Tel Aviv"
    assert {p.actor for p in jwg.participants if p.role.value == "co-chair"} == {"rajesh-kumar-singh", "amir-baram"}
    assert source.id in jwg.sources
    (mou,) = [data.agreement_by_id[o] for o in jwg.outcomes]
    assert mou.kind == "MoU" and source.id in mou.sources
    visited = {o for e in data.events if source.id in e.sources for o in e.organisations}
    assert {"elbit", "rafael", "iai"} <= visited
    assert source.id in data.actor_by_id["amir-baram"].sources  # linked actors corroborated by the new source
    # the same report again: nothing new is recorded twice
    again = tmp_path / "again.yaml"
    assert main(["ingest", str(SEED), "--data", str(folder), "--url", SEED_URL, "--out", str(again)]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, again, "--data", folder, "--all")
    assert code == 0, err
    assert "+" not in out.split(":", 1)[1]
    assert len([e for e in load_dataset(folder).sessions_of("jwg-defence") if e.session == 17]) == 1
