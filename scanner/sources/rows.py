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
from scanner.vocabulary import ARTICLE_ID_NUMBER, ARTICLE_ID_WORDS, KIND_STATEMENT, MONTHS, PACKAGE_KINDS, TITLE_DATE

# The recommended-update list articles kbscan knows (Windows Server 2012, 2012 R2, 2008 R2 SP1 failover
# clusters): where one list names another, that number is a list, not an update to install.
LIST_ARTICLES = frozenset({"KB2784261", "KB2920151", "KB2545685"})
_NUMBER = re.compile(r"(?<![0-9])[0-9]{6,7}(?![0-9])")
_SIX_DIGITS = re.compile(r"[0-9][0-9][0-9][0-9][0-9][0-9]")  # spelt out: sre scans it 3x faster than {6}
_TAG = re.compile(r"<[^>]*>")
_MONTH_INITIALS = frozenset(month[0] for month in MONTHS)
_HEAD, _TAIL = 131072, 65536  # bytes of a page where its own number stands
_META = re.compile(r"<meta[^>]+name\s*=\s*[\"']?(?:ms\.kb\w*|ms\.article|awa-kb_?id|kbid)[\"']?[^>]*?"
                   r"content\s*=\s*[\"']?\D{0,8}(\d{6,7})", re.IGNORECASE)


def relations(columns: dict[str, tuple[str, ...]], said: list[str], own: str) -> tuple[
        tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(supersedes, included_in, includes): the relation columns (`columns`, ids already read) and what
    every cell says, by the sentence rules articles use (prose.stated: "Replaces KB2883200", "Includes the
    fix from 3123538", "This rollup includes improvements and fixes from ... KB 3161606 and ... KB
    3156418"; never "To apply this update, you must first install update 2919355"), and "This fix is
    included in ... (KB3013769)", "install update rollup 2903938" outside prerequisite and cause sentences."""
    supersedes, includes = list(columns.get("supersedes", ())), list(columns.get("includes", ()))
    included_in: list[str] = []
    if _SIX_DIGITS.search("\n".join(said)) is None:  # the common row: no number, nothing related
        return tuple(supersedes), (), tuple(includes)
    cells = [part for part in said if _NUMBER.search(part)]
    if cells:
        found = stated([(part, True) for part in cells], own)
        plain = statements(cells)
        supersedes += found.replaces
        includes += (*found.includes, *includes_from_text(plain), *local_includes(plain))
        included_in += (*included_in_from_text(plain), *local_included_in(plain))
    return tuple(dict.fromkeys(supersedes)), tuple(dict.fromkeys(included_in)), tuple(dict.fromkeys(includes))


def row_kind(stated_kind: str | None, title: str, describing: list[str]) -> Kind:
    """A "Type" column's kind, else the title's; a plain hotfix or update becomes the package a describing
    cell (why, comment, the KB cell's note) says the row is ("Update rollup.", "A cumulative update that
    includes ...", "This security update rollup includes ...", "An update rollup package that ..."). A
    package only named ("install update rollup 2903938") changes nothing."""
    kind = kind_from_title(title)
    if stated_kind:
        return kind_from_title(stated_kind, kind)
    if kind not in (Kind.HOTFIX, Kind.UPDATE):
        return kind
    for part in describing:
        if not _may_name_a_package(part.lower()):
            continue
        for sentence in sentences(part):
            if KIND_STATEMENT.search(sentence) and (named := kind_from_title(sentence, kind)) in PACKAGE_KINDS:
                return named
    return kind


def title_date(title: str) -> str | None:
    """The release date a title states, as written: "June 12, 2018-KB4284815 (Monthly Rollup)"."""
    if not title or not (title[0].isdigit() or title[0].lower() in _MONTH_INITIALS):
        return None
    first = title.split(None, 1)[0].rstrip(".,").lower()
    if not (first[:1].isdigit() or first in MONTHS) or (match := TITLE_DATE.match(title)) is None:
        return None
    return match.group(1)


def _may_name_a_package(lowered: str) -> bool:
    return "rollup" in lowered or "umulati" in lowered or "mise" in lowered or (
        not lowered.isascii() and ("ロールアップ" in lowered or "累積" in lowered))


def article_link(anchors: list[tuple[Any, str]], kb_cell: Any, kb: str, base: str) -> str | None:
    """The row's link to its KB article, from its (link, href) pairs: the KB cell's link (its number, or a
    /topic/ slug without one), else a link of the row whose address names the KB; package downloads are
    not articles."""
    for anchor, href in anchors:
        parent = anchor.getparent()
        if parent is kb_cell or (parent is not None and parent.getparent() is kb_cell):
            return _article_url(href, base)
    for _anchor, href in anchors:
        if kb_from_link(href) == kb and (url := _article_url(href, base)):
            return url
    return None


def _article_url(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")) or is_download(href):
        return None
    if href.startswith(("http://", "https://")):  # the common case, without urljoin's cost
        return href
    url = urljoin(base, href)
    return url if url.startswith(("http://", "https://")) else None


def own_numbers(page: Page) -> frozenset[str]:
    """The list article's own number: its URL (/kb/2920151), a `ms.kb*`/`awa-kb_id` meta tag, an "Article ID"
    or "Original KB number" label (any language) in the first 128 KB (learn.microsoft.com: under the
    title) or the last 64 KB (the old support site's footer); with the other list articles kbscan knows.
    Plain `find`s, then a regex on a few hundred characters after a label: a 2 MB list costs about 1 ms."""
    found = set(LIST_ARTICLES)
    if kb := kb_from_link(page.url):
        found.add(kb)
    body = page.body
    ends = body if len(body) <= _HEAD + _TAIL else body[:_HEAD] + b"\n" + body[-_TAIL:]
    text = _decoded(ends, page.charset)
    lowered = text.lower()
    head = text[:max(lowered.find("</head>"), 0)]
    found.update(f"KB{int(m)}" for m in _META.findall(head))
    for label in ARTICLE_ID_WORDS:
        start = lowered.find(label)
        while start >= 0 and len(found) < 64:
            window = " ".join(html.unescape(_TAG.sub(" ", text[start:start + 400])).split())
            if match := ARTICLE_ID_NUMBER.match(window):
                found.add(f"KB{int(match.group(1))}")
            start = lowered.find(label, start + len(label))
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
