"""Pure: merge the curated catalogue with every source's entries into one, with provenance.

The result does not depend on the order of the sources (DESIGN.md 3a): sources are taken in the order of
their names, and every rule below is symmetric or picks by a fixed rank.
- Curated (embedded) facts win for title, kind, roles and standalone: a scrape never overwrites them, except
  that a security source's entry without roles (a KB that fixes vulnerabilities on every host of its
  products) lifts a curated role restriction: a role-only entry would never be checked on other hosts.
  Scraped products, relations (supersedes, included_in) and download links are added, each with its
  source in the provenance (a product more is a host more that is checked: that fails closed).
- Release date: the EARLIEST date any source (curated included) states, because a later date would keep a
  rollup deferred past its real due date (the shorter wait fails closed).
- Between scraped sources: the kind is the first of KIND_RANK any of them states (a specific kind beats a
  plain hotfix/update, which is what a list says when it says nothing; a non-deferrable kind beats a
  deferrable one); products are the union; roles are the intersection (the roles every source agrees on),
  because a KB on the Hyper-V list and on the cluster list is recommended for both kinds of host, and
  requiring both roles would hide it from each; the title is the one of the first source by name.
- "Package R includes X" (a list note) is stored as X.included_in R, when X is an entry.
- Each source's own title, kind and release date are kept in `stated`, so that `catalogue show` can list
  them when they disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from scanner.models import PRODUCTS, CatalogueEntry, Kind, SecurityFacts, kb_sort_key

log = logging.getLogger(__name__)

KIND_RANK = (Kind.SECURITY_UPDATE, Kind.SERVICE_PACK, Kind.CUMULATIVE_UPDATE, Kind.UPDATE_ROLLUP,
             Kind.UPDATE, Kind.HOTFIX)
_STATED = ("title", "kind", "released")


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


def _credited(entry: CatalogueEntry, fact: str, source: str) -> tuple[str, ...]:
    """`fact`'s sources with `source` added: it said the fact, whether or not it was new."""
    return _union(_said(entry, fact), (source,))


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _stated(entry: CatalogueEntry) -> dict[str, list[tuple[str, str]]]:
    """What this entry states for title, kind and released, per source."""
    found: dict[str, list[tuple[str, str]]] = {}
    for fact in _STATED:
        if entry.stated.get(fact):
            found[fact] = list(entry.stated[fact])
            continue
        value = getattr(entry, fact)
        if value is None or value == "":
            continue
        who = entry.provenance.get(fact) or entry.sources or ("?",)
        found[fact] = [(", ".join(who), _text(value))]
    return found


def _add_stated(into: dict[str, list[tuple[str, str]]], entry: CatalogueEntry) -> None:
    for fact, pairs in _stated(entry).items():
        known = into.setdefault(fact, [])
        known += [pair for pair in pairs if pair not in known]


def _products(*groups: Iterable[str]) -> tuple[str, ...]:
    """A union in the order of models.PRODUCTS (unknown ids after, by name): the same whatever the order."""
    rank = {p: i for i, p in enumerate(PRODUCTS)}
    return tuple(sorted(set(_union(*groups)), key=lambda p: (rank.get(p, len(rank)), p)))


def _weight(facts: SecurityFacts) -> tuple[int, int, int]:
    return (SecurityFacts.severity_rank(facts.severity), facts.exploits, facts.cves)


def _earliest(base: CatalogueEntry, new: CatalogueEntry) -> date | None:
    if base.released is None or (new.released is not None and new.released < base.released):
        return new.released
    return base.released


def _add(base: CatalogueEntry, new: CatalogueEntry, curated: bool) -> CatalogueEntry:
    source = new.sources[0] if new.sources else "?"
    provenance = dict(base.provenance)
    changes: dict[str, object] = {"sources": _union(base.sources, new.sources)}
    for fact in ("supersedes", "included_in", "download"):
        if not getattr(new, fact):
            continue
        added = [v for v in getattr(new, fact) if v not in getattr(base, fact)]
        if added:
            value = _kbs(getattr(base, fact), added) if fact != "download" else _union(base.download, added)
            changes[fact] = value
        provenance[fact] = _credited(base, fact, source)  # a source that says it again said it too
    released = _earliest(base, new)
    if released != base.released:
        changes["released"] = released
        provenance["released"] = (source,)
    elif released is not None and new.released == released and base.released == released:
        provenance["released"] = _union(provenance.get("released", base.sources), (source,))
    products = _products(base.products, new.products)
    if products != base.products:
        changes["products"] = products
        if curated and set(new.products) - set(base.products):
            provenance["products"] = _credited(base, "products", source)
    if not curated:
        if KIND_RANK.index(new.kind) < KIND_RANK.index(base.kind):
            changes["kind"] = new.kind
        changes["roles"] = tuple(r for r in base.roles if r in new.roles)
        if not new.standalone and base.standalone:  # any source saying "no package of its own" counts
            changes["standalone"] = False
    elif new.security is not None and not new.roles and base.roles:
        # A security source (WES-NG's MSRC data) says the KB fixes vulnerabilities on every host of its
        # products; a curated role (a cluster or Hyper-V list recommending it) must not hide it from the rest
        changes["roles"] = ()
        provenance["roles"] = (source,)
    if new.security is not None and (base.security is None or _weight(new.security) > _weight(base.security)):
        changes["security"] = new.security  # the gravest any source states, whichever comes first
    if new.notes and new.notes not in base.notes:
        changes["notes"] = "; ".join(p for p in (base.notes, new.notes) if p)
    return replace(base, provenance=provenance, **changes)  # type: ignore[arg-type]


def merge(curated: Sequence[CatalogueEntry], sources: Sequence[SourceEntries]) -> list[CatalogueEntry]:
    ordered = sorted(sources, key=lambda s: s.name)
    merged: dict[str, CatalogueEntry] = {e.kb: e for e in curated}
    curated_kbs = set(merged)
    stated: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for entry in curated:
        _add_stated(stated.setdefault(entry.kb, {}), entry)
    for source in ordered:
        for entry in source.entries:
            base = merged.get(entry.kb)
            merged[entry.kb] = entry if base is None else _add(base, entry, entry.kb in curated_kbs)
            _add_stated(stated.setdefault(entry.kb, {}), entry)
    for source in ordered:
        for package, member in source.includes:
            target = merged.get(member)
            if target is None:
                log.debug("%s: %s includes %s, which no source lists; relation kept only as a note",
                          source.name, package, member)
                continue
            merged[member] = replace(target, included_in=_kbs(target.included_in, (package,)),
                                     sources=_union(target.sources, (source.name,)),
                                     provenance={**target.provenance,
                                                 "included_in": _credited(target, "included_in", source.name)})
    for kb, facts in stated.items():
        disagreeing = {fact: tuple(sorted(pairs)) for fact, pairs in facts.items()
                       if len({value for _, value in pairs}) > 1}
        if disagreeing:
            merged[kb] = replace(merged[kb], stated=disagreeing)
    return sorted(merged.values(), key=lambda e: kb_sort_key(e.kb))
