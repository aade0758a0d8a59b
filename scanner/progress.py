"""A progress bar on stderr for long scans and refreshes, only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[int, int], None]


def progress_bar(label: str, stream: TextIO | None = None, *, min_interval: float = 0.1) -> Progress | None:
    """A callback `(done, total)` drawing `label [#####     ] 120/1000` on a TTY; None when not a TTY,
    so machine output and logs never carry it."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    last = [0.0]

    def draw(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < min_interval:
            return
        last[0] = now
        width = 30
        filled = width * done // total if total else width
        stream.write(f"\r{label} [{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return draw
