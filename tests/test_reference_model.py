"""The product's merge, inventory combining and verdicts against the independent reference
(tests/reference_model.py), over random catalogues, fleets and policies.

CI runs a few hundred examples. A recorded campaign runs more, with a fixed seed, and prints the count
and the time:  KBSCAN_REFERENCE_EXAMPLES=10000 python -m pytest tests/test_reference_model.py -s
"""

from __future__ import annotations

import os
import time as clock_time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from scanner.catalogue import Catalogue
from scanner.config import DeferralPolicy, Exemption, HostGroup
from scanner.dates import Duration
from scanner.evaluate import Policy, evaluate_fleet
from scanner.fleet import combine
from scanner.merge import SourceEntries, merge
from scanner.models import CatalogueEntry, HostInventory, InstalledUpdate, Kind, Report
from tests import reference_model as ref

CAMPAIGN = int(os.environ.get("KBSCAN_REFERENCE_EXAMPLES", "0") or 0)
EXAMPLES = CAMPAIGN or 200
CAMPAIGN_SEED = 20261203

KBS = [f"KB{1000001 + i}" for i in range(10)]
OUTSIDE = "KB1999999"  # named in relations and inventories, never an entry
RELATED = [*KBS, OUTSIDE]
PRODUCTS = ["ws2012", "ws2012", "ws2012", "win8", "win10", "win10-1809", "win10-21h2"]  # repeats: weights
HOST_OS = ["ws2012", "ws2012", "ws2012", "win10-1809", "win10", "win8", None]
DEFERRABLE = (Kind.UPDATE_ROLLUP, Kind.CUMULATIVE_UPDATE)
ROLES = ["hyper-v", "failover-clustering"]
HOSTS = ["HV01", "HV02", "hv01", "CL01"]  # HV01 and hv01 are two hosts (rule E: exact string)
GLOBS = ["HV01", "hv*", "HV0?", "*", "CL0[1-2]", "[!C]*", "web*"]
DAYS = [date(2013, 12, 10), date(2013, 12, 31), date(2014, 1, 10), date(2014, 1, 31), date(2014, 3, 31),
        date(2015, 1, 29), date(2016, 1, 29), date(2016, 1, 31), date(2016, 2, 29), date(2016, 3, 31)]
PERIODS = [Duration(months=1, text="1 month"), Duration(months=1, text="1 month"),
           Duration(delta=timedelta(days=30), text="30 days"), Duration(months=2, text="2 months")]
AGES = [Duration(delta=timedelta(days=7), text="7 days"), Duration(delta=timedelta(days=7), text="7 days"),
        Duration(delta=timedelta(hours=12), text="12 hours"), Duration(months=1, text="1 month")]


def some(elements: list[Any], max_size: int) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(st.sampled_from(elements), max_size=max_size, unique=True).map(tuple)


# Strategies built once: hypothesis validates each new strategy object, which costs more than drawing.
released_dates = st.none() | st.sampled_from(DAYS) | st.dates(date(2013, 10, 1), date(2016, 6, 30))
kinds = st.sampled_from([*Kind, *DEFERRABLE, *DEFERRABLE])
listed_products = st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=2, unique=True).map(tuple)
product_lists = st.one_of(listed_products, listed_products, listed_products, st.just(()))
role_lists = some(ROLES, 2)
maybe_roles = st.none() | role_lists
relation_lists = st.just(()) | st.just(()) | some(RELATED, 2)  # sparse: chains, and some cycles
installed_lists = some([*KBS, OUTSIDE], 6)
maybe_os = st.sampled_from(HOST_OS)
globs = st.sampled_from(GLOBS)
standalones = st.sampled_from([True, True, True, False])
time_sources = st.sampled_from(["collected", "modified", "both", "none"])


def entry_for(draw: st.DrawFn, kb: str, source: str) -> CatalogueEntry:
    return CatalogueEntry(
        kb=kb, title=f"{kb} from {source}", kind=draw(kinds), released=draw(released_dates),
        products=draw(product_lists), roles=draw(role_lists),
        supersedes=draw(relation_lists), included_in=draw(relation_lists),
        standalone=draw(standalones), sources=(source,))


