"""Validation messages in the dataset's own words, made from pydantic's errors.

pydantic says "Input should be a valid dictionary or instance of DateSpec" or "String should
match pattern '^[a-z0-9]...'"; a person writing a record needs the value they wrote and what to
write instead: "'2023-06-21' is not a date mapping: write {start: 2023-06-21, precision: day}",
"'persn' is not one of person, government_body, ...; did you mean `person`?". :func:`explain`
turns each error into such a message, located at the field as the user writes it (never
``session.int``). Close matches for a name written where an id belongs need the whole dataset:
such a message carries a ``hint`` that :class:`viz.record.references.Suggester` completes later.
"""

from __future__ import annotations

import dataclasses
import functools
import reprlib
import types
import typing
from collections.abc import Iterable
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel
from pydantic_core import ErrorDetails
from rapidfuzz import fuzz, process, utils

from viz.record.dates import DateSpec, DateWindow, coerce_date_text, precision_of
from viz.record.model import (
    ID_PATTERN,
    Actor,
    Agreement,
    DatasetMeta,
    DatedName,
    Event,
    Labels,
    OrganisationType,
    Participant,
    Place,
    Role,
    Series,
    Source,
    SourceConflict,
)
from viz.record.problems import field_name, shorten
from viz.record.references import NOUNS, article, reference_target, slug

ID_RULE = "ids use lower-case letters, digits, '.', '_' and '-'"

#: what each kind of record is called, and an example of one where a field holds it
MODELS: dict[type[BaseModel], tuple[str, str | None]] = {
    DateSpec: ("a date", "{start: 2025-11-04, precision: day}"),
    DateWindow: ("a window", "{earliest: 2001-12, latest: 2002-05}"),
    Place: ("a place", "{venue: Lakeside Hall, city: New Delhi, country: India}"),
    Participant: ("a participant", "{actor: actor-id, role: delegate}"),
    Role: ("a role", "{title: Defence Secretary, organisation: actor-id, as_of: 2025-11-04}"),
    DatedName: ("a dated name", "{name: Old Name, until: 2024}"),
    SourceConflict: ("a conflict", "{note: what the sources disagree on, sources: [source-id, source-id]}"),
    Labels: ("labels", "{event_kinds: {other: Exercise}}"),
    OrganisationType: ("an organisation type", "{id: ministry, label: Ministry, kind: government_body}"),
    Source: ("a source", None), Actor: ("an actor", None), Agreement: ("an agreement", None),
    Event: ("an event", None), Series: ("a series", None), DatasetMeta: ("dataset.yaml", None),
}
#: examples for the mappings a field holds, by field name
MAPPINGS = {"dates": "{announced: {start: 2024-05, precision: month}}", "event_kinds": "{visit: Official visit}",
            "actor_kinds": "{group: Working group}", "participant_roles": "{called-on: Called on}"}


def _from_text(model: type[BaseModel], value: Any) -> str | None:
    """What to write for a record that was given as bare text (a date, a city, an actor id)."""
    text = coerce_date_text(value) if model is DateSpec else value
    if not isinstance(text, str) or not text.strip():
        return None
    if model is DateSpec:
        try:
            return f"{{start: {text}, precision: {precision_of(text).value}}}"
        except ValueError:
            return None
    return {Place: f"{{city: {text}}}", Participant: f"{{actor: {text}, role: participant}}"}.get(model)


_REPR = reprlib.Repr()  # Python 3.11's takes no arguments
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 4, 40, 40


def show(value: Any) -> str:
    """A value as a message quotes it: text quoted and shortened, YAML's words for null and booleans."""
    if isinstance(value, str):
        return shorten(value, 60)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):  # YAML reads an unquoted 2025-11-04 as a date
        return repr(value.isoformat())
    if isinstance(value, int | float) and abs(value) < 10**40:
        return str(value)
    try:
        return _REPR.repr(value)
    except ValueError:  # an integer too long to write out
        return "a very long number"


@dataclasses.dataclass(frozen=True)
class _Spot:
    """Where an error is: the data path, the type expected there, and the record type holding the field.

    When a member of a union reported the error, ``annotation`` is the whole union.
    """

    loc: tuple
    annotation: Any
    owner: type[BaseModel] | None
    field: str | None
    in_union: bool


def _parts(annotation: Any) -> tuple[Any, tuple]:
    """(type, constraints) of a possibly ``Annotated`` type."""
    if typing.get_origin(annotation) is Annotated:
        return typing.get_args(annotation)[0], annotation.__metadata__
    return annotation, ()


