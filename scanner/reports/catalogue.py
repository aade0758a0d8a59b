"""Listings for people and scripts: catalogue entries (`catalogue list/show`) and parsed inventories."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scanner.catalogue import Catalogue
from scanner.models import CatalogueEntry, HostInventory, InventoryError
from scanner.printable import printable

_FACTS = ("title", "kind", "released", "products", "roles", "supersedes", "included_in",
          "standalone", "download")


def entry_data(entry: CatalogueEntry) -> dict[str, Any]:
    return {
        "kb": entry.kb, "title": entry.title, "kind": str(entry.kind),
        "released": entry.released.isoformat() if entry.released else None,
        "products": list(entry.products), "roles": list(entry.roles),
        "supersedes": list(entry.supersedes), "included_in": list(entry.included_in),
        "standalone": entry.standalone, "download": list(entry.download),
        "sources": list(entry.sources),
        "provenance": {fact: list(entry.provenance.get(fact, entry.sources)) for fact in _FACTS},
        "notes": entry.notes,
        "stated": {fact: [{"source": source, "value": value} for source, value in pairs]
                   for fact, pairs in entry.stated.items()},
    }


def render_list(catalogue: Catalogue, fmt: str) -> str:
    entries = list(catalogue.entries.values())
    if fmt == "json":
        return json.dumps([entry_data(e) for e in entries], indent=2, ensure_ascii=False) + "\n"
    rows = [("KB", "KIND", "RELEASED", "PRODUCTS", "ROLES", "RELATIONS", "TITLE")]
    for e in entries:
        rows.append((e.kb, str(e.kind), e.released.isoformat() if e.released else "-",
                     ",".join(e.products), ",".join(e.roles) or "any", _relations(e, catalogue.contains(e.kb)),
                     e.title))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(r[:6], widths, strict=True)), r[6]]) for r in rows]
    info = catalogue.info
    lines.append(f"{len(entries)} entries ({info.origin} catalogue)")
    return "\n".join(lines) + "\n"


def _relations(entry: CatalogueEntry, contains: tuple[str, ...]) -> str:
    """`replaces KB2870270; contains KB2908415`, `in KB2878635` (`only in` when the KB has no package of
    its own), or `-`."""
    parts = [f"replaces {','.join(entry.supersedes)}"] if entry.supersedes else []
    if contains:
        parts.append(f"contains {','.join(contains)}")
    if entry.included_in:
        parts.append(f"{'in' if entry.standalone else 'only in'} {','.join(entry.included_in)}")
    return "; ".join(parts) or "-"


def render_entry(entry: CatalogueEntry, catalogue: Catalogue) -> str:
    data = entry_data(entry)
    lines = [f"{entry.kb}: {entry.title}"]
    for fact in _FACTS[1:]:
        value = data[fact]
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        lines.append(f"  {fact + ':':<13} {shown or '-':<40} [{', '.join(data['provenance'][fact])}]")
    for fact, pairs in entry.stated.items():  # sources that disagree: each one's value (DESIGN.md 3a)
        said = "; ".join(f"{value} ({source})" for source, value in pairs)
        lines.append(f"  {'stated ' + fact + ':':<13} {said}")
    contained = catalogue.contains(entry.kb)
    if contained:
        lines.append(f"  {'contains:':<13} {', '.join(contained)}")
    covers = catalogue.covers(entry.kb)
    if covers:
        lines.append(f"  {'covered by:':<13} " + ", ".join(f"{c.kb} ({c.status})" for c in covers))
    if entry.notes:
        lines.append(f"  {'notes:':<13} {entry.notes}")
    return "\n".join(lines) + "\n"


def inventory_data(inv: HostInventory) -> dict[str, Any]:
    """`kbscan inventory --format json`: the fields DESIGN.md names, plus `announced` / `listed` (the
    hotfix count a systeminfo header states and the entries read whole; null for formats without a
    count), `incomplete`, the reader's `warnings`, and an update's `raw` id where the file wrote a
    suffixed one (`KB2536276-v2`)."""
    return {
        "host": inv.host, "os": inv.os, "os_caption": inv.os_caption, "os_version": inv.os_version,
        "roles": list(inv.roles) if inv.roles is not None else None, "cluster": inv.cluster,
        "collected_at": inv.collected_at.isoformat() if inv.collected_at else None,
        "format": inv.format, "path": inv.path,
        "announced": inv.announced, "listed": inv.listed, "incomplete": inv.incomplete,
        "warnings": list(inv.warnings),
        "updates": [{"kb": u.kb, "installed_on": u.installed_on.isoformat() if u.installed_on else None,
                     **({"raw": u.raw} if u.raw else {})} for u in inv.updates],
    }


def _counts(inv: HostInventory) -> str:
    """`updates=3`, and for a list shorter than its header `listed 245 of 273 (incomplete)`."""
    if inv.incomplete:
        return (f"updates={len(inv.updates)}  listed {inv.listed} of {inv.announced} (incomplete: collect "
                "with wmic qfe, Get-HotFix or the collector)")
    return f"updates={len(inv.updates)}"


def render_inventory(found: Sequence[HostInventory], errors: Sequence[InventoryError], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([inventory_data(i) for i in found], indent=2, ensure_ascii=False) + "\n"
    lines = []
    for inv in found:
        roles = ",".join(inv.roles) if inv.roles is not None else "unknown"
        lines.append(f"{inv.host}  {inv.format}  os={inv.os or '?'} ({inv.os_caption or '-'}, "
                     f"{inv.os_version or '-'})  roles={roles}  cluster={inv.cluster or '-'}  "
                     f"{_counts(inv)}  {inv.path}")
        lines.append("    " + " ".join(f"{u.kb} ({u.raw})" if u.raw else u.kb for u in inv.updates))
        lines += [f"    warning: {printable(warning)}" for warning in inv.warnings]
    lines += [f"error: {e.path}: {e.error}" for e in errors]
    return "\n".join(lines) + "\n"
