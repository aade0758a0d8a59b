"""Pure Nagios/Icinga plugin logic: a Report -> exit code, status line with KB ids, and perfdata.

States, worst first: CRITICAL (2) when a selected host has a missing KB; UNKNOWN (3) when a selected
host is unknown (no product, stale) or was not found, or, for --all, an inventory file was unreadable;
WARNING (1) when a deferred KB falls due within `warn_days` or the stored catalogue is older than
`max_catalogue_age` days; else OK (0). A CRITICAL finding is never hidden behind an UNKNOWN one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scanner.models import HostResult, HostStatus, Report, Status

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}


@dataclass(frozen=True)
class Selection:
    host: str | None = None
    cluster: str | None = None
    all_hosts: bool = False

    def label(self) -> str:
        return self.host or (f"cluster {self.cluster}" if self.cluster else "all hosts")


def _select(report: Report, selection: Selection) -> list[HostResult]:
    if selection.all_hosts:
        return list(report.hosts)
    if selection.cluster:
        return [h for h in report.hosts if h.cluster and h.cluster.lower() == selection.cluster.lower()]
    wanted = (selection.host or "").upper().split(".")[0]
    return [h for h in report.hosts if h.host.upper() == wanted]


def _kbs(host: HostResult, status: Status) -> list[str]:
    return [f.kb for f in host.findings if f.status is status]


def _perfdata(hosts: list[HostResult]) -> str:
    counts = {s: sum(h.count(s) for h in hosts) for s in Status}
    parts = [f"missing={counts[Status.MISSING]};;1;0", f"deferred={counts[Status.DEFERRED]};;;0"]
    parts += [f"{s}={counts[s]};;;0" for s in (Status.INSTALLED, Status.SUPERSEDED, Status.INCLUDED, Status.EXEMPT)]
    if len(hosts) != 1:
        parts.insert(0, f"hosts={len(hosts)};;;0")
        parts.insert(1, f"noncompliant={sum(1 for h in hosts if h.status is HostStatus.NONCOMPLIANT)};;1;0")
    return " ".join(parts)


def check_result(report: Report, selection: Selection, *, warn_days: int = 7, max_catalogue_age: int = 30,
                 now: datetime) -> tuple[int, str]:
    """The plugin's exit code and output (status line, then perfdata after '|')."""
    hosts = _select(report, selection)
    if not hosts:
        return UNKNOWN, f"KBSCAN UNKNOWN - {selection.label()}: no such host in the inventory paths"
    problems: list[tuple[int, str]] = []
    horizon = report.as_of + timedelta(days=warn_days)
    for host in hosts:
        missing = _kbs(host, Status.MISSING)
        if missing:
            problems.append((CRITICAL, f"{host.host}: {len(missing)} missing ({', '.join(missing)})"))
        if host.status is HostStatus.UNKNOWN:
            problems.append((UNKNOWN, f"{host.host}: unknown ({'; '.join(host.reasons)})"))
        soon = [(f.kb, f.due) for f in host.findings if f.status is Status.DEFERRED and f.due and f.due <= horizon]
        if soon:
            shown = ", ".join(f"{kb} due {due.isoformat()}" for kb, due in soon if isinstance(due, date))
            problems.append((WARNING, f"{host.host}: {len(soon)} deferred falling due ({shown})"))
    if selection.all_hosts and report.errors:
        problems.append((UNKNOWN, f"{len(report.errors)} unreadable inventory file(s) ({report.errors[0].path})"))
    catalogue = report.catalogue
    if catalogue.origin == "database" and catalogue.refreshed_at is not None:
        age = (now - catalogue.refreshed_at).days
        if age > max_catalogue_age:
            problems.append((WARNING, f"catalogue is {age} days old (refresh it: kbscan catalogue refresh)"))
    order = (CRITICAL, UNKNOWN, WARNING)
    code = next((state for state in order if any(p[0] == state for p in problems)), OK)
    if code == OK:
        deferred = sum(h.count(Status.DEFERRED) for h in hosts)
        summary = f"{selection.label()}: compliant, {len(hosts)} host(s)" + (
            f", {deferred} deferred" if deferred else "")
    else:
        summary = "; ".join(text for state in order for p_state, text in problems if p_state == state)
    return code, f"KBSCAN {NAMES[code]} - {summary} | {_perfdata(hosts)}"
