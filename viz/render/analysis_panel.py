"""The analysis panel: brokers, centrality, communities and paths, as Dash components."""

from __future__ import annotations

import networkx as nx
from dash import html

from viz.network.analytics import BETWEENNESS_SAMPLE, EXACT_BETWEENNESS_MAX_NODES, Hop, brokers, centrality, communities
from viz.network.graph import RELATIONS
from viz.record.load import Dataset
from viz.render.details import sources_list

LIVE_ANALYSIS_MAX_NODES = 2000


def _name(graph: nx.MultiDiGraph, node: str) -> str:
    return graph.nodes[node]["label"] if node in graph else node


def _path_list(dataset: Dataset, graph: nx.MultiDiGraph, paths: list[list[Hop]]) -> html.Ol:
    items = []
    for path in paths:
        hops = []
        for hop in path:
            relations = [
                html.Li([html.Span(f"{RELATIONS.get(r['relation'], r['relation'])} — {r.get('context') or ''} "
                                   f"({r.get('date_label') or 'undated'})"),
                         sources_list(dataset, r.get("sources", [])[:3])])
                for r in hop.relations[:4]
            ]
            more = [html.Li(f"+{len(hop.relations) - 4} more relations")] if len(hop.relations) > 4 else []
            hops.append(html.Li([html.Strong(f"{_name(graph, hop.source)} → {_name(graph, hop.target)}"),
                                 html.Ul(relations + more)]))
        items.append(html.Li(html.Ol(hops, className="viz-hops")))
    return html.Ol(items, className="viz-paths")


def too_large_note(nodes: int) -> html.P:
    return html.P(f"This view has {nodes} nodes: filter it to at most {LIVE_ANALYSIS_MAX_NODES} to see brokers "
                  "and communities.", className="viz-muted")


def analysis_panel(dataset: Dataset, shown: nx.MultiDiGraph, paths: list[list[Hop]] | None,
                   path_ends: tuple[str | None, str | None], count: int | None = None) -> html.Div:
    """Brokers with their centralities, the communities, and the shortest paths asked for.

    Views above ``LIVE_ANALYSIS_MAX_NODES`` nodes (``count``, when ``shown`` is only used for names) get
    paths only, with a hint to filter: centrality and communities would take tens of seconds on every change.
    """
    count = shown.number_of_nodes() if count is None else count
    start, end = path_ends
    path_part: list = []
    if start and end:
        path_part = [html.H3(f"Shortest paths: {_name(shown, start)} → {_name(shown, end)}"),
                     _path_list(dataset, shown, paths) if paths else
                     html.P("No path between them in this view.", className="viz-muted", id="path-none")]
    if count > LIVE_ANALYSIS_MAX_NODES:
        return html.Div([too_large_note(count), *path_part])
    scores = centrality(shown)
    top = brokers(shown, limit=8)
    header = html.Tr([html.Th(h) for h in ("Broker", "Betweenness", "Degree", "Eigenvector")])
    rows = [html.Tr([html.Td(_name(shown, n)), html.Td(f"{b:.3f}"), html.Td(f"{scores[n]['degree']:.3f}"),
                     html.Td(f"{scores[n]['eigenvector']:.3f}")]) for n, b in top]
    groups = [c for c in communities(shown) if len(c) > 1]
    group_items = [
        html.Li(f"{len(c)} members: " + ", ".join(sorted((_name(shown, n) for n in c), key=str.lower)[:6])
                + (" …" if len(c) > 6 else ""))
        for c in groups[:6]
    ]
    children: list = [
        html.H3("Brokers (highest betweenness in this view" + (
            f", estimated from {BETWEENNESS_SAMPLE} sampled nodes)" if shown.number_of_nodes() >
            EXACT_BETWEENNESS_MAX_NODES else ")")),
        html.Table([html.Thead(header), html.Tbody(rows)], className="viz-brokers") if rows
        else html.P("No actor links otherwise separate parts of this view.", className="viz-muted"),
        html.H3(f"Communities (Louvain): {len(groups)}"),
        html.Ul(group_items),
        *path_part,
    ]
    return html.Div(children)
