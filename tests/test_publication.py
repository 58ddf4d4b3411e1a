"""Publication-grade exports and one meaning per colour (issue 14, findings 8 and 12).

Finding 8: the "Export view" report cut source URLs with "…", set text at 9-10 px and the
downloads were named the same whatever the view. A report now lists every URL in full, wrapped,
sets no text under 11 pt (at 96 px to the inch: 14.7 px) and is named after its view.
Finding 12: orange meant *person* in the network and the JWG lane in the timeline. Hue now
means actor kind only; timeline lanes are told apart by position and shape, in neutral inks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
import xml.etree.ElementTree as ET

import pytest
from coloraide import Color
from conftest import DEFAULT_DATA
from hypothesis import given
from hypothesis import strategies as st

from viz.network.state import ViewState, state_from_query
from viz.render.details import source_label
from viz.render.view import build_view, prepare_context

ELEVEN_PT_PX = 11 * 96 / 72  # 14.67 px
RAFAEL_2015_2020 = "?org=rafael&from=2015&to=2020"
WIDTH, HEIGHT = 1600, 1800  # the app's default export size


@pytest.fixture(scope="module")
def context():
    return prepare_context(DEFAULT_DATA)


@pytest.fixture(scope="module")
def reports(context, output_dir):
    """The default dataset's Export view, unfiltered and for Rafael in 2015-2020, as SVG (and the first as PNG)."""
    from viz.render.report import render_view_report

    (output_dir / "export-view.png").write_bytes(render_view_report(context, ViewState(), "png").content)
    return {query: render_view_report(context, state_from_query(query), "svg", WIDTH, HEIGHT)
            for query in ("", RAFAEL_2015_2020)}


def _texts(svg: bytes) -> list[tuple[float, list[str]]]:
    """Every <text> of an SVG: its font size (px) and its lines (a multi-line text has a tspan per line)."""
    found = []
    for element in ET.fromstring(svg).iter():
        if element.tag.rsplit("}", 1)[-1] != "text":
            continue
        size = re.search(r"font-size:\s*([\d.]+)px", element.get("style", ""))
        lines = [t for t in element if t.tag.rsplit("}", 1)[-1] == "tspan" and "line" in t.get("class", "")]
        found.append((float(size.group(1)) if size else 0.0,
                      ["".join(t.itertext()) for t in lines] or ["".join(element.itertext())]))
    return found


def _source_entries(svg: bytes) -> dict[int, str]:
    """The numbered source list as drawn: entry number -> its text, wrapped lines joined again."""
    entries: dict[int, str] = {}
    for _, lines in _texts(svg):
        number = None
        for line in lines:
            if start := re.match(r"\[(\d+)\] ", line):
                number = int(start.group(1))
                entries[number] = line
            elif number is not None and line.startswith("\u00a0"):
                entries[number] += line.lstrip("\u00a0")
    return entries


def _expected(context, query: str) -> list[str]:
    dataset = context.dataset
    return [f"[{i}] {source_label(dataset, s)} — {dataset.source_by_id[s].url}"
            for i, s in enumerate(build_view(context, state_from_query(query)).sources_cited, 1)]


def test_finding8_full_urls_wrapped(context, reports):
    for query, report in reports.items():
        expected = _expected(context, query)
        drawn = _source_entries(report.content)
        assert drawn, "no numbered source list in the report"
        assert "…" not in "".join(drawn.values())
        for number, text in drawn.items():  # each listed entry whole, its URL in full (joined across lines)
            assert text == expected[number - 1]
        assert sorted(drawn) == list(range(1, len(drawn) + 1))  # the first ones, in order, none skipped
        shown = "\n".join(line for _, lines in _texts(report.content) for line in lines)
        if len(drawn) < len(expected):  # what does not fit is counted, never dropped silently
            assert f"Sources cited in this view: {len(expected)} (the first {len(drawn)} listed here" in shown
    rafael = _source_entries(reports[RAFAEL_2015_2020].content)
    assert len(rafael) == len(_expected(context, RAFAEL_2015_2020)) == 19  # a filtered view lists every source
    wrapped = next(lines for _, lines in _texts(reports[RAFAEL_2015_2020].content) if lines[0].startswith("[1] "))
    assert any(line.startswith("\u00a0") for line in wrapped)  # long URLs go on over indented lines
    assert len(_source_entries(reports[""].content)) >= 20  # the full view still lists a good part of its 135


