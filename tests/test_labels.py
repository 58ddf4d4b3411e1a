"""Network labels (issue 14, findings 2 and 7): placed on the server so that none overlap, at least 12 px with a
halo, always drawn and emphasised (bold, ringed) for chosen, found and selected actors, the same for a state
whatever led to it."""

import base64
import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viz.network.state import ViewState, state_from_query
from viz.render.figures.labels import (
    EMPHASIS_SIZE,
    LABEL_SIZE,
    NOMINAL_PLOT,
    POSITIONS,
    Candidate,
    label_box,
    place_labels,
    text_width,
    to_pixels,
)
from viz.render.view import build_view, prepare_context

PLOT = (560.0, 290.0)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


candidates = st.lists(st.builds(
    Candidate, x=st.floats(-20, PLOT[0] + 20), y=st.floats(-20, PLOT[1] + 20),
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30),
    radius=st.sampled_from([0.0, 3.0, 7.0, 14.0]), forced=st.booleans()), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidates, st.one_of(st.none(), st.integers(0, 20)))
def test_placed_labels_never_overlap_and_forced_ones_are_always_placed(cands, limit):
    obstacles = np.array([[c.x, c.y, 7.0] for c in cands]).reshape(-1, 3)
    placed = place_labels(cands, PLOT, obstacles, limit)
    assert len({p.candidate for p in placed}) == len(placed)
    for p in placed:
        assert p.position in POSITIONS and p.box == label_box(cands[p.candidate], p.position)
        if not cands[p.candidate].forced:  # inside the plot, and so is its node
            assert p.box[0] >= 0 and p.box[1] >= 0 and p.box[2] <= PLOT[0] and p.box[3] <= PLOT[1]
            assert 0 <= cands[p.candidate].x <= PLOT[0] and 0 <= cands[p.candidate].y <= PLOT[1]
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            both_forced = cands[a.candidate].forced and cands[b.candidate].forced
            assert both_forced or not _overlaps(a.box, b.box), (cands[a.candidate], cands[b.candidate])
    forced = {i for i, c in enumerate(cands) if c.forced and c.text.strip()}
    assert forced <= {p.candidate for p in placed}
    assert limit is None or sum(not cands[p.candidate].forced for p in placed) <= limit
    # forced first, then the others in their order (priority)
    order = [p.candidate for p in placed]
    assert order == sorted(order, key=lambda i: (not cands[i].forced, i))


def test_empty_labels_are_never_placed():
    """plotly.js drops the text element of a point with an empty text and never draws that point's text again
    when the trace is updated: an empty label would leave later labels at its place undrawn (stale labels)."""
    cands = [Candidate(100, 100, "", 7, forced=True), Candidate(300, 100, " ", 7), Candidate(200, 200, "Elbit", 7)]
    assert [p.candidate for p in place_labels(cands, PLOT)] == [2]


def test_a_crowded_label_moves_then_is_dropped_unless_forced():
    first = Candidate(280, 145, "Israel Aerospace Industries", 7)
    beside = Candidate(280, 145, "Rafael Advanced Defense Sys…", 7)
    placed = place_labels([first, beside], PLOT)
    assert [p.position for p in placed] == ["top center", "bottom center"]  # the next free position
    crowd = [dataclasses.replace(first, text=f"Label number {k}") for k in range(len(POSITIONS))]
    room = len(place_labels(crowd, PLOT))  # shorter labels at the same node: as many as there is room for
    assert 2 <= room < len(crowd)
    assert len(place_labels([*crowd, beside], PLOT)) == room  # no room left for a longer one: dropped
    must = dataclasses.replace(beside, forced=True)
    kept = place_labels([*crowd, must], PLOT)
    assert kept[0].candidate == len(crowd) and kept[0].position == "top center"  # forced: placed first, kept
    edge = Candidate(2, 145, "Kalyani Strategic Systems", 7)  # left edge: only the right side is free
    assert place_labels([edge], PLOT)[0].position == "middle right"


def test_a_label_avoids_covering_other_nodes():
    label = Candidate(280, 145, "Ajit Doval", 7)
    above = label_box(label, "top center")
    blocker = np.array([[(above[0] + above[2]) / 2, (above[1] + above[3]) / 2, 7.0]])
    assert place_labels([label], PLOT, blocker)[0].position == "bottom center"


def test_text_width_grows_with_text_size_and_weight():
    assert 0 < text_width("Ajit", 12) < text_width("Ajit Doval", 12) < text_width("Ajit Doval", 13)
    assert text_width("Ajit Doval", 12) < text_width("Ajit Doval", 12, bold=True)


