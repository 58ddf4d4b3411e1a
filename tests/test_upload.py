"""Opening a user's dataset: validated first, stored by content hash, errors listed in the page."""

import base64
import io
import zipfile

import pytest
from conftest import SMALL_DATA

from viz.app.upload import (
    DATASET_FILES,
    MAX_UPLOAD_BYTES,
    Contexts,
    DatasetGone,
    decode_uploads,
    store_upload,
    upload_store,
)
from viz.record.load import DatasetError
from viz.render.view import prepare_context


def small_files(**changes: bytes) -> dict[str, bytes]:
    files = {name: (SMALL_DATA / name).read_bytes() for name in DATASET_FILES}
    files.update(changes)
    return files


def zipped(files: dict[str, bytes], prefix: str = "mydata/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(prefix + name, data)
    return buffer.getvalue()


def test_a_valid_zip_is_stored_and_loads(tmp_path):
    store = upload_store(tmp_path)
    key = store_upload({"mydata.zip": zipped(small_files())}, store)
    assert (tmp_path / key / "events.yaml").is_file()
    assert store_upload(small_files(), store) == key  # same content, same key
    contexts = Contexts(prepare_context(SMALL_DATA), store)
    assert contexts.get(key).dataset.meta.id == "jwg17-fixture"
    assert contexts.get(None) is contexts.default
    for unknown in ("../etc", "0" * 32):  # a link to nothing is said to be gone, never the default shown
        with pytest.raises(DatasetGone):
            contexts.get(unknown)


def test_an_invalid_upload_lists_problems_by_uploaded_file_and_stores_nothing(tmp_path):
    events = (SMALL_DATA / "events.yaml").read_text().replace("actor: amir-baram", "actor: nobody")
    with pytest.raises(DatasetError) as info:
        store_upload(small_files(**{"events.yaml": events.encode()}), upload_store(tmp_path))
    [problem] = info.value.problems
    assert str(problem).startswith("events.yaml:") and "'nobody' is not an actor id" in str(problem)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("files", "message"), [
    ({"a.zip": b"not a zip"}, "not a valid zip"),
    ({"notes.txt": b"x"}, "not a dataset file"),
    ({"dataset.yaml": b"x"}, "missing sources.yaml"),
    ({"evil.zip": zipped(small_files(), prefix="../../")}, None),  # zip-slip names are reduced to base names
])
def test_unusable_uploads(tmp_path, files, message):
    if message is None:
        key = store_upload(files, upload_store(tmp_path))
        assert sorted(p.name for p in (tmp_path / key).iterdir()) == sorted(DATASET_FILES)
        return
    with pytest.raises(DatasetError, match=message):
        store_upload(files, upload_store(tmp_path))


