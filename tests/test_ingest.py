"""viz ingest (issue 15): the seed article, synthetic reports, corroboration, bad and hostile input."""

from __future__ import annotations

import http.server
import sys
import threading
from pathlib import Path

import pytest
import yaml

from viz.cli import main
from viz.ingest.ingest import ingest
from viz.ingest.proposal import ProposalError, dump_proposal, load_proposal, parse_proposal
from viz.ingest.reader import MAX_BYTES, MAX_TEXT
from viz.record.model import DateSpec

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "fixtures" / "ingest" / "seed-article.txt"
SEED_URL = "https://www.indiandefensenews.in/2025/11/defence-secretary-rajesh-kumar-singh_6.html"
FIXTURE = ROOT / "tests" / "fixtures" / "two-series"

# Fictional reports of the Arland–Belmark fixture, written for these tests.
DPG5 = """Belport, May 16 (Example Wire) - Arland and Belmark held the 5th Defence Policy Group (DPG) in Belport \
on Tuesday.

The talks were co-chaired by Defence Secretary Ada Stone and Director General Bo Varga. Deputy Minister Cy Lund, \
Minister of State of Arland, also attended.

Stone later visited Belmark Arms Works and Kestrel Aerospace Systems to discuss co-production of armoured vehicles.

The two sides signed a Memorandum of Understanding (MoU) on Maritime Security. The areas of cooperation include \
coastal surveillance, joint patrols, and information sharing.
"""
DPG4_AGAIN = """The 4th Defence Policy Group met in Belport, with Bo Varga and Eli Park of the Belmark Ministry of \
Defence \
at the table. Officials reviewed the Defence Industry Roadmap and the work of the Arland Audit Office on procurement.
"""


def _events(proposal, status=None):
    return [i for i in proposal.items if i.kind == "event" and (status is None or i.status == status)]


def _check_evidence(proposal) -> None:
    for item in proposal.items:
        for evidence in item.evidence:
            assert proposal.text[evidence.start:evidence.end] == evidence.quote, item.key


@pytest.fixture(scope="module")
def reduced(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_ingest import reduce_dataset

    target = tmp_path_factory.mktemp("reduced") / "india-israel"
    reduce_dataset(ROOT / "data" / "india-israel", target)
    return target


def _jwg(proposal) -> dict:
    return next(i.record for i in _events(proposal, "new") if i.record.get("series"))


def test_seed_without_published_says_only_the_urls_month(reduced):
    proposal = ingest(str(SEED), reduced, url=SEED_URL)
    _check_evidence(proposal)
    jwg = _jwg(proposal)
    assert (jwg["series"], jwg["session"], jwg["place"]["city"]) == ("jwg-defence", 17, "Tel Aviv")
    assert {p["actor"] for p in jwg["participants"] if p["role"] == "co-chair"} == {"rajesh-kumar-singh",
                                                                                  "amir-baram"}
    assert jwg["date"]["start"] == "2025-11" and jwg["date"]["precision"] == "month"
    assert "URL path" in jwg["date"]["basis"]
    source = proposal.items[0]
    assert source.record["url"] == SEED_URL and "published" not in source.record
    agreement = next(i.record for i in proposal.items if i.kind == "agreement")
    assert agreement["kind"] == "MoU" and set(agreement["parties"]) == {"mod-india", "imod"}
    assert {"artificial intelligence", "cyber security", "industrial partnerships"} <= set(agreement["areas"])


def test_seed_with_published_gives_the_weeks_window_never_a_day(reduced):
    proposal = ingest(str(SEED), reduced, url=SEED_URL, published="2025-11-06")
    date = DateSpec.model_validate(_jwg(proposal)["date"])
    assert date.window is not None and (date.window.earliest, date.window.latest) == ("2025-11-03", "2025-11-06")
    assert date.basis.startswith("derived: ") and "this week" in date.basis
    roles = {i.id: i.add["roles"][0] for i in proposal.items if i.kind == "role"}
    assert roles["amir-baram"] == {"title": "Director General, Maj Gen (Res)", "organisation": "imod",
                                   "as_of": "2025-11-06", "sources": [proposal.items[0].id], "confidence": "high"}


def test_weekday_and_dateline_give_the_exact_day_and_new_actors(tmp_path):
    # the dateline has no year: it comes from the URL path
    proposal = ingest(_write(DPG5, tmp_path), FIXTURE, url="https://example.org/wire/2024/05/dpg-5")
    _check_evidence(proposal)
    session = next(i for i in _events(proposal) if i.record and i.record.get("series") == "dpg")
    assert session.id == "dpg-5" and session.record["session"] == 5
    assert session.record["date"]["start"] == "2024-05-14" and session.record["date"]["precision"] == "day"
    assert session.record["date"]["basis"].startswith("derived: 'on Tuesday'")
    assert {p["actor"]: p["role"] for p in session.record["participants"]} == {"ada-stone": "co-chair",
                                                                                "bo-varga": "co-chair"}
    new = {i.record["name"]: i.record for i in proposal.items if i.kind == "actor" and i.status == "new"}
    assert new["Kestrel Aerospace Systems"]["kind"] == "company"
    linked = {i.id for i in proposal.items if i.kind == "actor" and i.status == "existing"}
    assert {"ada-stone", "bo-varga", "cy-lund", "belmark-arms"} <= linked
    visit = next(i.record for i in _events(proposal) if i.record and i.record.get("organisations") and
                 "belmark-arms" in i.record["organisations"])
    assert visit["participants"][0]["actor"] == "ada-stone"  # "Stone" alone: the Ada Stone named before
    agreement = next(i.record for i in proposal.items if i.kind == "agreement")
    assert agreement["name"].startswith("MoU on Maritime Security") and agreement["status"] == "signed"
    assert agreement["areas"] == ["coastal surveillance", "joint patrols", "information sharing"]
    assert agreement["signed"]["start"] == "2024-05-14"


def test_second_report_of_a_known_meeting_corroborates_it(tmp_path):
    proposal = ingest(_write(DPG4_AGAIN, tmp_path), FIXTURE, url="https://example.org/post/2024/dpg-4-again")
    events = _events(proposal)
    assert [(e.status, e.id) for e in events] == [("existing", "dpg-4")]
    assert events[0].add["sources"] == [proposal.items[0].id]
    assert proposal.items[0].status == "new"
    agreement = [i for i in proposal.items if i.kind == "agreement"]
    assert not [a for a in agreement if a.status == "new"]


def test_proposal_round_trips_and_rejects_bad_offsets(tmp_path):
    proposal = ingest(_write(DPG5, tmp_path), FIXTURE)
    path = tmp_path / "p.yaml"
    path.write_text(dump_proposal(proposal), encoding="utf-8")
    assert load_proposal(path) == proposal
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][1]["evidence"][0]["start"] += 1
    data["items"][1]["evidence"][0]["end"] += 1
    with pytest.raises(ProposalError, match=r"item 'actor-1': evidence\[0\]: text.*not the quote"):
        parse_proposal(data)


