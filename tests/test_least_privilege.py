"""Least privilege (issue 8): kbscan works with the file system read-only except its state_dir and with no
capabilities (what kbscan.service's ProtectSystem=strict, ReadWritePaths and CapabilityBoundingSet= give
it), writes nothing anywhere else, and talks only to the configured sources, only from scanner/http.py.

The sandbox is made the way systemd makes it: a private mount namespace (unshare) where / is remounted
read-only and only state_dir is bound writable, then setpriv drops every capability and sets
no_new_privs. Where namespaces are not allowed (not root), the sandboxed tests skip; the import rule runs
everywhere."""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.daemon.test_daemon_e2e import PAGES, REPO, host_json, wait_for
from tests.needs import needs

NETWORK_MODULES = {"socket", "ssl", "http.client", "urllib.request", "urllib3", "requests", "ftplib", "smtplib",
                   "asyncio", "aiohttp", "httpx"}


def test_only_http_py_imports_network_modules():
    offenders = []
    for path in sorted((REPO / "scanner").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES) and \
                        path.name != "http.py" and not _type_checking_only(tree, node):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno} imports {name}")
    assert offenders == []


def _type_checking_only(tree: ast.Module, target: ast.AST) -> bool:
    return any(isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING" and target in ast.walk(node)
               for node in ast.walk(tree))


def _sandbox_works() -> bool:
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           "mount -o remount,bind,ro / && setpriv --no-new-privs --bounding-set=-all true"],
                          capture_output=True, check=False)
    return done.returncode == 0


pytestmark_sandbox = pytest.mark.skipif(not _sandbox_works(), reason="needs mount namespaces (root) and setpriv")


def sandboxed(writable: Path | None, *args: str) -> list[str]:
    """The command line: / read-only, `writable` (if any) read-write, no capabilities, no new privileges."""
    mounts = f"mount --bind {shlex.quote(str(writable))} {shlex.quote(str(writable))} && " if writable else ""
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "scanner", *args])
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            f"{mounts}mount -o remount,bind,ro / && exec setpriv --no-new-privs --bounding-set=-all "
            f"--inh-caps=-all -- {command}"]


def one_host(tmp_path: Path) -> tuple[Path, Path]:
    """An inventory of one host and a config without sources: (state_dir, config file)."""
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "HV01.json").write_text(host_json("HV01", "KB2779069"))
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\nsources = []\n')
    return tmp_path / "state", config


def sandboxed_scan(tmp_path: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(sandboxed(None, "--config", str(config), "scan", str(tmp_path / "inv"), "--format", "json"),
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=False)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


@pytestmark_sandbox
def test_the_daemon_runs_with_only_state_dir_writable_and_touches_nothing_else(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    url = local_server.page("/cluster", (PAGES / "cluster-2012-kb.html").read_bytes())
    state = tmp_path / "state"
    state.mkdir()
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "HV01.json").write_text(host_json("HV01", "KB2779069"))
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{state}"\n[inventory]\npaths = ["{tmp_path / "inv"}"]\n[schedule]\n'
                      f'scan = "1 second"\n[http]\nretries = 0\n[[sources]]\nname = "c"\nurl = "{url}"\n'
                      'products = ["ws2012"]\n')
    before = {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("state")}
    daemon = subprocess.Popen(sandboxed(state, "--config", str(config), "daemon"), cwd=REPO, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    latest = state / "reports" / "latest.json"
    try:
        wait_for(lambda: latest.exists() and json.loads(latest.read_text())["catalogue"]["origin"] == "database", 60)
        time.sleep(1.5)  # a rescan or two
    finally:
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=15)
    log = daemon.stderr.read()  # type: ignore[union-attr]
    assert code == 0, log
    assert "Read-only file system" not in log and "Permission denied" not in log and "failed" not in log, log
    after = {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("state")}
    assert after == before  # config, inventory and everything beside them: not one byte or mtime changed
    assert {path for path, _ in local_server.requests} == {"/cluster"}  # only the configured source