def test_finding8_text_at_least_11pt(reports):
    for report in reports.values():
        sizes = [(size, lines[0][:40]) for size, lines in _texts(report.content) if "".join(lines).strip()]
        assert len(sizes) > 30
        small = [(size, text) for size, text in sizes if size < ELEVEN_PT_PX]
        assert not small, f"text under 11 pt (14.7 px at 96 dpi): {small[:5]}"


def test_finding8_text_fits_its_column_in_chromium(reports, browser):
    """Chromium lays out the report as kaleido drew it: every source line ends inside its column and the page,
    and every text is at least 11 pt as the browser computes it."""
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        for report in reports.values():
            page.set_content(report.content.decode())
            lines = page.evaluate("""() => [...document.querySelectorAll('text')]
                .filter(t => /^\\[\\d+\\] /.test(t.textContent))
                .flatMap(t => [...t.querySelectorAll('tspan.line')].map(s => {
                    const r = s.getBoundingClientRect(), c = t.getBoundingClientRect();
                    return {column: Math.round(c.left), right: r.right, text: s.textContent};
                }))""")
            sizes = page.evaluate("""() => [...document.querySelectorAll('text')]
                .filter(t => t.textContent.trim())
                .map(t => parseFloat(getComputedStyle(t).fontSize))""")
            assert sizes and min(sizes) >= ELEVEN_PT_PX
            columns = sorted({line["column"] for line in lines})
            assert len(columns) == 2  # 1600 px: two columns
            for line in lines:
                following = [c for c in columns if c > line["column"]]
                limit = following[0] - 10 if following else WIDTH - 30
                assert line["right"] <= limit, f"runs out of its column: {line['text']!r}"
    finally:
        page.close()


def test_finding8_file_names_describe_view(context, reports):
    from viz.render.filenames import MAX_STEM, view_file_stem

    window = ViewState(orgs=("rafael",), start=dt.date(2015, 1, 1), end=dt.date(2020, 12, 31))
    assert view_file_stem("india-israel", window, (2013, 2025), "network") == (
        "india-israel_org-rafael_2015-2020_network")
    assert view_file_stem("india-israel", ViewState(), (2013, 2025), "timeline") == "india-israel_2013-2025_timeline"
    assert view_file_stem("india-israel", ViewState(start=dt.date(2015, 3, 1), end=dt.date(2020, 6, 30)),
                          (2013, 2025)) == "india-israel_2015-03-to-2020-06_view"
    found = state_from_query("?find=ajit-doval&event=visit&hops=2&countries=hide")
    assert view_file_stem("india-israel", found, (2013, 2025)) == (
        "india-israel_find-ajit-doval_event-visit_2-hops_no-country-links_2013-2025_view")
    assert reports[RAFAEL_2015_2020].filename == "india-israel_org-rafael_2015-2020_view.svg"
    assert reports[""].filename == "india-israel_2013-2025_view.svg"
    # whatever a shared link carries: an ASCII slug of bounded length, still naming dataset, window and chart
    hostile = state_from_query("?" + "&".join(f"org={name}" for name in (
        "..%2F..%2Fetc%2Fpasswd", "%3Ca+href%3D%22x%22%3E", "Tel+Aviv%E2%80%93Yafo", "CON", "x" * 200, "café")))
    stems = {view_file_stem("Données:2025?", hostile, (2013, 2025), what) for what in ("view", "network")}
    for stem in stems:
        assert re.fullmatch(r"[a-z0-9_-]+", stem) and len(stem) <= MAX_STEM
        assert stem.startswith("donnees-2025_org-etc-passwd-a-href-x-tel-aviv-yafo")
        assert stem.endswith(("_2013-2025_view", "_2013-2025_network"))
    longer = dataclasses.replace(hostile, orgs=(*hostile.orgs, "another"))
    assert view_file_stem("d", longer, (2013, 2025)) != view_file_stem("d", hostile, (2013, 2025))  # hashed apart


def _network_kind_colours(view) -> dict[str, str]:
    return {t.legendgroup.removeprefix("kind:"): t.marker.color.upper() for t in view.network.data
            if (t.legendgroup or "").startswith("kind:") and t.showlegend is not False}


