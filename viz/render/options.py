"""Dropdown options for actors: all of them for a small dataset, a ranked search for a large one.

Listing 50k actors in four dropdowns would add megabytes to the first page, so
large datasets send no options up front and answer each typed search instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from viz.record.labels import actor_type_label
from viz.record.load import Dataset
from viz.record.model import Actor, ActorKind
from viz.render.search import Degree, rank_actor_ids

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
                  selected: Iterable[str] = (), limit: int | None = None, degree: Degree | None = None) -> list[dict]:
    """Options ``{"label", "value", "search"}``: all actors sorted by name, or the matches of a query, best first.

    ``organisations`` keeps non-person actors; ``style`` is "plain", "kind"
    (name and kind) or "aliases" (name and aliases). ``query`` keeps the actors
    it finds by name, dated name or alias, ranked as everywhere (:mod:`viz.render.search`:
    exact, prefix, word prefix, inside a word, fuzzy; then ``degree``, then name), and each
    match's ``search`` text holds the query, so the dropdown's own filter keeps the ranked
    list (``search_order="original"``). ``selected`` ids are always included (after the
    matches), so a chosen value keeps its label; ``limit`` caps the matches.

    >>> actor_options(ds, organisations=True, query="elbit", style="kind")  # doctest: +SKIP
    [{'label': 'Elbit Systems (company)', 'value': 'elbit', 'search': 'Elbit Systems Elbit elbit'}]
    """
    raw = (query or "").strip()
    if raw:
        found = rank_actor_ids(dataset, raw, organisations=organisations, limit=limit, degree=degree)
    else:
        pool = dataset.organisations() if organisations else sorted(dataset.actors, key=lambda a: a.name.lower())
        if organisations:
            pool = [a for a in pool if a.kind is not ActorKind.person]
        found = [a.id for a in pool[:limit]]
    matched = set(found)
    actors = dataset.actor_by_id
    chosen = [i for i in dict.fromkeys(selected) if i not in matched and i in actors
              and not (organisations and actors[i].kind is ActorKind.person)]

    def option(actor_id: str, searched: str) -> dict:
        actor = dataset.actor_by_id[actor_id]
        return {"label": _label(dataset, actor, with_kind=style == "kind", with_aliases=style == "aliases"),
                "value": actor.id, "search": " ".join([*actor.all_names(), searched]).strip()}

    return [option(i, raw) for i in found] + [option(i, "") for i in chosen]
