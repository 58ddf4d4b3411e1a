"""Search across actors, events and agreements (issue 14: "search finds everything"; finding 6: ranking)."""

from __future__ import annotations

import pytest

from viz.network.graph import build_graph
from viz.network.state import selection_ref
from viz.record.load import load_dataset
from viz.record.synth import write_synth
from viz.render.details import details_for
from viz.render.options import actor_options
from viz.render.search import SearchIndex, normalise, rank_actor_ids, search_options


@pytest.fixture(scope="module")
def graph(dataset):
    return build_graph(dataset)


@pytest.fixture(scope="module")
def find(dataset, graph):
    """``find(query, limit)``: the option values the search box would list."""
    def values(query: str | None, limit: int = 20) -> list[str]:
        return [o["value"] for o in search_options(dataset, graph.degree, query, limit)]
    return values


def client_keeps(option: dict, query: str) -> bool:
    """What Dash 4's dropdown does on the client (js-search: lower-cased, whitespace tokens, every query
    token a substring of some token of the option's value, label or search text)."""
    tokens = " ".join(str(option[field]) for field in ("value", "label", "search")).lower().split()
    return all(any(part in token for token in tokens) for part in query.lower().split())


@pytest.mark.parametrize("query", ["17th", "17", "JWG 17", "17th JWG", "session 17"])
def test_a_session_number_finds_that_session_first(find, query):
    assert find(query)[0] == "event:jwg-17"


def test_tel_aviv_finds_the_events_held_there(dataset, find):
    held = {f"event:{e.id}" for e in dataset.events if e.place and "Tel Aviv" in (e.place.city or "")}
    found = find("Tel Aviv", 50)
    assert len(held) >= 5 and held <= set(found)
    assert set(found[:len(held)]) == held  # before anything that only mentions it elsewhere


def test_doval_finds_ajit_doval_first(find):
    assert find("doval")[0] == "node:ajit-doval"
    assert find("Ajit Doval")[0] == "node:ajit-doval"


def test_rafael_adv_ranks_the_company_before_the_joint_venture(dataset, graph, find):
    """Finding 6: a prefix of the name beats the same words inside another name, whatever the alphabet says."""
    assert dataset.actor_by_id["rafael"].name == "Rafael Advanced Defense Systems"
    assert dataset.actor_by_id["kras"].name == "Kalyani Rafael Advanced Systems"
    found = find("Rafael Adv")
    assert found.index("node:rafael") < found.index("node:kras")
    assert found[0] == "node:rafael"
    # the organisation filter, the actor search and the path pickers rank the same way
    for degree in (None, graph.degree):
        orgs = actor_options(dataset, organisations=True, style="kind", query="Rafael Adv", degree=degree)
        assert [o["value"] for o in orgs][:2] == ["rafael", "kras"]
    assert rank_actor_ids(dataset, "rafael adv")[:2] == ["rafael", "kras"]


def test_a_misspelt_name_is_found_by_a_fuzzy_match(find):
    assert find("Ajit Dovall")[0] == "node:ajit-doval"
    assert find("dovall")[0] == "node:ajit-doval"
    assert find("Gallent")[0] == "node:yoav-gallant"


def test_case_and_accents_are_ignored(find):
    assert normalise("Tel-Avív  ") == "tel aviv" and normalise("Ya'alon") == "yaalon"
    assert find("AJÎT DÖVAL")[0] == "node:ajit-doval"
    assert find("tél-aviv", 50)[:3] == find("Tel Aviv", 50)[:3]
    assert find("RAFAEL ADV")[0] == "node:rafael"


def test_an_agreement_is_found_by_its_name_with_a_ref_the_details_panel_opens(dataset, graph, find):
    agreement = dataset.agreement_by_id["vision-defence-cooperation-2022"]
    ref = find("India–Israel Vision on Defence Cooperation")[0]
    assert ref == "node:vision-defence-cooperation-2022" and selection_ref(ref) == ref
    assert ref in find("vision on defence cooperation")[:2]  # the visit that adopted it ties, and has more actors
    assert agreement.name in str(details_for(dataset, graph, ref).to_plotly_json())
    assert find("mou defence cooperation")[0] == "node:mou-defence-cooperation-2025"


def test_every_value_is_a_ref_the_app_already_understands(dataset, find):
    for query in ("", "17th", "india", "rafael", "tel aviv", "2021", "elbitt"):
        for ref in find(query, 50):
            kind, _, value = ref.partition(":")
            assert selection_ref(ref) == ref
            assert (kind == "event" and value in dataset.event_by_id) or (
                kind == "node" and (value in dataset.actor_by_id or value in dataset.agreement_by_id)), ref


def test_labels_say_what_each_thing_is(dataset, graph):
    labels = {o["value"]: o["label"] for o in search_options(dataset, graph.degree, "17th", 5)}
    assert labels["event:jwg-17"] == "17th India–Israel JWG on Defence Cooperation · 4 Nov 2025 · Tel Aviv — event"
    assert search_options(dataset, graph.degree, "doval")[0]["label"] == "Ajit Doval — person"
    imod = search_options(dataset, graph.degree, "IMoD")[0]
    assert imod["value"] == "node:imod" and imod["label"] == "Israel Ministry of Defence (also IMoD) — government body"
    agreement = search_options(dataset, graph.degree, "India–Israel Vision")[0]
    assert agreement["label"] == "India–Israel Vision on Defence Cooperation — agreement"


