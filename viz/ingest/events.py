"""Events, their participants and places in a report, found by rules over its sentences.

Triggers, each with the exact span it came from: a numbered session of a series ("17th <series
name> (<short name>)", matched to the dataset's series by short name or name); a delegation visit
("led an Indian delegation to Israel"); visits to bodies ("held in-depth meetings at Elbit Systems,
..."); meetings ("met", "called on"). Roles come
from the verbs: co-chaired -> co-chair, led a delegation -> delegation-lead, met / called on ->
called-on, visited -> visitor. Places are the dataset's cities or ``in <Capitalised>``.
"""

from __future__ import annotations

import dataclasses
import re

from rapidfuzz import fuzz

from viz.ingest.actors import _ORG_SPAN, Entity
from viz.ingest.gazetteer import Gazetteer
from viz.record.model import ActorKind, Series

_ORDINALS = {w: n for n, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
     "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
     "twentieth"], start=1)}
_SESSION = re.compile(
    r"\b(?:(\d{1,3})(?:st|nd|rd|th)|(?i:(" + "|".join(_ORDINALS) + r")))[ \t]+"
    rf"(?:(?:meeting|session|round|edition)[ \t]+of[ \t]+(?:the[ \t]+)?)?"
    rf"(({_ORG_SPAN})(?:[ \t]*\(([A-Z][A-Za-z&]{{1,10}})\))?(?:[ \t]+(?:on|for)[ \t]+"
    rf"{_ORG_SPAN})?)")
# a full stop after an initial or a short title ("Dr.", "Gen.") does not end a sentence
_NOT_AFTER = ("Dr", "Mr", "Ms", "Lt", "Col", "Gen", "No", "St", "Jr", "Sr", "Maj", "Brig")
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])" + "".join(rf"(?<!\b{a})" for a in _NOT_AFTER)
                           + r"[.!?](?=\s+[\"“‘A-Z0-9]|\s*$)|\n\s*\n")
_VISIT = re.compile(r"\b(?:led|leads|leading|headed|heads)[ \t]+(?:an?|the|his|her)[ \t]+(?:[\w-]+[ \t]+){0,3}?"
                    r"delegation[ \t]+to[ \t]+(?:the[ \t]+)?([A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)?)|"
                    r"\b(?:on|during)[ \t]+(?:an?|his|her)[ \t]+(?:[\w-]+[ \t]+){0,2}?visit[ \t]+to[ \t]+"
                    r"([A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)?)|"
                    r"\b(?:arrived|arrives)[ \t]+in[ \t]+([A-Z][\w-]*(?:[ \t]+[A-Z][\w-]*)?)")
_AT_BODIES = re.compile(r"\b(?:held|holds|had)[ \t]+(?:[\w-]+[ \t]+){0,2}?(?:meetings|talks|discussions)[ \t]+at\b|"
                        r"\b(?:visited|visits|toured|tours)\b")
_MEET = re.compile(r"\b(met(?:[ \t]+with)?|meets|called[ \t]+on|calls[ \t]+on|held[ \t]+talks[ \t]+with)\b")
_CO_CHAIR = re.compile(r"\bco-?chaired[ \t]+by\b|\bco-?chairs?\b|\bco-?chaired\b")
_IN_PLACE = re.compile(r"\b(?:in|at)[ \t]+([A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?)\b")


@dataclasses.dataclass(frozen=True)
class Span:
    """A quoted stretch of the text."""

    start: int
    end: int


@dataclasses.dataclass
class Found:
    """An event the report describes."""

    kind: str  # session | visit | meeting
    trigger: Span
    sentence: Span
    series: Series | None = None
    session: int | None = None
    series_text: str | None = None
    series_score: float = 0.0
    participants: list[tuple[Entity, str]] = dataclasses.field(default_factory=list)
    organisations: list[Entity] = dataclasses.field(default_factory=list)
    place: dict[str, str] = dataclasses.field(default_factory=dict)
    place_span: Span | None = None
    part_of: Found | None = None
    evidence: list[Span] = dataclasses.field(default_factory=list)

    def add(self, entity: Entity, role: str) -> None:
        if all(e is not entity for e, _ in self.participants):
            self.participants.append((entity, role))


