"""Loading and validating dataset folders, good and broken."""

from pathlib import Path

import pytest
import yaml
from conftest import dump_yaml

from viz.record.load import DatasetError, load_dataset


def edit_yaml(path: Path, change) -> None:
    """Load a YAML file, let ``change`` mutate the data, write it back."""
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(dump_yaml(data))


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    return [str(p) for p in info.value.problems]


def test_default_dataset_loads(dataset):
    assert dataset.meta.id == "india-israel"
    assert dataset.meta.title == "India–Israel defence cooperation"
    assert "jwg-17" in dataset.event_by_id
    jwg = dataset.event_by_id["jwg-17"]
    assert jwg.session == 17
    assert jwg.date.start == "2025-11-04" and jwg.date.precision.value == "day"
    assert {p.actor for p in jwg.participants} == {"rajesh-kumar-singh", "amir-baram"}
    assert jwg.place.city == "Tel Aviv"


def test_dataset_is_immutable(dataset):
    with pytest.raises(Exception):  # noqa: B017 - pydantic or dataclass, either refuses
        dataset.events[0].title = "changed"
    with pytest.raises(Exception):  # noqa: B017
        dataset.meta = None
    assert isinstance(dataset.events, tuple)


def test_seed_facts_are_present(dataset):
    actors = dataset.actor_by_id
    assert {"elbit", "rafael", "iai", "mod-india", "imod", "jwg-defence"} <= set(actors)
    singh = actors["rajesh-kumar-singh"]
    assert singh.roles[0].title == "Defence Secretary" and singh.roles[0].organisation == "mod-india"
    assert "Director General" in actors["amir-baram"].roles[0].title
    mou = dataset.agreement_by_id["mou-defence-cooperation-2025"]
    assert mou.kind == "MoU"
    for area in ("strategic dialogue and training", "industrial partnerships", "joint capability development",
                 "science and technology", "research and development", "artificial intelligence", "cyber security"):
        assert area in mou.areas
    visits = dataset.event_by_id["singh-company-visits-2025-11-06"]
    assert set(visits.organisations) == {"elbit", "rafael", "iai"}
    assert visits.date.start == "2025-11-06"
    assert "Atmanirbhar Bharat" in visits.topics
    assert "counter-terrorism capacity building" in dataset.event_by_id["jwg-17"].topics
    assert mou.conflicts, "the disputed signatories must stay visible"


def test_unknown_reference_is_reported_with_file_line_record_field(data_copy):
    edit_yaml(data_copy / "events.yaml", lambda events: events[1]["participants"][0].update(actor="nobody"))
    [problem] = problems_of(data_copy)
    assert problem.startswith(f"{data_copy / 'events.yaml'}:")
    assert ": jwg-17: participants[0].actor: 'nobody' is not an actor id" in problem
    line = int(problem.split(":")[1])
    assert "nobody" in (data_copy / "events.yaml").read_text().splitlines()[line - 1]


def test_every_problem_is_listed_at_once(data_copy):
    def break_events(events):
        events[0]["sources"].append("no-such-source")
        events[1]["date"]["start"] = "2025-13-01"
        events[2]["kind"] = "party"
        events[3]["outcomes"] = ["no-such-agreement"]

    edit_yaml(data_copy / "events.yaml", break_events)
    edit_yaml(data_copy / "actors.yaml", lambda actors: actors.append(dict(actors[0])))  # duplicate id
    problems = problems_of(data_copy)
    text = "\n".join(problems)
    assert len(problems) == 5, text
    assert "ds-singh-israel-visit-2025-11: sources[4]: 'no-such-source' is not a source id" in text
    assert "jwg-17: date.start: '2025-13-01' is not a real date" in text
    assert "singh-katz-meeting-2025-11-04: kind: 'party' is not one of session, visit, meeting, " in text
    assert "outcomes[0]: 'no-such-agreement' is not an agreement id" in text
    assert "india: id: duplicate id" in text


