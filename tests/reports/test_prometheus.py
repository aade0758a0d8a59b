"""Prometheus text: parses with prometheus_client, right values, escaped labels, empty fleet."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from prometheus_client.parser import text_string_to_metric_families

from scanner.models import CatalogueInfo, Report, SourceHealth
from scanner.reports import prometheus

from .conftest import inventory, seed_report


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_seed_scenario_metrics(report: Report):
    found = samples(prometheus.render(replace(report, duration_seconds=0.25)))
    assert found[("kbscan_hosts", (("status", "compliant"),))] == 2
    assert found[("kbscan_hosts", (("status", "noncompliant"),))] == 1
    assert found[("kbscan_hosts", (("status", "unknown"),))] == 1
    hv02 = (("cluster", "CLU1"), ("host", "HV02"), ("os", "ws2012"))
    assert found[("kbscan_host_status", (*hv02, ("status", "noncompliant")))] == 1
    assert found[("kbscan_host_status", (*hv02, ("status", "compliant")))] == 0
    assert found[("kbscan_host_findings", (("host", "HV02"), ("status", "missing")))] == 4
    assert found[("kbscan_host_findings", (("host", "HV01"), ("status", "superseded")))] == 1
    assert found[("kbscan_host_next_due_timestamp_seconds", (("host", "HV01"),))] == datetime(
        2014, 1, 10, tzinfo=UTC).timestamp()
    assert found[("kbscan_catalogue_entries", (("origin", "database"),))] == 8
    refreshed = datetime(2013, 12, 19, 4, tzinfo=UTC).timestamp()
    assert found[("kbscan_catalogue_refreshed_timestamp_seconds", ())] == refreshed
    assert found[("kbscan_inventory_errors", ())] == 1
    assert found[("kbscan_source_up", (("source", "hyperv-2012"),))] == 1
    assert found[("kbscan_source_up", (("source", "community-list"),))] == 0
    assert found[("kbscan_source_state", (("source", "community-list"), ("state", "failed")))] == 1
    assert found[("kbscan_source_state", (("source", "community-list"), ("state", "ok")))] == 0
    assert found[("kbscan_source_entries", (("source", "hyperv-2012"),))] == 6
    assert found[("kbscan_cluster_consistent", (("cluster", "CLU1"),))] == 0
    assert found[("kbscan_scan_duration_seconds", ())] == 0.25
    assert found[("kbscan_scan_timestamp_seconds", ())] == datetime(2013, 12, 20, 8, tzinfo=UTC).timestamp()


def test_one_hot_host_status_sums_to_one_per_host(report: Report):
    found = samples(prometheus.render(report))
    per_host: dict[str, float] = {}
    for (name, labels), value in found.items():
        if name == "kbscan_host_status":
            host = dict(labels)["host"]
            per_host[host] = per_host.get(host, 0) + value
    assert per_host == {"HV01": 1, "HV02": 1, "HV05": 1, "LAB1": 1}
    assert found[("kbscan_host_status", (("cluster", ""), ("host", "LAB1"), ("os", ""), ("status", "unknown")))] == 1
    assert not any(name == "kbscan_host_next_due_timestamp_seconds" and dict(labels)["host"] != "HV01"
                   for name, labels in found)


def test_embedded_catalogue_has_no_refresh_time_and_no_duration_when_unmeasured(report: Report):
    found = samples(prometheus.render(replace(report, catalogue=CatalogueInfo("embedded", 7))))
    assert found[("kbscan_catalogue_entries", (("origin", "embedded"),))] == 7
    names = {name for name, _ in found}
    assert "kbscan_catalogue_refreshed_timestamp_seconds" not in names
    assert "kbscan_scan_duration_seconds" not in names and "kbscan_source_up" not in names


def test_every_family_has_help_and_type():
    text = prometheus.render(seed_report())
    names = {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")}
    helps = {line.split()[2] for line in text.splitlines() if line.startswith("# HELP")}
    assert names == helps and all(n.startswith("kbscan_") for n in names)


def test_odd_host_names_are_escaped():
    odd = 'a"b\\c\nd'
    text = prometheus.render(seed_report([inventory(odd, "KB2779069")]))
    found = samples(text)
    assert found[("kbscan_host_findings", (("host", odd), ("status", "missing")))] == 5
    assert 'host="a\\"b\\\\c\\nd"' in text
    odd_source = 'wiki "2012"\n\\'
    catalogue = CatalogueInfo("database", 1, None, (SourceHealth(odd_source, "https://x.test", "degraded"),))
    text = prometheus.render(replace(seed_report([]), catalogue=catalogue))
    assert samples(text)[("kbscan_source_state", (("source", odd_source), ("state", "degraded")))] == 1
    assert 'kbscan_source_up{source="wiki \\"2012\\"\\n\\\\"} 0' in text


def test_empty_fleet_still_parses():
    found = samples(prometheus.render(seed_report([])))
    assert found[("kbscan_hosts", (("status", "compliant"),))] == 0
    assert not any(name == "kbscan_host_status" for name, _ in found)


def series(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {labels: value for (sample, labels), value in samples(text).items() if sample == name}


def test_per_kb_series_only_for_kbs_that_need_action_and_totals_per_status(report: Report):
    text = prometheus.render(report)
    kb_hosts = series(text, "kbscan_kb_hosts")
    shown = {dict(labels)["kb"] for labels in kb_hosts}
    assert shown == {"KB2779069", "KB2894485", "KB2898774", "KB2903938", "KB2905412", "KB2908415", "KB2999999"}
    assert {(dict(labels)["kb"], dict(labels)["status"]): v for labels, v in kb_hosts.items() if v} == {
        ("KB2779069", "exempt"): 1, ("KB2894485", "missing"): 1, ("KB2898774", "deferred"): 1,
        ("KB2903938", "deferred"): 1, ("KB2905412", "missing"): 1, ("KB2908415", "missing"): 1,
        ("KB2999999", "missing"): 1}
    assert len(kb_hosts) == 3 * len(shown)  # every action status of a shown KB, 0 included: no stale series
    assert series(text, "kbscan_kb_next_due_timestamp_seconds") == {
        (("kb", "KB2898774"),): datetime(2014, 1, 10, tzinfo=UTC).timestamp(),
        (("kb", "KB2903938"),): datetime(2014, 1, 10, tzinfo=UTC).timestamp()}
    assert series(text, "kbscan_findings") == {
        (("status", "installed"),): 14, (("status", "superseded"),): 1, (("status", "included"),): 2,
        (("status", "exempt"),): 1, (("status", "deferred"),): 2, (("status", "missing"),): 4}


def test_kbs_covered_everywhere_have_no_series_of_their_own():
    everything = ("KB2779069", "KB2908415", "KB2902014", "KB2894485", "KB2903938", "KB2999999")
    covered = seed_report([inventory(f"HV{n:02d}", *everything) for n in range(1, 9)])
    assert {str(f.status) for h in covered.hosts for f in h.findings} == {"installed", "superseded", "included"}
    found = samples(prometheus.render(covered))
    assert not any("kb" in dict(labels) for _, labels in found)
    per_host = [name for name, labels in found if dict(labels).get("host") == "HV01"]
    assert sorted(per_host) == ["kbscan_host_findings"] * 6 + ["kbscan_host_status"] * 3
    assert sum(v for (name, _), v in found.items() if name == "kbscan_findings") == sum(
        len(h.findings) for h in covered.hosts)
