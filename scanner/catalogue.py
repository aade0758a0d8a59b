"""The catalogue as evaluate sees it: entries indexed by product and relation closures computed once."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from scanner.models import CatalogueEntry, CatalogueInfo, Status, kb_sort_key


@dataclass(frozen=True)
class Cover:
    """Installing `kb` covers an entry; `status` is superseded or included, `depth` the path length."""

    kb: str
    status: Status
    depth: int


class Catalogue:
    """An immutable set of entries plus the indexes evaluate needs.

    The closure of "what covers KB X" follows, breadth first and without cycles, two kinds of edge:
    Y supersedes X (status `superseded`), and X is included in Y (status `included`). Once a path
    crosses an inclusion edge the cover is `included`, because the KB arrives inside a package.
    """

    def __init__(self, entries: Iterable[CatalogueEntry], info: CatalogueInfo | None = None) -> None:
        ordered = sorted(entries, key=lambda e: kb_sort_key(e.kb))
        self.entries: Mapping[str, CatalogueEntry] = MappingProxyType({e.kb: e for e in ordered})
        self.info = info or CatalogueInfo(origin="embedded", entries=len(self.entries))
        superseded_by: dict[str, set[str]] = {}
        contains: dict[str, set[str]] = {}
        for entry in ordered:
            for old in entry.supersedes:
                superseded_by.setdefault(old, set()).add(entry.kb)
            for package in entry.included_in:
                contains.setdefault(package, set()).add(entry.kb)
        self._superseded_by = {kb: tuple(sorted(v, key=kb_sort_key)) for kb, v in superseded_by.items()}
        self._contains = {kb: tuple(sorted(v, key=kb_sort_key)) for kb, v in contains.items()}
        by_product: dict[str, list[CatalogueEntry]] = {}
        for entry in ordered:
            for product in entry.products:
                by_product.setdefault(product, []).append(entry)
        self._by_product = {p: tuple(v) for p, v in by_product.items()}
        self._covers = {entry.kb: self._closure(entry.kb) for entry in ordered}

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, kb: str) -> CatalogueEntry | None:
        return self.entries.get(kb)

    def for_product(self, product: str) -> tuple[CatalogueEntry, ...]:
        return self._by_product.get(product, ())

    def covers(self, kb: str) -> tuple[Cover, ...]:
        """Every KB whose installation covers `kb`, nearest first (the KB itself not included)."""
        found = self._covers.get(kb)
        return found if found is not None else self._closure(kb)

    def superseded_by(self, kb: str) -> tuple[str, ...]:
        return self._superseded_by.get(kb, ())

    def contains(self, kb: str) -> tuple[str, ...]:
        """Entries that name `kb` in their included_in (what a rollup carries)."""
        return self._contains.get(kb, ())

    def _next(self, kb: str) -> Iterable[tuple[str, Status]]:
        for newer in self._superseded_by.get(kb, ()):
            yield newer, Status.SUPERSEDED
        entry = self.entries.get(kb)
        if entry is not None:
            for package in entry.included_in:
                yield package, Status.INCLUDED

    def _closure(self, kb: str) -> tuple[Cover, ...]:
        seen = {kb}
        found: list[Cover] = []
        queue: deque[tuple[str, Status, int]] = deque([(kb, Status.SUPERSEDED, 0)])
        while queue:
            current, status, depth = queue.popleft()
            for nxt, edge in self._next(current):
                if nxt in seen:
                    continue
                seen.add(nxt)
                reached = Status.INCLUDED if Status.INCLUDED in (status, edge) else Status.SUPERSEDED
                found.append(Cover(nxt, reached, depth + 1))
                queue.append((nxt, reached, depth + 1))
        return tuple(found)