def _members(annotation: Any) -> list[Any]:
    """The members of a union other than None; ``[annotation]`` for anything else."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_type(model: type[BaseModel], name: str) -> Any:
    info = model.model_fields.get(name)
    if info is None:
        return None
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def _member_for_tag(members: list[Any], tag: str) -> Any:
    for member in members:
        base, _ = _parts(member)
        name = getattr(base, "__name__", "")
        if tag == name.lower() or tag == name or (tag.startswith("literal") and typing.get_origin(base) is Literal):
            return member
    return None


@functools.lru_cache(maxsize=4096)  # a repeated mistake repeats its locations
def _locate(model: type[BaseModel], raw_loc: tuple) -> _Spot:
    """Follow pydantic's ``loc`` through the model, dropping its union tags and validator names."""
    loc: list = []
    annotation: Any = model
    owner, field, union, key_type = None, None, None, None
    for part in raw_loc:
        if part == "[key]":  # the error is in the key of a mapping, not its value
            annotation = key_type
            continue
        if isinstance(part, str) and part.startswith("function-"):
            continue
        members = _members(annotation)
        if len(members) > 1 and isinstance(part, str):  # pydantic names the union member that failed
            union, annotation = annotation, _member_for_tag(members, part)
            continue
        base, _ = _parts(members[0])
        if _is_model(base) and isinstance(part, str):
            owner, field, annotation = base, part, _field_type(base, part)
        elif typing.get_origin(base) is tuple:
            annotation = typing.get_args(base)[0]
        elif typing.get_origin(base) is dict:
            key_type, annotation = typing.get_args(base)
        else:
            annotation = None
        loc.append(part)
    return _Spot(tuple(loc), union or annotation, owner, field, union is not None)


def _item_type(annotation: Any) -> Any:
    """The type of a tuple's items (without constraints), else None."""
    return _parts(typing.get_args(annotation)[0])[0] if typing.get_origin(annotation) is tuple else None


def _is_id(annotation: Any) -> bool:
    return any(getattr(c, "pattern", None) == ID_PATTERN for c in _parts(annotation)[1])


def describe(annotation: Any, model: type[BaseModel], loc: tuple, field: str | None = None) -> str:
    """What a field expects, as a noun phrase: "one of day, month, year, unknown", "a list of source ids ..."."""
    members = _members(annotation)
    if len(members) > 1:
        return " or ".join(describe(m, model, loc, field) for m in members)
    base, _ = _parts(members[0])
    if _is_id(members[0]):
        target = reference_target(model, loc)
        return f"{article(NOUNS[target])} id" if target else f"an id such as us-dod; {ID_RULE}"
    if isinstance(base, type) and issubclass(base, Enum):
        return "one of " + ", ".join(str(m.value) for m in base)
    if typing.get_origin(base) is Literal:
        return " or ".join(repr(v) if isinstance(v, str) else str(v) for v in typing.get_args(base))
    if _is_model(base):
        noun, example = MODELS.get(base, (article(base.__name__.lower()), None))
        return f"{noun} such as {example}" if example else f"{noun} (a mapping of its fields)"
    if typing.get_origin(base) is tuple:
        item = typing.get_args(base)[0]
        if _is_id(item):
            target = reference_target(model, (*loc, 0))
            noun = NOUNS[target] if target else "record"
            return f"a list of {noun} ids such as [{noun.replace(' ', '-')}-id]"
        if _is_model(_parts(item)[0]):
            return f"a list, each item {describe(item, model, (*loc, 0))}"
        return "a list of texts such as [first, second]"
    if typing.get_origin(base) is dict:
        return f"a mapping such as {MAPPINGS.get(field or '', '{key: value}')}"
    if base is bool:
        return "true or false"
    if base is int:
        return "a whole number"
    if base is str:
        return "text"
    return "another kind of value"


def _did_you_mean(value: Any, choices: Iterable[str]) -> str:
    if not isinstance(value, str):
        return ""
    found = process.extract(value, list(choices), scorer=fuzz.ratio, processor=utils.default_process, limit=2,
                            score_cutoff=70)
    return f"; did you mean {' or '.join(f'`{choice}`' for choice, _, _ in found)}?" if found else ""


@dataclasses.dataclass(frozen=True)
class Explained:
    """One message for one field. ``hint`` is (collection, value) when close matches should be added."""

    loc: tuple
    message: str
    hint: tuple[str, str] | None = None

    @functools.cached_property
    def field(self) -> str:
        """The field as the user writes it: ``participants[1].actor``."""
        return field_name(self.loc)


def _id_problem(value: Any, model: type[BaseModel], loc: tuple, max_length: int | None) -> Explained:
    """A value that cannot be an id: for a reference, close matches are added later (its ``hint``)."""
    rule = f"{ID_RULE}, at most {max_length} characters" if max_length else ID_RULE
    target = reference_target(model, loc)
    if target is None:  # the record's own id: suggest one made from it
        example = slug(value) if isinstance(value, str) else ""
        return Explained(loc, f"{show(value)} is not a valid id ({rule})"
                              + (f"; for example `{example}`" if example else ""))
    return Explained(loc, f"{show(value)} is not {article(NOUNS[target])} id ({rule})", (target, value))


