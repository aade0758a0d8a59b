"""The HTML report in a real headless Chromium: no console errors, a screenshot, phone width and print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.reports import html
from tests.needs import needs
from tests.reports.conftest import inventory, seed_report

from .chromium import INSTALL, REPO, find, png_size, run

pytestmark = needs(find() is not None, f"chromium ({INSTALL})")

# Appended to a copy of the page only: the report itself has no script.
MEASURE = """<script>
const table = document.querySelector("table.kbs").parentElement;
console.log("page " + document.documentElement.scrollWidth + "/" + window.innerWidth +
            " kbs " + table.getBoundingClientRect().width);
</script></body>"""
# After load and the scroll to a #fragment: what is open, what is shown, where the target host is.
PROBE = """<script>
window.addEventListener("load", () => setTimeout(() => {
  const host = document.getElementById("host-HV150"), line = host.querySelector("span.missing");
  const kbs = document.querySelector("table.kbs").getBoundingClientRect();
  const opened = document.querySelectorAll("details[open]").length, before = line.checkVisibility();
  host.open = true;
  console.log("open " + opened + " kbs-top " + Math.round(kbs.top + scrollY) +
              " host-top " + Math.round(host.getBoundingClientRect().top) + " viewport " + innerHeight +
              " shown " + before + "/" + line.checkVisibility());
}, 50));
</script></body>"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kbscan scan --format html --output` on the example fleet, as of 2013-12-20."""
    path = tmp_path_factory.mktemp("report") / "index.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        main(["--config", "examples/config.toml", "scan", "--at", "2013-12-20", "--format", "html",
              "--output", str(path)])
    return path


def test_console_errors_would_be_seen(tmp_path: Path):
    noisy = tmp_path / "noisy.html"
    noisy.write_text('<!DOCTYPE html><p>x</p><script>console.error("boom")</script>')
    assert run(noisy.as_uri(), tmp_path, "--dump-dom").console == (f"boom ({noisy.as_uri()})",)


def test_report_loads_without_console_errors_and_renders(page: Path, tmp_path: Path):
    shot = tmp_path / "report.png"
    done = run(page.as_uri(), tmp_path, f"--screenshot={shot}", width=1280, height=1400)
    assert done.console == ()
    assert "Failed to load" not in done.stderr and "net::ERR" not in done.stderr
    assert png_size(shot) == (1280, 1400) and shot.stat().st_size > 20_000
    dom = run(page.as_uri(), tmp_path, "--dump-dom")
    assert "<h1>kbscan compliance report, as of 2013-12-20</h1>" in dom.stdout
    # HV02 misses the cited lists' packages (69 with the embedded catalogue): its section lists the first five
    assert 'id="host-HV02"' in dom.stdout and "Remediation: install 69 package(s)" in dom.stdout


def test_on_a_phone_the_page_does_not_scroll_sideways(page: Path, tmp_path: Path):
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE), encoding="utf-8")
    # headless Chromium's narrowest viewport is 500 px: below the 600 px phone breakpoint
    done = run(probe.as_uri(), tmp_path, f"--screenshot={tmp_path / 'phone.png'}", width=500, height=900)
    assert len(done.console) == 1
    measured = re.match(r"page (\d+)/(\d+) kbs ([\d.]+) ", done.console[0])
    assert measured is not None, done.console
    page_width, viewport, kbs_width = int(measured[1]), int(measured[2]), float(measured[3])
    assert page_width <= viewport  # the page itself does not scroll sideways
    assert 0 < kbs_width <= viewport  # the KB table's box fits; a wider table scrolls inside it


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 noncompliant hosts in clusters of four, with the probe appended."""
    fleet = [inventory(f"HV{n:03d}", "KB2779069", cluster=f"C{n // 4}") for n in range(300)]
    path = tmp_path_factory.mktemp("large") / "index.html"
    path.write_text(html.render(seed_report(fleet)).replace("</body>", PROBE), encoding="utf-8")
    return path


def test_a_large_report_starts_collapsed_with_what_needs_action_on_the_first_screen(large: Path, tmp_path: Path):
    done = run(large.as_uri(), tmp_path, "--virtual-time-budget=3000", f"--screenshot={tmp_path / 'a.png'}")
    measured = re.match(r"open 0 kbs-top (\d+) host-top (-?\d+) viewport (\d+) shown false/true ", done.console[0])
    assert measured is not None, done.console  # nothing open; a host's KBs show once its section is opened
    assert int(measured[1]) < int(measured[3]) / 2  # the KB table starts in the first half screen
    assert int(measured[2]) > int(measured[3])  # host HV150 is far below


def test_a_link_to_a_host_lands_on_its_section(large: Path, tmp_path: Path):
    done = run(large.as_uri() + "#host-HV150", tmp_path, "--virtual-time-budget=3000",
               f"--screenshot={tmp_path / 'b.png'}")
    measured = re.match(r"open 0 kbs-top \d+ host-top (-?\d+) viewport (\d+) ", done.console[0])
    assert measured is not None, done.console
    assert 0 <= int(measured[1]) < int(measured[2]) // 4  # scrolled to it: its summary line is at the top


def test_prints_to_pdf(page: Path, tmp_path: Path):
    pdf = tmp_path / "report.pdf"
    done = run(page.as_uri(), tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert done.console == ()
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
