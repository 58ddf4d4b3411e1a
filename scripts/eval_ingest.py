"""Measure `viz ingest` on the seed article against the records it should rebuild (`make eval-ingest`).

The 2025 visit is removed from a copy of data/india-israel, precisely:

- events: ``ds-singh-israel-visit-2025-11`` and every event ``part_of`` it (the 17th JWG, the call on
  the Defence Minister, the company visits);
- agreements: the outcomes of those events (the 2025 MoU);
- sources: those the removed events and agreements cite that no remaining event or agreement cites;
- every citation of a removed source elsewhere (actors, roles, series, conflicts); roles left with no
  source; conflicts left with no source;
- actors referenced by removed records and by nothing that remains (Israel Katz).

The copy must still validate. Ingest then runs on the seed text with its URL, without and with
``--published 2025-11-06``, and each proposal is compared with the removed records that cite the seed
(``idn-2025-11-ds-singh-seed``): actors (every id those records reference), the 17th JWG (series,
session, place, co-chairs, date), roles of people, the MoU (kind, parties, areas, date) and the source.
Results: a table on stdout and bench/ingest.json.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from viz.ingest.ingest import ingest  # noqa: E402
from viz.record.load import load_dataset  # noqa: E402
from viz.record.model import DateSpec  # noqa: E402

SEED = Path("/work/shared/seed/india_israel_jwg17_article.txt")
SEED_URL = "https://www.indiandefensenews.in/2025/11/defence-secretary-rajesh-kumar-singh_6.html"
SEED_ID = "idn-2025-11-ds-singh-seed"
VISIT = "ds-singh-israel-visit-2025-11"


def _actor_refs(record: dict[str, Any]) -> set[str]:
    refs = {p["actor"] for p in [*record.get("participants", ()), *record.get("signatories", ())]}
    refs |= {p[k] for p in [*record.get("participants", ()), *record.get("signatories", ())]
             for k in ("organisation", "side") if p.get(k)}
    refs |= set(record.get("organisations", ())) | set(record.get("mentions", ())) | set(record.get("parties", ()))
    return refs | ({record["body"]} if record.get("body") else set())


def _strip_sources(record: dict[str, Any], gone: set[str]) -> None:
    if "sources" in record:
        record["sources"] = [s for s in record["sources"] if s not in gone]
    for conflict in record.get("conflicts", ()):
        conflict["sources"] = [s for s in conflict["sources"] if s not in gone]
    if "conflicts" in record:
        record["conflicts"] = [c for c in record["conflicts"] if c["sources"]]
        if not record["conflicts"]:
            del record["conflicts"]


def reduce_dataset(source: Path, target: Path) -> dict[str, Any]:
    """Copy ``source`` to ``target`` without the 2025 visit; returns what was removed."""
    shutil.copytree(source, target)
    files = {name: yaml.safe_load((target / f"{name}.yaml").read_text(encoding="utf-8"))
             for name in ("sources", "actors", "agreements", "events", "series")}
    events = [e for e in files["events"] if e["id"] == VISIT or e.get("part_of") == VISIT]
    event_ids = {e["id"] for e in events}
    agreement_ids = {o for e in events for o in e.get("outcomes", ())}
    agreements = [a for a in files["agreements"] if a["id"] in agreement_ids]
    files["events"] = [e for e in files["events"] if e["id"] not in event_ids]
    files["agreements"] = [a for a in files["agreements"] if a["id"] not in agreement_ids]
    cited = {s for r in events + agreements for s in r.get("sources", ())}
    still = {s for r in files["events"] + files["agreements"] for s in r.get("sources", ())}
    gone = cited - still
    files["sources"] = [s for s in files["sources"] if s["id"] not in gone]
    removed_roles = []
    for actor in files["actors"]:
        _strip_sources(actor, gone)
        kept = []
        for role in actor.get("roles", ()):
            role["sources"] = [s for s in role.get("sources", ()) if s not in gone]
            (kept if role["sources"] else removed_roles).append(role if role["sources"] else (actor, role))
        if "roles" in actor:
            actor["roles"] = kept
    for record in files["events"] + files["agreements"] + files["series"]:
        _strip_sources(record, gone)
    remaining = set().union(*(_actor_refs(r) for r in files["events"] + files["agreements"]))
    remaining |= {r.get("organisation") for a in files["actors"] for r in a.get("roles", ())}
    remaining |= {a.get("country") for a in files["actors"]} | {s.get("body") for s in files["series"]}
    remaining |= {p for s in files["series"] for p in s.get("parties", ())}
    referenced = set().union(*(_actor_refs(r) for r in events + agreements))
    dropped = {a["id"] for a in files["actors"] if a["id"] in referenced - remaining}
    files["actors"] = [a for a in files["actors"] if a["id"] not in dropped]
    for name, data in files.items():
        (target / f"{name}.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                             encoding="utf-8")
    load_dataset(target)  # the reduced copy must validate
    return {"events": events, "agreements": agreements, "sources": sorted(gone), "actors": sorted(dropped),
            "roles": [(a["id"], a["kind"], r) for a, r in removed_roles]}


def _pr(found: set, wanted: set) -> dict[str, Any]:
    hit = found & wanted
    return {"recall": round(len(hit) / len(wanted), 3) if wanted else None,
            "precision": round(len(hit) / len(found), 3) if found else None,
            "found": sorted(found), "wanted": sorted(wanted), "missed": sorted(wanted - found),
            "extra": sorted(found - wanted)}


def compare(proposal, removed: dict[str, Any]) -> dict[str, Any]:
    """The proposal against the removed records that cite the seed."""
    gold_events = [e for e in removed["events"] if SEED_ID in e.get("sources", ())]
    gold_agreements = [a for a in removed["agreements"] if SEED_ID in a.get("sources", ())]
    gold_actors = set().union(*(_actor_refs(r) for r in gold_events + gold_agreements))
    items = proposal.items
    found_actors = {i.id for i in items if i.kind == "actor"}
    named = {a for a in gold_actors if a not in removed["actors"]}
    result: dict[str, Any] = {"actors": _pr(found_actors, gold_actors),
                              "actors_linked": _pr(found_actors & named, named),
                              "actors_new": _pr({i.id for i in items if i.kind == "actor" and i.status == "new"},
                                                set(removed["actors"]) & gold_actors)}
    jwg = next(e for e in gold_events if e.get("series"))
    event = next((i.record for i in items if i.kind == "event" and i.record and i.record.get("series")), None)
    gold_day = DateSpec.model_validate(jwg["date"]).bounds()
    if event:
        spec = DateSpec.model_validate(event["date"])
        bounds = spec.bounds()
        chairs = {p["actor"] for p in event.get("participants", ()) if p["role"] == "co-chair"}
        result["event"] = {
            "series": event["series"] == jwg["series"], "session": event.get("session"),
            "place": (event.get("place") or {}).get("city"), "co_chairs": sorted(chairs),
            "co_chairs_ok": chairs == {p["actor"] for p in jwg["participants"] if p["role"] == "co-chair"},
            "date": event["date"], "date_contains_truth": bool(bounds and bounds[0] <= gold_day[0] <= bounds[1]),
            "single_day": spec.window is None and spec.precision.value == "day"}
    else:
        result["event"] = None
    gold_roles = {(a, r.get("organisation")): r["title"] for a, kind, r in removed["roles"] if kind == "person"}
    roles = [(i.id, r) for i in items if i.kind == "role" for r in i.add["roles"]]
    roles += [(i.id, r) for i in items if i.kind == "actor" and i.record for r in i.record.get("roles", ())]
    matched = {(a, r.get("organisation")) for a, r in roles
               if fuzz.token_set_ratio(gold_roles.get((a, r.get("organisation")), ""), r["title"]) >= 85}
    result["roles"] = _pr(matched, set(gold_roles)) | {"proposed": len(roles)}
    gold = gold_agreements[0]
    agreement = next((i.record for i in items if i.kind == "agreement" and i.record), None)
    if agreement:
        date = agreement.get("signed") or next(iter(agreement.get("dates", {}).values()), None)
        bounds = DateSpec.model_validate(date).bounds() if date else None
        truth = DateSpec.model_validate(gold["signed"]).bounds()
        result["agreement"] = {"name": agreement["name"], "kind_ok": agreement["kind"] == gold["kind"],
                               "status": agreement["status"], "parties_ok": set(agreement.get("parties", ()))
                               == set(gold["parties"]), "areas": _pr(set(agreement.get("areas", ())),
                                                                     set(gold["areas"])),
                               "date": date, "date_contains_truth": bool(bounds and bounds[0] <= truth[0] <= bounds[1])}
    else:
        result["agreement"] = None
    source = next(i for i in items if i.kind == "source")
    record = source.record or {}
    result["source"] = {"status": source.status, "url_ok": record.get("url") == SEED_URL,
                        "publisher": record.get("publisher"), "published": record.get("published"),
                        "published_note": record.get("published_note")}
    return result


def _row(label: str, value: Any) -> str:
    return f"  {label:<34} {value}"


def main() -> int:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as temp:
        reduced = Path(temp) / "india-israel"
        removed = reduce_dataset(ROOT / "data" / "india-israel", reduced)
        results["removed"] = {"events": [e["id"] for e in removed["events"]],
                              "agreements": [a["id"] for a in removed["agreements"]], "sources": removed["sources"],
                              "actors": removed["actors"], "roles": [f"{a}: {r['title']} ({r['as_of']})"
                                                                     for a, _, r in removed["roles"]]}
        for label, published in (("without --published", None), ("--published 2025-11-06", "2025-11-06")):
            proposal = ingest(str(SEED), reduced, url=SEED_URL, published=published)
            results[label] = compare(proposal, removed)
    print("viz ingest on the seed article, against data/india-israel without the 2025 visit")
    print(_row("removed", ", ".join(f"{len(v)} {k}" for k, v in results["removed"].items())))
    for label in ("without --published", "--published 2025-11-06"):
        r = results[label]
        print(f"\n{label}")
        for key in ("actors", "actors_linked", "actors_new", "roles"):
            print(_row(f"{key} recall / precision", f"{r[key]['recall']} / {r[key]['precision']}"
                       + (f"  missed {r[key]['missed']}" if r[key]["missed"] else "")
                       + (f"  extra {r[key]['extra']}" if r[key]["extra"] else "")))
        e = r["event"] or {}
        print(_row("JWG series / session / place", f"{e.get('series')} / {e.get('session')} / {e.get('place')}"))
        print(_row("JWG co-chairs", f"{e.get('co_chairs')} ok={e.get('co_chairs_ok')}"))
        print(_row("JWG date", f"{e.get('date')}"))
        print(_row("JWG date holds the truth / a day", f"{e.get('date_contains_truth')} / {e.get('single_day')}"))
        a = r["agreement"] or {}
        print(_row("agreement", f"{a.get('name')} [{a.get('status')}] kind ok={a.get('kind_ok')} "
                               f"parties ok={a.get('parties_ok')}"))
        areas = a.get("areas") or {}
        print(_row("agreement areas recall / precision", f"{areas.get('recall')} / {areas.get('precision')}"))
        print(_row("agreement date holds the truth", a.get("date_contains_truth")))
        s = r["source"]
        print(_row("source", f"{s['status']} url ok={s['url_ok']} publisher={s['publisher']!r} "
                             f"published={s['published']} note={s['published_note']!r}"))
    out = ROOT / "bench" / "ingest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