def test_an_empty_query_lists_the_best_connected_actors_then_the_sessions(dataset, graph, find):
    actors = sorted(dataset.actors, key=lambda a: (-graph.degree[a.id], a.name.casefold()))
    for query in (None, "", "   "):
        found = find(query, 20)
        assert found[0] == f"node:{actors[0].id}" and len(found) == 20
        sessions = [v for v in found if v.startswith("event:")]
        assert sessions == found[-len(sessions):]  # after the actors
        assert {"event:jwg-17", "event:jwg-16-inferred"} <= set(sessions)
        assert sessions.index("event:jwg-16-inferred") < sessions.index("event:jwg-17")  # in series order


def record_name(dataset, ref: str) -> str:
    kind, _, value = ref.partition(":")
    if kind == "event":
        return dataset.event_by_id[value].title
    return dataset.actor_by_id[value].name if value in dataset.actor_by_id else dataset.agreement_by_id[value].name


@pytest.mark.parametrize("query", ["([", "(Rafael", ".*", "\\", "a|b", "<script>alert(1)</script>", "%s{0}",
                                   "\x00", "'; DROP TABLE actors;--", "x" * 10_000, "🙂", "ﬁ"])
def test_hostile_text_in_a_query_is_harmless(dataset, graph, query):
    """No crash, no regex read into the query, and labels come from the data, never from the query."""
    options = search_options(dataset, graph.degree, query, 20)
    for option in options:
        assert option["label"].startswith(record_name(dataset, option["value"]))
        assert option["label"].endswith((" — person", " — event", " — agreement", " — country", " — company",
                                         " — group", " — government body", " — armed force"))
    if query == "(Rafael":
        assert options[0]["value"] == "node:rafael"
    if query in ("([", ".*", "\\", "\x00", "x" * 10_000, "<script>alert(1)</script>"):
        assert options == []


@pytest.mark.parametrize("limit", [1, 3, 20])
def test_the_limit_is_respected(find, limit):
    assert len(find("a", limit)) == limit
    assert len(find(None, limit)) == limit
    assert len(find("Ajit Dovall", limit)) <= limit


def test_the_dropdowns_own_filter_keeps_the_ranked_list(dataset, graph):
    """Dash filters the options again in the browser: fuzzy matches survive it because their search text
    holds the query; a chosen ref that does not match comes last, without it, so the filter hides it."""
    for query in ("Ajit Dovall", "Rafael Adv", "17th", "tel aviv", "rafeal"):
        options = search_options(dataset, graph.degree, query, 20, selected=["node:india"])
        matched = options[:-1] if options[-1]["value"] == "node:india" else options
        assert matched and all(client_keeps(o, query) for o in matched), query
    chosen = search_options(dataset, graph.degree, "Ajit Dovall", 20, selected=["node:india"])[-1]
    assert chosen["value"] == "node:india" and chosen["label"] == "India — country"
    assert not client_keeps(chosen, "Ajit Dovall")
    orgs = actor_options(dataset, organisations=True, query="Rafael Adv", selected=["india"])
    assert all(client_keeps(o, "Rafael Adv") for o in orgs if o["value"] != "india")
    assert orgs[-1]["value"] == "india" and not client_keeps(orgs[-1], "Rafael Adv")


def test_actor_options_without_a_query_still_list_every_actor_by_name(dataset):
    options = actor_options(dataset, organisations=True, style="kind")
    names = [dataset.actor_by_id[o["value"]].name.lower() for o in options]
    assert names == sorted(names) and len(options) == sum(a.kind.value != "person" for a in dataset.actors)
    rafael = {"label": "Rafael Advanced Defense Systems", "value": "rafael",
              "search": "Rafael Advanced Defense Systems Rafael"}
    assert actor_options(dataset, query=None, selected=["rafael"], limit=0) == [rafael]
    people = actor_options(dataset, query="doval")
    assert [o["value"] for o in people] == ["ajit-doval"]


def test_a_large_synthetic_dataset_is_answered_by_its_index(tmp_path_factory):
    folder = write_synth(tmp_path_factory.mktemp("search"), 4000, 3000, fmt="json")
    dataset = load_dataset(folder)
    graph = build_graph(dataset)
    index = SearchIndex(dataset, graph.degree)
    assert index.rank("Person 1234", 1) and index.refs[index.rank("Person 1234", 1)[0][0]] == "node:person-1234"

    found = [index.refs[e] for e, _ in index.rank("organisation 12", None)]
    assert found[0] == "node:org-12"  # exact, then every "Organisation 12…" by connections, then name
    prefixed = found[1:11]
    assert set(prefixed) == {f"node:org-12{d}" for d in range(10)}
    degrees = [graph.degree[r.removeprefix("node:")] for r in prefixed]
    assert degrees == sorted(degrees, reverse=True)

    seventeenth = next(e for e in dataset.events if e.session_number == 17)
    assert index.options("SD 17", 5)[0]["value"] == f"event:{seventeenth.id}"
    assert index.options("17th", 5)[0]["value"] == f"event:{seventeenth.id}"
    assert index.options("Persn 1234", 5)[0]["value"] == "node:person-1234"  # fuzzy, among 4,000 names
    assert index.options("Synthetc Dialogue", 5)[0]["value"] == "node:working-group"
    orgs = index.rank("person 1", 50, allow=index.actors(organisations=True))
    assert all(index.refs[e].startswith("node:org-") or index.refs[e].startswith("node:country-") or
               index.refs[e] == "node:working-group" for e, _ in orgs)
    empty = index.options(None, 20)
    best = max(graph.degree[a.id] for a in dataset.actors)
    assert graph.degree[empty[0]["value"].removeprefix("node:")] == best
    sessions = sorted((e for e in dataset.events if e.series), key=lambda e: e.session_number)
    assert [o["value"] for o in empty[-10:]] == [f"event:{e.id}" for e in sessions[-10:]]
