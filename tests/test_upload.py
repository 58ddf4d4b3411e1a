"""Opening a user's dataset: validated first, stored by content hash, errors listed in the page."""

import base64
import io
import zipfile

import pytest
from conftest import SMALL_DATA

from viz.load import DatasetError
from viz.upload import DATASET_FILES, MAX_UPLOAD_BYTES, Contexts, decode_upload, store_upload
from viz.view import prepare_context


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
    key = store_upload({"mydata.zip": zipped(small_files())}, tmp_path)
    assert (tmp_path / key / "events.yaml").is_file()
    assert store_upload(small_files(), tmp_path) == key  # same content, same key
    contexts = Contexts(prepare_context(SMALL_DATA), tmp_path)
    assert contexts.get(key).dataset.meta.id == "jwg17-fixture"
    assert contexts.get(None) is contexts.default and contexts.get("../etc") is contexts.default


def test_an_invalid_upload_lists_problems_by_uploaded_file_and_stores_nothing(tmp_path):
    events = (SMALL_DATA / "events.yaml").read_text().replace("actor: amir-baram", "actor: nobody")
    with pytest.raises(DatasetError) as info:
        store_upload(small_files(**{"events.yaml": events.encode()}), tmp_path)
    [problem] = info.value.problems
    assert str(problem).startswith("events.yaml:") and "unknown actor id 'nobody'" in str(problem)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("files", "message"), [
    ({"a.zip": b"not a zip"}, "not a valid zip"),
    ({"notes.txt": b"x"}, "not a dataset file"),
    ({"dataset.yaml": b"x"}, "missing sources.yaml"),
    ({"evil.zip": zipped(small_files(), prefix="../../")}, None),  # zip-slip names are reduced to base names
])
def test_unusable_uploads(tmp_path, files, message):
    if message is None:
        key = store_upload(files, tmp_path)
        assert sorted(p.name for p in (tmp_path / key).iterdir()) == sorted(DATASET_FILES)
        return
    with pytest.raises(DatasetError, match=message):
        store_upload(files, tmp_path)


def test_upload_size_limit_and_bad_encoding():
    too_big = "data:application/zip;base64," + "A" * (MAX_UPLOAD_BYTES * 4 // 3 + 8)
    with pytest.raises(DatasetError, match="larger than"):
        decode_upload(too_big, "big.zip")
    with pytest.raises(DatasetError, match="could not be decoded"):
        decode_upload("data:application/zip;base64,@@@", "bad.zip")
    assert decode_upload("data:x;base64," + base64.b64encode(b"ok").decode(), "ok.yaml") == b"ok"


@pytest.mark.browser
def test_upload_in_the_browser(page, tmp_path, dataset, output_dir):
    page.wait_for_selector("#timeline-graph .scatterlayer path.point")
    title, summary = page.inner_text("#page-title"), page.inner_text("#view-summary")
    broken = tmp_path / "broken.zip"
    events = (SMALL_DATA / "events.yaml").read_text().replace("precision: day", "precision: month", 1)
    broken.write_bytes(zipped(small_files(**{"events.yaml": events.encode()})))
    page.set_input_files("#dataset-upload input[type=file]", str(broken))
    page.wait_for_selector("#upload-status .viz-upload-errors", timeout=15_000)
    status = page.inner_text("#upload-status")
    assert "the current dataset is unchanged" in status and "events.yaml:" in status and "precision" in status
    assert page.inner_text("#page-title") == title and page.inner_text("#view-summary") == summary
    page.screenshot(path=output_dir / "upload-refused.png", full_page=True)

    good = tmp_path / "good.zip"
    good.write_bytes(zipped(small_files()))
    page.set_input_files("#dataset-upload input[type=file]", str(good))
    page.wait_for_function("document.querySelector('#page-title').innerText.includes('test fixture')",
                           polling=100, timeout=15_000)
    assert "Opened the uploaded dataset" in page.inner_text("#upload-status")
    from test_browser import choose_organisation, wait_for_nodes

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

    from viz.load import load_dataset

    files = small_files()
    for name in ("sources", "events", "actors"):
        files.pop(f"{name}.yaml")
        files[f"{name}.csv"] = to_csv(yaml.safe_load((SMALL_DATA / f"{name}.yaml").read_text()))
    key = store_upload(files, tmp_path)
    loaded = load_dataset(tmp_path / key)
    assert loaded.events == small.events and loaded.actors == small.actors and loaded.sources == small.sources


def test_csv_errors_name_the_row(small_copy):
    import yaml

    from viz.load import load_dataset

    events = yaml.safe_load((small_copy / "events.yaml").read_text())
    events[2]["date"] = {"start": "2025-11", "precision": "day"}
    (small_copy / "events.yaml").unlink()
    (small_copy / "events.csv").write_bytes(to_csv(events))
    with pytest.raises(DatasetError) as info:
        load_dataset(small_copy)
    [problem] = info.value.problems
    assert str(problem).startswith(f"{small_copy / 'events.csv'}:4: singh-katz-meeting-2025-11-04: date:")
