"""`kbscan daemon`: APScheduler 3 in the foreground around the same pipeline as the CLI.

Jobs run one at a time on a single worker (a refresh never overlaps a scan); missed runs coalesce.
SIGTERM/SIGINT stop it (the running job is abandoned at its next file or source, exit 0 within 10 s);
SIGHUP reloads the config, keeping the old one if the new one is broken.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import ClassVar

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scanner.config import Config, load_config
from scanner.dates import parse_duration
from scanner.errors import ConfigError, ScannerError
from scanner.inventory_cache import load_cache
from scanner.jobs import Runtime, guarded, refresh_job, scan_job
from scanner.lock import StateLock
from scanner.printable import PrintableFormatter
from scanner.store.catalogue import catalogue_refreshed_at
from scanner.store.db import connected
from scanner.store.history import set_state

log = logging.getLogger(__name__)
STOP_GRACE = 8.0  # seconds a running job gets to finish after SIGTERM
_RUN_KEYS = ("stopped_at", "next_refresh", "next_scan")  # what one run of the daemon says about itself


def triggers(config: Config) -> tuple[CronTrigger, IntervalTrigger]:
    where = config.path or "built-in defaults"
    try:
        cron = CronTrigger.from_crontab(config.schedule.refresh, timezone=UTC)
    except ValueError as e:
        raise ConfigError(f"{where}: at 'schedule.refresh': not a cron expression: {e}") from e
    try:
        interval = parse_duration(config.schedule.scan)
    except ValueError as e:
        raise ConfigError(f"{where}: at 'schedule.scan': {e}") from e
    if interval.months or interval.seconds < 1:
        raise ConfigError(f"{where}: at 'schedule.scan': use seconds, minutes, hours or days, at least 1 second")
    return cron, IntervalTrigger(seconds=interval.seconds, timezone=UTC)


def refresh_due(config: Config, cron: CronTrigger, now: datetime) -> bool:
    """True when no catalogue is stored or it is older than the schedule's previous fire time (taken as
    the next fire time less the gap to the one after: exact for regular schedules like "0 4 * * *")."""
    if not config.sources:
        return False
    if not config.database.exists():
        return True
    with connected(config.database, readonly=True) as db:
        refreshed = catalogue_refreshed_at(db)
    first = cron.get_next_fire_time(None, now)
    second = cron.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    if first is None or second is None:  # a schedule that never fires again: daily is the sane default
        return refreshed is None or now - refreshed > timedelta(days=1)
    return refreshed is None or refreshed < first - (second - first)


class _JournaldFormatter(PrintableFormatter):
    """`<3>ERROR: ...`: journald reads the syslog priority from the prefix, so `journalctl -p warning` works."""

    PRIORITY: ClassVar[dict[int, int]] = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4,
                                          logging.INFO: 6, logging.DEBUG: 7}

    def format(self, record: logging.LogRecord) -> str:
        return f"<{self.PRIORITY.get(record.levelno, 6)}>{super().format(record)}"


def use_journald_priorities() -> None:
    """When stderr is the journal (systemd sets $JOURNAL_STREAM to its device:inode), prefix each line
    with its priority; anywhere else the CLI's format stays."""
    try:
        stat = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return
    if os.environ.get("JOURNAL_STREAM") != f"{stat.st_dev}:{stat.st_ino}":
        return
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_JournaldFormatter("%(levelname)s: %(message)s"))


