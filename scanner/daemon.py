"""`kbscan daemon`: APScheduler 3 in the foreground around the same pipeline as the CLI.

Jobs run one at a time on a single worker (a refresh never overlaps a scan); missed runs coalesce.
SIGTERM/SIGINT stop it (the running job is abandoned at its next file or source, exit 0 within 10 s);
SIGHUP reloads the config, keeping the old one if the new one is broken.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scanner.config import Config, load_config
from scanner.dates import parse_duration
from scanner.errors import ConfigError, ScannerError
from scanner.jobs import Runtime, guarded, refresh_job, scan_job
from scanner.lock import StateLock
from scanner.store import cache as cache_store
from scanner.store.catalogue import catalogue_refreshed_at
from scanner.store.db import connected
from scanner.store.history import set_state

log = logging.getLogger(__name__)
STOP_GRACE = 8.0  # seconds a running job gets to finish after SIGTERM


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
    """True when no catalogue is stored or it is older than one period of the refresh schedule."""
    if not config.sources:
        return False
    if not config.database.exists():
        return True
    with connected(config.database, readonly=True) as db:
        refreshed = catalogue_refreshed_at(db)
    first = cron.get_next_fire_time(None, now)
    second = cron.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    period = (second - first) if first and second else timedelta(days=1)
    return refreshed is None or now - refreshed > period


class Daemon:
    def __init__(self, config: Config, config_path: Path | None) -> None:
        self.runtime = Runtime(config)
        self.config_path = config_path
        self.scheduler = BlockingScheduler(timezone=UTC, executors={"default": ThreadPoolExecutor(1)},
                                           job_defaults={"coalesce": True, "max_instances": 1,
                                                         "misfire_grace_time": 3600})

    def _record_next_runs(self) -> None:
        state = {"pid": str(os.getpid()), "updated_at": datetime.now(UTC).isoformat(timespec="seconds")}
        for job in self.scheduler.get_jobs():
            if job.next_run_time is not None:
                state[f"next_{job.id}"] = job.next_run_time.astimezone(UTC).isoformat(timespec="seconds")
        with connected(self.runtime.config.database) as db:
            set_state(db, state)

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
        self.scheduler.add_job(guarded, interval, args=("scan", scan_job, self.runtime, self._record_next_runs),
                               id="scan", replace_existing=True,
                               next_run_time=now + timedelta(milliseconds=10) if first_run else None)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.runtime.stop.set()
        self.scheduler.shutdown(wait=False)

    def _reload(self, _signum: int, _frame: FrameType | None) -> None:
        try:
            config = load_config(self.config_path)
            triggers(config)
        except ScannerError as e:
            log.error("SIGHUP: the new config is not usable, keeping the running one: %s", e)
            return
        self.runtime.config = config
        self._schedule(first_run=False)
        log.info("SIGHUP: reloaded %s", self.config_path or "built-in defaults")

    def run(self) -> int:
        config = self.runtime.config
        triggers(config)  # a bad schedule is a config error before anything starts
        with StateLock(config.state_dir):
            with connected(config.database) as db:
                self.runtime.cache.files.update(cache_store.load(db))
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
            signal.signal(signal.SIGHUP, self._reload)
            self._schedule(first_run=True)
            log.info("daemon started: refresh %r, scan every %s, state %s, reports %s", config.schedule.refresh,
                     config.schedule.scan, config.state_dir, config.reports_dir)
            self.scheduler.start()  # blocks until a signal shuts it down
            deadline = time.monotonic() + STOP_GRACE
            while self.runtime.busy.is_set() and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.runtime.busy.is_set():
                log.warning("a job is still running after %.0f s; exiting without it", STOP_GRACE)
                logging.shutdown()
                os._exit(0)
        log.info("daemon stopped")
        return 0
