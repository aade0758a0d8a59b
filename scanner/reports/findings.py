"""Which findings a report lists (`--findings all|action`) and the per-status counts that stand for the rest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from operator import attrgetter

from scanner.models import Finding, HostResult, HostStatus, Status

# What a person has to do something about or should see was waived: the `action` filter keeps these.
ACTION = frozenset({Status.MISSING, Status.DEFERRED, Status.EXEMPT})
COVERED = (Status.INSTALLED, Status.SUPERSEDED, Status.INCLUDED)
_STATUS = attrgetter("status")


class FindingsFilter(StrEnum):
    """`all`: every applicable finding (schema 1's default). `action`: missing, deferred and exempt
    findings only; the host's `counts` still count every finding per status."""

    ALL = "all"
    ACTION = "action"


def listed(host: HostResult, which: FindingsFilter) -> Iterable[Finding]:
    if which is FindingsFilter.ALL:
        return host.findings
    return (f for f in host.findings if f.status in ACTION)


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per status, every status named (0 included), in the order of `Status`."""
    found = Counter(map(_STATUS, findings))
    return {str(status): found[status] for status in Status}


def needs_attention(host: HostResult) -> bool:
    """Noncompliant or unknown, or compliant with a deferred or exempt finding someone should know of."""
    return host.status is not HostStatus.COMPLIANT or any(f.status in ACTION for f in host.findings)
