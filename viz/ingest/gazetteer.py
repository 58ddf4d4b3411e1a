"""The extractor's gazetteer: the dataset's own names, titles, series, places, topics and publishers.

Nothing here is downloaded: the dataset is the word list (actor names, aliases and dated
names; the office titles its people held and the bodies they held them in; series names
and short names; the cities and countries of its events; its topics and agreement areas;
its sources' publishers by web host), plus the country names ``followthemoney`` ships, so a
report can be read against an empty dataset too.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cached_property
from urllib.parse import urlsplit

from viz.record.load import Dataset
from viz.record.model import Actor, ActorKind, Series

#: ranks, as written before a name (a trailing "(Res)" / "(Retd)" is read with them)
RANK = (r"(?:(?:Maj(?:or)?\.?|Lt\.?|Lieutenant|Brig(?:adier)?\.?)[ -]Gen(?:eral)?\.?|Brigadier|General|Gen\.|"
        r"(?:Vice|Rear)\s+Adm(?:iral)?\.?|Admiral|Adm\.|Air\s+(?:Chief\s+)?Marshal|Air\s+Vice\s+Marshal|"
        r"Col(?:onel)?\.?|Lt\.?\s+Col\.?|Capt(?:ain)?\.?|Commodore|BG|Dr\.?|Prof\.?)"
        r"(?:\s*\((?:Res|Retd|Ret|res|retd|ret|Retd/Res)\.?\))?")
#: office titles every dataset knows; the dataset's own role titles are added to these
OFFICES = ("Defence Secretary", "Defense Secretary", "Defence Minister", "Defense Minister", "Foreign Minister",
           "Foreign Secretary", "Prime Minister", "Deputy Prime Minister", "President", "Vice President",
           "Minister of State", "Deputy Minister", "Minister", "Secretary", "Director General",
           "Deputy Director General", "Director", "Ambassador", "High Commissioner", "Chief of Staff",
           "Chief of Defence Staff", "Chief of Army Staff", "Chief of Naval Staff", "Chief of the Air Staff",
           "National Security Adviser", "National Security Advisor", "Chairman", "Chairperson", "Chief Executive",
           "CEO", "Managing Director", "Secretary General", "Permanent Secretary", "Under Secretary", "Head",
           "Spokesperson", "Military Adviser", "Defence Attaché")
#: words that end an organisation's name, and the kind of actor they make
ORG_SUFFIXES: dict[str, ActorKind] = {
    **dict.fromkeys(("Ltd", "Limited", "Inc", "Corp", "Corporation", "Company", "Systems", "Industries",
                     "Technologies", "Aerospace", "Dynamics", "Works", "Shipyard", "Shipyards", "Electronics",
                     "Enterprises", "Holdings", "LLC", "plc", "GmbH", "SA", "AG"), ActorKind.company),
    **dict.fromkeys(("Ministry", "Department", "Agency", "Office", "Directorate", "Council", "Authority",
                     "Commission", "Secretariat", "Organisation", "Organization", "Bureau", "Institute",
                     "Laboratory", "Laboratories", "Board"), ActorKind.government_body),
    **dict.fromkeys(("Army", "Navy", "Air Force", "Forces", "Command", "Coast Guard", "Guard"), ActorKind.armed_force),
}


def slug(text: str) -> str:
    """An id-safe slug: ``Maj Gen Amir Baram`` -> ``maj-gen-amir-baram``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "item"


def norm(text: str) -> str:
    """Text for comparing names: straight quotes, no possessive 's, one space, no dashes' variants."""
    text = text.replace("’", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"'s\b", "", text)
    return re.sub(r"\s+", " ", text).strip()


def demonyms(country: str) -> set[str]:
    """Likely adjectives of a country name (India -> Indian, Israel -> Israeli, Belmark -> Belmarkian ...)."""
    base = country.rstrip("aeiou") if country[-1:] in "aeiou" else country
    return {country + "i", country + "n", base + "ian", base + "an", base + "ese", base + "ish", country + "ian"}


@dataclasses.dataclass(frozen=True)
class Name:
    """One name an actor is known by."""

    text: str
    actor: str
    via: str  # name | alias | dated name


