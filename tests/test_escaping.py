"""Text leaves the app escaped: TimelineJS HTML, CSV cells, the page title, Plotly report text, source URLs."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
import yaml
from conftest import SMALL_DATA, dump_yaml

from viz.exports.interop import FORMULA_START, csv_cell, csv_files, timelinejs
from viz.network.graph import build_graph
from viz.network.timeline import timeline_entries
from viz.record.load import DatasetError, load_dataset
from viz.record.model import Source

LINK = '<a href="https://evil.example">x</a>'
BOLD = "<b>bold</b>"
TITLE = 'Atlas </title><meta http-equiv="refresh" content="0;url=https://evil.example"> ' + BOLD
FORMULA = '=HYPERLINK("https://evil.example","click")'


def _edit(folder, name, change) -> None:
    data = yaml.safe_load((folder / name).read_text())
    change(data)
    (folder / name).write_text(dump_yaml(data))


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    """The fixture dataset with markup, links and formulas in its text."""
    folder = tmp_path_factory.mktemp("escaping") / "data"
    shutil.copytree(SMALL_DATA, folder)

    def meta(data):
        data["title"] = TITLE
        data["description"] = f"About {LINK} & {BOLD}"

    def events(data):
        data[0]["title"] = FORMULA
        data[0]["summary"] = f"+cmd {LINK}"
        data[1]["title"] = f"Session {LINK}"

    def actors(data):
        data[0]["name"] = "@SUM(1+1)"
        data[0]["aliases"] = ["-2+3"]

    def sources(data):
        for source in data:  # every source, so whichever a view cites carries markup
            source["publisher"] = f"Evil {LINK}"
        data[0]["url"] = "https://news.example/a?x=1&y=2"

    _edit(folder, "dataset.yaml", meta)
    _edit(folder, "events.yaml", events)
    _edit(folder, "actors.yaml", actors)
    _edit(folder, "sources.yaml", sources)
    return folder


@pytest.fixture(scope="module")
def hostile(hostile_dir):
    return load_dataset(hostile_dir)


class _Html(HTMLParser):
    """Collects the tags, attributes and (decoded) text of an HTML fragment or page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.titles: list[str] = []
        self._in_title = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "title":
            self.titles.append("")
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_title:
            self.titles[-1] += data


# --- TimelineJS -------------------------------------------------------------------------------------------------


def _timelinejs_html(data: dict) -> list[str]:
    fields = [data["title"]["text"]["headline"], data["title"]["text"]["text"]]
    for slide in data["events"]:
        fields += [slide["text"]["headline"], slide["text"]["text"], slide["group"]]
    return fields


def test_timelinejs_text_is_html_escaped(hostile):
    data = timelinejs(hostile, timeline_entries(hostile))
    for field in _timelinejs_html(data):
        parsed = _Html(field)
        # the only markup is our own: paragraphs, lists and links to http(s) sources
        assert {tag for tag, _ in parsed.tags} <= {"p", "ul", "li", "a"}, field
        for tag, attrs in parsed.tags:
            if tag == "a":
                assert list(attrs) == ["href"] and attrs["href"].startswith(("https://", "http://")), field
                assert "evil.example" not in attrs["href"]
    def shown(field: str) -> str:
        return "".join(_Html(field).text)

    assert shown(data["title"]["text"]["headline"]) == TITLE  # the title, shown as text
    assert shown(data["title"]["text"]["text"]).startswith(f"About {LINK} & {BOLD}")
    slides = {s["unique_id"]: s for s in data["events"]}
    first, second = hostile.events[0], hostile.events[1]
    assert shown(slides[first.id]["text"]["headline"]) == FORMULA
    assert shown(slides[second.id]["text"]["headline"]) == f"Session {LINK}"
    assert shown(slides[first.id]["text"]["text"]).startswith(f"+cmd {LINK}Evil {LINK}")
    assert 'href="https://news.example/a?x=1&amp;y=2"' in slides[first.id]["text"]["text"]  # attribute escaped


def test_timelinejs_never_links_a_url_that_breaks_out_of_href(hostile):
    """Defence in depth: a URL that slipped past validation is still neither a link nor an attribute."""
    first = hostile.events[0]
    bad = Source.model_construct(id=first.sources[0], url='https://a.example/"onmouseover="alert(1)',
                                 publisher="P", document=None)
    javascript = Source.model_construct(id=first.sources[0], url="javascript:alert(1)", publisher="P",
                                        document=None)
    for source in (bad, javascript):
        sources = tuple(source if s.id == source.id else s for s in hostile.sources)
        dataset = dataclasses.replace(hostile, sources=sources)
        text = {s["unique_id"]: s for s in timelinejs(dataset, timeline_entries(dataset))["events"]}[first.id]
        for _tag, attrs in _Html(text["text"]["text"]).tags:
            assert set(attrs) <= {"href"}, attrs
            assert "alert" not in (attrs.get("href") or "")


# --- CSV ----------------------------------------------------------------------------------------------------------


