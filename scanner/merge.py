"""Pure: merge the curated catalogue with every source's entries into one, with provenance.

Precedence (docs/sources.md):
- Curated (embedded) facts win for title, kind, products, roles and standalone: a scrape never
  overwrites them. Scraped relations (supersedes, included_in) and download links are added, each
  with its source in the provenance; a scraped release date fills an unknown curated one.
- Between scraped sources, in config order: the first title and release date win; the most specific
  kind wins over a plain hotfix/update; products are the union; roles are the intersection (the roles
  every source agrees on), because a KB on the Hyper-V list and on the cluster list is recommended for
  both kinds of host, and requiring both roles would hide it from each.
- "Package R includes X" (a list note) is stored as X.included_in R, when X is an entry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from scanner.models import CatalogueEntry, Kind, kb_sort_key

log = logging.getLogger(__name__)

_PLAIN = (Kind.HOTFIX, Kind.UPDATE)


@dataclass(frozen=True)
class SourceEntries:
    """One source's current contribution (its last good parse)."""

    name: str
    entries: tuple[CatalogueEntry, ...]
    includes: tuple[tuple[str, str], ...] = ()


def _union(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _kbs(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(_union(*groups)), key=kb_sort_key))


def _said(entry: CatalogueEntry, fact: str) -> tuple[str, ...]:
    """The sources that gave `fact` so far; nobody said an empty relation or list."""
    return entry.provenance.get(fact, entry.sources) if getattr(entry, fact) else ()


def _provenance(entry: CatalogueEntry, fact: str, source: str) -> dict[str, tuple[str, ...]]:
    merged = dict(entry.provenance)
    merged[fact] = _union(_said(entry, fact), (source,))
    return merged


def _add(base: CatalogueEntry, new: CatalogueEntry, curated: bool) -> CatalogueEntry:
    source = new.sources[0] if new.sources else "?"
    provenance = dict(base.provenance)
    changes: dict[str, object] = {"sources": _union(base.sources, new.sources)}
    for fact in ("supersedes", "included_in", "download"):
        added = [v for v in getattr(new, fact) if v not in getattr(base, fact)]
        if added:
            value = _kbs(getattr(base, fact), added) if fact != "download" else _union(base.download, added)
            changes[fact] = value
            provenance[fact] = _union(_said(base, fact), (source,))
    if base.released is None and new.released is not None:
        changes["released"] = new.released
        provenance["released"] = (source,)
    if not curated:
        if base.kind in _PLAIN and new.kind not in _PLAIN:
            changes["kind"] = new.kind
        changes["products"] = _union(base.products, new.products)
        changes["roles"] = tuple(r for r in base.roles if r in new.roles)
        if not new.standalone and base.standalone and new.included_in:
            changes["standalone"] = False
    if new.notes and new.notes not in base.notes:
        changes["notes"] = "; ".join(p for p in (base.notes, new.notes) if p)
    return replace(base, provenance=provenance, **changes)  # type: ignore[arg-type]


def merge(curated: Sequence[CatalogueEntry], sources: Sequence[SourceEntries]) -> list[CatalogueEntry]:
    merged: dict[str, CatalogueEntry] = {e.kb: e for e in curated}
    curated_kbs = set(merged)
    for source in sources:
        for entry in source.entries:
            base = merged.get(entry.kb)
            merged[entry.kb] = entry if base is None else _add(base, entry, entry.kb in curated_kbs)
    for source in sources:
        for package, member in source.includes:
            target = merged.get(member)
            if target is None:
                log.debug("%s: %s includes %s, which no source lists; relation kept only as a note",
                          source.name, package, member)
                continue
            if package not in target.included_in:
                merged[member] = replace(target, included_in=_kbs(target.included_in, (package,)),
                                         sources=_union(target.sources, (source.name,)),
                                         provenance=_provenance(target, "included_in", source.name))
    return sorted(merged.values(), key=lambda e: kb_sort_key(e.kb))
