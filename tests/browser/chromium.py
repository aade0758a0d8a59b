"""Tiny headless-Chromium driver for the browser test and the docs screenshot (no extra dependency).

It runs `chromium --headless --screenshot` (or `--dump-dom`, `--print-to-pdf`) once per page, with
`--enable-logging=stderr`, and reads the page's console messages from stderr (`...:CONSOLE:12] "text",
source: file://...`, `CONSOLE(12)` in older builds). `python tests/browser/chromium.py` rewrites
docs/img/report.png from the example fleet, with a fixed generation time so the image is stable.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INSTALL = "apt-get update && apt-get install -y chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--enable-logging=stderr", "--v=0")
CONSOLE = re.compile(r'CONSOLE(?::\d+\]|\(\d+\)\]?)\s*"(?P<text>.*)", source: (?P<source>\S*)')


def find() -> str | None:
    """The Chromium binary, or None (the browser test then skips)."""
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@dataclass(frozen=True)
class Run:
    console: tuple[str, ...]
    stdout: str
    stderr: str
    returncode: int


def run(url: str, workdir: Path, *args: str, width: int = 1280, height: int = 900, timeout: float = 120) -> Run:
    """Load `url` once; `args` must hold one of `--screenshot=FILE`, `--dump-dom`, `--print-to-pdf=FILE`
    (without one, headless Chromium keeps running)."""
    binary = find()
    if binary is None:
        raise RuntimeError(f"no chromium: {INSTALL}")
    command = [binary, *FLAGS, f"--user-data-dir={workdir / 'profile'}", f"--window-size={width},{height}",
               *args, url]
    # its own session, so that on a timeout the whole browser (zygotes, renderers) goes, not just the parent
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True, env={**os.environ, "HOME": str(workdir)}) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    console = tuple(f"{m['text']} ({m['source']})" for m in CONSOLE.finditer(stderr))
    return Run(console, stdout, stderr, process.returncode)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def example_html() -> str:
    """The HTML report of the example fleet on 2013-12-20, generated (for the image) at 08:00 UTC."""
    from scanner.config import load_config
    from scanner.pipeline import run_scan
    from scanner.reports import html

    cwd = Path.cwd()
    os.chdir(REPO)  # the example config names paths relative to the repository
    try:
        config = load_config(Path("examples/config.toml"))
        report = run_scan(config, list(config.inventory.paths), as_of=date(2013, 12, 20))
    finally:
        os.chdir(cwd)
    return html.render(replace(report, generated_at=datetime(2013, 12, 20, 8, tzinfo=UTC)))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        page = work / "index.html"
        page.write_text(example_html(), encoding="utf-8")
        shot = work / "report.png"
        done = run(page.as_uri(), work, f"--screenshot={shot}", width=1100, height=1250)
        if done.console or not shot.exists():
            print("\n".join(done.console) or done.stderr[-2000:], file=sys.stderr)
            return 1
        target = REPO / "docs" / "img" / "report.png"
        shutil.copy(shot, target)
        print(f"{target}: {png_size(target)[0]}x{png_size(target)[1]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
