"""Pure: the smallest set of packages that resolves a host's missing findings, with download links, and
the line that names the one package resolving most of them ("install KB5035857: resolves 280 of 306 missing").

Candidates for a missing KB are the KB itself (when it has a package of its own) and every package
that covers it (Catalogue.covers: superseders and the rollups that include it) that applies to the
host's product. Greedy set cover: repeatedly take the candidate resolving the most remaining
findings; ties go to packages not held back by the deferral rule on this host (not named by one of its
deferred findings), then to packages the catalogue knows (title, download links) before bare ids named only in
an `included_in`, then to the newest (highest KB number, as Microsoft numbers them in order), so a newer
superseding update is preferred and one rollup covering several findings counts once. The exact
minimum is NP-hard; greedy stays within a factor ln(n) of it, which with a handful of missing KBs per
host and few overlapping packages is at most one extra package and usually none.
Candidates per (product, KB) are computed once per catalogue (Remediator), not per host.
"""

from __future__ import annotations

import heapq
import logging

from scanner.catalogue import Catalogue
from scanner.models import HostResult, Remedy, Status, kb_sort_key

log = logging.getLogger(__name__)


class Remediator:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._candidates: dict[tuple[str, str], tuple[str, ...]] = {}
        self._order: dict[str, tuple[bool, int, str]] = {}

    def _for(self, product: str, kb: str) -> tuple[str, ...]:
        key = (product, kb)
        found = self._candidates.get(key)
        if found is None:
            entry = self.catalogue.get(kb)
            own = (kb,) if entry is not None and entry.standalone else ()
            covers = tuple(c.kb for c in self.catalogue.covers(kb)
                           if (p := self.catalogue.get(c.kb)) is None or product in p.products)
            found = self._candidates[key] = own + covers
        return found

    def _newest_first(self, kb: str) -> tuple[bool, int, str]:
        order = self._order.get(kb)
        if order is None:
            number, text = kb_sort_key(kb)
            order = self._order[kb] = (kb not in self.catalogue.entries, -number, text)
        return order

    def remedies(self, host: HostResult) -> tuple[Remedy, ...]:
        missing = [f.kb for f in host.findings if f.status is Status.MISSING]
        if not missing or host.os is None:
            return ()
        candidates: dict[str, set[str]] = {}
        for kb in missing:
            for candidate in self._for(host.os, kb):
                candidates.setdefault(candidate, set()).add(kb)
        remaining = set(missing)
        chosen: list[Remedy] = []
        # Packages still inside their deferral window on this host (its deferred findings name them): among
        # candidates resolving as much, one whose window is over goes first, so a host missing March's
        # cumulative update is told to install March's, not April's that the policy still holds back.
        waiting = {f.via for f in host.findings if f.status is Status.DEFERRED and f.via}
        # Lazy greedy: a heap ordered by (coverage, not waiting, newest); a popped candidate whose coverage
        # shrank since it was pushed goes back with its new size. Linearithmic where the plain greedy loop
        # is quadratic.
        heap = [(-len(resolves), (kb in waiting, *self._newest_first(kb)), kb) for kb, resolves in candidates.items()]
        heapq.heapify(heap)
        while remaining and heap:
            size, order, best = heapq.heappop(heap)
            useful = candidates[best] & remaining
            if not useful:
                continue
            if len(useful) != -size:
                heapq.heappush(heap, (-len(useful), order, best))
                continue
            chosen.append(self._remedy(best, useful))
            remaining -= useful
        for kb in sorted(remaining, key=kb_sort_key):  # no package known: the KB itself, to look up
            log.debug("%s: no package for %s applies to %s", host.host, kb, host.os)
            chosen.append(self._remedy(kb, {kb}))
        return tuple(chosen)

    def _remedy(self, kb: str, resolves: set[str]) -> Remedy:
        package = self.catalogue.get(kb)
        return Remedy(kb, package.title if package else kb, tuple(sorted(resolves, key=kb_sort_key)),
                      package.download if package else ())


def remediate(catalogue: Catalogue, host: HostResult) -> tuple[Remedy, ...]:
    return Remediator(catalogue).remedies(host)


def headline(host: HostResult) -> str | None:
    """The line that leads a host's remediation: the one package that resolves the most of its missing
    findings, "install KB5035857: resolves 280 of 306 missing", and what the other packages add ("; 3 more
    packages resolve the other 26"). None when nothing is missing or no remediation was computed.

    With cumulative updates the first package is the newest one whose supersedence chain reaches the rest,
    so this line is what an admin acts on; reports print it before the list. Where the data's chain has a
    gap (docs/sources.md), it names the newest update before the gap, and the rest stay listed."""
    missing = host.count(Status.MISSING)
    if not missing or not host.remediation:
        return None
    first, rest = host.remediation[0], host.remediation[1:]
    text = remedy_line(first, missing)
    if len(rest) == 1:
        text += f"; 1 more package resolves the other {len(rest[0].resolves)}"
    elif rest:  # the greedy cover's sets do not overlap: the others resolve the rest exactly
        text += f"; {len(rest)} more packages resolve the other {sum(len(r.resolves) for r in rest)}"
    return text


def remedy_line(remedy: Remedy, missing: int) -> str:
    """"install KB5035857: resolves 280 of 306 missing" for one package of a host with `missing` findings."""
    return f"install {remedy.kb}: resolves {len(remedy.resolves)} of {missing} missing"