def test_upload_size_limit_and_bad_encoding():
    too_big = "data:application/zip;base64," + "A" * (MAX_UPLOAD_BYTES * 4 // 3 + 8)
    with pytest.raises(DatasetError, match="at most"):
        decode_uploads([too_big], ["big.zip"])
    with pytest.raises(DatasetError, match="could not be decoded"):
        decode_uploads(["data:application/zip;base64,@@@"], ["bad.zip"])
    assert decode_uploads(["data:x;base64," + base64.b64encode(b"ok").decode()], ["ok.yaml"]) == {"ok.yaml": b"ok"}


@pytest.mark.browser
def test_upload_in_the_browser(page, tmp_path, dataset, output_dir):
    page.wait_for_selector("#timeline-graph .scatterlayer path.point")
    title, summary = page.inner_text("#page-title"), page.inner_text("#view-summary")
    broken = tmp_path / "broken.zip"
    events = (SMALL_DATA / "events.yaml").read_text().replace("precision: day", "precision: month", 1)
    broken.write_bytes(zipped(small_files(**{"events.yaml": events.encode()})))
    from test_browser import choose_organisation, open_fold, wait_for_nodes

    open_fold(page, "Open a dataset")
    page.set_input_files("#dataset-upload input[type=file]", str(broken))
    page.wait_for_selector("#upload-status .viz-upload-errors", timeout=15_000)
    status = page.inner_text("#upload-status")
    assert "the current dataset is unchanged" in status and "events.yaml:" in status and "precision" in status
    assert page.inner_text("#page-title") == title and page.inner_text("#view-summary") == summary
    page.screenshot(path=output_dir / "upload-refused.png", full_page=True)

    good = tmp_path / "good.zip"
    good.write_bytes(zipped(small_files()))
    page.set_input_files("#dataset-upload input[type=file]", str(good))
    page.wait_for_function("() => document.querySelector('#page-title').innerText.includes('test fixture')",
                           polling=100, timeout=15_000)
    assert "Opened the uploaded dataset" in page.inner_text("#upload-status")

    wait_for_nodes(page, 12)
    choose_organisation(page, "Elbit Systems")  # callbacks now work on the uploaded dataset
    wait_for_nodes(page, 2)
    page.screenshot(path=output_dir / "upload-opened.png", full_page=True)


def to_csv(records: list[dict]) -> bytes:
    """Write YAML records as a CSV collection: lists of text as 'a | b', structures as YAML flow."""
    import csv as csv_module

    import yaml

    columns = list(dict.fromkeys(key for record in records for key in record))
    buffer = io.StringIO()
    writer = csv_module.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for record in records:
        row = {}
        for key, value in record.items():
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                row[key] = " | ".join(value)
            elif isinstance(value, list | dict):
                row[key] = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip()
            else:
                row[key] = "" if value is None else str(value)
        writer.writerow(row)
    return buffer.getvalue().encode()


def test_collections_as_csv_load_to_the_same_dataset(tmp_path, small):
    import yaml

    from viz.record.load import load_dataset

    files = small_files()
    for name in ("sources", "events", "actors"):
        files.pop(f"{name}.yaml")
        files[f"{name}.csv"] = to_csv(yaml.safe_load((SMALL_DATA / f"{name}.yaml").read_text()))
    key = store_upload(files, upload_store(tmp_path))
    loaded = load_dataset(tmp_path / key)
    assert loaded.events == small.events and loaded.actors == small.actors and loaded.sources == small.sources


def test_csv_errors_name_the_row(small_copy):
    import yaml

    from viz.record.load import load_dataset

    events = yaml.safe_load((small_copy / "events.yaml").read_text())
    events[2]["date"] = {"start": "2025-11", "precision": "day"}
    (small_copy / "events.yaml").unlink()
    (small_copy / "events.csv").write_bytes(to_csv(events))
    with pytest.raises(DatasetError) as info:
        load_dataset(small_copy)
    [problem] = info.value.problems
    assert str(problem).startswith(f"{small_copy / 'events.csv'}:4: singh-katz-meeting-2025-11-04: date:")


def damaged(archive: bytes, member: str, *, flip_data: bool = False, encrypt: bool = False) -> bytes:
    """The zip with one stored member's data byte flipped (its CRC no longer matches) or its encryption flag set."""
    data = bytearray(archive)
    local = zipfile.ZipFile(io.BytesIO(archive)).getinfo(member).header_offset
    if flip_data:
        name_length, extra_length = (int.from_bytes(data[local + at:local + at + 2], "little") for at in (26, 28))
        data[local + 30 + name_length + extra_length] ^= 0xFF
    if encrypt:  # bit 0 of the general purpose flags, in the local and in the central directory header
        data[local + 6] |= 0x1
        central = data.index(b"PK\x01\x02")
        while data[central + 46:central + 46 + len(member)] != member.encode():
            central = data.index(b"PK\x01\x02", central + 4)
        data[central + 8] |= 0x1
    return bytes(data)


@pytest.mark.parametrize(("change", "message"), [
    ({"flip_data": True}, "mydata.zip: -: -: the zip is damaged (CRC check failed) in member mydata/events.yaml"),
    ({"encrypt": True}, "mydata.zip: -: -: encrypted zip files are not supported"),
])
def test_encrypted_and_crc_broken_zips_are_clear_dataset_errors(tmp_path, change, message):
    good = zipped(small_files())
    with pytest.raises(DatasetError) as info:
        store_upload({"mydata.zip": damaged(good, "mydata/events.yaml", **change)}, upload_store(tmp_path))
    assert str(info.value.problems[0]).startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_identical_uploads_at_the_same_time_all_succeed(tmp_path, monkeypatch):
    """Every thread is inside validation before any stores: the race on the final rename always happens."""
    import threading

    import viz.app.upload

    threads = 6
    barrier = threading.Barrier(threads, timeout=60)
    real_load = viz.app.upload.load_dataset

    def load_together(folder):
        barrier.wait()
        return real_load(folder)

    monkeypatch.setattr(viz.app.upload, "load_dataset", load_together)
    store = upload_store(tmp_path)
    results: list = []

    def upload():
        try:
            results.append(store_upload(small_files(), store))
        except Exception as exc:  # any failure is the finding
            results.append(exc)

    workers = [threading.Thread(target=upload) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(set(results)) == 1 and isinstance(results[0], str), results
    assert [p.name for p in tmp_path.iterdir()] == [results[0]]  # one entry, no staging left


def test_refused_uploads_never_show_server_paths(tmp_path):
    store = upload_store(tmp_path)
    for events in (b"a: [unclosed", b"\xff\xfe", (SMALL_DATA / "events.yaml").read_bytes().replace(b"date:", b"dat:")):
        with pytest.raises(DatasetError) as info:
            store_upload(small_files(**{"events.yaml": events}), store)
        assert str(tmp_path) not in str(info.value) and "/tmp" not in str(info.value)
        assert all(p.file == "events.yaml" for p in info.value.problems)


def long_notes_zip(copies: int) -> bytes:
    """A small zip that unpacks to a lot: every event carries a summary of 99,000 characters (within the limits)."""
    import yaml
    from conftest import dump_yaml

    events = yaml.safe_load((SMALL_DATA / "events.yaml").read_text())
    for event in events:
        event["summary"] = "long notes " * 9000
    events += [{**{k: v for k, v in e.items() if k != "part_of"}, "id": f"{e['id']}-{n}"}
               for n in range(copies) for e in events if "series" not in e]  # sessions are numbered in their series
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in small_files(**{"events.yaml": dump_yaml(events).encode()}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def distinct_dataset(number: int) -> dict[str, bytes]:
    """A valid dataset whose content (so key) differs by a comment."""
    return small_files(**{"dataset.yaml": (SMALL_DATA / "dataset.yaml").read_bytes() + f"# {number}\n".encode()})


def test_the_upload_store_keeps_to_its_quota_least_recently_opened_first(tmp_path, monkeypatch):
    monkeypatch.setenv("VIZ_UPLOAD_QUOTA_DATASETS", "2")
    store = upload_store(tmp_path)
    first, second = store_upload(distinct_dataset(1), store), store_upload(distinct_dataset(2), store)
    contexts = Contexts(prepare_context(SMALL_DATA), store)
    contexts.get(first)  # opened: now the second is the least recently opened
    third = store_upload(distinct_dataset(3), store)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first, third])
    with pytest.raises(DatasetGone):
        contexts.get(second)
    assert contexts.get(first).dataset.meta.id == "jwg17-fixture"  # what is open stays usable

    monkeypatch.setenv("VIZ_UPLOAD_QUOTA_DATASETS", "100")
    monkeypatch.setenv("VIZ_UPLOAD_QUOTA_BYTES", str(1024 * 1024))
    store = upload_store(tmp_path)
    bulky = long_notes_zip(copies=4)
    key = store_upload({"bulky.zip": bulky}, store)
    stored = store.entries()[-1]
    assert stored.key == key and stored.size > 20 * len(bulky)  # unpacked, it is much bigger than the zip
    assert [e.key for e in store.entries()] == [key]  # over the quota on its own: it stays, the others went


def test_a_junk_upload_keeps_its_problem_count_and_the_page_says_how_many_more(tmp_path):
    from viz.app.layout import upload_errors

    junk = b"".join(b"- %d\n" % i for i in range(5000))  # different values: 5,000 different problems
    with pytest.raises(DatasetError) as info:
        store_upload(small_files(**{"events.yaml": junk}), upload_store(tmp_path))
    error = info.value
    assert error.omitted > 0 and error.count == 5000 and len(error.problems) <= 100
    assert "… and 4,900 more problems" in str(error)

    def text(component) -> str:
        children = getattr(component, "children", component)
        if isinstance(children, list | tuple):
            return " ".join(text(c) for c in children if c is not None)
        return str(children)

    shown = text(upload_errors(error))
    assert "(5,000 problems)" in shown and "… and 4,950 more" in shown
