"""Dropdown options for actors: all of them for a small dataset, a search for a large one.

Listing 50k actors in four dropdowns would add megabytes to the first page, so
large datasets send no options up front and answer each typed search instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from viz.record.labels import actor_type_label
from viz.record.load import Dataset
from viz.record.model import Actor, ActorKind

#: a search returns at most this many options
SEARCH_LIMIT = 50


def _label(dataset: Dataset, actor: Actor, *, with_kind: bool, with_aliases: bool) -> str:
    label = actor.name
    if with_aliases and actor.aliases:
        label += f" ({', '.join(actor.aliases)})"
    if actor.names:  # a renamed body is found, and recognised, by its other names too
        label += f" (also {'; '.join(n.name for n in actor.names)})"
    if with_kind:
        label += f" ({actor_type_label(dataset, actor).lower()})"
    return label


def actor_options(dataset: Dataset, *, organisations: bool = False, style: str = "plain", query: str | None = None,
                  selected: Iterable[str] = (), limit: int | None = None) -> list[dict]:
    """Options ``{"label", "value"}`` sorted by name.

    ``organisations`` keeps non-person actors; ``style`` is "plain", "kind"
    (name and kind) or "aliases" (name and aliases). ``query`` keeps actors
    whose name or an alias contains it (any case); ``selected`` ids are always
    included, so a chosen value keeps its label; ``limit`` caps the matches.

    >>> actor_options(ds, organisations=True, query="elbit", style="kind")  # doctest: +SKIP
    [{'label': 'Elbit Systems (company)', 'value': 'elbit'}]
    """
    pool = dataset.organisations() if organisations else sorted(dataset.actors, key=lambda a: a.name.lower())
    if organisations:
        pool = [a for a in pool if a.kind is not ActorKind.person]
    needle = (query or "").strip().lower()
    chosen = set(selected)
    matches = [a for a in pool if a.id in chosen]
    found = 0
    for actor in pool:
        if actor.id in chosen or (needle and not any(needle in text.lower() for text in actor.all_names())):
            continue
        if limit is not None and found >= limit:
            break
        matches.append(actor)
        found += 1
    return [{"label": _label(dataset, a, with_kind=style == "kind", with_aliases=style == "aliases"),
             "value": a.id, "search": " ".join(a.all_names())} for a in matches]
