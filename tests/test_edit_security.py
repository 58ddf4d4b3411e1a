"""Issue 16: edit mode is off unless asked for, local unless a token is configured, and stores what people
type as text (viz.app.edit_auth, viz.app.editing, viz serve --edit)."""

from __future__ import annotations

from pathlib import Path

import pytest

import viz.app
from viz import cli
from viz.app import create_app
from viz.app.edit_auth import COOKIE, LOGIN_PATH, TOKEN_ENV, TOKEN_HEADER
from viz.record import edits
from viz.record.load import load_dataset
from viz.render.details import details_for
from viz.render.forms import cite, form_record

TOKEN = "a-long-enough-test-token-0123456789"
HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> {{7*7}} ${x} "\'&'


def _callback(output: str, trigger: str) -> dict:
    """A Dash callback request, as the browser would send it."""
    return {"output": output, "outputs": {"id": output.split(".")[0], "property": output.split(".")[1]},
            "inputs": [{"id": trigger.split(".")[0], "property": trigger.split(".")[1], "value": 1}],
            "changedPropIds": [trigger], "state": []}


def test_read_only_app_has_no_edit_callbacks_controls_or_login(data_copy: Path):
    app = create_app(data_copy)
    assert not [key for key in app.callback_map if "edit" in key]
    client = app.server.test_client()
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "edit-open" not in layout and "edit-save" not in layout and "Edit this record" not in layout
    answer = client.post("/_dash-update-component", json=_callback("edit-undo-status.children", "edit-undo.n_clicks"))
    assert answer.status_code >= 400  # no such callback: nothing answers
    assert "Access token" not in client.get(LOGIN_PATH).get_data(as_text=True)


def test_edit_app_registers_its_callbacks(data_copy: Path):
    """The control for the test above: the same look-ups do find the edit callbacks in edit mode."""
    app = create_app(data_copy, edit=True)
    assert [key for key in app.callback_map if "edit-undo-status.children" in key]
    client = app.server.test_client()
    assert "edit-slot" in client.get("/_dash-layout").get_data(as_text=True)


def _refuse_to_build(*_args, **_kwargs):
    raise AssertionError("the app was built: the server would have started")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.org"])
def test_edit_mode_on_another_host_without_token_refuses_to_start(data_copy, monkeypatch, capsys, host):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.setattr(viz.app, "create_app", _refuse_to_build)
    assert cli.main(["serve", "--edit", "--host", host, "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert f"--host {host}" in err and TOKEN_ENV in err and "127.0.0.1" in err


def test_edit_mode_refuses_a_short_token(data_copy, monkeypatch, capsys):
    monkeypatch.setenv(TOKEN_ENV, "short")
    monkeypatch.setattr(viz.app, "create_app", _refuse_to_build)
    assert cli.main(["serve", "--edit", "--data", str(data_copy)]) == 2
    assert f"{TOKEN_ENV} is 5 characters long; use at least 16" in capsys.readouterr().err


def test_edit_mode_on_another_host_with_token_starts(data_copy, monkeypatch):
    started = {}

    class Served:
        def run(self, **options):
            started.update(options)

    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setattr(viz.app, "create_app", lambda *a, **kw: started.update(kw) or Served())
    assert cli.main(["serve", "--edit", "--host", "0.0.0.0", "--data", str(data_copy)]) == 0
    assert started["edit"] is True and started["edit_token"] == TOKEN and started["host"] == "0.0.0.0"


def test_with_a_token_every_request_needs_it(data_copy: Path):
    client = create_app(data_copy, edit=True, edit_token=TOKEN).server.test_client()
    assert client.get("/").headers["Location"].endswith(LOGIN_PATH)
    assert client.get("/_dash-layout").status_code == 403
    assert client.get("/_dash-layout", headers={TOKEN_HEADER: TOKEN[:-1] + "x"}).status_code == 403
    assert client.get("/_dash-layout", headers={TOKEN_HEADER: TOKEN}).status_code == 200
    assert client.post(LOGIN_PATH, data={"token": "wrong"}).status_code == 403
    assert client.get_cookie(COOKIE) is None
    login = client.post(LOGIN_PATH, data={"token": TOKEN})
    assert login.status_code == 302 and TOKEN not in (client.get_cookie(COOKIE).value or "")
    assert "HttpOnly" in login.headers["Set-Cookie"] and "SameSite=Strict" in login.headers["Set-Cookie"]
    assert client.get("/_dash-layout").status_code == 200  # the cookie now lets the browser in


def test_without_a_token_only_loopback_hosts_and_same_site_posts_are_answered(data_copy: Path):
    client = create_app(data_copy, edit=True).server.test_client()
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-layout", headers={"Host": "attacker.example"}).status_code == 403  # DNS rebinding
    cross = client.post("/_dash-update-component", headers={"Origin": "https://attacker.example"},
                        json=_callback("edit-undo-status.children", "edit-undo.n_clicks"))
    assert cross.status_code == 403


def test_hostile_text_is_stored_as_text(data_copy: Path, dataset):
    original = edits.read_record(data_copy, "event", "jwg-17")
    values = {"title": HOSTILE, "summary": HOSTILE, "place.venue": HOSTILE, "topics": f"{HOSTILE}\nsecond"}
    record = cite("event", original, form_record("event", original, values), ["ians-2025-11-04-jwg17"])
    edits.save_record(data_copy, "event", record, based_on=edits.record_hash(data_copy, "event", "jwg-17"),
                      sources=["ians-2025-11-04-jwg17"], reason=HOSTILE)
    event = load_dataset(data_copy).event_by_id["jwg-17"]
    assert (event.title, event.summary, event.place.venue, event.topics[0]) == (HOSTILE,) * 4
    assert edits.read_changes(data_copy)[-1].reason == HOSTILE
    shown = details_for(load_dataset(data_copy), None, "event:jwg-17")
    heading = next(c for c in shown.children if getattr(c, "id", None) == "details-heading")
    assert heading.children == HOSTILE  # a plain string child of a Dash component: rendered as text


def test_form_keeps_what_it_does_not_show_and_cites_the_change(data_copy: Path):
    original = edits.read_record(data_copy, "actor", "rajesh-kumar-singh")
    changed = form_record("actor", original, {"roles.0.as_of": "2025-11-04", "roles.1.title": "",
                                              "aliases": "RK Singh", "unknown.field": "ignored"})
    assert changed["roles"][0]["note"] == original["roles"][0]["note"]  # not in the form, kept
    assert changed["roles"][0]["as_of"] == "2025-11-04" and "unknown" not in changed
    cited = cite("actor", original, changed, ["new-source"])
    assert cited["roles"][0]["sources"][-1] == "new-source"  # the changed role rests on the change's source
    assert cited["sources"][-1] == "new-source"  # so do the actor's own changed fields (aliases)
    assert form_record("actor", original, {}) == original
