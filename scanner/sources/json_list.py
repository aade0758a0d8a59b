"""kbscan's own catalogue JSON (`kbscan catalogue list --format json`) as an importable list."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from scanner.errors import SourceError
from scanner.models import PRODUCTS, ROLES, CatalogueEntry, Kind, kb_id
from scanner.sources.interface import SourceHints
from scanner.sources.text import clean


def _entry(item: Any, where: str, hints: SourceHints) -> CatalogueEntry:
    if not isinstance(item, dict):
        raise SourceError(f"{where}: expected an object with kb, title, kind, products, ...")
    try:
        products = tuple(p for p in item.get("products", []) if p in PRODUCTS)
        return CatalogueEntry(
            kb=kb_id(item["kb"]), title=clean(str(item.get("title") or "")) or kb_id(item["kb"]),
            kind=Kind(item.get("kind", "hotfix")),
            released=date.fromisoformat(item["released"]) if item.get("released") else None,
            products=products or hints.products,
            roles=tuple(r for r in item.get("roles", []) if r in ROLES) or hints.roles,
            supersedes=tuple(kb_id(k) for k in item.get("supersedes", [])),
            included_in=tuple(kb_id(k) for k in item.get("included_in", [])),
            standalone=bool(item.get("standalone", True)) or not item.get("included_in"),
            download=tuple(str(u) for u in item.get("download", [])), sources=(hints.name,),
            notes=clean(str(item.get("notes", ""))),
        )
    except (KeyError, ValueError, TypeError) as e:
        raise SourceError(f"{where}: {e}") from e


def parse_json_list(data: bytes, where: str, hints: SourceHints) -> tuple[CatalogueEntry, ...]:
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise SourceError(f"{where}: not a kbscan catalogue JSON list: {e}") from e
    if not isinstance(items, list):
        raise SourceError(f"{where}: expected a JSON list of entries")
    return tuple(_entry(item, f"{where}: entry {index}", hints) for index, item in enumerate(items))
