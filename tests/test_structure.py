"""The folders show the flow: record -> network -> render -> app and cli, with exports and ingest beside render.

No module imports from a later stage (function-level imports included), so a newcomer can tell
from the folder names where a change goes and what it may use.
"""

from __future__ import annotations

import ast
from pathlib import Path

from viz import REPO_ROOT

#: each stage and the stages it may use
MAY_USE = {
    "record": {"record"},
    "network": {"record", "network"},
    "render": {"record", "network", "render"},
    "exports": {"record", "network", "exports"},
    "ingest": {"record", "network", "ingest"},
    "app": {"record", "network", "render", "exports", "ingest", "app"},
    "cli": {"record", "network", "render", "exports", "ingest", "app", "cli"},
}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "viz" or len(parts) < 2:
        return None
    return "cli" if parts[1] == "cli" else parts[1] if parts[1] in MAY_USE else None


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_every_module_sits_in_a_stage_and_imports_only_earlier_ones():
    viz = REPO_ROOT / "viz"
    problems, loose = [], []
    for path in sorted(viz.rglob("*.py")):
        module = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts).removesuffix(".__init__")
        stage = _stage(module)
        if stage is None:
            if module != "viz":
                loose.append(module)
            continue
        for imported in _imports(path):
            used = _stage(imported)
            if used is not None and used not in MAY_USE[stage]:
                problems.append(f"{module} ({stage}) imports {imported} ({used})")
    assert loose == [], "modules outside the stage folders"
    assert problems == []
