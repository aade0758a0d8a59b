"""The text table: KBs needing action first, then hosts needing attention, their findings; bounded at scale."""

from __future__ import annotations

from dataclasses import replace

from scanner.models import Report
from scanner.reports import table

from .conftest import inventory, seed_report

EVERYTHING = ("KB2779069", "KB2908415", "KB2902014", "KB2894485", "KB2903938", "KB2999999")  # covers all 8


def section(text: str, start: str) -> list[str]:
    """The lines from `start` to the next blank line."""
    lines = text.splitlines()
    at = lines.index(start)
    end = lines.index("", at) if "" in lines[at:] else len(lines)
    return [line.rstrip() for line in lines[at:end]]


def test_kbs_needing_action_come_first_then_hosts_needing_attention(report: Report):
    text = table.render(report)
    assert text.splitlines()[:3] == ["kbscan report as of 2013-12-20 — catalogue: database, 8 entries",
                                     "4 hosts: 2 compliant, 1 noncompliant, 1 unknown", ""]
    assert [line[:48].rstrip() for line in section(text, "Needs action, by KB (hosts per status):")] == [
        "Needs action, by KB (hosts per status):",
        "KB         MISSING  DEFERRED  EXEMPT  NEXT DUE",
        "KB2894485  1        0         0",
        "KB2905412  1        0         0",
        "KB2908415  1        0         0",
        "KB2999999  1        0         0",
        "KB2898774  0        1         0       2014-01-10",
        "KB2903938  0        1         0       2014-01-10",
        "KB2779069  0        0         1",
    ]
    hosts = section(text, "HOST  STATUS        OS      CLUSTER  OK  MISSING  DEFERRED  EXEMPT  REASONS")
    assert [line[:83].rstrip() for line in hosts[1:]] == [
        "HV02  noncompliant  ws2012  CLU1     4   4        0         0",
        "LAB1  unknown       ?       -        0   0        0         0       product unknown",
        "HV01  compliant     ws2012  CLU1     6   0        2         0",
        "HV05  compliant     ws2012  CLU2     7   0        0         1",
    ]
    findings = section(text, "Needs action:")
    assert [line[:55].rstrip() for line in findings[2:]] == [
        "HV02  KB2894485  missing", "HV02  KB2905412  missing", "HV02  KB2908415  missing",
        "HV02  KB2999999  missing",
        "HV01  KB2898774  deferred  due 2014-01-10 via KB2903938",
        "HV01  KB2903938  deferred  due 2014-01-10 via KB2903938",
        "HV05  KB2779069  exempt    case 1234 until 2014-06-30",
    ]
    assert "  /inv/broken.json: the JSON is cut off" in text


def test_small_fleets_list_quiet_hosts_too():
    text = table.render(seed_report([inventory("HV01", *EVERYTHING), inventory("HV02", "KB2779069")]))
    header = next(line for line in text.splitlines() if line.startswith("HOST  STATUS"))
    assert [line.split()[:6] for line in section(text, header)[1:]] == [
        ["HV02", "noncompliant", "ws2012", "CLU1", "1", "5"], ["HV01", "compliant", "ws2012", "CLU1", "8", "0"]]


def test_a_large_fleet_counts_quiet_hosts_and_stops_long_lists_with_how_many_more():
    quiet = [inventory(f"Q{n:03d}", *EVERYTHING, cluster=f"Q{n // 4}") for n in range(60)]
    # 41 hosts with 7 KBs each missing or deferred: 287 rows, 200 shown; their cluster's nodes do not differ
    busy = [inventory(f"B{n:03d}", "KB2779069", cluster="BIG") for n in range(41)]
    text = table.render(replace(seed_report([*quiet, *busy]), warnings=()))
    lines = text.splitlines()
    assert "... and 60 compliant hosts with nothing pending (--format json lists them)" in lines
    assert not any(line.startswith("Q0") for line in lines)
    rows = section(text, "Needs action:")
    assert len(rows) == 2 + table.FINDING_ROWS + 1
    assert rows[-1] == "... and 87 more (kbscan scan --format json --findings action lists them all)"
    assert sum(1 for line in lines if line.startswith("B0")) == 41 + table.FINDING_ROWS


def test_a_finding_evaluated_with_assumed_roles_says_which():
    report = seed_report([inventory("HV01", "KB2779069", "KB2902014")])
    host = report.hosts[0]
    marked = tuple(replace(f, requires_roles=("failover-clustering",)) if f.kb == "KB2908415" else f
                   for f in host.findings)
    text = table.render(replace(report, hosts=(replace(host, findings=marked),)))
    rows = [line[:60].rstrip() for line in section(text, "Needs action:")]
    assert "HV01  KB2908415  missing   needs roles failover-clustering" in rows
