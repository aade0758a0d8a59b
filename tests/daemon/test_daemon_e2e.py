"""The daemon as a real process: schedules, reports on disk, history, signals, lock, crash recovery."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import pytest

from scanner.embedded import load_embedded

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "tests" / "data" / "pages"


def host_json(name: str, *kbs: str) -> str:
    caption = "Microsoft Windows Server 2012 Datacenter"
    return json.dumps({"host": name, "os": {"caption": caption, "version": "6.2.9200"},
                       "roles": ["hyper-v", "failover-clustering"], "cluster": "CLU1",
                       "collected_at": datetime.now(UTC).isoformat(),
                       "updates": [{"kb": kb, "installed_on": "2013-12-12"} for kb in kbs]})


def write_config(tmp_path: Path, sources: str = "sources = []", scan: str = "1 second") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\n{sources}\n[inventory]\npaths = ["{tmp_path / "inv"}"]\n'
                      f'[schedule]\nscan = "{scan}"\nrefresh = "0 4 * * *"\n[http]\nretries = 0\n')
    return config


def fleet(tmp_path: Path, hosts: int) -> Path:
    """A folder big enough that reading it takes a moment (each file parsed on the first scan)."""
    inventory = tmp_path / "inv"
    inventory.mkdir()
    for i in range(hosts):
        kbs = ("KB2779069", *(f"KB{2_000_000 + k}" for k in range(150)))
        (inventory / f"HV{i:04d}.json").write_text(host_json(f"HV{i:04d}", *kbs))
    return inventory


def big_page(rows: int) -> bytes:
    """The cluster KB page with `rows` generated fixes (KB3000000 on) added to its table: a page that takes
    a moment to parse and store."""
    extra = b"".join(b"<tr><td>12/10/2013</td><td>%d</td><td>Generated fix %d</td><td>x</td><td></td></tr>"
                     % (3_000_000 + i, i) for i in range(rows))
    return (PAGES / "cluster-2012-kb.html").read_bytes().replace(b"</tbody>", extra + b"</tbody>")


def start(config: Path, *options: str, log: TextIO | None = None,
          env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "scanner", "--config", str(config), *options, "daemon"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=log or subprocess.PIPE, text=True,
                            env=env)


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError(f"condition not met within {seconds} s")


def logged(path: Path, pattern: str, count: int = 1) -> Callable[[], bool]:
    return lambda: len(re.findall(pattern, path.read_text(errors="replace"))) >= count


def kbscan(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)


def next_scan_in(config: Path) -> float:
    """Seconds until the next scan `kbscan status` shows (the daemon stores its next run times)."""
    found = re.search(r"next scan: (\S+)", kbscan(config, "status").stdout)
    return (datetime.fromisoformat(found[1]) - datetime.now(UTC)).total_seconds() if found else 0.0


def latest(tmp_path: Path) -> dict[str, Any]:
    try:
        return json.loads((tmp_path / "state" / "reports" / "latest.json").read_text())  # type: ignore[no-any-return]
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def test_daemon_refreshes_scans_reacts_to_changes_and_stops_on_sigterm(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    url = local_server.page("/cluster", (PAGES / "cluster-2012-kb.html").read_bytes())
    config = write_config(tmp_path, f'[[sources]]\nname = "cluster-2012"\nurl = "{url}"\nproducts = ["ws2012"]\n'
                                    'roles = ["failover-clustering"]')
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "HV01.json").write_text(host_json("HV01", "KB2779069"))
    daemon = start(config)
    try:
        wait_for(lambda: latest(tmp_path).get("catalogue", {}).get("origin") == "database")
        report = latest(tmp_path)
        curated = len(load_embedded()[0])  # the page names no KB the embedded catalogue lacks
        assert report["catalogue"]["entries"] == curated and report["hosts"][0]["host"] == "HV01"
        assert (tmp_path / "state" / "reports" / "hosts" / "HV01.json").exists()
        assert (tmp_path / "state" / "reports" / "kbscan.prom").read_text().startswith("# HELP")
        (tmp_path / "inv" / "HV01.json").write_text(host_json("HV01", "KB2779069", "KB2908415"))
        wait_for(lambda: {f["kb"]: f["status"] for f in latest(tmp_path)["hosts"][0]["findings"]}.get("KB2908415")
                 == "installed")
        history = kbscan(config, "history", "HV01")
        assert "KB2908415  missing -> installed" in history.stdout
        status = kbscan(config, "status").stdout
        assert "source cluster-2012" in status and f"daemon: running, pid {daemon.pid}" in status
        assert re.search(r"\n  next scan: \d{4}-", status) and "hosts: 1 " in status
        second = start(config)
        assert second.wait(timeout=30) == 2
        assert "another kbscan daemon" in second.stderr.read()  # type: ignore[union-attr]
        config.write_text(config.read_text().replace('scan = "1 second"', 'scan = "1 hour"'))
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: next_scan_in(config) > 3000, 20)  # rescheduled: the next scan is an hour away
        good = config.read_text()
        config.write_text(good + "\n[broken\n")
        daemon.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert daemon.poll() is None
        stopped = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=10) == 0
        assert time.monotonic() - stopped < 10
        log = daemon.stderr.read()  # type: ignore[union-attr]
        assert "SIGHUP: reloaded" in log and "scan every 1 hour" in log
        assert "SIGHUP: the new config is not usable, keeping the running one" in log
        assert f"refresh: {curated} entries" in log
        assert re.search(r"scan: 1 hosts \(.*\), 0 errors, .* in \d+\.\d\d s", log)
        config.write_text(good)
        assert "daemon: not running (last pid" in kbscan(config, "status").stdout
    finally:
        if daemon.poll() is None:
            daemon.kill()


def test_sigterm_mid_scan_abandons_it_and_exits_zero_quickly(tmp_path: Path):
    fleet(tmp_path, 400)
    config = write_config(tmp_path)
    log = tmp_path / "daemon.log"
    with log.open("w") as stream:  # as under systemd: stderr is the journal, lines carry their priority
        stat = os.fstat(stream.fileno())
        daemon = start(config, "-vv", log=stream, env={**os.environ, "JOURNAL_STREAM": f"{stat.st_dev}:{stat.st_ino}"})
    try:
        wait_for(logged(log, r"HV\d{4}\.json: kbscan-json", 20))
        stopped = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=10) == 0 and time.monotonic() - stopped < 10
    finally:
        if daemon.poll() is None:
            daemon.kill()
    text = log.read_text()
    assert re.search(r"^<4>WARNING: scan: abandoned \(stopping after \d+ of 400\)", text, re.MULTILINE)
    assert "<6>INFO: daemon stopped" in text
    db = sqlite3.connect(tmp_path / "state" / "kbscan.db")
    assert db.execute("SELECT count(*) FROM scans").fetchone()[0] == 0
    db.close()


def _consistent(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "state" / "kbscan.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        scans = db.execute("SELECT count(*), coalesce(sum(transitions), 0) FROM scans").fetchone()
        assert db.execute("SELECT count(*) FROM transitions").fetchone()[0] == scans[1]
        hosts = db.execute("SELECT count(*) FROM host_status").fetchone()[0]
        assert hosts == (db.execute("SELECT hosts FROM scans ORDER BY id DESC").fetchone() or [0])[0]
    finally:
        db.close()
    reports = tmp_path / "state" / "reports"
    for path in reports.rglob("*.json"):
        json.loads(path.read_text())
    if (reports / "kbscan.prom").exists():
        assert (reports / "kbscan.prom").read_text().endswith("\n")
        assert (reports / "index.html").read_text().rstrip().endswith("</html>")


@pytest.mark.parametrize(("phase", "marker"), [
    ("reading", r"HV\d{4}\.json: kbscan-json"),  # parsing the inventory files
    ("recording", r"scan: \d+ hosts evaluated; recording"),  # writing history, reports
    ("refresh", r'"GET /big HTTP/1\.1" 200'),  # parsing a big page
])
def test_sigkill_mid_job_leaves_a_consistent_state_and_a_clean_restart(tmp_path: Path, phase: str, marker: str,
                                                                        local_server):  # type: ignore[no-untyped-def]
    url = local_server.page("/big", big_page(5_000))
    sources = f'[[sources]]\nname = "big"\nurl = "{url}"\nproducts = ["ws2012"]' if phase == "refresh" else ""
    config = write_config(tmp_path, sources or "sources = []")
    inventory = fleet(tmp_path, 300 if phase != "refresh" else 2)
    log = tmp_path / "daemon.log"
    with log.open("w") as stream:
        daemon = start(config, "-vv", log=stream)
    wait_for(logged(log, marker, 20 if phase == "reading" else 1), 30)
    daemon.send_signal(signal.SIGKILL)
    daemon.wait(timeout=10)
    _consistent(tmp_path)
    before = latest(tmp_path).get("generated_at")
    again = start(config)
    try:
        wait_for(lambda: latest(tmp_path).get("generated_at") != before
                 and len(latest(tmp_path).get("hosts", [])) == len(list(inventory.iterdir())), 60)
        _consistent(tmp_path)
        if phase == "refresh":
            assert latest(tmp_path)["catalogue"]["origin"] == "database"
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=15) == 0


def test_bad_schedule_is_a_config_error(tmp_path: Path):
    config = write_config(tmp_path)
    config.write_text(config.read_text().replace('refresh = "0 4 * * *"', 'refresh = "every day"'))
    done = kbscan(config, "daemon")
    assert done.returncode == 2 and "at 'schedule.refresh': not a cron expression" in done.stderr


def test_signal_while_idle_exits_quickly(tmp_path: Path):
    config = write_config(tmp_path, scan="1 hour")
    (tmp_path / "inv").mkdir()
    daemon = start(config)
    wait_for(lambda: (tmp_path / "state" / "reports" / "latest.json").exists())
    daemon.send_signal(signal.SIGINT)
    assert daemon.wait(timeout=10) == 0
    assert os.path.exists(tmp_path / "state" / "kbscan.lock")
