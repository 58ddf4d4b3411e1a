"""The app's data download menu hands out every schema v2 field (two-series fixture, real CSP, real downloads)."""

from __future__ import annotations

import json
import zipfile

import pytest
from conftest import open_page, page_problems, serve
from followthemoney import model
from test_browser import EVENTS, open_fold, pick
from test_exports_v2 import check_v2_csv, check_v2_timelinejs

from viz import REPO_ROOT
from viz.exports.ftm import ftm_id

pytestmark = pytest.mark.browser

TWO_SERIES = REPO_ROOT / "tests" / "fixtures" / "two-series"


def _download(page, label: str, folder):
    """Choose a data format in the menu, press Download and return the saved file."""
    open_fold(page, "Download data")
    pick(page, "data-format", label)
    with page.expect_download(timeout=30_000) as info:
        page.click("#export-data")
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_downloads_from_the_app_carry_the_v2_fields(browser, tmp_path):
    with serve(TWO_SERIES) as url:
        page = open_page(browser, accept_downloads=True)
        page.goto(url)
        page.wait_for_selector(EVENTS)

        archive = _download(page, "CSV (zip)", tmp_path)
        assert archive.name == "two-series-fixture-view.csv.zip"
        with zipfile.ZipFile(archive) as files:
            check_v2_csv({name: files.read(name).decode() for name in ("nodes.csv", "edges.csv", "events.csv")})

        timeline = _download(page, "TimelineJS JSON", tmp_path)
        assert timeline.name == "two-series-fixture-view.timeline.json"
        check_v2_timelinejs(json.loads(timeline.read_text()))

        ftm = _download(page, "FollowTheMoney JSONL", tmp_path)
        proxies = {p.id: p for p in (model.get_proxy(json.loads(line)) for line in ftm.read_text().splitlines())}
        mention = proxies[ftm_id("two-series-fixture", "mention", "dpg-4", "audit-office")]
        assert mention.schema.name == "Mention" and mention.get("name") == ["Arland Audit Office"]
        assert proxies[ftm_id("two-series-fixture", "agreement", "roadmap")].get("status") == ["announced"]

        assert page_problems(page) == []
        page.context.close()
