"""Junk input: validation lists the first problems exactly and only counts the rest (issue 11).

One problem used to be kept, and printed, per bad element: a 1 MB list of ``0`` gave 250,000
lines and ~240 MB of memory. The memory and time figures are in ``make bench`` (scripts/bench.py).
"""

import re
import subprocess
import sys

import pytest

from viz.record.load import load_dataset
from viz.record.model import Event
from viz.record.problems import MAX_PER_DATASET, MAX_PER_FILE, DatasetError, Problem, ProblemLog

MEGABYTE = 1_000_000
#: a megabyte of one value repeated, and of different values (each a different problem)
SAME = {"yaml": "- 0\n" * (MEGABYTE // 4), "json": "[" + "0," * (MEGABYTE // 2 - 1) + "0]"}
DIFFERENT = {"yaml": "".join(f"- {i}\n" for i in range(MEGABYTE // 9)),
             "json": "[" + ",".join(str(i) for i in range(MEGABYTE // 7)) + "]"}
NOT_AN_EVENT = "is not an event: write a mapping of its fields (id:, title:, kind:, date: ...)"


def _validate(folder, fmt: str, junk: str) -> tuple[object, list[str], int]:
    (folder / "events.yaml").unlink()
    path = folder / f"events.{fmt}"
    path.write_text(junk)
    result = subprocess.run([sys.executable, "-m", "viz.cli", "validate", str(folder)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    total = int(re.fullmatch(r"error: invalid dataset \(([\d,]+) problems\):", lines[0])[1].replace(",", ""))
    return path, lines, total


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_validate_lists_a_bounded_number_of_problems_for_a_megabyte_of_junk(small_copy, fmt):
    path, lines, total = _validate(small_copy, fmt, DIFFERENT[fmt])
    elements = MEGABYTE // 9 if fmt == "yaml" else MEGABYTE // 7
    assert total >= elements  # one per element (and any echoes elsewhere)
    assert lines[1] == f"{path}:1: #1: -: 0 {NOT_AN_EVENT}"
    last = MAX_PER_FILE - 1
    assert lines[MAX_PER_FILE] == f"{path}:{MAX_PER_FILE if fmt == 'yaml' else 1}: #{MAX_PER_FILE}: -: {last} " \
                                  + NOT_AN_EVENT
    assert not any(line.startswith(f"{path}:") for line in lines[MAX_PER_FILE + 1:])  # the rest of it is counted
    assert len(lines) <= MAX_PER_DATASET + 2
    more = re.fullmatch(r"… and ([\d,]+) more problems \(.*\)", lines[-1])
    assert more and int(more[1].replace(",", "")) == total - (len(lines) - 2)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_megabyte_of_one_junk_value_is_one_line_with_its_count(small_copy, fmt):
    path, lines, total = _validate(small_copy, fmt, SAME[fmt])
    elements = len(SAME[fmt]) // 4 if fmt == "yaml" else len(SAME[fmt]) // 2
    assert total == elements
    first_lines = "1, 2, 3" if fmt == "yaml" else "1"
    assert lines[1:] == [f"{path}:{first_lines} (+{elements - 3:,} more): #1, #2, #3 …: -: 0 {NOT_AN_EVENT} "
                         f"({elements:,} records)"]


def test_problems_past_the_cap_are_counted_exactly(small_copy):
    """Junk mappings, each with a different bad kind: those past the cap are counted, not lost."""
    records = (f"- {{id: e{i}, title: t, kind: k{i}, date: {{precision: unknown}}}}\n" for i in range(1000))
    (small_copy / "events.yaml").write_text("".join(records))
    with pytest.raises(DatasetError) as info:
        load_dataset(small_copy)
    in_events = [p for p in info.value.problems if p.file.endswith("events.yaml")]
    assert len(in_events) == MAX_PER_FILE
    assert str(in_events[0]).startswith(f"{small_copy / 'events.yaml'}:1: e0: kind: 'k0' is not one of session, ")
    others = len(info.value.problems) - MAX_PER_FILE
    assert info.value.omitted == 1000 - MAX_PER_FILE
    assert info.value.count == 1000 + others
    assert str(info.value).endswith(f"… and {info.value.omitted:,} more problems "
                                    f"(the first {MAX_PER_FILE} per file, {MAX_PER_DATASET} in all, are listed)")


def test_the_same_problems_in_every_record_are_one_line_each(small_copy):
    per_record = len(Event.model_json_schema()["required"]) + 1  # every required field missing, one unknown
    (small_copy / "events.yaml").write_text("- {zz: 1}\n" * 1000)
    with pytest.raises(DatasetError) as info:
        load_dataset(small_copy)
    in_events = [p for p in info.value.problems if p.file.endswith("events.yaml")]
    assert len(in_events) == per_record and {p.count for p in in_events} == {1000}
    assert info.value.omitted == 0 and info.value.count == 1000 * per_record + len(info.value.problems) - per_record
    assert str(in_events[0]).startswith(f"{small_copy / 'events.yaml'}:1, 2, 3 (+997 more): #1, #2, #3 …: ")
    assert str(in_events[0]).endswith(" (1,000 records)")


def test_the_log_keeps_the_first_problems_per_file_and_per_dataset():
    log = ProblemLog(per_file=2, per_dataset=3)
    for n, file in enumerate(("a", "a", "a", "b", "b", "c")):
        log.append(Problem(file, 1, "r", "f", f"bad {n}"))
    assert [p.file for p in log.kept] == ["a", "a", "b"]
    assert log.omitted == 3 and len(log) == 6 and log.full("c") and log.full("a")
    log.append(Problem("a", 7, "s", "f", "bad 0"))  # the same problem again: counted in its line, even when full
    log.omit(10)
    error = log.error()
    assert error.count == 17 and error.problems == log.kept and error.problems[0].count == 2
    assert str(error).splitlines()[0] == "invalid dataset (17 problems):"
    assert str(error).splitlines()[1] == "a:1, 7: r, s: f: bad 0 (2 records)"
    assert str(error).splitlines()[-1].startswith("… and 13 more problems")
    assert error.not_shown(1) == 15


def test_a_short_list_has_no_more_line():
    error = DatasetError([Problem("f", 3, "r", "x", "bad")])
    assert str(error) == "invalid dataset (1 problem):\nf:3: r: x: bad" and error.omitted == 0
