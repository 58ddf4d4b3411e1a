"""The default dataset itself: sourced, dated, conflicts kept, people not merged."""

import pytest

from viz.network.graph import build_graph
from viz.network.timeline import series_sessions


def test_every_event_agreement_and_role_has_a_source_that_resolves(dataset):
    facts = [("event", e.id, e.sources) for e in dataset.events]
    facts += [("agreement", a.id, a.sources) for a in dataset.agreements]
    facts += [("role", f"{a.id}: {r.title}", r.sources) for a in dataset.actors for r in a.roles]
    for kind, name, sources in facts:
        assert sources, f"{kind} {name} has no source"
        for source_id in sources:
            source = dataset.source_by_id[source_id]
            assert source.publisher and (source.url or source.document)
            assert source.published or source.published_note, f"{source_id}: no date and no note why"


def test_every_fact_has_a_confidence(dataset):
    assert all(e.confidence for e in dataset.events)
    assert all(a.confidence for a in dataset.agreements)
    assert all(r.confidence for a in dataset.actors for r in a.roles)


def test_the_documented_jwg_sessions(dataset):
    series = {e.event_id: e for e in series_sessions(dataset, "jwg-defence")}
    assert list(series) == ["jwg-03", "jwg-2014-06", "jwg-15", "jwg-16-inferred", "jwg-17"]
    assert series["jwg-03"].precision == "unknown" and series["jwg-03"].label == "3rd"
    assert series["jwg-2014-06"].precision == "month" and series["jwg-2014-06"].label == "unnumbered"
    assert series["jwg-15"].date_label == "27 Oct 2021" and series["jwg-15"].place == "Tel Aviv, Israel"
    assert series["jwg-16-inferred"].label == "16th?" and series["jwg-16-inferred"].date_label == "Jul 2024"
    assert "inferred" in series["jwg-16-inferred"].title
    assert series["jwg-17"].date_label == "4 Nov 2025"


def test_the_15th_jwg(dataset):
    jwg15 = dataset.event_by_id["jwg-15"]
    assert {(p.actor, p.role.value) for p in jwg15.participants} >= {("ajay-kumar", "co-chair"),
                                                                     ("amir-eshel", "co-chair")}
    [tor] = [dataset.agreement_by_id[a] for a in jwg15.outcomes]
    assert tor.kind == "Terms of Reference" and "Sub Working Group on Defence Industry Cooperation" in tor.name
    task_force = dataset.event_by_id["task-force-ten-year-roadmap-2021"]
    assert task_force.part_of == "jwg-15"


def test_defence_secretaries_are_not_merged(dataset):
    graph = build_graph(dataset)
    holders = {a.id: [r.as_of for r in a.roles if r.title.startswith("Defence Secretary")]
               for a in dataset.actors}
    assert holders["ajay-kumar"] and all(d.startswith("2021") for d in holders["ajay-kumar"])
    assert holders["rajesh-kumar-singh"] and all(d.startswith("2025") for d in holders["rajesh-kumar-singh"])
    chairs = {(u, d["event"]) for u, v, d in graph.edges(data=True) if d["relation"] == "co_chaired"}
    assert ("ajay-kumar", "jwg-15") in chairs and ("rajesh-kumar-singh", "jwg-17") in chairs
    assert ("rajesh-kumar-singh", "jwg-15") not in chairs and ("ajay-kumar", "jwg-17") not in chairs


@pytest.mark.parametrize(("record", "words"), [
    ("jwg-17", "Giridhar Aramane"),            # conflict 1: a page naming other officials
    ("mou-defence-cooperation-2025", "GKToday"),  # conflict 2: who signed
    ("naravane-israel-visit-2021-11", "14"),   # conflict 4: arrival date
    ("spike-atgm-deal", "8,356"),              # conflict 7: deal size, every version kept
    ("blue-flag-2021", "The Hindu 84"),        # audit: News18 says 85 personnel, The Hindu 84
])
def test_source_conflicts_are_kept(dataset, record, words):
    item = dataset.event_by_id.get(record) or dataset.agreement_by_id[record]
    notes = " ".join(c.note for c in item.conflicts)
    assert words in notes
    assert all(c.sources for c in item.conflicts)


def test_all_corpus_conflicts_are_recorded(dataset):
    records = [*dataset.events, *dataset.agreements, *dataset.actors]
    assert sum(len(r.conflicts) for r in records) >= 18
