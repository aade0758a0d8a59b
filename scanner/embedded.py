"""Load and validate the curated catalogue shipped in kbdata/ (also any file in the same TOML format)."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from scanner.errors import CatalogueError
from scanner.models import PRODUCTS, ROLES, CatalogueEntry, Kind, kb_id

RESOURCE = "catalogue.toml"
FORMATS = (1, 2)  # 2 adds `stated` per entry and `date`/`commit` per source; 1 is still read
_ENTRY_KEYS = {
    "kb", "title", "kind", "released", "products", "roles", "supersedes", "included_in",
    "standalone", "download", "sources", "provenance", "notes",
}
_LIST_KEYS = ("products", "roles", "supersedes", "included_in", "download", "sources")
_FACTS = {"title", "kind", "released", "products", "roles", "supersedes", "included_in", "standalone", "download"}
_STATED_FACTS = ("title", "kind", "released")
_SOURCE_KEYS = {1: {"title", "url", "note"}, 2: {"title", "url", "note", "date", "commit"}}


def embedded_text() -> tuple[str, str]:
    """(text, where) of the shipped catalogue, found through importlib.resources (works from a wheel)."""
    resource = resources.files("kbdata").joinpath(RESOURCE)
    return resource.read_text(encoding="utf-8"), f"kbdata/{RESOURCE}"


def load_embedded() -> tuple[list[CatalogueEntry], dict[str, dict[str, str]]]:
    """The shipped catalogue, parsed once per process and text (a daemon loads it for every scan)."""
    text, where = embedded_text()
    entries, sources = _parsed(text, where)
    return list(entries), {name: dict(desc) for name, desc in sources.items()}


@lru_cache(maxsize=2)
def _parsed(text: str, where: str) -> tuple[tuple[CatalogueEntry, ...], dict[str, dict[str, str]]]:
    entries, sources = parse_catalogue_toml(text, where)  # entries are frozen; callers get copies of the rest
    return tuple(entries), sources


def parse_catalogue_toml(text: str, where: str) -> tuple[list[CatalogueEntry], dict[str, dict[str, str]]]:
    """Entries and the source descriptions; CatalogueError names the file and the entry at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise CatalogueError(f"{where}: not valid TOML: {e}") from e
    version = data.get("format")
    if version not in FORMATS:
        raise CatalogueError(f"{where}: unsupported catalogue format {version!r}; expected one of "
                             f"{', '.join(map(str, FORMATS))} (see kbdata/README.md)")
    sources = _sources(data.get("sources", {}), where, version)
    entries: list[CatalogueEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(data.get("entries", [])):
        label = f"{where}: entries[{index}] ({raw.get('kb', '?') if isinstance(raw, dict) else '?'})"
        entry = _entry(raw, label, set(sources), version)
        if entry.kb in seen:
            raise CatalogueError(f"{label}: {entry.kb} is listed twice; merge the two entries")
        seen.add(entry.kb)
        entries.append(entry)
    if not entries:
        raise CatalogueError(f"{where}: no [[entries]]; the catalogue would be empty")
    return entries, sources


def _sources(raw: Any, where: str, version: int) -> dict[str, dict[str, str]]:
    """Every source a fact may cite: a title, and only the keys the format knows."""
    if not isinstance(raw, dict):
        raise CatalogueError(f"{where}: [sources] must be a table of source descriptions")
    described: dict[str, dict[str, str]] = {}
    for name, desc in raw.items():
        label = f"{where}: [sources.{name}]"
        if not isinstance(desc, dict):
            raise CatalogueError(f"{label}: expected a table with title (and url, note, date, commit)")
        unknown = sorted(set(desc) - _SOURCE_KEYS[version])
        if unknown:
            raise CatalogueError(f"{label}: unknown key {unknown[0]!r} in format {version}; see kbdata/README.md")
        if not isinstance(desc.get("title"), str) or not desc["title"].strip():
            raise CatalogueError(f"{label}: 'title' must be a non-empty string naming the source")
        described[name] = {k: str(v) for k, v in desc.items()}
    return described


def _entry(raw: Any, label: str, known_sources: set[str], version: int) -> CatalogueEntry:
    if not isinstance(raw, dict):
        raise CatalogueError(f"{label}: expected a table")
    unknown = sorted(set(raw) - _ENTRY_KEYS - ({"stated"} if version >= 2 else set()))
    if unknown:
        hint = " (stated needs format = 2)" if unknown[0] == "stated" else ""
        raise CatalogueError(f"{label}: unknown key {unknown[0]!r}{hint}; see kbdata/README.md for the format")
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
    provenance = _provenance(raw.get("provenance", {}), label)
    stated = _stated(raw.get("stated", {}), label, title.strip(), kind, released)
    named = set(raw.get("sources", [])) | {s for v in provenance.values() for s in v}
    named |= {s for pairs in stated.values() for s, _ in pairs}
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
        provenance=MappingProxyType(provenance), notes=str(raw.get("notes", "")), stated=MappingProxyType(stated),
    )


def _provenance(raw: Any, label: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise CatalogueError(f"{label}: 'provenance' must be a table of fact = [source, ...]")
    unknown = sorted(set(raw) - _FACTS)
    if unknown:
        raise CatalogueError(f"{label}: provenance names unknown fact {unknown[0]!r}; "
                             f"facts: {', '.join(sorted(_FACTS))}")
    return {k: tuple(v) for k, v in raw.items()}


def _stated(raw: Any, label: str, title: str, kind: Kind, released: date | None,
            ) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each source's own value of title, kind or released, where sources disagree (DESIGN.md 3a).

    The entry's value must be one of them, and for `released` the earliest (the shorter deferral):
    a curated file that picked a later date would defer longer than any source allows.
    """
    if not isinstance(raw, dict) or not all(isinstance(v, dict) and v for v in raw.values()):
        raise CatalogueError(f"{label}: 'stated' must be a table of fact = {{ source = value, ... }}")
    unknown = sorted(set(raw) - set(_STATED_FACTS))
    if unknown:
        raise CatalogueError(f"{label}: stated names {unknown[0]!r}; "
                             f"only {', '.join(_STATED_FACTS)} are kept per source")
    stated: dict[str, tuple[tuple[str, str], ...]] = {}
    for fact in _STATED_FACTS:
        values = raw.get(fact)
        if values is None:
            continue
        want: type = date if fact == "released" else str
        wrong = [s for s, v in values.items() if not isinstance(v, want)]
        if wrong:
            form = "a TOML date like 2013-12-10" if fact == "released" else "a string"
            raise CatalogueError(f"{label}: stated.{fact}.{wrong[0]} must be {form}")
        if fact == "kind":
            for source, value in values.items():
                try:
                    Kind(value)
                except ValueError as e:
                    raise CatalogueError(f"{label}: stated.kind.{source}: {e}") from e
        own: object = {"title": title, "kind": str(kind), "released": released}[fact]
        if fact == "released":
            earliest = min(values.values())
            if own != earliest:
                raise CatalogueError(f"{label}: released is {own or 'not set'}, but the earliest stated date "
                                     f"is {earliest} ({_first(values, earliest)}); use the earliest "
                                     "(the shorter deferral)")
        elif own not in values.values():
            raise CatalogueError(f"{label}: {fact} {own!r} is not one of the stated values; "
                                 f"use one a source states")
        stated[fact] = tuple((s, v.isoformat() if isinstance(v, date) else str(v)) for s, v in values.items())
    return stated


def _first(values: dict[str, Any], value: object) -> str:
    return next(s for s, v in values.items() if v == value)
