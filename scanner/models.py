"""The values that cross module boundaries: KB ids, catalogue entries, inventories, findings, results."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

_KB_RE = re.compile(r"^\s*(?:KB)?\s*0*([1-9][0-9]{3,7})\s*$", re.IGNORECASE)


def kb_id(value: str | int) -> str:
    """Normalise `2779069`, `kb2779069`, ` KB 2779069 ` to `KB2779069`; anything else is a ValueError.

    `Q123456` (old Knowledge Base numbering) is deliberately not a KB id.
    """
    match = _KB_RE.match(str(value))
    if not match:
        raise ValueError(f"not a KB id: {value!r} (expected KB followed by 4-8 digits)")
    return "KB" + match.group(1)


def try_kb_id(value: str | int) -> str | None:
    """`kb_id` that answers None instead of raising, for scanning free text cells."""
    try:
        return kb_id(value)
    except ValueError:
        return None


def kb_sort_key(kb: str) -> tuple[int, str]:
    digits = kb[2:]
    return (int(digits) if digits.isdigit() else 0, kb)


class Kind(StrEnum):
    HOTFIX = "hotfix"
    UPDATE = "update"
    UPDATE_ROLLUP = "update-rollup"
    CUMULATIVE_UPDATE = "cumulative-update"
    SECURITY_UPDATE = "security-update"
    SERVICE_PACK = "service-pack"


class Status(StrEnum):
    """A finding's status; the order here is the order of precedence in evaluate."""

    INSTALLED = "installed"
    SUPERSEDED = "superseded"
    INCLUDED = "included"
    EXEMPT = "exempt"
    DEFERRED = "deferred"
    MISSING = "missing"


COVERED = frozenset({Status.INSTALLED, Status.SUPERSEDED, Status.INCLUDED})  # the host has the fix


class HostStatus(StrEnum):
    COMPLIANT = "compliant"
    NONCOMPLIANT = "noncompliant"
    UNKNOWN = "unknown"


# Product ids (DESIGN.md section 2), oldest first. Extend here and in products.py together. A Windows 10/11
# host gets its version's id (`win10-1809`) so that definitions naming a version match; an entry for the
# family (`win10`) applies to every version of it.
WIN10_VERSIONS: tuple[str, ...] = (
    "win10-1507", "win10-1511", "win10-1607", "win10-1703", "win10-1709", "win10-1803", "win10-1809",
    "win10-1903", "win10-1909", "win10-2004", "win10-20h2", "win10-21h1", "win10-21h2", "win10-22h2",
)
WIN11_VERSIONS: tuple[str, ...] = ("win11-21h2", "win11-22h2", "win11-23h2", "win11-24h2", "win11-25h2",
                                   "win11-26h1")
PRODUCTS: tuple[str, ...] = (
    "vista", "ws2008", "win7", "ws2008r2", "win8", "ws2012", "win81", "ws2012r2",
    "win10", *WIN10_VERSIONS, "ws2016", "ws2019", "ws2022", "win11", *WIN11_VERSIONS, "ws2025",
)
ROLES: tuple[str, ...] = ("hyper-v", "failover-clustering")


def _frozen_map(data: Mapping[str, tuple[str, ...]] | None = None) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType(dict(data or {}))


_SEVERITIES = ("Low", "Moderate", "Important", "Critical")


@dataclass(frozen=True)
class SecurityFacts:
    """What a security source (WES-NG's MSRC-derived definitions) says of a KB, for reports: the highest
    severity of the vulnerabilities it fixes (None when no row gave a known one), how many CVEs it fixes,
    and how many of those have a public exploit listed."""

    severity: str | None = None
    cves: int = 0
    exploits: int = 0

    @staticmethod
    def severity_rank(severity: str | None) -> int:
        """0 for an unknown severity, then Low < Moderate < Important < Critical."""
        return _SEVERITIES.index(severity) + 1 if severity in _SEVERITIES else 0


@dataclass(frozen=True)
class CatalogueEntry:
    """One KB the catalogue knows, with every fact's provenance.

    `supersedes`: KBs this one replaces (installing this covers them).
    `included_in`: packages (rollups, cumulative updates, bundles) that contain this KB.
    `standalone`: False when the KB has no package of its own and is satisfied only through
    `included_in` (KB2898774 -> KB2903938).
    `provenance`: fact name -> source ids that said it; facts not named there come from `sources`.
    `stated`: for title, kind and released, each source's own value ((source, value as text), ...),
    so that `catalogue show` can list them where sources disagree (DESIGN.md 3a).
    """

    kb: str
    title: str
    kind: Kind = Kind.HOTFIX
    released: date | None = None
    products: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    included_in: tuple[str, ...] = ()
    standalone: bool = True
    download: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    provenance: Mapping[str, tuple[str, ...]] = field(default_factory=_frozen_map)
    notes: str = ""
    stated: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=_frozen_map)  # type: ignore[arg-type]
    security: SecurityFacts | None = None  # severity, CVE count, exploits: from a security source (wesng)


@dataclass(frozen=True)
class SourceHealth:
    """How one configured source fared at its last refresh."""

    name: str
    url: str
    state: str  # "ok" | "degraded" | "failed" | "never" | "embedded"
    checked_at: datetime | None = None
    http_status: int | None = None
    entries: int = 0
    message: str = ""


