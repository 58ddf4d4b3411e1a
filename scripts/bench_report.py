"""The bench's verdicts and tables (see scripts/bench.py): targets checked, one table per size,
and the heaviest operations of a callback answer, so a heavy patch can be traced to its part."""

from __future__ import annotations

import gzip
import json

#: issue 13's targets, and the earlier ones that still apply (bytes: 1 KB = 1000 bytes)
TARGETS = {
    "small_update_s": 0.010,  # default dataset and 1k: every interaction, server time
    "small_update_wire_bytes": 20_000,  # default dataset and 1k: every interaction, compressed answer
    "large_update_wire_bytes": 100_000,  # 10k and above: every interaction, compressed answer
    "large_update_s": 0.050,  # largest size run: every interaction, server time
    "first_page_cold_s_at_50k": 1.5,  # figures built from the loaded graph, page layout, /_dash-layout
    "cold_start_default_s": 1.0,  # a fresh process serving the default dataset's first page
    "first_render_bytes": 10_000_000,  # largest size run: the page's layout, uncompressed
    "layout_s": 5.0,  # largest size run: igraph layout, no cache
    "speedup_at_10k": 20.0,  # network figure build, baseline over viz
}
TOP_OPERATIONS = 10


def _compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _where(output: str, location: list, trace_names: dict[str, list[str]]) -> str:
    """``network-graph data[12] 'relations 2019 visit'.x``: a patch location with its trace's name."""
    names = trace_names.get(output.split(".")[0], [])
    if len(location) > 1 and location[0] == "data" and isinstance(location[1], int):
        name = names[location[1]] if location[1] < len(names) else "?"
        rest = ".".join(str(part) for part in location[2:])
        return f"{output} data[{location[1]}] '{name}'" + (f".{rest}" if rest else "")
    return f"{output} " + ".".join(str(part) for part in location)


def _any_trace(location: list) -> str:
    """``data[*].x`` for ``["data", 12, "x"]``: a location summed over traces."""
    return "".join("[*]" if isinstance(k, int) else f".{k}" for k in location).lstrip(".")


def answer_parts(raw: bytes, trace_names: dict[str, list[str]]) -> dict[str, list[dict]]:
    """The largest parts of a callback answer (``heaviest``: each patch operation of a figure, each
    other output and side update whole), and the same summed over traces (``by_path``: e.g. all the
    ``data[*].visible`` switches of a figure). ``gzip_alone`` is a part compressed on its own (a rough
    share of the wire size: compressed together, parts share their repeated keys)."""
    answer = json.loads(raw)
    parts: list[tuple[str, str, object]] = []
    for component, props in answer.get("response", {}).items():
        for prop, value in props.items():
            output = f"{component}.{prop}"
            if isinstance(value, dict) and "__dash_patch_update" in value:
                parts += [(f"{_where(output, op['location'], trace_names)} ({op['operation']})",
                           f"{output} {_any_trace(op['location'])}", op)
                          for op in value["operations"]]
            else:
                parts.append((output, output, value))
    parts += [(f"side update {c}", f"side update {c}", v) for c, v in (answer.get("sideUpdate") or {}).items()]
    sized = [{"part": name, "path": path, "bytes": len(_compact(value)),
              "gzip_alone": len(gzip.compress(_compact(value)))} for name, path, value in parts]
    paths: dict[str, dict] = {}
    for part in sized:
        group = paths.setdefault(part["path"], {"path": part["path"], "operations": 0, "bytes": 0})
        group["operations"] += 1
        group["bytes"] += part["bytes"]
    heaviest = [{k: v for k, v in p.items() if k != "path"} for p in sorted(sized, key=lambda p: -p["bytes"])]
    by_path = sorted(paths.values(), key=lambda g: -g["bytes"])
    return {"heaviest": heaviest[:TOP_OPERATIONS], "by_path": by_path[:TOP_OPERATIONS]}


def _small(size: dict) -> bool:
    """The default dataset and up to 1k actors are held to the interactive targets (10 ms, 20 KB)."""
    return size["label"] == "default" or size["actors"] <= 1000


def _check(name: str, measured: float | None, target: float, unit: str, *, at_least: bool = False,
           note: str = "") -> dict:
    met = measured is not None and (measured >= target if at_least else measured <= target)
    return {"name": name, "measured": measured, "target": target, "unit": unit, "pass": met, "note": note}


