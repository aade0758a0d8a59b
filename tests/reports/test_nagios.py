"""Nagios/Icinga check: exit codes, status line with KB ids, perfdata, and the CLI's mapping of failures."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scanner.models import CatalogueInfo, Report
from scanner.reports.nagios import CRITICAL, OK, UNKNOWN, WARNING, Selection, check_result
from tests.seed import seed_only  # noqa: F401  (the fixture)

from .conftest import inventory, seed_report

NOW = datetime(2013, 12, 20, 9, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]
# Nagios plugin guidelines: 'label'=value[UOM];[warn];[crit];[min];[max], ranges like 10, 10:, ~:10, @10:20
RANGE = r"(@?(~|-?\d+(\.\d+)?)?(:(-?\d+(\.\d+)?)?)?)?"
PERFDATA = re.compile(rf"^[a-z_]+=-?\d+(\.\d+)?(s|%|B|KB|MB|TB|c)?(;{RANGE}){{0,2}}(;-?\d*){{0,2}}$")
HV01_OK = ("KBSCAN OK - HV01: compliant, 2 deferred (KB2898774 due 2014-01-10, KB2903938 due 2014-01-10) | "
           "missing=0;;0;0 deferred=2;;;0 installed=5;;;0 superseded=1;;;0 included=0;;;0 exempt=0;;;0 "
           "next_due_days=21;;;0 catalogue_age_days=1;30;;0")


def test_missing_is_critical_with_kb_ids_and_perfdata(report: Report):
    code, text = check_result(report, Selection("hv02.contoso.local"), now=NOW)
    assert (code, text) == (CRITICAL, (
        "KBSCAN CRITICAL - HV02: 4 missing (KB2894485, KB2905412, KB2908415, KB2999999) | missing=4;;0;0 "
        "deferred=0;;;0 installed=3;;;0 superseded=0;;;0 included=1;;;0 exempt=0;;;0 catalogue_age_days=1;30;;0"))


def test_compliant_host_is_ok_and_names_its_deferred_kbs(report: Report):
    assert check_result(report, Selection("HV01"), now=NOW) == (OK, HV01_OK)


def test_deferred_kb_falling_due_within_warn_days_is_a_warning(report: Report):
    assert check_result(report, Selection("HV01"), warn_days=20, now=NOW)[0] == OK
    code, text = check_result(report, Selection("HV01"), warn_days=21, now=NOW)
    assert code == WARNING
    assert text.startswith("KBSCAN WARNING - HV01: 2 deferred (KB2898774 due 2014-01-10, KB2903938 due 2014-01-10),"
                           " due within 21 days | ")


def test_critical_line_lists_missing_then_deferred():
    report = seed_report([inventory("HV07", "KB2779069", "KB2999999", "KB2902014")])
    code, text = check_result(report, Selection("HV07"), now=NOW)
    assert code == CRITICAL
    assert text.startswith("KBSCAN CRITICAL - HV07: 2 missing (KB2894485, KB2908415), "
                           "2 deferred (KB2898774 due 2014-01-10, KB2903938 due 2014-01-10) | missing=2;;0;0 ")


def test_unknown_host_and_absent_host_are_unknown(report: Report):
    code, text = check_result(report, Selection("LAB1"), now=NOW)
    assert (code, text.split(" | ")[0]) == (UNKNOWN, 'KBSCAN UNKNOWN - LAB1: unknown (product unknown (no OS caption, '
                                                     'version unknown); add os = "..." to a matching [[hosts]] group)')
    assert check_result(report, Selection("NOPE"), now=NOW) == (UNKNOWN, (
        "KBSCAN UNKNOWN - NOPE: not found in the inventory paths (1 inventory file(s) unreadable, "
        "e.g. /inv/broken.json)"))


def test_stale_inventory_is_unknown_even_with_missing_kbs():
    stale = replace(inventory("HV08", "KB2779069"), collected_at=datetime(2013, 11, 1, tzinfo=UTC))
    code, text = check_result(seed_report([stale]), Selection("HV08"), now=NOW)
    assert code == UNKNOWN
    assert "HV08: unknown (inventory collected 2013-11-01, older than max_inventory_age (7 days)), 5 missing" in text


def test_cluster_and_all_select_several_hosts(report: Report):
    code, text = check_result(report, Selection(cluster="clu1"), now=NOW)
    assert code == CRITICAL
    assert text.startswith("KBSCAN CRITICAL - cluster clu1: 1 of 2 hosts need attention; HV02: 4 missing (")
    assert text.split(" | ")[1].startswith("hosts=2;;;0 noncompliant=1;;0;0 unknown=0;;;0 missing=4;;0;0")
    code, text = check_result(report, Selection(all_hosts=True), now=NOW)
    assert code == CRITICAL  # a missing KB is never hidden behind an unknown host
    assert "all hosts: 2 of 4 hosts need attention; HV02: 4 missing" in text
    assert "; LAB1: unknown (" in text and "; 1 unreadable inventory file(s) (/inv/broken.json) |" in text


def test_compliant_cluster_summary_and_empty_cluster():
    report = seed_report([inventory("HV01", "KB2779069", "KB2999999", "KB2908415", "KB2902014", "KB2894485"),
                          inventory("HV05", "KB2779069", "KB2999999", "KB2908415", "KB2902014", "KB2894485")])
    code, text = check_result(report, Selection(cluster="CLU1"), now=NOW)
    assert (code, text.split(" | ")[0]) == (OK, "KBSCAN OK - cluster CLU1: 2 hosts compliant, 4 deferred, "
                                                "next due 2014-01-10")
    assert check_result(report, Selection(cluster="CLU9"), now=NOW)[0] == UNKNOWN


def test_many_hosts_needing_attention_go_to_the_long_output():
    report = seed_report([inventory(f"HV{n:02}", "KB2779069") for n in range(1, 9)])
    code, text = check_result(report, Selection(all_hosts=True), now=NOW)
    first, *more = text.split("\n")
    assert code == CRITICAL and first.count(" missing (") == 5 and "; 3 more below" in first
    assert [line.split(":")[0] for line in more] == [f"HV{n:02}" for n in range(1, 9)]


def test_stale_or_empty_catalogue():
    report = seed_report([inventory("HV09", "KB2779069", "KB2999999", "KB2908415", "KB2902014", "KB2894485")])
    old = replace(report, catalogue=CatalogueInfo("database", 8, datetime(2013, 10, 1, tzinfo=UTC)))
    code, text = check_result(old, Selection("HV09"), now=NOW)
    assert code == WARNING
    assert "; catalogue is 80 days old (run: kbscan catalogue refresh) |" in text
    assert text.endswith(" catalogue_age_days=80;30;;0")
    assert check_result(old, Selection("HV09"), max_catalogue_age=90, now=NOW)[0] == OK
    empty = replace(report, catalogue=CatalogueInfo("embedded", 0))
    assert check_result(empty, Selection("HV09"), now=NOW)[0] == UNKNOWN


def test_status_line_is_one_line_and_perfdata_follows_the_guidelines():
    odd = inventory("HV|X", "KB2779069", os=None)
    odd = replace(odd, os_caption="Windows |\nServer")
    code, text = check_result(seed_report([odd]), Selection("HV|X"), now=NOW)
    assert code == UNKNOWN and "\n" not in text and text.count("|") == 1
    for selection in (Selection("HV01"), Selection("HV02"), Selection(cluster="CLU1"), Selection(all_hosts=True)):
        perfdata = check_result(seed_report(), selection, now=NOW)[1].split("\n")[0].split(" | ")[1]
        assert all(PERFDATA.match(part) for part in perfdata.split(" ")), perfdata


def run(argv: list[str]) -> tuple[int, str]:
    from scanner.cli import main

    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue()


@pytest.mark.parametrize(("argv", "code"), [(["check", "--bogus"], 3), (["check"], 3),
                                            (["check", "HV01", "--all"], 3), (["scan", "--format", "check"], 2)])
def test_plugin_usage_errors_are_unknown(argv: list[str], code: int):
    assert run(argv)[0] == code


@pytest.mark.usefixtures("seed_only")  # the statuses below are those of the seven seed entries
def test_check_command_on_the_example_fleet(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    base = ["--config", "examples/config.toml", "check", "--at", "2013-12-20"]
    code, out = run([*base, "HV02"])
    assert code == CRITICAL and out.startswith("KBSCAN CRITICAL - HV02: 1 missing (KB2908415) | missing=1;;0;0 ")
    assert run([*base, "HV01"])[0] == OK
    assert run([*base, "HV01", "--warn-days", "30"])[0] == WARNING
    assert run([*base, "HYPERV-LAB"])[0] == UNKNOWN
    assert run([*base, "HV03"]) == (UNKNOWN, "KBSCAN UNKNOWN - HV03: not found in the inventory paths (1 inventory "
                                             "file(s) unreadable, e.g. examples/inventory/HV03-broken.json)\n")
    assert run([*base, "--all"])[0] == CRITICAL
    assert run([*base, "--cluster", "CLU1", "--path", "examples/inventory/HV01.json"])[0] == OK


def test_every_failure_of_the_check_is_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    broken = tmp_path / "config.toml"
    broken.write_text("state_dir = [\n")
    code, out = run(["--config", str(broken), "check", "HV01"])
    assert code == UNKNOWN and out.startswith("KBSCAN UNKNOWN - ") and out.count("\n") == 1
    empty = tmp_path / "empty.toml"
    empty.write_text(f'state_dir = "{tmp_path}"\n')
    assert run(["--config", str(empty), "check", "HV01"]) == (
        UNKNOWN, "KBSCAN UNKNOWN - no inventory paths: pass --path or set [inventory] paths in the config\n")

    def crash(*args: object, **kwargs: object) -> Report:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("scanner.pipeline.run_scan", crash)
    assert run(["--config", str(empty), "check", "HV01", "--path", str(tmp_path)]) == (
        UNKNOWN, "KBSCAN UNKNOWN - internal error: RuntimeError: disk on fire\n")


def test_a_host_missing_hundreds_of_kbs_names_ten_and_counts_the_rest():
    report = seed_report([inventory("HV01")])
    host = report.hosts[0]
    template = next(f for f in host.findings if str(f.status) == "missing")
    many = tuple(replace(template, kb=f"KB{3000000 + n}") for n in range(300))
    code, text = check_result(replace(report, hosts=(replace(host, findings=many),)), Selection("HV01"), now=NOW)
    status = text.split(" | ")[0]
    assert (code, status) == (CRITICAL, "KBSCAN CRITICAL - HV01: 300 missing (" + ", ".join(
        f"KB{3000000 + n}" for n in range(10)) + " and 290 more)")
    assert "missing=300;;0;0" in text and len(text) < 400
