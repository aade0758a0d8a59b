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
A package applies to the host's product when it lists the product or its family (`win10` for a
`win10-1809` host), as in Catalogue.for_product. What candidates need per product is computed once per
catalogue (Remediator), not per host; tests/test_remediation_properties.py checks the shortcuts against
the plain greedy.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable
from itertools import chain

from scanner.catalogue import Catalogue, family
from scanner.models import Finding, HostResult, Remedy, Status, kb_sort_key

log = logging.getLogger(__name__)

MISSING, DEFERRED = Status.MISSING, Status.DEFERRED  # a module name: an enum attribute costs 0.1 µs per finding
REMEMBERED = 256  # findings tuples whose remediation is kept (hosts at one patch level share theirs)


class _Choices:
    """Remediation's view of one product, for hosts with one set of `waiting` packages (those their
    deferral rule still holds back): each KB's candidates, each candidate's order, and the candidates the
    greedy cover can ever pick.

    A candidate `c` that another candidate `d` covers (d supersedes or includes c, transitively) resolves
    a subset of what d resolves on every host, since Catalogue.covers is transitive; when d also comes first
    on a tie (its order is lower), the greedy cover never picks c: while d resolves anything it resolves at
    least as much, and once d is picked c resolves nothing. Such a c is left out of `picks`, so a host's
    greedy runs over the few packages at the top of each chain instead of every package of the chain."""

    def __init__(self, catalogue: Catalogue, product: str, waiting: frozenset[str],
                 remedy: Callable[[str, frozenset[str]], Remedy]) -> None:
        self.catalogue, self.product, self.waiting, self._remedy = catalogue, product, waiting, remedy
        self._order: dict[str, tuple[bool, bool, int, str]] = {}
        self._dominated: dict[str, bool] = {}
        # per KB seen missing (learn): the candidates the greedy can pick, and for the last step (no
        # candidate resolves two) the order and remedy of its first candidate
        self.picks: dict[str, tuple[str, ...]] = {}
        self.alone_order: dict[str, tuple[bool, bool, int, str]] = {}
        self.alone_remedy: dict[str, Remedy] = {}
        self.resolves: dict[str, set[str]] = {}  # candidate -> every KB seen missing that it resolves
        self.several: set[str] = set()  # candidates resolving more than one of those: the heap's

    def learn(self, kb: str) -> None:
        entry = self.catalogue.get(kb)
        own = (kb,) if entry is not None and entry.standalone else ()
        candidates = own + tuple(c.kb for c in self.catalogue.covers(kb) if self._applies(c.kb))
        picks = self.picks[kb] = tuple(c for c in candidates if not self._is_dominated(c))
        for candidate in candidates:
            resolves = self.resolves.setdefault(candidate, set())
            resolves.add(kb)
            if len(resolves) > 1:
                self.several.add(candidate)
        if picks:
            first = min(picks, key=self.order)
            self.alone_order[kb] = self.order(first)
            self.alone_remedy[kb] = self._remedy(first, frozenset((kb,)))

    def _applies(self, kb: str) -> bool:
        package = self.catalogue.get(kb)
        return package is None or self.product in package.products or family(self.product) in package.products

    def order(self, kb: str) -> tuple[bool, bool, int, str]:
        """Ties go to packages not held back, then to packages the catalogue knows, then to the newest."""
        found = self._order.get(kb)
        if found is None:
            number, text = kb_sort_key(kb)
            found = self._order[kb] = (kb in self.waiting, kb not in self.catalogue.entries, -number, text)
        return found

    def _is_dominated(self, kb: str) -> bool:
        found = self._dominated.get(kb)
        if found is None:
            mine = self.order(kb)
            found = self._dominated[kb] = any(self.order(c.kb) < mine for c in self.catalogue.covers(kb)
                                              if self._applies(c.kb))
        return found


class Remediator:
    """Remediation for many hosts of one catalogue: per product (and waiting set) what the greedy needs is
    computed once (_Choices), and hosts with the very same findings (the evaluator shares them between hosts
    at one patch level) share one answer."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._choices: dict[tuple[str, frozenset[str]], _Choices] = {}
        self._remedies: dict[tuple[str, frozenset[str]], Remedy] = {}
        self._done: dict[tuple[str, int], tuple[tuple[Finding, ...], tuple[Remedy, ...]]] = {}

    def remedies(self, host: HostResult) -> tuple[Remedy, ...]:
        if host.os is None:
            return ()
        key = (host.os, id(host.findings))
        done = self._done.get(key)
        if done is not None and done[0] is host.findings:  # the tuple is kept alive beside it: no reused id
            return done[1]
        found = self._remedies_of(host.host, host.os, host.tallied().action)
        if len(self._done) >= REMEMBERED:
            self._done.clear()
        self._done[key] = (host.findings, found)
        return found

    def _remedies_of(self, host: str, product: str, findings: tuple[Finding, ...]) -> tuple[Remedy, ...]:
        """`findings`: the host's findings that need action (its Tally's), all remediation looks at."""
        missing = [f.kb for f in findings if f.status is MISSING]
        if not missing:
            return ()
        # Packages still inside their deferral window on this host (its deferred findings name them): among
        # candidates resolving as much, one whose window is over goes first, so a host missing March's
        # cumulative update is told to install March's, not April's that the policy still holds back.
        waiting = frozenset(f.via for f in findings if f.status is DEFERRED and f.via)
        choices = self._choices.get((product, waiting))
        if choices is None:
            choices = self._choices[(product, waiting)] = _Choices(self.catalogue, product, waiting, self._remedy)
        remaining = set(missing)
        for kb in remaining.difference(choices.picks):
            choices.learn(kb)
        resolves, order = choices.resolves, choices.order
        # Lazy greedy: a heap ordered by (coverage, order); a popped candidate whose coverage shrank since
        # it was pushed goes back with its new size. Linearithmic where the plain greedy loop is quadratic.
        # A candidate that resolves one KB of all those ever seen missing stays out: it can only be picked
        # once every candidate resolves at most one, the last step below.
        picked = choices.several.intersection(chain.from_iterable(map(choices.picks.__getitem__, missing)))
        heap = [(-len(resolves[kb] & remaining), order(kb), kb) for kb in picked]
        heapq.heapify(heap)
        chosen: list[Remedy] = []
        while remaining and heap and heap[0][0] < -1:
            size, rank, best = heapq.heappop(heap)
            useful = resolves[best] & remaining
            if len(useful) != -size:
                if useful:
                    heapq.heappush(heap, (-len(useful), rank, best))
                continue
            chosen.append(self._remedy(best, frozenset(useful)))
            remaining -= useful
        # Now no candidate resolves two remaining KBs: greedy would take, in order, each KB's first candidate.
        alone = sorted(remaining.intersection(choices.alone_remedy), key=choices.alone_order.__getitem__)
        chosen += map(choices.alone_remedy.__getitem__, alone)
        for kb in sorted(remaining.difference(alone), key=kb_sort_key):  # no package known: the KB itself
            log.debug("%s: no package for %s applies to %s", host, kb, product)
            chosen.append(self._remedy(kb, frozenset((kb,))))
        return tuple(chosen)

    def _remedy(self, kb: str, resolves: frozenset[str]) -> Remedy:
        found = self._remedies.get((kb, resolves))
        if found is None:
            package = self.catalogue.get(kb)
            found = self._remedies[(kb, resolves)] = Remedy(
                kb, package.title if package else kb, tuple(sorted(resolves, key=kb_sort_key)),
                package.download if package else ())
        return found


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
