"""Turn what a parser found on a page into a CatalogueEntry with the source's hints and provenance."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from scanner.models import CatalogueEntry, Kind, try_kb_id
from scanner.sources.interface import SourceHints
from scanner.sources.text import clean, kind_from_title, products_in, roles_in, sort_kbs
from scanner.sources.words import title_month


def make_entry(kb: str, title: str, hints: SourceHints, *, context: str = "", released: date | None = None,
               kind: Kind | None = None, supersedes: tuple[str, ...] = (), included_in: tuple[str, ...] = (),
               standalone: bool = True, download: tuple[str, ...] = (), notes: str = "",
               roles_text: str | None = None) -> CatalogueEntry:
    """Products and roles: the source's hints are the page's scope and win; only a source without a
    hint takes them from the text (`context` for products, `roles_text` — default the title — for roles),
    because titles mention other products and roles in passing."""
    kb = kb if _written(kb) else try_kb_id(kb) or kb  # a page's "0123456" is KB123456, as kb_id writes it
    supersedes, included_in = _ids(supersedes), _ids(included_in)
    title = clean(title)
    products = hints.products or products_in(f"{title} {context}")
    roles = hints.roles or roles_in(title if roles_text is None else roles_text)
    relation_sources = (hints.name,)
    provenance: dict[str, tuple[str, ...]] = {}
    if supersedes:
        provenance["supersedes"] = relation_sources
    if included_in:
        provenance["included_in"] = relation_sources
    return CatalogueEntry(
        kb=kb, title=title or kb, kind=kind or kind_from_title(title), released=released, products=products,
        roles=roles, supersedes=sort_kbs(k for k in supersedes if k != kb),
        included_in=sort_kbs(k for k in included_in if k != kb),
        standalone=standalone or not included_in, download=tuple(dict.fromkeys(download)),
        sources=(hints.name,), provenance=provenance, notes=notes,
    )


def _written(kb: str) -> bool:
    """Already as kb_id writes it (the common case, checked without a regex): `KB`, no leading zero."""
    digits = kb[2:]
    return kb.startswith("KB") and digits[:1] != "0" and digits.isascii() and digits.isdigit() and 4 <= len(digits) <= 8


def _ids(kbs: tuple[str, ...]) -> tuple[str, ...]:
    if all(map(_written, kbs)):  # also the empty relation of most entries
        return kbs
    return tuple(kb for value in kbs if (kb := try_kb_id(value)))


_DEFERRABLE = (Kind.UPDATE_ROLLUP, Kind.CUMULATIVE_UPDATE)


def is_release_date(kind: Kind, title: str, day: date) -> bool:
    """Whether a date an article gives without calling it a release date (a review date, "It is released
    on ...") is the release date anyway: only for an update rollup or cumulative update whose title names
    that month ("update rollup: December 2013" released on 2013-12-10; the month in any language of
    scanner/vocabulary.py). A list's own dates ("Date added", an XML list's leading date) never are: the
    real lists add rollups days after their release, and a late date would end a deferral window late."""
    return kind in _DEFERRABLE and title_month(title) == (day.year, day.month)


_ARCHIVED = re.compile(r"^(?:https?://web\.archive\.org)?/web/\d+[a-z_]*/(https?://.+)$", re.IGNORECASE)


def downloads(hrefs: Iterable[str]) -> tuple[str, ...]:
    """The package links among a page's links; an archive copy's rewritten links give the original URL."""
    found = ((match.group(1) if (match := _ARCHIVED.match(href.strip())) else href.strip()) for href in hrefs)
    return tuple(dict.fromkeys(href for href in found if is_download(href)))


def is_download(href: str) -> bool:
    lowered = href.lower()
    return lowered.startswith(("http://", "https://")) and (  # chained `in`s: this runs for every link of a list
        "download.microsoft.com" in lowered or "hotfixv4.microsoft.com" in lowered or "/hotfix/" in lowered
        or "catalog.update.microsoft.com" in lowered or "download.windowsupdate.com" in lowered)
