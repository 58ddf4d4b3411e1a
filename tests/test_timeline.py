import datetime as dt

from viz.timeline import ordinal, timeline_entries


def test_ordinal():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 15, 17, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "15th", "17th", "21st", "22nd", "101st", "111th"]


def test_entries_are_sorted_and_labelled(dataset):
    entries = timeline_entries(dataset)
    assert len(entries) == len(dataset.events)
    starts = [e.start for e in entries]
    assert starts == sorted(starts)
    jwg = next(e for e in entries if e.event_id == "jwg-17")
    assert jwg.label == "17th"
    assert jwg.place == "Tel Aviv, Israel"
    assert jwg.start == jwg.end == dt.date(2025, 11, 4)
    assert any("Amir Baram (co-chair" in p for p in jwg.participants)


def test_filter_by_organisation(dataset):
    ids = [e.event_id for e in timeline_entries(dataset, org_ids=["elbit"])]
    assert ids == ["singh-company-visits-2025-11-06"]
    ids = {e.event_id for e in timeline_entries(dataset, org_ids=["imod"])}
    assert "jwg-17" in ids and "singh-company-visits-2025-11-06" not in ids


def test_filter_by_kind_and_date(dataset):
    assert [e.event_id for e in timeline_entries(dataset, kinds=["jwg_session"])] == ["jwg-17"]
    window = timeline_entries(dataset, start=dt.date(2025, 11, 5), end=dt.date(2025, 11, 30))
    assert {e.event_id for e in window} == {"ds-singh-israel-visit-2025-11", "singh-company-visits-2025-11-06"}
    assert timeline_entries(dataset, end=dt.date(2025, 1, 1)) == []


def test_month_precision_and_undated_events(data_copy):
    import yaml

    from viz.load import load_dataset

    path = data_copy / "events.yaml"
    events = yaml.safe_load(path.read_text())
    events.append({**events[1], "id": "jwg-2014-06", "session": None, "part_of": None, "outcomes": [],
                   "date": {"start": "2014-06", "precision": "month"}})
    events.append({**events[1], "id": "jwg-03", "session": 3, "part_of": None, "outcomes": [],
                   "date": {"precision": "unknown"}})
    path.write_text(yaml.safe_dump(events, allow_unicode=True))
    dataset = load_dataset(data_copy)
    entries = timeline_entries(dataset)
    assert entries[0].event_id == "jwg-2014-06"
    assert (entries[0].start, entries[0].end) == (dt.date(2014, 6, 1), dt.date(2014, 6, 30))
    assert entries[-1].event_id == "jwg-03" and entries[-1].start is None and entries[-1].label == "3rd"
    in_june = timeline_entries(dataset, start=dt.date(2014, 6, 15), end=dt.date(2014, 6, 15))
    assert [e.event_id for e in in_june] == ["jwg-2014-06"]
