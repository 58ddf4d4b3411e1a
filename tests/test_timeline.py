import datetime as dt

from conftest import dump_yaml

from viz.network.timeline import ordinal, timeline_entries


def test_ordinal():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 15, 17, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "15th", "17th", "21st", "22nd", "101st", "111th"]


def test_entries_are_sorted_and_labelled(small):
    entries = timeline_entries(small)
    assert len(entries) == len(small.events)
    starts = [e.start for e in entries]
    assert starts == sorted(starts)
    jwg = next(e for e in entries if e.event_id == "jwg-17")
    assert jwg.label == "17th"
    assert jwg.place == "Tel Aviv, Israel"
    assert jwg.start == jwg.end == dt.date(2025, 11, 4)
    assert any("Amir Baram (co-chair" in p for p in jwg.participants)


def test_filter_by_organisation(small):
    ids = [e.event_id for e in timeline_entries(small, org_ids=["elbit"])]
    assert ids == ["singh-company-visits-2025-11-06"]
    ids = {e.event_id for e in timeline_entries(small, org_ids=["imod"])}
    assert "jwg-17" in ids and "singh-company-visits-2025-11-06" not in ids


def test_filter_by_kind_and_date(small):
    assert [e.event_id for e in timeline_entries(small, kinds=["series:jwg-defence"])] == ["jwg-17"]
    window = timeline_entries(small, start=dt.date(2025, 11, 5), end=dt.date(2025, 11, 30))
    assert {e.event_id for e in window} == {"ds-singh-israel-visit-2025-11", "singh-company-visits-2025-11-06"}
    assert timeline_entries(small, end=dt.date(2025, 1, 1)) == []


def test_month_precision_and_undated_events(small_copy):
    import yaml

    from viz.record.load import load_dataset

    path = small_copy / "events.yaml"
    events = yaml.safe_load(path.read_text())
    events.append({**events[1], "id": "jwg-2014-06", "session": None, "part_of": None, "outcomes": [],
                   "date": {"start": "2014-06", "precision": "month"}})
    events.append({**events[1], "id": "jwg-03", "session": 3, "part_of": None, "outcomes": [],
                   "date": {"precision": "unknown"}})
    path.write_text(dump_yaml(events))
    small = load_dataset(small_copy)
    entries = timeline_entries(small)
    assert entries[0].event_id == "jwg-2014-06"
    assert (entries[0].start, entries[0].end) == (dt.date(2014, 6, 1), dt.date(2014, 6, 30))
    assert entries[-1].event_id == "jwg-03" and entries[-1].start is None and entries[-1].label == "3rd"
    in_june = timeline_entries(small, start=dt.date(2014, 6, 15), end=dt.date(2014, 6, 15))
    assert [e.event_id for e in in_june] == ["jwg-2014-06"]


def test_series_sessions_orders_by_number_and_places_unnumbered_sessions_by_date(small_copy):
    import yaml

    from viz.network.timeline import series_sessions
    from viz.record.load import load_dataset

    path = small_copy / "events.yaml"
    events = yaml.safe_load(path.read_text())
    base = {k: v for k, v in events[1].items() if k not in ("part_of", "outcomes", "session")}
    events += [
        {**base, "id": "s15", "session": 15, "date": {"start": "2021-10-27", "precision": "day"}},
        {**base, "id": "june-2014", "date": {"start": "2014-06", "precision": "month"}},
        {**base, "id": "s3", "session": 3, "date": {"precision": "unknown"}},
        {**base, "id": "s16", "session": 16, "session_inferred": True, "date": {"start": "2024-07",
                                                                                 "precision": "month"}},
    ]
    path.write_text(dump_yaml(events))
    series = series_sessions(load_dataset(small_copy), "jwg-defence")
    assert [e.event_id for e in series] == ["s3", "june-2014", "s15", "s16", "jwg-17"]
    assert [e.label for e in series] == ["3rd", "unnumbered", "15th", "16th?", "17th"]
