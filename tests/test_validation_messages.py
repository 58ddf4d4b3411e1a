"""Validation messages a person writing a record can act on (issue 12).

Each message shows the value written and what to write instead; a name where an id belongs
gets the id it probably means; a record that failed its own checks is not reported again by
every record that cites it; a mistake repeated in many records is one line with a count.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import ValidationError
from test_load import edit_yaml as edit

from viz import REPO_ROOT
from viz.cli import main
from viz.record.dates import DateSpec, Record
from viz.record.load import DatasetError, load_dataset

TWO_SERIES = REPO_ROOT / "tests" / "fixtures" / "two-series"
ID_RULE = "(ids use lower-case letters, digits, '.', '_' and '-')"
#: pydantic's own words, which must not reach the user
PYDANTIC_WORDING = ("Input should", "String should", "Field required", "Tuple should", "Value error",
                    "valid dictionary", "unable to interpret", "instance of", "extra_forbidden", "should match pattern")


def problems_of(folder: Path) -> list[str]:
    """The problem lines, with the folder left out of the file names."""
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    return [str(p).replace(f"{folder}/", "") for p in info.value.problems]


def line_of(folder: Path, problem: str) -> str:
    """The line of the file a problem points at."""
    file, line = problem.split(":")[:2]
    return (folder / file).read_text().splitlines()[int(line) - 1]


@pytest.fixture
def two_copy(tmp_path: Path) -> Path:
    target = tmp_path / "two"
    shutil.copytree(TWO_SERIES, target)
    return target


def _event(folder: Path, event_id: str, **fields) -> None:
    edit(folder / "events.yaml", lambda events: next(e for e in events if e["id"] == event_id).update(fields))


# 1. The value and what was expected; a close match for a name or a misspelt id.

def test_a_name_where_an_actor_id_belongs_gets_the_id_it_means(small_copy):
    _event(small_copy, "singh-company-visits-2025-11-06", organisations=["Israel Aerospace Industries", "elbit"])
    [problem] = problems_of(small_copy)
    assert problem.startswith("events.yaml:")
    assert problem.endswith(": singh-company-visits-2025-11-06: organisations[0]: 'Israel Aerospace Industries' "
                            f"is not an actor id {ID_RULE}; did you mean `iai` (Israel Aerospace Industries)?")
    assert "Israel Aerospace Industries" in line_of(small_copy, problem)


def test_a_misspelt_id_gets_the_id_it_means(small_copy):
    _event(small_copy, "singh-company-visits-2025-11-06", organisations=["elbit", "rafeal", "iai"])
    [problem] = problems_of(small_copy)
    assert re.fullmatch(r"events\.yaml:\d+: singh-company-visits-2025-11-06: organisations\[1\]: 'rafeal' "
                        r"is not an actor id; did you mean `rafael`\?", problem), problem
    assert "rafeal" in line_of(small_copy, problem)


def test_a_value_like_nothing_in_the_collection_says_so(small_copy):
    _event(small_copy, "jwg-17", outcomes=["zz-top"])
    [problem] = problems_of(small_copy)
    assert problem.endswith("jwg-17: outcomes[0]: 'zz-top' is not an agreement id "
                            "(no agreement has that id or a similar name)")


def test_a_record_whose_own_id_is_a_name_is_told_an_id_to_use(small_copy):
    edit(small_copy / "actors.yaml", lambda actors: actors.append(
        {"id": "US Department of Defense", "name": "US Department of Defense", "kind": "government_body"}))
    [problem] = problems_of(small_copy)
    assert problem.endswith(": US Department of Defense: id: 'US Department of Defense' is not a valid id "
                            f"{ID_RULE[:-1]}); for example `us-department-of-defense`")


@pytest.mark.parametrize(("change", "field", "expected"), [
    # an alias
    (lambda f: _event(f, "jwg-17", organisations=["mod-india", "IMoD"]), "organisations[1]",
     f"'IMoD' is not an actor id {ID_RULE}; did you mean `imod`?"),
    # a series by its short name
    (lambda f: _event(f, "jwg-17", series="JWG"), "series",
     f"'JWG' is not a series id {ID_RULE}; did you mean `jwg-defence`"),
    # an event by its title
    (lambda f: _event(f, "singh-katz-meeting-2025-11-04", part_of="Defence Secretary Rajesh Kumar Singh's delegation "
                                                                  "visit to Israel"), "part_of",
     "is not an event id " + ID_RULE + "; did you mean `ds-singh-israel-visit-2025-11`"),
    # an agreement by its name
    (lambda f: _event(f, "jwg-17", outcomes=["MoU on Defence Cooperation"]), "outcomes[0]",
     f"'MoU on Defence Cooperation' is not an agreement id {ID_RULE}; did you mean `mou-defence-cooperation-2025`"),
    # a source by its url
    (lambda f: _event(f, "jwg-17", sources=["https://www.business-standard.com/amp/external-affairs-defence-security/"
                                            "news/defence-secretary-israeli-minister-sign-mou-to-boost-defence-ties-"
                                            "125110500060_1.html"]), "sources[0]",
     f"(162 characters) is not a source id {ID_RULE[:-1]}, at most 120 characters); did you mean "
     "`bs-2025-11-05-mou`"),
    # a country by its name
    (lambda f: edit(f / "actors.yaml", lambda actors: actors[2].update(country="India")), "country",
     f"'India' is not a country id {ID_RULE}; did you mean `india`?"),
])
def test_close_matches_come_from_ids_names_aliases_and_titles(small_copy, change, field, expected):
    change(small_copy)
    [problem] = problems_of(small_copy)
    assert f": {field}: " in problem and expected in problem, problem


def test_close_matches_come_from_dated_names_and_organisation_type_labels(two_copy):
    def change(actors):
        actors[2]["type"] = "Ministry"
        actors[3]["type"] = "State owned company"

    edit(two_copy / "actors.yaml", change)
    edit(two_copy / "events.yaml", lambda events: events[0].update(organisations=["Arland Department of Defence"]))
    problems = problems_of(two_copy)
    assert any(p.endswith(f"arland-mod: type: 'Ministry' is not an organisation type id {ID_RULE}; did you mean "
                          "`ministry`?") for p in problems), problems
    assert any(p.endswith(f"belmark-mod: type: 'State owned company' is not an organisation type id {ID_RULE}; "
                          "did you mean `state-company` (State-owned company)?") for p in problems), problems
    assert any(p.endswith(f"dpg-3: organisations[0]: 'Arland Department of Defence' is not an actor id {ID_RULE}; "
                          "did you mean `arland-mod` (Arland Department of Defence)?") for p in problems), problems


def test_close_matches_rank_whole_names_over_shared_words():
    from viz.record.references import Suggester

    actors = [("mod-india", ("Ministry of Defence, India", "MoD")), ("imod", ("Israel Ministry of Defence", "MoD")),
              ("iai", ("Israel Aerospace Industries",)), ("israel", ("Israel",)), ("rajnath-singh", ("Rajnath Singh",))]
    suggest = Suggester(lambda target: actors)
    assert suggest.hint("actors", "MoD") == "; did you mean `mod-india` (MoD) or `imod` (MoD)?"  # both, not the first
    assert suggest.hint("actors", "Israel Aerospace") == "; did you mean `iai` (Israel Aerospace Industries)?"
    assert suggest.hint("actors", "Rajnath") == "; did you mean `rajnath-singh`?"
    assert suggest.hint("actors", "Defence Secretary") == " (no actor has that id or a similar name)"


# 2. No cascades.

def test_an_actor_that_failed_its_own_checks_is_not_reported_again_as_unknown(small_copy):
    edit(small_copy / "actors.yaml", lambda actors: actors[6].update(kind="persn"))  # amir-baram, cited by events
    [problem] = problems_of(small_copy)
    assert problem.endswith(": amir-baram: kind: 'persn' is not one of person, government_body, armed_force, "
                            "company, country, group; did you mean `person`?")


def test_one_bad_source_date_is_one_problem(data_copy):
    edit(data_copy / "sources.yaml",
         lambda sources: next(s for s in sources if s["id"] == "bs-2025-11-05-mou").update(published="2025-11-31"))
    cited = sum((data_copy / name).read_text().count("bs-2025-11-05-mou")
                for name in ("actors.yaml", "events.yaml", "agreements.yaml"))
    assert cited >= 6  # each of these used to say "unknown source id"
    [problem] = problems_of(data_copy)
    assert problem.endswith("bs-2025-11-05-mou: published: '2025-11-31' is not a real date "
                            "(day is out of range for month)")


def test_a_dataset_yaml_that_failed_keeps_its_organisation_types_known(two_copy):
    edit(two_copy / "dataset.yaml", lambda meta: meta.pop("title"))  # actors have types it declares
    [problem] = problems_of(two_copy)
    assert problem.endswith(": dataset: title: required field 'title' is missing (text)")


# 3. Grouping.

def test_the_same_mistake_in_many_records_is_one_line_with_a_count(small_copy):
    def days(events):
        for event in events:
            event["date"]["precision"] = "days"

    edit(small_copy / "events.yaml", days)
    events = yaml.safe_load((small_copy / "events.yaml").read_text())
    ids = [e["id"] for e in events]
    [problem] = problems_of(small_copy)
    lines = re.fullmatch(r"events\.yaml:(\d+), (\d+), (\d+) \(\+(\d+) more\): (.*)", problem)
    assert lines, problem
    assert int(lines[4]) == len(events) - 3
    assert lines[5] == (f"{ids[0]}, {ids[1]}, {ids[2]} …: date.precision: 'days' is not one of day, month, year, "
                        f"unknown; did you mean `day`? ({len(events)} records)")


def test_the_same_value_in_different_fields_or_different_values_stay_apart(small_copy):
    _event(small_copy, "jwg-17", organisations=["nobody", "imod"], outcomes=["nobody"])
    _event(small_copy, "singh-katz-meeting-2025-11-04", organisations=["mod-india", "nobody-else"])
    assert len(problems_of(small_copy)) == 3


# 4. Domain wording, never pydantic's.

@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": None}, "jwg-17: kind: the value is empty (null); give one of session, visit, meeting, agreement_signing, "
                     "programme, other"),
    ({"title": ""}, "jwg-17: title: '' is empty; write some text"),
    ({"venu": "Tel Aviv"}, "jwg-17: venu: 'venu' is not a field of an event"),
    ({"session": "seventeen"}, "jwg-17: session: 'seventeen' is not a session number: write a number such as 17, "
                               "or 'unknown'"),
    ({"session_inferred": "perhaps"}, "jwg-17: session_inferred: 'perhaps' is not true or false"),
    ({"date": "2025-11-04"}, "jwg-17: date: '2025-11-04' is not a date mapping: write {start: 2025-11-04, "
                             "precision: day}"),
    ({"place": "Tel Aviv"}, "jwg-17: place: 'Tel Aviv' is not a place mapping: write {city: Tel Aviv}"),
    ({"sources": "ians-2025-11-04-jwg17"}, "jwg-17: sources: 'ians-2025-11-04-jwg17' is not a list of source ids "
                                           "such as [source-id]; write it as a list: [ians-2025-11-04-jwg17]"),
    ({"conflicts": [{"note": "n", "sources": []}]}, "jwg-17: conflicts[0].sources: [] is empty; give at least one "
                                                    "source id (a list of source ids such as [source-id])"),
    ({"topics": [["a", "b"]]}, "jwg-17: topics[0]: ['a', 'b'] is not text"),
    ({"participants": [{"actor": "amir-baram"}]}, "jwg-17: participants[0].role: required field 'role' is missing "
                                                  "(one of co-chair, delegation-lead, delegate, participant, host, "
                                                  "called-on, signatory, visitor)"),
    ({"participants": ["amir-baram"]}, "jwg-17: participants[0]: 'amir-baram' is not a participant mapping: write "
                                       "{actor: amir-baram, role: participant}"),
])
def test_each_message_says_what_was_written_and_what_to_write(small_copy, fields, message):
    _event(small_copy, "jwg-17", **fields)
    problems = problems_of(small_copy)
    assert any(p.endswith(message) or f"{message} (its fields are" in p or f"{message};" in p
               for p in problems), problems
    assert not any(words in p for p in problems for words in PYDANTIC_WORDING), problems


def test_missing_fields_and_a_wrong_schema_version_in_dataset_yaml(small_copy):
    (small_copy / "dataset.yaml").write_text("schema_version: 3\nid: x\nlabels: {event_kinds: {sesion: S}}\n")
    assert [p.split(": ", 1)[1] for p in problems_of(small_copy)] == [
        "dataset: schema_version: 3 is not allowed here; write 2",
        "dataset: title: required field 'title' is missing (text)",
        "dataset: labels.event_kinds.sesion: 'sesion' is not one of session, visit, meeting, "
        "agreement_signing, programme, other; did you mean `session`?"]


class _Unioned(Record):
    session: int | Literal["unknown"] | None = None
    signed: DateSpec | None = None


def test_a_value_no_member_of_a_union_accepts_is_one_message_at_the_field():
    from viz.record.messages import explain

    with pytest.raises(ValidationError) as info:
        _Unioned.model_validate({"session": "x", "signed": "2020"})
    assert [(e.loc, e.message) for e in explain(_Unioned, info.value.errors())] == [
        (("session",), "'x' is not a whole number or 'unknown'"),
        (("signed",), "'2020' is not a date mapping: write {start: 2020, precision: year}"),
    ]


# 5. --strict says what it failed on.

def test_strict_lists_the_facts_it_failed_on(small_copy, capsys):
    _event(small_copy, "jwg-17", sources=[])
    assert main(["validate", "--strict", str(small_copy)]) == 2
    captured = capsys.readouterr()
    assert "error: no source for event jwg-17" in captured.err
    assert "not valid under --strict: 1 fact without a source" in captured.err and captured.out == ""


# 6. A first naive conversion, as a person or a script writes it: the whole output.

NAIVE = {
    "dataset.yaml": """\
