"""Round-trip changes to records, touching only what differs (the parts of :mod:`viz.record.edits`).

A record edited in a form comes back as plain data. Writing it back whole would restyle it
(and lose its comments); instead the stored round-trip record is changed in place: equal values
keep their nodes (and so their formatting and comments), changed scalars are replaced in the house
style (:func:`viz.record.yaml_writer.house_style`), mappings and lists are merged item by item.
Also here: form data checked to be plain data, and the references to a record found and removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from viz.record.load import COLLECTIONS, Dataset
from viz.record.problems import field_name, shorten
from viz.record.references import NOUNS, references
from viz.record.yaml_writer import house_style, insert_in_order, plain


class FormDataError(ValueError):
    """Form data that is not plain data (text, numbers, lists, mappings)."""


def clean_form_data(value: Any, where: str) -> Any:
    """Form data as plain data: None values dropped, dates as ISO text; anything not JSON-like is refused."""
    if isinstance(value, dict):
        if bad := [k for k in value if not isinstance(k, str)]:
            raise FormDataError(f"{where}: {bad[0]!r} is not a field name")
        return {k: clean_form_data(v, f"{where}.{k}") for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [clean_form_data(v, f"{where}[{n}]") for n, v in enumerate(value)]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str | bool | int | float):
        return value
    raise FormDataError(f"{where}: {shorten(repr(value), 60)} is not text, a number, a list or a mapping")


def find_references(dataset: Dataset, name: str, record_id: str) -> list[tuple[str, Any, tuple]]:
    """(collection, record, field path) of every reference to a record, in file order."""
    targets = {name, "countries"} if name == "actors" else {name}
    found = []
    for collection in COLLECTIONS:
        for record in getattr(dataset, collection):
            if collection == name and record.id == record_id:
                continue
            found += [(collection, record, path) for path, ref, target in references(record)
                      if ref == record_id and target in targets]
    return found


def describe(found: list[tuple[str, Any, tuple]]) -> list[str]:
    """One line per reference: ``events.yaml: event jwg-17: participants[0].actor``."""
    return [f"{collection}.yaml: {NOUNS[collection]} {record.id}: {field_name(path)}"
            for collection, record, path in found]


def submodel(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    """The model of a field's value or of its list items (``roles`` -> Role), if it has one."""
    if model is None or key not in model.model_fields:
        return None
    pending = [model.model_fields[key].annotation]
    while pending:
        kind = pending.pop()
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind
        pending.extend(typing.get_args(kind))
    return None


def merge_mapping(target: CommentedMap, new: dict, model: type[BaseModel] | None) -> None:
    """Make ``target`` hold ``new``: keys it lacks are removed, new keys go where the model's field order puts them."""
    for key in [k for k in target if k not in new]:
        del target[key]
    order = list(model.model_fields) if model else []
    for key, value in new.items():
        if key in target:
            target[key] = _merged(target[key], value, key, submodel(model, key))
        elif key in order:
            insert_in_order(target, key, house_style(value, key), order)
        else:
            target[key] = house_style(value, key)


def _merged(old: Any, new: Any, key: str, model: type[BaseModel] | None, item: bool = False) -> Any:
    if plain(old) == new:
        return old  # unchanged: the very node, formatting and comments included
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        merge_mapping(old, new, model)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        _merge_list(old, new, key, model)
        return old
    return house_style(new, key, item=item)


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _merge_list(old: CommentedSeq, new: list, key: str, model: type[BaseModel] | None) -> None:
    """Keep the items that stay, merge those changed in place, insert and delete the rest."""
    matcher = difflib.SequenceMatcher(a=[_key(plain(v)) for v in old], b=[_key(v) for v in new], autojunk=False)
    block = any(isinstance(v, CommentedMap) and not v.fa.flow_style() for v in old)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):  # from the end: earlier indices stay valid
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:  # an item edited: merge it, its comments stay
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                old[i] = _merged(old[i], new[j], key, model, item=True)
            continue
        del old[i1:i2]
        for offset, value in enumerate(new[j1:j2]):
            styled = house_style(value, key, item=True)
            if block and isinstance(styled, CommentedMap):
                styled.fa.set_block_style()  # like its neighbours (roles are written one field a line)
            old.insert(i1 + offset, styled)


def _detach_tail(node: Any) -> list:
    """Take away the blank lines and comments after a record (ruamel keeps them on its last block list or map)."""
    tokens: list = []
    while isinstance(node, CommentedMap | CommentedSeq) and node:
        if node.ca.end:
            tokens, node.ca.end = [*node.ca.end, *tokens], []  # an inner node's end comes first in the text
        node = node[next(reversed(node))] if isinstance(node, CommentedMap) else node[-1]
    return tokens


def _before(document: CommentedSeq, index: int) -> list:
    entry = document.ca.items.get(index)
    return list(entry[1] or []) if entry else []


def _set_before(document: CommentedSeq, index: int, tokens: list) -> None:
    if tokens:
        document.ca.items[index] = [None, tokens, None, None]
    else:
        document.ca.items.pop(index, None)


@contextlib.contextmanager
def record_tail_kept(document: CommentedSeq, index: int) -> Iterator[CommentedMap]:
    """Edit a collection's record; what followed it (a blank line, a heading comment) stays where it was,
    even if the field that held it is removed: it is kept above the next record."""
    tokens = _detach_tail(document[index])
    yield document[index]
    if index + 1 < len(document):
        _set_before(document, index + 1, [*tokens, *_before(document, index + 1)])
    else:
        document.ca.end = [*tokens, *(document.ca.end or [])]


def remove_item(document: CommentedSeq, index: int) -> None:
    """Delete a record from a collection; the comments above and below it stay, above the record that follows."""
    before = _before(document, index)
    after = [*_detach_tail(document[index]), *_before(document, index + 1)]
    del document[index]
    if index < len(document):
        _set_before(document, index, [*before, *(t for t in after if t.value.strip())])


#: list fields whose items are whole records' parts: an item naming a deleted actor goes with it
_ITEM_KEYS = frozenset({"actor"})


def remove_reference(record: CommentedMap, path: tuple) -> None:
    """Remove the reference at ``path`` (as :func:`viz.record.references.references` gives it) from a record.

    An id in a list leaves the list (an emptied list goes, and a conflict left without sources goes);
    a participant or signatory whose actor is removed goes; any other field naming the id is removed.
    Paths must be removed from the last to the first (sorted, reversed), so earlier ones stay valid.
    """
    *parents, last = path
    holder: Any = record
    chain = [record]
    for part in parents:
        holder = holder[part]
        chain.append(holder)
    if isinstance(last, int) or last in _ITEM_KEYS:
        if last in _ITEM_KEYS:  # the whole participant / signatory
            *parents, last = parents
            chain.pop()
            holder = chain[-1]
        del holder[last]
        if holder:
            return
        if len(parents) >= 3 and parents[-3] == "conflicts":  # conflicts[k].sources emptied: the conflict goes
            del chain[-3][parents[-2]]
            if chain[-3]:
                return
            parents, chain = parents[:-2], chain[:-2]
        del chain[-2][parents[-1]]
    else:
        del holder[last]
