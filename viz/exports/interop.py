"""Data export for other tools: GraphML, GEXF (dynamic), node-link JSON, CSV, TimelineJS
and FollowTheMoney entities (:mod:`viz.exports.ftm`). Every format carries the sources of every fact and every v2 field.

Writes are atomic: a temporary file in the target folder is renamed over the
target, so a failure never leaves an existing file half-written.
"""

from __future__ import annotations

import csv
import html
import io
import json
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import networkx as nx

from viz.exports.record_text import (
    ExportAttrs,
    agreement_dates,
    agreement_status_text,
    date_text,
    date_type,
    mention_names,
    participant_text,
    series_text,
)
from viz.network.timeline import TimelineEntry
from viz.record.files import atomic_write
from viz.record.labels import event_kind_label, event_lane, lane_label
from viz.record.load import Dataset
from viz.record.model import Agreement, DateSpec, Place, partial_date_bounds
from viz.record.urls import web_url_problem


def _ftm_entities(graph: nx.MultiDiGraph, dataset: Dataset, events: list[TimelineEntry]):
    # imported on first use: followthemoney (with sqlalchemy) takes a third of a second to import,
    # which every start of the app would otherwise pay
    from viz.exports.ftm import ftm_entities

    return ftm_entities(graph, dataset, events)


GRAPH_FORMATS = ("graphml", "gexf", "json", "csv", "timelinejs", "ftm")


def _source_urls(dataset: Dataset, ids: list[str] | tuple[str, ...]) -> list[str]:
    return [dataset.source_by_id[i].url or dataset.source_by_id[i].document or i for i in ids]