schema_version: 2
id: india-us
title: India–United States defence cooperation (naive conversion)
""",
    "sources.yaml": """\
- id: pib-2023-06-05
  url: https://pib.gov.in/PressReleasePage.aspx?PRID=1929869
  publisher: PIB
  published: 2023-06-05
- id: dod-2023-06-05
  url: https://www.defense.gov/News/Releases/Release/Article/3417453/
  publisher: US Department of Defense
  published: 2023-06-31
- id: whitehouse-2023-06-22
  url: https://www.whitehouse.gov/briefing-room/statements-releases/2023/06/22/joint-statement/
  publisher: The White House
  published: 2023-06-22
""",
    "actors.yaml": """\
- id: india
  name: India
  kind: country
- id: united-states
  name: United States
  kind: country
  aliases: [USA, US]
- id: us-dod
  name: US Department of Defense
  kind: government_body
  country: united-states
  aliases: [DoD, Pentagon]
  sources: [dod-2023-06-05]
- id: mod-india
  name: Ministry of Defence, India
  kind: government_body
  country: india
  sources: [pib-2023-06-05]
- id: lloyd-austin
  name: Lloyd J. Austin III
  kind: persn
  country: united-states
  sources: [dod-2023-06-05]
- id: rajnath-singh
  name: Rajnath Singh
  kind: person
  country: India
  roles:
    - title: Defence Minister
      organisation: Ministry of Defence, India
      as_of: 2023-06-05
      sources: [pib-2023-06-05]
