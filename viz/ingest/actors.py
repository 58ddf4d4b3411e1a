"""Actors named in a report: linked to the dataset's actors, or proposed as new ones.

Found in this order, each span claimed once: people by title or rank before their name
("Defence Secretary Rajesh Kumar Singh", "Maj Gen (Res) Amir Baram") with the title after
their name ("..., Director General of Israel's Ministry of Defence"); the dataset's own names,
aliases and dated names, exactly; organisations by their suffix ("... Industries", "Ministry
of ..."), linked by fuzzy match (``rapidfuzz``) or proposed as new; and surnames alone
("Singh"), which mean a person already named in full in the same text.
"""

from __future__ import annotations

import dataclasses
import re

from rapidfuzz import fuzz, process

from viz.ingest.gazetteer import ORG_SUFFIXES, RANK, Gazetteer, norm
from viz.record.model import ActorKind

#: least rapidfuzz score (0-100) that links a name to an existing actor
LINK_SCORE = 88.0
_WORD = r"(?:[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)*|[A-Z]\.)"
PERSON_NAME = rf"{_WORD}(?:[ \t]+{_WORD}){{1,3}}"
_ORG_WORD = r"(?:[A-Z][\w&-]*(?:['’]s)?|of|and|for|on|the|&)"
_ORG_SPAN = r"[A-Z][\w&-]*(?:['’]s)?(?:[ \t]+(?:(?:of|and|for|on|the|&)[ \t]+)*[A-Z][\w&-]*(?:['’]s)?)*"
#: capitalised words that start a sentence rather than a name
_LEADING = {"The", "A", "An", "During", "At", "In", "On", "With", "And", "But", "Both", "This", "These", "Its", "His",
            "Her", "Their", "Officials", "Senior", "Meanwhile", "Later", "Earlier", "After", "Before", "Under",
            "From", "To", "By", "For", "Of", "As", "While", "When", "Also", "Through", "New"}


@dataclasses.dataclass
class Mention:
    """One place an actor is named."""

    start: int
    end: int
    text: str
    via: str
    score: float


@dataclasses.dataclass(eq=False)  # one entity per actor: compared and hashed by identity
class Entity:
    """An actor the report names: an existing one (``actor``) or a new one (``actor`` is None)."""

    name: str
    kind: ActorKind
    actor: str | None = None
    country: str | None = None  # a country's name
    mentions: list[Mention] = dataclasses.field(default_factory=list)
    office: str | None = None  # title as stated, without rank ("Director General")
    rank: str | None = None  # "Maj Gen (Res)"
    organisation: Entity | None = None  # whom the office is held in
    title_span: tuple[int, int] | None = None  # where title, name and organisation are stated together

    @property
    def title(self) -> str | None:
        """The role title in the dataset's style: office, then rank (``Director General, Maj Gen (Res)``)."""
        parts = [p for p in (self.office, self.rank) if p]
        return ", ".join(parts) or None

    def first(self) -> int:
        return min(m.start for m in self.mentions)


