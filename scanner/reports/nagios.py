"""Pure Nagios/Icinga plugin logic: a Report -> exit code, status line with KB ids, and perfdata.

A host is CRITICAL (2) with a missing KB, UNKNOWN (3) when its verdict is unknown (no product, stale
or unreadable inventory) or it is not in the report, WARNING (1) when a deferred KB falls due within
`warn_days`, else OK (0). Several hosts (--cluster, --all) take the worst, in the order CRITICAL,
UNKNOWN, WARNING, OK, so a missing KB is never hidden behind an unreadable neighbour. Whole-report
problems: no catalogue entries is UNKNOWN, a stored catalogue older than `max_catalogue_age` days is
WARNING, and with --all an unreadable inventory file is UNKNOWN.

Output follows the Nagios plugin guidelines: one status line, ` | ` then perfdata
(`label=value;warn;crit;min`, ranges in the guidelines' syntax: crit `0` means "alert above 0"), and
for many hosts, when the status line had to be cut short, one more line per host needing attention.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from scanner.models import HostResult, HostStatus, Report, Status

log = logging.getLogger(__name__)

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}
WORST_FIRST = (CRITICAL, UNKNOWN, WARNING, OK)
SHOWN_HOSTS = 5  # hosts named on the status line; Nagios cuts plugin output at a few KB
SHOWN_KBS = 10  # KB ids named per host and status: a host may miss hundreds (WES-NG's definitions)


@dataclass(frozen=True)
class Selection:
    """Which hosts the check looks at: one host (FQDN or short name), a cluster, or all."""

    host: str | None = None
    cluster: str | None = None
    all_hosts: bool = False

    def label(self) -> str:
        return self.host or (f"cluster {self.cluster}" if self.cluster else "all hosts")


def clean(text: str) -> str:
    """One line without '|', which would start the perfdata."""
    return re.sub(r"\s+", " ", text.replace("|", "/")).strip()


def _short(name: str) -> str:
    return name.upper().split(".")[0]


def _select(report: Report, selection: Selection) -> list[HostResult]:
    if selection.all_hosts:
        return list(report.hosts)
    if selection.cluster:
        return [h for h in report.hosts if h.cluster and h.cluster.lower() == selection.cluster.lower()]
    wanted = (selection.host or "").upper()
    exact = [h for h in report.hosts if h.host.upper() == wanted]
    return exact or [h for h in report.hosts if _short(h.host) == _short(wanted)]


def _first(items: list[str]) -> str:
    """`a, b` or, past SHOWN_KBS, the first ones and `and N more`."""
    more = f" and {len(items) - SHOWN_KBS} more" if len(items) > SHOWN_KBS else ""
    return ", ".join(items[:SHOWN_KBS]) + more


def host_state(host: HostResult, warn_days: int, as_of_ordinal: int) -> tuple[int, str]:
    """One host's state and its fragment of the status line: `HV01: 2 missing (...), 1 deferred (...)`."""
    parts: list[str] = []
    state = OK
    if host.status is HostStatus.UNKNOWN:
        state = UNKNOWN
        parts.append(f"unknown ({'; '.join(host.reasons)})")
    missing = [f.kb for f in host.tallied().action if f.status is Status.MISSING]
    if missing:
        state = CRITICAL if state == OK else state
        parts.append(f"{len(missing)} missing ({_first(missing)})")
    deferred = sorted((f for f in host.tallied().action if f.status is Status.DEFERRED and f.due is not None),
                      key=lambda f: (f.due, f.kb))
    if deferred:
        shown = _first([f"{f.kb} due {f.due.isoformat()}" for f in deferred if f.due])
        soon = any(f.due and f.due.toordinal() - as_of_ordinal <= warn_days for f in deferred)
        parts.append(f"{len(deferred)} deferred ({shown})" + (f", due within {warn_days} days" if soon else ""))
        if state == OK and soon:
            state = WARNING
    if state == OK:
        parts.insert(0, "compliant")
    return state, clean(f"{host.host}: {', '.join(parts)}")


