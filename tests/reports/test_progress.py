"""The progress bar: only on a terminal, only for scans that take a while, never on stdout."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from scanner.progress import progress_bar


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_no_bar_when_not_a_terminal():
    assert progress_bar("reading", FakeTerminal(False)) is None


def test_bar_after_the_delay_throttled_and_ending_its_line():
    stream, clock = FakeTerminal(True), Clock()
    draw = progress_bar("reading", stream, delay=0.5, min_interval=0.1, clock=clock)
    assert draw is not None
    draw(1, 4)  # inside the delay: nothing yet
    clock.now += 0.6
    draw(2, 4)
    clock.now += 0.05
    draw(3, 4)  # inside min_interval: skipped
    clock.now += 0.05
    draw(4, 4)
    assert stream.getvalue() == ("\rreading [###############               ] 2/4"
                                 "\rreading [##############################] 4/4\n")


def test_short_job_never_shows_a_bar():
    stream = FakeTerminal(True)
    draw = progress_bar("reading", stream, clock=Clock())
    assert draw is not None
    draw(1, 2)
    draw(2, 2)
    assert stream.getvalue() == ""


def test_scan_on_a_terminal_draws_on_stderr_only(monkeypatch: pytest.MonkeyPatch):
    from scanner.cli import main

    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    terminal = FakeTerminal(True)
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr("scanner.progress.progress_bar.__defaults__", (None,))  # no min_interval
    monkeypatch.setattr("scanner.progress.progress_bar.__kwdefaults__",
                        {"min_interval": 0.0, "delay": 0.0, "clock": lambda: 0.0})
    out = io.StringIO()
    main(["--config", "examples/config.toml", "scan", "--at", "2013-12-20", "--format", "json"], out=out)
    assert out.getvalue().startswith("{") and "reading inventories" not in out.getvalue()
    assert "\rreading inventories [##############################] 6/6\n" in terminal.getvalue()
    quiet = FakeTerminal(True)
    monkeypatch.setattr("sys.stderr", quiet)
    main(["--config", "examples/config.toml", "-q", "scan", "--at", "2013-12-20"], out=io.StringIO())
    assert "reading inventories" not in quiet.getvalue()