def test_html_input_through_trafilatura(tmp_path):
    body = "".join(f"<p>{p}</p>" for p in DPG5.split("\n\n"))
    page = tmp_path / "report.html"
    page.write_text(f"<html><head><title>DPG meets</title><meta property='og:site_name' content='Example Wire'>"
                    f"<meta property='article:published_time' content='2024-05-16'><script>alert(1)</script></head>"
                    f"<body><nav>Home | News</nav><article>{body}</article><footer>(c) 2020</footer></body></html>",
                    encoding="utf-8")
    proposal = ingest(str(page), FIXTURE)
    assert proposal.input.kind == "html" and "alert" not in proposal.text and "Home | News" not in proposal.text
    source = proposal.items[0].record
    assert source["published"] == "2024-05-16" and source["title"] == "DPG meets"
    assert source["publisher"] == "Example Wire" and source["document"] == "report.html"


def _write(text: str, folder: Path, name: str = "report.txt") -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = main(["ingest", *args])
    return code, capsys.readouterr().err


def test_bad_inputs_exit_2_with_a_clear_message(tmp_path, capsys):
    out = str(tmp_path / "p.yaml")
    data = ("--data", str(FIXTURE), "--out", out)
    assert _cli(capsys, str(tmp_path / "missing.txt"), *data) == (2, f"error: {tmp_path / 'missing.txt'}: no such "
                                                                      "file\n")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 20)
    code, err = _cli(capsys, str(junk), *data)
    assert code == 2 and "binary data" in err and str(junk) in err
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (MAX_BYTES // 5 + 1))
    code, err = _cli(capsys, str(big), *data)
    assert code == 2 and f"the limit is {MAX_BYTES}" in err
    short = tmp_path / "short.txt"
    short.write_text("Hello there.", encoding="utf-8")
    code, err = _cli(capsys, str(short), *data)
    assert code == 2 and "not an article" in err
    code, err = _cli(capsys, _write(DPG5, tmp_path), *data, "--published", "2024-13-01")
    assert code == 2 and "--published '2024-13-01'" in err
    assert not Path(out).exists()
    code, err = _cli(capsys, "ftp://example.org/x", *data)
    assert code == 2 and "http" in err and "Traceback" not in err


def test_hostile_text_is_read_as_text(tmp_path, capsys):
    hostile = "<script>alert('x')</script>\x00\x07 " + DPG5.replace("Belport", "Belport <b>&amp;</b>", 1)
    path = tmp_path / "hostile.txt"
    path.write_text(hostile.replace("\x00", ""), encoding="utf-8")
    proposal = ingest(str(path), FIXTURE)
    _check_evidence(proposal)
    assert "\x07" not in proposal.text
    huge = tmp_path / "huge.txt"
    huge.write_text("Arland met Belmark. " * (MAX_TEXT // 20 + 10), encoding="utf-8")
    code, err = _cli(capsys, str(huge), "--data", str(FIXTURE), "--out", str(tmp_path / "p.yaml"))
    assert code == 2 and f"an article is at most {MAX_TEXT}" in err


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        kinds = {"/pdf": ("application/pdf", b"%PDF-1.4"), "/big": ("text/html", b"<p>x</p>" * (MAX_BYTES // 8 + 1)),
                 "/page": ("text/html", f"<html><body><article><p>{DPG5}</p></article></body></html>".encode())}
        media, body = kinds.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in kinds else 404)
        self.send_header("Content-Type", media)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_urls_fetched_with_type_and_size_checks(tmp_path, capsys):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    data = ("--data", str(FIXTURE), "--out", str(tmp_path / "p.yaml"))
    try:
        assert main(["ingest", f"{base}/page", *data]) == 0
        assert load_proposal(tmp_path / "p.yaml").input.kind == "url"
        for path, message in (("/pdf", "application/pdf, not HTML or text"), ("/big", "over the limit"),
                              ("/nothing", "answered 404")):
            code, err = _cli(capsys, f"{base}{path}", *data)
            assert code == 2 and message in err and f"{base}{path}" in err
    finally:
        server.shutdown()
