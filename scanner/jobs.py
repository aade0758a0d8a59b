"""The daemon's two jobs (refresh, scan) and the wrapper that turns their failures into one log line."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scanner.config import Config
from scanner.errors import ScannerError
from scanner.inventory_cache import InventoryCache
from scanner.lock import Busy
from scanner.pipeline import run_scan
from scanner.publish import publish
from scanner.refresh import refresh_catalogue
from scanner.store import cache as cache_store
from scanner.store.db import connected
from scanner.store.history import prune, record_scan

log = logging.getLogger(__name__)


class JobAbandoned(Exception):
    """Raised inside a job when the daemon is stopping, so the job ends at the next file or source."""


@dataclass
class Runtime:
    config: Config
    cache: InventoryCache = field(default_factory=InventoryCache)
    stop: threading.Event = field(default_factory=threading.Event)
    busy: threading.Event = field(default_factory=threading.Event)
    unreadable: frozenset[tuple[str, str]] = frozenset()  # the last scan's (path, error), logged once each

    def checkpoint(self, done: int, total: int) -> None:
        if self.stop.is_set():
            raise JobAbandoned(f"stopping after {done} of {total}")


def refresh_job(runtime: Runtime) -> str:
    config = runtime.config
    if not config.sources:
        return "refresh: no [[sources]] configured; nothing to do"
    try:
        result = refresh_catalogue(config, progress=runtime.checkpoint)
    except Busy as e:  # a `kbscan catalogue refresh` runs: its catalogue is as fresh as ours would be
        return f"refresh: skipped, another refresh or import (pid {e.holder}) is running"
    states = ", ".join(f"{s.name} {s.state}" for s in result.sources)
    return f"refresh: {result.entries} entries, {result.changes} changes ({states})"


def scan_job(runtime: Runtime) -> str:
    config = runtime.config
    if not config.inventory.paths:
        return "scan: no [inventory] paths configured; nothing to scan"
    report = run_scan(config, list(config.inventory.paths), progress=runtime.checkpoint, cache=runtime.cache)
    log.debug("scan: %d hosts evaluated; recording the scan", len(report.hosts))  # past here it finishes
    with connected(config.database) as db:
        transitions = record_scan(db, report)
        prune(db, config.history_retention.before(datetime.now(UTC)))
        changed, gone = runtime.cache.take_changes()
        if changed or gone:
            cache_store.save(db, changed, gone)
    publish(report, config.reports_dir, findings=config.report.findings)
    unreadable = frozenset((e.path, e.error) for e in report.errors)
    for path, error in sorted(unreadable - runtime.unreadable):  # every scan has them in its report
        log.warning("%s: %s", path, error)
    runtime.unreadable = unreadable
    summary = ", ".join(f"{report.hosts_with(s)} {s}" for s in ("compliant", "noncompliant", "unknown"))
    return (f"scan: {len(report.hosts)} hosts ({summary}), {len(report.errors)} errors, "
            f"{runtime.cache.parsed} parsed / {runtime.cache.reused} reused files, {transitions} transitions")


def guarded(name: str, job: Callable[[Runtime], str], runtime: Runtime,
            after: Callable[[], None] | None = None) -> None:
    """Run a job; any failure is one log line and the daemon goes on (the job wrapper of STYLE.md)."""
    if runtime.stop.is_set():  # queued behind a job that was running when the daemon was told to stop
        return
    runtime.busy.set()
    started = time.monotonic()
    runtime.cache.parsed = runtime.cache.reused = 0
    try:
        line = job(runtime)
        log.info("%s in %.2f s", line, time.monotonic() - started)
    except JobAbandoned as e:
        log.warning("%s: abandoned (%s); the stored state is the last complete one", name, e)
    except ScannerError as e:
        log.error("%s failed after %.2f s: %s", name, time.monotonic() - started, e)
    except Exception as e:  # a bug must not stop the daemon; the next run tries again
        log.error("%s failed after %.2f s with an unexpected %s: %s", name, time.monotonic() - started,
                  type(e).__name__, e, exc_info=log.isEnabledFor(logging.DEBUG))
    finally:
        if after is not None and not runtime.stop.is_set():  # before busy clears: the exit waits for it
            try:
                after()
            except Exception as e:  # bookkeeping (next run times for `kbscan status`) only
                log.warning("%s: could not record the next run times: %s", name, e)
        runtime.busy.clear()
