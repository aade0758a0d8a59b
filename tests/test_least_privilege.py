"""Least privilege (issue 8): kbscan works with the file system read-only except its state_dir and with no
capabilities (what kbscan.service's ProtectSystem=strict, ReadWritePaths and CapabilityBoundingSet= give
it), writes nothing anywhere else, and talks only to the configured sources, only from scanner/http.py.

The sandbox is made the way systemd makes it: a private mount namespace (unshare) where / is remounted
read-only and only state_dir is bound writable, then setpriv drops every capability and sets
no_new_privs. Where namespaces are not allowed (not root), the sandboxed tests skip; the import rule runs
everywhere."""

from __future__ import annotations

import ast
import json
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.daemon.test_daemon_e2e import PAGES, REPO, host_json, wait_for

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