def test_pixels_follow_the_axis_ranges():
    xy = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.25]])
    assert to_pixels(xy, (0, 1), (0, 1), (100, 50)).tolist() == [[0, 50], [100, 0], [50, 37.5]]


# the labels of real views -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def context():
    return prepare_context("data/india-israel")


def _decode(value):
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return np.asarray(value)


def drawn_labels(context, state: ViewState) -> dict:
    """The labels trace and the ring trace of a state's network (as the page gets them, a patch applied)."""
    traces = context.figures.network.traces
    data = build_view(context, state).network.to_plotly_json()["data"]
    labels, rings = data[traces.labels], data[traces.rings]
    return {"text": list(labels["text"]), "position": list(labels["textposition"]),
            "bold": [w == "bold" for w in labels["textfont"]["weight"]], "size": list(labels["textfont"]["size"]),
            "xy": np.column_stack([_decode(labels["x"]), _decode(labels["y"])]),
            "marker": _decode(labels["marker"]["size"]), "shadow": labels["textfont"].get("shadow"),
            "rings": np.column_stack([_decode(rings["x"]), _decode(rings["y"])])}


QUERIES = ["", "find=ajit-doval", "org=rafael", "org=rafael&sel=node:bel", "sel=node:rafael", "kind=person",
           "org=elbit&find=ajit-doval&hops=2", "from=2015-01-01&to=2018-12-31", "filtered=grey&org=elbit"]


@pytest.mark.parametrize("query", QUERIES)
def test_view_labels_are_readable_and_apart(context, query):
    """At least 12 px, with a halo, and no two boxes overlapping at the nominal plot size (recomputed from what
    the figure says: text, position, weight, marker size and the axis ranges)."""
    state = state_from_query(query)
    labels = drawn_labels(context, state)
    assert labels["text"] and all(t.strip() for t in labels["text"])
    assert min(labels["size"]) >= LABEL_SIZE >= 12 and labels["shadow"]
    view = build_view(context, state).network.to_plotly_json()["layout"]
    pixels = to_pixels(labels["xy"].astype(float), view["xaxis"]["range"], view["yaxis"]["range"], NOMINAL_PLOT)
    import html

    boxes = [label_box(Candidate(x, y, html.unescape(text), size / 2, forced=bold), position)
             for (x, y), text, size, bold, position in zip(pixels.tolist(), labels["text"], labels["marker"].tolist(),
                                                          labels["bold"], labels["position"], strict=True)]
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert (labels["bold"][i] and labels["bold"][j]) or not _overlaps(a, boxes[j]), (
                labels["text"][i], labels["text"][j])


@pytest.mark.parametrize(("query", "emphasised"), [
    ("find=ajit-doval", ["ajit-doval"]), ("org=rafael", ["rafael"]), ("sel=node:rafael", ["rafael"]),
    ("org=rafael&sel=node:bel", ["rafael", "bel"]), ("org=elbit&find=ajit-doval&hops=2", ["elbit", "ajit-doval"]),
    ("", [])])
def test_chosen_found_and_selected_actors_are_labelled_bold_and_ringed(context, query, emphasised):
    index = context.figures.index
    labels = drawn_labels(context, state_from_query(query))
    names = [index.labels[index.node_index[n]] for n in emphasised]
    bold = [t for t, b in zip(labels["text"], labels["bold"], strict=True) if b]
    assert bold == names  # first, in bold, and only they
    assert labels["text"][: len(names)] == names
    assert all(s == EMPHASIS_SIZE for s, b in zip(labels["size"], labels["bold"], strict=True) if b)
    assert labels["rings"].tolist() == index.xy[[index.node_index[n] for n in emphasised]].tolist()


def test_a_found_actor_is_labelled_in_a_view_too_large_to_label_everyone(context):
    """Beyond 30 nodes only the best connected are labelled: a found actor is labelled whatever its degree."""
    state = ViewState(focus=("ajit-doval",), hops=2)
    index = context.figures.index
    labels = drawn_labels(context, state)
    assert index.labels[index.node_index["ajit-doval"]] in labels["text"]
    everyone = drawn_labels(context, ViewState(hops=2))
    assert index.labels[index.node_index["ajit-doval"]] not in everyone["text"]


def test_labels_are_the_same_whatever_view_came_before(context):
    """Changes are absolute: a state's labels do not depend on the views built before it (UI, link, back)."""
    state = state_from_query("org=rafael")
    direct = drawn_labels(context, state)
    for before in ("find=ajit-doval", "kind=person", "sel=node:rafael", ""):
        drawn_labels(context, state_from_query(before))
        again = drawn_labels(context, state)
        assert again["text"] == direct["text"] and again["position"] == direct["position"]
        assert again["bold"] == direct["bold"] and again["xy"].tolist() == direct["xy"].tolist()
