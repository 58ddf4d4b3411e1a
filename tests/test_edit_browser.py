"""Issue 16: editing the record in the app (``create_app(edit=True)``, as ``viz serve --edit``), in Debian
Chromium under the app's real CSP, on a temporary copy of the default dataset. Screenshots go to
test-output/ (edit-*.png)."""

from __future__ import annotations

import difflib
import threading
from pathlib import Path

import pytest
from conftest import open_page, page_problems
from test_browser import drawn_refs, pick, wait_for_details
from test_workspace_browser import serious_violations
from werkzeug.serving import make_server

from viz.app import create_app
from viz.record.load import load_dataset
from viz.render.forms import dom_id

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> & "quotes"'


@pytest.fixture
def edit_url(data_copy: Path):
    """The edit-mode app for a throwaway copy of the default dataset, on 127.0.0.1."""
    server = make_server("127.0.0.1", 0, create_app(data_copy, edit=True).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture
def editor(browser, edit_url):
    """Opens the edit app (in a fresh browser context each time); fails on JavaScript errors or CSP violations."""
    pages = []

    def opener(query: str = ""):
        page = open_page(browser)
        page.goto(edit_url + query)
        page.wait_for_selector("#edit-slot button")
        pages.append(page)
        return page

    yield opener
    problems = [problem for page in pages for problem in page_problems(page)]
    for page in pages:
        page.context.close()
    assert not problems, f"problems in the pages: {problems}"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def css_id(path: str) -> str:
    """A form field's element id, escaped for a CSS ``#id`` selector (its id is JSON)."""
    return "".join(c if c.isalnum() or c in "-_" else f"\\{c}" for c in dom_id(path))


def open_form(page, button: str) -> None:
    page.click(f"#edit-slot button:has-text('{button}')")
    page.wait_for_selector("[data-field='_reason'] textarea")


def type_in(page, path: str, text: str) -> None:
    page.fill(f"#{css_id(path)}", text)


def save_and_reload(page) -> None:
    """Save; a good save opens the page anew with the changed dataset."""
    with page.expect_navigation(timeout=30_000):
        page.click("#edit-save")
    page.wait_for_selector("#edit-slot button", timeout=30_000)


def edit_jwg17(editor):
    """A page with the 17th JWG's record open in its edit form."""
    page = editor("?sel=event:jwg-17")
    wait_for_details(page, "17th India–Israel JWG")
    open_form(page, "Edit this record")
    return page


def wait_for_error(page, text: str) -> None:
    page.wait_for_function("(t) => document.getElementById('edit-errors').innerText.includes(t)", arg=text,
                           polling=100, timeout=15_000)


def changed_lines(before: bytes, after: bytes) -> list[str]:
    return [line for line in difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(),
                                                  lineterm="", n=0) if line[:1] in "+-" and line[:3] not in "+++---"]


def test_add_18th_jwg_with_its_source_through_the_forms(editor, data_copy, output_dir):
    before = snapshot(data_copy)
    page = editor()
    open_form(page, "Add source")
    for path, text in (("id", "example-2026-05-13-jwg18"), ("publisher", "Example Wire"),
                       ("url", "https://example.org/2026/05/13/jwg-18"), ("published", "2026-05-13"),
                       ("title", "India and Israel hold 18th JWG (fictional, for a test)"), ("_reason", "test")):
        type_in(page, path, text)
    save_and_reload(page)
    assert "example-2026-05-13-jwg18" in (data_copy / "sources.yaml").read_text()

    page.click("button.viz-session:has-text('17th')")  # "Add event" on a session starts the series' next one
    wait_for_details(page, "17th India–Israel JWG")
    open_form(page, "Add event")
    assert page.input_value(f"#{css_id('session')}") == "18"
    type_in(page, "id", "jwg-18")
    type_in(page, "title", "18th India–Israel JWG on Defence Cooperation (fictional)")
    type_in(page, "date.start", "2026-05-12")
    type_in(page, "place.city", "New Delhi")
    pick(page, css_id("participants.0.actor"), "Rajesh Kumar Singh")
    pick(page, css_id("participants.0.role"), "co-chair")
    pick(page, css_id("_sources"), "Example Wire")
    type_in(page, "_reason", "fictional 18th session for the test")
    page.screenshot(path=output_dir / "edit-add-18th-form.png")
    save_and_reload(page)

    assert "sel=event%3Ajwg-18" in page.url or "sel=event:jwg-18" in page.url  # the new record is selected
    wait_for_details(page, "18th India–Israel JWG on Defence Cooperation (fictional)")
    assert "Example Wire" in page.inner_text("#details .viz-sources")
    assert "12 May 2026" in page.inner_text("#details")
    page.wait_for_function("() => document.querySelectorAll('#timeline-graph path.point').length > 0")
    assert "event:jwg-18" in drawn_refs(page, "timeline")
    page.screenshot(path=output_dir / "edit-add-18th-saved.png")
    page.click("#details button:has-text('Overview')")
    page.wait_for_selector("nav.viz-series button.viz-session:has-text('18th')")
    event = load_dataset(data_copy).event_by_id["jwg-18"]
    assert event.session == 18 and event.sources == ("example-2026-05-13-jwg18",)
    # git diff shows only added lines: nothing already in events.yaml was rewritten
    assert all(line.startswith("+") for line in changed_lines(before["events.yaml"],
                                                              (data_copy / "events.yaml").read_bytes()))


