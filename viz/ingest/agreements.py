"""Agreements a report says were signed or announced, their stated areas, and the report's topics.

An agreement is a kind word (MoU, agreement, framework, roadmap, ...) in a sentence with a
verb that says its status (signed, announced, agreed, to be signed, under negotiation). Its
areas are the lists that follow "areas ... include", "These include", "emphasis on",
"focus on" or "covering" in the sentences about it. Topics are the dataset's own topics and
agreement areas found in the text.
"""

from __future__ import annotations

import dataclasses
import re

from viz.ingest.events import Span, sentences
from viz.ingest.gazetteer import Gazetteer

_KIND = (r"(Memorandum of Understanding|MoU|MOU|Letter of Intent|[Aa]greement|[Ff]ramework|[Rr]oadmap|[Tt]reaty|"
         r"[Pp]act|[Pp]rotocol)")
_NAME = re.compile(_KIND + r"(?:[ \t]*\((MoU|MOU|LoI)\))?(?:[ \t]+(on|for|in)[ \t]+((?:[A-Z][\w&-]*|and|of)"
                   r"(?:[ \t]+(?:[A-Z][\w&-]*|and|of|&))*|[a-z][\w -]{2,60}?(?=[,.;]|\s+(?:was|were|is|that|which|"
                   r"between|with|by|at|covering|including|to|under)\b)))?")
_STATUS = (("under_negotiation", r"\bnegotiat\w*"),
           ("proposed", r"\b(?:will|to|would)[ \t]+(?:sign|ink|conclude)\b|\bpropos\w*"),
           ("signed", r"\b(?:sign(?:ed|ing|s)?|ink(?:ed|ing)?|conclu(?:ded|sion)|exchang(?:ed|e))\b"),
           ("announced", r"\b(?:announc\w*|unveil\w*|agreed[ \t]+(?:on|to)|adopt(?:ed|ion)|launch\w*)\b"))
_AREAS = re.compile(r"\b(?:areas?[^.]{0,40}?\b(?:include|including|such as|are|cover|covering)|[Tt]hese include|"
                    r"[Tt]hey include|including|emphasis on|focus(?:es|ed|ing)? on|covers|covering)\b[ \t:]*")
_ABBREVIATION = {"Memorandum of Understanding": "MoU", "MOU": "MoU", "Letter of Intent": "LoI"}


@dataclasses.dataclass
class FoundAgreement:
    """An agreement the report describes."""

    kind: str
    name: str
    status: str
    span: Span
    sentence: Span
    areas: list[tuple[str, Span]] = dataclasses.field(default_factory=list)


def _split_list(text: str, start: int) -> list[tuple[str, int, int]]:
    """``a, b and c, and d`` -> the items with their offsets (a list ends at the first long item)."""
    items = []
    for match in re.finditer(r"[^,;]+", text):
        part, offset = match.group(0), start + match.start()
        pieces = [part]
        if "," not in text and " and " in part:  # "a and b": two items only when there are no commas
            pieces = part.split(" and ")
        for piece in pieces:
            stripped = re.sub(r"^\s*(?:and|or)\s+", "", piece).strip().rstrip(".")
            if not stripped:
                continue
            at = offset + part.index(stripped) if stripped in part else offset
            if len(stripped.split()) > 6:
                return items
            items.append((stripped, at, at + len(stripped)))
        if part.rstrip().endswith(".") or "." in part:
            break
    return items


def _area_text(item: str) -> str:
    """An area as the dataset writes them: lower case, acronyms kept (``AI``)."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in item.rstrip(".").split())


def find_agreements(text: str) -> list[FoundAgreement]:
    """Agreements named with a status verb in the same sentence, with the areas stated for them."""
    found: list[FoundAgreement] = []
    spans = sentences(text)
    for n, sentence in enumerate(spans):
        chunk = text[sentence.start:sentence.end]
        match = _NAME.search(chunk)
        status = next((s for s, pattern in _STATUS if re.search(pattern, chunk)), None)
        if match is None or status is None or any(a.kind in chunk for a in found):
            continue
        kind = _ABBREVIATION.get(match.group(1), match.group(1)[:1].upper() + match.group(1)[1:])
        if kind.lower() == "agreement" and not match.group(4):
            continue  # "the two sides agreed", "an agreement" alone: too vague to propose
        name = f"{kind} {match.group(3)} {match.group(4).strip()}" if match.group(4) else kind
        agreement = FoundAgreement(kind, name, status, Span(sentence.start + match.start(), sentence.start
                                                            + match.end()), sentence)
        for step, later in enumerate(spans[n:n + 4]):
            later_text = text[later.start:later.end]
            refers = step <= 1 or re.match(r"\s*(?:These|They|It)\b", later_text) or kind in later_text or (
                "agreement" in later_text.lower())
            if not refers:
                continue
            for area in _AREAS.finditer(later_text):
                rest = later_text[area.end():]
                for item, a, b in _split_list(rest, later.start + area.end()):
                    agreement.areas.append((_area_text(item), Span(a, b)))
        found.append(agreement)
    return found


def find_topics(text: str, gazetteer: Gazetteer, skip: list[Span]) -> list[tuple[str, Span]]:
    """The dataset's topics and areas the text names (outside the ``skip`` spans), first mention each."""
    found: dict[str, Span] = {}
    lowered = text.lower()
    for topic in gazetteer.topics:
        if topic in found or not re.search(r"[a-z]", topic):
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(topic.lower())}(?![\w-])", lowered):
            span = Span(match.start(), match.end())
            if not any(s.start <= span.start < s.end for s in skip) and not any(
                    f.start <= span.start < f.end for f in found.values()):
                found[topic] = span
                break
    return sorted(found.items(), key=lambda item: item[1].start)
