"""One state_dir, several kbscan processes at once: the daemon, one-shot scans, refreshes and imports.
Nothing corrupts, a second catalogue writer waits (and says so) or, in the daemon, skips (issue 8)."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from scanner.config import load_config
from scanner.jobs import Runtime, refresh_job
from tests.daemon.test_daemon_e2e import PAGES, REPO, big_page, fleet, kbscan, latest, start, wait_for, write_config
from tests.seed import seed_only  # noqa: F401  (the fixture)

HOLD = ("import sys, time; from pathlib import Path; from scanner.lock import RefreshLock\n"
        "with RefreshLock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(float(sys.argv[2]))\n")


def hold_refresh_lock(state: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(state), str(seconds)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def test_a_cli_refresh_waits_for_the_running_one_and_says_so(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    url = local_server.page("/cluster", (PAGES / "cluster-2012-kb.html").read_bytes())
    config = write_config(tmp_path, f'[[sources]]\nname = "c"\nurl = "{url}"\nproducts = ["ws2012"]')
    holder = hold_refresh_lock(tmp_path / "state", 2)
    started = time.monotonic()
    try:
        done = kbscan(config, "catalogue", "refresh")
    finally:
        holder.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert f"waiting for the catalogue refresh or import in pid {holder.pid} to finish" in done.stderr
    assert time.monotonic() - started >= 1.5 and re.match(r"c +ok +200 ", done.stdout)


@pytest.mark.usefixtures("seed_only")  # "10 entries" below: the seven seed entries and the page's three others
def test_the_daemons_refresh_skips_while_another_runs(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    url = local_server.page("/cluster", (PAGES / "cluster-2012-kb.html").read_bytes())
    config = load_config(write_config(tmp_path, f'[[sources]]\nname = "c"\nurl = "{url}"\nproducts = ["ws2012"]'))
    holder = hold_refresh_lock(config.state_dir, 30)
    try:
        assert refresh_job(Runtime(config)) == f"refresh: skipped, another refresh or import (pid {holder.pid}) " \
                                               "is running"
        assert local_server.requests == []
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    assert refresh_job(Runtime(config)).startswith("refresh: 10 entries")  # the killed holder left no lock


def test_daemon_one_shot_scans_refreshes_and_imports_at_once(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    url = local_server.page("/big", big_page(1_000))
    config = write_config(tmp_path, f'[[sources]]\nname = "big"\nurl = "{url}"\nproducts = ["ws2012"]')
    fleet(tmp_path, 60)
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps([{"kb": "KB3999999", "title": "Imported fix", "kind": "hotfix",
                                     "products": ["ws2012"], "roles": []}]))
    daemon = start(config)
    failures: list[str] = []
    counts = {"scan": 0, "refresh": 0, "import": 0}

    def loop(name: str, *args: str, ok: tuple[int, ...] = (0,)) -> None:
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            done = kbscan(config, *args)
            counts[name] += 1
            if done.returncode not in ok or "Traceback" in done.stderr or "locked" in done.stderr:
                failures.append(f"{name}: exit {done.returncode}: {done.stderr[-500:]}")
            if name == "scan":
                report = json.loads(done.stdout)
                if len(report["hosts"]) != 60:
                    failures.append(f"scan: {len(report['hosts'])} hosts")

    try:
        wait_for(lambda: latest(tmp_path).get("catalogue", {}).get("origin") == "database", 60)
        workers = [threading.Thread(target=loop, args=args, kwargs=kwargs) for args, kwargs in [
            (("scan", "scan", "--format", "json"), {"ok": (0, 1)}),
            (("refresh", "catalogue", "refresh"), {}),
            (("import", "catalogue", "import", str(exported)), {}),
        ]]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
        assert daemon.poll() is None
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=15) == 0
    assert failures == []
    assert min(counts.values()) >= 2, counts
    db = sqlite3.connect(tmp_path / "state" / "kbscan.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in db.execute("SELECT kb FROM catalogue_entries")}
    finally:
        db.close()
    assert "KB3999999" in stored and "KB3000999" in stored  # both writers' entries are in one catalogue
    assert len(latest(tmp_path)["hosts"]) == 60