@pytestmark_sandbox
def test_a_one_shot_scan_needs_no_write_access_and_a_refresh_says_what_it_needs(tmp_path: Path):
    state, config = one_host(tmp_path)
    scan = sandboxed_scan(tmp_path, config)
    assert scan.returncode in (0, 1), scan.stderr
    assert [h["host"] for h in json.loads(scan.stdout)["hosts"]] == ["HV01"]
    refresh = subprocess.run(sandboxed(None, "--config", str(config), "catalogue", "refresh"), cwd=REPO,
                             capture_output=True, text=True, timeout=60, check=False)
    assert refresh.returncode == 2
    assert f"{state}" in refresh.stderr and "Read-only file system" in refresh.stderr
    assert "check state_dir and that this user may write it" in refresh.stderr
    assert not state.exists()


@pytestmark_sandbox
def test_a_one_shot_scan_reads_a_state_database_it_may_not_write(tmp_path: Path):
    """An admin's `kbscan scan` beside the service: its stored catalogue is used, read-only."""
    _state, config = one_host(tmp_path)
    listing = tmp_path / "list.json"
    listing.write_text(json.dumps([{"kb": "KB3999999", "title": "Imported", "kind": "hotfix", "products": ["ws2012"]}]))
    imported = subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), "catalogue", "import",
                               str(listing)], cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert imported.returncode == 0, imported.stderr
    before = snapshot(tmp_path)
    scan = sandboxed_scan(tmp_path, config)
    assert scan.returncode == 1, scan.stderr
    report = json.loads(scan.stdout)
    assert report["catalogue"]["origin"] == "database"
    assert "KB3999999" in {f["kb"] for f in report["hosts"][0]["findings"]}
    assert snapshot(tmp_path) == before


UNITS = REPO / "systemd"
SYSCALL = re.compile(r"^\d+\s+(?:<\.\.\. )?([a-z_0-9]+)(?:\(| resumed>)")
WRITE_AND_EXEC = re.compile(r"^\d+\s+(?:mmap|mprotect|pkey_mprotect)\(.*PROT_(?:WRITE\|PROT_EXEC|EXEC\|PROT_WRITE)")
needs_strace = needs(bool(shutil.which("strace") and shutil.which("systemd-analyze")),
                     "strace or systemd-analyze (.ci/run installs them)")


@functools.cache
def syscall_set(group: str) -> frozenset[str]:
    """A systemd syscall group, nested groups expanded (`systemd-analyze syscall-filter`)."""
    listed = subprocess.run(["systemd-analyze", "syscall-filter", group], capture_output=True, text=True,
                            check=True).stdout.splitlines()[1:]
    names: set[str] = set()
    for line in (x.strip() for x in listed):
        if line.startswith("@"):
            names |= syscall_set(line)
        elif line and not line.startswith("#"):
            names.add(line)
    return frozenset(names)


def unit_allows(unit: str) -> frozenset[str]:
    """What a unit's SystemCallFilter= lines let through: allow-lists add, `~` lines take away."""
    allowed: set[str] = set()
    for line in (UNITS / unit).read_text().splitlines():
        if line.startswith("SystemCallFilter="):
            value = line.split("=", 1)[1]
            names = set().union(*(syscall_set(x) if x.startswith("@") else {x} for x in value.lstrip("~").split()))
            allowed = allowed - names if value.startswith("~") else allowed | names
    return frozenset(allowed)


def fleet_and_config(tmp_path: Path, url: str) -> Path:
    """250 inventory files (a one-shot scan reads them in a process pool) and a config with one source."""
    (tmp_path / "inv").mkdir()
    for i in range(250):
        (tmp_path / "inv" / f"HV{i:03}.json").write_text(host_json(f"HV{i:03}", "KB2779069"))
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\n[inventory]\npaths = ["{tmp_path / "inv"}"]\n'
                      f'[schedule]\nscan = "1 second"\n[http]\nretries = 0\n[[sources]]\nname = "c"\n'
                      f'url = "{url}"\nproducts = ["ws2012"]\n')
    return config


