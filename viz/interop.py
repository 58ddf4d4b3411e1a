"""Data export for other tools: GraphML, GEXF (dynamic), node-link JSON, CSV, TimelineJS
and FollowTheMoney-style entities. Every format carries the sources of every fact.

Writes are atomic: a temporary file in the target folder is renamed over the
target, so a failure never leaves an existing file half-written.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from viz.labels import event_lane, lane_label
from viz.load import Dataset
from viz.model import partial_date_bounds
from viz.timeline import TimelineEntry
from viz.urls import web_url_problem

GRAPH_FORMATS = ("graphml", "gexf", "json", "csv", "timelinejs", "ftm")


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes 0600; exports are meant to be shared
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _source_urls(dataset: Dataset, ids: list[str] | tuple[str, ...]) -> list[str]:
    return [dataset.source_by_id[i].url or dataset.source_by_id[i].document or i for i in ids]


def flat_graph(graph: nx.MultiDiGraph, dataset: Dataset) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings or numbers (GraphML and GEXF need that).

    Lists are joined with " | "; source ids are expanded to their URLs.
    """
    flat = nx.MultiDiGraph(name=dataset.meta.title)
    for node, attrs in graph.nodes(data=True):
        values = {k: " | ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                  for k, v in attrs.items() if k != "sources"}
        values["source_urls"] = " | ".join(_source_urls(dataset, attrs.get("sources", [])))
        flat.add_node(node, **values)
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        values = {k: ("" if val is None else val) for k, val in attrs.items() if k != "sources"}
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


def node_link_json(graph: nx.MultiDiGraph) -> str:
    return json.dumps(nx.node_link_data(graph, edges="edges"), indent=1, ensure_ascii=False, default=str)


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
        event_rows.append({
            "id": event.id, "title": event.title, "kind": event.kind.value, "series": event.series or "",
            "session": event.session if event.session is not None else "",
            "session_inferred": event.session_inferred, "start": event.date.first or "",
            "end": event.date.last or "", "date_type": "window" if event.date.window else "duration"
            if event.date.end else "point" if event.date.first else "", "edtf": event.date.edtf() or "",
            "precision": event.date.precision.value, "date_basis": event.date.basis or "",
            "date_note": event.date.note or "",
            "place": entry.place or "", "participants": " | ".join(entry.participants),
            "mentions": " | ".join(dataset.actor_by_id[m].name for m in event.mentions),
            "confidence": event.confidence.value if event.confidence else "",
            "summary": event.summary or "", "source_urls": " | ".join(_source_urls(dataset, event.sources)),
            "conflicts": " | ".join(c.note for c in event.conflicts),
        })
    node_columns = ["id", "label", "node_type", "kind", "type", "agreement_kind", "status", "country", "aliases",
                    "roles", "source_urls"]
    edge_columns = ["source", "target", "key", "relation", "title", "context", "event", "agreement", "status", "date",
                    "end", "date_type", "edtf", "precision", "date_label", "source_ids", "source_urls"]
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


def timelinejs(dataset: Dataset, events: list[TimelineEntry]) -> dict:
    """TimelineJS3 JSON: ``start_date``, ``text``, ``group``, and ``display_date`` for imprecise dates.

    TimelineJS renders headlines and texts as HTML, so all dataset text is HTML-escaped and
    only http(s) source URLs become links. Undated events cannot go on a TimelineJS
    timeline; they are named in the title slide instead.
    """
    slides, undated = [], []
    for entry in events:
        event = dataset.event_by_id[entry.event_id]
        if event.date.first is None:
            undated.append(_html(event.title))
            continue
        slide = {
            "unique_id": event.id,
            "start_date": _timelinejs_date(event.date.first),
            "text": {"headline": _html(event.title),
                     "text": f"<p>{_html(event.summary or '')}</p><ul>{_source_links(dataset, event.sources)}</ul>"},
            "group": _html(lane_label(dataset, event_lane(event))),
        }
        if event.date.end:  # a duration; a window is one moment, so it gets no end but says so
            slide["end_date"] = _timelinejs_date(event.date.end)
        if event.date.precision.value != "day" or event.date.window:
            slide["display_date"] = f"{event.date.label()} (precision: {event.date.precision.value})"
        slides.append(slide)
    note = f" Undated, not shown: {'; '.join(undated)}." if undated else ""
    return {"title": {"text": {"headline": _html(dataset.meta.title),
                               "text": _html(dataset.meta.description or "") + note}},
            "events": slides}


_FTM_SCHEMA = {"person": "Person", "government_body": "PublicBody", "armed_force": "PublicBody",
               "company": "Company", "country": "Organization", "group": "Organization"}


def ftm_entities(graph: nx.MultiDiGraph, dataset: Dataset, events: list[TimelineEntry]) -> list[dict]:
    """FollowTheMoney-style entities: actors, events (Event) and dated roles (Membership)."""
    shown = set(graph.nodes)
    entities = []
    for actor in dataset.actors:
        if actor.id not in shown:
            continue
        props: dict[str, list[str]] = {"name": [actor.name], "alias": list(actor.aliases),
                                       "sourceUrl": _source_urls(dataset, actor.sources)}
        if actor.country:
            props["country"] = [dataset.actor_by_id[actor.country].name]
        if actor.description:
            props["description"] = [actor.description]
        entities.append({"id": actor.id, "schema": _FTM_SCHEMA[actor.kind.value], "properties": props})
        for index, role in enumerate(actor.roles):
            if role.organisation and role.organisation in shown and not role.former:
                entities.append({"id": f"{actor.id}-role-{index}", "schema": "Membership", "properties": {
                    "member": [actor.id], "organization": [role.organisation], "role": [role.title],
                    "date": [role.as_of], "sourceUrl": _source_urls(dataset, role.sources)}})
    for entry in events:
        event = dataset.event_by_id[entry.event_id]
        props = {"name": [event.title], "summary": [event.summary or ""],
                 "involved": sorted(entry.actor_ids & shown), "sourceUrl": _source_urls(dataset, event.sources)}
        if event.date.first:
            props["startDate"] = [event.date.first]
            props["endDate"] = [event.date.last or event.date.first]
        if entry.place:
            props["location"] = [entry.place]
        entities.append({"id": event.id, "schema": "Event", "properties": props})
        for mentioned in event.mentions:  # named in the record, not taking part (FtM's Mention)
            if mentioned in shown:
                entities.append({"id": f"{event.id}-mention-{mentioned}", "schema": "Mention", "properties": {
                    "name": [dataset.actor_by_id[mentioned].name], "resolved": [mentioned], "document": [event.id],
                    "sourceUrl": _source_urls(dataset, event.sources)}})
    return entities


def export_graph(fmt: str, out: str | Path, graph: nx.MultiDiGraph, dataset: Dataset,
                 events: list[TimelineEntry]) -> list[Path]:
    """Write ``graph``/``events`` in ``fmt`` to ``out`` (a folder for csv). Returns the files written."""
    out = Path(out)
    writers: dict[str, Callable[[], bytes | str]] = {
        "graphml": lambda: graphml_bytes(graph, dataset),
        "gexf": lambda: gexf_bytes(graph, dataset),
        "json": lambda: node_link_json(graph),
        "timelinejs": lambda: json.dumps(timelinejs(dataset, events), indent=1, ensure_ascii=False),
        "ftm": lambda: "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in ftm_entities(graph, dataset, events)),
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