- id: ge-aerospace
  name: GE Aerospace
  kind: company
  country: United States
  sources: [whitehouse-2023-06-22]
- id: hal
  name: Hindustan Aeronautics Limited
  kind: company
  country: india
  aliases: [HAL]
  sources: [whitehouse-2023-06-22]
""",
    "agreements.yaml": """\
- id: ge-hal-f414-mou
  name: GE–HAL MoU on F414 engines
  kind: MoU
  signed: {start: 2023-06-22, precision: day}
  parties: [GE Aerospace, hal]
  sources: [whitehouse-2023-06-22]
- id: defence-industrial-roadmap
  name: Roadmap for US–India Defence Industrial Cooperation
  kind: Roadmap
  status: concluded
  signed: {start: 2023-06-05, precision: day}
  parties: [us-dod, mod-india]
  sources: [dod-2023-06-05]
  conflicts:
    - note: The date of conclusion is given differently.
      sources: []
""",
    "series.yaml": """\
- id: dpg
  name: Defence Policy Group
  short_name: DPG
  parties: [india, united-states]
  sources: [dod-2023-06-05]
""",
    "events.yaml": """\
- id: austin-visit-2023-06
  title: Secretary Austin visits New Delhi
  kind: visit
  date: {start: 2023-06-04, precision: days}
  participants:
    - {actor: lloyd-austin, role: visitor}
    - {actor: Rajnath Singh, role: Host}
  organisations: [US Department of Defense, mod-india]
  outcomes: [defense-industrial-roadmap]
  sources: [dod-2023-06-05, pib-2023-06-05]
