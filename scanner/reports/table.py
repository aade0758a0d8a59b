"""The human table: the KBs that need action, the hosts needing attention, their findings, then errors and warnings.

It grows with what needs action, not with hosts x catalogue entries: covered KBs are counted (the OK
column), never listed; compliant hosts with nothing pending are listed only in small fleets; long lists
stop at a stated limit and say where the rest is (the JSON report).
"""

from __future__ import annotations

from collections.abc import Sequence

from scanner.models import ACTION, COVERED, HostResult, HostStatus, Report, Status
from scanner.reports.findings import ACTION_ORDER, kb_actions, needs_attention

QUIET_HOSTS = 50  # compliant hosts with nothing pending are rows only up to this many
FINDING_ROWS = 200  # host x KB rows under "Needs action"
CLUSTERS = 50  # inconsistent clusters listed
DIFFERENCES = 10  # KBs listed per inconsistent cluster
_HOST_ORDER = {HostStatus.NONCOMPLIANT: 0, HostStatus.UNKNOWN: 1, HostStatus.COMPLIANT: 2}
_MORE = "kbscan scan --format json --findings action lists them all"


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def _host_row(host: HostResult) -> tuple[str, ...]:
    counts = {s: host.count(s) for s in Status}
    covered = sum(counts[s] for s in COVERED)
    return (host.host, str(host.status), host.os or "?", host.cluster or "-",
            str(covered), str(counts[Status.MISSING]), str(counts[Status.DEFERRED]),
            str(counts[Status.EXEMPT]), "; ".join(host.reasons))


def _by_kb(report: Report) -> list[str]:
    actions = kb_actions(report.hosts)
    if not actions:
        return []
    rows: list[tuple[str, ...]] = [("KB", "MISSING", "DEFERRED", "EXEMPT", "NEXT DUE", "TITLE")]
    rows += [(a.kb, *(str(a.count(s)) for s in ACTION_ORDER), a.due.isoformat() if a.due else "", a.title)
             for a in actions]
    return ["", "Needs action, by KB (hosts per status):", *_columns(rows)]


def _hosts(report: Report) -> list[str]:
    if not report.hosts:
        return ["no hosts found in the inventory paths"]
    attention = sorted((h for h in report.hosts if needs_attention(h)), key=lambda h: (_HOST_ORDER[h.status], h.host))
    quiet = [h for h in report.hosts if not needs_attention(h)]
    shown = quiet if len(quiet) <= QUIET_HOSTS else []
    header = ("HOST", "STATUS", "OS", "CLUSTER", "OK", "MISSING", "DEFERRED", "EXEMPT", "REASONS")
    lines = _columns([header, *(_host_row(h) for h in (*attention, *shown))]) if attention or shown else []
    if quiet and not shown:
        lines.append(f"... and {len(quiet)} compliant hosts with nothing pending (--format json lists them)")
    return lines


def _findings(report: Report) -> list[str]:
    attention = sorted((h for h in report.hosts if needs_attention(h)), key=lambda h: (_HOST_ORDER[h.status], h.host))
    action = [(h, f) for h in attention for f in h.findings if f.status in ACTION]
    if not action:
        return []
    rows: list[tuple[str, ...]] = [("HOST", "KB", "STATUS", "DUE/VIA/REASON", "TITLE")]
    for host, finding in action[:FINDING_ROWS]:
        detail = ""
        if finding.status is Status.DEFERRED and finding.due:
            detail = f"due {finding.due.isoformat()} via {finding.via}"
        elif finding.status is Status.EXEMPT:
            detail = f"{finding.reason} until {finding.until.isoformat() if finding.until else '?'}"
        elif finding.reason:
            detail = finding.reason
        if finding.requires_roles:
            detail = "; ".join(d for d in (detail, f"needs roles {', '.join(finding.requires_roles)}") if d)
        rows.append((host.host, finding.kb, str(finding.status), detail, finding.title))
    lines = ["", "Needs action:", *_columns(rows)]
    if len(action) > FINDING_ROWS:
        lines.append(f"... and {len(action) - FINDING_ROWS} more ({_MORE})")
    return lines


def _clusters(report: Report) -> list[str]:
    inconsistent = [c for c in report.clusters if not c.consistent]
    lines: list[str] = []
    for cluster in inconsistent[:CLUSTERS]:
        lines += ["", f"Cluster {cluster.name} is inconsistent:"]
        for diff in cluster.differences[:DIFFERENCES]:
            lines.append(f"  {diff.kb}: on {', '.join(diff.installed_on)}; not on {', '.join(diff.missing_on)}")
        if len(cluster.differences) > DIFFERENCES:
            lines.append(f"  ... and {len(cluster.differences) - DIFFERENCES} more KBs")
    if len(inconsistent) > CLUSTERS:
        lines += ["", f"... and {len(inconsistent) - CLUSTERS} more inconsistent clusters (--format json lists them)"]
    return lines


def render(report: Report) -> str:
    catalogue = report.catalogue
    lines = [f"kbscan report as of {report.as_of.isoformat()} — catalogue: {catalogue.origin}, "
             f"{catalogue.entries} entries"]
    summary = ", ".join(f"{report.hosts_with(s)} {s}" for s in ("compliant", "noncompliant", "unknown"))
    lines.append(f"{len(report.hosts)} hosts: {summary}")
    lines += _by_kb(report)
    lines.append("")
    lines += _hosts(report)
    lines += _findings(report)
    lines += _clusters(report)
    if report.errors:
        lines += ["", "Unreadable inventories:"]
        lines += [f"  {e.path}: {e.error}" for e in report.errors]
    if report.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  {w}" for w in report.warnings]
    return "\n".join(lines) + "\n"
