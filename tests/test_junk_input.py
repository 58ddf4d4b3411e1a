"""Junk input: validation lists the first problems exactly and only counts the rest (issue 11).

One problem used to be kept, and printed, per bad element: a 1 MB list of ``0`` gave 250,000
lines and ~240 MB of memory. The memory and time figures are in ``make bench`` (scripts/bench.py).
"""

import re
import subprocess
import sys

import pytest

from viz.load import load_dataset
from viz.model import Event
from viz.problems import MAX_PER_DATASET, MAX_PER_FILE, DatasetError, Problem, ProblemLog

MEGABYTE = 1_000_000
JUNK = {"yaml": "- 0\n" * (MEGABYTE // 4), "json": "[" + "0," * (MEGABYTE // 2 - 1) + "0]"}


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_validate_lists_a_bounded_number_of_problems_for_a_megabyte_of_junk(small_copy, fmt):
    (small_copy / "events.yaml").unlink()
    path = small_copy / f"events.{fmt}"
    path.write_text(JUNK[fmt])
    result = subprocess.run([sys.executable, "-m", "viz.cli", "validate", str(small_copy)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    total = int(re.fullmatch(r"error: invalid dataset \(([\d,]+) problems\):", lines[0])[1].replace(",", ""))
    junk = len(JUNK[fmt]) // 4 if fmt == "yaml" else len(JUNK[fmt]) // 2
    assert total >= junk  # one per element (and any echoes elsewhere)
    assert lines[1] == f"{path}:1: #1: -: must be a mapping of fields"
    assert lines[MAX_PER_FILE] == f"{path}:{MAX_PER_FILE if fmt == 'yaml' else 1}: #{MAX_PER_FILE}: -: " \
                                  "must be a mapping of fields"
    assert not any(line.startswith(f"{path}:") for line in lines[MAX_PER_FILE + 1:])  # the rest of it is counted
    assert len(lines) <= MAX_PER_DATASET + 2
    more = re.fullmatch(r"… and ([\d,]+) more problems \(.*\)", lines[-1])
    assert more and int(more[1].replace(",", "")) == total - (len(lines) - 2)


def test_problems_past_the_cap_are_counted_exactly(small_copy):
    """Junk mappings: each has several problems; those past the cap are counted, not lost."""
    per_record = len(Event.model_json_schema()["required"]) + 1  # every required field missing, one unknown
    (small_copy / "events.yaml").write_text("- {zz: 1}\n" * 1000)
    with pytest.raises(DatasetError) as info:
        load_dataset(small_copy)
    in_events = [p for p in info.value.problems if p.file.endswith("events.yaml")]
    assert len(in_events) == MAX_PER_FILE
    assert str(in_events[0]).startswith(f"{small_copy / 'events.yaml'}:1: #1: ")
    assert {p.message for p in in_events[:per_record]} == {"Field required", "unknown field"}
    others = len(info.value.problems) - MAX_PER_FILE
    assert info.value.omitted == 1000 * per_record - MAX_PER_FILE
    assert info.value.count == 1000 * per_record + others
    assert str(info.value).endswith(f"… and {info.value.omitted:,} more problems "
                                    f"(the first {MAX_PER_FILE} per file, {MAX_PER_DATASET} in all, are listed)")


def test_the_log_keeps_the_first_problems_per_file_and_per_dataset():
    log = ProblemLog(per_file=2, per_dataset=3)
    for file in ("a", "a", "a", "b", "b", "c"):
        log.append(Problem(file, 1, "r", "f", "bad"))
    assert [p.file for p in log.kept] == ["a", "a", "b"]
    assert log.omitted == 3 and len(log) == 6 and log.full("c") and log.full("a")
    log.omit(10)
    error = log.error()
    assert error.count == 16 and error.problems == log.kept
    assert str(error).splitlines()[0] == "invalid dataset (16 problems):"
    assert str(error).splitlines()[-1].startswith("… and 13 more problems")


def test_a_short_list_has_no_more_line():
    error = DatasetError([Problem("f", 3, "r", "x", "bad")])
    assert str(error) == "invalid dataset (1 problem):\nf:3: r: x: bad" and error.omitted == 0
