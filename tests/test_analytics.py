import networkx as nx
import pytest

from viz.network.analytics import brokers, centrality, communities, shortest_paths
from viz.network.graph import build_graph


@pytest.fixture(scope="module")
def graph(dataset):
    return build_graph(dataset)


def test_centrality_on_a_path():
    scores = centrality(nx.MultiDiGraph([("a", "b"), ("b", "c"), ("b", "a")]))
    assert scores["b"]["betweenness"] == 1.0 and scores["a"]["betweenness"] == 0.0
    assert scores["b"]["degree"] == 1.0
    assert centrality(nx.MultiDiGraph()) == {}


def test_brokers_are_actors_ranked_by_betweenness(graph):
    top = brokers(graph, limit=5)
    assert len(top) == 5
    assert all(graph.nodes[n]["node_type"] == "actor" for n, _ in top)
    assert [b for _, b in top] == sorted((b for _, b in top), reverse=True)
    assert {"imod", "mod-india"} & {n for n, _ in top}


def test_communities_cover_every_node_once_and_are_stable(graph):
    found = communities(graph)
    members = [n for c in found for n in c]
    assert sorted(members) == sorted(graph.nodes) and len(members) == len(set(members))
    assert found == communities(graph)


def test_shortest_paths_carry_their_events_and_sources(graph):
    paths = shortest_paths(graph, "rafael", "ajay-kumar")
    assert paths
    for path in paths:
        assert path[0].source == "rafael" and path[-1].target == "ajay-kumar"
        for hop in path:
            assert hop.relations and all(r["sources"] for r in hop.relations)
    assert shortest_paths(graph, "rafael", "giridhar-aramane") == []  # not connected
    assert shortest_paths(graph, "rafael", "nobody") == []
