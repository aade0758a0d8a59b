"""Nagios/Icinga check: exit codes, status line with KB ids, perfdata."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from scanner.models import CatalogueInfo, Report
from scanner.reports.nagios import CRITICAL, OK, UNKNOWN, WARNING, Selection, check_result

from .conftest import inventory, seed_report

NOW = datetime(2013, 12, 20, 9, tzinfo=UTC)


def test_missing_is_critical_with_kb_ids_and_perfdata(report: Report):
    code, text = check_result(report, Selection("hv02.contoso.local"), now=NOW)
    assert code == CRITICAL
    assert text == ("KBSCAN CRITICAL - HV02: 4 missing (KB2894485, KB2905412, KB2908415, KB2999999) | missing=4;;1;0 "
                    "deferred=0;;;0 installed=3;;;0 superseded=0;;;0 included=1;;;0 exempt=0;;;0")


def test_compliant_host_is_ok_then_warning_when_a_deferral_falls_due(report: Report):
    assert check_result(report, Selection("HV01"), now=NOW)[0] == OK
    code, text = check_result(report, Selection("HV01"), warn_days=21, now=NOW)
    assert code == WARNING
    assert "HV01: 2 deferred falling due (KB2898774 due 2014-01-10, KB2903938 due 2014-01-10)" in text


def test_unknown_host_and_absent_host_are_unknown(report: Report):
    assert check_result(report, Selection("LAB1"), now=NOW)[0] == UNKNOWN
    assert check_result(report, Selection("NOPE"), now=NOW) == (
        UNKNOWN, "KBSCAN UNKNOWN - NOPE: no such host in the inventory paths")


def test_cluster_and_all_select_several_hosts(report: Report):
    code, text = check_result(report, Selection(cluster="clu1"), now=NOW)
    assert code == CRITICAL and text.split(" | ")[1].startswith("hosts=2;;;0 noncompliant=1;;1;0")
    code, text = check_result(report, Selection(all_hosts=True), now=NOW)
    assert code == CRITICAL  # critical is never hidden behind unknown
    assert "LAB1: unknown" in text and "1 unreadable inventory file(s)" in text


def test_stale_catalogue_is_a_warning():
    report = seed_report([inventory("HV09", "KB2779069", "KB2999999", "KB2908415", "KB2902014", "KB2894485")])
    old = replace(report, catalogue=CatalogueInfo("database", 8, datetime(2013, 10, 1, tzinfo=UTC)))
    code, text = check_result(old, Selection("HV09"), now=NOW)
    assert (code, "catalogue is 80 days old" in text) == (WARNING, True)


@pytest.mark.parametrize(("argv", "code"), [(["check", "--bogus"], 3), (["check"], 3)])
def test_plugin_usage_errors_are_unknown(argv: list[str], code: int):
    from scanner.cli import main

    assert main(argv) == code
