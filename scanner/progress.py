"""A progress bar on stderr for long scans and refreshes, only when stderr is a terminal."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
WIDTH = 30


def progress_bar(label: str, stream: TextIO | None = None, *, min_interval: float = 0.1,
                 delay: float = 0.5, clock: Callable[[], float] = time.monotonic) -> Progress | None:
    """A callback `(done, total)` drawing `label [#####     ] 120/1000` on a TTY; None when not a TTY,
    so machine output, pipes and logs never carry it.

    Nothing is drawn during the first `delay` seconds, so a scan of a few files stays silent; after
    that at most one redraw per `min_interval`, and the bar ends its line when done reaches total.
    It writes only to `stream` (stderr), never to the report stream.
    """
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream: no bar
        tty = False
    if not tty:
        return None
    started = clock()
    last, shown = float("-inf"), False

    def draw(done: int, total: int) -> None:
        nonlocal last, shown
        now = clock()
        finished = done >= total
        if finished and not shown:
            return  # short job: it never appeared, so it need not clean up
        if not finished and (now - started < delay or now - last < min_interval):
            return
        last, shown = now, True
        filled = WIDTH * min(done, total) // total if total else WIDTH
        stream.write(f"\r{label} [{'#' * filled}{' ' * (WIDTH - filled)}] {done}/{total}")
        if finished:
            stream.write("\n")
            shown = False
        stream.flush()

    log.debug("progress bar on for %s", label)
    return draw