def check_trace(trace: Path, unit: str, expected: set[str]) -> None:
    """Every syscall in the strace log is one `unit` allows, and no memory was mapped writable and
    executable (MemoryDenyWriteExecute=yes refuses that)."""
    allowed = unit_allows(unit)
    assert {"read", "openat", "socket", "clone", "clone3", "flock"} <= allowed
    assert not {"setrlimit", "mount", "sched_setaffinity"} & allowed  # the ~@privileged @resources line
    lines = trace.read_text().splitlines()
    made = {m.group(1) for line in lines if (m := SYSCALL.match(line))}
    assert expected <= made  # the trace holds the real work
    if os.geteuid() == 0:  # SQLite's unix VFS gives a journal root created the database's owner (fchown)
        allowed |= {"fchown"}  # only when geteuid() == 0; the units run as a DynamicUser (strace as nobody: none)
    assert sorted(made - allowed) == []
    assert [line for line in lines if WRITE_AND_EXEC.match(line)] == []


def strace(trace: Path, *args: str) -> list[str]:
    return ["strace", "-f", "-qq", "-o", str(trace), sys.executable, "-m", "scanner", *args]


@needs_strace
def test_the_daemon_makes_only_syscalls_its_unit_allows_and_maps_no_writable_code(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    """kbscan.service kills the process on a syscall outside SystemCallFilter= and refuses W+X memory
    (MemoryDenyWriteExecute=): a refresh, a scan, a rescan of a changed file and a stop, traced."""
    config = fleet_and_config(tmp_path, local_server.page("/cluster", (PAGES / "cluster-2012-kb.html").read_bytes()))
    trace = tmp_path / "strace.txt"
    daemon = subprocess.Popen(strace(trace, "--config", str(config), "daemon"), cwd=REPO, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    latest = tmp_path / "state" / "reports" / "latest.json"
    try:
        wait_for(lambda: latest.exists() and json.loads(latest.read_text())["catalogue"]["origin"] == "database", 120)
        (tmp_path / "inv" / "HV000.json").write_text(host_json("HV000", "KB2779069", "KB2905412"))
        time.sleep(2.5)  # a rescan that parses it again
        traced = Path(f"/proc/{daemon.pid}/task/{daemon.pid}/children").read_text().split()
        os.kill(int(traced[0]), signal.SIGTERM)  # the daemon, not strace (which would detach and kill it)
        code = daemon.wait(timeout=60)
    finally:
        if daemon.poll() is None:  # a failure above: leave no traced daemon behind
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
    assert code == 0, daemon.stderr.read()  # type: ignore[union-attr]
    check_trace(trace, "kbscan.service", {"execve", "clone3", "connect", "flock", "fsync", "rename"})


@needs_strace
def test_the_one_shot_scan_makes_only_syscalls_its_unit_allows_with_its_process_pool(tmp_path: Path, local_server):  # type: ignore[no-untyped-def]
    """kbscan-scan.service's command: a scan of 250 files, read in a process pool."""
    config = fleet_and_config(tmp_path, local_server.page("/cluster", b"unused"))
    trace = tmp_path / "strace.txt"
    output = tmp_path / "state" / "reports" / "latest.json"
    scan = subprocess.run(strace(trace, "--config", str(config), "scan", "--format", "json", "--output", str(output)),
                          cwd=REPO, capture_output=True, text=True, timeout=180, check=False)
    assert scan.returncode == 1, scan.stderr  # 250 hosts, each missing a KB
    assert len(json.loads(output.read_text())["hosts"]) == 250
    check_trace(trace, "kbscan-scan.service", {"execve", "clone", "wait4", "fsync", "rename"})
