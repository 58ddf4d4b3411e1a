"""Browser bench: first draw, filter repaint and zoom of a large dataset in headless Chromium.

Serves the real app (its real Content-Security-Policy and its partial strict build of plotly.js) for a
synthetic dataset and drives Debian's Chromium with software WebGL (no GPU), as the browser
tests do. Prints, per size:

- first draw: ms from navigation start until each chart has been drawn and painted;
- organisation filter: click to repaint (server and browser), the patch's bytes, and the
  browser's part (from the response's arrival to the repaint);
- zooming the network (``Plotly.relayout``) into a small region, unfiltered and after the
  filter: from the relayout to the repaint after the server's answer, and the answer's bytes.

Not part of ``make test``: timings vary with the machine. Usage::

    .venv/bin/python scripts/browser_bench.py [--sizes 10000 50000] [--data-dir /tmp/viz-bench]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM, RECORD_DRAWS, open_page, page_problems, serve  # noqa: E402
from test_browser import choose_organisation  # noqa: E402

from viz.network.graph import build_graph  # noqa: E402
from viz.record.load import load_dataset  # noqa: E402
from viz.record.synth import write_synth  # noqa: E402

#: events per actor in the bench's synthetic datasets (as in `make bench`: 50k actors, 19k events)
EVENTS_PER_ACTOR = 0.38

# Records each Dash update's arrival: [time, response bytes, outputs named in the request].
RECORD_RESPONSES = """
window.__responses = [];
const fetch0 = window.fetch;
window.fetch = async function (input, init) {
  const response = await fetch0.call(this, input, init);
  const url = typeof input === 'string' ? input : input.url;
  if (url.includes('_dash-update-component')) {
    const body = await response.clone().arrayBuffer();
    window.__responses.push([performance.now(), body.byteLength, String(init && init.body || '').slice(0, 400)]);
  }
  return response;
};
"""

NETWORK_DRAWS = "() => window.__draws.filter(d => d[0] === 'network-graph').length"


def _update_after(page, since: float, output: str) -> tuple[float, int] | None:
    """The first Dash response naming ``output`` after ``since`` (page time): (arrival, bytes)."""
    found = page.evaluate("""([since, output]) => window.__responses.find(
        r => r[0] >= since && r[2].includes(output))""", [since, output])
    return (found[0], found[1]) if found else None


def _wait_for_network_draw(page, draws: int, timeout_s: float = 180) -> float:
    page.wait_for_function(f"(n) => ({NETWORK_DRAWS})() > n", arg=draws, polling=50, timeout=timeout_s * 1000)
    return page.evaluate("window.__draws.filter(d => d[0] === 'network-graph').at(-1)[1]")


def _timeline_repaint(page, since: float) -> int | None:
    """ms from ``since`` until the timeline was next drawn (waits for it)."""
    page.wait_for_function("(t) => window.__draws.some(d => d[0] === 'timeline-graph' && d[1] > t)", arg=since,
                           polling=50, timeout=120_000)
    return round(page.evaluate("(t) => window.__draws.find(d => d[0] === 'timeline-graph' && d[1] > t)[1]", since)
                 - since)


def _zoom(page, factor: float) -> tuple[int | None, int | None]:
    """Zoom the network into its middle (``factor`` times narrower); ms from the relayout until the
    server's answer is drawn, and the answer's bytes (None, None: the server did not answer)."""
    draws = page.evaluate(f"({NETWORK_DRAWS})()")
    zoomed = page.evaluate("""(factor) => { const gd = document.querySelector('#network-graph .js-plotly-plot');
        const x = gd._fullLayout.xaxis.range, y = gd._fullLayout.yaxis.range;
        const cx = (x[0] + x[1]) / 2, cy = (y[0] + y[1]) / 2;
        const w = (x[1] - x[0]) / 2 / factor, h = (y[1] - y[0]) / 2 / factor, t = performance.now();
        Plotly.relayout(gd, {'xaxis.range': [cx - w, cx + w], 'yaxis.range': [cy - h, cy + h]});
        return t; }""", factor)
    try:
        drawn = _wait_for_network_draw(page, draws, timeout_s=60)  # (a relayout is not a Plotly.react)
    except Exception:  # (before level of detail the server did not answer a zoom)
        return None, None
    answer = _update_after(page, zoomed, "network-graph.figure")
    return round(drawn - zoomed), answer[1] if answer else None


def bench_size(browser, data: Path) -> dict:
    graph = build_graph(load_dataset(data))
    organisation = max((n for n, a in graph.nodes(data=True) if a["kind"] == "company"), key=graph.degree)
    started = time.perf_counter()
    with serve(data) as url:
        startup = time.perf_counter() - started
        page = open_page(browser)
        page.add_init_script(RECORD_DRAWS)
        page.add_init_script(RECORD_RESPONSES)
        cdp = page.context.new_cdp_session(page)  # bytes on the wire (compressed), every request of the load
        cdp.send("Network.enable")
        wire: dict[str, int] = {}
        cdp.on("Network.loadingFinished",
               lambda event: wire.__setitem__(event["requestId"], event["encodedDataLength"]))
        page.goto(url, timeout=180_000)
        page.wait_for_function(
            "() => ['network-graph', 'timeline-graph'].every(g => window.__draws.some(d => d[0] === g))",
            polling=50, timeout=300_000)
        first = dict(page.evaluate("() => window.__draws.map(d => [d[0], d[1]])")[::-1])
        page.wait_for_timeout(1500)  # let the page settle (analysis panel, dropdowns)
        first_load_bytes = sum(wire.values())
        zoom_in, zoom_bytes = _zoom(page, 20)  # unfiltered, into a small region: individual nodes
        if zoom_in is not None:
            draws = page.evaluate(f"({NETWORK_DRAWS})()")
            page.evaluate("""() => Plotly.relayout(document.querySelector('#network-graph .js-plotly-plot'),
                {'xaxis.autorange': true, 'yaxis.autorange': true})""")
            _wait_for_network_draw(page, draws, timeout_s=60)
            page.wait_for_timeout(1000)

        draws = page.evaluate(f"({NETWORK_DRAWS})()")
        clicked = page.evaluate("performance.now()")
        choose_organisation(page, graph.nodes[organisation]["label"])
        drawn = _wait_for_network_draw(page, draws)
        answer = _update_after(page, clicked, "network-graph.figure")
        result = {
            "nodes": graph.number_of_nodes(), "relations": graph.number_of_edges(), "app_start_s": round(startup, 1),
            "first_draw_network_ms": round(first["network-graph"]),
            "first_draw_timeline_ms": round(first["timeline-graph"]),
            "first_load_wire_bytes": first_load_bytes,
            "filter_click_to_repaint_ms": round(drawn - clicked),
            "filter_browser_repaint_ms": round(drawn - answer[0]) if answer else None,
            "filter_timeline_repaint_ms": _timeline_repaint(page, answer[0]) if answer else None,
            "filter_patch_bytes": answer[1] if answer else None,
        }
        page.wait_for_timeout(1500)
        result["zoom_in_unfiltered_ms"], result["zoom_in_unfiltered_bytes"] = zoom_in, zoom_bytes
        result["zoom_in_filtered_ms"], result["zoom_in_filtered_bytes"] = _zoom(page, 5)
        result["problems"] = page_problems(page)
        page.context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 50_000],
                        help="actors per dataset (none: only --default)")
    parser.add_argument("--default", action="store_true", help="also the default dataset (data/india-israel), first")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/viz-browser-bench"),
                        help="where the synthetic datasets are written (reused when present)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--disable-gpu", "--no-first-run", "--disable-sync"])
        if args.default:
            print(json.dumps({"dataset": "india-israel", **bench_size(browser, ROOT / "data" / "india-israel")}),
                  flush=True)
        for actors in args.sizes:
            data = args.data_dir / f"synth-{actors}"
            if not (data / "dataset.yaml").exists():
                write_synth(data, actors, round(actors * EVENTS_PER_ACTOR), fmt="json")
            print(json.dumps({"actors": actors, **bench_size(browser, data)}), flush=True)
        browser.close()


if __name__ == "__main__":
    main()
