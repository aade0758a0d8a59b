"""Merge precedence: curated facts win, relations and links add up, scraped sources combine by rule."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.merge import SourceEntries, merge
from scanner.models import CatalogueEntry, Kind, SecurityFacts
from tests.seed import seed_entries


def e(kb: str, source: str, **facts: object) -> CatalogueEntry:
    return CatalogueEntry(kb=kb, title=str(facts.pop("title", kb)), sources=(source,), **facts)  # type: ignore[arg-type]


def test_curated_facts_are_never_overwritten_by_a_scrape_but_products_add_up():
    curated = {x.kb: x for x in seed_entries()}
    scraped = e("KB2779069", "wiki", title="Some vaguer title", kind=Kind.UPDATE, products=("ws2012r2",),
                roles=("hyper-v",), supersedes=("KB2550886",), download=("http://download.microsoft.com/x.msu",),
                released=date(2013, 12, 12))
    merged = {x.kb: x for x in merge(list(curated.values()), [SourceEntries("wiki", (scraped,))])}
    result = merged["KB2779069"]
    original = curated["KB2779069"]
    assert (result.title, result.kind, result.roles, result.standalone) == (
        original.title, original.kind, original.roles, original.standalone)
    assert result.products == (*original.products, "ws2012r2")  # a product more fails closed
    assert result.provenance["products"] == ("seed-blog", "reijoh-cluster", "wiki")
    assert result.supersedes == ("KB2550886",)
    assert result.download == (*original.download, "http://download.microsoft.com/x.msu")
    assert result.released == date(2013, 12, 12)
    assert result.sources == ("seed-blog", "reijoh-cluster", "wiki")
    assert result.provenance["supersedes"] == ("wiki",)  # the curated entry named no replaced KB
    assert result.provenance["download"] == ("reijoh-cluster", "wiki")
    assert result.provenance["released"] == ("wiki",)


def test_scraped_sources_union_products_and_intersect_roles():
    hv = e("KB2000001", "hyperv", products=("ws2012",), roles=("hyper-v",), released=date(2014, 1, 1))
    cl = e("KB2000001", "cluster", title="other", products=("ws2012r2",), roles=("failover-clustering",),
           kind=Kind.UPDATE_ROLLUP, released=date(2014, 2, 1))
    merged = merge([], [SourceEntries("hyperv", (hv,)), SourceEntries("cluster", (cl,))])
    assert [(x.title, x.kind, x.products, x.roles, x.released, x.sources) for x in merged] == [
        ("other", Kind.UPDATE_ROLLUP, ("ws2012", "ws2012r2"), (), date(2014, 1, 1), ("cluster", "hyperv"))]
    assert merged[0].stated == {"released": (("cluster", "2014-02-01"), ("hyperv", "2014-01-01")),
                                "title": (("cluster", "other"), ("hyperv", "KB2000001")),
                                "kind": (("cluster", "update-rollup"), ("hyperv", "hotfix"))}


def test_includes_become_included_in_on_known_members_only():
    member = e("KB2000002", "a", products=("ws2012",))
    includes = (("KB2000009", "KB2000002"), ("KB2000009", "KB1999999"))
    merged = merge([], [SourceEntries("a", (member,), includes=includes)])
    assert [(x.kb, x.included_in, x.provenance.get("included_in")) for x in merged] == [
        ("KB2000002", ("KB2000009",), ("a",))]


def test_a_package_only_fix_stays_package_only_and_keeps_both_packages():
    """One source says "install update rollup R" (no package of its own); another lists the KB plainly:
    the relation is the stronger fact, and both sources' packages are kept."""
    plain = e("KB2000003", "wiki", products=("ws2012",), download=("http://hotfixv4.microsoft.com/a.exe",))
    via = e("KB2000003", "blog", products=("ws2012",), included_in=("KB2000010",), standalone=False)
    later = e("KB2000003", "list", products=("ws2012",), included_in=("KB2000011",), standalone=False)
    merged = merge([], [SourceEntries(x.sources[0], (x,)) for x in (plain, via, later)])
    assert [(x.included_in, x.standalone, x.download, x.provenance["included_in"]) for x in merged] == [
        (("KB2000010", "KB2000011"), False, ("http://hotfixv4.microsoft.com/a.exe",), ("blog", "list"))]


def test_roles_and_products_do_not_depend_on_source_order():
    both = e("KB2000004", "a", products=("ws2012",), roles=("hyper-v", "failover-clustering"))
    one = e("KB2000004", "b", products=("win8",), roles=("failover-clustering",))
    forward = merge([], [SourceEntries("a", (both,)), SourceEntries("b", (one,))])
    backward = merge([], [SourceEntries("b", (one,)), SourceEntries("a", (both,))])
    assert [(set(x.products), x.roles) for x in forward] == [(set(x.products), x.roles) for x in backward] == [
        ({"ws2012", "win8"}, ("failover-clustering",))]


