"""Property test: malformed datasets are rejected with located errors, never a traceback."""

import json
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import SMALL_DATA, dump_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viz.cli import main
from viz.record.load import DatasetError, load_dataset

FILES = ["dataset.yaml", "sources.yaml", "actors.yaml", "agreements.yaml", "events.yaml"]
ORIGINAL = {name: yaml.safe_load((SMALL_DATA / name).read_text()) for name in FILES}

# (file, record index, dotted path) of fields that hold ids pointing elsewhere
REFERENCES = [
    ("events.yaml", 1, "participants.0.actor"), ("events.yaml", 1, "body"), ("events.yaml", 1, "part_of"),
    ("events.yaml", 1, "outcomes.0"), ("events.yaml", 0, "sources.0"), ("events.yaml", 3, "organisations.0"),
    ("actors.yaml", 5, "roles.0.organisation"), ("actors.yaml", 2, "country"), ("agreements.yaml", 0, "parties.1"),
    ("agreements.yaml", 0, "conflicts.0.sources.0"), ("actors.yaml", 5, "roles.0.sources.0"),
]
FIELDS = [("events.yaml", i, f) for i in range(4) for f in ("title", "kind", "date", "participants", "session")]
FIELDS += [("actors.yaml", i, f) for i in (0, 5, 8) for f in ("name", "kind", "aliases", "roles")]
FIELDS += [("sources.yaml", i, f) for i in (0, 3) for f in ("url", "publisher", "published")]
FIELDS += [("agreements.yaml", 0, f) for f in ("signed", "parties", "areas")]

# Scalars written raw into the YAML (the dumper would quote them): text YAML reads as a date, an integer
# or a tagged value, which Python cannot hold. Each used to escape as a traceback.
RAW_PLACES = [("events.yaml", 0, "date.start"), ("events.yaml", 1, "session"), ("events.yaml", 2, "title"),
              ("sources.yaml", 0, "published"), ("actors.yaml", 0, "name"), ("agreements.yaml", 0, "signed.start")]
RAW_SCALARS = st.one_of(
    st.from_regex(r"\A20\d\d-(1[3-9]|00)-[0-2]\d\Z"),  # no such month
    st.from_regex(r"\A20\d\d-0[1-9]-3[2-9]\Z"),  # no such day
    st.sampled_from(["2025-02-29", "2023-04-31", "0000-01-01", "2025-01-01 25:00:00", "2025-01-01T00:00:00+25:00"]),
    st.integers(4301, 6000).map(lambda digits: "9" * digits),  # past Python's int-from-text limit
    st.sampled_from(["!!int zz", "!!int ''", "!!float zz", "!!bool maybe", "!!timestamp 2025-02-30",
                     "!!binary '%%%'", "!!python/object:os.system zz", "!!set zz", "!!omap zz", "!!str [a]"]),
)
RAW = "zzrawvalue{}zz"

# Values of a type no field accepts: a bare mapping, a list of mappings, a fractional number.
_mapping = st.dictionaries(st.from_regex(r"\Azz[a-z]{1,4}\Z"), st.integers(), min_size=1, max_size=2)
junk = st.one_of(_mapping, st.lists(_mapping, min_size=1, max_size=2),
                 st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()))


def _set(record, dotted: str, value) -> None:
    keys = [int(k) if k.isdigit() else k for k in dotted.split(".")]
    target = record
    try:
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    except (KeyError, IndexError, TypeError):  # an earlier fault replaced or removed this part: leave it
        pass