curated_kbs = some(KBS, 3)
listed_kbs = st.lists(st.sampled_from(KBS), min_size=1, max_size=7, unique=True)
include_pairs = st.lists(st.tuples(st.sampled_from(RELATED), st.sampled_from(RELATED)), max_size=2)


@st.composite
def catalogues(draw: st.DrawFn, min_sources: int = 0) -> tuple[list[CatalogueEntry], list[SourceEntries]]:
    """Curated entries and up to three sources that list overlapping KBs with their own, often
    conflicting, facts: relations among ten KBs make chains, rollups and cycles across sources."""
    curated = [entry_for(draw, kb, "curated") for kb in draw(curated_kbs)]
    sources = []
    for index in range(draw(st.integers(min_sources, 3))):
        name = f"source{index + 1}"
        listed = draw(listed_kbs)
        includes = draw(include_pairs)
        sources.append(SourceEntries(name, tuple(entry_for(draw, kb, name) for kb in listed), tuple(includes)))
    return curated, sources


def at_day(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    curated: list[CatalogueEntry]
    sources: list[SourceEntries]
    files: list[HostInventory]
    groups: list[HostGroup]
    policy: ref.RefPolicy


def inventory_files(draw: st.DrawFn, now: datetime, clock: datetime, age: Duration) -> list[HostInventory]:
    """One to four hosts, each in one to three files: stale, duplicate, future and untimed files,
    incomplete lists, twins (a second file of the same time and facts, as systeminfo + wmic)."""
    age_start = ref.moment_before(now, age)
    times = [now, now - timedelta(hours=1), age_start, age_start - timedelta(seconds=1),
             age_start + timedelta(seconds=1), ref.moment_before(age_start, age), now - timedelta(days=400),
             clock + ref.CLOCK_SKEW, clock + ref.CLOCK_SKEW + timedelta(seconds=1), clock + timedelta(days=1),
             clock - timedelta(minutes=3)]
    usual = st.sampled_from([*times[:3], now - timedelta(days=2), now - timedelta(minutes=10)])
    moments = usual | usual | st.sampled_from(times)
    files: list[HostInventory] = []
    for host in draw(st.lists(st.sampled_from(HOSTS), min_size=1, max_size=4, unique=True)):
        used: list[datetime] = []
        untimed = 0
        for index in range(draw(st.integers(1, 3))):
            moment = draw(moments)
            while moment in used:  # one time per file of a host, except twins (facts then agree)
                moment += timedelta(seconds=7)
            how = draw(time_sources)
            if how == "modified" and moment > clock:  # a file's mtime is never after the real clock
                how = "collected"
            if how == "none":
                untimed += 1
                if untimed > 1:  # two untimed files of one host would have no newest: not a rule case
                    continue
            else:
                used.append(moment)
            collected = moment if how in ("collected", "both") else None
            modified = (min(moment, clock) - timedelta(hours=draw(st.integers(0, 48))) if how == "both"
                        else moment if how == "modified" else None)
            listed = draw(st.integers(0, 4))
            announced = draw(st.none() | st.sampled_from([listed, listed + 3]))
            facts = {"os": draw(maybe_os), "roles": draw(maybe_roles),
                     "cluster": draw(st.none() | st.just("CLU1")),
                     "collected_at": collected, "modified_at": modified}
            copies = 2 if how != "none" and draw(st.integers(0, 4)) == 0 else 1
            for copy in range(copies):
                kbs = draw(installed_lists)
                count = listed if copy == 0 else draw(st.integers(0, 4))
                total = announced if copy == 0 else draw(st.none() | st.sampled_from([count, count + 2]))
                files.append(HostInventory(
                    host=host, path=f"{host}-{index}-{copy}.txt", format="test",
                    updates=tuple(InstalledUpdate(kb) for kb in kbs), announced=total,
                    listed=count if total is not None else None, **facts))  # type: ignore[arg-type]
    return draw(st.permutations(files))


@st.composite
def cases(draw: st.DrawFn, min_sources: int = 0) -> Case:
    curated, sources = draw(catalogues(min_sources))
    period = draw(st.sampled_from(PERIODS))
    # as_of: often a deferral edge of a date some source states (due day, the day before, after)
    stated: list[date] = [e.released for e in curated if e.released and e.kind in DEFERRABLE] + [
        e.released for s in sources for e in s.entries if e.released and e.kind in DEFERRABLE]
    on_an_edge: bool = draw(st.integers(0, 2)) > 0
    if stated and on_an_edge:
        as_of = ref.date_after(draw(st.sampled_from(stated)), period) + timedelta(days=draw(st.integers(-1, 1)))
    else:
        as_of = draw(st.sampled_from(DAYS) | st.dates(date(2013, 11, 1), date(2016, 8, 31)))
    now = draw(st.sampled_from([at_day(as_of, 23, 59, 59) + timedelta(microseconds=999999),
                                at_day(as_of, 8, 0, 0)]))
    clock = now + draw(st.sampled_from([timedelta(0), timedelta(0), timedelta(minutes=3), timedelta(days=30),
                                        timedelta(days=30), -timedelta(hours=2)]))
    age = draw(st.sampled_from(AGES))
    deferred_kinds = draw(st.sampled_from([DEFERRABLE] * 3 + [
        (Kind.UPDATE_ROLLUP,), (*DEFERRABLE, Kind.HOTFIX, Kind.SECURITY_UPDATE)]))
    approve_early = draw(st.just(()) | st.just(()) | some(KBS, 2))
    deferral = DeferralPolicy(period=period, kinds=deferred_kinds, approve_early=approve_early)
    exemptions = tuple(
        Exemption(draw(globs), draw(st.sampled_from(KBS)),
                  as_of + timedelta(days=draw(st.sampled_from([-1, 0, 1, 60]))), "test exemption")
        for _ in range(draw(st.integers(0, 4))))
    groups = [HostGroup(draw(globs), os=draw(st.none() | maybe_os), roles=draw(maybe_roles),
                        cluster=draw(st.none() | st.just("CLU2")))
              for _ in range(draw(st.integers(0, 2)))]
    files = inventory_files(draw, now, clock, age)
    policy = ref.RefPolicy(as_of, now, clock, deferral, exemptions, age)
    return Case(curated, sources, files, groups, policy)


# ---------------------------------------------------------------------------------------------
# Running the product and comparing
# ---------------------------------------------------------------------------------------------

def product_report(case: Case, sources: list[SourceEntries] | None = None) -> tuple[Catalogue, Report]:
    p = case.policy
    catalogue = Catalogue(merge(case.curated, case.sources if sources is None else sources))
    inventories, warnings = combine(case.files, case.groups, p.max_inventory_age)
    policy = Policy(as_of=p.as_of, now=p.now, clock=p.clock, deferral=p.deferral, exemptions=p.exemptions,
                    max_inventory_age=p.max_inventory_age)
    return catalogue, evaluate_fleet(catalogue, inventories, (), policy, p.clock, warnings)


def entry_facts(entry: CatalogueEntry | ref.RefEntry) -> tuple[object, ...]:
    """Rule A's fields (not titles), with lists as sets: their order is not a fact."""
    return (entry.kb, Kind(entry.kind), entry.released, frozenset(entry.products), frozenset(entry.roles),
            frozenset(entry.supersedes), frozenset(entry.included_in), entry.standalone)


FACTS = ("kb", "kind", "released", "products", "roles", "supersedes", "included_in", "standalone")


def merge_disagreements(product: list[CatalogueEntry], expected: dict[str, ref.RefEntry]) -> list[str]:
    mine = {e.kb: entry_facts(e) for e in product}
    wanted = {kb: entry_facts(e) for kb, e in expected.items()}
    found = [f"merge: entries {sorted(mine)}, reference {sorted(wanted)}"] if sorted(mine) != sorted(wanted) else []
    for kb in sorted(set(mine) & set(wanted)):
        for name, got, want in zip(FACTS, mine[kb], wanted[kb], strict=True):
            if got != want:
                found.append(f"merge {kb} {name}: product {got}, reference {want}")
    return found


def verdict_disagreements(report: Report, expected: dict[str, ref.RefResult]) -> list[str]:
    """Every host's status, whether it has reasons, and every finding (kb, status, via, due,
    requires_roles) against the reference; one line per difference."""
    found: list[str] = []
    hosts = {h.host: h for h in report.hosts}
    if sorted(hosts) != sorted(expected):
        found.append(f"hosts: product {sorted(hosts)}, reference {sorted(expected)}")
    for name in sorted(set(hosts) & set(expected)):
        got, want = hosts[name], expected[name]
        if got.status != want.status:
            found.append(f"{name}: status {got.status}, reference {want.status} {want.reasons}; "
                         f"product reasons {got.reasons}")
        if bool(got.reasons) != bool(want.reasons):
            found.append(f"{name}: reasons {got.reasons}, reference {want.reasons}")
        findings = {f.kb: f for f in got.findings}
        if sorted(findings) != sorted(want.findings):
            found.append(f"{name}: findings for {sorted(findings)}, reference {sorted(want.findings)}")
        for kb in sorted(set(findings) & set(want.findings)):
            f, w = findings[kb], want.findings[kb]
            say = f"{name} {kb}: product {f.status} via={f.via} due={f.due} requires={f.requires_roles}; "
            if w.status == "covered":  # rule B: via installed and reaching kb, status one its paths give
                if f.via not in w.covers or f.status not in w.covers[f.via] or f.due is not None:
                    found.append(say + f"reference covered by {w.covers}")
            elif f.status != w.status or f.due != w.due:
                found.append(say + f"reference {w.status} due={w.due} via one of {sorted(w.vias)}")
            elif w.status == "deferred" and f.via not in w.vias:
                found.append(say + f"reference via one of {sorted(w.vias)}")
            elif w.status in ("installed", "exempt", "missing") and f.via is not None:
                found.append(say + f"reference {w.status} with no via")
            if frozenset(f.requires_roles) != w.requires_roles:
                found.append(say + f"reference requires_roles {sorted(w.requires_roles)}")
        for path in want.ignored_old:  # rule E: a warning names each file too old to merge
            if not any(path in warning for warning in report.warnings):
                found.append(f"{name}: no warning names {path}, ignored as older than the newest file's window")
    return found


def cycle_disagreements(catalogue: Catalogue, case: Case, expected: dict[str, ref.RefEntry]) -> list[str]:
    """Rule B / DESIGN 3a: every edge that is not used is named in a warning, with its two KBs and a
    source that stated it; no cycle warning without such an edge."""
    _kept, dropped = ref.usable_edges(expected)
    said = ref.stated_by(case.curated, case.sources)
    warnings = catalogue.warnings
    if not dropped and warnings:
        return [f"cycle warnings {warnings} without a cycle"]
    return [f"no cycle warning names {edge} with one of {sorted(said[edge])}" for edge in dropped
            if not any(edge.start in w and edge.end in w and any(name in w for name in said[edge])
                       for w in warnings)]


SEEN = {"hosts": 0, "findings": 0}  # what the comparisons looked at, for the campaign's record


def compare(case: Case) -> list[str]:
    catalogue, report = product_report(case)
    expected_entries = ref.merge(case.curated, case.sources)
    expected = ref.evaluate(case.curated, case.sources, case.files, case.groups, case.policy)
    SEEN["hosts"] += len(expected)
    SEEN["findings"] += sum(len(result.findings) for result in expected.values())
    return (merge_disagreements(list(catalogue.entries.values()), expected_entries)
            + cycle_disagreements(catalogue, case, expected_entries)
            + verdict_disagreements(report, expected))


def campaign(test: Callable[..., None]) -> Callable[..., None]:
    """CI: EXAMPLES random examples. Campaign (KBSCAN_REFERENCE_EXAMPLES set): that many, fixed seed."""
    configured = settings(max_examples=EXAMPLES, deadline=None, database=None if CAMPAIGN else settings().database,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])(test)
    return seed(CAMPAIGN_SEED)(configured) if CAMPAIGN else configured