def _cells(files: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    return {name: list(csv.DictReader(io.StringIO(text))) for name, text in files.items()}


def _assert_no_formula(tables: dict[str, list[dict[str, str]]]) -> None:
    for name, rows in tables.items():
        for row in rows:
            for column, cell in row.items():
                assert not cell.startswith(FORMULA_START), (name, column, cell)


def test_csv_cells_never_start_a_formula(hostile):
    tables = _cells(csv_files(build_graph(hostile), hostile, timeline_entries(hostile)))
    _assert_no_formula(tables)
    events = {row["id"]: row for row in tables["events.csv"]}
    first = hostile.events[0]
    assert events[first.id]["title"] == "'" + FORMULA  # neutralised, otherwise unchanged
    assert events[first.id]["summary"] == f"'+cmd {LINK}"
    nodes = {row["id"]: row for row in tables["nodes.csv"]}
    actor = hostile.actors[0]
    assert nodes[actor.id]["label"] == "'@SUM(1+1)" and nodes[actor.id]["aliases"] == "'-2+3"
    # numbers stay numbers: the session column is written as it is
    sessions = [row["session"] for row in tables["events.csv"] if row["session"]]
    assert sessions and all(s.isdigit() for s in sessions)


def test_csv_sourced_data_is_neutralised_too(hostile_dir, tmp_path):
    from test_upload import to_csv

    folder = tmp_path / "csv"
    shutil.copytree(hostile_dir, folder)
    for name in ("events", "actors"):
        records = yaml.safe_load((folder / f"{name}.yaml").read_text())
        (folder / f"{name}.yaml").unlink()
        (folder / f"{name}.csv").write_bytes(to_csv(records))
    dataset = load_dataset(folder)
    assert dataset.events[0].title == FORMULA  # the CSV reader kept the text as it was
    tables = _cells(csv_files(build_graph(dataset), dataset, timeline_entries(dataset)))
    _assert_no_formula(tables)
    assert {row["id"]: row for row in tables["events.csv"]}[dataset.events[0].id]["title"] == "'" + FORMULA


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "-"])
def test_csv_cell_prefixes_text_that_could_start_a_formula(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-3, 2.5, 17, True, "plain", "a=b", "", "'quoted"])
def test_csv_cell_keeps_numbers_and_ordinary_text(value):
    assert csv_cell(value) == value


# --- the page title -------------------------------------------------------------------------------------------------


def test_page_title_is_escaped(hostile_dir):
    from viz.app import create_app

    response = create_app(hostile_dir).server.test_client().get("/")
    assert response.status_code == 200
    page = _Html(response.get_data(as_text=True))
    assert page.titles == [TITLE]  # exactly one <title>, holding the title as text
    assert not [a for tag, a in page.tags if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh"]
    assert not [attrs for tag, attrs in page.tags if tag == "b"]


# --- Plotly text in reports ---------------------------------------------------------------------------------------


def test_report_svg_shows_dataset_and_url_text_literally(hostile_dir):
    from viz.network.state import state_from_query
    from viz.render.report import render_view_report
    from viz.render.view import prepare_context

    context = prepare_context(hostile_dir)
    state = state_from_query("?" + urlencode([("org", "elbit"), ("org", LINK), ("org", BOLD)]))
    assert LINK in state.orgs  # the scope really carries the link
    svg = render_view_report(context, state, "svg", 1600, 1800).content.decode()
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("a", "b")]  # no link, no bold element
    assert "evil.example" not in " ".join(v for e in root.iter() for k, v in e.attrib.items() if "href" in k)
    texts = ["".join(e.itertext()) for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "text"]
    shown = "\n".join(texts)
    assert TITLE in shown  # the dataset title, literally
    assert LINK in shown and BOLD in shown  # the scope from the URL, literally
    assert f"Evil {LINK}"[:40] in shown  # the cited source (shortened to fit), literally


# --- source URLs ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "why"), [
    ('https://a.example/x"onmouseover="alert(1)', "contains '\"'"),
    ("https://a.example/x'y", "contains \"'\""),
    ("https://a.example/a b", "contains ' '"),
    ("https://a.example/<script>", "contains '<'"),
    ("javascript:alert(1)//https://a.example", "must start with http:// or https://"),
    ("https://", "has no host name"),
    ("https://user:pw@a.example/", "user name or password"),
    ("https://a.example:99999/", "cannot be parsed"),
])
def test_source_urls_must_be_valid_http_urls(small_copy, url, why):
    def change(data):
        data[0]["url"] = url

    _edit(small_copy, "sources.yaml", change)
    with pytest.raises(DatasetError) as info:
        load_dataset(small_copy)
    problem = info.value.problems[0]  # (the records citing the source then report an unknown id)
    assert problem.file.endswith("sources.yaml") and problem.field == "url"
    assert repr(url) in problem.message and "is not a valid http(s) URL" in problem.message and why in problem.message


@pytest.mark.parametrize("url", ["https://a.example", "http://a.example:8080/p?q=1&r=%20#frag",
                                 "https://secretopreation.com/इजरायल", "HTTPS://A.EXAMPLE/"])
def test_valid_source_urls_are_kept_as_they_are(small_copy, url):
    def change(data):
        data[0]["url"] = url

    _edit(small_copy, "sources.yaml", change)
    assert load_dataset(small_copy).sources[0].url == url


def test_the_default_dataset_still_validates():
    from viz import default_data_dir

    assert re.match(r"https?://", load_dataset(default_data_dir()).sources[0].url or "https://")
