"""Prometheus text exposition (node_exporter textfile collector format) of a Report.

Every family is a gauge with `# HELP` and `# TYPE`. Enumerations are one-hot (kube-state-metrics
style): `kbscan_host_status{host,cluster,os,status}` is 1 for the host's status and 0 for the other
two, so `== 1` selects and `sum by (status)` counts, and a status change never leaves a stale series.
Times are `_timestamp_seconds` (Unix time), durations `_seconds`. Label values are escaped.

Series stay bounded whatever the catalogue's size: per host a fixed number, per KB only for the KBs that
need action somewhere (missing, deferred or exempt on some host); a KB that is covered everywhere has no
series of its own, it is counted in `kbscan_findings{status}`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime

from scanner.models import HostStatus, Report, Status
from scanner.reports.findings import ACTION_ORDER, counts, kb_actions

log = logging.getLogger(__name__)
SOURCE_STATES = ("ok", "degraded", "failed", "never", "embedded")


def escape(value: str) -> str:
    """Label value escaping per the exposition format: backslash, double quote, newline."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: str | None) -> str:
    shown = [f'{key}="{escape(value or "")}"' for key, value in labels.items()]
    return "{" + ",".join(shown) + "}" if shown else ""


def _stamp(value: datetime) -> float:
    return value.astimezone(UTC).timestamp()


def _day(value: date) -> float:
    return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()


class _Metrics:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str, samples: Iterable[tuple[str, float]]) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        self.lines += [f"{name}{labels} {_number(value)}" for labels, value in samples]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def render(report: Report) -> str:
    return verdicts(report) + scan_time(report.generated_at, report.duration_seconds)


def verdicts(report: Report) -> str:
    """Every family but the scan's time (scan_time): what the verdicts say."""
    metrics = _Metrics()
    metrics.family("kbscan_hosts", "gauge", "Hosts in the last scan by status.",
                   ((_labels(status=str(s)), report.hosts_with(s)) for s in HostStatus))
    metrics.family("kbscan_host_status", "gauge",
                   "1 for the host's current status (compliant, noncompliant, unknown), 0 for the others.",
                   ((_labels(host=h.host, cluster=h.cluster, os=h.os, status=str(s)), 1 if h.status == s else 0)
                    for h in report.hosts for s in HostStatus))
    per_host = [(h.host, counts(h)) for h in report.hosts]
    metrics.family("kbscan_host_findings", "gauge", "Applicable catalogue entries per host by finding status.",
                   ((_labels(host=host, status=s), n) for host, found in per_host for s, n in found.items()))
    metrics.family("kbscan_findings", "gauge", "Applicable catalogue entries over all hosts by finding status.",
                   ((_labels(status=str(s)), sum(found[s] for _, found in per_host)) for s in Status))
    actions = kb_actions(report.hosts)
    metrics.family("kbscan_kb_hosts", "gauge",
                   "Hosts on which a KB is missing, deferred or exempt; only KBs that need action somewhere.",
                   ((_labels(kb=a.kb, status=str(s)), a.count(s)) for a in actions for s in ACTION_ORDER))
    metrics.family("kbscan_kb_next_due_timestamp_seconds", "gauge",
                   "When a deferred KB first falls due on some host (start of that day, UTC).",
                   ((_labels(kb=a.kb), _day(a.due)) for a in actions if a.due is not None))
    due = [(h.host, min(dues)) for h in report.hosts
           if (dues := [f.due for f in h.tallied().action if f.status is Status.DEFERRED and f.due is not None])]
    metrics.family("kbscan_host_next_due_timestamp_seconds", "gauge",
                   "When the host's earliest deferred update falls due (start of that day, UTC).",
                   ((_labels(host=host), _day(day)) for host, day in due))
    metrics.family("kbscan_inventory_errors", "gauge", "Inventory files that could not be read in the last scan.",
                   [("", len(report.errors))])
    catalogue = report.catalogue
    metrics.family("kbscan_catalogue_entries", "gauge", "Entries in the catalogue the scan used.",
                   [(_labels(origin=catalogue.origin), catalogue.entries)])
    if catalogue.refreshed_at is not None:
        metrics.family("kbscan_catalogue_refreshed_timestamp_seconds", "gauge",
                       "When a refresh last had news from a source.", [("", _stamp(catalogue.refreshed_at))])
    metrics.family("kbscan_source_up", "gauge", "1 when the source's last refresh was ok, else 0.",
                   ((_labels(source=s.name), 1 if s.state == "ok" else 0) for s in catalogue.sources))
    metrics.family("kbscan_source_state", "gauge", "1 for the source's state at its last refresh, 0 for the others.",
                   ((_labels(source=s.name, state=state), 1 if s.state == state else 0) for s in catalogue.sources
                    for state in dict.fromkeys((*SOURCE_STATES, s.state))))
    metrics.family("kbscan_source_entries", "gauge", "Entries each source gave at its last good refresh.",
                   ((_labels(source=s.name), s.entries) for s in catalogue.sources))
    metrics.family("kbscan_cluster_consistent", "gauge", "1 when every node of the cluster has the same KBs.",
                   ((_labels(cluster=c.name), 1 if c.consistent else 0) for c in report.clusters))
    log.debug("prometheus: %d lines", len(metrics.lines))
    return "\n".join(metrics.lines) + "\n"


def scan_time(at: datetime, duration: float | None) -> str:
    """The last two families: when the scan ran and how long it took. The daemon appends them to the verdicts
    it rendered before when a scan found nothing changed (monitoring alerts on the scan's age)."""
    metrics = _Metrics()
    metrics.family("kbscan_scan_timestamp_seconds", "gauge", "When the scan ran.", [("", _stamp(at))])
    if duration is not None:
        metrics.family("kbscan_scan_duration_seconds", "gauge", "How long the scan took.", [("", round(duration, 6))])
    return "\n".join(metrics.lines) + "\n"
