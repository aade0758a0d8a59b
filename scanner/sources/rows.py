"""What the cells of an update-list row say besides its KB: relations, kind, a release date in the title,
the link to its article; and the numbers of list articles, which are never rows of their own."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any
from urllib.parse import urljoin

from scanner.models import Kind
from scanner.sources.build import is_download
from scanner.sources.interface import Page
from scanner.sources.prose import sentences, stated, statements
from scanner.sources.text import included_in_from_text, includes_from_text, kb_from_link, kind_from_title
from scanner.sources.words import local_included_in, local_includes
from scanner.vocabulary import ARTICLE_ID_NUMBER, KIND_STATEMENT, PACKAGE_KINDS, TITLE_DATE

# The recommended-update list articles kbscan knows (Windows Server 2012, 2012 R2, 2008 R2 SP1 failover
# clusters): where one list names another, that number is a list, not an update to install.
LIST_ARTICLES = frozenset({"KB2784261", "KB2920151", "KB2545685"})
_NUMBER = re.compile(r"(?<![0-9])[0-9]{6,7}(?![0-9])")
_MAY_SAY = re.compile(r"rollup|cumulati|acumulativ|kumulativ|mises?\s+à\s+jour|ロールアップ|累積", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_META = re.compile(r"<meta[^>]+name\s*=\s*[\"']?(?:ms\.kb\w*|ms\.article|awa-kb_?id|kbid)[\"']?[^>]*?"
                   r"content\s*=\s*[\"']?\D{0,8}(\d{6,7})", re.IGNORECASE)
_ENDS = 65536  # bytes at either end of a page that hold its article number (title block, footer)


def relations(columns: dict[str, tuple[str, ...]], said: list[str], own: str) -> tuple[
        tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(supersedes, included_in, includes): the relation columns (`columns`, ids already read) and what
    every cell says, by the sentence rules articles use (prose.stated: "Replaces KB2883200", "Includes the
    fix from 3123538", "This rollup includes improvements and fixes from ... KB 3161606 and ... KB
    3156418"; never "To apply this update, you must first install update 2919355"), and "This fix is
    included in ... (KB3013769)", "install update rollup 2903938" outside prerequisite and cause sentences."""
    supersedes, includes = list(columns.get("supersedes", ())), list(columns.get("includes", ()))
    included_in: list[str] = []
    cells = [part for part in said if _NUMBER.search(part)]
    if cells:
        found = stated([(part, True) for part in cells], own)
        plain = statements(cells)
        supersedes += found.replaces
        includes += (*found.includes, *includes_from_text(plain), *local_includes(plain))
        included_in += (*included_in_from_text(plain), *local_included_in(plain))
    return tuple(dict.fromkeys(supersedes)), tuple(dict.fromkeys(included_in)), tuple(dict.fromkeys(includes))


def row_kind(stated_kind: str | None, title: str, said: list[str]) -> Kind:
    """A "Type" column's kind, else the title's; a plain hotfix or update becomes the package a cell says
    the row is ("Update rollup.", "A cumulative update that includes ...", "This security update rollup
    includes ...", "An update rollup package that ..."). A package only named ("install update rollup
    2903938") changes nothing."""
    kind = kind_from_title(title)
    if stated_kind:
        return kind_from_title(stated_kind, kind)
    if kind not in (Kind.HOTFIX, Kind.UPDATE):
        return kind
    for part in said:
        if part is title or not _MAY_SAY.search(part):
            continue
        for sentence in sentences(part):
            if KIND_STATEMENT.search(sentence) and (named := kind_from_title(sentence, kind)) in PACKAGE_KINDS:
                return named
    return kind


def title_date(title: str) -> str | None:
    """The release date a title states, as written: "June 12, 2018-KB4284815 (Monthly Rollup)"."""
    if not title[:1].isalnum() or (match := TITLE_DATE.match(title)) is None:
        return None
    return match.group(1)


def article_link(cells: list[Any], kb_cell: Any, kb: str, base: str) -> str | None:
    """The row's link to its KB article: the first link of the KB cell (its number, or a /topic/ slug
    without one), else a link of the row whose address names the KB; package downloads are not."""
    first = next(iter(kb_cell.iter("a")), None) if kb_cell is not None else None
    for link in ([first] if first is not None else []) + [a for c in cells for a in c.iter("a")]:
        href = str(link.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")) or is_download(href):
            continue
        if link is first or kb_from_link(href) == kb:
            url = urljoin(base, href)
            return url if url.startswith(("http://", "https://")) else None
    return None


def own_numbers(page: Page) -> frozenset[str]:
    """The list article's own number: its URL (/kb/2920151), a `ms.kb*`/`awa-kb_id` meta tag, an "Article ID"
    or "Original KB number" label (any language) near the start or the end of the page; with the other
    list articles kbscan knows."""
    found = set(LIST_ARTICLES)
    if kb := kb_from_link(page.url):
        found.add(kb)
    body = page.body
    ends = body if len(body) <= 2 * _ENDS else body[:_ENDS] + b"\n" + body[-_ENDS:]
    text = _decoded(ends, page.charset)
    found.update(f"KB{int(m)}" for m in _META.findall(text))
    plain = " ".join(html.unescape(_TAG.sub(" ", text)).split())
    found.update(f"KB{int(m.group(1))}" for m in ARTICLE_ID_NUMBER.finditer(plain))
    return frozenset(found)


def _decoded(data: bytes, charset: str | None) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode(charset or "utf-8", "replace")
    except LookupError:
        return data.decode("utf-8", "replace")


def release_day(text: str, read: Any) -> date | None:
    """`read` (the page's date reader) on a title's stated date, else None."""
    written = title_date(text) if text else None
    result: date | None = read(written) if written else None
    return result
