"""The Remediator's shortcuts (candidates another candidate dominates left out, the one-KB step done in one
sort, answers shared between hosts with the same findings) give exactly what the plain greedy set cover of
remediation.py's docstring gives, on random catalogues and hosts."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.catalogue import Catalogue, family
from scanner.evaluate import Evaluator, Policy
from scanner.models import CatalogueEntry, HostInventory, HostResult, InstalledUpdate, Kind, Remedy, Status, kb_sort_key
from scanner.remediation import Remediator

KBS = [f"KB{500000 + i}" for i in range(14)]
kb = st.sampled_from(KBS)
PRODUCTS = ("ws2012", "win10", "win10-1809")


@st.composite
def entries(draw: st.DrawFn) -> list[CatalogueEntry]:
    result = []
    for name in draw(st.lists(kb, min_size=1, max_size=12, unique=True)):
        included = tuple(draw(st.lists(kb, max_size=2, unique=True)))
        result.append(CatalogueEntry(
            kb=name, title=name, kind=draw(st.sampled_from([Kind.HOTFIX, Kind.UPDATE_ROLLUP, Kind.CUMULATIVE_UPDATE])),
            released=draw(st.none() | st.dates(date(2013, 10, 1), date(2014, 1, 31))),
            products=tuple(draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=2, unique=True))),
            supersedes=tuple(draw(st.lists(kb, max_size=3, unique=True))), included_in=included,
            standalone=draw(st.booleans()) or not included, download=(f"http://dl/{name}",), sources=("t",)))
    return result


def plain_greedy(catalogue: Catalogue, host: HostResult) -> tuple[Remedy, ...]:
    """Every candidate of every missing KB, the one resolving most picked first, ties as documented."""
    product = host.os
    assert product is not None
    missing = [f.kb for f in host.findings if f.status is Status.MISSING]
    waiting = {f.via for f in host.findings if f.status is Status.DEFERRED and f.via}

    def applies(kb: str) -> bool:
        package = catalogue.get(kb)
        return package is None or product in package.products or family(product) in package.products

    resolves: dict[str, set[str]] = {}
    for kb in missing:
        entry = catalogue.get(kb)
        own = [kb] if entry is not None and entry.standalone else []
        for candidate in own + [c.kb for c in catalogue.covers(kb) if applies(c.kb)]:
            resolves.setdefault(candidate, set()).add(kb)
    remaining, chosen = set(missing), []
    while remaining:
        useful = {c: r & remaining for c, r in resolves.items() if r & remaining}
        if not useful:
            break
        best = min(useful, key=lambda c: (-len(useful[c]), c in waiting, c not in catalogue.entries,
                                          -kb_sort_key(c)[0], c))
        package = catalogue.get(best)
        chosen.append(Remedy(best, package.title if package else best,
                             tuple(sorted(useful[best], key=kb_sort_key)), package.download if package else ()))
        remaining -= useful[best]
    chosen += [Remedy(k, catalogue.get(k).title if catalogue.get(k) else k, (k,),  # type: ignore[union-attr]
                      catalogue.get(k).download if catalogue.get(k) else ())  # type: ignore[union-attr]
               for k in sorted(remaining, key=kb_sort_key)]
    return tuple(chosen)


@settings(max_examples=300, deadline=None)
@given(entries(), st.lists(st.tuples(st.frozensets(kb, max_size=5), st.sampled_from(PRODUCTS)), min_size=1,
                           max_size=5), st.dates(date(2013, 10, 1), date(2014, 3, 31)))
def test_remediation_is_the_plain_greedy_set_cover(catalogue_entries: list[CatalogueEntry],
                                                   hosts: list[tuple[frozenset[str], str]], as_of: date):
    catalogue = Catalogue(catalogue_entries)
    evaluator, remediator = Evaluator(catalogue, Policy.at(as_of)), Remediator(catalogue)
    # every host twice: the second answer comes from the Remediator's memory and must be the same
    for i, (installed, product) in enumerate([*hosts, *hosts]):
        result = evaluator.host(HostInventory(f"H{i}", f"{i}.json", "kbscan-json",
                                              tuple(InstalledUpdate(k) for k in sorted(installed)), os=product,
                                              roles=()))
        assert remediator.remedies(result) == plain_greedy(catalogue, result)
