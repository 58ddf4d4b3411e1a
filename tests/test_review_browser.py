"""Issue 16, review flow: paste the seed article into a dataset without the 2025 visit's records, accept
every proposal, apply → the record validates and shows the 17th JWG (in Debian Chromium, real CSP)."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from conftest import open_page, page_problems
from test_workspace_browser import serious_violations
from werkzeug.serving import make_server

from viz import REPO_ROOT, default_data_dir
from viz.app import create_app
from viz.record.edits import read_changes
from viz.record.load import load_dataset

pytestmark = pytest.mark.browser

SEED = REPO_ROOT / "tests" / "fixtures" / "ingest" / "seed-article.txt"
SEED_URL = "https://www.indiandefensenews.in/2025/11/defence-secretary-rajesh-kumar-singh_6.html"


@pytest.fixture
def reduced(tmp_path: Path) -> Path:
    """The default dataset without the 2025 visit's records (as `make eval-ingest` removes them)."""
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from eval_ingest import reduce_dataset

    folder = tmp_path / "reduced"
    reduce_dataset(default_data_dir(), folder)
    return folder


@pytest.fixture
def review_page(browser, reduced: Path):
    server = make_server("127.0.0.1", 0, create_app(reduced, edit=True).server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = open_page(browser)
    page.goto(f"http://127.0.0.1:{server.server_port}/")
    page.wait_for_selector("#review-open")
    yield page
    problems = page_problems(page)
    page.context.close()
    server.shutdown()
    assert not problems, f"problems in the page: {problems}"


def test_review_the_seed_accept_all_apply_shows_the_17th_jwg(review_page, reduced: Path, output_dir: Path):
    page = review_page
    assert "17th" not in page.inner_text("#timeline-graph")
    before = {p.name: p.read_bytes() for p in reduced.iterdir() if p.is_file()}
    page.click("#review-open")
    page.fill("#review-text", SEED.read_text(encoding="utf-8"))
    page.fill("#review-url", SEED_URL)
    page.click("#review-propose")
    page.wait_for_selector(".viz-review-items li", timeout=30_000)
    marks = page.locator(".viz-review-text mark").all_inner_texts()
    assert "17th Joint Working Group (JWG) on Defence Cooperation" in " ".join(marks)  # the quote, marked
    assert {p.name: p.read_bytes() for p in reduced.iterdir() if p.is_file()} == before  # nothing written yet
    assert serious_violations(page) == []
    page.screenshot(path=output_dir / "review-proposed.png")
    # an item can be corrected before it is applied: its record, as YAML
    item = page.locator(".viz-review-items li", has_text="event jwg-17")
    item.locator("summary").click()
    editor = item.locator("textarea")
    original = editor.input_value()
    editor.fill("title: [unclosed")  # a bad edit is refused, naming the item, and nothing is written
    page.click("#review-accept-all")
    page.click("#review-apply")
    page.wait_for_function("() => document.getElementById('review-problems').innerText.includes('item ')",
                           polling=100, timeout=10_000)
    assert {p.name: p.read_bytes() for p in reduced.iterdir() if p.is_file()} == before
    editor.fill(original.replace("title: ", "title: (corrected) ", 1))
    page.wait_for_function("() => [...document.querySelectorAll('.viz-review-items button')]"
                           ".every((b) => b.getAttribute('aria-pressed') === 'true')", polling=100, timeout=10_000)
    with page.expect_navigation(timeout=60_000):
        page.click("#review-apply")
    page.wait_for_selector("#details-heading", timeout=30_000)
    assert page.inner_text("#details-heading").startswith("(corrected) 17th India–Israel Joint Working Group")
    page.wait_for_function("() => document.querySelector('#timeline-graph').innerText.includes('17th')",
                           polling=100, timeout=10_000)
    page.screenshot(path=output_dir / "review-applied.png")
    dataset = load_dataset(reduced)  # the record validates
    sessions = [e for e in dataset.events if e.series and e.session_number == 17]
    assert len(sessions) == 1 and sessions[0].place and sessions[0].place.city == "Tel Aviv"
    assert sessions[0].title.startswith("(corrected) ")
    last = read_changes(reduced)[-1]  # logged like any save, and undone in one step
    assert last.action == "apply" and "jwg-17" in last.ids
    with page.expect_navigation(timeout=60_000):
        page.click("#edit-undo")
    page.wait_for_selector("#review-open")
    assert {p.name: p.read_bytes() for p in reduced.iterdir() if p.is_file() and p.name != "changes.jsonl"} == before
    assert "17th" not in page.inner_text("#timeline-graph")


def test_a_bad_paste_is_a_clear_message_and_writes_nothing(review_page, reduced: Path):
    page = review_page
    before = {p.name: p.read_bytes() for p in reduced.iterdir() if p.is_file()}
    page.click("#review-open")
    page.fill("#review-text", "too short")
    page.click("#review-propose")
    page.wait_for_function("() => document.getElementById('review-problems').innerText.trim().length > 0",
                           polling=100, timeout=10_000)
    problem = page.inner_text("#review-problems")
    assert "the pasted text" in problem and "/tmp" not in problem  # no server path
    assert {p.name: p.read_bytes() for p in reduced.iterdir() if p.is_file()} == before


@pytest.fixture
def article_url(tmp_path: Path):
    """The seed article served as a page on 127.0.0.1 (the review fetches it as `viz ingest` does)."""
    import functools
    import http.server

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "report.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/report.txt"
    server.shutdown()


def test_a_url_or_a_proposal_file_can_be_reviewed_too(review_page, reduced: Path, article_url: str, tmp_path: Path):
    from viz.ingest.ingest import ingest
    from viz.ingest.proposal import dump_proposal

    page = review_page
    page.click("#review-open")
    page.fill("#review-url", article_url)  # no text: the page at the URL is fetched and read
    page.click("#review-propose")
    page.wait_for_selector(".viz-review-items li", timeout=30_000)
    assert "17th Joint Working Group" in page.inner_text(".viz-review-text")
    proposal = ingest(str(SEED), reduced, url=SEED_URL, published="2025-11-06")
    saved = tmp_path / "seed-proposal.yaml"
    saved.write_text(dump_proposal(proposal), encoding="utf-8")
    page.set_input_files("#review-file input[type=file]", str(saved))
    page.wait_for_function("(n) => document.querySelectorAll('.viz-review-items li').length === n",
                           arg=len(proposal.items), polling=100, timeout=30_000)
    other = tmp_path / "other.yaml"
    other.write_text(dump_proposal(proposal.model_copy(update={"dataset": "another-dataset"})), encoding="utf-8")
    page.set_input_files("#review-file input[type=file]", str(other))
    page.wait_for_function("() => document.getElementById('review-problems').innerText.includes('another-dataset')",
                           polling=100, timeout=30_000)
