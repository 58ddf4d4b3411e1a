"""Reading untrusted YAML: safe types only, no aliases, bounded size and depth, line numbers kept.

A file is read one top-level entry at a time -- a collection's records, the fields of
``dataset.yaml`` -- so memory follows the largest record, not the file: the node tree that
keeps line numbers costs some 200 times the text it comes from. libyaml parses when it
is installed (it is in PyYAML's wheels, and parses about 5x faster); the nodes are composed
in Python either way, which is where aliases and deep nesting are refused.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from viz.record.files import read_text_file
from viz.record.problems import Problem, field_name, record_name, shorten

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 40
MAX_STRING = 100_000

_NO_ALIASES = "YAML aliases (*name) are not allowed in datasets"
_TAG = "tag:yaml.org,2002:"
#: what a scalar of each tag must look like, for messages about one that does not
_EXPECTED = {f"{_TAG}int": "an integer", f"{_TAG}float": "a number", f"{_TAG}bool": "true or false",
             f"{_TAG}timestamp": "a real date", f"{_TAG}binary": "base64 data"}

if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _Base(CParser, Composer, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml's parser under PyYAML's composer (Python, so that it can be made strict)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
else:  # pragma: no cover - PyYAML's wheels include libyaml
    _Base = yaml.SafeLoader  # type: ignore[misc,assignment]


class _StrictLoader(_Base):
    """A safe loader that refuses aliases (the "billion laughs" bomb) and deep nesting."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, _NO_ALIASES, mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def next_node(self) -> yaml.Node:
        """Compose the next node; anchors are dropped, as aliases to them are refused anyway."""
        node = self.compose_node(None, None)
        self.anchors = {}
        return node

    def construct(self, node: yaml.Node) -> Any:
        """The Python value of ``node``; after a failure the loader is ready for the next node."""
        try:
            return self.construct_document(node)
        finally:
            self.constructed_objects, self.recursive_objects, self.state_generators = {}, {}, []
            self.deep_construct = False


