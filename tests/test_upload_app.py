"""Uploads through the real Dash endpoint: size limits, links to removed uploads, private default folders."""

import base64
import io
import json
import os
import tempfile
import zipfile

import pytest
from conftest import SMALL_DATA
from test_upload import distinct_dataset, small_files, zipped

from viz.app import create_app
from viz.app.upload import MAX_REQUEST_BYTES, MAX_UPLOAD_BYTES, upload_store
from viz.record.storage import StorageError


@pytest.fixture
def client(tmp_path):
    app = create_app(SMALL_DATA, upload_dir=tmp_path / "uploads")
    return app, app.server.test_client()


def call(app_and_client, inputs: dict[str, object], state: dict[str, object] | None = None, returning: str = ""):
    """POST one callback (found by its inputs and an output) as the browser does; the response and its JSON."""
    app, test_client = app_and_client
    state = state or {}
    [(output, spec)] = [(o, s) for o, s in app.callback_map.items() if returning in o
                        and {f"{i['id']}.{i['property']}" for i in s["inputs"]} == set(inputs)]

    def props(specs, values):
        return [{"id": s["id"], "property": s["property"], "value": values.get(f"{s['id']}.{s['property']}")}
                for s in specs]

    outputs = [{"id": part.split("@")[0].rsplit(".", 1)[0], "property": part.split("@")[0].rsplit(".", 1)[1]}
               for part in output.strip(".").split("...")]
    body = {"output": output, "outputs": outputs, "inputs": props(spec["inputs"], inputs),
            "state": props(spec["state"], state), "changedPropIds": list(inputs)}
    response = test_client.post("/_dash-update-component", json=body)
    return response, (response.get_json(silent=True) or {})


