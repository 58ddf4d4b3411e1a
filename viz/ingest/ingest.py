"""``viz ingest``: a report in, a proposal out (the one function the CLI calls is :func:`ingest`).

The source record comes first (URL, publisher, publication date or what is known of it,
title), then the actors, roles, events, agreements, mentions and topics the extractor found,
each with its quotes, offsets and confidence (:mod:`viz.ingest.proposal`). Nothing is written
to the dataset: ``viz apply`` does that after review.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from viz.ingest.actors import Entity, find_actors
from viz.ingest.build import Builder, ordinal
from viz.ingest.dates import Anchor, find_dateline, find_dates, resolve
from viz.ingest.events import EventFinder, Found, Span, find_series
from viz.ingest.gazetteer import Gazetteer, slug
from viz.ingest.proposal import Item, Proposal
from viz.ingest.reader import Document, IngestError, read_source
from viz.record.load import Dataset, load_dataset
from viz.record.model import ActorKind
from viz.record.progress import Step, no_progress


def _source(document: Document, gaz: Gazetteer, anchor: Anchor, url: str | None, publisher: str | None,
            builder: Builder) -> tuple[Item, str]:
    """The source item: the dataset's record of the same URL, or a new record."""
    for source in gaz.dataset.sources:
        if url and source.url == url:
            return Item(key="source-1", kind="source", status="existing", id=source.id, confidence=1.0,
                        match={"text": url, "score": 100.0, "via": "name"},
                        note="this URL is already a source of the dataset"), source.id
    host = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
    known = gaz.publishers.get(host)
    name = publisher or (known[0] if known else None) or document.site or host or None
    record: dict[str, Any] = {"url": url} if url else {"document": Path(document.name).name}
    if document.title:
        record["title"] = document.title
    record["publisher"] = name or "unknown publisher"
    if anchor.published:
        record["published"] = anchor.published.isoformat()
    else:
        month = anchor.url_month
        record["published_note"] = ("no date line shown" + (
            f"; the URL path says {dt.date(month[0], month[1], 1):%B %Y}" if month else "")
            + (f"; dateline \"{anchor.dateline.quote}\"" if anchor.dateline else ""))
    words = slug(urlsplit(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0] if url else document.title or
                 Path(document.name).stem).split("-")
    when = record.get("published") or (f"{anchor.url_month[0]}-{anchor.url_month[1]:02d}" if anchor.url_month else "")
    prefix = known[1] if known else "".join(w[0] for w in slug(record["publisher"]).split("-")[:4])
    wanted = "-".join(p for p in (prefix, when, "-".join(w for w in words[:4] if w and not w.isdigit())) if p)
    record = {"id": gaz.unique_id(wanted, builder.taken), **record}
    note = None if name else "no publisher known: give --publisher"
    return Item(key="source-1", kind="source", status="new", id=record["id"], record=record,
                confidence=0.9 if name else 0.5, note=note), record["id"]


def _organisation_of(entity: Entity, gaz: Gazetteer) -> str | None:
    """The body a person's office is in: as stated, else where the dataset's holders of that title sat."""
    if entity.organisation is not None:
        return None  # stated: its id comes from the builder
    counts = gaz.title_organisations.get(entity.office or "")
    if not counts:
        return None
    country = gaz.country_id(entity.country)
    fitting = [(n, org) for org, n in counts.items() if country is None or gaz.country_of(org) == country]
    return max(fitting)[1] if fitting else None


