"""A full disk while writing reports or the state database: the previous files stay intact, nothing is
left half-written, the error says what to do, and the daemon recovers once there is room (issue 8).

Real failing writes: RLIMIT_FSIZE makes the kernel refuse a write past the limit (EFBIG; Python ignores
SIGXFSZ), and where mounting is allowed (root), a tiny tmpfs runs out of space (ENOSPC)."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.daemon.test_daemon_e2e import REPO, host_json, latest, logged, start, wait_for, write_config

PUBLISH = """
import sys, resource
from datetime import UTC, date, datetime
from pathlib import Path
from scanner.errors import ScannerError
from scanner.evaluate import Policy, evaluate_fleet
from scanner.models import HostInventory
from scanner.pipeline import embedded_catalogue
from scanner.publish import publish

def fleet(count):
    hosts = [HostInventory(f"HV{i:05d}", f"{i}.json", "kbscan-json", os="ws2012", roles=()) for i in range(count)]
    return evaluate_fleet(embedded_catalogue(), hosts, [], Policy.at(date(2013, 12, 20)), datetime.now(UTC))

reports = Path(sys.argv[1])
publish(fleet(3), reports)
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.RLIM_INFINITY))
try:
    publish(fleet(2000), reports)
except ScannerError as e:
    print(e)
"""


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_past_the_file_size_limit_keeps_every_previous_report(tmp_path: Path):
    reports = tmp_path / "reports"
    done = subprocess.run([sys.executable, "-c", PUBLISH, str(reports)], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "write failed, previous file kept: File too large" in done.stdout
    after = files(reports)
    assert not [name for name in after if name.rsplit("/", 1)[-1].startswith(".")]  # no temp file left
    report = json.loads(after["latest.json"])
    assert [h["host"] for h in report["hosts"]] == ["HV00000", "HV00001", "HV00002"]  # the previous, whole
    assert after["kbscan.prom"].endswith(b"\n") and after["index.html"].rstrip().endswith(b"</html>")


def _limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


def test_scan_output_on_a_full_disk_is_a_clear_error_and_the_old_report_stays(tmp_path: Path):
    inventory = tmp_path / "inv"
    inventory.mkdir()
    for i in range(300):
        (inventory / f"HV{i:04d}.json").write_text(host_json(f"HV{i:04d}", "KB2779069"))
    output = tmp_path / "report.json"
    output.write_text('{"previous": true}\n')
    done = subprocess.run([sys.executable, "-m", "scanner", "--config", os.devnull, "scan", str(inventory),
                           "--format", "json", "--output", str(output)], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False, preexec_fn=lambda: _limit_file_size(32 * 1024))
    assert done.returncode == 2
    assert f"kbscan: error: {output}: write failed, previous file kept: File too large" in done.stderr
    assert output.read_text() == '{"previous": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv", "report.json"]


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the RLIMIT_FSIZE tests cover the same writes")
    # 400 hosts with the full embedded catalogue (76 findings each) write about 80 MB of reports and state
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160m", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_daemon_with_its_state_on_a_full_disk_keeps_the_last_state_and_recovers(tmp_path: Path, tiny_tmpfs: Path):
    config = write_config(tmp_path)
    config.write_text(config.read_text().replace(f'state_dir = "{tmp_path / "state"}"',
                                                 f'state_dir = "{tiny_tmpfs / "state"}"'))
    inventory = tmp_path / "inv"
    inventory.mkdir()
    for i in range(5):
        (inventory / f"HV{i:04d}.json").write_text(host_json(f"HV{i:04d}", "KB2779069"))
    log = tmp_path / "daemon.log"
    reports = tiny_tmpfs / "state" / "reports"
    with log.open("w") as stream:
        daemon = start(config, log=stream)
    try:
        wait_for(lambda: len(latest(tiny_tmpfs).get("hosts", [])) == 5, 60)
        filler = tiny_tmpfs / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)  # fill the file system to the last block
        try:
            while os.write(fd, b"\0" * 65536):  # the last write is short, the next one fails
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        before = files(reports)
        for i in range(5, 400):
            (inventory / f"HV{i:04d}.json").write_text(host_json(f"HV{i:04d}", "KB2779069", "KB2908415"))
        failed = r"scan failed after [\d.]+ s: .*(free space where state_dir is|No space left on device)"
        wait_for(logged(log, failed, 2), 60)
        assert daemon.poll() is None
        assert files(reports) == before  # the previous reports, every byte
        filler.unlink()
        wait_for(lambda: len(latest(tiny_tmpfs).get("hosts", [])) == 400, 60)  # room again: it recovers alone
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=15) == 0
    db = sqlite3.connect(tiny_tmpfs / "state" / "kbscan.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        scans = db.execute("SELECT hosts FROM scans ORDER BY id").fetchall()
        assert scans[0] == (5,) and set(scans[1:]) == {(400,)}  # the failed scans recorded nothing, not half
        assert db.execute("SELECT count(*) FROM host_status").fetchone()[0] == 400
    finally:
        db.close()
    text = log.read_text()
    assert "Traceback" not in text and "unexpected" not in text, text[-2000:]
