"""Pure verdicts: (catalogue, host inventory, policy, as_of) -> HostResult, and fleet -> Report."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import compress, count
from operator import attrgetter, is_not
from types import MappingProxyType

from scanner.catalogue import Catalogue
from scanner.config import DeferralPolicy, Exemption
from scanner.dates import Duration, parse_duration
from scanner.models import (
    COVERED,
    CatalogueEntry,
    ClusterDifference,
    ClusterResult,
    Finding,
    HostInventory,
    HostResult,
    HostStatus,
    InventoryError,
    Report,
    Status,
    Tally,
)
from scanner.remediation import Remediator

_KB = attrgetter("kb")


UNRANKED = sys.maxsize  # the rank of an entry nothing installed covers
STRIDE = 1 << 32  # key of an entry's cover: position * STRIDE + rank (a plan has far fewer covers per entry)
REMEMBERED = 256  # installed-KB sets per product and role set whose findings are kept (_Plan.findings)
SKEW = timedelta(minutes=5)  # a collected_at this far past the real clock is a clock error, not a fresh file


@dataclass(frozen=True)
class Policy:
    """Everything evaluate needs besides the catalogue and inventory.

    `now` decides staleness (the end of the `as_of` day for --at what-if runs); `clock` is the real time,
    against which a `collected_at` in the future is caught (None: not checked)."""

    as_of: date
    now: datetime
    deferral: DeferralPolicy = field(default_factory=DeferralPolicy)
    exemptions: tuple[Exemption, ...] = ()
    max_inventory_age: Duration = field(default_factory=lambda: parse_duration("7 days"))
    clock: datetime | None = None

    @classmethod
    def at(cls, as_of: date, **kwargs: object) -> Policy:
        """A policy whose clock stands at the end of the `as_of` day (UTC): for --at and tests."""
        return cls(as_of=as_of, now=datetime.combine(as_of, time.max, tzinfo=UTC), **kwargs)  # type: ignore[arg-type]


def _deferral(entry: CatalogueEntry, catalogue: Catalogue, policy: Policy) -> tuple[date, str] | None:
    """(due, via) when every remedy is a deferrable package inside its window, else None.

    Remedies: the KB itself when it has a package, and every package that would cover it (its
    superseders and the rollups that include it). The earliest due date wins: once any remedy is
    past its window the KB is required. A remedy with no known release date is never deferred.
    """
    remedies: list[str] = [entry.kb] if entry.standalone else []
    remedies += [cover.kb for cover in catalogue.covers(entry.kb)]
    best: tuple[date, str] | None = None
    for kb in remedies:
        remedy = catalogue.get(kb)
        if (remedy is None or remedy.kind not in policy.deferral.kinds or remedy.released is None
                or kb in policy.deferral.approve_early or entry.kb in policy.deferral.approve_early):
            return None
        due = policy.deferral.period.after(remedy.released)
        if policy.as_of >= due:
            return None
        if best is None or due < best[0]:
            best = (due, kb)
    return best


def _missing_reason(entry: CatalogueEntry, catalogue: Catalogue, policy: Policy) -> str | None:
    packages = [entry] if entry.standalone else [catalogue.get(kb) for kb in entry.included_in]
    for package in packages:
        if package is not None and package.kind in policy.deferral.kinds and package.released is None:
            return f"release date of {package.kb} unknown: not deferred"
    if not entry.standalone:
        return f"no package of its own; install {' or '.join(entry.included_in)}"
    return None


def _uncovered(entry: CatalogueEntry, catalogue: Catalogue, policy: Policy, roles: tuple[str, ...]) -> Finding:
    """The finding of an entry nothing installed covers and no exemption names: deferred or missing."""
    deferred = _deferral(entry, catalogue, policy)
    if deferred is not None:
        due, via = deferred
        package = catalogue.get(via)
        return Finding(entry.kb, Status.DEFERRED, entry.kind, entry.title, via=via, due=due,
                       download=package.download if package else (), requires_roles=roles)
    download = entry.download
    if not download and not entry.standalone:
        download = tuple(url for kb in entry.included_in if (p := catalogue.get(kb)) for url in p.download)
    return Finding(entry.kb, Status.MISSING, entry.kind, entry.title,
                   reason=_missing_reason(entry, catalogue, policy), download=download, requires_roles=roles)


class _Plan:
    """What every host of one product and role set shares: its applicable entries, the finding each
    gets when nothing covers it, and for every KB the entries its installation covers (with rank:
    0 for the KB itself, then the order of Catalogue.covers, so the nearest cover wins).

    `roles` None: the host's roles are unknown, so every entry of the product applies and the
    role-specific ones carry `requires_roles` (DESIGN.md 3a)."""

    def __init__(self, catalogue: Catalogue, policy: Policy, product: str, roles: frozenset[str] | None) -> None:
        self.entries = tuple(e for e in catalogue.for_product(product)
                             if roles is None or all(role in roles for role in e.roles))
        self.index = {entry.kb: i for i, entry in enumerate(self.entries)}
        needs = [e.roles if roles is None else () for e in self.entries]
        self.default = tuple(_uncovered(e, catalogue, policy, r) for e, r in zip(self.entries, needs, strict=True))
        # marks[kb]: the positions installing kb covers, and at which rank; the Finding of a cover is made
        # when a host first needs it (a WES-NG plan has ~15,000 covers, its hosts use a few)
        marks: dict[str, tuple[list[int], list[int]]] = {}
        self._covers: list[tuple[str, ...]] = []
        self._statuses: list[tuple[Status, ...]] = []
        for i, entry in enumerate(self.entries):
            covers = catalogue.covers(entry.kb)
            self._covers.append((entry.kb, *(c.kb for c in covers)))
            self._statuses.append((Status.INSTALLED, *(c.status for c in covers)))
            for rank, kb in enumerate(self._covers[-1]):
                positions, ranks = marks.setdefault(kb, ([], []))
                positions.append(i)
                ranks.append(rank)
        self.marks = {kb: (tuple(positions), tuple(ranks)) for kb, (positions, ranks) in marks.items()}
        self._needs = needs
        self._made: dict[int, Finding] = {}
        self.unranked = [UNRANKED] * len(self.entries)
        # Hosts at the same patch level have the same KBs: each set is evaluated once while it is among the
        # last REMEMBERED sets (a fleet where every host differs costs the memory of that many, no more).
        self.done: dict[frozenset[str], tuple[tuple[Finding, ...], Tally]] = {}

    def findings(self, installed: frozenset[str]) -> tuple[tuple[Finding, ...], Tally]:
        """The findings of a host with these installed KBs (each one the plan has marks for): the nearest
        cover of each entry wins (lowest rank), an entry nothing covers gets its default finding. With
        them their Tally, from the ranks: no second pass over a thousand findings."""
        done = self.done.get(installed)
        if done is not None:
            return done
        best = self.unranked.copy()
        for kb in installed:
            for i, rank in zip(*self.marks[kb], strict=True):
                if rank < best[i]:
                    best[i] = rank
        findings, default = list(self.default), self.default
        made, stride, statuses = self._made, STRIDE, self._statuses
        covered: list[Status] = []
        action: list[Finding] = []
        for i, rank in enumerate(best):
            if rank == UNRANKED:
                action.append(default[i])
            else:
                finding = made.get(i * stride + rank)
                findings[i] = finding if finding is not None else self._cover(i, rank)
                covered.append(statuses[i][rank])
        found = Counter(covered)
        found.update(finding.status for finding in action)  # the plan's few default findings: no cache misses
        tally = Tally(MappingProxyType({status: found[status] for status in Status}), tuple(action))
        if len(self.done) >= REMEMBERED:
            self.done.clear()
        done = self.done[installed] = (tuple(findings), tally)
        return done

    def _cover(self, i: int, rank: int) -> Finding:
        """The finding of entry i when its cover of this rank is the nearest installed (0: the KB itself)."""
        entry, status = self.entries[i], self._statuses[i][rank]
        finding = Finding(entry.kb, status, entry.kind, entry.title, via=self._covers[i][rank] if rank else None,
                          requires_roles=self._needs[i])
        self._made[i * STRIDE + rank] = finding
        return finding


class Evaluator:
    """The one implementation of DESIGN.md 3 and 3a. Evaluates many hosts against one catalogue and
    policy; what hosts of one product and role set share is computed once per set (_Plan). The tests check
    it against an independent, literal reference (tests/reference_model.py)."""

    def __init__(self, catalogue: Catalogue, policy: Policy) -> None:
        self.catalogue, self.policy = catalogue, policy
        self._plans: dict[tuple[str, frozenset[str] | None], _Plan] = {}
        self._exemptions = tuple(e for e in policy.exemptions if policy.as_of <= e.until)

    def findings(self, host: str, product: str, roles: frozenset[str] | None,
                 installed: Iterable[str]) -> tuple[tuple[Finding, ...], Tally | None]:
        """A host's findings, and their Tally when the plan's holds (None: an exemption changed them)."""
        plan = self._plans.get((product, roles))
        if plan is None:
            plan = self._plans[(product, roles)] = _Plan(self.catalogue, self.policy, product, roles)
        findings, planned = plan.findings(frozenset(filter(plan.marks.__contains__, installed)))
        tally: Tally | None = planned
        for exemption in self._exemptions:
            at = plan.index.get(exemption.kb)
            if (at is not None and findings[at].status not in COVERED and findings[at].status is not Status.EXEMPT
                    and exemption.covers(host, exemption.kb)):
                entry = plan.entries[at]
                exempt = Finding(entry.kb, Status.EXEMPT, entry.kind, entry.title, reason=exemption.reason,
                                 until=exemption.until, requires_roles=findings[at].requires_roles)
                findings, tally = (*findings[:at], exempt, *findings[at + 1:]), None
        return findings, tally

    def host(self, inventory: HostInventory) -> HostResult:
        reasons = self._evidence(inventory)
        findings: tuple[Finding, ...] = ()
        tally: Tally | None = None
        roles = None if inventory.roles is None else frozenset(inventory.roles)
        if inventory.os is not None:
            findings, tally = self.findings(inventory.host, inventory.os, roles, map(_KB, inventory.updates))
        tally = tally or Tally.of(findings)
        missing = tally.counts[Status.MISSING] > 0
        notes = list(inventory.warnings)  # what the reader doubted (a host name from the file name) reaches the report
        unknown_roles = _roles_unknown(findings) if missing and inventory.roles is None else []
        reasons += unknown_roles
        if inventory.roles is None and inventory.os is not None and not unknown_roles:
            notes.append("roles unknown: the inventory format does not list them and no [[hosts]] group gives "
                         "them; role-specific KBs were checked as if every role applied")
        if missing and inventory.incomplete:
            reasons.append(_incomplete(inventory, findings))
        if reasons:
            status = HostStatus.UNKNOWN
        elif missing:
            status = HostStatus.NONCOMPLIANT
        else:
            status = HostStatus.COMPLIANT
        result = HostResult(host=inventory.host, status=status, os=inventory.os, roles=tuple(inventory.roles or ()),
                            cluster=inventory.cluster, inventory=inventory, findings=findings,
                            reasons=tuple(reasons), notes=tuple(notes))
        object.__setattr__(result, "tally", tally)  # HostResult.tallied() would make the same, with a pass more
        return result

    def _evidence(self, inventory: HostInventory) -> list[str]:
        """Reasons the inventory cannot carry a verdict: no product, too old, collected in the future."""
        policy = self.policy
        reasons: list[str] = []
        if inventory.os is None:
            caption = inventory.os_caption or "no OS caption"
            reasons.append(f"product unknown ({caption}, version {inventory.os_version or 'unknown'}); "
                           "add os = \"...\" to a matching [[hosts]] group")
        elif self.catalogue.has_versions(inventory.os):  # a win10 host whose version is unknown: the entries
            # of its version would not apply, and nothing missing would read as compliant
            reasons.append(f"version of {inventory.os} unknown ({inventory.os_caption or 'no OS caption'}, version "
                           f"{inventory.os_version or 'unknown'}) and the catalogue has entries for single "
                           f"versions; add os = \"{inventory.os}-...\" (e.g. {inventory.os}-22h2) to a matching "
                           "[[hosts]] group")
        taken = inventory.taken_at
        if taken is not None and taken < policy.max_inventory_age.before(policy.now):
            how = "collected" if inventory.collected_at is not None else "file last modified"
            reasons.append(f"inventory {how} {taken.date().isoformat()}, older than max_inventory_age "
                           f"({policy.max_inventory_age.text})")
        collected = inventory.collected_at
        if collected is not None and policy.clock is not None and collected > policy.clock + SKEW:
            reasons.append(f"collected_at {collected.isoformat(timespec='minutes')} is later than this machine's "
                           f"clock ({policy.clock.isoformat(timespec='minutes')}): the collecting host's clock or "
                           "time zone is wrong, so the inventory's age is unknown; fix the clock and collect again")
        return reasons


def _roles_unknown(findings: Sequence[Finding]) -> list[str]:
    """The reason of a host whose roles are unknown and whose role-specific KBs are not all covered."""
    lacking = [f for f in findings if f.requires_roles and f.status is Status.MISSING]
    if not lacking:
        return []
    roles = sorted({role for f in lacking for role in f.requires_roles})
    kbs = ", ".join(f"{f.kb} ({' + '.join(f.requires_roles)})" for f in lacking[:10])
    kbs += f" and {len(lacking) - 10} more" if len(lacking) > 10 else ""
    return [f"roles unknown: the inventory does not list roles and no [[hosts]] group gives them, and "
            f"{len(lacking)} KB(s) for hosts with the {' or '.join(roles)} role are missing: {kbs}; state the "
            "host's roles in a [[hosts]] group (roles = [...], [] for none) or collect with "
            "collector/collect-inventory.ps1, which reports them"]


def _incomplete(inventory: HostInventory, findings: Sequence[Finding]) -> str:
    missing = [f.kb for f in findings if f.status is Status.MISSING]
    shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
    return (f"{inventory.format} listed {inventory.listed} of {inventory.announced} hotfixes, so {shown} may be "
            "installed but unlisted; collect with wmic qfe, Get-HotFix or the collector "
            "(collect-inventory.ps1) and keep that file beside this one")


def evaluate_host(catalogue: Catalogue, inventory: HostInventory, policy: Policy) -> HostResult:
    return Evaluator(catalogue, policy).host(inventory)


def cluster_results(hosts: Sequence[HostResult]) -> tuple[ClusterResult, ...]:
    """For hosts sharing a cluster: every KB covered on some nodes and not covered on others."""
    members: dict[str, list[HostResult]] = {}
    for host in hosts:
        if host.cluster:
            members.setdefault(host.cluster, []).append(host)
    results = []
    for name in sorted(members):
        nodes = sorted(members[name], key=lambda h: h.host)
        by_kb: dict[str, tuple[list[str], list[str]]] = {}
        for node, findings in zip(nodes, _candidates(nodes), strict=True):
            for finding in findings:
                have, lack = by_kb.setdefault(finding.kb, ([], []))
                if finding.status in COVERED:
                    have.append(node.host)
                elif finding.status in (Status.MISSING, Status.DEFERRED):
                    lack.append(node.host)
        differences = tuple(
            ClusterDifference(kb, tuple(have), tuple(lack))
            for kb, (have, lack) in sorted(by_kb.items(), key=lambda item: int(item[0][2:]))
            if have and lack
        )
        results.append(ClusterResult(name, tuple(n.host for n in nodes), differences))
    return tuple(results)


def _candidates(nodes: Sequence[HostResult]) -> list[Sequence[Finding]]:
    """Per node, the findings that can differ between the nodes. Nodes of one product and role set
    list the same KBs in the same order, mostly as the very same Finding objects (their plan's), so
    only positions where some node holds another object are looked at; otherwise every finding."""
    first = nodes[0].findings
    kbs = list(map(_KB, first))
    if any(len(node.findings) != len(first) or list(map(_KB, node.findings)) != kbs for node in nodes[1:]):
        return [node.findings for node in nodes]
    positions: set[int] = set()
    for node in nodes[1:]:
        positions.update(compress(count(), map(is_not, first, node.findings)))
    ordered = sorted(positions)
    return [[node.findings[i] for i in ordered] for node in nodes]


def exemption_warnings(exemptions: Sequence[Exemption], hosts: Sequence[HostResult],
                       as_of: date) -> tuple[str, ...]:
    """Expired and unused exemptions, so that they get cleaned up (as osv-scanner warns)."""
    warnings = []
    for exemption in exemptions:
        label = f"exemption {exemption.hosts} {exemption.kb}"
        if as_of > exemption.until:
            warnings.append(f"{label} expired on {exemption.until.isoformat()}; remove it or extend until")
        elif not any(f.status is Status.EXEMPT and exemption.covers(h.host, f.kb)
                     for h in hosts for f in h.findings):
            warnings.append(f"{label} matched no finding; remove it if it is no longer needed")
    return tuple(warnings)


def with_remediation(report: Report, catalogue: Catalogue) -> Report:
    """The report with each noncompliant host's remediation; a separate step because it costs more than
    the verdicts on large catalogues and only the JSON, HTML and remediation outputs need it."""
    remediator = Remediator(catalogue)
    hosts = tuple(h.remedied(remediator.remedies(h)) if h.status is HostStatus.NONCOMPLIANT else h
                  for h in report.hosts)
    return replace(report, hosts=hosts)


def evaluate_fleet(catalogue: Catalogue, inventories: Sequence[HostInventory],
                   errors: Sequence[InventoryError], policy: Policy, generated_at: datetime,
                   warnings: Sequence[str] = ()) -> Report:
    evaluator = Evaluator(catalogue, policy)
    hosts = tuple(sorted((evaluator.host(inv) for inv in inventories), key=lambda h: h.host))
    return Report(
        generated_at=generated_at, as_of=policy.as_of, catalogue=catalogue.info, hosts=hosts,
        clusters=cluster_results(hosts), errors=tuple(errors),
        warnings=(*warnings, *exemption_warnings(policy.exemptions, hosts, policy.as_of)),
    )
