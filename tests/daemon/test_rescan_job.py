"""The daemon's scan job again and again with one Runtime: nothing changed is not evaluated again, and every kind of
change is (real inventory files, a real state database, a catalogue import by another process)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scanner import jobs
from scanner.config import Config, InventoryConfig
from scanner.dates import parse_duration
from scanner.jobs import Runtime, scan_job
from scanner.store.db import connected

REPO = Path(__file__).resolve().parents[2]
ROLES = ["hyper-v", "failover-clustering"]
START = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def inventory(folder: Path, host: str, kbs: list[str], collected: datetime) -> Path:
    path = folder / f"{host}.json"
    document = {"host": host, "os": {"caption": "Microsoft Windows Server 2012 Datacenter", "version": "6.2.9200"},
                "roles": ROLES, "collected_at": collected.isoformat(), "updates": [{"kb": kb} for kb in kbs]}
    path.write_text(json.dumps(document), encoding="utf-8")
    settled = (collected - timedelta(minutes=1)).timestamp()  # older than the cache's settle time
    os.utime(path, (settled, settled))
    return path


@pytest.fixture
def fleet(tmp_path: Path) -> tuple[Runtime, Path, Clock]:
    folder = tmp_path / "inventory"
    folder.mkdir()
    collected = datetime.now(UTC) - timedelta(hours=1)
    inventory(folder, "HV01", ["KB2779069"], collected)
    inventory(folder, "HV02", ["KB2779069", "KB2908415"], collected)
    config = Config(state_dir=tmp_path / "state", reports_dir=tmp_path / "reports", sources=(),
                    inventory=InventoryConfig(paths=(folder,)))
    clock = Clock(collected + timedelta(minutes=30))
    return Runtime(config, clock=clock), folder, clock


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The time of every evaluation the job runs (jobs.evaluate_read, wrapped)."""
    seen: list[datetime] = []
    real = jobs.evaluate_read

    def counting(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        seen.append(args[5])  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jobs, "evaluate_read", counting)
    return seen


def scans(runtime: Runtime) -> list[tuple[str, int, int]]:
    with connected(runtime.config.database) as db:
        return [(row[0], row[1], row[2]) for row in db.execute("SELECT at, hosts, transitions FROM scans ORDER BY id")]


def prom_time(runtime: Runtime) -> float:
    text = (runtime.config.reports_dir / "kbscan.prom").read_text()
    return float(next(line.split()[1] for line in text.splitlines()
                      if line.startswith("kbscan_scan_timestamp_seconds ")))


def test_a_rescan_with_nothing_changed_records_the_scan_and_its_time_without_evaluating(
        fleet: tuple[Runtime, Path, Clock], evaluations: list[datetime]):
    runtime, _, clock = fleet
    first = scan_job(runtime)
    latest = (runtime.config.reports_dir / "latest.json").read_bytes()
    host_file = runtime.config.reports_dir / "hosts" / "HV01.json"
    host_stat = host_file.stat()
    clock.now += timedelta(minutes=15)
    second = scan_job(runtime)

    assert first.startswith("scan: 2 hosts (0 compliant, 2 noncompliant, 0 unknown)")
    assert second.startswith(f"scan: nothing changed since {(clock.now - timedelta(minutes=15)):%H:%M} (2 hosts: "
                             "0 compliant, 2 noncompliant, 0 unknown; 0 errors; 2 files unchanged), 0 transitions")
    assert len(evaluations) == 1
    recorded = scans(runtime)
    assert [(hosts, transitions) for _, hosts, transitions in recorded] == [(2, recorded[0][2]), (2, 0)]
    assert recorded[0][2] > 0 and datetime.fromisoformat(recorded[1][0]) == clock.now
    assert prom_time(runtime) == clock.now.timestamp()  # monitoring's freshness moved
    assert (runtime.config.reports_dir / "latest.json").read_bytes() == latest  # the verdicts' own time stays
    assert host_file.stat().st_mtime_ns == host_stat.st_mtime_ns and host_file.stat().st_ino == host_stat.st_ino


def _touch_new_content(runtime: Runtime, folder: Path, clock: Clock) -> None:
    inventory(folder, "HV01", ["KB2779069", "KB2908415"], clock.now - timedelta(minutes=5))


def _remove(runtime: Runtime, folder: Path, clock: Clock) -> None:
    (folder / "HV02.json").unlink()


def _add(runtime: Runtime, folder: Path, clock: Clock) -> None:
    inventory(folder, "HV03", [], clock.now - timedelta(minutes=5))


def _reload_config(runtime: Runtime, folder: Path, clock: Clock) -> None:
    runtime.config = replace(runtime.config)  # what SIGHUP does, even when the file says the same


def _import_catalogue(runtime: Runtime, folder: Path, clock: Clock) -> None:
    config = runtime.config.state_dir / "config.toml"
    config.write_text(f'state_dir = "{runtime.config.state_dir}"\nsources = []\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), "-q", "catalogue", "import",
                           str(REPO / "tests/data/pages/list-own.xml")], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _next_day(runtime: Runtime, folder: Path, clock: Clock) -> None:
    clock.now = datetime.combine(clock.now.date() + timedelta(days=1), datetime.min.time(), UTC) + \
        timedelta(seconds=1)


def _unreadable(runtime: Runtime, folder: Path, clock: Clock) -> None:
    os.truncate(folder / "HV02.json", runtime.config.inventory.max_bytes + 1)


def _reports_removed(runtime: Runtime, folder: Path, clock: Clock) -> None:
    shutil.rmtree(runtime.config.reports_dir)