def sentences(text: str) -> list[Span]:
    """Sentence spans, blank-line paragraphs splitting too; surrounding whitespace left out."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group(0) in ".!?" else match.start()
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    found = []
    for a, b in spans:
        chunk = text[a:b]
        if chunk.strip():
            found.append(Span(a + len(chunk) - len(chunk.lstrip()), b - (len(chunk) - len(chunk.rstrip()))))
    return found


def find_series(text: str, gazetteer: Gazetteer) -> list[tuple[re.Match[str], Series | None, float]]:
    """Numbered sessions named in the text, each with the dataset series it matches (or None) and the score."""
    found = []
    for match in _SESSION.finditer(text):
        name, short = match.group(4), match.group(5)
        if not name[:1].isupper():
            continue
        best: tuple[Series | None, float] = (None, 0.0)
        for series in gazetteer.series:
            score = 100.0 if (short and short == series.short_name) or name == series.short_name else max(
                fuzz.token_set_ratio(match.group(3), series.name), fuzz.token_set_ratio(name, series.name))
            if score > best[1]:
                best = (series, score)
        found.append((match, best[0] if best[1] >= 90 else None, best[1]))
    return found


def _mentions_in(entities: list[Entity], start: int, end: int) -> list[tuple[int, Entity]]:
    return sorted((m.start, e) for e in entities for m in e.mentions if start <= m.start < end)


class EventFinder:
    """Finds the events of one text given its actors."""

    def __init__(self, text: str, gazetteer: Gazetteer, entities: list[Entity]) -> None:
        self.text, self.gaz, self.entities = text, gazetteer, entities
        self.events: list[Found] = []
        self.last_person: Entity | None = None

    def _subject(self, sentence: Span, before: int) -> Entity | None:
        """The person doing what the trigger says: the last named before it in the sentence, else the last seen."""
        people = [e for at, e in _mentions_in(self.entities, sentence.start, before) if e.kind is ActorKind.person]
        return people[-1] if people else self.last_person

    def _place(self, found: Found, start: int, end: int) -> None:
        for match in _IN_PLACE.finditer(self.text, start, end):
            name = match.group(1)
            if name in self.gaz.places or (not self.gaz.country_name(name) and not _mentions_in(
                    self.entities, match.start(1), match.end(1))):
                found.place = {"city": name} | ({"country": self.gaz.places[name]} if self.gaz.places.get(name) else {})
                found.place_span = Span(match.start(), match.end())
                return
            if self.gaz.country_name(name):
                found.place = {"country": self.gaz.country_name(name)}
                found.place_span = Span(match.start(), match.end())

    def find(self) -> list[Found]:
        series_hits = find_series(self.text, self.gaz)
        for sentence in sentences(self.text):
            self._sentence(sentence, [h for h in series_hits if sentence.start <= h[0].start() < sentence.end])
            people = [e for _, e in _mentions_in(self.entities, sentence.start, sentence.end)
                      if e.kind is ActorKind.person]
            self.last_person = people[-1] if people else self.last_person
        umbrella = next((e for e in self.events if e.kind == "visit" and e.part_of is None and "country" in e.place
                         and "city" not in e.place and not e.organisations), None)
        for event in self.events:
            if umbrella is not None and event is not umbrella and event.part_of is None:
                event.part_of = umbrella
                event.place.setdefault("country", umbrella.place.get("country", ""))
                if not event.place.get("country"):
                    event.place.pop("country")
        return self.events

    def _sentence(self, sentence: Span, series_hits: list) -> None:
        text = self.text
        sessions = [e for e in self.events if e.kind == "session"]
        if not series_hits and sessions:  # "The talks were co-chaired by ...": the session named before
            self._co_chairs(sessions[-1], sentence)
        for match, series, score in series_hits:
            number = int(match.group(1)) if match.group(1) else _ORDINALS[match.group(2).lower()]
            event = Found("session", Span(match.start(), match.end()), sentence, series, number, match.group(3), score)
            event.evidence.append(event.trigger)
            self._place(event, match.end(), sentence.end)
            self._co_chairs(event, sentence)
            self.events.append(event)
        for match in _VISIT.finditer(text, sentence.start, sentence.end):
            where = next(g for g in match.groups() if g)
            lead = self._subject(sentence, match.start())
            event = Found("visit", Span(match.start(), match.end()), sentence)
            country = self.gaz.country_name(where)
            event.place = {"country": country} if country else {"city": where} | (
                {"country": self.gaz.places[where]} if self.gaz.places.get(where) else {})
            if lead is not None:
                event.add(lead, "delegation-lead" if "delegation" in match.group(0) else "visitor")
            event.evidence.append(Span(sentence.start, sentence.end))
            self.events.append(event)
        for match in _AT_BODIES.finditer(text, sentence.start, sentence.end):
            bodies = [e for _, e in _mentions_in(self.entities, match.end(), sentence.end)
                      if e.kind not in (ActorKind.person, ActorKind.country)]
            if not bodies:
                continue
            event = Found("visit", Span(match.start(), match.end()), sentence)
            event.organisations = list(dict.fromkeys(bodies))
            visitor = self._subject(sentence, match.start())
            if visitor is not None:
                lead = any(p is visitor and r == "delegation-lead" for e in self.events for p, r in e.participants)
                event.add(visitor, "delegation-lead" if lead else "visitor")
            event.evidence.append(Span(sentence.start, sentence.end))
            self.events.append(event)
        for match in _MEET.finditer(text, sentence.start, sentence.end):
            after = [e for at, e in _mentions_in(self.entities, match.end(), min(sentence.end, match.end() + 80))
                     if e.kind is ActorKind.person]
            subject = self._subject(sentence, match.start())
            if not after or subject is None or after[0] is subject:
                continue
            event = Found("meeting", Span(match.start(), match.end()), sentence)
            event.add(subject, "visitor")
            event.add(after[0], "called-on")
            self._place(event, match.end(), sentence.end)
            event.evidence.append(Span(sentence.start, sentence.end))
            self.events.append(event)

    def _co_chairs(self, event: Found, sentence: Span) -> None:
        match = _CO_CHAIR.search(self.text, sentence.start, sentence.end)
        if match is None:
            return
        chairs = [e for _, e in _mentions_in(self.entities, match.end(), sentence.end) if e.kind is ActorKind.person]
        if "by" not in match.group(0):  # "A and B co-chaired ..." / "..., the co-chairs A and B"
            chairs = [e for _, e in _mentions_in(self.entities, sentence.start, sentence.end)
                      if e.kind is ActorKind.person]
        for chair in dict.fromkeys(chairs):
            event.add(chair, "co-chair")
        event.evidence.append(Span(match.start(), max((m.end for e in chairs for m in e.mentions
                                                       if sentence.start <= m.start < sentence.end),
                                                      default=match.end())))