def checks(results: dict) -> list[dict]:
    """Every target that this run measured, met or not."""
    found: list[dict] = []
    sizes = results["sizes"]
    for size in sizes:
        label = size["label"]
        for name, m in size["filter_update"]["viz"].items():
            wire_kb, raw_kb = m["wire_bytes"] / 1e3, m["bytes"] / 1e3
            if _small(size):
                found.append(_check(f"{label}: {name}, server", m["server_s"] * 1e3,
                                    TARGETS["small_update_s"] * 1e3, "ms"))
                found.append(_check(f"{label}: {name}, on the wire", wire_kb, TARGETS["small_update_wire_bytes"] / 1e3,
                                    "KB", note=f"raw {raw_kb:.1f} KB, {m['encoding']}"))
            else:
                found.append(_check(f"{label}: {name}, on the wire", wire_kb, TARGETS["large_update_wire_bytes"] / 1e3,
                                    "KB", note=f"raw {raw_kb:.1f} KB, {m['encoding']}"))
        if size["actors"] == 50_000 and size["label"] != "default":
            found.append(_check("50000: first page, cold (figures + layout + /_dash-layout)",
                                size["first_render"]["viz_server_s"], TARGETS["first_page_cold_s_at_50k"], "s"))
    cold = results.get("cold_start_default")
    if cold:
        for key, what in (("viz_empty_cache", "empty layout cache"), ("viz_warm_cache", "layout cached")):
            found.append(_check(f"default: cold start, fresh process ({what})", cold[key]["seconds"],
                                TARGETS["cold_start_default_s"], "s"))
    synthetic = [s for s in sizes if s["label"] != "default"]
    if synthetic:
        largest = max(synthetic, key=lambda s: s["actors"])
        label = largest["label"]
        if not _small(largest):
            for name, m in largest["filter_update"]["viz"].items():
                found.append(_check(f"{label}: {name}, server", m["server_s"] * 1e3, TARGETS["large_update_s"] * 1e3,
                                    "ms"))
        found.append(_check(f"{label}: first page, uncompressed", largest["first_render"]["viz_bytes"] / 1e6,
                            TARGETS["first_render_bytes"] / 1e6, "MB"))
        found.append(_check(f"{label}: layout (igraph, no cache)", largest["layout"]["viz_igraph_s"],
                            TARGETS["layout_s"], "s"))
    at_10k = next((s for s in synthetic if s["actors"] == 10_000), None)
    if at_10k:
        found.append(_check("10000: network build speedup over the baseline", at_10k["build"]["speedup"],
                            TARGETS["speedup_at_10k"], "x", at_least=True))
    return found


def check_lines(found: list[dict]) -> list[str]:
    lines = []
    for c in found:
        sign = ">=" if c["name"].endswith("speedup over the baseline") else "<="
        measured = "not measured" if c["measured"] is None else f"{c['measured']:.1f} {c['unit']}"
        note = f" ({c['note']})" if c["note"] else ""
        lines.append(f"{'PASS' if c['pass'] else 'FAIL'}  {c['name']}: {measured} {sign} {c['target']:g} {c['unit']}"
                     f"{note}")
    return lines


def _columns(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.rjust(w) if i else cell.ljust(w)
                      for i, (cell, w) in enumerate(zip(row, widths, strict=True))) for row in rows]


