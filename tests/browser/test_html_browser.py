"""The HTML report in a real headless Chromium: no console errors, a screenshot, phone width and print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.cli import main
from tests.needs import needs

from .chromium import INSTALL, REPO, find, png_size, run

pytestmark = needs(find() is not None, f"chromium ({INSTALL})")

# Appended to a copy of the page only: the report itself has no script.
MEASURE = """<script>
const matrix = document.querySelector(".scroll");
console.log("page " + document.documentElement.scrollWidth + "/" + window.innerWidth +
            " matrix " + matrix.scrollWidth + "/" + matrix.clientWidth);
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
    # HV02 misses the cited lists' packages (69 with the embedded catalogue): the section renders them all
    assert 'id="host-HV02"' in dom.stdout and "Remediation: install 69 package(s)" in dom.stdout


def test_on_a_phone_only_the_matrix_scrolls_sideways(page: Path, tmp_path: Path):
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE), encoding="utf-8")
    # headless Chromium's narrowest viewport is 500 px: below the 600 px phone breakpoint
    done = run(probe.as_uri(), tmp_path, f"--screenshot={tmp_path / 'phone.png'}", width=500, height=900)
    assert len(done.console) == 1
    measured = re.match(r"page (\d+)/(\d+) matrix (\d+)/(\d+) ", done.console[0])
    assert measured is not None, done.console
    page_width, viewport, matrix_width, matrix_box = map(int, measured.groups())
    assert page_width <= viewport  # the page itself does not scroll sideways
    assert matrix_width > matrix_box  # the matrix does, inside its box


def test_prints_to_pdf(page: Path, tmp_path: Path):
    pdf = tmp_path / "report.pdf"
    done = run(page.as_uri(), tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert done.console == ()
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