def test_the_earliest_release_date_counts_whichever_source_comes_first():
    """Two lists give a rollup different release dates: the earlier one (the shorter deferral) counts,
    in either order of the sources, and both are kept for `catalogue show`."""
    late = e("KB2000004", "aaa-late", products=("ws2012",), kind=Kind.UPDATE_ROLLUP, released=date(2014, 1, 14))
    early = e("KB2000004", "zzz-early", products=("ws2012",), kind=Kind.UPDATE_ROLLUP, released=date(2013, 12, 10))
    for order in ([late, early], [early, late]):
        merged = merge([], [SourceEntries(x.sources[0], (x,)) for x in order])
        assert [(x.released, x.provenance["released"], x.stated["released"]) for x in merged] == [
            (date(2013, 12, 10), ("zzz-early",), (("aaa-late", "2014-01-14"), ("zzz-early", "2013-12-10")))]


def test_a_curated_release_date_gives_way_to_an_earlier_scraped_one():
    curated = e("KB2000005", "kbdata", products=("ws2012",), kind=Kind.UPDATE_ROLLUP, released=date(2014, 1, 14))
    scraped = e("KB2000005", "wiki", products=("ws2012",), kind=Kind.UPDATE_ROLLUP, released=date(2014, 1, 7))
    [result] = merge([curated], [SourceEntries("wiki", (scraped,))])
    assert (result.released, result.provenance["released"]) == (date(2014, 1, 7), ("wiki",))


_KBS = [f"KB{2100000 + i}" for i in range(6)]


@st.composite
def _sources(draw: st.DrawFn) -> list[SourceEntries]:
    names = draw(st.lists(st.sampled_from(["cluster", "hyperv", "wiki", "blog", "xml"]), min_size=1, max_size=4,
                          unique=True))
    found = []
    for name in names:
        entries = []
        for kb in draw(st.lists(st.sampled_from(_KBS), min_size=1, max_size=4, unique=True)):
            included = tuple(draw(st.lists(st.sampled_from(_KBS), max_size=2, unique=True)))
            entries.append(CatalogueEntry(
                kb=kb, title=draw(st.sampled_from(["a", "b", kb])), kind=draw(st.sampled_from(list(Kind))),
                released=draw(st.none() | st.dates(date(2013, 11, 1), date(2014, 2, 1))),
                products=tuple(draw(st.lists(st.sampled_from(["ws2012", "ws2012r2", "win8"]), min_size=1,
                                             unique=True))),
                roles=tuple(draw(st.lists(st.sampled_from(["hyper-v", "failover-clustering"]), unique=True))),
                supersedes=tuple(draw(st.lists(st.sampled_from(_KBS), max_size=2, unique=True))),
                included_in=included, standalone=draw(st.booleans()) or not included,
                download=tuple(draw(st.lists(st.sampled_from(["http://a/1", "http://b/2"]), unique=True))),
                notes=draw(st.sampled_from(["", "x64 only", "see list"])), sources=(name,)))
        includes = tuple(draw(st.lists(st.tuples(st.sampled_from(_KBS), st.sampled_from(_KBS)), max_size=2)))
        found.append(SourceEntries(name, tuple(entries), includes))
    return found


@settings(max_examples=150, deadline=None)
@given(_sources(), st.randoms(use_true_random=False))
def test_merge_does_not_depend_on_the_order_of_the_sources(sources: list[SourceEntries], rnd: random.Random):
    curated = [e("KB2100000", "kbdata", products=("ws2012",), roles=("hyper-v",), released=date(2013, 12, 20))]
    expected = merge(curated, sources)
    shuffled = sources[:]
    rnd.shuffle(shuffled)
    assert merge(curated, shuffled) == expected


def test_security_facts_are_the_gravest_any_source_states_in_either_order():
    from scanner.models import SecurityFacts

    low = e("KB2100100", "aaa", products=("ws2019",), security=SecurityFacts("Low", cves=1))
    critical = e("KB2100100", "zzz", products=("ws2019",), security=SecurityFacts("Critical", cves=3, exploits=1))
    for order in ([low, critical], [critical, low]):
        [merged] = merge([], [SourceEntries(x.sources[0], (x,)) for x in order])
        assert merged.security == SecurityFacts("Critical", cves=3, exploits=1)


def test_a_security_source_makes_a_curated_role_only_entry_apply_to_every_host_of_its_products():
    """The cluster list (kb2920151) names KB2919355 (Windows 8.1 / Server 2012 R2 Update) and KB4284815 (June
    2018's monthly rollup) for failover-clustering hosts; WES-NG's MSRC data says both fix vulnerabilities on
    every Server 2012 R2. Curated roles won, so a 2012 R2 host without the role was never checked for them:
    a false "compliant" for a security update. A security source's entry without roles widens them to every
    host; a plain scrape of a list still does not."""
    curated = e("KB4284815", "kb2920151", kind=Kind.UPDATE_ROLLUP, products=("ws2012r2",),
                roles=("failover-clustering",))
    security = e("KB4284815", "wesng", kind=Kind.UPDATE_ROLLUP, products=("win81", "ws2012r2"),
                 security=SecurityFacts("Critical", 12, 1))
    listed = e("KB4284815", "wiki", products=("ws2012r2",))
    [merged] = merge([curated], [SourceEntries("wesng", (security,))])
    assert merged.roles == ()
    assert merged.provenance["roles"] == ("wesng",)
    [scraped] = merge([curated], [SourceEntries("wiki", (listed,))])
    assert scraped.roles == ("failover-clustering",)