def run_counted(name: str, check: Callable[[Case], None],
                strategy: st.SearchStrategy[Case] | None = None) -> None:
    """Run `check` over EXAMPLES cases; print how many ran, what they held and how long it took."""
    runs = 0
    SEEN.update(hosts=0, findings=0)

    @campaign
    @given(cases() if strategy is None else strategy)
    def body(case: Case) -> None:
        nonlocal runs
        check(case)
        runs += 1

    started = clock_time.perf_counter()
    body()
    elapsed = clock_time.perf_counter() - started
    held = f" ({SEEN['hosts']} hosts, {SEEN['findings']} findings compared)" if SEEN["hosts"] else ""
    print(f"\n{name}: {runs} examples{held} in {elapsed:.1f} s"
          f"{f' (campaign, seed {CAMPAIGN_SEED})' if CAMPAIGN else ''}")


def test_product_agrees_with_the_reference_model() -> None:
    def check(case: Case) -> None:
        assert compare(case) == []

    run_counted("reference model", check)


@st.composite
def deferral_edges(draw: st.DrawFn) -> Case:
    """One rollup, maybe carrying a hotfix and maybe superseded by a later package, on a host that has
    none of them: as_of on the due day, the day before or after, for release dates at month ends and
    every period; approve_early naming nothing, the rollup or the hotfix."""
    released = draw(st.sampled_from(DAYS))
    period = draw(st.sampled_from(PERIODS))
    as_of = ref.date_after(released, period) + timedelta(days=draw(st.integers(-1, 1)))
    entries = [hotfix("KB1000001", kind=draw(st.sampled_from(DEFERRABLE)), released=released)]
    if draw(st.booleans()):
        entries.append(hotfix("KB1000002", included_in=("KB1000001",), standalone=draw(st.booleans())))
    if draw(st.booleans()):
        entries.append(hotfix("KB1000003", kind=draw(st.sampled_from([*DEFERRABLE, Kind.HOTFIX])),
                              released=draw(st.none() | st.sampled_from(DAYS)), supersedes=("KB1000001",)))
    approve_early = draw(st.sampled_from([(), (), ("KB1000001",), ("KB1000002",)]))
    now = at_day(as_of, 23, 59, 59)
    deferral = DeferralPolicy(period=period, approve_early=approve_early)
    policy = reference_policy(as_of, now=now, clock=now, deferral=deferral)
    return Case(entries, [], [host_file(collected_at=now)], [], policy)