class Gazetteer:
    """Lookups built once from a dataset."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.actors: dict[str, Actor] = dataset.actor_by_id
        self.names: list[Name] = []
        for actor in dataset.actors:
            self.names.append(Name(actor.name, actor.id, "name"))
            self.names.extend(Name(d.name, actor.id, "dated name") for d in actor.names)
            self.names.extend(Name(a, actor.id, "alias") for a in actor.aliases)
        self.series: tuple[Series, ...] = dataset.series
        self.ids: set[str] = {r.id for c in (dataset.sources, dataset.actors, dataset.agreements, dataset.events,
                                             dataset.series) for r in c}

    @cached_property
    def countries(self) -> dict[str, str | None]:
        """Country name -> the dataset's country actor id (None: a country the dataset does not hold)."""
        from followthemoney import registry  # its country list: names of every country, offline

        found: dict[str, str | None] = {name: None for name in registry.country.names.values()
                                        if re.fullmatch(r"[A-Z][A-Za-z .'-]+", name)}
        for actor in self.dataset.actors:
            if actor.kind is ActorKind.country:
                for name in actor.all_names():
                    found[name] = actor.id
        return found

    @cached_property
    def demonym_to_country(self) -> dict[str, str]:
        """``Indian`` -> ``India`` for every known country name."""
        return {adjective: name for name in self.countries for adjective in demonyms(name)}

    @cached_property
    def offices(self) -> tuple[str, ...]:
        """Office titles, longest first: built-in ones and every part of the dataset's people's role titles."""
        found = set(OFFICES)
        for title in self.title_organisations:
            found.add(title)
        return tuple(sorted(found, key=len, reverse=True))

    @cached_property
    def title_organisations(self) -> dict[str, Counter[str]]:
        """Office title (no rank) -> the bodies the dataset's people held it in, with counts."""
        found: dict[str, Counter[str]] = defaultdict(Counter)
        for actor in self.dataset.actors:
            if actor.kind is not ActorKind.person:
                continue
            for role in actor.roles:
                office = role.title.split(",")[0].strip()
                if role.organisation and 1 <= len(office.split()) <= 4 and office[:1].isupper() and not re.search(
                        RANK, office):
                    found[office][role.organisation] += 1
        return dict(found)

    @cached_property
    def places(self) -> dict[str, str | None]:
        """City or venue name -> its country, from the dataset's events."""
        found: dict[str, str | None] = {}
        for event in self.dataset.events:
            if event.place and event.place.city:
                found.setdefault(event.place.city, event.place.country)
        return found

    @cached_property
    def topics(self) -> tuple[str, ...]:
        """The dataset's event topics and agreement areas as it writes them, longest first (one per lower case)."""
        words = {t.lower(): t for e in self.dataset.events for t in e.topics}
        words |= {a.lower(): a for g in self.dataset.agreements for a in g.areas}
        return tuple(sorted((w for w in words.values() if 2 <= len(w) <= 60), key=len, reverse=True))

    @cached_property
    def publishers(self) -> dict[str, tuple[str, str]]:
        """Web host -> (publisher, the id prefix its sources use), from the dataset's sources."""
        found: dict[str, tuple[str, str]] = {}
        for source in self.dataset.sources:
            if source.url:
                host = (urlsplit(source.url).hostname or "").removeprefix("www.")
                found.setdefault(host, (source.publisher, source.id.split("-")[0]))
        return found

    def country_id(self, name: str | None) -> str | None:
        """The dataset's actor id for a country name or adjective, if it holds that country."""
        if not name:
            return None
        name = self.demonym_to_country.get(name, name)
        return self.countries.get(name)

    def country_name(self, text: str) -> str | None:
        """The country a word names or qualifies (``Israel``, ``Israeli``, ``Israel's``), if any."""
        word = norm(text)
        if word in self.countries:
            return word
        return self.demonym_to_country.get(word)

    def country_of(self, actor_id: str | None) -> str | None:
        """An actor's country id (a country is its own)."""
        actor = self.actors.get(actor_id or "")
        if actor is None:
            return None
        return actor.id if actor.kind is ActorKind.country else actor.country

    def unique_id(self, wanted: str, taken: set[str]) -> str:
        """``wanted`` or ``wanted-2``, ``-3`` ...: an id used neither in the dataset nor in ``taken``."""
        wanted = slug(wanted)
        candidate, n = wanted, 1
        while candidate in self.ids or candidate in taken:
            n += 1
            candidate = f"{wanted}-{n}"
        taken.add(candidate)
        return candidate
