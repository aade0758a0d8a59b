"""The daemon's schedule and job wrapper in-process: triggers, refresh at start, failures as one log line."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.config import Config, InventoryConfig, ScheduleConfig, SourceConfig
from scanner.daemon import refresh_due, triggers
from scanner.errors import ConfigError, SourceError
from scanner.jobs import JobAbandoned, Runtime, guarded, scan_job
from scanner.store.db import connected

SOURCE = SourceConfig("cluster-2012", "http://127.0.0.1:1/kb", ("ws2012",), ())


def config(tmp_path: Path, refresh: str = "0 4 * * *", scan: str = "15 minutes") -> Config:
    return Config(state_dir=tmp_path, reports_dir=tmp_path / "reports", sources=(SOURCE,),
                  schedule=ScheduleConfig(refresh=refresh, scan=scan))


def stored(tmp_path: Path, refreshed_at: str) -> None:
    with connected(tmp_path / "kbscan.db") as db, db.conn:
        db.execute("INSERT OR REPLACE INTO catalogue_meta (key, value) VALUES ('refreshed_at', ?)", [refreshed_at])


def test_interval_in_seconds_for_tests_and_minutes_for_production(tmp_path: Path):
    assert triggers(config(tmp_path, scan="2 seconds"))[1].interval.total_seconds() == 2
    assert triggers(config(tmp_path))[1].interval.total_seconds() == 900


@pytest.mark.parametrize(("refresh", "scan", "message"), [
    ("every day", "1 hour", "at 'schedule.refresh': not a cron expression"),
    ("0 4 * * *", "soon", "at 'schedule.scan': not a duration"),
    ("0 4 * * *", "1 month", "at 'schedule.scan': use seconds, minutes, hours or days"),
    ("0 4 * * *", "0 seconds", "at least 1 second"),
])
def test_a_schedule_that_cannot_run_is_a_config_error(tmp_path: Path, refresh: str, scan: str, message: str):
    with pytest.raises(ConfigError, match=message):
        triggers(config(tmp_path, refresh, scan))


@pytest.mark.parametrize(("refreshed_at", "due"), [
    (None, True),  # nothing stored yet
    ("2013-12-19T03:00:00+00:00", True),  # before the previous 04:00 run: that run was missed
    ("2013-12-19T05:00:00+00:00", False),  # after it: current
])
def test_refresh_at_start_only_when_the_stored_catalogue_missed_a_scheduled_run(tmp_path: Path,
                                                                                 refreshed_at: str | None, due: bool):
    cfg = config(tmp_path)
    cron, _ = triggers(cfg)
    with connected(cfg.database):
        pass
    if refreshed_at:
        stored(tmp_path, refreshed_at)
    assert refresh_due(cfg, cron, datetime(2013, 12, 20, 3, 30, tzinfo=UTC)) is due


def test_no_sources_means_no_refresh_and_no_database_means_one(tmp_path: Path):
    cfg = config(tmp_path)
    cron, _ = triggers(cfg)
    assert refresh_due(cfg, cron, datetime.now(UTC)) is True
    assert refresh_due(replace(cfg, sources=()), cron, datetime.now(UTC)) is False


def test_a_failing_job_is_one_log_line_and_the_daemon_goes_on(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    runtime = Runtime(config(tmp_path))
    after: list[str] = []

    def broken(_runtime: Runtime) -> str:
        raise SourceError("http://127.0.0.1:1/kb: connection refused")

    def buggy(_runtime: Runtime) -> str:
        raise KeyError("host")

    def stopping(_runtime: Runtime) -> str:
        raise JobAbandoned("stopping after 3 of 10")

    with caplog.at_level(logging.INFO, logger="scanner.jobs"):
        for name, job in (("refresh", broken), ("scan", buggy), ("scan", stopping)):
            guarded(name, job, runtime, lambda: after.append("recorded"))
    assert [(r.levelname, r.getMessage().split(" after ")[0]) for r in caplog.records] == [
        ("ERROR", "refresh failed"), ("ERROR", "scan failed"), ("WARNING", "scan: abandoned (stopping")]
    assert "connection refused" in caplog.records[0].getMessage()
    assert "unexpected KeyError" in caplog.records[1].getMessage()
    assert after == ["recorded"] * 3 and not runtime.busy.is_set()


def test_a_job_queued_behind_a_stop_does_not_start(tmp_path: Path):
    runtime = Runtime(config(tmp_path))
    runtime.stop.set()
    ran: list[bool] = []
    guarded("scan", lambda _runtime: str(ran.append(True)), runtime)
    assert ran == []


def test_an_unreadable_inventory_is_logged_when_it_appears_or_changes_not_every_scan(
        tmp_path: Path, caplog: pytest.LogCaptureFixture):
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    broken = inventory / "HV03.json"
    broken.write_text('{"host": "HV03", "updates": [')
    cfg = replace(config(tmp_path), sources=(), inventory=InventoryConfig(paths=(inventory,)))
    runtime = Runtime(cfg)
    warnings = []
    for content in (None, None, '{"host": "HV03"', None, '{"host": "HV03", "updates": []}', '{"host": '):
        if content is not None:
            broken.write_text(content)
        with caplog.at_level(logging.WARNING, logger="scanner"):
            caplog.clear()
            scan_job(runtime)
        warnings.append([r.getMessage().removeprefix(f"{broken}: ")[:19] for r in caplog.records])
    assert warnings == [["the JSON ends early"], [], ["the JSON is cut off"], [], [], ["the JSON is cut off"]]
