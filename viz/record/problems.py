"""Validation problems, located as precisely as the input allows, and a bounded log of them."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import Any

#: problems listed per file and per dataset; beyond these they are only counted, so that junk
#: input (a million bad elements) costs a counter, not a million Problem objects and lines of text
MAX_PER_FILE = 100
MAX_PER_DATASET = 500


#: places (line and record) a grouped problem names before it says "+N more"
SHOWN_PLACES = 3


@dataclasses.dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as the input allows.

    A problem found in several records (the same message for the same field of the same file)
    is one Problem: ``count`` says how many times it was found, ``also`` holds the (line, record)
    of the next few places after the first.
    """

    file: str
    line: int | None
    record: str
    field: str
    message: str
    count: int = 1
    also: tuple[tuple[int | None, str], ...] = ()

    def __str__(self) -> str:
        places = [(self.line, self.record), *self.also]
        more = self.count - len(places)
        lines = ", ".join(dict.fromkeys(str(line) for line, _ in places if line))
        where = f"{self.file}:{lines}" if lines else self.file
        records = ", ".join(dict.fromkeys(record for _, record in places))
        if more > 0:
            where += f" (+{more:,} more)"
            records += " …"
        tally = f" ({self.count:,} records)" if self.count > 1 else ""
        return f"{where}: {records}: {self.field}: {self.message}{tally}"


def field_name(loc: Iterable) -> str:
    """A field path as the user writes it: ``("participants", 1, "actor")`` -> ``participants[1].actor``."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "-"


def record_name(raw: Any, index: int) -> str:
    """How problems name a collection's record: its ``id`` when that is text, else ``#n`` (1-based)."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(ident, str):
        return ident if len(ident) <= 120 else shorten(ident)
    return f"#{index + 1}"


def shorten(text: str, limit: int = 40) -> str:
    """``text`` for a message: long values keep their start and end (a 5,000-digit number stays readable)."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit // 2] + '…' + text[-limit // 4:]!r} ({len(text):,} characters)"


class DatasetError(Exception):
    """Raised when a dataset folder is invalid.

    ``problems`` lists the first problems found (at most :data:`MAX_PER_FILE` per file and
    :data:`MAX_PER_DATASET` in all), a repeated one grouped into one Problem with its ``count``;
    ``omitted`` counts the ones beyond that.
    """

    def __init__(self, problems: list[Problem], omitted: int = 0):
        self.problems = problems
        self.omitted = omitted
        total = self.count
        lines = [f"invalid dataset ({total:,} problem{'s' if total != 1 else ''}):", *map(str, problems)]
        if omitted:
            lines.append(f"… and {omitted:,} more problem{'s' if omitted != 1 else ''} "
                         f"(the first {MAX_PER_FILE} per file, {MAX_PER_DATASET} in all, are listed)")
        super().__init__("\n".join(lines))

    @property
    def count(self) -> int:
        """How many problems were found, listed or not (a grouped problem counts each time it was found)."""
        return sum(p.count for p in self.problems) + self.omitted

    def not_shown(self, lines: int) -> int:
        """How many problems a list of the first ``lines`` problems leaves out."""
        return self.count - sum(p.count for p in self.problems[:lines])


@dataclasses.dataclass
class _Group:
    """The problems of one (file, field, message): the first, where the next few are, how many."""

    first: Problem
    places: list[tuple[int | None, str]]
    count: int
    hint: Hashable | None


class ProblemLog:
    """The problems of one validation run: kept up to a cap per file and per dataset, counted beyond it.

    Readers and the loader ``append`` to it as to a list; where building a problem costs
    something (pydantic's error details), they ask :meth:`full` first and :meth:`omit` instead.
    A problem with the same file, field and message as one already kept joins it (one line
    with a count), so a mistake repeated in a thousand records takes one line and one slot.
    """

    def __init__(self, per_file: int = MAX_PER_FILE, per_dataset: int = MAX_PER_DATASET):
        self.per_file, self.per_dataset = per_file, per_dataset
        self._groups: dict[tuple[str, str, str], _Group] = {}
        self.omitted = 0
        self._by_file: Counter[str] = Counter()

    def full(self, file: str) -> bool:
        """True when a further, different problem in ``file`` would only be counted."""
        return len(self._groups) >= self.per_dataset or self._by_file[file] >= self.per_file

    def append(self, problem: Problem, hint: Hashable | None = None) -> None:
        """Keep ``problem`` (or count it past the cap). ``hint`` is passed to :meth:`add_hints` later."""
        key = (problem.file, problem.field, problem.message)
        group = self._groups.get(key)
        if group is not None:
            group.count += 1
            if len(group.places) < SHOWN_PLACES:
                group.places.append((problem.line, problem.record))
        elif self.full(problem.file):
            self.omitted += 1
        else:
            self._groups[key] = _Group(problem, [(problem.line, problem.record)], 1, hint)
            self._by_file[problem.file] += 1

    def count_again(self, file: str, field: str, message: str) -> bool:
        """Count a problem already kept with its first few places, and say so; False if it must be appended.

        The quick way for a mistake repeated a million times: no Problem is built for it.
        """
        group = self._groups.get((file, field, message))
        if group is None or len(group.places) < SHOWN_PLACES:
            return False
        group.count += 1
        return True

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def omit(self, count: int) -> None:
        """Count ``count`` problems that are past the cap without building them."""
        self.omitted += count

    def add_hints(self, hint_text: Callable[[Hashable], str]) -> None:
        """Append ``hint_text(hint)`` to the message of each kept problem given a hint.

        Hints cost something to work out (close matches over a whole collection), so they are
        worked out once per listed line, after all problems are in.
        """
        for group in self._groups.values():
            if group.hint is not None:
                group.first = dataclasses.replace(group.first, message=group.first.message + hint_text(group.hint))
                group.hint = None

    @property
    def kept(self) -> list[Problem]:
        """The listed problems, in the order first found, each with its count."""
        return [dataclasses.replace(g.first, count=g.count, also=tuple(g.places[1:])) for g in self._groups.values()]

    def __len__(self) -> int:
        return sum(g.count for g in self._groups.values()) + self.omitted

    def error(self) -> DatasetError:
        return DatasetError(self.kept, self.omitted)
