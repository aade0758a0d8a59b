"""The daemon as a real process: schedules, reports on disk, history, signals, lock, crash recovery."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "tests" / "data" / "pages"
EXAMPLES = REPO / "examples" / "inventory"


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


def start(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "scanner", "--config", str(config), "daemon"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {seconds} s")


def kbscan(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)


def latest(tmp_path: Path) -> dict:  # type: ignore[type-arg]
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
        assert report["catalogue"]["entries"] == 10 and report["hosts"][0]["host"] == "HV01"
        assert (tmp_path / "state" / "reports" / "hosts" / "HV01.json").exists()
        assert (tmp_path / "state" / "reports" / "kbscan.prom").read_text().startswith("# HELP")
        (tmp_path / "inv" / "HV01.json").write_text(host_json("HV01", "KB2779069", "KB2908415"))
        wait_for(lambda: {f["kb"]: f["status"] for f in latest(tmp_path)["hosts"][0]["findings"]}.get("KB2908415")
                 == "installed")
        history = kbscan(config, "history", "HV01")
        assert "KB2908415  missing -> installed" in history.stdout
        status = kbscan(config, "status")
        assert "source cluster-2012" in status.stdout and "next scan:" in status.stdout
        second = start(config)
        assert second.wait(timeout=30) == 2
        assert "another kbscan daemon" in second.stderr.read()  # type: ignore[union-attr]
        config.write_text(config.read_text() + "\n[broken\n")
        daemon.send_signal(signal.SIGHUP)
        time.sleep(3)
        assert daemon.poll() is None
        stopped = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=10) == 0
        assert time.monotonic() - stopped < 10
        log = daemon.stderr.read()  # type: ignore[union-attr]
        assert "SIGHUP: the new config is not usable, keeping the running one" in log
        assert "refresh: 10 entries" in log and "scan: 1 hosts" in log
    finally:
        if daemon.poll() is None:
            daemon.kill()


def _consistent(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "state" / "kbscan.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        scans = db.execute("SELECT count(*), coalesce(sum(transitions), 0) FROM scans").fetchone()
        assert db.execute("SELECT count(*) FROM transitions").fetchone()[0] == scans[1]
    finally:
        db.close()
    for path in (tmp_path / "state" / "reports").rglob("*.json"):
        json.loads(path.read_text())


@pytest.mark.parametrize("phase", ["scan", "refresh"])
def test_sigkill_mid_job_leaves_a_consistent_state_and_a_clean_restart(tmp_path: Path, phase: str,
                                                                        local_server):  # type: ignore[no-untyped-def]
    big = (PAGES / "cluster-2012-kb.html").read_bytes()
    rows = b"".join(b"<tr><td>12/10/2013</td><td>%d</td><td>Generated fix %d</td><td>x</td><td></td></tr>"
                    % (3_000_000 + i, i) for i in range(20_000))
    url = local_server.page("/big", big.replace(b"</tbody>", rows + b"</tbody>"))
    sources = (f'[[sources]]\nname = "big"\nurl = "{url}"\nproducts = ["ws2012"]' if phase == "refresh"
               else "sources = []")
    config = write_config(tmp_path, sources, scan="1 second")
    inventory = tmp_path / "inv"
    inventory.mkdir()
    for i in range(400 if phase == "scan" else 2):
        (inventory / f"HV{i:04d}.json").write_text(host_json(f"HV{i:04d}", "KB2779069", *(f"KB{2_000_000 + k}"
                                                                                          for k in range(150))))
    daemon = start(config)
    wait_for(lambda: (tmp_path / "state" / "kbscan.db").exists(), 20)
    time.sleep(1.2 if phase == "scan" else 0.6)
    daemon.send_signal(signal.SIGKILL)
    daemon.wait(timeout=10)
    _consistent(tmp_path)
    before = latest(tmp_path).get("generated_at")
    again = start(config)
    try:
        wait_for(lambda: latest(tmp_path).get("generated_at") != before
                 and len(latest(tmp_path).get("hosts", [])) == len(list(inventory.iterdir())), 60)
        _consistent(tmp_path)
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
