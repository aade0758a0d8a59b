"""The human table: one line per host, then the findings that need action, then errors and warnings."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.models import HostResult, Report, Status

ACTION = (Status.MISSING, Status.DEFERRED)


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def _host_row(host: HostResult) -> tuple[str, ...]:
    counts = {s: host.count(s) for s in Status}
    covered = counts[Status.INSTALLED] + counts[Status.SUPERSEDED] + counts[Status.INCLUDED]
    return (host.host, str(host.status), host.os or "?", host.cluster or "-",
            str(covered), str(counts[Status.MISSING]), str(counts[Status.DEFERRED]),
            str(counts[Status.EXEMPT]), "; ".join(host.reasons))


def render(report: Report) -> str:
    catalogue = report.catalogue
    lines = [f"kbscan report as of {report.as_of.isoformat()} — catalogue: {catalogue.origin}, "
             f"{catalogue.entries} entries"]
    summary = ", ".join(f"{report.hosts_with(s)} {s}" for s in ("compliant", "noncompliant", "unknown"))
    lines.append(f"{len(report.hosts)} hosts: {summary}")
    lines.append("")
    if report.hosts:
        header = ("HOST", "STATUS", "OS", "CLUSTER", "OK", "MISSING", "DEFERRED", "EXEMPT", "REASONS")
        lines += _columns([header, *(_host_row(h) for h in report.hosts)])
    else:
        lines.append("no hosts found in the inventory paths")
    action = [(h, f) for h in report.hosts for f in h.findings if f.status in ACTION]
    if action:
        lines += ["", "Needs action:"]
        rows: list[tuple[str, ...]] = [("HOST", "KB", "STATUS", "DUE/VIA", "TITLE")]
        for host, finding in action:
            detail = ""
            if finding.status is Status.DEFERRED and finding.due:
                detail = f"due {finding.due.isoformat()} via {finding.via}"
            elif finding.reason:
                detail = finding.reason
            rows.append((host.host, finding.kb, str(finding.status), detail, finding.title))
        lines += _columns(rows)
    for cluster in report.clusters:
        if not cluster.consistent:
            lines += ["", f"Cluster {cluster.name} is inconsistent:"]
            for diff in cluster.differences:
                lines.append(f"  {diff.kb}: on {', '.join(diff.installed_on)}; "
                             f"not on {', '.join(diff.missing_on)}")
    if report.errors:
        lines += ["", "Unreadable inventories:"]
        lines += [f"  {e.path}: {e.error}" for e in report.errors]
    if report.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  {w}" for w in report.warnings]
    return "\n".join(lines) + "\n"