@dataclass(frozen=True, slots=True)  # slots: 2.5 million of these in a 10,000-host scan
class InstalledUpdate:
    kb: str
    installed_on: date | None = None
    raw: str | None = None  # the id as the file wrote it, when that differs from `kb` ("KB2536276-v2")


@dataclass(frozen=True, slots=True)
class HostInventory:
    """What one inventory file says about one host. `os` is a product id or None when unknown."""

    host: str
    path: str
    format: str
    updates: tuple[InstalledUpdate, ...] = ()
    os: str | None = None
    os_caption: str | None = None
    os_version: str | None = None
    roles: tuple[str, ...] | None = None  # None: the format does not say
    cluster: str | None = None
    collected_at: datetime | None = None
    modified_at: datetime | None = None  # the file's modification time (UTC), set by the disk side
    announced: int | None = None  # how many hotfixes the file says the host has (systeminfo's header)
    listed: int | None = None  # how many hotfix entries the file lists; with `announced`, tells a capped list
    warnings: tuple[str, ...] = ()  # what the reader doubted about this host (a host name from the file name)

    @property
    def installed(self) -> frozenset[str]:
        return frozenset(update.kb for update in self.updates)

    @property
    def taken_at(self) -> datetime | None:
        """The inventory's time (DESIGN.md 3a): `collected_at`, else the file's modification time."""
        return self.collected_at if self.collected_at is not None else self.modified_at

    @property
    def incomplete(self) -> bool:
        """The file lists fewer hotfixes than it announces (systeminfo's capped list, a hand-cut list)."""
        return self.announced is not None and self.listed is not None and self.listed < self.announced


@dataclass(frozen=True)
class InventoryError:
    """A file (or part of one) that could not be read; it becomes one `errors` entry in the report."""

    path: str
    error: str


@dataclass(frozen=True, slots=True)
class Finding:
    kb: str
    status: Status
    kind: Kind
    title: str
    via: str | None = None
    due: date | None = None
    reason: str | None = None
    until: date | None = None
    download: tuple[str, ...] = ()
    requires_roles: tuple[str, ...] = ()  # set when the host's roles are unknown and the entry needs these


@dataclass(frozen=True)
class Remedy:
    """One package to install on a host and the missing findings it resolves."""

    kb: str
    title: str
    resolves: tuple[str, ...]
    download: tuple[str, ...] = ()


ACTION = frozenset({Status.MISSING, Status.DEFERRED, Status.EXEMPT})  # what a person must act on or see waived


@dataclass(frozen=True, slots=True)
class Tally:
    """A host's findings summed up: how many per status (every status named), and the findings that need
    action (missing, deferred, exempt) in their order. At 10,000 hosts of a thousand findings each, every
    pass over all findings costs about a second; writers and remediation read this instead."""

    counts: Mapping[Status, int]
    action: tuple[Finding, ...]

    @classmethod
    def of(cls, findings: tuple[Finding, ...]) -> Tally:
        found = Counter(finding.status for finding in findings)
        return cls(MappingProxyType({status: found[status] for status in Status}),
                   tuple(finding for finding in findings if finding.status in ACTION))


@dataclass(frozen=True, slots=True)
class HostResult:
    host: str
    status: HostStatus
    os: str | None
    roles: tuple[str, ...]
    cluster: str | None
    inventory: HostInventory
    findings: tuple[Finding, ...] = ()
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    remediation: tuple[Remedy, ...] = ()
    # made from `findings` when first asked for (or given by evaluate, which knows it cheaper); not an init
    # argument, so that dataclasses.replace never carries one over to other findings
    tally: Tally | None = field(default=None, init=False, compare=False, repr=False)

    def tallied(self) -> Tally:
        tally = self.tally
        if tally is None:
            tally = Tally.of(self.findings)
            object.__setattr__(self, "tally", tally)  # a cache of a value of frozen fields
        return tally

    def count(self, status: Status | str) -> int:
        return self.tallied().counts[Status(status)]

    def remedied(self, remediation: tuple[Remedy, ...]) -> HostResult:
        """This result with its remediation; the findings are the same, so is their tally."""
        result = replace(self, remediation=remediation)
        object.__setattr__(result, "tally", self.tally)
        return result


@dataclass(frozen=True)
class ClusterDifference:
    kb: str
    installed_on: tuple[str, ...]
    missing_on: tuple[str, ...]


@dataclass(frozen=True)
class ClusterResult:
    name: str
    nodes: tuple[str, ...]
    differences: tuple[ClusterDifference, ...] = ()

    @property
    def consistent(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class CatalogueInfo:
    origin: str  # "embedded" | "database"
    entries: int
    refreshed_at: datetime | None = None
    sources: tuple[SourceHealth, ...] = ()


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    as_of: date
    catalogue: CatalogueInfo
    hosts: tuple[HostResult, ...]
    clusters: tuple[ClusterResult, ...] = ()
    errors: tuple[InventoryError, ...] = ()
    warnings: tuple[str, ...] = ()
    duration_seconds: float | None = None

    def hosts_with(self, status: HostStatus | str) -> int:
        return sum(1 for host in self.hosts if host.status == status)
