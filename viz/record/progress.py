"""Progress of long work: the library names each step as it begins; the caller decides whether to show it.

A step function takes the step's name. The command line draws a progress bar on a terminal and nothing
otherwise (:func:`viz.cli`); the app and the tests pass nothing, and the work runs silently.
"""

from __future__ import annotations

from collections.abc import Callable

#: called with a step's name as it begins ("reading events", "laying out 52,000 nodes", ...)
Step = Callable[[str], None]


def no_progress(_step: str) -> None:
    """Report nothing."""
