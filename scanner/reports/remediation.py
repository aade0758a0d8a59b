"""`--format remediation`: per noncompliant host, the packages to install and what each resolves."""

from __future__ import annotations

from scanner.models import HostStatus, Report
from scanner.remediation import headline

IDS_PER_LINE = 20  # a cumulative update can resolve hundreds: the JSON report lists them all


def render(report: Report) -> str:
    lines: list[str] = []
    for host in report.hosts:
        if host.status is not HostStatus.NONCOMPLIANT:
            continue
        lines.append(f"{host.host} ({host.os}): install {len(host.remediation)} package(s)")
        lead = headline(host)
        if lead is not None:
            lines.append(f"  {lead}")
        for remedy in host.remediation:
            lines.append(f"  {remedy.kb}  {remedy.title}")
            shown = ", ".join(remedy.resolves[:IDS_PER_LINE])
            more = len(remedy.resolves) - IDS_PER_LINE
            tail = f" and {more} more (--format json lists them)" if more > 0 else ""
            lines.append(f"      resolves {shown}{tail}")
            lines += [f"      {url}" for url in remedy.download]
    if not lines:
        lines.append("nothing to install: no host is noncompliant")
    return "\n".join(lines) + "\n"
