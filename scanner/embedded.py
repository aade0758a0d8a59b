"""Load and validate the curated catalogue shipped in kbdata/ (also any file in the same TOML format)."""

from __future__ import annotations

import tomllib
from datetime import date
from importlib import resources
from typing import Any

from scanner.errors import CatalogueError
from scanner.models import PRODUCTS, ROLES, CatalogueEntry, Kind, kb_id

RESOURCE = "catalogue.toml"
_ENTRY_KEYS = {
    "kb", "title", "kind", "released", "products", "roles", "supersedes", "included_in",
    "standalone", "download", "sources", "provenance", "notes",
}
_LIST_KEYS = ("products", "roles", "supersedes", "included_in", "download", "sources")


def embedded_text() -> tuple[str, str]:
    """(text, where) of the shipped catalogue, found through importlib.resources (works from a wheel)."""
    resource = resources.files("kbdata").joinpath(RESOURCE)
    return resource.read_text(encoding="utf-8"), f"kbdata/{RESOURCE}"


def load_embedded() -> tuple[list[CatalogueEntry], dict[str, dict[str, str]]]:
    text, where = embedded_text()
    return parse_catalogue_toml(text, where)


def parse_catalogue_toml(text: str, where: str) -> tuple[list[CatalogueEntry], dict[str, dict[str, str]]]:
    """Entries and the source descriptions; CatalogueError names the file and the entry at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CatalogueError(f"{where}: not valid TOML: {e}") from e
    if data.get("format") != 1:
        raise CatalogueError(f"{where}: unsupported catalogue format {data.get('format')!r}; expected 1")
    sources = data.get("sources", {})
    if not isinstance(sources, dict):
        raise CatalogueError(f"{where}: [sources] must be a table of source descriptions")
    entries: list[CatalogueEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(data.get("entries", [])):
        label = f"{where}: entries[{index}] ({raw.get('kb', '?') if isinstance(raw, dict) else '?'})"
        entry = _entry(raw, label, set(sources))
        if entry.kb in seen:
            raise CatalogueError(f"{label}: {entry.kb} is listed twice; merge the two entries")
        seen.add(entry.kb)
        entries.append(entry)
    if not entries:
        raise CatalogueError(f"{where}: no [[entries]]; the catalogue would be empty")
    return entries, {name: {k: str(v) for k, v in desc.items()} for name, desc in sources.items()}


def _entry(raw: Any, label: str, known_sources: set[str]) -> CatalogueEntry:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{label}: expected a table")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise CatalogueError(f"{label}: unknown key {unknown[0]!r}; see kbdata/README.md for the format")
    for key in _LIST_KEYS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CatalogueError(f"{label}: '{key}' must be a list of strings")
    try:
        kb = kb_id(raw["kb"])
        kind = Kind(raw.get("kind", "hotfix"))
        supersedes = tuple(kb_id(v) for v in raw.get("supersedes", []))
        included_in = tuple(kb_id(v) for v in raw.get("included_in", []))
    except KeyError as e:
        raise CatalogueError(f"{label}: missing required key {e}") from e
    except ValueError as e:
        raise CatalogueError(f"{label}: {e}") from e
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CatalogueError(f"{label}: 'title' must be a non-empty string")
    released = raw.get("released")
    if released is not None and not isinstance(released, date):
        raise CatalogueError(f"{label}: 'released' must be a TOML date like 2013-12-10")
    bad = [p for p in raw.get("products", []) if p not in PRODUCTS]
    bad += [r for r in raw.get("roles", []) if r not in ROLES]
    if bad:
        raise CatalogueError(f"{label}: unknown product or role {bad[0]!r}")
    if not raw.get("products"):
        raise CatalogueError(f"{label}: 'products' is empty; an entry must name the products it applies to")
    standalone = raw.get("standalone", True)
    if not isinstance(standalone, bool):
        raise CatalogueError(f"{label}: 'standalone' must be true or false")
    if not standalone and not included_in:
        raise CatalogueError(f"{label}: standalone = false needs included_in (what package carries it)")
    provenance = raw.get("provenance", {})
    if not isinstance(provenance, dict):
        raise CatalogueError(f"{label}: 'provenance' must be a table of fact = [source, ...]")
    named = set(raw.get("sources", [])) | {s for v in provenance.values() for s in v}
    missing = sorted(named - known_sources)
    if missing:
        raise CatalogueError(f"{label}: source {missing[0]!r} is not described under [sources]")
    if not raw.get("sources"):
        raise CatalogueError(f"{label}: 'sources' is empty; every fact needs a source")
    return CatalogueEntry(
        kb=kb, title=title.strip(), kind=kind, released=released,
        products=tuple(raw["products"]), roles=tuple(raw.get("roles", [])),
        supersedes=supersedes, included_in=included_in, standalone=standalone,
        download=tuple(raw.get("download", [])), sources=tuple(raw["sources"]),
        provenance={k: tuple(v) for k, v in provenance.items()}, notes=str(raw.get("notes", "")),
    )