def test_precision_must_match_the_date(data_copy):
    edit_yaml(data_copy / "events.yaml", lambda events: events[1]["date"].update(start="2025-11"))
    [problem] = problems_of(data_copy)
    assert "jwg-17: date: start '2025-11' is written to the month, but precision says 'day'" in problem


def test_unknown_field_and_wrong_type(data_copy):
    def change(events):
        events[1]["venue"] = "Tel Aviv"
        events[1]["session"] = "seventeen"

    edit_yaml(data_copy / "events.yaml", change)
    text = "\n".join(problems_of(data_copy))
    assert "jwg-17: venue: 'venue' is not a field of an event (its fields are id, title, kind, " in text
    assert "jwg-17: session: 'seventeen' is not a session number: write a number such as 17, or 'unknown'" in text


def test_country_must_be_a_country_actor(data_copy):
    edit_yaml(data_copy / "actors.yaml", lambda actors: actors[2].update(country="imod"))
    [problem] = problems_of(data_copy)
    assert "mod-india: country: 'imod' is an actor but not of kind 'country'" in problem


def test_agreement_and_actor_ids_share_a_namespace(data_copy):
    edit_yaml(data_copy / "agreements.yaml", lambda agreements: agreements[0].update(id="elbit"))
    text = "\n".join(problems_of(data_copy))
    assert "elbit: id: id is already used by an actor" in text


def test_yaml_syntax_error_gives_the_line(data_copy):
    path = data_copy / "sources.yaml"
    path.write_text(path.read_text() + "\n- id: broken\n  url: [unclosed\n")
    [problem] = problems_of(data_copy)
    assert problem.startswith(f"{path}:")
    assert "YAML error" in problem


def test_missing_file_and_non_list(data_copy):
    (data_copy / "agreements.yaml").unlink()
    (data_copy / "sources.yaml").write_text("just: a mapping\n")
    text = "\n".join(problems_of(data_copy))
    assert "agreements.yaml: -: -: missing file" in text
    assert "sources.yaml:1: -: -: must be a list of sources" in text


def test_not_utf8(data_copy):
    (data_copy / "events.yaml").write_bytes(b"- id: caf\xe9\n")
    [problem] = problems_of(data_copy)
    assert "not UTF-8" in problem


def test_missing_folder(tmp_path):
    [problem] = problems_of(tmp_path / "nowhere")
    assert "no such directory" in problem


def test_empty_collection_file_is_allowed(data_copy):
    (data_copy / "agreements.yaml").write_text("# none yet\n")
    edit_yaml(data_copy / "events.yaml", lambda events: [e.pop("outcomes", None) for e in events])
    assert load_dataset(data_copy).agreements == ()


def test_part_of_cycles_are_rejected(data_copy):
    def cycle(events):
        events[0]["part_of"] = "jwg-17"  # jwg-17 is already part of this visit

    edit_yaml(data_copy / "events.yaml", cycle)
    text = "\n".join(problems_of(data_copy))
    assert "ds-singh-israel-visit-2025-11: part_of: 'jwg-17' leads back to this event (a cycle of part_of" in text
    assert "jwg-17: part_of: 'ds-singh-israel-visit-2025-11' leads back to this event (a cycle of part_of" in text


def _to_json(folder: Path, name: str) -> Path:
    """Replace ``name``.yaml by the same data as ``name``.json."""
    import json

    source = folder / f"{name}.yaml"
    target = folder / f"{name}.json"
    target.write_text(json.dumps(yaml.safe_load(source.read_text()), default=str))
    source.unlink()
    return target


def test_json_collections_load_like_yaml(small, small_copy):
    for name in ("sources", "actors", "agreements", "events"):
        _to_json(small_copy, name)
    loaded = load_dataset(small_copy)
    assert loaded.actors == small.actors and loaded.events == small.events
    assert loaded.agreements == small.agreements and loaded.sources == small.sources


