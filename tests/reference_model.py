"""An independent reference for the verdict rules: a slow, literal transcription of DESIGN.md 3 and 3a
and of issue 13's precise rules A-F, to check the product against (tests/test_reference_model.py).

It imports nothing from scanner/ but data types, and calls none of their methods or properties
(no Exemption.covers, HostGroup.matches, Duration.after/before, HostInventory.taken_at/incomplete):
globs, calendar months, the relation graph and the inventory merge are written out again here, with
plain loops, so that a mistake in the product's helpers cannot hide in both. Each step names its rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from scanner.config import DeferralPolicy, Exemption, HostGroup
from scanner.dates import Duration
from scanner.merge import SourceEntries
from scanner.models import CatalogueEntry, HostInventory, Kind

SUPERSEDED = "superseded"
INCLUDED = "included"

# Rule A: when no curated entry names the kind, the first of these that any source states.
KIND_ORDER = (Kind.SECURITY_UPDATE, Kind.SERVICE_PACK, Kind.CUMULATIVE_UPDATE, Kind.UPDATE_ROLLUP,
              Kind.UPDATE, Kind.HOTFIX)

# Rule F: how far a collected_at may run ahead of the real clock before it is an error.
CLOCK_SKEW = timedelta(minutes=5)


# ---------------------------------------------------------------------------------------------
# Small arithmetic, written out again (not the product's helpers)
# ---------------------------------------------------------------------------------------------

def days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    if month in (4, 6, 9, 11):
        return 30
    return 31


def shift_months(day: date, months: int) -> date:
    """Calendar months forward (or back when negative), clamped to the month's end: Jan 31 + 1 = Feb 28/29."""
    year = day.year
    month = day.month + months
    while month > 12:
        month -= 12
        year += 1
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def date_after(day: date, period: Duration) -> date:
    """Rule D: released + period; "N month(s)" in calendar months, "N days" in days."""
    shifted = shift_months(day, period.months)
    return shifted + timedelta(days=period.delta.days)


def moment_before(moment: datetime, period: Duration) -> datetime:
    """Rules E and F: `moment` minus a duration (calendar months keep the time of day)."""
    shifted = shift_months(moment.date(), -period.months)
    moved = datetime(shifted.year, shifted.month, shifted.day, moment.hour, moment.minute, moment.second,
                     moment.microsecond, tzinfo=moment.tzinfo)
    return moved - period.delta


def glob_matches(pattern: str, name: str) -> bool:
    """Rules D and E: a shell glob, case-insensitive: `*` any run, `?` one character, `[ab]`, `[a-c]`,
    `[!a]` one character of (not of) a set; a `[` without its `]` is itself."""
    return _glob(pattern.lower(), 0, name.lower(), 0)


def _glob(pattern: str, i: int, name: str, j: int) -> bool:
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            return any(_glob(pattern, i + 1, name, k) for k in range(j, len(name) + 1))
        if j >= len(name):
            return False
        if char == "?":
            i += 1
            j += 1
            continue
        if char == "[":
            start = i + 1
            negate = start < len(pattern) and pattern[start] == "!"
            if negate:
                start += 1
            end = pattern.find("]", start + 1)  # a `]` first in the set is one of its characters
            if end != -1:
                members = pattern[start:end]
                hit = False
                k = 0
                while k < len(members):
                    if k + 2 < len(members) and members[k + 1] == "-":
                        if members[k] <= name[j] <= members[k + 2]:
                            hit = True
                        k += 3
                    else:
                        if members[k] == name[j]:
                            hit = True
                        k += 1
                if hit == negate:
                    return False
                i = end + 1
                j += 1
                continue
        if char != name[j]:
            return False
        i += 1
        j += 1
    return j == len(name)


# ---------------------------------------------------------------------------------------------
# Rule A: merge
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RefEntry:
    """The facts of one merged entry that the verdicts depend on (titles are not compared)."""

    kb: str
    kind: Kind
    released: date | None
    products: frozenset[str]
    roles: frozenset[str]
    supersedes: frozenset[str]
    included_in: frozenset[str]
    standalone: bool


