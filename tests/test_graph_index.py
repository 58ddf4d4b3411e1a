"""The array index answers exactly what the networkx queries answer, state by state."""

import datetime as dt
from collections import Counter

import pytest

from viz.network.explore import visible_events, visible_graph
from viz.network.graph import build_graph
from viz.network.graph_index import index_graph, visible_masks
from viz.network.positions import node_positions
from viz.network.state import ViewState
from viz.record.labels import event_lane
from viz.record.synth import write_synth


def _states(graph, dataset):
    orgs = [a.id for a in dataset.organisations()]
    busiest = sorted(orgs, key=lambda n: -graph.degree(n))[:3]
    kinds = sorted({e.kind.value for e in dataset.events})
    topics = sorted({t for e in dataset.events for t in e.topics})
    years = sorted({int(e.date.start[:4]) for e in dataset.events if e.date.start})
    middle = years[len(years) // 2]
    yield ViewState()
    yield ViewState(start=dt.date(middle, 1, 1), end=dt.date(middle + 2, 12, 31))
    yield ViewState(start=dt.date(middle, 3, 15), end=dt.date(middle, 9, 2))  # not year-aligned
    yield ViewState(end=dt.date(years[0] + 3, 12, 31))
    for org in busiest:
        for hops in (0, 1, 2):
            yield ViewState(orgs=(org,), hops=hops)
        yield ViewState(orgs=(org,), start=dt.date(middle, 1, 1))
    yield ViewState(orgs=tuple(busiest[:2]), actor_kinds=("person", graph.nodes[busiest[0]]["kind"]))
    yield ViewState(event_kinds=(kinds[0],))
    yield ViewState(event_kinds=tuple(kinds[:2]), start=dt.date(middle, 1, 1), end=dt.date(middle, 12, 31))
    if topics:
        yield ViewState(topics=(topics[0],), orgs=(busiest[0],), hops=2)
    yield ViewState(actor_kinds=("company",))
    yield ViewState(orgs=("no-such-org",))
    yield ViewState(focus=(busiest[-1],), hops=1, event_kinds=(kinds[-1],))
    yield ViewState(countries=False)  # country links hidden
    yield ViewState(countries=False, orgs=(busiest[0],), hops=2, start=dt.date(middle, 1, 1))


@pytest.fixture(scope="module", params=["default", "synthetic"])
def case(request, dataset, tmp_path_factory):
    if request.param == "default":
        data = dataset
    else:
        from viz.record.load import load_dataset

        data = load_dataset(write_synth(tmp_path_factory.mktemp("synth"), 800, 900, fmt="json"))
    graph = build_graph(data)
    return data, graph, index_graph(graph, data, node_positions(graph))


def test_masks_match_the_networkx_queries(case):
    data, graph, index = case
    states = list(_states(graph, data))
    assert len(states) > 15
    for state in states:
        masks = visible_masks(index, state)
        shown = visible_graph(graph, data, state)
        assert {index.nodes[i] for i in masks.nodes.nonzero()[0]} == set(shown.nodes), state
        edges = Counter(index.edge_keys[i] for i in masks.edges.nonzero()[0])
        assert edges == Counter(list(shown.edges(keys=True))), state
        assert {index.events[i] for i in masks.events.nonzero()[0]} == {
            e.event_id for e in visible_events(data, state)}, state


def test_relations_are_sorted_into_contiguous_time_and_kind_buckets(case):
    data, graph, index = case
    assert index.edge_count == graph.number_of_edges()
    assert (index.edge_bucket[1:] >= index.edge_bucket[:-1]).all()
    for b, (years, kind, style) in enumerate(index.buckets):
        part = slice(index.bucket_start[b], index.bucket_start[b + 1])
        kinds = {event_lane(data.events[e]) if e >= 0 else "" for e in index.edge_event[part]}
        assert kinds == {kind}
        if years is None:
            assert (index.edge_first[part] == -1).all()
        else:
            first = [dt.date.fromordinal(int(d)).year for d in index.edge_first[part]]
            last = [dt.date.fromordinal(int(d)).year for d in index.edge_last[part]]
            assert set(first) == {years[0]} and set(last) == {years[1]}
        assert (index.edge_context[part] == (style == "context")).all()
        if style == "tentative":  # a link to an agreement not (yet) signed
            assert all(any(graph.nodes[index.nodes[n]].get("status") not in (None, "signed", "in_force", "expired")
                           for n in (index.edge_u[e], index.edge_v[e])) for e in range(part.start, part.stop))