def _message(model: type[BaseModel], kind: str, spot: _Spot, value: Any, msg: str, ctx: dict) -> Explained:
    loc = spot.loc
    expected = describe(spot.annotation, model, loc, spot.field)
    member = _members(spot.annotation)[0]
    base, _ = _parts(member)
    if kind == "missing":
        if typing.get_origin(base) is Literal:
            expected = f"write {spot.field}: {expected}"
        return Explained(loc, f"required field {spot.field!r} is missing ({expected})")
    if kind == "extra_forbidden":
        owner = spot.owner or model
        fields = list(owner.model_fields)
        noun = MODELS.get(owner, (article(owner.__name__.lower()), None))[0]
        hint = _did_you_mean(spot.field, fields) or f" (its fields are {', '.join(fields)})"
        return Explained(loc, f"{spot.field!r} is not a field of {noun}{hint}")
    if kind in ("string_pattern_mismatch", "string_too_long") and _is_id(member):
        return _id_problem(value, model, loc, ctx.get("max_length") if kind == "string_too_long" else None)
    if kind == "value_error":
        return Explained(loc, msg.removeprefix("Value error, "))
    if kind == "string_too_long":
        return Explained(loc, f"{show(value)} is too long: at most {ctx.get('max_length')} characters")
    if kind == "string_too_short":
        return Explained(loc, f"{show(value)} is empty; write some text")
    if value is None:
        return Explained(loc, f"the value is empty (null); give {expected}")
    if kind == "literal_error" and len(typing.get_args(base)) == 1:
        return Explained(loc, f"{show(value)} is not allowed here; write {expected}")
    if kind == "too_short":
        item = describe(typing.get_args(base)[0], model, (*loc, 0)) if typing.get_origin(base) is tuple else "an item"
        minimum = ctx.get("min_length") or 1
        count = "one" if minimum == 1 else f"{minimum} of"
        return Explained(loc, f"{show(value)} is empty; give at least {count} {item.split(' ', 1)[1]} ({expected})")
    if kind == "too_long":
        return Explained(loc, f"{show(value)} has too many items (at most {ctx.get('max_length')})")
    message = f"{show(value)} is not {expected}"
    if kind == "enum" and isinstance(base, type) and issubclass(base, Enum):
        message += _did_you_mean(value, (str(m.value) for m in base))
    elif kind == "tuple_type" and isinstance(value, str | int | float) and not _is_model(_item_type(base)):
        message += f"; write it as a list: [{value}]"
    elif kind == "model_type" and _is_model(base) and (written := _from_text(base, value)):
        message = f"{show(value)} is not {MODELS[base][0]} mapping: write {written}"
    elif kind not in _KNOWN:  # still shows the value; pydantic's words say what else is wrong
        message += f" ({msg})"
    return Explained(loc, message)


#: error types whose message does not depend on the value
_VALUE_FREE = frozenset({"missing", "extra_forbidden", "value_error"})
#: error types whose message is "<value> is not <what the field expects>" and nothing more
_KNOWN = frozenset({"enum", "literal_error", "tuple_type", "list_type", "dict_type", "model_type",
                    "model_attributes_type", "string_type", "int_type", "int_parsing", "int_from_float",
                    "bool_type", "bool_parsing", "float_type", "float_parsing", "string_pattern_mismatch"})


def explain(model: type[BaseModel], errors: Iterable[ErrorDetails]) -> list[Explained]:
    """Messages for the errors pydantic found validating one ``model`` record, one per field.

    A value no member of a union accepts gets one message saying what the union accepts, not
    one per member.
    """
    found: list[Explained] = []
    unions: set[tuple] = set()
    for error in errors:
        raw_loc = tuple(error["loc"])
        spot = _locate(model, raw_loc)
        if spot.in_union:
            if spot.loc in unions:
                continue
            unions.add(spot.loc)
        value, ctx = error.get("input"), error.get("ctx") or {}
        if error["type"] in _VALUE_FREE:  # the message does not quote the value (a missing field's is the record)
            value = None
        if isinstance(value, str | int | float | None):  # junk repeats itself: the same message, worked out once
            limits = (ctx.get("min_length"), ctx.get("max_length"))
            found.append(_cached_message(model, error["type"], raw_loc, type(value), value, error["msg"], limits))
        else:
            found.append(_message(model, error["type"], spot, value, error["msg"], ctx))
    return found


@functools.lru_cache(maxsize=4096)
def _cached_message(model: type[BaseModel], kind: str, raw_loc: tuple, _type: type, value: Any, msg: str,
                    limits: tuple) -> Explained:
    """:func:`_message` for a value that can be a cache key (``_type`` keeps 1, 1.0 and True apart)."""
    ctx = {"min_length": limits[0], "max_length": limits[1]}
    return _message(model, kind, _locate(model, raw_loc), value, msg, ctx)

