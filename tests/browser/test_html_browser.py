"""The HTML report in a real headless Chromium: it loads without console errors and renders a screenshot."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.cli import main

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (.ci/run installs Debian's chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "HOME": str(tmp_path)})


def test_report_loads_without_console_errors_and_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    page = tmp_path / "index.html"
    main(["--config", "examples/config.toml", "scan", "--at", "2013-12-20", "--format", "html", "--output", str(page)])
    shot = tmp_path / "report.png"
    done = chromium(tmp_path, "--window-size=1280,1400", f"--screenshot={shot}", page.as_uri())
    console = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Failed to load" in line]
    assert console == []
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "kbscan compliance report, as of 2013-12-20" in dom.stdout
    assert 'id="host-HV02"' in dom.stdout
    if os.environ.get("KBSCAN_UPDATE_SCREENSHOT"):
        shutil.copy(shot, REPO / "docs" / "img" / "report.png")