class ActorFinder:
    """Finds the actors in one text against one gazetteer."""

    def __init__(self, text: str, gazetteer: Gazetteer, reserved: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.gaz = gazetteer
        self.entities: list[Entity] = []
        #: spans already read as something else (a series' name) or as an actor
        self.taken: list[tuple[int, int]] = list(reserved or ())
        offices = "|".join(re.escape(o) for o in gazetteer.offices)
        adjective = "|".join(re.escape(a) for a in sorted(
            set(gazetteer.demonym_to_country) | set(gazetteer.countries), key=len, reverse=True))
        self._country_before = re.compile(rf"(?:\b({adjective})(?:['’]s)?[ \t]+)$")
        self._office = re.compile(rf"\b({offices})\b")
        # a lookahead, so that a rejected span ("The Defence Secretary Rajesh") does not hide the one inside it
        self._person = re.compile(rf"(?=[A-Z])(?=(?:\b({offices})[ \t]+)?(?:\b({RANK})[ \t]+)?\b({PERSON_NAME})\b)")
        self._after = re.compile(rf"^,[ \t]+(?:the[ \t]+)?({offices})(?:[ \t]+(?:of|at|in)[ \t]+(?:the[ \t]+)?"
                                 rf"({_ORG_SPAN}))?")
        suffixes = "|".join(re.escape(s) for s in sorted(ORG_SUFFIXES, key=len, reverse=True))
        self._org = re.compile(rf"\b(?:{_ORG_SPAN}[ \t]+)?(?:{suffixes})\b(?:[ \t]+of[ \t]+(?:the[ \t]+)?"
                               rf"[A-Z][\w&-]*(?:[ \t]+(?:and[ \t]+)?[A-Z][\w&-]*)*)?")

    # -- spans -------------------------------------------------------------------------------------------
    def _free(self, start: int, end: int) -> bool:
        return not any(start < b and a < end for a, b in self.taken)

    def _claim(self, entity: Entity, start: int, end: int, via: str, score: float) -> None:
        self.taken.append((start, end))
        entity.mentions.append(Mention(start, end, self.text[start:end], via, round(score, 1)))

    def _entity(self, name: str, kind: ActorKind, actor: str | None) -> Entity:
        for entity in self.entities:
            if (actor and entity.actor == actor) or (not actor and not entity.actor and norm(entity.name) == norm(
                    name)):
                return entity
        entity = Entity(name, kind, actor, self.gaz.country_of(actor) and self._country_name(actor))
        self.entities.append(entity)
        return entity

    def _country_name(self, actor: str | None) -> str | None:
        country = self.gaz.actors.get(self.gaz.country_of(actor) or "")
        return country.name if country else None

    # -- linking ------------------------------------------------------------------------------------------
    def link(self, text: str, kinds: set[ActorKind] | None = None) -> tuple[str, str, float] | None:
        """The existing actor a name means: (id, via, score), or None below :data:`LINK_SCORE`."""
        wanted = norm(text)
        names = [n for n in self.gaz.names if kinds is None or self.gaz.actors[n.actor].kind in kinds]
        if not names:
            return None
        best = process.extractOne(wanted, [norm(n.text) for n in names], scorer=fuzz.token_sort_ratio,
                                  score_cutoff=LINK_SCORE)
        if best is None:
            return None
        name = names[best[2]]
        return name.actor, name.via, float(best[1])

    # -- finders -------------------------------------------------------------------------------------------
    def find(self) -> list[Entity]:
        """Every actor named, in order of first mention."""
        self._people()
        self._known()
        self._countries()
        self._organisations()
        self._surnames()
        return sorted(self.entities, key=Entity.first)

    def _people(self) -> None:
        for match in self._person.finditer(self.text):
            office, rank, name = match.group(1), match.group(2), match.group(3)
            words = name.split()
            while words and words[0] in _LEADING:
                words.pop(0)
            if len(words) < 2 or not (office or rank or self.link(" ".join(words), {ActorKind.person})):
                continue
            name = " ".join(words)
            start = match.end(3) - len(name)
            if not self._free(start, match.end(3)) or self.gaz.country_name(name) or self._org_like(name):
                continue
            linked = self.link(name, {ActorKind.person})
            entity = self._entity(name if not linked else self.gaz.actors[linked[0]].name, ActorKind.person,
                                  linked[0] if linked else None)
            self._claim(entity, start, match.end(3), linked[1] if linked else "name", linked[2] if linked else 100)
            entity.rank = entity.rank or (re.sub(r"\s+", " ", rank) if rank else None)
            span_start = match.start(1) if office else match.start(2) if rank else start
            before = self._country_before.search(self.text[max(0, span_start - 40):span_start])
            if office and not entity.office:
                entity.office = office
                entity.title_span = (span_start, match.end(3))
            if before and not entity.country:
                entity.country = self.gaz.country_name(before.group(1))
            self._title_after(entity, match.end(3))

    def _title_after(self, entity: Entity, end: int) -> None:
        after = self._after.match(self.text[end:end + 200])
        if after is None:
            return
        entity.office = entity.office or after.group(1)
        entity.title_span = (entity.title_span or (entity.mentions[-1].start, 0))[0], end + after.end()
        if after.group(2):
            organisation = self._organisation(end + after.start(2), end + after.end(2))
            if organisation is not None:
                entity.organisation = organisation
                entity.country = entity.country or organisation.country

    def _known(self) -> None:
        names = sorted({n.text for n in self.gaz.names if len(n.text) >= 2}, key=len, reverse=True)
        if not names:
            return
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n).replace("'", "['’]") for n in names)
                             + r")(?![\w-])")
        by_text = {n.text: n for n in reversed(self.gaz.names)}
        for match in pattern.finditer(self.text):
            if not self._free(match.start(), match.end()):
                continue
            name = by_text.get(match.group(0)) or by_text[match.group(0).replace("’", "'")]
            actor = self.gaz.actors[name.actor]
            entity = self._entity(actor.name, actor.kind, actor.id)
            self._claim(entity, match.start(), match.end(), name.via, 100.0)
            if actor.kind is ActorKind.person:
                self._title_after(entity, match.end())

    def _countries(self) -> None:
        """Countries the dataset does not hold yet (a report read against an empty dataset names them too)."""
        missing = sorted((n for n, actor in self.gaz.countries.items() if actor is None and len(n) > 3), key=len,
                         reverse=True)
        hits = re.finditer(r"(?<![\w-])(?:" + "|".join(map(re.escape, missing)) + r")(?![\w-])", self.text)
        for match in hits:
            if self._free(match.start(), match.end()):
                entity = self._entity(match.group(0), ActorKind.country, None)
                entity.country = match.group(0)
                self._claim(entity, match.start(), match.end(), "name", 100.0)

    def _org_like(self, text: str) -> bool:
        return any(re.search(rf"\b{re.escape(s)}\b", text) for s in ORG_SUFFIXES)

    def _organisation(self, start: int, end: int) -> Entity | None:
        """An organisation named by ``text[start:end]``: linked, or new if its words make it one."""
        words = self.text[start:end]
        lead = re.match(r"(?:(?:" + "|".join(_LEADING) + r")[ \t]+)+", words)
        if lead:
            start += lead.end()
            words = words[lead.end():]
        if not words or not self._free(start, end):
            return None
        linked = self.link(words)
        if linked:
            actor = self.gaz.actors[linked[0]]
            entity = self._entity(actor.name, actor.kind, actor.id)
            self._claim(entity, start, end, linked[1], linked[2])
            return entity
        kind = next((k for s, k in sorted(ORG_SUFFIXES.items(), key=lambda i: -len(i[0]))
                     if re.search(rf"\b{re.escape(s)}\b", words)), None)
        if kind is None:
            return None
        country = next((self.gaz.country_name(w) for w in re.findall(r"[A-Z][\w-]*(?=['’]s\b)|[A-Z][\w-]*", words)
                        if self.gaz.country_name(w)), None)
        name = norm(words)
        if country and re.match(rf"{re.escape(country)}['’]s\s", words):  # "Belmark's Ministry of X" -> its name
            name = f"{country} {norm(words[len(country) + 2:].strip())}"
        entity = self._entity(name, kind, None)
        entity.country = entity.country or country
        self._claim(entity, start, end, "name", 100.0)
        return entity

    def _organisations(self) -> None:
        for match in self._org.finditer(self.text):
            if self._free(match.start(), match.end()):
                self._organisation(match.start(), match.end())
                continue
            # "Belmark Arms Works and Kestrel Aerospace Systems": one part known, the other read on its own
            for part in re.finditer(r"(?:(?!\s+and\s).)+", match.group(0)):
                inner = self._org.search(part.group(0).strip())
                if inner is not None:
                    start = match.start() + part.start() + part.group(0).index(inner.group(0))
                    if self._free(start, start + len(inner.group(0))):
                        self._organisation(start, start + len(inner.group(0)))

    def _surnames(self) -> None:
        people = [e for e in self.entities if e.kind is ActorKind.person and len(e.name.split()) >= 2]
        surnames: dict[str, list[Entity]] = {}
        for person in people:
            surnames.setdefault(person.name.split()[-1], []).append(person)
        for surname, holders in surnames.items():
            if len(holders) != 1:
                continue  # two people of that name: a surname alone cannot say which
            person = holders[0]
            for match in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", self.text):
                if match.start() > person.first() and self._free(match.start(), match.end()):
                    self._claim(person, match.start(), match.end(), "name", 100.0)
                    self._title_after(person, match.end())


def find_actors(text: str, gazetteer: Gazetteer, reserved: list[tuple[int, int]] | None = None) -> list[Entity]:
    """Every actor the text names outside the ``reserved`` spans (see the module docstring)."""
    return ActorFinder(text, gazetteer, reserved).find()
