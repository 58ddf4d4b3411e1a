"""Synthetic datasets of realistic shape, for benchmarks and scale tests.

Many small organisations and a few hubs (preferential attachment), people with
dated roles, events spread over 25 years with mixed date precision, a numbered
working-group series, agreements between organisations. Every fact cites a
(synthetic, clearly labelled) source, so the result validates like real data.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import yaml

from viz.record.files import atomic_write
from viz.record.progress import Step, no_progress

FIRST_YEAR, YEARS = 2000, 25
_ORG_KINDS = ("government_body", "armed_force", "company", "company", "company", "group")
_EVENT_KINDS = ("meeting", "visit", "meeting", "programme", "other", "agreement_signing")
_ROLES = ("co-chair", "delegation-lead", "delegate", "host", "participant", "visitor")


def _pick(rng: random.Random, pool: list[str], population: list[str]) -> str:
    """Preferential attachment: the more an item was picked, the likelier it is picked again.

    ``pool`` starts as a copy of ``population`` and gains one copy of each pick, so an
    item's chance is proportional to 1 + its picks (O(1) per pick, unlike weighted choice).
    """
    item = rng.choice(pool)
    pool.append(item)
    return item


def _date(rng: random.Random) -> dict:
    day = dt.date(FIRST_YEAR, 1, 1) + dt.timedelta(days=rng.randrange(YEARS * 365))
    roll = rng.random()
    if roll < 0.80:
        return {"start": day.isoformat(), "precision": "day"}
    if roll < 0.92:
        return {"start": day.isoformat()[:7], "precision": "month"}
    if roll < 0.97:
        return {"start": str(day.year), "precision": "year"}
    return {"precision": "unknown"}


def synth_dataset(actors: int, events: int, seed: int = 1) -> dict[str, object]:
    """The five collections of a synthetic dataset (plain data, ready to write as YAML)."""
    rng = random.Random(seed)
    n_countries = max(2, min(40, actors // 50))
    n_orgs = max(4, actors * 3 // 10)
    n_people = max(2, actors - n_countries - n_orgs)
    sources = [{"id": f"s{i}", "url": f"https://example.org/synthetic/{i}", "publisher": "Synthetic Wire",
                "published": f"{FIRST_YEAR + rng.randrange(YEARS)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
               for i in range(max(10, events // 2))]
    src = [s["id"] for s in sources]

    def cite() -> list[str]:
        return rng.sample(src, k=min(len(src), rng.choice((1, 1, 2))))

    countries = [f"country-{i}" for i in range(n_countries)]
    orgs = [f"org-{i}" for i in range(n_orgs)]
    people = [f"person-{i}" for i in range(n_people)]
    country_weights, org_weights, person_weights = list(countries), list(orgs), list(people)
    actor_records: list[dict] = [{"id": c, "name": f"Country {i}", "kind": "country", "sources": cite()}
                                 for i, c in enumerate(countries)]
    actor_records += [{"id": o, "name": f"Organisation {i}", "kind": rng.choice(_ORG_KINDS),
                       "country": _pick(rng, country_weights, countries), "sources": cite()}
                      for i, o in enumerate(orgs)]
    for i, p in enumerate(people):
        roles = [{"title": rng.choice(("Director", "Secretary", "Chief", "Envoy")),
                  "organisation": _pick(rng, org_weights, orgs),
                  "as_of": f"{FIRST_YEAR + rng.randrange(YEARS)}-{rng.randint(1, 12):02d}", "sources": cite(),
                  "confidence": "medium"} for _ in range(rng.choice((1, 1, 2)))]
        actor_records.append({"id": p, "name": f"Person {i}", "kind": "person",
                              "country": _pick(rng, country_weights, countries), "roles": roles})
    agreements = []
    for i in range(max(1, events // 10)):
        signed = _date(rng)
        if signed["precision"] == "unknown":
            signed = {"start": str(FIRST_YEAR + rng.randrange(YEARS)), "precision": "year"}
        agreements.append({"id": f"agreement-{i}", "name": f"Agreement {i}", "kind": "MoU", "signed": signed,
                           "parties": list(dict.fromkeys(_pick(rng, org_weights, orgs) for _ in range(2))),
                           "sources": cite(), "confidence": "medium"})
    actor_records.append({"id": "working-group", "name": "Synthetic Dialogue", "kind": "group",
                          "sources": cite()})
    event_records = []
    sessions = 0
    for i in range(events):
        kind = "session" if rng.random() < 0.02 else rng.choice(_EVENT_KINDS)
        participants = [{"actor": person, "role": rng.choice(_ROLES),
                         "organisation": _pick(rng, org_weights, orgs)}
                        for person in dict.fromkeys(_pick(rng, person_weights, people)
                                                    for _ in range(rng.randint(2, 4)))]
        event: dict = {"id": f"event-{i}", "title": f"Event {i}", "kind": kind, "date": _date(rng),
                       "participants": participants,
                       "organisations": list(dict.fromkeys(_pick(rng, org_weights, orgs)
                                                           for _ in range(rng.randint(1, 3)))),
                       "sources": cite(), "confidence": rng.choice(("high", "medium", "low"))}
        if kind == "session":
            sessions += 1
            event.update(series="working-group", session=sessions)
        if kind == "agreement_signing" and agreements:
            event["outcomes"] = [rng.choice(agreements)["id"]]
        event_records.append(event)
    series = [{"id": "working-group", "name": "Synthetic Dialogue", "short_name": "SD", "body": "working-group",
               "sources": cite()}]
    meta = {"schema_version": 2, "id": f"synthetic-{actors}", "title": f"Synthetic dataset ({actors} actors)",
            "description": "Generated by viz synth for benchmarks; not real facts."}
    return {"dataset": meta, "sources": sources, "actors": actor_records, "agreements": agreements,
            "events": event_records, "series": series}


#: ``--format auto`` writes YAML up to this many actors and JSON above (YAML parses ~20x slower)
AUTO_JSON_ABOVE = 5000


def write_synth(out: str | Path, actors: int, events: int, seed: int = 1, fmt: str = "auto",
                step: Step = no_progress) -> Path:
    """Write a synthetic dataset folder (each file written atomically).

    ``fmt`` is "yaml", "json" or "auto" (JSON above AUTO_JSON_ABOVE actors);
    ``dataset.yaml`` is always YAML. ``step`` is told each step as it begins.
    """
    out = Path(out)
    if fmt == "auto":
        fmt = "json" if actors > AUTO_JSON_ABOVE else "yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    step(f"generating {actors:,} actors and {events:,} events")
    for name, data in synth_dataset(actors, events, seed).items():
        step(f"writing {name}")
        other = out / f"{name}.{'yaml' if fmt == 'json' else 'json'}"
        if name != "dataset" and other.is_file():
            other.unlink()  # a collection must come in one format only
        if fmt == "json" and name != "dataset":
            atomic_write(out / f"{name}.json", json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        else:
            atomic_write(out / f"{name}.yaml", yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False))
    return out
