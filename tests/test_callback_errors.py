"""A failing callback tells the client only a short error id; the details go to the server log."""

from __future__ import annotations

import logging
import re

from conftest import SMALL_DATA

import viz.app.callbacks as callbacks
from viz.app import create_app

SECRET = "disk /srv/private/path is full"


def test_a_failing_callback_shows_an_error_id_and_logs_the_details(monkeypatch, caplog):
    client = create_app(SMALL_DATA).server.test_client()
    dependencies = client.get("/_dash-dependencies").get_json()
    spec = next(d for d in dependencies if d["output"] == "analysis.children")
    values = {"hops.value": 1, "dataset-key.data": None}

    def fill(items: list[dict]) -> list[dict]:
        return [{**item, "value": values.get(f"{item['id']}.{item['property']}", [])} for item in items]

    def broken(*_args, **_kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(callbacks, "view_analysis", broken)  # what the analysis callback calls
    with caplog.at_level(logging.ERROR, logger="viz"):
        response = client.post("/_dash-update-component", json={
            "output": spec["output"], "outputs": {"id": "analysis", "property": "children"},
            "inputs": fill(spec["inputs"]), "state": fill(spec["state"]), "changedPropIds": ["org-filter.value"]})
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body
    message = response.get_json()["sideUpdate"]["app-error"]["children"]
    error_id = re.fullmatch(r"Something went wrong \(error ([0-9a-f]{8})\)\..*", message).group(1)
    assert SECRET not in body and "RuntimeError" not in body and "Traceback" not in body
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    logged = caplog.text
    assert error_id in logged and SECRET in logged and "RuntimeError" in logged and "Traceback" in logged
    assert record.exc_info is not None