class _Run:
    """One ingest: the document, the dataset and what was found in between."""

    def __init__(self, document: Document, dataset: Dataset, url: str | None, published: dt.date | None,
                 publisher: str | None) -> None:
        self.doc, self.gaz, self.text = document, Gazetteer(dataset), document.text
        day = published or (dt.date.fromisoformat(document.published) if document.published else None)
        how = " (given with --published)" if published else " (in the page's metadata)" if day else ""
        url = url or document.url
        anchor = Anchor(day, how, url)
        self.anchor = Anchor(day, how, url, find_dateline(self.text, anchor.year(), day))
        self.builder = Builder(self.text, self.gaz, "")
        self.source_item, source_id = _source(document, self.gaz, self.anchor, url, publisher, self.builder)
        self.builder.source = source_id
        series_spans = [(m.start(), m.end()) for m, _, _ in find_series(self.text, self.gaz)]
        dateline = [(self.anchor.dateline.start, self.anchor.dateline.end)] if self.anchor.dateline else []
        self.entities = find_actors(self.text, self.gaz, series_spans + dateline)
        self.events = EventFinder(self.text, self.gaz, self.entities).find()
        self.dates: dict[int, dict[str, Any]] = {}

    def as_of(self) -> str | None:
        """The date a stated title holds: the report's day, else the URL's month."""
        if day := self.anchor.day():
            return day[0].isoformat()
        return f"{self.anchor.url_month[0]}-{self.anchor.url_month[1]:02d}" if self.anchor.url_month else None

    def date_of(self, found: Found) -> tuple[dict[str, Any], list[Span]]:
        skip = (self.anchor.dateline.start, self.anchor.dateline.end) if self.anchor.dateline else (0, 0)
        here = find_dates(self.text, found.sentence.start, found.sentence.end, skip)
        if here:
            return resolve(here[0], self.anchor), [Span(here[0].start, here[0].end)]
        if found.part_of is not None and id(found.part_of) in self.dates:
            spec = dict(self.dates[id(found.part_of)])
            if spec.get("basis"):
                spec["basis"] = f"derived: during the visit; {spec['basis'].removeprefix('derived: ')}"
            return spec, []
        anywhere = find_dates(self.text, skip=skip)
        return resolve(anywhere[0] if anywhere else None, self.anchor), (
            [Span(anywhere[0].start, anywhere[0].end)] if anywhere else [])

    def participant(self, entity: Entity, role: str) -> dict[str, Any]:
        org = (self.builder.actor_id(entity.organisation) if entity.organisation else _organisation_of(entity,
                                                                                                       self.gaz))
        side = self.builder.country_id(entity.country, self.entities)
        found = {"actor": self.builder.actor_id(entity), "role": role, "title": entity.title, "organisation": org,
                 "side": side}
        return {k: v for k, v in found.items() if v}

    def event_record(self, found: Found) -> tuple[dict[str, Any], str]:
        lead = found.participants[0][0] if found.participants else None
        who = f"{lead.office + ' ' if lead and lead.office else ''}{lead.name}" if lead else "A delegation"
        place = found.place.get("city") or found.place.get("country") or ""
        date, _ = self.date_of(found)
        month = (date.get("start") or (date.get("window") or {}).get("earliest") or "")[:7]
        surname = slug(lead.name.split()[-1]) if lead else "delegation"
        if found.kind == "session" and found.series is not None:
            title = f"{ordinal(found.session or 0)} {found.series.name}"
            wanted, note = f"{found.series.short_name}-{found.session}", f"session {found.session} of {found.series.id}"
        elif found.kind == "session":
            title = f"{ordinal(found.session or 0)} {found.series_text}"
            wanted, note = f"{found.series_text}-{found.session}", "a numbered series the dataset does not hold"
        elif found.organisations:
            names = [e.name for e in found.organisations]
            title = f"{who}'s delegation visits {', '.join(names[:-1]) + ' and ' if len(names) > 1 else ''}{names[-1]}"
            wanted, note = f"{surname}-visits-{month}", "visits to bodies"
        elif found.kind == "visit":
            title, wanted, note = f"{who}'s delegation visit to {place}", f"{surname}-{place}-visit-{month}", "visit"
        else:
            other = found.participants[1][0].name if len(found.participants) > 1 else ""
            title = f"{lead.name if lead else 'Meeting'} meets {other}"
            wanted, note = f"{surname}-{slug(other.split()[-1]) if other else ''}-meeting-{month}", "meeting"
        kind = "session" if found.series is not None else "meeting" if found.kind == "session" else found.kind
        record: dict[str, Any] = {"id": wanted, "title": title, "kind": kind}
        if found.series is not None:
            record |= {"series": found.series.id, "session": found.session}
            if found.series.body:
                record["body"] = found.series.body
        if found.part_of is not None and id(found.part_of) in self.builder.ids:
            record["part_of"] = self.builder.ids[id(found.part_of)]
        record["date"] = date
        if found.place:
            record["place"] = found.place
        participants = [self.participant(e, role) for e, role in found.participants]
        if participants:
            record["participants"] = participants
        organisations = [self.builder.actor_id(e) for e in found.organisations] or list(dict.fromkeys(
            p["organisation"] for p in participants if p.get("organisation")))
        if organisations:
            record["organisations"] = organisations
        record["sources"] = [self.builder.source]
        return record, note


def ingest_document(document: Document, dataset: Dataset, url: str | None = None, published: dt.date | None = None,
                    publisher: str | None = None, now: dt.datetime | None = None) -> Proposal:
    """The proposal for one read document against one dataset."""
    run = _Run(document, dataset, url, published, publisher)
    from viz.ingest.assemble import assemble  # the second half: items in order

    items = assemble(run)
    return Proposal(dataset=dataset.meta.id, made=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0),
                    input={"kind": document.kind, "name": document.name}, text=document.text, items=items)


def parse_published(text: str | None) -> dt.date | None:
    """``--published`` as a date, or IngestError saying what is wrong."""
    if text is None:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise IngestError(f"--published {text!r}: give the publication day as YYYY-MM-DD, e.g. 2025-11-06")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise IngestError(f"--published {text!r} is not a real date ({exc})") from None


def ingest(source: str, data_dir: str | Path, url: str | None = None, published: str | None = None,
           publisher: str | None = None, step: Step = no_progress) -> Proposal:
    """Read ``source`` (file or URL) and propose what it adds to the dataset in ``data_dir``
    (``step`` is told each step as it begins).

    Raises IngestError (bad source or option) or DatasetError (the dataset does not load).
    """
    day = parse_published(published)
    dataset = load_dataset(data_dir, step)
    step(f"{'fetching' if source.lower().startswith(('http://', 'https://')) else 'reading'} {source}")
    document = read_source(source)
    step("proposing")
    return ingest_document(document, dataset, url, day, publisher)


__all__ = ["ActorKind", "IngestError", "ingest", "ingest_document", "parse_published"]