Change = Callable[[Runtime, Path, Clock], None]


@pytest.mark.parametrize("change", [_touch_new_content, _remove, _add, _reload_config, _import_catalogue, _next_day,
                                    _unreadable, _reports_removed], ids=lambda change: change.__name__.strip("_"))
def test_every_kind_of_change_is_evaluated_again(fleet: tuple[Runtime, Path, Clock], evaluations: list[datetime],
                                                 change: Change):
    runtime, folder, clock = fleet
    scan_job(runtime)
    clock.now += timedelta(minutes=1)
    assert scan_job(runtime).startswith("scan: nothing changed")
    clock.now += timedelta(minutes=1)
    change(runtime, folder, clock)
    line = scan_job(runtime)
    assert not line.startswith("scan: nothing changed"), line
    assert evaluations == [evaluations[0], clock.now]
    latest = json.loads((runtime.config.reports_dir / "latest.json").read_text())
    assert latest["generated_at"].startswith(clock.now.isoformat(timespec="seconds").removesuffix("+00:00"))
    clock.now += timedelta(minutes=1)
    assert scan_job(runtime).startswith("scan: nothing changed")  # and settles again
    assert len(evaluations) == 2


def test_the_changed_host_and_only_it_gets_a_new_file(fleet: tuple[Runtime, Path, Clock]):
    runtime, folder, clock = fleet
    scan_job(runtime)
    hosts = runtime.config.reports_dir / "hosts"
    before = {p.name: p.stat().st_mtime_ns for p in hosts.iterdir()}
    clock.now += timedelta(minutes=1)
    _touch_new_content(runtime, folder, clock)
    runtime.cache.parsed = runtime.cache.reused = 0  # as guarded() does before each job
    assert scan_job(runtime).endswith("1 parsed / 1 reused files, 1 transitions")
    after = {p.name: p.stat().st_mtime_ns for p in hosts.iterdir()}
    assert after["HV02.json"] == before["HV02.json"] and after["HV01.json"] != before["HV01.json"]
    hv01 = json.loads((hosts / "HV01.json").read_text())
    assert {f["kb"]: f["status"] for f in hv01["findings"]}["KB2908415"] == "installed"
    (hosts / "HV02.json").unlink()  # someone removed it: the next evaluation writes it again, same content or not
    clock.now += timedelta(minutes=1)
    inventory(folder, "HV01", ["KB2779069"], clock.now - timedelta(minutes=1))
    scan_job(runtime)
    assert json.loads((hosts / "HV02.json").read_text())["host"] == "HV02"


def test_a_host_whose_inventory_turns_stale_is_evaluated_again_and_unknown(fleet: tuple[Runtime, Path, Clock],
                                                                            evaluations: list[datetime]):
    runtime, folder, clock = fleet
    runtime.config = replace(runtime.config, max_inventory_age=parse_duration("2 hours"))
    collected = datetime.fromisoformat(json.loads((folder / "HV01.json").read_text())["collected_at"])
    clock.now = collected + timedelta(hours=2) - timedelta(seconds=1)
    line = scan_job(runtime)
    assert line.startswith("scan: 2 hosts (0 compliant, 2 noncompliant, 0 unknown)"), line  # fresh
    clock.now = collected + timedelta(hours=2)  # still fresh to the second: taken < now - age is false
    line = scan_job(runtime)  # the boundary itself re-evaluates (fail closed), and the verdicts still hold
    assert line.startswith("scan: 2 hosts (0 compliant, 2 noncompliant, 0 unknown)"), line
    clock.now += timedelta(seconds=1)
    line = scan_job(runtime)
    assert line.startswith("scan: 2 hosts (0 compliant, 0 noncompliant, 2 unknown)"), line
    clock.now += timedelta(minutes=15)
    assert scan_job(runtime).startswith("scan: nothing changed")  # stale stays stale
    assert len(evaluations) == 3


def test_a_collected_at_in_the_future_is_evaluated_again_once_the_clock_reaches_it(
        fleet: tuple[Runtime, Path, Clock]):
    runtime, folder, clock = fleet
    ahead = clock.now + timedelta(minutes=20)
    inventory(folder, "HV03", [], ahead)
    assert "2 noncompliant, 1 unknown" in scan_job(runtime)
    clock.now += timedelta(minutes=10)
    assert scan_job(runtime).startswith("scan: nothing changed")
    clock.now = ahead - timedelta(minutes=5)  # collected_at - SKEW: no longer later than the clock + SKEW
    assert "3 noncompliant, 0 unknown" in scan_job(runtime)


def test_a_failed_publish_means_the_next_scan_evaluates_again(fleet: tuple[Runtime, Path, Clock],
                                                               evaluations: list[datetime],
                                                               monkeypatch: pytest.MonkeyPatch):
    runtime, _, clock = fleet

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(jobs, "publish", full_disk)
        with pytest.raises(OSError):
            scan_job(runtime)
    clock.now += timedelta(minutes=1)
    assert scan_job(runtime).startswith("scan: 2 hosts")
    assert len(evaluations) == 2


def test_history_written_by_another_process_is_evaluated_again(fleet: tuple[Runtime, Path, Clock],
                                                               evaluations: list[datetime]):
    runtime, _, clock = fleet
    scan_job(runtime)
    with connected(runtime.config.database) as db, db.conn:
        db.execute("UPDATE history_meta SET value = 'restored' WHERE key = 'findings_token'")
    clock.now += timedelta(minutes=1)
    assert scan_job(runtime).startswith("scan: 2 hosts")
    assert len(evaluations) == 2
