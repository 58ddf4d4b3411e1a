"""Validation of junk input: time and peak memory against input size (part of `make bench`).

Each case writes a valid dataset whose events file is replaced by junk (a flat list of ``0``,
or of junk mappings) of 1 MB and 10 MB, in YAML and JSON, then validates it in a fresh
process: the peak RSS increase over the process after imports, and the seconds taken.
Targets (issue 11): memory <= 20x the input size, <= 2 s per MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

MB = 1024 * 1024
PROBE = """
import json, sys, time
from viz.record.load import DatasetError, load_dataset
def status(key):
    return int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith(key)))
open("/proc/self/clear_refs", "w").write("5")  # reset the peak (VmHWM) to the current RSS, after imports
before = status("VmRSS:")
start = time.perf_counter()
try:
    load_dataset(sys.argv[1]); shown = 0
except DatasetError as exc:
    shown = len(str(exc).splitlines())
seconds = time.perf_counter() - start
peak = status("VmHWM:")
print(json.dumps({"seconds": seconds, "rss_increase_kb": peak - before, "lines": shown}))
"""


def _junk(fmt: str, shape: str, size: int) -> str:
    item = "0" if shape == "zeros" else ('{"id": "x", "kind": 7}' if fmt == "json" else "{id: x, kind: 7}")
    count = size // (len(item) + 3)
    if fmt == "json":
        return "[" + ", ".join([item] * count) + "]"
    return "".join(f"- {item}\n" for _ in range(count))


def junk_results(template: Path) -> list[dict]:
    """Measure every case; ``template`` is a valid dataset folder copied for each."""
    import shutil

    results = []
    for size_mb in (1, 10):
        for fmt in ("yaml", "json"):
            for shape in ("zeros", "mappings"):
                with tempfile.TemporaryDirectory() as scratch:
                    folder = Path(scratch) / "junk"
                    shutil.copytree(template, folder)
                    (folder / "events.yaml").unlink()
                    (folder / f"events.{fmt}").write_text(_junk(fmt, shape, size_mb * MB))
                    size = (folder / f"events.{fmt}").stat().st_size
                    out = subprocess.run([sys.executable, "-c", PROBE, str(folder)], capture_output=True, text=True,
                                         timeout=600, check=True)
                    measured = json.loads(out.stdout)
                    ratio = measured["rss_increase_kb"] * 1024 / size
                    results.append({"case": f"{size_mb} MB {fmt} {shape}", "bytes": size, **measured,
                                    "memory_ratio": round(ratio, 2),
                                    "seconds_per_mb": round(measured["seconds"] / (size / MB), 3),
                                    "within_bounds": ratio <= 20 and measured["seconds"] / (size / MB) <= 2})
    return results


def junk_table(results: list[dict]) -> str:
    rows = [f"{'junk input':<22} {'s':>7} {'s/MB':>6} {'RSS +MB':>8} {'x size':>7} {'lines':>6} ok"]
    rows += [f"{r['case']:<22} {r['seconds']:>7.2f} {r['seconds_per_mb']:>6.2f} {r['rss_increase_kb'] / 1024:>8.1f} "
             f"{r['memory_ratio']:>7.1f} {r['lines']:>6} {'yes' if r['within_bounds'] else 'NO'}" for r in results]
    return "\n".join(rows)


if __name__ == "__main__":
    measured = junk_results(Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "jwg17")
    print(junk_table(measured))