def test_deferral_edges_agree_with_the_reference() -> None:
    def check(case: Case) -> None:
        assert compare(case) == []

    run_counted("deferral edges", check, deferral_edges())


def reordered(sources: list[SourceEntries], order: list[int], renamed: bool) -> list[SourceEntries]:
    """The same sources in another order; `renamed`: the names stay in place and the contents move, so
    that a product which orders sources by name sees them in another order too."""
    if not renamed:
        return [sources[j] for j in order]
    names = [s.name for s in sources]
    return [SourceEntries(names[i], tuple(replace(e, sources=(names[i],)) for e in sources[j].entries),
                          sources[j].includes) for i, j in enumerate(order)]


def test_merge_and_verdicts_do_not_depend_on_source_order() -> None:
    def check(case: Case) -> None:
        _catalogue, report = product_report(case)
        baseline = sorted(entry_facts(e) for e in merge(case.curated, case.sources))
        count = len(case.sources)
        reversal, rotation = list(reversed(range(count))), [*range(1, count), 0]
        for order, renamed in ((reversal, False), (reversal, True), (rotation, True)):
            turned = reordered(case.sources, order, renamed)
            assert sorted(entry_facts(e) for e in merge(case.curated, turned)) == baseline
            _c, other = product_report(case, turned)
            assert verdict_summary(other) == verdict_summary(report)

    run_counted("source order", check, cases(min_sources=2))


