"""SIGKILL at random points, many times over one state_dir: the daemon (starting, reading, recording,
publishing or idle) and one-shot catalogue refreshes (fetching, parsing, storing). After every kill the
database passes PRAGMA integrity_check and agrees with itself, every report file parses, the catalogue is
one complete version, and the next start recovers by itself (issue 8).

CI runs a few kills; the campaign in RELIABILITY.md runs 100:
    KBSCAN_KILL_RUNS=100 python -m pytest tests/daemon/test_kill_campaign.py -s
"""

from __future__ import annotations

import collections
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from scanner.config import load_config
from scanner.refresh import refresh_catalogue
from tests.daemon.test_daemon_e2e import (
    REPO,
    _consistent,
    big_page,
    fleet,
    host_json,
    latest,
    start,
    wait_for,
    write_config,
)

RUNS = int(os.environ.get("KBSCAN_KILL_RUNS", "6"))
SEED = int(os.environ.get("KBSCAN_KILL_SEED", "20261125"))


def phase_of(log: str) -> str:
    """What the daemon was doing when it died, from its last -vv line."""
    lines = [line for line in log.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    if not lines or "daemon started" in last or "Added job" in last or "Adding job" in last:
        return "starting"
    if "kbscan-json" in last:
        return "reading"
    if "recording the scan" in last or "published" in last:
        return "recording"
    if re.search(r"scan: \d+ hosts \(|Next wakeup|Looking for jobs|executed successfully", last):
        return "idle"
    return "refreshing" if "refresh" in last or "GET /big" in last or "127.0.0.1" in last else "other"


def stored_entries(database: Path) -> int | None:
    if not database.exists():
        return None
    db = sqlite3.connect(database)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'catalogue_entries'").fetchone():
            return None
        count = db.execute("SELECT count(*) FROM catalogue_entries").fetchone()[0]
        return int(count) or None
    finally:
        db.close()


def complete_sizes(tmp_path: Path, url: str, version: dict[str, bool]) -> set[int]:
    """The catalogue sizes a finished refresh of each page version stores, from two refreshes into a
    scratch state_dir (a killed refresh may have committed just before the kill: its size is one of these)."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    config = write_config(scratch, f'[[sources]]\nname = "big"\nurl = "{url}"\nproducts = ["ws2012"]\n'
                                   'roles = ["failover-clustering"]')
    sizes = set()
    for new in (False, True):
        version["new"] = new
        refresh_catalogue(load_config(config))
        sizes.add(stored_entries(scratch / "state" / "kbscan.db"))
    version["new"] = False
    assert len(sizes) == 2 and None not in sizes, sizes  # the two versions differ, so a mix-up would show
    return {size for size in sizes if size is not None}


def test_random_sigkills_never_corrupt_and_every_start_recovers(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    rng = random.Random(SEED)
    pages = {False: big_page(1_000), True: big_page(1_200)}
    version = {"new": False}
    local_server.routes["/big"] = lambda _handler: (200, {"Content-Type": "text/html"}, pages[version["new"]])
    url = f"{local_server.base}/big"
    config = write_config(tmp_path, f'[[sources]]\nname = "big"\nurl = "{url}"\nproducts = ["ws2012"]\n'
                                    'roles = ["failover-clustering"]')
    inventory = fleet(tmp_path, 150)
    database = tmp_path / "state" / "kbscan.db"
    complete = complete_sizes(tmp_path, url, version)  # what a finished refresh of either page stores
    phases: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    created = False
    for run in range(RUNS):
        for i in rng.sample(range(150), 10):  # the fleet changes between runs, so scans have work to do
            kbs = ("KB2779069", *(f"KB{2_000_000 + k}" for k in range(rng.randrange(100, 200))))
            (inventory / f"HV{i:04d}.json").write_text(host_json(f"HV{i:04d}", *kbs))
        if run % 3 == 2:  # a one-shot refresh, killed while fetching, parsing or storing
            version["new"] = not version["new"]
            process = subprocess.Popen([sys.executable, "-m", "scanner", "--config", str(config), "catalogue",
                                        "refresh"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0.0, 1.5))
            finished = process.poll() is not None
            process.kill()
            process.wait(timeout=10)
            phases["refresh finished" if finished else "refresh"] += 1
            if finished and process.returncode != 0:
                failures.append(f"run {run}: refresh exited {process.returncode}")
        else:
            log = tmp_path / f"daemon-{run}.log"
            with log.open("w") as stream:
                daemon = start(config, "-vv", log=stream)
            time.sleep(rng.uniform(0.0, 3.0))
            if daemon.poll() is not None:
                failures.append(f"run {run}: the daemon exited {daemon.returncode} by itself: "
                                f"{log.read_text()[-400:]}")
            daemon.send_signal(signal.SIGKILL)
            daemon.wait(timeout=10)
            phases[phase_of(log.read_text(errors="replace"))] += 1
        if not database.exists():  # killed before it created its state: nothing stored, nothing to check
            if created:
                failures.append(f"run {run}: the database vanished")
            continue
        created = True
        try:
            _consistent(tmp_path)
            entries = stored_entries(database)
            if entries is not None and entries not in complete:
                failures.append(f"run {run}: the catalogue holds {entries} entries, not a version a refresh stores")
        except (AssertionError, ValueError, sqlite3.DatabaseError) as e:
            failures.append(f"run {run}: {type(e).__name__}: {e}")
    again = start(config)  # the last start after all those kills: it must get to a complete report alone
    try:
        wait_for(lambda: len(latest(tmp_path).get("hosts", [])) == 150
                 and latest(tmp_path).get("catalogue", {}).get("origin") == "database", 60)
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=15) == 0
    _consistent(tmp_path)
    print(f"\nkill campaign: {RUNS} SIGKILLs (seed {SEED}), killed while {dict(sorted(phases.items()))}; "
          f"failures: {len(failures)}")
    assert failures == []
