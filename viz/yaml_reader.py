"""Reading untrusted YAML: safe types only, no aliases, bounded size and depth, line numbers kept."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from viz.problems import Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 40
MAX_STRING = 100_000



class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (the "billion laughs" bomb) and deep nesting."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed in datasets", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _line_index(node: yaml.Node, path: tuple = ()) -> Iterator[tuple[tuple, int]]:
    """Yield (path, 1-based line) for every value in a composed YAML node tree."""
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield (*path, key.value), key.start_mark.line + 1
                yield from _line_index(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _line_index(item, (*path, index))


def _node_problems(node: yaml.Node, label: str, path: tuple = ()) -> Iterator[Problem]:
    """Duplicate mapping keys (PyYAML would silently keep the last) and oversized strings."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield Problem(label, key.start_mark.line + 1, "-", ".".join(map(str, (*path, key.value))),
                                  "duplicate key")
                seen.add(key.value)
                yield from _node_problems(value, label, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_problems(item, label, (*path, index))
    elif isinstance(node, yaml.ScalarNode) and len(node.value) > MAX_STRING:
        yield Problem(label, node.start_mark.line + 1, "-", ".".join(map(str, path)) or "-",
                      f"text of {len(node.value)} characters; the limit is {MAX_STRING}")


@dataclasses.dataclass
class YamlFile:
    label: str
    data: Any
    lines: dict[tuple, int]

    def line(self, path: tuple) -> int | None:
        """Line of the deepest known prefix of ``path``."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


def read_yaml(path: Path, label: str, problems: list[Problem]) -> YamlFile | None:
    """Parse one YAML file; on any problem append it to ``problems`` and return None."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(label, None, "-", "-", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}"))
            return None
        text = path.read_bytes().decode("utf-8")
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
            found = list(_node_problems(node, label)) if node is not None else []
            if found:
                problems.extend(found)
                return None
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, None, "-", "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(label, line, "-", "-", f"YAML error: {reason}"))
        return None
    except (OSError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "nested too deeply"
        problems.append(Problem(label, None, "-", "-", f"cannot read file: {reason}"))
        return None
    lines = dict(_line_index(node)) if node is not None else {}
    return YamlFile(label, data, lines)


def parse_yaml_text(text: str, label: str, line: int, problems: list[Problem]) -> object | None:
    """One YAML value from a snippet (a CSV cell), with the same limits as whole files."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        found = list(_node_problems(node, label)) if node is not None else []
        if found:
            problems.extend(Problem(label, line, p.record, p.field, p.message) for p in found)
            return None
        return loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        problems.append(Problem(label, line, "-", "-", f"YAML error in cell: {getattr(exc, 'problem', None) or exc}"))
        return None
    except RecursionError:
        problems.append(Problem(label, line, "-", "-", "cell nested too deeply"))
        return None
    finally:
        loader.dispose()
