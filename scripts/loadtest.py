"""Bounded load test: N concurrent clients drive real Dash callbacks against gunicorn on 127.0.0.1.

Usage: python scripts/loadtest.py [--clients 50] [--seconds 120] [--workers 3] [--think 2]
Starts `gunicorn app:server`, runs the clients for the given time, stops, and writes
bench/loadtest.json (bench/loadtest-open.json with --think) with requests, errors and
p50/p95/p99 latency per action. Traffic goes only to 127.0.0.1; every loop is bounded in time.

Without --think the model is closed: each client acts again as soon as it has its answer (the
most the server can do). With ``--think S`` it is open: each simulated user waits a random time
(exponential, mean S seconds) between actions, as people do, so latency is what users would see
at that load.

The clients ask for compressed answers, as browsers do. An action is what one user step
costs the server: a filter or a selection is the render callback and, since the actors table
has its own callback (a page at a time), the table callback too; an export is one request.
Throughput is reported in actions and in requests per second.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORGS = ["elbit", "rafael", "iai", "imod", "mod-india", "drdo", "hal", "jwg-defence"]
SELECTIONS = ["node:rafael", "node:amir-eshel", "event:jwg-15", "event:jwg-17", "pair:israel|israel-katz"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, payload: dict, timeout: float = 60) -> bytes:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
        return gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body


def _spec(dependencies: list[dict], output_part: str) -> dict:
    return next(d for d in dependencies if output_part in d["output"])


def _outputs(spec: dict) -> list[dict]:
    parts = spec["output"].strip(".").split("...")
    outputs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        outputs.append({"id": component, "property": prop.split("@")[0]})
    return outputs


def payload(spec: dict, values: dict[str, object], changed: str) -> dict:
    def fill(items: list[dict]) -> list:
        # a pattern-matching input (its id a JSON object, e.g. the table's sort buttons) matches no
        # component here: an empty list
        return [[] if i["id"].startswith("{") else
                {"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                for i in items]

    outputs = _outputs(spec)
    return {"output": spec["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": fill(spec["inputs"]), "state": fill(spec["state"]), "changedPropIds": [changed]}


def client(base: str, deps: list[dict], until: float, results: list, lock: threading.Lock, seed: int,
           think: float = 0.0) -> None:
    rng = random.Random(seed)
    render = _spec(deps, "network-graph.figure")
    table = _spec(deps, "actor-table.children")
    data = _spec(deps, "data-download.data")
    while time.monotonic() < until:
        values = {"org-filter.value": rng.sample(ORGS, rng.randint(0, 2)), "hops.value": rng.choice([1, 2]),
                  "time-window.value": sorted(rng.sample(range(2013, 2026), 2)),
                  "selection.data": rng.choice([None, *SELECTIONS]), "event-kind-filter.value": [],
                  "actor-kind-filter.value": [], "topic-filter.value": [], "actor-search.value": [],
                  "path-from.value": None, "path-to.value": None, "country-links.data": "show",
                  "filtered-nodes.data": "hide", "webgl.data": True, "table-page.data": 0,
                  "table-sort.data": [], "dataset-key.data": None,
                  "export-data.n_clicks": 1, "data-format.value": rng.choice(["graphml", "csv", "timelinejs"]),
                  "data-scope.data": "view"}
        roll = rng.random()
        if roll < 0.1:
            action, bodies = "export-data", [payload(data, values, "export-data.n_clicks")]
        elif roll < 0.4:
            action, bodies = "select", [payload(render, values, "selection.data")]
        else:
            action, bodies = "filter", [payload(render, values, "org-filter.value"),
                                        payload(table, values, "org-filter.value")]
        start = time.perf_counter()
        try:  # a real callback answer, for each request of the action
            ok = all(b'"response"' in post(f"{base}_dash-update-component", body) for body in bodies)
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            ok = False
        with lock:
            results.append((action, time.perf_counter() - start, ok, len(bodies)))
        if think:  # an open model: a person looks at the answer before acting again
            time.sleep(min(rng.expovariate(1 / think), max(0.0, until - time.monotonic())))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds between one user's actions (0: closed loop, as fast as answered)")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", "4",
                               "--bind", f"127.0.0.1:{port}", "--timeout", "120", "app:server"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}_dash-dependencies", timeout=5) as response:
                    deps = json.loads(response.read())
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    print("gunicorn did not start", file=sys.stderr)
                    return 1
                time.sleep(0.5)
        results: list = []
        lock = threading.Lock()
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(base, deps, until, results, lock, i, args.think),
                                    daemon=True) for i in range(args.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    report: dict = {"clients": args.clients, "seconds": round(elapsed, 1), "workers": args.workers,
                    "think_seconds": args.think,
                    "actions_total": len(results), "requests": sum(n for *_, n in results),
                    "errors": sum(not ok for _, _, ok, _ in results),
                    "actions_per_second": round(len(results) / elapsed, 1),
                    "requests_per_second": round(sum(n for *_, n in results) / elapsed, 1), "actions": {}}
    for action in [*sorted({a for a, *_ in results}), "all"]:
        times = [t * 1000 for a, t, ok, _ in results if ok and (action == "all" or a == action)]
        report["actions"][action] = {
            "requests": len(times), "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1), "p99_ms": round(percentile(times, 99), 1),
            "mean_ms": round(statistics.fmean(times), 1) if times else 0.0}
    out = ROOT / "bench" / ("loadtest-open.json" if args.think else "loadtest.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"{report['actions_total']} actions ({report['requests']} requests) in {report['seconds']} s from "
          f"{args.clients} clients, {report['errors']} errors, {report['actions_per_second']} actions/s, "
          f"{report['requests_per_second']} req/s")
    for action, row in report["actions"].items():
        print(f"  {action:<12} n={row['requests']:<6} p50={row['p50_ms']} ms  p95={row['p95_ms']} ms  "
              f"p99={row['p99_ms']} ms")
    return 0 if report["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