def flat_graph(graph: nx.MultiDiGraph, dataset: Dataset) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings or numbers (GraphML and GEXF need that).

    Lists are joined with " | "; source ids are expanded to their URLs; the v2 facts the
    graph does not carry are added (:class:`~viz.exports.record_text.ExportAttrs`).
    """
    flat = nx.MultiDiGraph(name=dataset.meta.title)
    extra = ExportAttrs(dataset)
    for node, attrs in graph.nodes(data=True):
        values = {k: " | ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                  for k, v in attrs.items() if k != "sources"}
        values.update(extra.node(node, attrs))
        values["source_urls"] = " | ".join(_source_urls(dataset, attrs.get("sources", [])))
        flat.add_node(node, **values)
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        values = {k: ("" if val is None else val) for k, val in attrs.items() if k != "sources"}
        values.update(extra.edge(u, attrs))
        values["source_ids"] = " | ".join(attrs.get("sources", []))
        values["source_urls"] = " | ".join(_source_urls(dataset, attrs.get("sources", [])))
        flat.add_edge(u, v, key=key, **values)
    return flat


def graphml_bytes(graph: nx.MultiDiGraph, dataset: Dataset) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(graph, dataset), buffer)
    return buffer.getvalue()


def gexf_bytes(graph: nx.MultiDiGraph, dataset: Dataset) -> bytes:
    """GEXF with each edge's ``start``/``end`` dates, so Gephi's timeline can replay the network.

    A duration is the edge's lifetime. A *window* (it happened once, somewhere between two
    dates) is not a lifetime: it is written as an uncertain point at the window's end,
    the first day the fact is known to hold, with the window kept in ``edtf``.
    """
    flat = flat_graph(graph, dataset)
    for _, _, attrs in flat.edges(data=True):
        start, end = attrs.pop("date", ""), attrs.pop("end", "")
        if start and attrs.get("date_type") == "window":
            attrs["start"] = attrs["end"] = _full_date(end or start, last=True)
            attrs["date_uncertain"] = True
        elif start:
            attrs["start"] = _full_date(start, last=False)
            attrs["end"] = _full_date(end or start, last=True)
    flat.graph["mode"] = "dynamic"
    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer)
    return buffer.getvalue()


def _full_date(text: str, last: bool) -> str:
    first, final = partial_date_bounds(text)
    return (final if last else first).isoformat()


def node_link_json(graph: nx.MultiDiGraph, dataset: Dataset | None = None) -> str:
    """networkx node-link JSON; with ``dataset``, nodes and edges get the v2 facts the graph does not carry."""
    data = nx.node_link_data(graph, edges="edges")
    if dataset is not None:
        extra = ExportAttrs(dataset)
        for node in data["nodes"]:  # node_link_data made fresh dicts: updating them leaves the graph alone
            node.update(extra.node(node["id"], node))
        for edge in data["edges"]:
            edge.update(extra.edge(edge["source"], edge))
    return json.dumps(data, indent=1, ensure_ascii=False, default=str)


#: a spreadsheet reads a cell starting with one of these as a formula (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: text that could start a formula gets a leading ``'``.

    Only strings are touched: numbers (and booleans) are written as they are, so a
    numeric column stays numeric. Every text cell is treated alike, whatever file
    format the dataset came from.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(rows: list[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def csv_files(graph: nx.MultiDiGraph, dataset: Dataset, events: list[TimelineEntry]) -> dict[str, str]:
    """``nodes.csv``, ``edges.csv`` and ``events.csv`` (with source URLs) as text."""
    flat = flat_graph(graph, dataset)
    nodes = [{"id": n, **a} for n, a in flat.nodes(data=True)]
    edges = [{"source": u, "target": v, "key": k, **a} for u, v, k, a in flat.edges(keys=True, data=True)]
    event_rows = []
    for entry in events:
        event = dataset.event_by_id[entry.event_id]
        series = dataset.series_by_id.get(event.series or "")
        place = event.place or Place()
        event_rows.append({
            "id": event.id, "title": event.title, "kind": event.kind.value,
            "kind_label": event_kind_label(dataset, event),
            "series": event.series or "", "session": event.session if event.session is not None else "",
            "session_inferred": event.session_inferred, "series_name": series.name if series else "",
            "series_short_name": series.short_name if series else "", "start": event.date.first or "",
            "end": event.date.last or "", "date_type": date_type(event.date), "edtf": event.date.edtf() or "",
            "precision": event.date.precision.value, "date_label": event.date.label(),
            "date_basis": event.date.basis or "", "date_note": event.date.note or "",
            "place": entry.place or "", "venue": place.venue or "", "city": place.city or "",
            "country": place.country or "",
            "participants": " | ".join(participant_text(dataset, event, p) for p in event.participants),
            "sides": " | ".join(dict.fromkeys(dataset.actor_by_id[p.side].name for p in event.participants if p.side)),
            "mentions": " | ".join(mention_names(dataset, event)),
            "outcomes": " | ".join(f"{a.name}: {agreement_status_text(a)}"
                                   for a in map(dataset.agreement_by_id.get, event.outcomes) if a),
            "confidence": event.confidence.value if event.confidence else "",
            "summary": event.summary or "", "source_urls": " | ".join(_source_urls(dataset, event.sources)),
            "conflicts": " | ".join(c.note for c in event.conflicts),
        })
    node_columns = ["id", "label", "node_type", "kind", "type", "type_label", "agreement_kind", "status",
                    "status_label", "status_dates", "status_date_notes", "country", "aliases", "other_names", "roles",
                    "source_urls"]
    edge_columns = ["source", "target", "key", "relation", "title", "context", "event", "series", "side", "agreement",
                    "status", "date", "end", "date_type", "edtf", "precision", "date_label", "date_basis", "date_note",
                    "source_ids", "source_urls"]
    event_columns = list(event_rows[0]) if event_rows else ["id"]
    return {"nodes.csv": _csv(nodes, node_columns), "edges.csv": _csv(edges, edge_columns),
            "events.csv": _csv(event_rows, event_columns)}


def _timelinejs_date(text: str) -> dict[str, str]:
    parts = text.split("-")
    return dict(zip(("year", "month", "day"), parts, strict=False))


def _html(text: object) -> str:
    """Dataset text for TimelineJS, which renders its text fields as HTML: shown as text, never as markup."""
    return html.escape(str(text), quote=True)


def _source_links(dataset: Dataset, ids: tuple[str, ...]) -> str:
    """``<li>`` links to the sources with a URL; only http(s) URLs are ever linked (checked again here)."""
    sources = [dataset.source_by_id[i] for i in ids]
    return "".join(f'<li><a href="{_html(s.url)}">{_html(s.publisher)}</a></li>'
                   for s in sources if s.url and web_url_problem(s.url) is None)


def _slide(unique_id: str, date: DateSpec, headline: str, paragraphs: list[str], sources: tuple[str, ...],
           group: str, dataset: Dataset) -> dict:
    """One TimelineJS slide: the first paragraph (the summary), its sources, then the other paragraphs.

    Every text is HTML-escaped; empty paragraphs are left out.
    """
    first, *rest = [f"<p>{_html(p)}</p>" if p else "" for p in paragraphs]
    text = f"{first}<ul>{_source_links(dataset, sources)}</ul>{''.join(rest)}"
    slide = {"unique_id": unique_id, "start_date": _timelinejs_date(date.first or ""),
             "text": {"headline": _html(headline), "text": text},
             "group": _html(group)}
    if date.end:  # a duration; a window is one moment, so it gets no end but says so
        slide["end_date"] = _timelinejs_date(date.end)
    if date.precision.value != "day" or date.window:
        slide["display_date"] = f"{date.label()} (precision: {date.precision.value})"
    return slide


def _event_paragraphs(dataset: Dataset, entry: TimelineEntry) -> list[str]:
    event = dataset.event_by_id[entry.event_id]
    outcomes = [f"{a.name}: {agreement_status_text(a)}" for a in map(dataset.agreement_by_id.get, event.outcomes) if a]
    return [event.summary or "", series_text(dataset, event), f"Where: {entry.place}" if entry.place else "",
            f"Date: {date_text(event.date)}",
            "Participants: " + "; ".join(participant_text(dataset, event, p) for p in event.participants)
            if event.participants else "",
            "Also mentioned (not taking part): " + "; ".join(mention_names(dataset, event)) if event.mentions else "",
            "Outcomes: " + "; ".join(outcomes) if outcomes else ""]


def timelinejs(dataset: Dataset, events: list[TimelineEntry], agreements: Iterable[Agreement] | None = None) -> dict:
    """TimelineJS3 JSON: ``start_date``, ``text``, ``group``, and ``display_date`` for imprecise dates.

    One slide per event, and one per dated status of each agreement (``agreements``, by
    default all of the dataset's) in an "Agreements" group: an announcement is a moment too.
    TimelineJS renders headlines and texts as HTML, so all dataset text is HTML-escaped and
    only http(s) source URLs become links. Undated events and agreements cannot go on a
    TimelineJS timeline; they are named in the title slide instead.
    """
    slides, undated = [], []
    for entry in events:
        event = dataset.event_by_id[entry.event_id]
        if event.date.first is None:
            undated.append(event.title)
            continue
        slides.append(_slide(event.id, event.date, event.title, _event_paragraphs(dataset, entry), event.sources,
                             lane_label(dataset, event_lane(event)), dataset))
    for agreement in dataset.agreements if agreements is None else agreements:
        dated = agreement_dates(agreement)
        if not dated:
            undated.append(agreement.name)
        parties = "; ".join(dataset.actor_by_id[p].name for p in agreement.parties)
        for status, date in dated.items():
            words = status.replace("_", " ")
            slides.append(_slide(f"{agreement.id}:{status}", date, f"{agreement.name}: {words}", [
                agreement.summary or "", f"{agreement.kind}, {agreement_status_text(agreement)}",
                f"Parties: {parties}" if parties else "", f"{words.capitalize()}: {date_text(date)}"],
                agreement.sources, "Agreements", dataset))
    note = f" Undated, not shown: {'; '.join(map(_html, undated))}." if undated else ""
    return {"title": {"text": {"headline": _html(dataset.meta.title),
                               "text": _html(dataset.meta.description or "") + note}},
            "events": slides}


def _agreements_in(graph: nx.MultiDiGraph, dataset: Dataset) -> list[Agreement]:
    return [a for a in dataset.agreements if a.id in graph]


def export_graph(fmt: str, out: str | Path, graph: nx.MultiDiGraph, dataset: Dataset,
                 events: list[TimelineEntry]) -> list[Path]:
    """Write ``graph``/``events`` in ``fmt`` to ``out`` (a folder for csv). Returns the files written."""
    out = Path(out)
    writers: dict[str, Callable[[], bytes | str]] = {
        "graphml": lambda: graphml_bytes(graph, dataset),
        "gexf": lambda: gexf_bytes(graph, dataset),
        "json": lambda: node_link_json(graph, dataset),
        "timelinejs": lambda: json.dumps(timelinejs(dataset, events, _agreements_in(graph, dataset)), indent=1,
                                         ensure_ascii=False),
        "ftm": lambda: "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in _ftm_entities(graph, dataset, events)),
    }
    if fmt == "csv":
        return [atomic_write(out / name, text) for name, text in csv_files(graph, dataset, events).items()]
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    return [atomic_write(out, writers[fmt]())]


def export_bytes(fmt: str, graph: nx.MultiDiGraph, dataset: Dataset, events: list[TimelineEntry]) -> tuple[bytes, str]:
    """One downloadable file (CSV as a zip of the three tables) and its file name suffix."""
    if fmt == "csv":
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in csv_files(graph, dataset, events).items():
                archive.writestr(name, text)
        return buffer.getvalue(), "csv.zip"
    with tempfile.TemporaryDirectory() as folder:
        [path] = export_graph(fmt, Path(folder) / "export", graph, dataset, events)
        suffix = {"json": "json", "timelinejs": "timeline.json", "ftm": "ftm.jsonl"}.get(fmt, fmt)
        return path.read_bytes(), suffix