def test_json_problems_name_file_record_and_field(small_copy):
    path = _to_json(small_copy, "events")
    text = path.read_text()
    # an unknown actor and a duplicate key: json would silently keep the last "title"
    path.write_text(text.replace('"rajesh-kumar-singh"', '"nobody-at-all"', 1))
    assert any("events.json" in p and "'nobody-at-all' is not an actor id" in p for p in problems_of(small_copy))
    path.write_text(text.replace('"title": ', '"title": "x", "title": ', 1))
    assert any("events.json" in p and "duplicate key 'title'" in p for p in problems_of(small_copy))
    path.write_text(text[: len(text) // 2])
    assert any("events.json:" in p and "JSON error" in p for p in problems_of(small_copy))
    path.write_text("[" * 100 + "]" * 100)
    assert any("nested deeper than 40 levels" in p for p in problems_of(small_copy))


def test_a_collection_in_two_formats_is_refused(small_copy):
    import shutil

    shutil.copy(small_copy / "events.yaml", small_copy / "events.keep")
    _to_json(small_copy, "events")
    shutil.copy(small_copy / "events.keep", small_copy / "events.yaml")
    assert any("both events.yaml and events.json: keep one" in p for p in problems_of(small_copy))


# Values YAML or JSON can write but Python cannot hold used to escape as a traceback (exit 1).
HUGE = "1" * 5000  # past Python's 4300-digit limit for reading integers


def test_an_impossible_unquoted_date_is_a_located_problem(small_copy):
    path = small_copy / "events.yaml"
    path.write_text(path.read_text().replace("    start: 2025-11-04\n", "    start: 2025-13-45\n", 1))
    assert problems_of(small_copy) == [f"{path}:7: ds-singh-israel-visit-2025-11: date.start: '2025-13-45' "
                                       "is not a real date (month must be in 1..12)"]


def test_an_integer_too_long_for_python_is_a_located_problem_in_yaml(small_copy):
    path = small_copy / "events.yaml"
    path.write_text(path.read_text().replace("  session: 17\n", f"  session: {HUGE}\n", 1))
    [problem] = problems_of(small_copy)
    assert problem.startswith(f"{path}:32: jwg-17: session: '11111111111111111111…1111111111' (5,000 characters) "
                              "is an integer longer than Python reads")


def test_an_integer_too_long_for_python_is_a_located_problem_in_json(small_copy):
    path = _to_json(small_copy, "events")
    path.write_text(path.read_text().replace('"session": 17', f'"session": {HUGE}', 1))
    [problem] = problems_of(small_copy)
    assert problem.startswith(f"{path}:1: jwg-17: session: '11111111111111111111…1111111111' (5,000 characters) "
                              "is an integer longer than Python reads")


def test_an_integer_too_long_for_python_is_a_located_problem_in_csv(small_copy):
    from test_upload import to_csv

    events = yaml.safe_load((small_copy / "events.yaml").read_text())
    (small_copy / "events.yaml").unlink()
    path = small_copy / "events.csv"
    path.write_bytes(to_csv(events).replace(b"start: 2025-11-04", f"start: {HUGE}".encode(), 1))
    [problem] = problems_of(small_copy)
    assert problem.startswith(f"{path}:2: ds-singh-israel-visit-2025-11: date.start: '1111")
    assert "is an integer longer than Python reads" in problem


def test_json_records_are_located_by_line(small_copy):
    import json

    path = _to_json(small_copy, "events")
    events = json.loads(path.read_text())
    events[1]["kind"] = "no-such-kind"
    path.write_text(json.dumps(events, indent=1))
    [problem] = problems_of(small_copy)
    line = path.read_text().splitlines().index(" {", 2) + 1  # where the second record opens
    assert problem.startswith(f"{path}:{line}: jwg-17: kind: 'no-such-kind' is not one of session, visit, ")


def test_dataset_yaml_is_read_field_by_field_and_still_refuses_a_duplicate_key(small_copy):
    path = small_copy / "dataset.yaml"
    path.write_text(path.read_text() + "title: Another title\n")
    [problem] = problems_of(small_copy)
    assert problem.startswith(f"{path}:") and problem.endswith(": -: title: duplicate key")