def data_url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def zip_of_size(size: int) -> bytes:
    """A valid dataset zip padded (with a member that is not a dataset file) to exactly ``size`` bytes."""
    def build(padding: int) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in small_files().items():
                archive.writestr(name, data)
            archive.writestr("padding.bin", b"\0" * padding)
        return buffer.getvalue()

    first = build(size // 2)
    exact = build(size // 2 + size - len(first))
    assert len(exact) == size
    return exact


def upload(app_and_client, files: dict[str, bytes]):
    return call(app_and_client, {"dataset-upload.contents": [data_url(d) for d in files.values()]},
                {"dataset-upload.filename": list(files)})


def upload_status(payload: dict) -> str:
    return json.dumps(payload.get("sideUpdate", {}).get("upload-status", {}))


def test_an_upload_of_exactly_the_limit_is_accepted_and_one_byte_more_is_refused(client):
    response, payload = upload(client, {"big.zip": zip_of_size(MAX_UPLOAD_BYTES)})
    assert response.status_code == 200 and len(payload["response"]["dataset-key"]["data"]) == 32
    response, payload = upload(client, {"big.zip": zip_of_size(MAX_UPLOAD_BYTES + 1)})
    assert response.status_code == 200 and "dataset-key" not in payload.get("response", {})
    assert f"at most {MAX_UPLOAD_BYTES:,}" in upload_status(payload)


def test_the_limit_is_on_all_files_of_an_upload_together(client):
    half = MAX_UPLOAD_BYTES // 2 + 1  # each file is under the limit, both together are over it
    _, payload = upload(client, {"events.yaml": b"#" * half, "actors.yaml": b"#" * half})
    assert f"the upload holds {2 * half:,} bytes; at most {MAX_UPLOAD_BYTES:,}" in upload_status(payload)


def test_an_oversized_request_body_is_refused_before_it_is_read(client):
    _, test_client = client
    response = test_client.post("/_dash-update-component", data=b"{" + b" " * MAX_REQUEST_BYTES,
                                content_type="application/json")
    assert response.status_code == 413


def test_a_storage_failure_shows_no_server_path(client, monkeypatch):
    import viz.app.callbacks

    def disk_full(*_args):
        raise OSError(28, "No space left on device", f"{tempfile.gettempdir()}/viz-uploads-0/.viz-staging-x")

    monkeypatch.setattr(viz.app.callbacks, "store_upload", disk_full)
    _, payload = upload(client, small_files())
    status = upload_status(payload)
    assert "could not be stored" in status and tempfile.gettempdir() not in status and "Errno" not in status


def test_a_link_to_an_upload_opens_it_and_a_link_to_a_removed_one_says_it_is_gone(client, tmp_path):
    store = upload_store(tmp_path / "uploads")
    from viz.app.upload import store_upload

    key = store_upload(distinct_dataset(1), store)
    response, payload = call(client, {"url.search": f"?data={key}&org=elbit"}, {"dataset-key.data": None}, "page")
    assert response.status_code == 200 and payload["response"]["dataset-key"]["data"] == key
    assert "dataset-upload" in json.dumps(payload["response"]["page"])

    gone = "0123456789abcdef0123456789abcdef"
    response, payload = call(client, {"url.search": f"?data={gone}&org=elbit"}, {"dataset-key.data": None}, "page")
    page = json.dumps(payload["response"]["page"])
    assert response.status_code == 200 and "dataset-key" not in payload["response"]
    assert "This dataset is gone" in page and "no longer stored" in page and '"id": "dataset-upload"' in page
    assert "Elbit" not in page  # not the default dataset, silently

    # meanwhile the link's filters are not applied to the default dataset
    response, payload = call(client, {"url.search": f"?data={gone}&org=elbit"}, {"dataset-key.data": None},
                             "org-filter")
    assert response.status_code == 200 and payload["response"] == {}  # no control is set

    # a page left open on an upload that is removed meanwhile says so on its next request
    _, payload = call(client, {"play-timer.n_intervals": 1}, {"dataset-key.data": gone}, "play-timer.disabled")
    assert "no longer stored on the server" in json.dumps(payload["sideUpdate"]["app-error"])


def test_the_default_upload_folder_is_private_and_an_unsafe_one_stops_the_server(tmp_path, monkeypatch, capsys):
    from viz.cli import main

    monkeypatch.delenv("VIZ_UPLOAD_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    create_app(SMALL_DATA)
    folder = tmp_path / f"viz-uploads-{os.getuid()}"
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700

    folder.chmod(0o777)  # as if another user had made it for us
    with pytest.raises(StorageError, match="may be written by other users"):
        create_app(SMALL_DATA)
    assert main(["serve", "--data", str(SMALL_DATA)]) == 2
    assert "may be written by other users" in capsys.readouterr().err


def test_the_default_layout_cache_folder_is_checked_too(tmp_path, monkeypatch):
    monkeypatch.delenv("VIZ_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    create_app(SMALL_DATA)
    layouts = tmp_path / ".cache" / "viz" / "layouts"
    assert layouts.stat().st_mode & 0o777 == 0o700 and list(layouts.glob("*-v*.json"))
    layouts.chmod(0o775)
    with pytest.raises(StorageError, match="layouts may be written by other users"):
        create_app(SMALL_DATA)


def test_the_layout_cache_keeps_to_its_quota(tmp_path, monkeypatch, small):
    import viz.network.positions as positions
    from viz.network.graph import build_graph

    monkeypatch.setenv("VIZ_LAYOUT_CACHE_FILES", "2")
    graph = build_graph(small)
    for key in ("first", "second"):
        positions.node_positions(graph, cache_key=key, cache_dir=tmp_path)
    positions.node_positions(graph, cache_key="first", cache_dir=tmp_path)  # a cache hit counts as use
    positions.node_positions(graph, cache_key="third", cache_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{k}-v{positions.LAYOUT_VERSION}.json"
                                                          for k in ("first", "third")]


@pytest.mark.browser
def test_an_uploads_link_reopens_it_until_it_is_evicted_then_says_it_is_gone(browser, tmp_path, monkeypatch,
                                                                               output_dir):
    import re

    from conftest import open_page, page_problems, serve
    from test_browser import choose_organisation, wait_for_nodes

    monkeypatch.setenv("VIZ_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("VIZ_UPLOAD_QUOTA_DATASETS", "1")  # the next upload evicts the first
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    first.write_bytes(zipped(distinct_dataset(1)))
    second.write_bytes(zipped(distinct_dataset(2)))
    with serve(SMALL_DATA) as url:
        page = open_page(browser)  # under the app's real CSP
        context = page.context
        page.goto(url)
        page.wait_for_selector("#timeline-graph .scatterlayer path.point")
        page.set_input_files("#dataset-upload input[type=file]", str(first))
        page.wait_for_url(re.compile(r"\?data=[0-9a-f]{32}$"), timeout=15_000)
        key = page.url.rsplit("=", 1)[1]
        wait_for_nodes(page, 12)
        choose_organisation(page, "Elbit Systems")
        page.wait_for_url(re.compile(rf"\?data={key}&org=elbit"), timeout=15_000)
        link = page.url

        reopened = context.new_page()  # the link opens the upload with its filters
        reopened.goto(link)
        wait_for_nodes(reopened, 2)
        assert reopened.url == link
        reopened.close()

        page.set_input_files("#dataset-upload input[type=file]", str(second))
        page.wait_for_url(re.compile(r"\?data=(?!" + key + r")[0-9a-f]{32}$"), timeout=15_000)
        assert not (tmp_path / "uploads" / key).exists()  # evicted

        gone = context.new_page()
        gone.goto(link)
        gone.wait_for_selector("#dataset-gone", timeout=15_000)
        assert "no longer stored" in gone.inner_text("#dataset-gone")
        assert gone.is_visible("#dataset-upload")
        gone.screenshot(path=output_dir / "upload-gone.png", full_page=True)
        gone.set_input_files("#dataset-upload input[type=file]", str(first))  # uploaded again: the link's view
        wait_for_nodes(gone, 2)
        assert gone.url == link
        assert page_problems(page) == [] and page_problems(gone) == []
        context.close()
