"""Long command-line work shows a progress bar on a terminal and stays quiet otherwise (issue 17, CLI part)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from viz.cli import main


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal (what a person running the command has)."""

    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_steps_are_shown(monkeypatch, tmp_path: Path, capsys):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["synth", "--out", str(tmp_path / "s"), "--actors", "40", "--events", "10"]) == 0
    shown = terminal.getvalue()
    assert "generating 40 actors and 10 events" in shown and "writing actors" in shown
    assert main(["validate", str(tmp_path / "s")]) == 0
    assert "checking references" in terminal.getvalue()


def test_without_a_terminal_nothing_but_the_result_is_printed(tmp_path: Path, capsys):
    assert main(["synth", "--out", str(tmp_path / "s"), "--actors", "40", "--events", "10"]) == 0
    assert main(["validate", str(tmp_path / "s")]) == 0
    assert main(["export", "graph", "--data", str(tmp_path / "s"), "--format", "json",
                 "--out", str(tmp_path / "g.json")]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "valid" in captured.out