def merge(curated: Sequence[CatalogueEntry], sources: Sequence[SourceEntries]) -> dict[str, RefEntry]:
    curated_by_kb: dict[str, CatalogueEntry] = {}
    for entry in curated:
        curated_by_kb[entry.kb] = entry
    listed: dict[str, list[CatalogueEntry]] = {}  # KB -> every source entry naming it
    for source in sources:
        for entry in source.entries:
            listed.setdefault(entry.kb, []).append(entry)
    merged: dict[str, RefEntry] = {}
    for kb in sorted(set(curated_by_kb) | set(listed)):
        mine = curated_by_kb.get(kb)
        theirs = listed.get(kb, [])
        everyone = ([mine] if mine is not None else []) + theirs
        # A: products are the union of everyone's.
        products: set[str] = set()
        for entry in everyone:
            products.update(entry.products)
        # A: roles: the curated entry's when curated, else the intersection over the sources listing it.
        if mine is not None:
            roles = set(mine.roles)
        else:
            roles = set(theirs[0].roles)
            for entry in theirs[1:]:
                roles = roles & set(entry.roles)
        # A: supersedes and included_in: the union over all.
        supersedes: set[str] = set()
        included_in: set[str] = set()
        for entry in everyone:
            supersedes.update(entry.supersedes)
            included_in.update(entry.included_in)
        # A: standalone: curated wins, else False when any source says False.
        if mine is not None:
            standalone = mine.standalone
        else:
            standalone = True
            for entry in theirs:
                if not entry.standalone:
                    standalone = False
        # A: released: the earliest date anyone states.
        released: date | None = None
        for entry in everyone:
            if entry.released is not None and (released is None or entry.released < released):
                released = entry.released
        # A: kind: curated wins, else the first of KIND_ORDER that any source states.
        if mine is not None:
            kind = mine.kind
        else:
            stated = [entry.kind for entry in theirs]
            kind = next(k for k in KIND_ORDER if k in stated)
        merged[kb] = RefEntry(kb, kind, released, frozenset(products), frozenset(roles),
                              frozenset(supersedes), frozenset(included_in), standalone)
    # A: a source's `includes` pair (package, member) adds package to member.included_in when the
    # member is an entry.
    for source in sources:
        for package, member in source.includes:
            if member in merged:
                old = merged[member]
                merged[member] = RefEntry(old.kb, old.kind, old.released, old.products, old.roles,
                                          old.supersedes, old.included_in | {package}, old.standalone)
    return merged


# ---------------------------------------------------------------------------------------------
# Rule B: relations as a graph
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Edge:
    """`start` installed covers `end`; `kind` is SUPERSEDED or INCLUDED."""

    start: str
    end: str
    kind: str


def edges(entries: dict[str, RefEntry]) -> list[Edge]:
    found: list[Edge] = []
    for entry in entries.values():
        for old in entry.supersedes:  # B: S in E.supersedes is E -> S, superseded
            found.append(Edge(entry.kb, old, SUPERSEDED))
        for package in entry.included_in:  # B: P in E.included_in is P -> E, included
            found.append(Edge(package, entry.kb, INCLUDED))
    return found


def stated_by(curated: Sequence[CatalogueEntry], sources: Sequence[SourceEntries]) -> dict[Edge, set[str]]:
    """DESIGN 3a: who stated each relation edge (a cycle warning names them): a curated entry's own
    `sources`, a source's name for its entries' relations and its `includes` pairs (member an entry)."""
    said: dict[Edge, set[str]] = {}
    members: set[str] = set()
    for entry in curated:
        members.add(entry.kb)
    for source in sources:
        for entry in source.entries:
            members.add(entry.kb)
    statements: list[tuple[CatalogueEntry, tuple[str, ...]]] = [(e, tuple(e.sources)) for e in curated]
    for source in sources:
        for entry in source.entries:
            statements.append((entry, (source.name,)))
    for entry, names in statements:
        for old in entry.supersedes:
            said.setdefault(Edge(entry.kb, old, SUPERSEDED), set()).update(names)
        for package in entry.included_in:
            said.setdefault(Edge(package, entry.kb, INCLUDED), set()).update(names)
    for source in sources:
        for package, member in source.includes:
            if member in members:
                said.setdefault(Edge(package, member, INCLUDED), set()).add(source.name)
    return said


