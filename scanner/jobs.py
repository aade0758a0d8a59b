"""The daemon's two jobs (refresh, scan) and the wrapper that turns their failures into one log line."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from scanner.catalogue import Catalogue
from scanner.config import Config
from scanner.errors import ScannerError
from scanner.inventory_cache import InventoryCache, read_paths_cached
from scanner.lock import Busy
from scanner.models import Report
from scanner.pipeline import catalogue_version, evaluate_read, gc_paused, load_catalogue
from scanner.publish import Published, publish, publish_scan_time
from scanner.refresh import refresh_catalogue
from scanner.rescan import Basis, next_boundary, what_changed
from scanner.store import cache as cache_store
from scanner.store.db import connected
from scanner.store.history import Recorded, history_token, prune, record_scan, record_unchanged

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
    catalogue: Catalogue | None = None  # as loaded, reloaded when the stored one changed (catalogue_version)
    catalogue_version: str | None = None
    catalogue_config: Config | None = None
    recorded: Recorded = field(default_factory=Recorded)  # what host_findings holds (store/history.py)
    published: Published = field(default_factory=Published)  # what reports_dir holds (publish.py)
    basis: Basis | None = None  # what the last complete evaluation rested on (rescan.py)
    last: Report | None = None  # that evaluation, for the scans row of a scan that found nothing changed
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # the scan's time (tests move it)

    def checkpoint(self, done: int, total: int) -> None:
        if self.stop.is_set():
            raise JobAbandoned(f"stopping after {done} of {total}")

    def current_catalogue(self) -> tuple[Catalogue, str | None]:
        """The catalogue the next scan uses: the one in memory while the stored one has not changed since it
        was loaded (a refresh or import by any process changes it) and the config is the same."""
        config = self.config
        version = catalogue_version(config)
        if (self.catalogue is None or version is None or version != self.catalogue_version
                or self.catalogue_config is not config):
            self.catalogue = load_catalogue(config)
            self.catalogue_config = config
            if catalogue_version(config) != version:  # stored again while it was loaded: load it next time too
                version = None
            self.catalogue_version = version
        return self.catalogue, version


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
    started, at = time.monotonic(), runtime.clock()
    catalogue, version = runtime.current_catalogue()
    with gc_paused():
        found, errors = read_paths_cached(list(config.inventory.paths), max_bytes=config.inventory.max_bytes,
                                          cache=runtime.cache, progress=runtime.checkpoint)
    with connected(config.database) as db:
        history = history_token(db)
    unreadable = frozenset((e.path, e.error) for e in errors)
    changed = what_changed(runtime.basis, config=config, catalogue_version=version, now=at,
                           files_changed=bool(runtime.cache.changed or runtime.cache.gone), errors=unreadable,
                           history=history, reports_missing=not (config.reports_dir / "latest.json").is_file())
    if changed is None and runtime.last is not None and runtime.basis is not None:
        return _unchanged(runtime, runtime.last, runtime.basis, at, started)
    log.debug("scan: evaluating: %s", changed)
    runtime.basis = runtime.last = None  # until this scan is recorded and published
    report = evaluate_read(config, found, errors, catalogue, None, at)
    report = replace(report, duration_seconds=time.monotonic() - started)
    log.debug("scan: %d hosts evaluated; recording the scan", len(report.hosts))  # past here it finishes
    with connected(config.database) as db:
        transitions = record_scan(db, report, runtime.recorded)
        prune(db, config.history_retention.before(at))
        changes, gone = runtime.cache.take_changes()
        if changes or gone:
            cache_store.save(db, changes, gone)
    publish(report, config.reports_dir, findings=config.report.findings, published=runtime.published)
    for path, error in sorted(unreadable - runtime.unreadable):  # every scan has them in its report
        log.warning("%s: %s", path, error)
    runtime.unreadable = unreadable
    if version is not None and runtime.recorded.token is not None:
        boundary = next_boundary((h.inventory for h in report.hosts), config.max_inventory_age, at)
        runtime.basis = Basis(config, version, report.as_of, at, boundary, unreadable, runtime.recorded.token)
        runtime.last = _summary(report)
    return (f"scan: {len(report.hosts)} hosts ({_counts(report)}), {len(report.errors)} errors, "
            f"{runtime.cache.parsed} parsed / {runtime.cache.reused} reused files, {transitions} transitions")


def _unchanged(runtime: Runtime, last: Report, basis: Basis, at: datetime, started: float) -> str:
    """Nothing the verdicts rest on changed: record that a scan ran and tell monitoring (kbscan.prom's scan
    time); host files, latest.json and index.html keep the verdicts and the time they were computed."""
    config = runtime.config
    with connected(config.database) as db:
        record_unchanged(db, last, at, time.monotonic() - started)
        prune(db, config.history_retention.before(at))
    publish_scan_time(config.reports_dir, runtime.published, at, time.monotonic() - started)
    evaluated = basis.evaluated_at.strftime("%H:%M" if basis.evaluated_at.date() == at.date() else "%Y-%m-%d %H:%M")
    return (f"scan: nothing changed since {evaluated} ({len(last.hosts)} hosts: {_counts(last)}; "
            f"{len(last.errors)} errors; {runtime.cache.reused} files unchanged), 0 transitions")


def _summary(report: Report) -> Report:
    """What a scan that finds nothing changed records again: the report without findings (the memory of
    millions of them is not needed for counts)."""
    return replace(report, hosts=tuple(replace(h, findings=(), remediation=()) for h in report.hosts),
                   clusters=())


def _counts(report: Report) -> str:
    return ", ".join(f"{report.hosts_with(s)} {s}" for s in ("compliant", "noncompliant", "unknown"))


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
