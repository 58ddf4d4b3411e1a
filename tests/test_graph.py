import networkx as nx
import pytest

from viz.network.graph import RELATIONS, build_graph, ego_network, neighbourhood, organisation_subgraph


@pytest.fixture(scope="module")
def graph(small):
    return build_graph(small)


def edges(graph, relation):
    return {(u, v): d for u, v, d in graph.edges(data=True) if d["relation"] == relation}


def test_nodes_are_actors_and_agreements(graph, small):
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == len(small.actors) + len(small.agreements)
    assert graph.nodes["elbit"]["kind"] == "company"
    assert graph.nodes["elbit"]["country"] == "Israel"
    assert graph.nodes["mou-defence-cooperation-2025"]["node_type"] == "agreement"
    assert graph.nodes["rajesh-kumar-singh"]["roles"] == [
        "Defence Secretary, Ministry of Defence, India (as of 2025-11-05)"
    ]


def test_co_chairs_of_the_17th_jwg(graph):
    co_chaired = edges(graph, "co_chaired")
    assert set(co_chaired) == {("rajesh-kumar-singh", "jwg-defence"), ("amir-baram", "jwg-defence")}
    edge = co_chaired["rajesh-kumar-singh", "jwg-defence"]
    assert edge["event"] == "jwg-17"
    assert edge["date"] == "2025-11-04" and edge["precision"] == "day"
    assert "ians-2025-11-04-jwg17" in edge["sources"]


def test_company_visits(graph):
    visited = edges(graph, "visited")
    assert {v for (u, v) in visited if u == "rajesh-kumar-singh"} >= {"elbit", "rafael", "iai"}
    assert visited["rajesh-kumar-singh", "elbit"]["date"] == "2025-11-06"


def test_agreement_relations(graph):
    party = edges(graph, "party_to")
    assert set(party) == {("mod-india", "mou-defence-cooperation-2025"), ("imod", "mou-defence-cooperation-2025")}
    assert edges(graph, "resulted_in").keys() == {("jwg-defence", "mou-defence-cooperation-2025")}
    assert not edges(graph, "signed"), "no source names the signatories, so no signed edge may exist"


def test_roles_and_representation(graph):
    roles = edges(graph, "holds_role")
    assert roles["amir-baram", "imod"]["title"].startswith("Director General")
    assert roles["amir-baram", "imod"]["sources"] == ["ndtv-2025-11-05-pact"]
    assert ("rajesh-kumar-singh", "mod-india") in edges(graph, "represented")


def test_every_edge_is_sourced_and_dated(graph):
    for u, v, data in graph.edges(data=True):
        assert data["relation"] in RELATIONS
        assert data["sources"], (u, v, data)
        assert data["precision"] in {"day", "month", "year", "unknown"}
        assert (data["event"] is None) != (data["agreement"] is None) or data["relation"] in {"holds_role", "based_in"}


def test_organisation_subgraph(graph):
    assert set(organisation_subgraph(graph, ["elbit"], hops=1)) == {"elbit", "rajesh-kumar-singh"}
    two_hops = set(organisation_subgraph(graph, ["elbit"], hops=2))
    assert {"rafael", "iai", "jwg-defence", "amir-baram", "israel-katz"} <= two_hops
    assert organisation_subgraph(graph, [], hops=1) is graph
    assert set(organisation_subgraph(graph, ["no-such-org"])) == set()


def test_neighbourhood_and_ego_network(graph):
    assert neighbourhood(graph, ["india"], hops=3) == {"india"}  # no relations recorded
    assert neighbourhood(graph, ["elbit"], hops=0) == {"elbit"}
    ego = ego_network(graph, "amir-baram", hops=1)
    assert {"imod", "jwg-defence", "rajesh-kumar-singh"} <= set(ego)


def test_umbrella_events_add_only_what_their_parts_do_not_say(small):
    graph = build_graph(small)
    umbrella = {(u, v, d["relation"]) for u, v, d in graph.edges(data=True)
                if d["event"] == "ds-singh-israel-visit-2025-11"}
    # The visit's own link to the Israeli MoD stays; what the JWG and the calls already say does not repeat.
    assert umbrella == {("rajesh-kumar-singh", "imod", "visited")}