- id: dpg-17
  title: 17th Defence Policy Group
  kind: session
  series: dpg
  session: 17
  date: {start: 2023-06-05, precision: days}
  participants:
    - {actor: lloyd-austin, role: co-chair}
  sources: [dod-2023-06-05]
- id: f414-announcement
  title: GE and HAL announce F414 co-production
  kind: agreement_signing
  date: {start: 2023-06-22, precision: days}
  organisations: [GE Aerospace, HAL]
  outcomes: [ge-hal-f414-mou]
  sources: [whitehouse-2023-06-22, dod-2023-06-05]
- id: indus-x-launch
  title: INDUS-X launched
  kind: programme
  date: 2023-06-21
  place: Washington
  organisations: [us-dod, mod-india]
  sources: [dod-2023-06-05]
- id: austin-singh-call-2023-11
  title: Austin and Singh speak by phone
  kind: meeting
  date: {start: 2023-11, precision: month}
  participants:
    - {actor: lloyd-austin, role: participant}
    - {actor: rajnath-singh, role: participant}
  organisations: [us-dod, mod-indai]
  sources: [dod-2023-06-05]
""",
}

RULE = ID_RULE
NAIVE_OUTPUT = f"""\
error: invalid dataset (20 problems):
sources.yaml:8: dod-2023-06-05: published: '2023-06-31' is not a real date (day is out of range for month)
actors.yaml:21: lloyd-austin: kind: 'persn' is not one of person, government_body, armed_force, company, country, \
group; did you mean `person`?
actors.yaml:27: rajnath-singh: country: 'India' is not a country id {RULE}; did you mean `india`?
actors.yaml:30: rajnath-singh: roles[0].organisation: 'Ministry of Defence, India' is not an actor id {RULE}; did you \
mean `mod-india` (Ministry of Defence, India)?
actors.yaml:36: ge-aerospace: country: 'United States' is not a country id {RULE}; did you mean `united-states`?
agreements.yaml:5: ge-hal-f414-mou: parties[0]: 'GE Aerospace' is not an actor id {RULE}; did you mean \
`ge-aerospace`?
agreements.yaml:10: defence-industrial-roadmap: status: 'concluded' is not one of proposed, under_negotiation, \
announced, signed, in_force, expired, withdrawn
agreements.yaml:16: defence-industrial-roadmap: conflicts[0].sources: [] is empty; give at least one source id (a list \
of source ids such as [source-id])
events.yaml:4, 16, 23: austin-visit-2023-06, dpg-17, f414-announcement: date.precision: 'days' is not one of day, \
month, year, unknown; did you mean `day`? (3 records)
events.yaml:7: austin-visit-2023-06: participants[1].actor: 'Rajnath Singh' is not an actor id {RULE}; did you mean \
`rajnath-singh`?
events.yaml:7: austin-visit-2023-06: participants[1].role: 'Host' is not one of co-chair, delegation-lead, delegate, \
participant, host, called-on, signatory, visitor; did you mean `host`?
events.yaml:8: austin-visit-2023-06: organisations[0]: 'US Department of Defense' is not an actor id {RULE}; did you \
mean `us-dod` (US Department of Defense)?
events.yaml:24: f414-announcement: organisations[0]: 'GE Aerospace' is not an actor id {RULE}; did you mean \
`ge-aerospace`?
events.yaml:24: f414-announcement: organisations[1]: 'HAL' is not an actor id {RULE}; did you mean `hal`?
events.yaml:30: indus-x-launch: date: '2023-06-21' is not a date mapping: write {{start: 2023-06-21, precision: day}}
events.yaml:31: indus-x-launch: place: 'Washington' is not a place mapping: write {{city: Washington}}
events.yaml:41: austin-singh-call-2023-11: organisations[1]: 'mod-indai' is not an actor id; did you mean `mod-india`?
events.yaml:9: austin-visit-2023-06: outcomes[0]: 'defense-industrial-roadmap' is not an agreement id; did you mean \
`defence-industrial-roadmap`?
"""


def test_a_first_naive_conversion_reads_well(tmp_path, capsys):
    folder = tmp_path / "india-us"
    folder.mkdir()
    for name, text in NAIVE.items():
        (folder / name).write_text(text)
    assert main(["validate", str(folder)]) == 2
    output = capsys.readouterr().err.replace(f"{folder}/", "")
    assert output == NAIVE_OUTPUT
    for line in output.splitlines()[1:]:  # file:line(s): record(s): field: message
        assert re.fullmatch(r"\w+\.yaml:\d+(, \d+)*( \(\+[\d,]+ more\))?: [^:]+: [\w\[\].]+: \S.*", line), line
        assert not any(words in line for words in PYDANTIC_WORDING), line


def test_the_naive_conversion_was_loaded_whole(tmp_path):
    """Cross-check of the test above: the problems a fixed copy still has are exactly those fixed, none hidden."""
    folder = tmp_path / "fixed"
    folder.mkdir()
    fixes = {"2023-06-31": "2023-06-30", "kind: persn": "kind: person", "country: India": "country: india",
             "organisation: Ministry of Defence, India": "organisation: mod-india",
             "country: United States": "country: united-states", "[GE Aerospace, hal]": "[ge-aerospace, hal]",
             "status: concluded": "status: signed", "sources: []": "sources: [pib-2023-06-05]",
             "precision: days": "precision: day",
             "actor: Rajnath Singh, role: Host": "actor: rajnath-singh, role: host",
             "[US Department of Defense, mod-india]": "[us-dod, mod-india]",
             "[GE Aerospace, HAL]": "[ge-aerospace, hal]",
             "date: 2023-06-21": "date: {start: 2023-06-21, precision: day}", "place: Washington":
             "place: {city: Washington}", "mod-indai": "mod-india", "defense-industrial": "defence-industrial"}
    for name, text in NAIVE.items():
        for wrong, right in fixes.items():
            text = text.replace(wrong, right)
        (folder / name).write_text(text)
    dataset = load_dataset(folder)
    assert len(dataset.events) == 5 and len(dataset.actors) == 8