def reaches(graph: list[Edge], start: str, goal: str) -> bool:
    """A path of one or more edges from start to goal."""
    seen: set[str] = set()
    todo = [edge.end for edge in graph if edge.start == start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node in seen:
            continue
        seen.add(node)
        for edge in graph:
            if edge.start == node:
                todo.append(edge.end)
    return False


def usable_edges(entries: dict[str, RefEntry]) -> tuple[list[Edge], list[Edge]]:
    """B: (edges kept, edges dropped): an edge whose ends lie in one strongly connected component
    (a cycle of any length through it, a self-loop included) is not used."""
    every = edges(entries)
    kept: list[Edge] = []
    dropped: list[Edge] = []
    for edge in every:
        if edge.start == edge.end or reaches(every, edge.end, edge.start):
            dropped.append(edge)
        else:
            kept.append(edge)
    return kept, dropped


def path_kinds(graph: list[Edge], start: str, goal: str, known: dict[str, set[str]] | None = None) -> set[str]:
    """B: the statuses of every path start -> ... -> goal over the kept edges (which form no cycle):
    INCLUDED for a path that crosses an inclusion edge, SUPERSEDED otherwise; empty: no path.
    `known` remembers the answer per start node, for one goal (the graph is small, the paths many)."""
    if known is None:
        known = {}
    if start in known:
        return known[start]
    kinds: set[str] = set()
    for edge in graph:
        if edge.start != start:
            continue
        if edge.end == goal:
            kinds.add(edge.kind)
        for rest in path_kinds(graph, edge.end, goal, known):
            kinds.add(INCLUDED if INCLUDED in (edge.kind, rest) else SUPERSEDED)
    known[start] = kinds
    return kinds


def covers(graph: list[Edge], kb: str) -> dict[str, set[str]]:
    """B: every KB Y != kb with a path Y -> kb, and the statuses its paths give."""
    nodes: set[str] = set()
    for edge in graph:
        nodes.add(edge.start)
        nodes.add(edge.end)
    found: dict[str, set[str]] = {}
    known: dict[str, set[str]] = {}
    for node in sorted(nodes):
        if node == kb:
            continue
        kinds = path_kinds(graph, node, kb, known)
        if kinds:
            found[node] = kinds
    return found


# ---------------------------------------------------------------------------------------------
# Rule E: one inventory per host name
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RefHost:
    host: str
    os: str | None
    roles: tuple[str, ...] | None
    cluster: str | None
    kbs: frozenset[str]
    time: datetime | None
    collected_at: datetime | None  # the newest merged file's own collected_at
    incomplete: bool
    ignored_old: tuple[str, ...]  # paths of files too old to merge (a warning names them)


def file_time(inventory: HostInventory) -> datetime | None:
    """E: a file's time is its collected_at, else its modification time."""
    if inventory.collected_at is not None:
        return inventory.collected_at
    return inventory.modified_at


def file_incomplete(inventory: HostInventory) -> bool:
    """E: a list is incomplete when it lists fewer hotfixes than it announces."""
    return inventory.announced is not None and inventory.listed is not None and inventory.listed < inventory.announced


def combine(files: Sequence[HostInventory], groups: Sequence[HostGroup], max_age: Duration) -> dict[str, RefHost]:
    by_host: dict[str, list[HostInventory]] = {}
    for inventory in files:  # E: one host name is one exact string
        by_host.setdefault(inventory.host, []).append(inventory)
    hosts: dict[str, RefHost] = {}
    for name, group in by_host.items():
        timed = [inv for inv in group if file_time(inv) is not None]
        # E: files with no time are ignored when another file of the host has one.
        candidates = timed if timed else list(group)
        newest_time: datetime | None = None
        for inv in candidates:
            t = file_time(inv)
            if t is not None and (newest_time is None or t > newest_time):
                newest_time = t
        merged: list[HostInventory] = []
        ignored: list[str] = []
        if newest_time is None:
            merged = candidates
        else:
            # E: files within max_inventory_age of the newest file's time are merged; older ones ignored.
            window_start = moment_before(newest_time, max_age)
            for inv in candidates:
                t = file_time(inv)
                assert t is not None
                if t >= window_start:
                    merged.append(inv)
                else:
                    ignored.append(inv.path)
        # E: the newest file's facts lead; older merged files fill what it lacks, newest first.
        # (The strategies give files of one host equal times only when their facts agree.)
        ordered: list[HostInventory] = []
        remaining = list(merged)
        while remaining:
            best = remaining[0]
            for inv in remaining[1:]:
                t, best_t = file_time(inv), file_time(best)
                if t is not None and (best_t is None or t > best_t):
                    best = inv
            ordered.append(best)
            remaining.remove(best)

        def first_fact(key: str, files_in_order: list[HostInventory] = ordered) -> object:
            for inv in files_in_order:
                value = getattr(inv, key)
                if value is not None:
                    return value
            return None

        kbs: set[str] = set()
        for inv in merged:  # E: the KBs are the union
            for update in inv.updates:
                kbs.add(update.kb)
        # E: the merged host is incomplete only when every merged file is.
        incomplete = True
        for inv in merged:
            if not file_incomplete(inv):
                incomplete = False
        os_value = first_fact("os")
        roles = first_fact("roles")
        cluster = first_fact("cluster")
        # E: then [[hosts]] groups fill os, roles and cluster where still None: first matching group per key.
        for key in ("os", "roles", "cluster"):
            current = {"os": os_value, "roles": roles, "cluster": cluster}[key]
            if current is not None:
                continue
            for host_group in groups:
                if glob_matches(host_group.match, name) and getattr(host_group, key) is not None:
                    current = getattr(host_group, key)
                    break
            if key == "os":
                os_value = current
            elif key == "roles":
                roles = current
            else:
                cluster = current
        hosts[name] = RefHost(
            host=name, os=os_value, roles=roles, cluster=cluster,  # type: ignore[arg-type]
            kbs=frozenset(kbs), time=newest_time, collected_at=ordered[0].collected_at,
            incomplete=incomplete, ignored_old=tuple(sorted(ignored)))
    return hosts


# ---------------------------------------------------------------------------------------------
# Rules C, D, F: findings and host status
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RefPolicy:
    as_of: date
    now: datetime
    clock: datetime
    deferral: DeferralPolicy
    exemptions: tuple[Exemption, ...]
    max_inventory_age: Duration


@dataclass(frozen=True)
class RefFinding:
    """What the product's finding for `kb` must be.

    status: the one status, or "covered" for superseded/included: then `covers` maps each installed KB that covers this
    one to the statuses its paths give; the product's `via` must be one of them and its status one of
    that KB's. For deferred: `due`, and `vias` the remedies with that earliest due date.
    """

    kb: str
    status: str
    covers: dict[str, set[str]] = field(default_factory=dict)
    due: date | None = None
    vias: frozenset[str] = frozenset()
    requires_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RefResult:
    host: str
    status: str
    reasons: tuple[str, ...]  # labels of the rule F reasons that hold
    findings: dict[str, RefFinding]
    ignored_old: tuple[str, ...]


def family(product: str) -> str:
    """C: `win10-1809` belongs to `win10`: the part before the first '-'."""
    return product.split("-")[0]


def applicable(entry: RefEntry, product: str, roles: tuple[str, ...] | None) -> bool:
    # C: the host's product, or its family, is among the entry's products
    if product not in entry.products and family(product) not in entry.products:
        return False
    # C: known roles must include every entry role; unknown roles: every entry of the product applies
    if roles is None:
        return True
    return all(role in roles for role in entry.roles)


def finding(entry: RefEntry, host: RefHost, entries: dict[str, RefEntry], graph: list[Edge],
            policy: RefPolicy) -> RefFinding:
    requires = entry.roles if host.roles is None else frozenset()
    # D1: installed
    if entry.kb in host.kbs:
        return RefFinding(entry.kb, "installed", requires_roles=requires)
    # D2: superseded / included (rule B)
    every_cover = covers(graph, entry.kb)
    installed_covers: dict[str, set[str]] = {}
    for kb, kinds in every_cover.items():
        if kb in host.kbs:
            installed_covers[kb] = kinds
    if installed_covers:
        return RefFinding(entry.kb, "covered", covers=installed_covers, requires_roles=requires)
    # D3: exempt: host glob (case-insensitive), the entry's kb, as_of <= until
    for exemption in policy.exemptions:
        if glob_matches(exemption.hosts, host.host) and exemption.kb == entry.kb and policy.as_of <= exemption.until:
            return RefFinding(entry.kb, "exempt", requires_roles=requires)
    # D4: deferred. Remedies: the entry itself when standalone, plus every KB that covers it.
    remedies: list[str] = []
    if entry.standalone:
        remedies.append(entry.kb)
    for kb in sorted(every_cover):
        remedies.append(kb)
    missing = RefFinding(entry.kb, "missing", requires_roles=requires)
    if not remedies:
        return missing
    dues: dict[str, date] = {}
    for kb in remedies:
        remedy = entries.get(kb)
        if remedy is None:  # not an entry
            return missing
        if remedy.kind not in policy.deferral.kinds:
            return missing
        if remedy.released is None:
            return missing
        if kb in policy.deferral.approve_early or entry.kb in policy.deferral.approve_early:
            return missing
        dues[kb] = date_after(remedy.released, policy.deferral.period)
    for due in dues.values():
        if due <= policy.as_of:  # on the due date it is missing
            return missing
    earliest = min(dues.values())
    vias = frozenset(kb for kb, due in dues.items() if due == earliest)
    return RefFinding(entry.kb, "deferred", due=earliest, vias=vias, requires_roles=requires)


def evaluate(curated: Sequence[CatalogueEntry], sources: Sequence[SourceEntries], files: Sequence[HostInventory],
             groups: Sequence[HostGroup], policy: RefPolicy) -> dict[str, RefResult]:
    entries = merge(curated, sources)
    graph, _dropped = usable_edges(entries)
    hosts = combine(files, groups, policy.max_inventory_age)
    results: dict[str, RefResult] = {}
    for name, host in hosts.items():
        findings: dict[str, RefFinding] = {}
        if host.os is not None:
            for entry in entries.values():
                if applicable(entry, host.os, host.roles):
                    findings[entry.kb] = finding(entry, host, entries, graph, policy)
        missing = [f for f in findings.values() if f.status == "missing"]
        # F: the reasons that make a host unknown
        reasons: list[str] = []
        if host.os is None:
            reasons.append("os unknown")
        elif any(family(p) == host.os != p for entry in entries.values() for p in entry.products):
            reasons.append("version unknown")  # a family host (win10) where entries name versions (win10-22h2)
        if host.time is not None and host.time < moment_before(policy.now, policy.max_inventory_age):
            reasons.append("stale")
        if host.collected_at is not None and host.collected_at > policy.clock + CLOCK_SKEW:
            reasons.append("collected in the future")
        if host.roles is None and any(f.requires_roles for f in missing):
            reasons.append("roles unknown")
        if host.incomplete and missing:
            reasons.append("incomplete list")
        if reasons:
            status = "unknown"
        elif missing:
            status = "noncompliant"
        else:
            status = "compliant"
        results[name] = RefResult(name, status, tuple(reasons), findings, host.ignored_old)
    return results