def _timeline_colours(view) -> dict[str, set[str]]:
    """Every colour an event marker or bar can take on the timeline, by lane (overlays: their lane colour scale)."""
    from viz.render.figures.common import GHOST

    found: dict[str, set[str]] = {}
    for trace in view.timeline.data:
        colours = ([c for _, c in trace.marker.colorscale] if trace.marker and trace.marker.colorscale
                   else [trace.marker.color if trace.mode != "lines" else trace.line.color])
        lane = str(trace.y[0]) if trace.y is not None and len(trace.y) and trace.y[0] else trace.name or ""
        found.setdefault(lane, set()).update(c.upper() for c in colours if isinstance(c, str) and c.startswith("#")
                                             and c != GHOST)
    return found


def test_finding12_no_colour_with_two_meanings(context):
    from viz.record.labels import lanes as lane_keys
    from viz.render.figures.common import NODE_STYLE, lane_colours
    from viz.render.figures.timeline_patch import DENSITY_COLOUR

    view = build_view(context, state_from_query("?org=rafael"))  # a filtered view: overlays drawn too
    kinds = _network_kind_colours(view) | _network_kind_colours(build_view(context, ViewState()))
    assert len(kinds) == 7
    timeline = _timeline_colours(view) | _timeline_colours(build_view(context, ViewState()))
    inks = set().union(*timeline.values())
    assert inks and not inks & set(kinds.values()), f"a colour means an actor kind and an event lane: {inks}"
    # with many series too: each lane's ink stays clear of every actor kind's colour, for colour-blind readers too
    many = [f"series:s{i}" for i in range(12)] + lane_keys(context.dataset)
    inks |= {c.upper() for c in lane_colours(many).values()} | {DENSITY_COLOUR}  # and a dense timeline's heat map
    for ink in inks:
        for kind_colour in {c for c, _, _ in NODE_STYLE.values()}:
            for vision in (None, "protan", "deutan", "tritan"):
                a, b = Color(ink), Color(kind_colour)
                if vision:
                    a, b = a.filter(vision), b.filter(vision)
                assert a.delta_e(b, method="2000") >= 15, (ink, kind_colour, vision)


def test_finding12_timeline_kinds_have_their_own_shapes(context):
    from viz.network.timeline import timeline_entries
    from viz.record.labels import lane_labels
    from viz.render.figures.common import NODE_STYLE
    from viz.render.figures.timeline import timeline_figure

    dataset = context.dataset
    lanes = {**{f"series:extra-{i}": f"Extra {i} sessions" for i in range(3)}, **lane_labels(dataset)}
    fig = timeline_figure(timeline_entries(dataset), lanes=lanes)
    shapes: dict[str, set[str]] = {}
    for trace in fig.data:
        if trace.customdata is not None and trace.marker.symbol is not None:
            symbols = [trace.marker.symbol] if isinstance(trace.marker.symbol, str) else trace.marker.symbol
            shapes.setdefault(str(trace.y[0]), set()).update(s.removesuffix("-open") for s in symbols)
    assert all(len(found) == 1 for found in shapes.values())  # one shape a lane; fill tells precision
    by_kind = {lane: found.pop() for lane, found in shapes.items()}
    kinds = {lane: shape for lane, shape in by_kind.items() if "sessions" not in lane}
    assert len(set(kinds.values())) == len(kinds) == 5  # visit, meeting, signing, programme, other
    assert set(kinds.values()).isdisjoint({s for _, s, _ in NODE_STYLE.values()})  # no network node's shape
    assert by_kind["JWG sessions"] not in kinds.values()


def test_the_report_leaves_the_apps_figures_as_they_were(context):
    """An unfiltered view's figures are the context's base figures, which every page patches: a report copies them."""
    from viz.render.report import report_figure

    before = (context.figures.timeline.to_json(), context.figures.network.figure.to_json())
    report_figure(context, ViewState(), WIDTH, HEIGHT)
    assert (context.figures.timeline.to_json(), context.figures.network.figure.to_json()) == before


URLISH = st.text(alphabet=string.ascii_letters + string.digits + "/.-_?&=#~% ", min_size=0, max_size=300)


@given(text=URLISH, width=st.integers(min_value=60, max_value=900))
def test_wrapped_lines_fit_and_keep_every_character(text, width):
    from viz.render.text_fit import INDENT, text_width, wrap

    lines = wrap(text, width, 15)
    assert re.sub(r"\s", "", "".join(line.removeprefix(INDENT) for line in lines)) == re.sub(r"\s", "", text)
    for line in lines:
        assert text_width(line, 15) <= width or len(line.removeprefix(INDENT)) == 1