@st.composite
def broken_dataset(draw):
    """A copy of the fixture with one or more faults; returns {file name: bytes}."""
    data = {name: yaml.safe_load(dump_yaml(value)) for name, value in ORIGINAL.items()}  # deep copy
    raw: dict[str, bytes] = {}
    scalars: dict[str, str] = {}  # placeholder -> the raw text it stands for
    dropped: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        fault = draw(st.sampled_from(["reference", "duplicate", "date", "type", "huge", "unknown-field",
                                      "precision", "bytes", "empty", "bomb", "nesting", "syntax", "raw-scalar",
                                      "json-huge-int"]))
        if fault == "reference":
            name, index, path = draw(st.sampled_from(REFERENCES))
            _set(data[name][index], path, draw(st.from_regex(r"\Ano-such-[a-z]{1,8}\Z")))
        elif fault == "duplicate":
            name = draw(st.sampled_from(FILES[1:]))
            data[name].append(dict(data[name][draw(st.integers(0, len(data[name]) - 1))]))
        elif fault == "date":
            _set(data["events.yaml"][draw(st.integers(0, 3))], "date.start",
                 draw(st.one_of(st.text(min_size=1, max_size=12), st.from_regex(r"\A20\d\d-(1[3-9]|00)\Z"))))
        elif fault == "precision":
            _set(data["events.yaml"][draw(st.integers(0, 3))], "date.precision",
                 draw(st.sampled_from(["month", "year", "unknown", "week", ""])))
        elif fault == "type":
            name, index, field = draw(st.sampled_from(FIELDS))
            data[name][index][field] = draw(junk)
        elif fault == "huge":
            name = draw(st.sampled_from(["events.yaml", "actors.yaml"]))
            data[name][0]["summary" if name == "events.yaml" else "description"] = "x" * 100_001
        elif fault == "unknown-field":
            data["events.yaml"][draw(st.integers(0, 3))][draw(st.from_regex(r"\Azz[a-z]{1,6}\Z"))] = 1
        elif fault == "bytes":
            raw[draw(st.sampled_from(FILES))] = b"- id: caf\xe9\n" + draw(st.binary(max_size=20)) + b"\xff\xfe"
        elif fault == "empty":
            raw[draw(st.sampled_from(FILES[:3]))] = b""
        elif fault == "bomb":
            raw["events.yaml"] = b'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b]\n'
        elif fault == "nesting":
            depth = draw(st.integers(60, 3000))
            raw["actors.yaml"] = ("[" * depth + "]" * depth).encode()
        elif fault == "raw-scalar":
            name, index, path = draw(st.sampled_from(RAW_PLACES))
            placeholder = RAW.format(len(scalars))
            scalars[placeholder] = draw(RAW_SCALARS)
            _set(data[name][index], path, placeholder)
        elif fault == "json-huge-int":  # the collection in JSON instead, one value an over-long integer
            name = draw(st.sampled_from(FILES[1:]))
            record = data[name][draw(st.integers(0, len(data[name]) - 1))]
            record[draw(st.sampled_from(sorted(record)))] = "zzhugeintzz"
            digits = "7" * draw(st.integers(4301, 6000))
            raw[name.replace(".yaml", ".json")] = json.dumps(data[name], default=str).replace(
                '"zzhugeintzz"', digits).encode()
            dropped.add(name)
        elif fault == "syntax":
            raw[draw(st.sampled_from(FILES))] = draw(st.sampled_from(
                [b"- id: [unclosed\n", b"key: value\n  bad: indent\n", b"\t- tab\n", b"- {a: 1\n"]))
    files = {name: dump_yaml(value) for name, value in data.items()}
    for placeholder, text in scalars.items():
        files = {name: content.replace(placeholder, text) for name, content in files.items()}
    files = {name: content.encode() for name, content in files.items()}
    files.update(raw)
    return {name: content for name, content in files.items() if name not in dropped}


def write(files: dict[str, bytes]) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="viz-bad-"))
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(broken_dataset())
def test_malformed_datasets_are_rejected_with_located_errors(files):
    folder = write(files)
    try:
        with pytest.raises(DatasetError) as info:
            load_dataset(folder)
        assert info.value.problems
        for problem in info.value.problems:
            assert problem.file.startswith(str(folder)) and problem.file.endswith((".yaml", ".json"))
            assert problem.record and problem.field and problem.message
            assert "Traceback" not in problem.message
    finally:
        shutil.rmtree(folder)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.function_scoped_fixture])
@given(broken_dataset())
def test_viz_validate_exits_2_without_traceback(capsys, files):
    folder = write(files)
    try:
        assert main(["validate", str(folder)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: invalid dataset") and "Traceback" not in err
    finally:
        shutil.rmtree(folder)


def test_a_yaml_bomb_is_refused_quickly(small_copy):
    (small_copy / "events.yaml").write_text("a: &a [x, x]\nb: [*a, *a]\n")
    with pytest.raises(DatasetError, match="aliases"):
        load_dataset(small_copy)
