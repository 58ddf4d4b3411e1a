"""Synthetic datasets validate and have a realistic shape."""

import statistics
import subprocess
import sys
from collections import Counter

from viz.network.graph import build_graph
from viz.network.info import dataset_info
from viz.record.load import load_dataset


def test_synth_writes_a_valid_dataset_of_realistic_shape(tmp_path):
    out = tmp_path / "synth"
    result = subprocess.run([sys.executable, "-m", "viz.cli", "synth", "--actors", "600", "--events", "500",
                             "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    dataset = load_dataset(out)
    info = dataset_info(dataset)
    assert info["actors"] == 601 and info["events"] == 500 and info["facts_without_source"] == 0
    precisions = Counter(e.date.precision.value for e in dataset.events)
    assert set(precisions) == {"day", "month", "year", "unknown"} and precisions["day"] > precisions["month"]
    years = {int(e.date.start[:4]) for e in dataset.events if e.date.start}
    assert max(years) - min(years) >= 20
    graph = build_graph(dataset)
    degrees = [d for _, d in graph.degree() if d]
    assert max(degrees) > 10 * statistics.median(degrees)  # a few hubs, many small organisations
    assert [e.session for e in dataset.events if e.session] == list(range(1, info["series"]["working-group"] + 1))


def test_synth_refuses_silly_sizes(tmp_path):
    result = subprocess.run([sys.executable, "-m", "viz.cli", "synth", "--actors", "3", "--events", "1", "--out",
                             str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--actors" in result.stderr


def test_synth_writes_json_above_the_auto_threshold_and_it_loads(tmp_path):
    from viz.record.synth import write_synth

    out = write_synth(tmp_path / "big", 300, 200, fmt="json")
    assert sorted(p.name for p in out.iterdir()) == ["actors.json", "agreements.json", "dataset.yaml",
                                                       "events.json", "series.json", "sources.json"]
    assert len(load_dataset(out).actors) == 301
    write_synth(out, 300, 200, fmt="yaml")  # switching format replaces the files, never leaves both
    assert not list(out.glob("*.json")) and len(load_dataset(out).events) == 200