class Daemon:
    """Signal handlers only queue the signal (SimpleQueue.put is safe there); a thread of ours acts on it
    through the scheduler's thread-safe API, so a signal never re-enters the scheduler's or the thread
    pool's locks while the main thread holds them."""

    def __init__(self, config: Config, config_path: Path | None) -> None:
        self.runtime = Runtime(config)
        self.config_path = config_path
        self.scheduler = BlockingScheduler(timezone=UTC, executors={"default": ThreadPoolExecutor(1)},
                                           job_defaults={"coalesce": True, "max_instances": 1,
                                                         "misfire_grace_time": 3600})
        self.scheduler.add_listener(self._started, EVENT_SCHEDULER_STARTED)
        self._signals: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._reloading = threading.Lock()

    def _record_next_runs(self) -> None:
        state = {"pid": str(os.getpid()), "updated_at": datetime.now(UTC).isoformat(timespec="seconds")}
        for job in self.scheduler.get_jobs():
            if job.id in ("refresh", "scan") and job.next_run_time is not None:
                state[f"next_{job.id}"] = job.next_run_time.astimezone(UTC).isoformat(timespec="seconds")
        self._mark(state, drop=tuple(k for k in ("next_refresh", "next_scan") if k not in state))

    def _schedule(self, first_run: bool) -> None:
        config = self.runtime.config
        cron, interval = triggers(config)
        now = datetime.now(UTC)
        refresh_now = first_run and refresh_due(config, cron, now)
        self.scheduler.add_job(guarded, cron, args=("refresh", refresh_job, self.runtime, self._record_next_runs),
                               id="refresh", replace_existing=True)
        if refresh_now:
            self.scheduler.add_job(guarded, args=("refresh", refresh_job, self.runtime, self._record_next_runs),
                                   id="refresh-at-start", next_run_time=now, replace_existing=True)
        # next_run_time=None would pause the job: pass it only to scan at once on start.
        at_start = {"next_run_time": now + timedelta(milliseconds=10)} if first_run else {}
        self.scheduler.add_job(guarded, interval, args=("scan", scan_job, self.runtime, self._record_next_runs),
                               id="scan", replace_existing=True, **at_start)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._signals.put_nowait(signum)

    def _handle_signals(self) -> None:
        while True:
            signum = self._signals.get()
            try:
                if signum == signal.SIGHUP:
                    self._reload()
                else:
                    self._stop(signum)
            except Exception as e:  # this thread must outlive any one signal
                log.error("handling %s failed: %s", signal.Signals(signum).name, e)

    def _stop(self, signum: int) -> None:
        if self.runtime.stop.is_set():
            return
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.runtime.stop.set()
        self._shutdown()

    def _shutdown(self) -> None:
        with contextlib.suppress(SchedulerNotRunningError):  # not started yet: _started stops it
            self.scheduler.shutdown(wait=False)

    def _started(self, _event: SchedulerEvent) -> None:
        if self.runtime.stop.is_set():  # a signal came before the scheduler ran
            self._shutdown()

    def _reload(self) -> None:
        if self.runtime.stop.is_set():
            return
        with self._reloading:
            try:
                config = load_config(self.config_path)
                triggers(config)
            except ScannerError as e:
                log.error("SIGHUP: the new config is not usable, keeping the running one: %s", e)
                return
            old = self.runtime.config
            if config.state_dir != old.state_dir:
                log.error("SIGHUP: state_dir changed from %s to %s; keeping the running config (restart the "
                          "daemon to move it)", old.state_dir, config.state_dir)
                return
            self.runtime.config = config
            self._schedule(first_run=False)
            self._record_next_runs()
            log.info("SIGHUP: reloaded %s: refresh %r, scan every %s", self.config_path or "built-in defaults",
                     config.schedule.refresh, config.schedule.scan)

    def _mark(self, values: dict[str, str], drop: tuple[str, ...]) -> None:
        with connected(self.runtime.config.database) as db:
            set_state(db, values, drop)

    def run(self) -> int:
        config = self.runtime.config
        triggers(config)  # a bad schedule is a config error before anything starts
        use_journald_priorities()
        with StateLock(config.state_dir):
            started = datetime.now(UTC).isoformat(timespec="seconds")
            self._mark({"pid": str(os.getpid()), "started_at": started}, drop=_RUN_KEYS)
            self.runtime.cache = load_cache(config.database)
            threading.Thread(target=self._handle_signals, name="kbscan-signals", daemon=True).start()
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(signum, self._on_signal)
            self._schedule(first_run=True)
            log.info("daemon started: refresh %r, scan every %s, state %s, reports %s", config.schedule.refresh,
                     config.schedule.scan, config.state_dir, config.reports_dir)
            if not self.runtime.stop.is_set():
                self.scheduler.start()  # blocks until a signal shuts it down
            deadline = time.monotonic() + STOP_GRACE
            while self.runtime.busy.is_set() and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.runtime.busy.is_set():  # the lock goes with the process; the database is consistent
                log.warning("a job is still running after %.0f s; exiting without it", STOP_GRACE)
                logging.shutdown()
                os._exit(0)
            try:
                self._mark({"stopped_at": datetime.now(UTC).isoformat(timespec="seconds")}, drop=_RUN_KEYS)
            except ScannerError as e:  # e.g. a full disk: the stop itself went well, `status` checks the pid
                log.warning("could not record the stop: %s", e)
        log.info("daemon stopped")
        return 0
