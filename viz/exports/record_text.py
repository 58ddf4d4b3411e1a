"""Schema v2 facts in words, shared by the exports (CSV, GraphML, JSON, TimelineJS, FtM).

Each function turns one part of a record into plain text that keeps every v2 field:
a date with its EDTF form, basis and note; a participant with role, title, whom they
acted for and their side; an agreement's status and the date of each status; a
session's series. Plain text only: callers escape it for their format.
"""

from __future__ import annotations

from viz.network.timeline import ordinal
from viz.record.labels import role_label
from viz.record.load import Dataset
from viz.record.model import Agreement, AgreementStatus, DateSpec, Event, Participant

#: statuses in the order an agreement goes through them; ``signed`` is the ``signed:`` date
STATUS_ORDER = tuple(AgreementStatus)


def date_type(date: DateSpec) -> str:
    """``point``, ``duration`` (start to end), ``window`` (once, somewhere between two dates) or ``""``."""
    return "window" if date.window else "duration" if date.end else "point" if date.start else ""


def date_text(date: DateSpec) -> str:
    """``between Mar 2019 and Jun 2023 (EDTF [2019-03..2023-06]; derived: ...; Neither report gives the day.)``."""
    extra = [f"EDTF {date.edtf()}" if date.edtf() else "", date.basis or "", date.note or ""]
    inside = "; ".join(e for e in extra if e)
    return f"{date.label()} ({inside})" if inside else date.label()


def date_notes(date: DateSpec) -> str:
    """How the date was established and anything noted about it (``basis; note``)."""
    return "; ".join(t for t in (date.basis, date.note) if t)


def agreement_dates(agreement: Agreement) -> dict[str, DateSpec]:
    """Every dated status of an agreement, signing included, in status order."""
    dates = dict(agreement.dates)
    if agreement.signed is not None and agreement.signed.first is not None:
        dates[AgreementStatus.signed] = agreement.signed
    return {s.value: dates[s] for s in STATUS_ORDER if s in dates and dates[s].first is not None}


def status_dates_edtf(agreement: Agreement) -> str:
    """``announced: 2024-05 | signed: [2019-03..2023-06]`` (EDTF per status)."""
    return " | ".join(f"{status}: {date.edtf()}" for status, date in agreement_dates(agreement).items())


def status_date_notes(agreement: Agreement) -> str:
    """``signed: derived: signed between ...; Neither report gives the day.`` for dates with a basis or note."""
    notes = {status: date_notes(date) for status, date in agreement_dates(agreement).items()}
    return " | ".join(f"{status}: {text}" for status, text in notes.items() if text)


def agreement_status_text(agreement: Agreement) -> str:
    """``announced (May 2024), not signed`` / ``signed (between Mar 2019 and Jun 2023)``."""
    dated = agreement_dates(agreement)
    current = agreement.status.value.replace("_", " ")
    when = dated.get(agreement.status.value)
    text = f"{current} ({when.label()})" if when else current
    return text if agreement.is_signed else f"{text}, not signed"


def participant_text(dataset: Dataset, event: Event, person: Participant) -> str:
    """``Ada Stone (co-chair, Defence Secretary, for Arland Department of Defence, Arland side)``.

    Names are those of the event's time (a body renamed later shows its old name).
    """
    when = event.date.first
    details = [role_label(dataset, person.role), person.title or ""]
    if person.organisation:
        details.append(f"for {dataset.actor_by_id[person.organisation].name_at(when)}")
    if person.side:
        details.append(f"{dataset.actor_by_id[person.side].name_at(when)} side")
    return f"{dataset.actor_by_id[person.actor].name_at(when)} ({', '.join(d for d in details if d)})"


def mention_names(dataset: Dataset, event: Event) -> list[str]:
    """Names of the bodies an event only mentions (not taking part), as of the event."""
    return [dataset.actor_by_id[m].name_at(event.date.first) for m in event.mentions]


def series_text(dataset: Dataset, event: Event) -> str:
    """``3rd session of Arland–Belmark Defence Policy Group (DPG)``, or ``""`` for an event outside a series."""
    series = dataset.series_by_id.get(event.series or "")
    if series is None:
        return ""
    number = ordinal(event.session_number) if event.session_number is not None else "unnumbered"
    guessed = " (number inferred)" if event.session_inferred else ""
    return f"{number} session{guessed} of {series.name} ({series.short_name})"


class ExportAttrs:
    """The v2 attributes the graph does not carry, added to its nodes and edges by the graph exports.

    Agreement nodes get each status's date (EDTF) and its basis and note; actor nodes their
    organisation type id; edges the basis and note of their date, the series of the session
    behind them and the side of the actor they start from.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.sides = {(e.id, p.actor): p.side for e in dataset.events for p in e.participants if p.side}

    def node(self, node: str, attrs: dict) -> dict[str, str]:
        if attrs.get("node_type") == "agreement":
            agreement = self.dataset.agreement_by_id[node]
            return {"status_dates": status_dates_edtf(agreement), "status_date_notes": status_date_notes(agreement),
                    "status_label": agreement_status_text(agreement)}
        actor = self.dataset.actor_by_id.get(node)
        return {"type": actor.type or ""} if actor else {}

    def edge(self, source: str, attrs: dict) -> dict[str, str]:
        event = self.dataset.event_by_id.get(attrs.get("event") or "")
        agreement = self.dataset.agreement_by_id.get(attrs.get("agreement") or "")
        date = event.date if event else agreement.when() if agreement else None
        side = self.sides.get((event.id, source)) if event else None
        return {"date_basis": (date.basis or "") if date else "", "date_note": (date.note or "") if date else "",
                "series": (event.series or "") if event else "",
                "side": self.dataset.actor_by_id[side].name if side else ""}