@dataclasses.dataclass
class YamlFile:
    """Data read from a file, with the line of each path in it (``(index, "field", ...)`` in a collection)."""

    label: str
    data: Any
    lines: dict[tuple, int]

    def line(self, path: tuple) -> int | None:
        """Line of the deepest known prefix of ``path``."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None


@dataclasses.dataclass
class Collection:
    """A collection file's top level. ``shape`` is "list", "empty" or what the file holds instead;
    ``records`` reads a list's items one at a time, yielding None for one that could not be
    read (its problems are reported; a syntax error also ends the file)."""

    label: str
    shape: str
    records: Iterator[YamlFile | None] = dataclasses.field(default_factory=lambda: iter(()))


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


def _node_problems(node: yaml.Node, path: tuple = ()) -> Iterator[tuple[int, tuple, str]]:
    """(line, path, message) of duplicate mapping keys (PyYAML would silently keep the last) and oversized strings."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield key.start_mark.line + 1, (*path, key.value), "duplicate key"
                seen.add(key.value)
                yield from _node_problems(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_problems(item, (*path, index))
    elif isinstance(node, yaml.ScalarNode) and len(node.value) > MAX_STRING:
        yield node.start_mark.line + 1, path, f"text of {len(node.value)} characters; the limit is {MAX_STRING}"


def _unreadable_scalars(loader: _StrictLoader, node: yaml.Node, path: tuple = ()) -> Iterator[tuple[int, tuple, str]]:
    """(line, path, message) of scalars whose tag cannot hold their text: ``2025-13-45``, a 5,000-digit integer."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _unreadable_scalars(loader, key, path)
            yield from _unreadable_scalars(loader, value, (*path, getattr(key, "value", "?")))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _unreadable_scalars(loader, item, (*path, index))
    elif isinstance(node, yaml.ScalarNode) and node.tag in _EXPECTED:
        try:
            loader.construct(node)
        except Exception as exc:  # PyYAML's constructors raise assorted errors on bad text
            if isinstance(exc, ValueError) and "digits" in str(exc):
                reason = (f"an integer longer than Python reads ({sys.get_int_max_str_digits()} digits); "
                          "quote it if it is text")
            else:
                reason = f"not {_EXPECTED[node.tag]}" + (f" ({exc})" if isinstance(exc, ValueError) else "")
            yield node.start_mark.line + 1, path, f"{shorten(node.value)} is {reason}"


def _record_name(node: yaml.Node, path: tuple) -> str:
    """The record's name as :func:`viz.record.problems.record_name` gives it, from its node."""
    if not path:
        return "-"
    ident = None
    if isinstance(node, yaml.MappingNode):
        ident = next((value.value for key, value in node.value if getattr(key, "value", None) == "id"
                      and isinstance(value, yaml.ScalarNode) and value.tag == f"{_TAG}str"), None)
    return record_name({"id": ident}, path[0])


def _entry(loader: _StrictLoader, node: yaml.Node, label: str, path: tuple,
           problems: list[Problem]) -> YamlFile | None:
    """One top-level entry (at ``path``) as data with its lines, or None with its problems reported."""
    if isinstance(node, yaml.ScalarNode):  # the quick way for junk: a million bare values
        found = [] if len(node.value) <= MAX_STRING else list(_node_problems(node))
        lines = {path: node.start_mark.line + 1}
    else:
        found = list(_node_problems(node))
        lines = {}
    if not found:
        try:
            return YamlFile(label, loader.construct(node), lines or dict(_line_index(node, path)))
        except Exception as exc:  # located below, scalar by scalar
            found = list(_unreadable_scalars(loader, node)) or [
                (node.start_mark.line + 1, (), f"YAML error: {_reason(exc)}")]
    record = _record_name(node, path)
    problems.extend(Problem(label, line, record, field_name(where), message) for line, where, message in found)
    return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return f"nested deeper than {MAX_DEPTH} levels"
    return getattr(exc, "problem", None) or str(exc)


def _syntax_problem(label: str, exc: BaseException) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    return Problem(label, mark.line + 1 if mark else None, "-", "-", f"YAML error: {_reason(exc)}")


def _open(path: Path, label: str, problems: list[Problem]) -> _StrictLoader | None:
    """A loader positioned at the root node of ``path`` (None when there is no document)."""
    text = read_text_file(path, label, problems, MAX_FILE_BYTES)
    if text is None:
        return None
    loader = _StrictLoader(text)
    try:
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return loader
        loader.get_event()  # the document's start
    except yaml.YAMLError as exc:
        loader.dispose()
        problems.append(_syntax_problem(label, exc))
        return None
    return loader


def _finish(loader: _StrictLoader) -> None:
    """Read past the end of the root node: there must be nothing but the end of the stream."""
    if loader.check_event(yaml.DocumentEndEvent):
        loader.get_event()
    if not loader.check_event(yaml.StreamEndEvent):
        raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                          "but found another document", loader.peek_event().start_mark)


def _root(loader: _StrictLoader, label: str, problems: list[Problem]) -> tuple[str, YamlFile | None]:
    """The shape of the root node, reading it only when it is a single value."""
    if loader.check_event(yaml.StreamEndEvent):
        return "empty", None
    if loader.check_event(yaml.SequenceStartEvent):
        return "list", None
    if loader.check_event(yaml.MappingStartEvent):
        return "a mapping", None
    node = loader.next_node()
    _finish(loader)
    value = _entry(loader, node, label, (), problems)
    if value is None:
        return "unreadable", None
    return ("empty" if value.data is None else "a single value"), value


def _scan(loader: _StrictLoader) -> None:
    """Read the rest of the file as events only (cheap: no nodes), refusing aliases and deep nesting."""
    depth = 0
    while not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, _NO_ALIASES,
                                              event.start_mark)
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        if depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)


