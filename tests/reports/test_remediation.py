"""Remediation: greedy set cover over packages, newest applicable superseder, and the text format."""

from __future__ import annotations

from scanner.catalogue import Catalogue
from scanner.models import CatalogueEntry, Finding, HostResult, HostStatus, Kind, Remedy, Report, Status
from scanner.remediation import remediate
from scanner.reports import remediation

from .conftest import inventory, seed_report

ROLLUP = "http://download.microsoft.com/rollup.msu"


def entries() -> list[CatalogueEntry]:
    return [
        CatalogueEntry("KB3000001", "fix a", products=("ws2012",), included_in=("KB3000010",), sources=("t",)),
        CatalogueEntry("KB3000002", "fix b", products=("ws2012",), included_in=("KB3000010",), sources=("t",)),
        CatalogueEntry("KB3000010", "rollup", kind=Kind.UPDATE_ROLLUP, products=("ws2012",), sources=("t",),
                       download=(ROLLUP,)),
        CatalogueEntry("KB3000003", "old fix", products=("ws2012",), sources=("t",)),
        CatalogueEntry("KB3000004", "newer fix", products=("ws2012",), supersedes=("KB3000003",), sources=("t",)),
        CatalogueEntry("KB3000005", "newest fix", products=("ws2012",), supersedes=("KB3000004",), sources=("t",)),
        CatalogueEntry("KB3000006", "newest for 2012 R2 only", products=("ws2012r2",), supersedes=("KB3000005",),
                       sources=("t",)),
        CatalogueEntry("KB3000007", "only in an unknown rollup", products=("ws2012",), standalone=False,
                       included_in=("KB3000099",), sources=("t",)),
    ]


def host_missing(*kbs: str, os: str = "ws2012") -> HostResult:
    missing = tuple(Finding(kb, Status.MISSING, Kind.HOTFIX, kb) for kb in kbs)
    return HostResult("HV01", HostStatus.NONCOMPLIANT, os, (), None, inventory("HV01"), missing)


def test_one_rollup_covering_two_findings_counts_once_and_newest_applicable_superseder_wins():
    assert remediate(Catalogue(entries()), host_missing("KB3000001", "KB3000002", "KB3000003")) == (
        Remedy("KB3000010", "rollup", ("KB3000001", "KB3000002"), (ROLLUP,)),
        Remedy("KB3000005", "newest fix", ("KB3000003",)),
    )


def test_a_superseder_covering_several_findings_beats_installing_each():
    assert remediate(Catalogue(entries()), host_missing("KB3000003", "KB3000004")) == (
        Remedy("KB3000005", "newest fix", ("KB3000003", "KB3000004")),)


def test_kb_only_in_a_rollup_the_catalogue_does_not_know_names_that_rollup():
    assert remediate(Catalogue(entries()), host_missing("KB3000007")) == (
        Remedy("KB3000099", "KB3000099", ("KB3000007",)),)


def test_nothing_missing_or_product_unknown_needs_nothing():
    catalogue = Catalogue(entries())
    assert remediate(catalogue, host_missing()) == ()
    unknown = HostResult("LAB", HostStatus.UNKNOWN, None, (), None, inventory("LAB"),
                         (Finding("KB3000003", Status.MISSING, Kind.HOTFIX, "old fix"),))
    assert remediate(catalogue, unknown) == ()


def test_seed_report_remediation_and_text_format(report: Report):
    hv02 = next(h for h in report.hosts if h.host == "HV02")
    assert [(r.kb, r.resolves) for r in hv02.remediation] == [
        ("KB2999999", ("KB2905412", "KB2999999")), ("KB2908415", ("KB2908415",)), ("KB2894485", ("KB2894485",))]
    assert all(h.remediation == () for h in report.hosts if h.host != "HV02")
    text = remediation.render(report)
    assert text.startswith("HV02 (ws2012): install 3 package(s)\n"
                           "  install KB2999999: resolves 2 of 4 missing; 2 more packages resolve the other 2\n"
                           "  KB2999999  Newer TCP/IP fix that replaces KB2905412\n"
                           "      resolves KB2905412, KB2999999\n"
                           "      http://download.microsoft.com/newer.msu\n"
                           "  KB2908415  ")
    assert remediation.render(seed_report([])) == "nothing to install: no host is noncompliant\n"