def size_table(size: dict) -> str:
    """One size: a row per interaction (server ms, raw KB, wire KB, the baseline's where it has them)."""
    drawn = "WebGL" if size["large_mode"] else "SVG"
    head = (f"{size['label']}: {size['actors']} actors, {size['nodes']} nodes, {size['relations']} relations, "
            f"{size['events']} events ({drawn})")
    rows = [("interaction", "server ms", "raw KB", "wire KB", "baseline ms", "baseline KB", "view")]
    baseline = size["filter_update"]["baseline"]
    for name, m in size["filter_update"]["viz"].items():
        base = baseline.get(name)
        rows.append((name, f"{m['server_s'] * 1e3:.1f}", f"{m['bytes'] / 1e3:.1f}", f"{m['wire_bytes'] / 1e3:.1f}",
                     f"{base['server_s'] * 1e3:.0f}" if base else "–", f"{base['bytes'] / 1e3:.0f}" if base else "–",
                     m["shows"] or ""))
    first = size["first_render"]
    rows.append(("first page, cold", f"{first['viz_server_s'] * 1e3:.0f}", f"{first['viz_bytes'] / 1e3:.0f}",
                 f"{first['viz_wire_bytes'] / 1e3:.0f}", f"{first['baseline_server_s'] * 1e3:.0f}",
                 f"{first['baseline_bytes'] / 1e3:.0f}", "figures + /_dash-layout"))
    rows.append(("first page, after start-up", f"{first['viz_warm_server_s'] * 1e3:.0f}", "", "", "", "", ""))
    rows.append(("page layout, at start-up", f"{first['viz_page_layout_s'] * 1e3:.0f}", "", "", "", "",
                 "app_shell: controls, analysis panel"))
    return "\n".join([head, *_columns(rows)])


def summary_table(results: dict) -> str:
    """Every size on one line: network build, first page, layout."""
    rows = [("size", "relations", "build base/viz s (x)", "first page viz cold/warm s", "raw/wire MB (base MB)",
             "layout viz / cached / spring s")]
    for r in results["sizes"]:
        first, spring = r["first_render"], r["layout"]["baseline_spring_s"]
        rows.append((
            str(r["label"]), str(r["relations"]),
            f"{r['build']['baseline_s']:.2f}/{r['build']['viz_s']:.2f} ({r['build']['speedup']:.0f}x)",
            f"{first['viz_server_s']:.2f}/{first['viz_warm_server_s']:.2f}",
            f"{first['viz_bytes'] / 1e6:.2f}/{first['viz_wire_bytes'] / 1e6:.2f} ({first['baseline_bytes'] / 1e6:.1f})",
            f"{r['layout']['viz_igraph_s']:.1f} / {r['layout']['viz_cached_s']:.3f} / "
            + (f"{spring:.1f}" if spring is not None else f">{r['layout']['baseline_stopped_after_s']:.0f}"),
        ))
    return "\n".join(_columns(rows))


def heavy_parts(results: dict) -> str:
    """The heaviest parts of each answer that missed a byte target."""
    failed = {c["name"].removesuffix(", on the wire") for c in results["checks"]
              if not c["pass"] and c["name"].endswith("on the wire")}
    lines = []
    for size in results["sizes"]:
        for name, m in size["filter_update"]["viz"].items():
            if f"{size['label']}: {name}" in failed:
                lines.append(f"\nheaviest parts of {size['label']} / {name} (raw {m['bytes'] / 1e3:.1f} KB, "
                             f"wire {m['wire_bytes'] / 1e3:.1f} KB; {m['shows']}):")
                lines += [f"  {p['bytes'] / 1e3:8.1f} KB raw {p['gzip_alone'] / 1e3:7.1f} KB gzip alone  {p['part']}"
                          for p in m["parts"]["heaviest"]]
                lines.append("  summed over traces:")
                lines += [f"  {g['bytes'] / 1e3:8.1f} KB raw in {g['operations']:>4} operations  {g['path']}"
                          for g in m["parts"]["by_path"] if g["operations"] > 1][:5]
    return "\n".join(lines)


def report(results: dict) -> str:
    cold = results.get("cold_start_default")
    parts = [size_table(size) + "\n" for size in results["sizes"]]
    parts.append(summary_table(results))
    if cold:
        viz, warm, base = cold["viz_empty_cache"], cold["viz_warm_cache"], cold["baseline"]
        parts.append(f"\ncold start, default dataset (fresh process, to the page served; of which imports; "
                     f"launch to exit): viz {viz['seconds']:.2f} s ({viz['import_s']:.2f} s; {viz['process_s']:.2f} s) "
                     f"with an empty layout cache, {warm['seconds']:.2f} s ({warm['import_s']:.2f} s; "
                     f"{warm['process_s']:.2f} s) with the layout cached; baseline {base['seconds']:.2f} s "
                     f"({base['import_s']:.2f} s; {base['process_s']:.2f} s)")
    parts.append("\ntargets:\n" + "\n".join(check_lines(results["checks"])))
    parts.append(heavy_parts(results))
    return "\n".join(parts)