def verdict_summary(report: Report) -> list[tuple[object, ...]]:
    return [(h.host, h.status, bool(h.reasons),
             tuple((f.kb, f.status, f.via, f.due, frozenset(f.requires_roles)) for f in h.findings))
            for h in report.hosts]


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-s"])


# ---------------------------------------------------------------------------------------------
# The reference itself, on the worked examples of DESIGN.md: a reference that is wrong there
# would make every comparison above meaningless.
# ---------------------------------------------------------------------------------------------

DECEMBER = date(2013, 12, 20)


def reference_policy(as_of: date = DECEMBER, **changes: Any) -> ref.RefPolicy:
    now = at_day(as_of, 23, 59, 59)
    values: dict[str, Any] = {"as_of": as_of, "now": now, "clock": now, "deferral": DeferralPolicy(),
                              "exemptions": (), "max_inventory_age": AGES[0]}
    values.update(changes)
    return ref.RefPolicy(**values)


def hotfix(kb: str, **facts: Any) -> CatalogueEntry:
    return CatalogueEntry(kb=kb, title=kb, products=facts.pop("products", ("ws2012",)), sources=("s",), **facts)


def host_file(*kbs: str, host: str = "HV01", path: str = "a.txt", **facts: Any) -> HostInventory:
    facts.setdefault("os", "ws2012")
    facts.setdefault("roles", ())
    facts.setdefault("collected_at", at_day(DECEMBER, 8))
    return HostInventory(host=host, path=path, format="test", updates=tuple(InstalledUpdate(kb) for kb in kbs),
                         **facts)