def _records(loader: _StrictLoader, label: str, problems: list[Problem]) -> Iterator[YamlFile | None]:
    try:
        loader.get_event()  # the list's start
        index = 0
        while not loader.check_event(yaml.SequenceEndEvent):
            yield _entry(loader, loader.next_node(), label, (index,), problems)
            index += 1
        loader.get_event()
        _finish(loader)
    except (yaml.YAMLError, RecursionError) as exc:
        problems.append(_syntax_problem(label, exc))
        yield None
    finally:
        loader.dispose()


def read_collection_yaml(path: Path, label: str, problems: list[Problem]) -> Collection | None:
    """A YAML collection file, its records read lazily; None (and problems) if it cannot be read."""
    loader = _open(path, label, problems)
    if loader is None:
        return None
    try:
        shape, _ = _root(loader, label, problems)
    except (yaml.YAMLError, RecursionError) as exc:
        problems.append(_syntax_problem(label, exc))
        shape = "unreadable"
    if shape == "list":
        return Collection(label, shape, _records(loader, label, problems))
    try:
        if shape == "a mapping":
            _scan(loader)  # not a collection, but an alias bomb or a syntax error is the thing to say
    except yaml.YAMLError as exc:
        problems.append(_syntax_problem(label, exc))
        shape = "unreadable"
    finally:
        loader.dispose()
    return None if shape == "unreadable" else Collection(label, shape)


def read_yaml(path: Path, label: str, problems: list[Problem]) -> YamlFile | None:
    """A YAML file whose top level is a mapping (``dataset.yaml``), read field by field.

    Anything else comes back as a YamlFile whose data is not a dict; None (and problems) if unreadable.
    """
    size_before = len(problems)
    loader = _open(path, label, problems)
    if loader is None:
        return None
    try:
        shape, single = _root(loader, label, problems)
        if shape != "a mapping":
            return None if shape == "unreadable" else single or YamlFile(label, [] if shape == "list" else None, {})
        loader.get_event()
        data: dict = {}
        lines: dict[tuple, int] = {}
        seen: set[str] = set()
        while not loader.check_event(yaml.MappingEndEvent):
            key, value = loader.next_node(), loader.next_node()
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    problems.append(Problem(label, key.start_mark.line + 1, "-", key.value, "duplicate key"))
                    continue
                seen.add(key.value)
            pair = yaml.MappingNode(f"{_TAG}map", [(key, value)], key.start_mark, value.end_mark)
            entry = _entry(loader, pair, label, (), problems)
            if entry is not None:
                data.update(entry.data)
                lines.update(entry.lines)
        loader.get_event()
        _finish(loader)
    except (yaml.YAMLError, RecursionError) as exc:
        problems.append(_syntax_problem(label, exc))
        return None
    finally:
        loader.dispose()
    return None if len(problems) > size_before else YamlFile(label, data, lines)


def parse_yaml_text(text: str, label: str, line: int, problems: list[Problem], record: str = "-",
                    field: str = "-") -> YamlFile | None:
    """One YAML value from a snippet (a CSV cell), with the same limits as whole files; None if unreadable."""
    loader = _StrictLoader(text)
    found: list[Problem] = []
    try:
        loader.get_event()  # the stream's start
        if loader.check_event(yaml.StreamEndEvent):
            return YamlFile(label, None, {})
        loader.get_event()  # the document's start
        node = loader.next_node()
        _finish(loader)
        value = _entry(loader, node, label, (), found)
        if value is not None:
            return value
    except (yaml.YAMLError, RecursionError) as exc:
        found.append(Problem(label, line, record, field, f"YAML error in cell: {_reason(exc)}"))
    finally:
        loader.dispose()
    problems.extend(Problem(label, line, record, field if p.field == "-" else f"{field}.{p.field}", p.message)
                    for p in found)
    return None
