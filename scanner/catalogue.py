"""The catalogue as evaluate sees it: entries indexed by product, relation closures computed once."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from scanner import relations
from scanner.models import CatalogueEntry, CatalogueInfo, Status, kb_sort_key


@dataclass(frozen=True)
class Cover:
    """Installing `kb` covers an entry; `status` is superseded or included, `depth` the path length."""

    kb: str
    status: Status
    depth: int


def family(product: str) -> str:
    """`win10-1809` -> `win10`: an entry for the family applies to every version of it."""
    return product.split("-", 1)[0]


class Catalogue:
    """An immutable set of entries plus the indexes evaluate needs.

    The closure of "what covers KB X" follows, breadth first, two kinds of edge: Y supersedes X (status
    `superseded`) and X is included in Y (status `included`); once a path crosses an inclusion edge the
    cover is `included`, because the KB arrives inside a package. Edges on a relation cycle are not used
    (relations.py); `cycles` and `warnings` say which.
    """

    def __init__(self, entries: Iterable[CatalogueEntry], info: CatalogueInfo | None = None) -> None:
        ordered = sorted(entries, key=lambda e: kb_sort_key(e.kb))
        self.entries: Mapping[str, CatalogueEntry] = MappingProxyType({e.kb: e for e in ordered})
        self.info = info or CatalogueInfo(origin="embedded", entries=len(self.entries))
        usable, self.cycles = relations.split(relations.edges_of(ordered))
        self.warnings: tuple[str, ...] = tuple(cycle.warning for cycle in self.cycles)
        self._covered_by = relations.adjacency(usable)
        contains: dict[str, list[str]] = {}
        for edge in usable:
            if edge.status is not Status.SUPERSEDED:
                contains.setdefault(edge.cover, []).append(edge.covered)
        self._contains = {kb: tuple(sorted(set(v), key=kb_sort_key)) for kb, v in contains.items()}
        by_product: dict[str, list[CatalogueEntry]] = {}
        for entry in ordered:
            for product in entry.products:
                by_product.setdefault(product, []).append(entry)
        self._by_product = {p: tuple(v) for p, v in by_product.items()}
        self._versioned = frozenset(family(p) for p in by_product if family(p) != p)
        self._covers = {entry.kb: self._closure(entry.kb) for entry in ordered}

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, kb: str) -> CatalogueEntry | None:
        return self.entries.get(kb)

    def for_product(self, product: str) -> tuple[CatalogueEntry, ...]:
        """Entries that list the product, or its family (`win10` for a `win10-1809` host)."""
        own = self._by_product.get(product, ())
        base = family(product)
        if base == product or base not in self._by_product:
            return own
        merged = {e.kb: e for e in (*self._by_product[base], *own)}
        found = tuple(sorted(merged.values(), key=lambda e: kb_sort_key(e.kb)))
        self._by_product[product] = found  # later hosts of this version find it at once
        return found

    def has_versions(self, product: str) -> bool:
        """Whether some entry lists a version of this family (`win10-1809` for `win10`): a host known only by
        its family may then lack entries that apply to its version."""
        return product in self._versioned

    def covers(self, kb: str) -> tuple[Cover, ...]:
        """Every KB whose installation covers `kb`, nearest first (the KB itself not included)."""
        found = self._covers.get(kb)
        return found if found is not None else self._closure(kb)

    def contains(self, kb: str) -> tuple[str, ...]:
        """Entries that name `kb` in their included_in (what a rollup carries), cycles left out."""
        return self._contains.get(kb, ())

    def _closure(self, kb: str) -> tuple[Cover, ...]:
        seen = {kb}
        found: list[Cover] = []
        queue: deque[tuple[str, Status, int]] = deque([(kb, Status.SUPERSEDED, 0)])
        covered_by = self._covered_by
        while queue:
            current, status, depth = queue.popleft()
            for nxt, edge in covered_by.get(current, ()):
                if nxt in seen:
                    continue
                seen.add(nxt)
                reached = Status.INCLUDED if Status.INCLUDED in (status, edge) else Status.SUPERSEDED
                found.append(Cover(nxt, reached, depth + 1))
                queue.append((nxt, reached, depth + 1))
        return tuple(found)