def _report_problems(report: Report, selection: Selection, max_catalogue_age: int,
                     now: datetime) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    catalogue = report.catalogue
    if catalogue.entries == 0:
        problems.append((UNKNOWN, "the catalogue has no entries (run: kbscan catalogue refresh)"))
    if catalogue.origin == "database" and catalogue.refreshed_at is not None:
        age = (now - catalogue.refreshed_at).days
        if age > max_catalogue_age:
            problems.append((WARNING, f"catalogue is {age} days old (run: kbscan catalogue refresh)"))
    if selection.all_hosts and report.errors:
        problems.append((UNKNOWN, f"{len(report.errors)} unreadable inventory file(s) ({report.errors[0].path})"))
    return [(state, clean(text)) for state, text in problems]


def perfdata(report: Report, hosts: list[HostResult], now: datetime, max_catalogue_age: int) -> str:
    counts = {s: sum(h.count(s) for h in hosts) for s in Status}
    parts = []
    if len(hosts) != 1:
        parts += [f"hosts={len(hosts)};;;0",
                  f"noncompliant={sum(h.status is HostStatus.NONCOMPLIANT for h in hosts)};;0;0",
                  f"unknown={sum(h.status is HostStatus.UNKNOWN for h in hosts)};;;0"]
    parts.append(f"missing={counts[Status.MISSING]};;0;0")
    parts += [f"{s}={counts[s]};;;0" for s in (Status.DEFERRED, Status.INSTALLED, Status.SUPERSEDED,
                                                Status.INCLUDED, Status.EXEMPT)]
    dues = [f.due for h in hosts for f in h.tallied().action if f.status is Status.DEFERRED and f.due is not None]
    if dues:
        parts.append(f"next_due_days={(min(dues) - report.as_of).days};;;0")
    refreshed = report.catalogue.refreshed_at
    if report.catalogue.origin == "database" and refreshed is not None:
        parts.append(f"catalogue_age_days={max((now - refreshed).days, 0)};{max_catalogue_age};;0")
    return " ".join(parts)


def check_result(report: Report, selection: Selection, *, warn_days: int = 7, max_catalogue_age: int = 30,
                 now: datetime) -> tuple[int, str]:
    """The plugin's exit code and output: the status line, ` | ` perfdata, maybe more lines."""
    hosts = _select(report, selection)
    problems = _report_problems(report, selection, max_catalogue_age, now)
    if not hosts:
        why = "not found in the inventory paths" if not selection.cluster else "no host of that cluster found"
        if report.errors and not selection.all_hosts:
            why += f" ({len(report.errors)} inventory file(s) unreadable, e.g. {report.errors[0].path})"
        problems.insert(0, (UNKNOWN, clean(f"{selection.label()}: {why}")))
    as_of = report.as_of.toordinal()
    states = sorted(((*host_state(h, warn_days, as_of), h.host) for h in hosts),
                    key=lambda s: (WORST_FIRST.index(s[0]), s[2]))
    code = next(s for s in WORST_FIRST if s == OK or any(p[0] == s for p in (*problems, *states)))
    extra: list[str] = []
    if len(hosts) == 1:
        fragments = [states[0][1]]
    elif hosts:
        attention = [text for state, text, _ in states if state != OK]
        if attention:
            fragments = [f"{selection.label()}: {len(attention)} of {len(hosts)} hosts need attention",
                         *attention[:SHOWN_HOSTS]]
            if len(attention) > SHOWN_HOSTS:
                fragments.append(f"{len(attention) - SHOWN_HOSTS} more below")
                extra = attention
        else:
            dues = sorted(f.due for h in hosts for f in h.tallied().action if f.status is Status.DEFERRED and f.due)
            later = f", {len(dues)} deferred, next due {dues[0].isoformat()}" if dues else ""
            fragments = [f"{selection.label()}: {len(hosts)} hosts compliant{later}"]
    else:
        fragments = []
    summary = clean("; ".join([*fragments, *(text for state in WORST_FIRST for s, text in problems if s == state)]))
    log.debug("check %s: %s", selection.label(), NAMES[code])
    performance = f" | {perfdata(report, hosts, now, max_catalogue_age)}" if hosts else ""
    return code, "\n".join([f"KBSCAN {NAMES[code]} - {summary}{performance}", *extra])