def reference_findings(entries: list[CatalogueEntry], files: list[HostInventory],
                       policy: ref.RefPolicy | None = None, **extra: Any) -> dict[str, tuple[object, ...]]:
    results = ref.evaluate(entries, [], files, extra.get("groups", []), policy or reference_policy())
    return {name: (r.status, r.reasons, {kb: (f.status, f.due, sorted(f.vias),
                                             {k: sorted(v) for k, v in f.covers.items()})
                                        for kb, f in r.findings.items()})
            for name, r in results.items()}


ROLLUP = hotfix("KB2903938", kind=Kind.UPDATE_ROLLUP, released=date(2013, 12, 10))
DATA_LOSS = hotfix("KB2898774", included_in=("KB2903938",), standalone=False)


def test_reference_defers_a_hotfix_inside_its_rollup_until_the_rollups_due_day() -> None:
    assert reference_findings([ROLLUP, DATA_LOSS], [host_file()]) == {"HV01": ("compliant", (), {
        "KB2898774": ("deferred", date(2014, 1, 10), ["KB2903938"], {}),
        "KB2903938": ("deferred", date(2014, 1, 10), ["KB2903938"], {})})}
    due_day = reference_policy(date(2014, 1, 10), now=at_day(date(2014, 1, 10), 12))
    assert reference_findings([ROLLUP, DATA_LOSS], [host_file(collected_at=at_day(date(2014, 1, 10)))],
                              due_day) == {"HV01": ("noncompliant", (), {
                                  "KB2898774": ("missing", None, [], {}), "KB2903938": ("missing", None, [], {})})}


def test_reference_month_arithmetic_clamps_to_the_months_end() -> None:
    month = PERIODS[0]
    assert [ref.date_after(day, month) for day in (date(2013, 12, 10), date(2014, 1, 31), date(2016, 1, 31),
                                                   date(2014, 3, 31), date(2013, 12, 31))] == [
        date(2014, 1, 10), date(2014, 2, 28), date(2016, 2, 29), date(2014, 4, 30), date(2014, 1, 31)]
    assert ref.moment_before(datetime(2014, 3, 31, 8, tzinfo=UTC), month) == datetime(2014, 2, 28, 8, tzinfo=UTC)


def test_reference_globs_ignore_case_and_know_sets() -> None:
    names = ["HV01", "hv02", "CL01", "CL03", "HV1", "web-1"]
    assert {glob: [n for n in names if ref.glob_matches(glob, n)] for glob in GLOBS} == {
        "HV01": ["HV01"], "hv*": ["HV01", "hv02", "HV1"], "HV0?": ["HV01", "hv02"], "*": names,
        "CL0[1-2]": ["CL01"], "[!C]*": ["HV01", "hv02", "HV1", "web-1"], "web*": ["web-1"]}


def test_reference_covers_through_chains_and_never_through_a_cycle() -> None:
    entries = [hotfix("KB1000001", supersedes=("KB1000002",)), hotfix("KB1000002", supersedes=("KB1000001",)),
               hotfix("KB1000003", supersedes=("KB1000001",)), hotfix("KB1000004", included_in=("KB1000003",)),
               hotfix("KB1000005", supersedes=("KB1000005",))]
    assert reference_findings(entries, [host_file("KB1000002", "KB1000003")]) == {"HV01": ("noncompliant", (), {
        "KB1000001": ("covered", None, [], {"KB1000003": ["superseded"]}),
        "KB1000002": ("installed", None, [], {}), "KB1000003": ("installed", None, [], {}),
        "KB1000004": ("covered", None, [], {"KB1000003": ["included"]}),
        "KB1000005": ("missing", None, [], {})})}


