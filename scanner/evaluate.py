"""Pure verdicts: (catalogue, host inventory, policy, as_of) -> HostResult, and fleet -> Report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from itertools import compress, count
from operator import attrgetter, is_not

from scanner.catalogue import Catalogue
from scanner.config import DeferralPolicy, Exemption
from scanner.dates import Duration, parse_duration
from scanner.models import (
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
)
from scanner.remediation import Remediator

COVERED = frozenset({Status.INSTALLED, Status.SUPERSEDED, Status.INCLUDED})
_KB, _STATUS = attrgetter("kb"), attrgetter("status")


@dataclass(frozen=True)
class Policy:
    """Everything evaluate needs besides the catalogue and inventory; `now` decides staleness."""

    as_of: date
    now: datetime
    deferral: DeferralPolicy = field(default_factory=DeferralPolicy)
    exemptions: tuple[Exemption, ...] = ()
    max_inventory_age: Duration = field(default_factory=lambda: parse_duration("7 days"))

    @classmethod
    def at(cls, as_of: date, **kwargs: object) -> Policy:
        """A policy whose clock stands at the end of the `as_of` day (UTC): for --at and tests."""
        return cls(as_of=as_of, now=datetime.combine(as_of, time.max, tzinfo=UTC), **kwargs)  # type: ignore[arg-type]


def _deferral(entry: CatalogueEntry, catalogue: Catalogue, policy: Policy) -> Finding | None:
    """A `deferred` finding when every remedy is a deferrable package inside its window, else None.

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
    if best is None:
        return None
    via = catalogue.get(best[1])
    return Finding(entry.kb, Status.DEFERRED, entry.kind, entry.title, via=best[1], due=best[0],
                   download=via.download if via else ())


def _missing_reason(entry: CatalogueEntry, catalogue: Catalogue, policy: Policy) -> str | None:
    packages = [entry] if entry.standalone else [catalogue.get(kb) for kb in entry.included_in]
    for package in packages:
        if package is not None and package.kind in policy.deferral.kinds and package.released is None:
            return f"release date of {package.kb} unknown: not deferred"
    if not entry.standalone:
        return f"no package of its own; install {' or '.join(entry.included_in)}"
    return None


def finding_for(entry: CatalogueEntry, host: str, installed: frozenset[str],
                catalogue: Catalogue, policy: Policy) -> Finding:
    """The one status an applicable entry gets, in the precedence order of DESIGN.md section 3.

    The plain statement of the rules; Evaluator computes the same with per-product plans (tested equal).
    """
    if entry.kb in installed:
        return Finding(entry.kb, Status.INSTALLED, entry.kind, entry.title)
    for cover in catalogue.covers(entry.kb):
        if cover.kb in installed:
            return Finding(entry.kb, cover.status, entry.kind, entry.title, via=cover.kb)
    for exemption in policy.exemptions:
        if exemption.covers(host, entry.kb) and policy.as_of <= exemption.until:
            return Finding(entry.kb, Status.EXEMPT, entry.kind, entry.title,
                           reason=exemption.reason, until=exemption.until)
    return _uncovered(entry, catalogue, policy)


def _uncovered(entry: CatalogueEntry, catalogue: Catalogue, policy: Policy) -> Finding:
    """The finding of an entry nothing installed covers and no exemption names: deferred or missing."""
    deferred = _deferral(entry, catalogue, policy)
    if deferred is not None:
        return deferred
    download = entry.download
    if not download and not entry.standalone:
        download = tuple(url for kb in entry.included_in if (p := catalogue.get(kb)) for url in p.download)
    return Finding(entry.kb, Status.MISSING, entry.kind, entry.title,
                   reason=_missing_reason(entry, catalogue, policy), download=download)


