"""Search across actors, events and agreements, ranked the way people expect.

A query is matched against every record's *keys*, each normalised (case, accents and punctuation
ignored): an actor's name, dated names and aliases; an event's title, its session number in the
forms people type ("17", "17th", "<short name> 17"), and, as secondary keys, its place and years; an
agreement's name. A record ranks by its best key:

    exact > prefix > word prefix (a later word starts with the query) > inside a word > fuzzy

with any match on a name or title before a match on a place or year; ties go to the better
connected record (relations in the graph; for an event, the actors it involves), then the name.

:class:`SearchIndex` holds the keys of one dataset in sorted arrays, built once (about a second at
50,000 actors), so a query costs a few binary searches and numpy passes instead of a scan of every
name; the inside-a-word and fuzzy passes run only when the better tiers leave room in the answer.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping

import numpy as np
from rapidfuzz import fuzz, process

from viz.network.timeline import ordinal, series_sessions
from viz.record.labels import actor_type_label
from viz.record.load import Dataset
from viz.record.model import ActorKind, Event

#: how connected a node is: ``{id: relations}`` or a function of the id (``graph.degree`` works)
Degree = Mapping[str, int] | Callable[[str], int]

#: tiers of a match on a name or title; a match on a place or year ranks SECONDARY tiers lower
EXACT, PREFIX, WORD, INSIDE = 0, 1, 2, 3
SECONDARY = 4
#: fuzzy matches come last: on a whole key, on part of a key, on a whole place, on part of a place
FUZZY = 8
#: rapidfuzz score (0-100) a fuzzy match needs; one typo in a six-letter word scores about 83
FUZZY_CUTOFF = 80
#: shorter queries are not matched fuzzily (one typo in three letters matches half the dataset)
FUZZY_MIN_LENGTH = 4
#: longer queries match nothing (no name is this long; it keeps hostile input cheap)
MAX_QUERY = 200
DEFAULT_LIMIT = 20
#: word starts are indexed this far; a longer query is placed by the inside-a-word pass
SUFFIX_LENGTH = 48

_ACTOR, _EVENT, _AGREEMENT = 0, 1, 2
_APOSTROPHES = re.compile(r"['’ʼ`]")  # "Ya'alon" is found as "yaalon"
_NON_WORD = re.compile(r"[\W_]+")
_TOP = "\U0010ffff"  # sorts after every character: [q, q + _TOP) holds everything starting with q


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: ``Tel-Avív`` -> ``tel aviv``."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NON_WORD.split(_APOSTROPHES.sub("", text.casefold()))).strip()


def _degree_of(degree: Degree | None) -> Callable[[str], int]:
    """A lookup that answers 0 for ids the degree does not know (events are not graph nodes)."""
    if degree is None:
        return lambda _node: 0
    if isinstance(degree, Mapping):
        return lambda node: int(degree.get(node, 0))
    if not hasattr(degree, "__getitem__"):
        return lambda node: int(degree(node) or 0)
    # networkx's DegreeView is indexed: calling it with an id it lacks would iterate the id's letters

    def lookup(node: str) -> int:
        try:
            return int(degree[node])
        except (KeyError, TypeError):
            return 0
    return lookup


def _session_keys(event: Event, short_name: str | None) -> list[str]:
    """The ways people name a numbered session: ``17``, ``17th``, ``<short name> 17``, ``17th <short name>``,
    ``session 17``."""
    number = event.session_number
    if number is None:
        return []
    keys = [str(number), ordinal(number), f"session {number}"]
    if short_name:
        keys += [f"{short_name} {number}", f"{short_name} {ordinal(number)}", f"{ordinal(number)} {short_name}"]
    return keys


class SearchIndex:
    """Every actor, event and agreement of a dataset with its normalised keys, ready to rank queries."""

    def __init__(self, dataset: Dataset, degree: Degree | None = None) -> None:
        self.has_degree = degree is not None
        connections = _degree_of(degree)
        self.refs: list[str] = []
        self.ids: list[str] = []
        self._names: list[str] = []  # what a label starts with
        self._kinds: list[str] = []  # what a label ends with
        self._search: list[str] = []  # the option's client-side search text
        kinds: list[int] = []
        people: list[bool] = []
        weights: list[int] = []
        keys: list[tuple[int, str, bool, str | None]] = []  # (entry, key text, secondary, other name shown)

        def add(ref: str, name: str, kind: str, code: int, weight: int, texts: list[tuple[str, bool, bool]],
                person: bool = False) -> None:
            entry = len(self.refs)
            self.refs.append(ref)
            self.ids.append(ref.partition(":")[2])
            self._names.append(name)
            self._kinds.append(kind)
            self._search.append(" ".join(dict.fromkeys(t for t, _, _ in texts)))
            kinds.append(code)
            people.append(person)
            weights.append(weight)
            keys.extend((entry, text, secondary, text if other else None) for text, secondary, other in texts)

        for actor in dataset.actors:
            add(f"node:{actor.id}", actor.name, actor_type_label(dataset, actor).lower(), _ACTOR,
                connections(actor.id), [(n, False, n != actor.name) for n in actor.all_names()],
                person=actor.kind is ActorKind.person)
        series = dataset.series_by_id
        for event in dataset.events:
            short = series[event.series].short_name if event.series in series else None
            texts = [(event.title, False, False), *((k, False, False) for k in _session_keys(event, short))]
            place = event.place
            texts += [(p, True, False) for p in (place.venue, place.city, place.country) if p] if place else []
            texts += [(d[:4], True, False) for d in dict.fromkeys((event.date.first, event.date.last)) if d]
            where = (place.city or place.country or place.venue) if place else None
            when = event.date.label() if event.date.first else None
            involved = {p.actor for p in event.participants} | set(event.organisations)
            add(f"event:{event.id}", " · ".join(p for p in (event.title, when, where) if p), "event", _EVENT,
                len(involved), texts)
        for agreement in dataset.agreements:
            add(f"node:{agreement.id}", agreement.name, "agreement", _AGREEMENT, connections(agreement.id),
                [(agreement.name, False, False)])

        self.kind = np.array(kinds, dtype=np.int8)
        self.person = np.array(people, dtype=bool)
        self.degree = np.array(weights, dtype=np.int64)
        self._entry_of = {ref: i for i, ref in enumerate(self.refs)}
        by_name = sorted(range(len(self.refs)), key=lambda i: (self._names[i].casefold(), self.refs[i]))
        self._name_rank = np.empty(len(by_name), dtype=np.int64)
        self._name_rank[by_name] = np.arange(len(by_name))
        self._sessions = [[self._entry_of[f"event:{e.event_id}"] for e in series_sessions(dataset, s.id)]
                          for s in dataset.series]
        self._index_keys(keys)

    def _index_keys(self, keys: list[tuple[int, str, bool, str | None]]) -> None:
        normal = [normalise(text) for _, text, _, _ in keys]
        self._key_entry = np.array([k[0] for k in keys], dtype=np.int64)
        self._key_secondary = np.array([k[2] for k in keys], dtype=bool)
        self._key_other = [k[3] for k in keys]
        self._key_length = np.array([len(t) for t in normal], dtype=np.int64)
        # every word start of every key (its first SUFFIX_LENGTH characters), sorted: the keys with a word
        # starting with q are one slice
        starts = sorted((t[p:p + SUFFIX_LENGTH], k, p == 0) for k, t in enumerate(normal) if t
                        for p in (0, *(m.end() for m in re.finditer(" ", t))))
        self._suffixes = [s[0] for s in starts]
        self._suffix_key = np.array([s[1] for s in starts], dtype=np.int64)
        self._suffix_first = np.array([s[2] for s in starts], dtype=bool)
        # all keys in one text, for matches inside words
        self._text = "\n".join(normal)
        self._key_start = np.cumsum([0, *(len(t) + 1 for t in normal[:-1])]) if normal else np.zeros(0, np.int64)
        # distinct key texts by length, for fuzzy matching (short ones whole, long ones by their best part)
        distinct = sorted({t for t in normal if t}, key=lambda t: (len(t), t))
        self._fuzzy_text = distinct
        self._fuzzy_length = [len(t) for t in distinct]
        position = {t: i for i, t in enumerate(distinct)}
        self._key_fuzzy = np.array([position.get(t, -1) for t in normal], dtype=np.int64)

    # -- matching -------------------------------------------------------------------------------------------

    def _codes(self, q: str, keys: np.ndarray, first: np.ndarray, word: np.ndarray) -> np.ndarray:
        """Tier of each match (at the key's start, at a word's start, else inside), a place or year's lower."""
        tiers = np.where(first, np.where(self._key_length[keys] == len(q), EXACT, PREFIX),
                         np.where(word, WORD, INSIDE))
        return tiers + SECONDARY * self._key_secondary[keys]

    def _word_starts(self, q: str) -> tuple[np.ndarray, np.ndarray]:
        if len(q) > SUFFIX_LENGTH:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        low, high = bisect_left(self._suffixes, q), bisect_left(self._suffixes, q + _TOP)
        keys, first = self._suffix_key[low:high], self._suffix_first[low:high]
        return keys, self._codes(q, keys, first, np.ones(len(keys), dtype=bool))

    def _inside(self, q: str) -> tuple[np.ndarray, np.ndarray]:
        found = np.fromiter((m.start() for m in re.finditer(re.escape(q), self._text)), dtype=np.int64)
        keys = np.searchsorted(self._key_start, found, side="right") - 1
        first = found == self._key_start[keys]
        if len(q) > SUFFIX_LENGTH:  # not in the word-start index: place these matches here (few, as q is long)
            word = np.array([self._text[p - 1] == " " for p in found.tolist()], dtype=bool)
        else:  # _word_starts found the word starts already
            word = np.zeros(len(keys), dtype=bool)
        return keys, self._codes(q, keys, first, word)

    def _fuzzy(self, q: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # keys up to half as long again as the query are compared whole ("persn 4242" is nearer "person 4242"
        # than "person 424"); longer ones by their best-matching part ("dovall" in "ajit doval")
        split = bisect_left(self._fuzzy_length, len(q) * 3 // 2 + 1)

        def scores(scorer: Callable, texts: list[str]) -> np.ndarray:
            return process.cdist([q], texts, scorer=scorer, score_cutoff=FUZZY_CUTOFF, dtype=np.uint8,
                                 workers=1)[0] if texts else np.zeros(0, np.uint8)

        score = np.concatenate([scores(fuzz.ratio, self._fuzzy_text[:split]),
                                scores(fuzz.partial_ratio, self._fuzzy_text[split:])])
        keys = np.flatnonzero(np.isin(self._key_fuzzy, np.flatnonzero(score >= FUZZY_CUTOFF)))
        # a whole key like the query ("rafeal": alias "Rafael") before a part of a longer one (a title)
        partly = self._key_fuzzy[keys] >= split
        return keys, FUZZY + partly + 2 * self._key_secondary[keys], score[self._key_fuzzy[keys]].astype(np.int64)

    def _best(self, keys: np.ndarray, codes: np.ndarray, scores: np.ndarray,
              allow: np.ndarray | None) -> tuple[np.ndarray, ...]:
        """Each entry once, with its best (lowest code, highest score) key."""
        entries = self._key_entry[keys]
        if allow is not None:
            kept = allow[entries]
            entries, keys, codes, scores = entries[kept], keys[kept], codes[kept], scores[kept]
        order = np.lexsort((-scores, codes, entries))
        entries, keys, codes, scores = entries[order], keys[order], codes[order], scores[order]
        first = np.ones(len(entries), dtype=bool)
        first[1:] = entries[1:] != entries[:-1]
        return entries[first], keys[first], codes[first], scores[first]

    def rank(self, query: str | None, limit: int | None = DEFAULT_LIMIT, *,
             allow: np.ndarray | None = None) -> list[tuple[int, int]]:
        """The best ``limit`` (None: all) matches as ``(entry, key)`` pairs, best first.

        ``allow`` (a boolean array over entries, e.g. :meth:`actors`) keeps only some records.
        A query that normalises to nothing (``"(["``), or is longer than MAX_QUERY, matches nothing.
        """
        q = normalise(query or "") if len(query or "") <= MAX_QUERY else ""
        if not q or limit == 0:
            return []
        keys, codes = self._word_starts(q)
        parts = [(keys, codes, np.full(len(keys), 100))]
        found = self._best(*parts[0], allow)
        # inside-word and fuzzy matches rank after every word-start match on a name: skip them when those fill
        if limit is None or np.count_nonzero(found[2] <= WORD) < limit:
            keys, codes = self._inside(q)
            parts.append((keys, codes, np.full(len(keys), 100)))
            found = self._best(*map(np.concatenate, zip(*parts, strict=True)), allow)
            if (limit is None or len(found[0]) < limit) and len(q) >= FUZZY_MIN_LENGTH:
                parts.append(self._fuzzy(q))
                found = self._best(*map(np.concatenate, zip(*parts, strict=True)), allow)
        entries, keys, codes, scores = found
        order = np.lexsort((self._name_rank[entries], -self.degree[entries], -scores, codes))[:limit]
        return list(zip(entries[order].tolist(), keys[order].tolist(), strict=True))

    def actors(self, *, organisations: bool = False) -> np.ndarray:
        """A mask of the actors (only the non-person ones with ``organisations``), for ``rank(allow=...)``."""
        mask = self.kind == _ACTOR
        return mask & ~self.person if organisations else mask

    def first_screen(self, limit: int = DEFAULT_LIMIT) -> list[int]:
        """What an empty query lists: the best-connected actors, then each series' latest sessions in order
        (together at most half the list)."""
        room = max(1, limit // 2 // len(self._sessions)) if self._sessions and limit >= 2 else 0
        sessions = [entry for series in self._sessions for entry in series[-room:]][:limit // 2] if room else []
        actors = np.flatnonzero(self.actors())
        best = actors[np.lexsort((self._name_rank[actors], -self.degree[actors]))][:limit - len(sessions)]
        return [*best.tolist(), *sessions]

    # -- options --------------------------------------------------------------------------------------------

    def label(self, entry: int, key: int | None = None) -> str:
        """``Ajit Doval — person``; a match on another name shows it: ``Israel Ministry of Defence (also IMoD) —``."""
        other = self._key_other[key] if key is not None else None
        also = f" (also {other})" if other else ""
        return f"{self._names[entry]}{also} — {self._kinds[entry]}"

    def options(self, query: str | None, limit: int = DEFAULT_LIMIT, selected: Iterable[str] = ()) -> list[dict]:
        """Dropdown options ``{"label", "value", "search"}`` for a query, best first, then chosen ``selected``.

        Every match's ``search`` holds the raw query, so the dropdown's client-side filter keeps the
        server's list (use ``search_order="original"``); chosen refs that do not match come last,
        without it, so the filter hides them while they keep their label.
        """
        raw = (query or "").strip()
        matches = self.rank(raw, limit) if raw else [(e, None) for e in self.first_screen(limit)]
        shown = {entry for entry, _ in matches}
        options = [{"label": self.label(entry, key), "value": self.refs[entry],
                    "search": f"{self._search[entry]} {raw}".strip()} for entry, key in matches]
        chosen = (self._entry_of.get(ref) for ref in dict.fromkeys(selected))
        options += [{"label": self.label(entry), "value": self.refs[entry], "search": self._search[entry]}
                    for entry in chosen if entry is not None and entry not in shown]
        return options


#: one index per loaded dataset, dropped with it
_INDEXES: dict[int, SearchIndex] = {}


def search_index(dataset: Dataset, degree: Degree | None = None) -> SearchIndex:
    """The dataset's index, built on first use and kept while the dataset lives.

    ``degree`` is read when the index is built; an index built without one is rebuilt once it is given
    (a dataset's graph, hence its degrees, never changes).
    """
    index = _INDEXES.get(id(dataset))
    if index is None or (degree is not None and not index.has_degree):
        if index is None:
            weakref.finalize(dataset, _INDEXES.pop, id(dataset), None)
        index = _INDEXES[id(dataset)] = SearchIndex(dataset, degree)
    return index


def search_options(dataset: Dataset, degree: Degree | None, query: str | None, limit: int = DEFAULT_LIMIT,
                   *, selected: Iterable[str] = ()) -> list[dict]:
    """Options for finding anything: actors (``node:<id>``), events (``event:<id>``), agreements (``node:<id>``).

    >>> search_options(ds, graph.degree, "3rd")[0]["value"]  # doctest: +SKIP
    'event:<the id of the 3rd session of a series>'
    """
    return search_index(dataset, degree).options(query, limit, selected)


def rank_actor_ids(dataset: Dataset, query: str, *, organisations: bool = False, limit: int | None = None,
                   degree: Degree | None = None) -> list[str]:
    """Ids of the actors (only organisations with ``organisations``) matching ``query``, best first."""
    index = search_index(dataset, degree)
    return [index.ids[entry] for entry, _ in index.rank(query, limit, allow=index.actors(organisations=organisations))]