def test_reference_merge_takes_the_earliest_date_the_strongest_kind_and_shared_roles() -> None:
    first = SourceEntries("a", (hotfix("KB1000001", kind=Kind.UPDATE, released=date(2014, 1, 14),
                                       roles=("hyper-v",), supersedes=("KB1000002",)),))
    second = SourceEntries("b", (hotfix("KB1000001", kind=Kind.UPDATE_ROLLUP, released=date(2013, 12, 10),
                                        roles=("hyper-v", "failover-clustering"), products=("win8",),
                                        standalone=False),), (("KB1000009", "KB1000001"), ("KB1000009", "KB1")))
    assert ref.merge([], [first, second]) == {"KB1000001": ref.RefEntry(
        "KB1000001", Kind.UPDATE_ROLLUP, date(2013, 12, 10), frozenset({"ws2012", "win8"}), frozenset({"hyper-v"}),
        frozenset({"KB1000002"}), frozenset({"KB1000009"}), False)}


def test_reference_merges_files_of_one_time_and_ignores_older_and_untimed_ones() -> None:
    files = [host_file("KB1000001", path="new.txt", collected_at=at_day(DECEMBER, 8), announced=5, listed=1),
             host_file("KB1000002", path="same.txt", collected_at=None, modified_at=at_day(DECEMBER, 7), os=None),
             host_file("KB1000003", path="old.txt", collected_at=at_day(date(2013, 12, 1))),
             host_file("KB1000004", path="untimed.txt", collected_at=None)]
    (host,) = ref.combine(files, [], AGES[0]).values()
    assert host == ref.RefHost("HV01", "ws2012", (), None, frozenset({"KB1000001", "KB1000002"}),
                               at_day(DECEMBER, 8), at_day(DECEMBER, 8), False, ("old.txt",))


# ---------------------------------------------------------------------------------------------
# Where the product disagreed with the reference: each the smallest example, named for the rule.
# ---------------------------------------------------------------------------------------------

def test_merge_takes_the_union_of_a_curated_entrys_products_and_its_sources() -> None:
    """Rule A: products are the union for every KB, curated or not (only roles, kind and standalone
    are the curated entry's). Kept to the curated products, a win8 host lacking the KB is compliant."""
    curated = [hotfix("KB1000001", products=("ws2012",))]
    source = SourceEntries("s1", (hotfix("KB1000001", products=("win8",)),))
    assert [entry_facts(e) for e in merge(curated, [source])] == [
        ("KB1000001", Kind.HOTFIX, None, frozenset({"ws2012", "win8"}), frozenset(), frozenset(), frozenset(), True)]


def test_merge_a_kb_is_not_standalone_when_any_source_says_so_whatever_the_source_names() -> None:
    """Rule A: standalone is False when any source says False (here without naming a package), and the
    merge does not depend on which source's name sorts first."""
    says_yes = hotfix("KB1000001", kind=Kind.UPDATE_ROLLUP, released=date(2013, 12, 10), standalone=True)
    says_no = replace(says_yes, standalone=False)
    expected: list[tuple[object, ...]] = [("KB1000001", Kind.UPDATE_ROLLUP, date(2013, 12, 10),
                                           frozenset({"ws2012"}), frozenset(), frozenset(), frozenset(), False)]
    for first, second in ((says_yes, says_no), (says_no, says_yes)):
        merged = merge([], [SourceEntries("a", (first,)), SourceEntries("b", (second,))])
        assert [entry_facts(e) for e in merged] == expected


def test_merged_host_is_as_old_as_its_newest_file_even_when_only_an_older_file_has_collected_at() -> None:
    """Rules E and F: the merged inventory's time is its newest file's time (here that file's mtime);
    an older file of the same window must not lend its collected_at and make the host look stale."""
    now = at_day(DECEMBER, 23, 59, 59)
    window_start = ref.moment_before(now, AGES[0])
    files = [host_file("KB1000001", path="new.txt", collected_at=None, modified_at=window_start + timedelta(hours=1)),
             host_file("KB1000002", path="older.txt", collected_at=window_start - timedelta(hours=1))]
    case = Case([hotfix("KB1000001")], [], files, [], reference_policy(now=now, clock=now))
    _catalogue, report = product_report(case)
    assert [(h.host, h.status, h.reasons) for h in report.hosts] == [("HV01", "compliant", ())]
