"""Schema v2: series as data, windows, statuses, mentions, renamed bodies, roles that shape relations."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from viz import REPO_ROOT
from viz.exports.interop import csv_files, gexf_bytes, timelinejs
from viz.network.graph import build_graph
from viz.network.info import dataset_info
from viz.network.timeline import series_sessions, timeline_entries
from viz.record.labels import lane_labels
from viz.record.load import DatasetError, load_dataset
from viz.record.migrate import migrate_dataset
from viz.render.details import details_for

FIXTURES = REPO_ROOT / "tests" / "fixtures"
TWO_SERIES = FIXTURES / "two-series"


@pytest.fixture(scope="module")
def two():
    return load_dataset(TWO_SERIES)


def _relations(graph, u, v):
    return {d["relation"] for d in graph.get_edge_data(u, v, default={}).values()}


def _text(component) -> str:
    """All text in a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_text(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else _text(children)


def test_each_series_has_its_own_sessions_lane_and_count(two):
    assert [e.label for e in series_sessions(two, "dpg")] == ["3rd", "4th"]
    assert [e.label for e in series_sessions(two, "mdd")] == ["1st"]
    info = dataset_info(two)
    assert info["series"] == {"dpg": 2, "mdd": 1} and info["sessions"] == 3
    labels = lane_labels(two)
    assert labels["series:dpg"] == "DPG sessions" and labels["series:mdd"] == "Ministerial dialogue"
    assert labels["other"] == "Exercise"  # the dataset's own label for a built-in kind
    assert "session" not in labels  # sessions are only ever shown per series
    only_dpg = timeline_entries(two, kinds=["series:dpg"])
    assert [e.event_id for e in only_dpg] == ["dpg-3", "dpg-4"]


def test_a_dataset_without_series_has_no_series_lanes(tmp_path, two):
    folder = tmp_path / "none"
    shutil.copytree(TWO_SERIES, folder)
    (folder / "series.yaml").unlink()
    events = [e for e in yaml.safe_load((folder / "events.yaml").read_text()) if e["kind"] != "session"]
    agreements = yaml.safe_load((folder / "agreements.yaml").read_text())
    (folder / "events.yaml").write_text(yaml.safe_dump(events))
    (folder / "agreements.yaml").write_text(yaml.safe_dump(agreements))
    none = load_dataset(folder)
    assert none.series == () and dataset_info(none)["series"] == {}
    assert not any(lane.startswith("series:") for lane in lane_labels(none))


def test_relations_follow_roles(two):
    graph = build_graph(two)
    # co-chairs and delegates sit in the session: they link to the series' body
    assert "co_chaired" in _relations(graph, "ada-stone", "dpg-body")
    assert "took_part_in" in _relations(graph, "eli-park", "dpg-body")
    # an official called on during a visit met the visitor; no session participation
    assert _relations(graph, "ada-stone", "eli-park") == {"met"}
    # a body only mentioned gets no relation at all
    assert graph.degree("audit-office") == 1 and _relations(graph, "audit-office", "arland") == {"based_in"}
    # countries connect: every actor with a country is based in it
    assert _relations(graph, "belmark-arms", "belmark") == {"based_in"}
    # a role the source calls former draws no relation for that date
    role_dates = {d["date"] for d in graph.get_edge_data("ada-stone", "arland-mod").values()
                  if d["relation"] == "holds_role"}
    assert role_dates == {"2019-03-01"}


def test_windows_statuses_venues_and_renamed_bodies(two):
    mou = two.agreement_by_id["mou-training"]
    assert mou.signed.edtf() == "[2019-03..2023-06]" and mou.signed.label() == "between Mar 2019 and Jun 2023"
    roadmap = two.agreement_by_id["roadmap"]
    assert not roadmap.is_signed and roadmap.when().first == "2024-05"
    body = two.actor_by_id["arland-mod"]
    assert body.name_at("2019-03-01") == "Arland Department of Defence"
    assert body.name_at("2025") == "Arland Ministry of Defence"
    assert "Arland Department of Defence" in body.all_names()
    graph = build_graph(two)
    details = _text(details_for(two, graph, "event:dpg-3"))
    assert "Arland Department of Defence" in details  # the name of its time
    assert "DPG session" in details and "Arland side" in details
    details = _text(details_for(two, graph, "event:dpg-4"))
    assert "Lakeside Hall" in details and "Also mentioned (not taking part):  Arland Audit Office" in details
    details = _text(details_for(two, graph, "node:roadmap"))
    assert "announced, not signed" in details
    details = _text(details_for(two, graph, "node:belmark-arms"))
    assert "State-owned company" in details
    details = _text(details_for(two, graph, "node:ada-stone"))
    assert "described as a former holder on 7 May 2024" in details


def test_v2_fields_reach_the_exports(two):
    graph = build_graph(two)
    events = timeline_entries(two)
    files = csv_files(graph, two, events)
    assert "series,session" in files["events.csv"].splitlines()[0].replace('"', "")
    assert "dpg-4" in files["events.csv"] and "Arland Audit Office" in files["events.csv"]
    assert "[2019-03..2023-06]" in files["edges.csv"] and "announced" in files["edges.csv"]
    gexf = gexf_bytes(graph, two).decode()
    # the window is one uncertain moment at its end, not a four-year lifetime
    assert re.search(r'start="2023-06-30" end="2023-06-30"', gexf)
    assert 'start="2019-03-01" end="2023-06-30"' not in gexf
    groups = {s["unique_id"]: s["group"] for s in timelinejs(two, events)["events"]}
    assert groups["dpg-3"] == "DPG sessions" and groups["mdd-1"] == "Ministerial dialogue"


def test_bad_v2_records_are_refused_with_their_reason(tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(TWO_SERIES, folder)
    events = yaml.safe_load((folder / "events.yaml").read_text())
    events[0]["series"] = "no-such-series"
    events[1].pop("series")
    (folder / "events.yaml").write_text(yaml.safe_dump(events, sort_keys=False))
    agreements = yaml.safe_load((folder / "agreements.yaml").read_text())
    agreements[1].pop("signed")
    (folder / "agreements.yaml").write_text(yaml.safe_dump(agreements, sort_keys=False))
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    text = str(caught.value)
    assert "'no-such-series' is not a series id" in text
    assert "needs 'series:'" in text
    assert "status is 'signed' but no 'signed' date is given" in text


def test_loading_a_v1_dataset_says_to_migrate_in_one_line():
    with pytest.raises(DatasetError) as caught:
        load_dataset(FIXTURES / "jwg17-v1")
    assert len(caught.value.problems) == 1 and "viz migrate" in str(caught.value.problems[0])


def test_migrate_turns_v1_into_v2_and_keeps_the_graph(tmp_path):
    folder = tmp_path / "v1"
    shutil.copytree(FIXTURES / "jwg17-v1", folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    written = migrate_dataset(folder)
    assert {p.name for p in written} == {"dataset.yaml", "events.yaml", "series.yaml"}
    assert (folder / "actors.yaml").read_bytes() == before["actors.yaml"]  # untouched files stay byte for byte
    new_events = (folder / "events.yaml").read_text()
    assert "kind: session\n  series: jwg-defence" in new_events
    assert new_events.splitlines()[0] == before["events.yaml"].decode().splitlines()[0]  # comments kept
    migrated = load_dataset(folder)
    # the graph v1 drew for this fixture, frozen from the last v1 release
    old_edges = {tuple(e) for e in json.loads((FIXTURES / "jwg17-v1" / "graph-v1.json").read_text())}
    new_edges = {(u, v, k) for u, v, k in build_graph(migrated).edges(keys=True)}
    # where v2 meanings differ (and only there): every actor links to its country (based_in), and
    # whoever hosted or was called on no longer "took part in" the body: they `met` the visitors
    added, removed = new_edges - old_edges, old_edges - new_edges
    assert all(k == "based_in" or k.startswith("met:") for _, _, k in added), added
    assert all(k.startswith(("took_part_in:", "engaged_with:")) for _, _, k in removed), removed
    assert sum(k == "based_in" for _, _, k in added) == sum(1 for a in migrated.actors if a.country)
    assert migrated.series[0].short_name == "JWG" and migrated.series[0].parties == ("india", "israel")
    with pytest.raises(DatasetError, match="already schema v2"):
        migrate_dataset(folder)


def test_migrate_writes_nothing_when_the_result_is_invalid(tmp_path):
    folder = tmp_path / "v1"
    shutil.copytree(FIXTURES / "jwg17-v1", folder)
    events = (folder / "events.yaml").read_text().replace("body: jwg-defence", "body: nowhere", 1)
    (folder / "events.yaml").write_text(events)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(DatasetError):
        migrate_dataset(folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_no_series_name_of_the_default_dataset_appears_in_the_code():
    default = load_dataset(REPO_ROOT / "data" / "india-israel")
    names = {s.name for s in default.series} | {s.short_name for s in default.series} | {s.id for s in default.series}
    names |= {"Joint Working Group", "Working Group"}
    found = []
    for path in sorted(Path(REPO_ROOT / "viz").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {name}" for name in names if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
    assert found == []


def test_audited_roles_draw_no_relation_for_a_former_chief(dataset):
    graph = build_graph(dataset)
    dates = {d["date"] for d in graph.get_edge_data("rks-bhadauria", "indian-air-force", default={}).values()
             if d["relation"] == "holds_role"}
    assert "2021-10-05" not in dates and "2021-08-06" in dates
    dates = {d["date"] for d in graph.get_edge_data("r-hari-kumar", "indian-navy", default={}).values()
             if d["relation"] == "holds_role"}
    assert "2025-01-15" not in dates


def _viz(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viz.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_cli_migrate_then_validate_and_strict_says_why(tmp_path):
    folder = tmp_path / "v1"
    shutil.copytree(FIXTURES / "jwg17-v1", folder)
    refused = _viz("validate", folder)
    assert refused.returncode == 2 and "viz migrate" in refused.stderr and len(refused.stderr.splitlines()) == 2
    migrated = _viz("migrate", folder)
    assert migrated.returncode == 0 and "series.yaml" in migrated.stdout
    assert _viz("validate", folder).returncode == 0
    again = _viz("migrate", folder)
    assert again.returncode == 2 and "already schema v2" in again.stderr and "Traceback" not in again.stderr
    events = yaml.safe_load((folder / "events.yaml").read_text())
    events[0]["sources"] = []
    (folder / "events.yaml").write_text(yaml.safe_dump(events, sort_keys=False))
    strict = _viz("validate", "--strict", folder)
    assert strict.returncode == 2 and "valid (" not in strict.stdout
    assert "not valid under --strict: 1 fact without a source" in strict.stderr
    assert f"error: no source for event {events[0]['id']}" in strict.stderr


def test_country_links_can_be_hidden_and_the_choice_travels_in_the_url(two):
    from viz.network.explore import visible_graph
    from viz.network.state import ViewState, state_from_query, state_to_query

    graph = build_graph(two)
    shown = visible_graph(graph, two, ViewState())
    assert any(r == "based_in" for _, _, r in shown.edges(data="relation"))
    hidden = visible_graph(graph, two, ViewState(countries=False))
    assert not any(r == "based_in" for _, _, r in hidden.edges(data="relation"))
    assert "audit-office" not in hidden  # it had no relation but its country
    query = state_to_query(ViewState(countries=False))
    assert query == "?countries=hide" and state_from_query(query) == ViewState(countries=False)
    # hops never run through a country: being Arlandish makes no one a neighbour
    near = visible_graph(graph, two, ViewState(orgs=("audit-office",), hops=2))
    assert set(near) == {"audit-office"}


def test_a_renamed_body_is_labelled_with_the_name_of_the_window(two):
    import datetime as dt

    from viz.network.state import ViewState
    from viz.render.view import build_view, prepare_context

    context = prepare_context(TWO_SERIES)

    def label(state: ViewState) -> set[str]:
        network = build_view(context, state).network
        return {t for trace in network.data if trace.text is not None for t in trace.text}

    assert "Arland Department of Defence" in label(ViewState(start=dt.date(2019, 1, 1), end=dt.date(2020, 12, 31)))
    assert "Arland Ministry of Defence" in label(ViewState())  # no window: its current name
    assert context.graph.nodes["arland-mod"]["label"] == "Arland Ministry of Defence"  # the base is untouched


def test_organisation_types_filter_the_same_way_in_both_engines(two):
    from viz.network.explore import visible_graph
    from viz.network.graph_index import index_graph, visible_masks
    from viz.network.positions import node_positions
    from viz.network.state import ViewState

    graph = build_graph(two)
    index = index_graph(graph, two, node_positions(graph))
    for kinds in (("type:ministry",), ("type:state-company", "person"), ("government_body",)):
        state = ViewState(actor_kinds=kinds)
        shown = visible_graph(graph, two, state)
        masks = visible_masks(index, state)
        assert set(shown) == {index.nodes[i] for i in masks.nodes.nonzero()[0]}
    ministries = visible_graph(graph, two, ViewState(actor_kinds=("type:ministry",)))
    assert set(ministries) == {"arland-mod", "belmark-mod"}


def test_a_window_is_drawn_as_an_uncertain_moment_not_a_duration(tmp_path):
    from viz.render.figures.timeline import timeline_figure

    folder = tmp_path / "w"
    shutil.copytree(TWO_SERIES, folder)
    events = yaml.safe_load((folder / "events.yaml").read_text())
    drill = next(e for e in events if e["id"] == "drill-2022")
    drill["date"] = {"window": {"earliest": "2022-03-01", "latest": "2022-03-20"}, "precision": "day"}
    (folder / "events.yaml").write_text(yaml.safe_dump(events, sort_keys=False))
    dataset = load_dataset(folder)
    [entry] = [e for e in timeline_entries(dataset) if e.event_id == "drill-2022"]
    assert entry.window and entry.vague and entry.date_label == "between 1 Mar 2022 and 20 Mar 2022"
    fig = timeline_figure([entry], lanes=lane_labels(dataset))
    [marker] = [t for t in fig.data if t.mode == "markers+text"]
    assert [s.endswith("-open") for s in marker.marker.symbol] == [True]  # open, in the middle of the window
    assert str(marker.x[0]).startswith("2022-03-10")
    [span] = [t for t in fig.data if t.mode == "lines"]
    assert span.line.width == 10 and span.opacity == 0.25  # the faint span of a vague date, not a duration bar


def test_the_table_counts_relations_without_country_links(dataset):
    from viz.network.explore import table_rows
    from viz.network.timeline import timeline_entries as entries

    graph = build_graph(dataset)
    rows = {r["id"]: r for r in table_rows(dataset, graph, entries(dataset))}
    based = sum(1 for _, _, r in graph.in_edges("india", data="relation") if r == "based_in")
    assert based > 20 and rows["india"]["degree"] == graph.degree("india") - based
