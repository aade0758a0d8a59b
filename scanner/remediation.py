"""Pure: the smallest set of packages that resolves a host's missing findings, with download links.

Candidates for a missing KB are the KB itself (when it has a package of its own) and every package
that covers it (Catalogue.covers: superseders and the rollups that include it) that applies to the
host's product. Greedy set cover: repeatedly take the candidate resolving the most remaining
findings; ties go to the newest package (highest KB number, as Microsoft numbers them in order), so a
newer superseding update is preferred and one rollup covering several findings counts once.
"""

from __future__ import annotations

import heapq

from scanner.catalogue import Catalogue
from scanner.models import HostResult, Remedy, Status, kb_sort_key


def remediate(catalogue: Catalogue, host: HostResult) -> tuple[Remedy, ...]:
    missing = [f.kb for f in host.findings if f.status is Status.MISSING]
    if not missing or host.os is None:
        return ()
    candidates: dict[str, set[str]] = {}
    for kb in missing:
        entry = catalogue.get(kb)
        if entry is not None and entry.standalone:
            candidates.setdefault(kb, set()).add(kb)
        for cover in catalogue.covers(kb):
            package = catalogue.get(cover.kb)
            if package is None or host.os in package.products:
                candidates.setdefault(cover.kb, set()).add(kb)
    remaining = set(missing)
    chosen: list[Remedy] = []
    # Lazy greedy: a heap ordered by (coverage, newest); a popped candidate whose coverage shrank since it
    # was pushed goes back with its new size. Linearithmic where the plain greedy loop is quadratic.
    heap = [(-len(resolves), _newest_first(kb), kb) for kb, resolves in candidates.items()]
    heapq.heapify(heap)
    while remaining and heap:
        size, order, best = heapq.heappop(heap)
        useful = candidates[best] & remaining
        if not useful:
            continue
        if len(useful) != -size:
            heapq.heappush(heap, (-len(useful), order, best))
            continue
        package = catalogue.get(best)
        chosen.append(Remedy(best, package.title if package else best,
                             tuple(sorted(useful, key=kb_sort_key)), package.download if package else ()))
        remaining -= useful
    for kb in sorted(remaining, key=kb_sort_key):  # no package known: the KB itself, to look up
        entry = catalogue.get(kb)
        chosen.append(Remedy(kb, entry.title if entry else kb, (kb,), entry.download if entry else ()))
    return tuple(chosen)


def _newest_first(kb: str) -> tuple[int, str]:
    number, text = kb_sort_key(kb)
    return -number, text
