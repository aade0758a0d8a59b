"""`--format remediation`: per noncompliant host, the packages to install and what each resolves."""

from __future__ import annotations

from scanner.models import HostStatus, Report


def render(report: Report) -> str:
    lines: list[str] = []
    for host in report.hosts:
        if host.status is not HostStatus.NONCOMPLIANT:
            continue
        lines.append(f"{host.host} ({host.os}): install {len(host.remediation)} package(s)")
        for remedy in host.remediation:
            lines.append(f"  {remedy.kb}  {remedy.title}")
            lines.append(f"      resolves {', '.join(remedy.resolves)}")
            lines += [f"      {url}" for url in remedy.download]
    if not lines:
        lines.append("nothing to install: no host is noncompliant")
    return "\n".join(lines) + "\n"
