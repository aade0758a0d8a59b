"""HTML report (escaping, self-contained), remediation (set cover) and the TTY-only progress bar."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from scanner.catalogue import Catalogue
from scanner.models import CatalogueEntry, Finding, HostResult, HostStatus, Kind, Remedy, Report, Status
from scanner.progress import progress_bar
from scanner.remediation import remediate
from scanner.reports import html, remediation

from .conftest import inventory, seed_report


def test_html_has_summary_matrix_and_details(report: Report):
    page = html.render(report)
    assert page.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in page
    assert '<div class="card noncompliant"><b>1</b>noncompliant</div>' in page
    assert '<td class="s deferred" title="KB2898774 deferred via KB2903938">deferred<br>2014-01-10</td>' in page
    assert '<th colspan="10" scope="rowgroup">cluster CLU1</th>' in page
    assert '<section class="host" id="host-HV02">' in page
    assert "@media print" in page


def test_html_is_self_contained_and_escapes_everything():
    hostile = '<script>alert(1)</script>'
    report = seed_report([inventory(hostile, "KB2779069")])
    findings = report.hosts[0].findings
    at = next(i for i, f in enumerate(findings) if f.status is Status.MISSING)
    evil = replace(findings[at], title=hostile, download=("javascript:alert(1)", "http://x.test/a?b=1&c=2"))
    host = replace(report.hosts[0], findings=(*findings[:at], evil, *findings[at + 1:]))
    page = html.render(replace(report, hosts=(host,)))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page and 'href="http://x.test/a?b=1&amp;c=2"' in page
    assert not re.search(r"\bsrc=|<link|@import|url\(", page)  # no external assets of any kind


def test_html_empty_fleet():
    page = html.render(seed_report([]))
    assert "No applicable catalogue entries." in page and "<b>0</b>hosts" in page


def test_remediation_prefers_one_rollup_for_several_findings_and_the_newest_superseder():
    entries = [
        CatalogueEntry("KB3000001", "fix a", products=("ws2012",), included_in=("KB3000010",), sources=("t",)),
        CatalogueEntry("KB3000002", "fix b", products=("ws2012",), included_in=("KB3000010",), sources=("t",)),
        CatalogueEntry("KB3000010", "rollup", kind=Kind.UPDATE_ROLLUP, products=("ws2012",), sources=("t",),
                       download=("http://download.microsoft.com/rollup.msu",)),
        CatalogueEntry("KB3000003", "old fix", products=("ws2012",), sources=("t",)),
        CatalogueEntry("KB3000004", "newer fix", products=("ws2012",), supersedes=("KB3000003",), sources=("t",)),
        CatalogueEntry("KB3000005", "newest fix", products=("ws2012",), supersedes=("KB3000004",), sources=("t",)),
        CatalogueEntry("KB3000006", "newest for 2012 R2 only", products=("ws2012r2",), supersedes=("KB3000005",),
                       sources=("t",)),
    ]
    catalogue = Catalogue(entries)
    missing = tuple(Finding(kb, Status.MISSING, Kind.HOTFIX, kb) for kb in ("KB3000001", "KB3000002", "KB3000003"))
    host = HostResult("HV01", HostStatus.NONCOMPLIANT, "ws2012", (), None, inventory("HV01"), missing)
    assert remediate(catalogue, host) == (
        Remedy("KB3000010", "rollup", ("KB3000001", "KB3000002"), ("http://download.microsoft.com/rollup.msu",)),
        Remedy("KB3000005", "newest fix", ("KB3000003",)),
    )


def test_remediation_in_the_seed_report_and_text_format(report: Report):
    hv02 = next(h for h in report.hosts if h.host == "HV02")
    assert [(r.kb, r.resolves) for r in hv02.remediation] == [
        ("KB2999999", ("KB2905412", "KB2999999")), ("KB2908415", ("KB2908415",)), ("KB2894485", ("KB2894485",))]
    assert all(h.remediation == () for h in report.hosts if h.host != "HV02")
    text = remediation.render(report)
    assert text.startswith("HV02 (ws2012): install 3 package(s)\n  KB2999999  Newer TCP/IP fix")
    assert remediation.render(seed_report([])) == "nothing to install: no host is noncompliant\n"


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_bar_only_on_a_terminal():
    assert progress_bar("reading", FakeTerminal(False)) is None
    stream = FakeTerminal(True)
    draw = progress_bar("reading", stream, min_interval=0)
    assert draw is not None
    draw(1, 4)
    draw(4, 4)
    assert stream.getvalue() == ("\rreading [#######                       ] 1/4"
                                 "\rreading [##############################] 4/4\n")