class _Plan:
    """What every host of one product and role set shares: its applicable entries, the finding each
    gets when nothing covers it, and for every KB the entries its installation covers (with rank:
    0 for the KB itself, then the order of Catalogue.covers, so the nearest cover wins)."""

    def __init__(self, catalogue: Catalogue, policy: Policy, product: str, roles: frozenset[str]) -> None:
        self.entries = tuple(e for e in catalogue.for_product(product) if e.applies_to(product, roles))
        self.index = {entry.kb: i for i, entry in enumerate(self.entries)}
        self.default = tuple(_uncovered(entry, catalogue, policy) for entry in self.entries)
        marks: dict[str, list[tuple[int, int, Finding]]] = {}
        for i, entry in enumerate(self.entries):
            marks.setdefault(entry.kb, []).append((i, 0, Finding(entry.kb, Status.INSTALLED, entry.kind, entry.title)))
            for rank, cover in enumerate(catalogue.covers(entry.kb), 1):
                finding = Finding(entry.kb, cover.status, entry.kind, entry.title, via=cover.kb)
                marks.setdefault(cover.kb, []).append((i, rank, finding))
        self.marks = {kb: tuple(m) for kb, m in marks.items()}


class Evaluator:
    """Evaluates many hosts against one catalogue and policy; plans are built once per product+roles."""

    def __init__(self, catalogue: Catalogue, policy: Policy) -> None:
        self.catalogue, self.policy = catalogue, policy
        self._plans: dict[tuple[str, frozenset[str]], _Plan] = {}
        self._exemptions = tuple(e for e in policy.exemptions if policy.as_of <= e.until)

    def findings(self, host: str, product: str, roles: frozenset[str],
                 installed: Iterable[str]) -> tuple[Finding, ...]:
        plan = self._plans.get((product, roles))
        if plan is None:
            plan = self._plans[(product, roles)] = _Plan(self.catalogue, self.policy, product, roles)
        findings = list(plan.default)
        best: dict[int, int] = {}
        for kb in installed:
            for i, rank, finding in plan.marks.get(kb, ()):
                if rank < best.get(i, rank + 1):
                    best[i] = rank
                    findings[i] = finding
        for exemption in self._exemptions:
            at = plan.index.get(exemption.kb)
            if (at is not None and at not in best and findings[at].status is not Status.EXEMPT
                    and exemption.covers(host, exemption.kb)):
                entry = plan.entries[at]
                findings[at] = Finding(entry.kb, Status.EXEMPT, entry.kind, entry.title,
                                      reason=exemption.reason, until=exemption.until)
        return tuple(findings)

    def host(self, inventory: HostInventory) -> HostResult:
        policy = self.policy
        roles = inventory.roles or ()
        reasons: list[str] = []
        notes: list[str] = []
        if inventory.os is None:
            caption = inventory.os_caption or "no OS caption"
            reasons.append(f"product unknown ({caption}, version {inventory.os_version or 'unknown'}); "
                           "add os = \"...\" to a matching [[hosts]] group")
        if inventory.collected_at is not None:
            oldest = policy.max_inventory_age.before(policy.now)
            if inventory.collected_at < oldest:
                reasons.append(f"inventory collected {inventory.collected_at.date().isoformat()}, older than "
                               f"max_inventory_age ({policy.max_inventory_age.text})")
        if inventory.roles is None:
            notes.append("roles unknown: the inventory format does not list them and no [[hosts]] group "
                         "gives them, so role-specific KBs were not checked")
        findings: tuple[Finding, ...] = ()
        if inventory.os is not None:
            findings = self.findings(inventory.host, inventory.os, frozenset(roles), map(_KB, inventory.updates))
        if reasons:
            status = HostStatus.UNKNOWN
        elif Status.MISSING in map(_STATUS, findings):  # C-level scan of 1,000+ findings
            status = HostStatus.NONCOMPLIANT
        else:
            status = HostStatus.COMPLIANT
        return HostResult(host=inventory.host, status=status, os=inventory.os, roles=tuple(roles),
                          cluster=inventory.cluster, inventory=inventory, findings=findings,
                          reasons=tuple(reasons), notes=tuple(notes))


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
    hosts = tuple(replace(h, remediation=remediator.remedies(h)) if h.status is HostStatus.NONCOMPLIANT else h
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
