"""Validation problems, located as precisely as the input allows, and a bounded log of them."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from typing import Any

#: problems listed per file and per dataset; beyond these they are only counted, so that junk
#: input (a million bad elements) costs a counter, not a million Problem objects and lines of text
MAX_PER_FILE = 100
MAX_PER_DATASET = 500


@dataclasses.dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as the input allows."""

    file: str
    line: int | None
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.record}: {self.field}: {self.message}"


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
    :data:`MAX_PER_DATASET` in all); ``omitted`` counts the ones beyond that.
    """

    def __init__(self, problems: list[Problem], omitted: int = 0):
        self.problems = problems
        self.omitted = omitted
        total = len(problems) + omitted
        lines = [f"invalid dataset ({total:,} problem{'s' if total != 1 else ''}):", *map(str, problems)]
        if omitted:
            lines.append(f"… and {omitted:,} more problem{'s' if omitted != 1 else ''} "
                         f"(the first {MAX_PER_FILE} per file, {MAX_PER_DATASET} in all, are listed)")
        super().__init__("\n".join(lines))

    @property
    def count(self) -> int:
        """How many problems were found, listed or not."""
        return len(self.problems) + self.omitted


class ProblemLog:
    """The problems of one validation run: kept up to a cap per file and per dataset, counted beyond it.

    Readers and the loader ``append`` to it as to a list; where building a problem costs
    something (pydantic's error details), they ask :meth:`full` first and :meth:`omit` instead.
    """

    def __init__(self, per_file: int = MAX_PER_FILE, per_dataset: int = MAX_PER_DATASET):
        self.per_file, self.per_dataset = per_file, per_dataset
        self.kept: list[Problem] = []
        self.omitted = 0
        self._by_file: Counter[str] = Counter()

    def full(self, file: str) -> bool:
        """True when a further problem in ``file`` would only be counted."""
        return len(self.kept) >= self.per_dataset or self._by_file[file] >= self.per_file

    def append(self, problem: Problem) -> None:
        if self.full(problem.file):
            self.omitted += 1
        else:
            self.kept.append(problem)
            self._by_file[problem.file] += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def omit(self, count: int) -> None:
        """Count ``count`` problems that are past the cap without building them."""
        self.omitted += count

    def __len__(self) -> int:
        return len(self.kept) + self.omitted

    def error(self) -> DatasetError:
        return DatasetError(self.kept, self.omitted)
