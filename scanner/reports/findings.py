"""What needs action, for every writer: the `--findings` filter, per-status counts, and the KBs needing action."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from scanner.models import Finding, HostResult, HostStatus, Kind, Status, kb_sort_key

ACTION_ORDER = (Status.MISSING, Status.DEFERRED, Status.EXEMPT)  # worst first


class FindingsFilter(StrEnum):
    """`all`: every applicable finding (schema 1's default). `action`: missing, deferred and exempt
    findings only; the host's `counts` still count every finding per status."""

    ALL = "all"
    ACTION = "action"


def listed(host: HostResult, which: FindingsFilter) -> Iterable[Finding]:
    if which is FindingsFilter.ALL:
        return host.findings
    return host.tallied().action


def counts(host: HostResult) -> dict[str, int]:
    """The host's findings per status, every status named (0 included), in the order of `Status`."""
    return {str(status): count for status, count in host.tallied().counts.items()}


def needs_attention(host: HostResult) -> bool:
    """Noncompliant or unknown, or compliant with a deferred or exempt finding someone should know of."""
    return host.status is not HostStatus.COMPLIANT or bool(host.tallied().action)


@dataclass(frozen=True)
class KbAction:
    """One KB that needs action on some host: its facts, the hosts per action status, its earliest due date.

    `reason` says why it is missing where the catalogue says (no package of its own, release date
    unknown): a fact of the KB, the same on every host.
    """

    kb: str
    title: str
    kind: Kind
    download: tuple[str, ...]
    reason: str | None
    hosts: Mapping[Status, tuple[HostResult, ...]]
    due: date | None

    def count(self, status: Status) -> int:
        return len(self.hosts[status])


def kb_actions(hosts: Iterable[HostResult]) -> list[KbAction]:
    """Every KB missing, deferred or exempt on some host, the most missing first (then deferred, exempt)."""
    first: dict[str, Finding] = {}
    found: dict[str, dict[Status, list[HostResult]]] = {}
    due: dict[str, date] = {}
    reason: dict[str, str] = {}
    for host in hosts:
        for finding in host.tallied().action:
            kb = finding.kb
            if kb not in found:
                first[kb], found[kb] = finding, {s: [] for s in ACTION_ORDER}
            found[kb][finding.status].append(host)
            if finding.status is Status.DEFERRED and finding.due is not None:
                due[kb] = min(due.get(kb, finding.due), finding.due)
            if finding.status is Status.MISSING and finding.reason and kb not in reason:
                reason[kb] = finding.reason
    actions = [KbAction(kb, f.title, f.kind, f.download, reason.get(kb),
                        {s: tuple(found[kb][s]) for s in ACTION_ORDER}, due.get(kb)) for kb, f in first.items()]
    return sorted(actions, key=lambda a: (*(-a.count(s) for s in ACTION_ORDER), kb_sort_key(a.kb)))
