"""HTML report: summary, matrix grouped by cluster, host details, escaping, self-contained, empty fleet."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from typing import ClassVar

from scanner.models import Report, Status
from scanner.reports import html

from .conftest import inventory, seed_report


class Tags(HTMLParser):
    """Every start tag with its attributes, and a check that each opened element is closed in order."""

    VOID: ClassVar[set[str]] = {"meta", "br", "link", "img", "input", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    assert tags.stack == []
    return tags


def test_summary_matrix_and_details(report: Report):
    page = html.render(report)
    assert page.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in page
    assert ("generated 2013-12-20 08:00 UTC; catalogue: database, 8 entries, refreshed 2013-12-19 04:00 UTC"
            in page)
    assert "sources: hyperv-2012 ok, community-list failed" in page
    assert '<div class="card noncompliant"><b>1</b>noncompliant</div>' in page
    assert '<div class="card unknown"><b>1</b>unreadable files</div>' in page
    assert '<td class="s deferred" title="KB2898774 deferred via KB2903938">deferred<br>2014-01-10</td>' in page
    assert '<td class="s superseded" title="KB2905412 superseded via KB2999999">sup</td>' in page
    assert '<td class="s missing" title="KB2908415 missing">MISSING</td>' in page
    assert '<td class="s exempt" title="KB2779069 exempt">exempt</td>' in page
    groups = re.findall(r'scope="rowgroup">([^<]+)<', page)
    assert groups == ["cluster CLU1", "cluster CLU2", "not in a cluster"]
    assert '<section class="host" id="host-HV02">' in page and "<h4>Remediation: install 3 package(s)</h4>" in page
    assert ('<li><b>KB2999999</b> Newer TCP/IP fix that replaces KB2905412 (resolves KB2905412, KB2999999) '
            '<a href="http://download.microsoft.com/newer.msu" rel="noopener noreferrer">') in page
    assert "<td>due 2014-01-10 via KB2903938<br><a href=" in page
    assert "<td>case 1234; until 2014-06-30</td>" in page
    assert "LAB1</a></th><td class=\"unknown\">unknown</td>" + '<td class="s na" title="not evaluated">?</td>' in page
    assert "ok = installed; sup = superseded" in page  # the legend: colour is never the only signal
    assert "@media print" in page and "@media (max-width:600px)" in page
    parse(page)


def test_clusters_sort_naturally():
    page = html.render(seed_report([inventory("A", cluster="CLU10"), inventory("B", cluster="CLU2"),
                                    inventory("C", cluster=None), inventory("D", cluster="clu3")]))
    assert re.findall(r'scope="rowgroup">([^<]+)<', page) == [
        "cluster CLU2", "cluster clu3", "cluster CLU10", "not in a cluster"]


def test_self_contained_and_everything_escaped():
    hostile = "<script>alert(1)</script>"
    report = seed_report([inventory(hostile, "KB2779069", cluster='"><img src=x onerror=alert(1)>')])
    findings = report.hosts[0].findings
    at = next(i for i, f in enumerate(findings) if f.status is Status.MISSING)
    evil = replace(findings[at], title=hostile, reason="a & b <i>",
                   download=("javascript:alert(1)", "http://x.test/a?b=1&c=2\"onmouseover=\"x", "HTTPS://ok.test/"))
    host = replace(report.hosts[0], findings=(*findings[:at], evil, *findings[at + 1:]),
                   reasons=("<b>bold</b>",))
    page = html.render(replace(report, hosts=(host,)))
    assert "<script" not in page and "<img" not in page and "<i>" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "a &amp; b &lt;i&gt;" in page
    assert 'href="javascript' not in page and "javascript:alert(1)" in page  # shown as text, not a link
    assert 'href="http://x.test/a?b=1&amp;c=2&quot;onmouseover=&quot;x"' in page
    assert 'href="HTTPS://ok.test/"' in page
    assert 'src="http' not in page and "<link" not in page
    assert "@import" not in html.CSS and "url(" not in html.CSS
    tags = parse(page)
    assert all("src" not in attrs for _, attrs in tags.tags)
    assert {tag for tag, _ in tags.tags} <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3",
                                             "h4", "p", "div", "b", "table", "caption", "thead", "tbody", "tr",
                                             "th", "td", "a", "br", "section", "span", "ul", "li"}
    assert all(not name.startswith("on") for _, attrs in tags.tags for name in attrs)


def test_empty_fleet():
    page = html.render(seed_report([]))
    assert "No applicable catalogue entries." in page and "<b>0</b>hosts" in page
    assert "<section" not in page
    parse(page)
