"""The details panel: full records with their sources, as Dash components."""

import pytest
from dash import html

from viz.network.graph import build_graph
from viz.render.details import details_for, source_label
from viz.render.overview import START_HERE, overview


def walk(component):
    """Yield every component in a Dash tree."""
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def text_of(component) -> str:
    parts = []
    for node in walk(component):
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if isinstance(child, str | int | float):
                parts.append(str(child))
    return " ".join(parts)


def links_of(component) -> dict[str, str]:
    return {node.children: node.href for node in walk(component) if isinstance(node, html.A)}


@pytest.fixture(scope="module")
def graph(small):
    return build_graph(small)


def test_event_details_have_dates_participants_outcomes_conflicts_and_source_links(small, graph):
    panel = details_for(small, graph, "event:jwg-17")
    text = text_of(panel)
    assert "17th India–Israel JWG on Defence Cooperation" in text
    assert "4 Nov 2025 (precision: day)" in text
    assert "Rajesh Kumar Singh — co-chair, Defence Secretary, for Ministry of Defence, India" in text
    assert "MoU on Defence Cooperation (2025)" in text
    assert "Sources disagree" in text and "Giridhar Aramane" in text
    links = links_of(panel)
    assert links["IANS"].startswith("https://ianslive.in/")
    assert links["Business Standard"].startswith("https://www.business-standard.com/")
    assert "5 Nov 2025" in text and "date not shown" in text


def test_agreement_details(small, graph):
    text = text_of(details_for(small, graph, "node:mou-defence-cooperation-2025"))
    assert "Signatories:  not named by the sources" in text
    assert "Ministry of Defence, India, Israel Ministry of Defence" in text
    assert "Concluded at" in text and "17th India–Israel JWG" in text


def test_actor_details_list_dated_roles_and_events(small, graph):
    panel = details_for(small, graph, "node:amir-baram")
    text = text_of(panel)
    assert "Director General, Maj Gen (Res), Israel Ministry of Defence" in text
    assert "as of 5 Nov 2025" in text
    assert "4 Nov 2025 — 17th India–Israel JWG on Defence Cooperation" in text
    assert "NDTV" in links_of(panel)


def test_pair_details_list_every_relation_with_sources(small, graph):
    text = text_of(details_for(small, graph, "pair:jwg-defence|rajesh-kumar-singh"))
    assert "co-chaired" in text and "precision: day" in text and "IANS" in text


@pytest.mark.parametrize("ref", [None, "", "node:nobody", "event:nothing", "pair:a|b", "garbage"])
def test_unknown_references_give_the_overview(small, graph, ref):
    text = text_of(details_for(small, graph, ref))
    assert text == text_of(overview(small)) and START_HERE[0] in text


def test_source_label(small):
    assert source_label(small, "bs-2025-11-05-mou") == "Business Standard, 5 Nov 2025"
    assert source_label(small, "gktoday-2025-11-pact") == "GKToday, date not shown"