def test_correct_a_role_date_then_undo_restores_the_bytes(editor, data_copy, output_dir):
    before = snapshot(data_copy)
    page = editor("?sel=node:rajesh-kumar-singh")
    wait_for_details(page, "Defence Secretary")
    open_form(page, "Edit this record")
    assert page.input_value(f"#{css_id('roles.0.as_of')}") == "2025-11-05"
    type_in(page, "roles.0.as_of", "2025-11-04")
    pick(page, css_id("_sources"), "bs-2025-11-05-mou")  # the source the role already cites
    type_in(page, "_reason", "the JWG met on 4 November")
    save_and_reload(page)
    wait_for_details(page, "as of 4 Nov 2025")
    after = (data_copy / "actors.yaml").read_bytes()
    assert changed_lines(before["actors.yaml"], after) == ["-      as_of: 2025-11-05", "+      as_of: 2025-11-04"]
    assert "Last change: change actor rajesh-kumar-singh" in page.inner_text("#edit-last")
    page.screenshot(path=output_dir / "edit-role-date-saved.png")

    with page.expect_navigation(timeout=30_000):
        page.click("#edit-undo")
    page.wait_for_selector("#edit-slot button")
    wait_for_details(page, "as of 5 Nov 2025")
    now = snapshot(data_copy)
    assert {name: now[name] for name in before} == before  # every file as it was (the log keeps the history)


def test_invalid_date_is_shown_in_the_form_and_nothing_is_written(editor, data_copy):
    before = snapshot(data_copy)
    page = edit_jwg17(editor)
    type_in(page, "date.start", "2025-13-45")
    pick(page, css_id("_sources"), "ians-2025-11-04-jwg17")
    page.click("#edit-save")
    wait_for_error(page, "2025-13-45")
    assert "Nothing was saved" in page.inner_text("#edit-errors")
    assert page.input_value(f"#{css_id('date.start')}") == "2025-13-45"  # the input is kept to be corrected
    assert snapshot(data_copy) == before


def test_a_source_is_required_for_a_changed_fact(editor, data_copy):
    before = snapshot(data_copy)
    page = edit_jwg17(editor)
    type_in(page, "place.city", "Jerusalem")
    page.click("#edit-save")
    wait_for_error(page, "choose at least one source")
    assert snapshot(data_copy) == before


def test_two_editors_the_second_save_is_refused_and_its_input_kept(editor, data_copy):
    first, second = edit_jwg17(editor), edit_jwg17(editor)
    for page in (first, second):
        pick(page, css_id("_sources"), "ians-2025-11-04-jwg17")
    type_in(first, "place.venue", "Kirya")
    save_and_reload(first)
    type_in(second, "place.venue", "Second editor's venue")
    second.click("#edit-save")
    wait_for_error(second, "changed this record since you opened it")
    assert second.input_value(f"#{css_id('place.venue')}") == "Second editor's venue"
    stored = load_dataset(data_copy).event_by_id["jwg-17"]
    assert stored.place.venue == "Kirya"


def test_hostile_text_is_stored_and_shown_as_text(editor, data_copy):
    page = edit_jwg17(editor)
    type_in(page, "title", HOSTILE)
    pick(page, css_id("_sources"), "ians-2025-11-04-jwg17")
    save_and_reload(page)
    page.wait_for_function("(t) => { const h = document.getElementById('details-heading');"
                           " return h && h.innerText === t; }", arg=HOSTILE, polling=100, timeout=15_000)
    assert page.locator("#details img").count() == 0
    assert page.evaluate("() => window.__pwned === undefined")
    assert load_dataset(data_copy).event_by_id["jwg-17"].title == HOSTILE


@pytest.mark.parametrize(("record", "shown"), [("event:jwg-17", "Sources"),
                                               ("node:rajesh-kumar-singh", "Defence Secretary")])
def test_edit_form_has_no_serious_axe_violations(editor, output_dir, record, shown):
    page = editor(f"?sel={record}")
    wait_for_details(page, shown)
    open_form(page, "Edit this record")
    page.screenshot(path=output_dir / f"edit-form-{record.split(':')[1]}.png")
    assert serious_violations(page) == []
