"""KB article pages (support.microsoft.com, old and new layouts, archive copies): one entry a page."""

from __future__ import annotations

import logging
import re
from typing import Any

from scanner.dates import parse_date
from scanner.sources.build import downloads, make_entry
from scanner.sources.interface import Page, PageParser, ParsedPage, SourceHints
from scanner.sources.text import clean, included_in_from_text, kb_from_link, kb_ids_in_text, replaces_from_text

log = logging.getLogger(__name__)

_ARTICLE_ID = re.compile(r"\bArticle\s+ID\s*:?\s*(\d{6,7})\b", re.IGNORECASE)
_DATE_LABEL = re.compile(r"\b(?:Last\s+Review(?:ed)?|Release\s+Date|Published|Last\s+updated)\s*:?\s*"
                         r"([A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|"
                         r"\d{1,2}\s+[A-Z][a-z]+\s+\d{4})", re.IGNORECASE)
_APPLIES = re.compile(r"\bApplies\s+to\b", re.IGNORECASE)
_REPLACEMENT = re.compile(r"replacement\s+information", re.IGNORECASE)
_NO_REPLACE = re.compile(r"does\s+not\s+replace\s+any", re.IGNORECASE)
_OWN_PACKAGE = re.compile(r"\bhotfix\s+(?:download\s+)?is\s+available\b|\bsupported\s+hotfix\b", re.IGNORECASE)


def _kb(page: Page, title: str, text: str) -> str | None:
    meta = page.soup.find("meta", attrs={"name": re.compile(r"^(?:ms\.kb|ms\.article|awa-kb_id|kbid)", re.I)})
    if meta is not None and (found := re.search(r"\d{6,7}", meta.get("content", ""))):
        return f"KB{found.group(0)}"
    if found := _ARTICLE_ID.search(text):
        return f"KB{found.group(1)}"
    if kb := kb_from_link(page.url):
        return kb
    ids = kb_ids_in_text(title)
    return ids[0] if ids else None


def _section_text(soup: Any, heading: re.Pattern[str]) -> str:
    """Text under the first heading (or bold label) matching `heading`, up to the next heading."""
    for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "strong", "b", "div", "span"]):
        own = clean(tag.get_text(" "))
        if len(own) > 80 or not heading.search(own):
            continue
        parts = []
        for sibling in tag.find_all_next(limit=40):
            if sibling.name in ("h1", "h2", "h3", "h4", "h5") and sibling is not tag:
                break
            if sibling.name in ("p", "li", "td"):
                parts.append(clean(sibling.get_text(" ")))
        text = " ".join(dict.fromkeys(p for p in parts if p))
        return text or own
    return ""


class KbArticleParser(PageParser):
    name = "kb-article"

    def detect(self, page: Page) -> bool:
        if page.soup is None:
            return False
        text = page.soup.get_text(" ")[:20000]
        has_id = _ARTICLE_ID.search(text) or kb_from_link(page.url) or page.soup.find(
            "meta", attrs={"name": re.compile("ms.kb", re.I)})
        return bool(_APPLIES.search(text)) and bool(has_id)

    def parse(self, page: Page, hints: SourceHints) -> ParsedPage:
        soup = page.soup
        heading = soup.find("h1")
        title = clean(heading.get_text(" ")) if heading else clean(soup.title.get_text(" ")) if soup.title else ""
        text = clean(soup.get_text(" "))
        kb = _kb(page, title, text)
        if kb is None:
            return ParsedPage(self.name, ())
        title = re.sub(r"^\s*KB\s?\d{6,7}\s*[:–—-]\s*", "", title)
        applies = _section_text(soup, _APPLIES)
        replacement = _section_text(soup, _REPLACEMENT)
        supersedes = () if _NO_REPLACE.search(replacement) else replaces_from_text(replacement)
        included = tuple(k for k in included_in_from_text(text) if k != kb)
        date_match = _DATE_LABEL.search(text)
        links = [a.get("href", "") for a in soup.find_all("a")]
        entry = make_entry(kb, title, hints, context=applies, roles_text=title,
                           released=parse_date(date_match.group(1)) if date_match else None,
                           supersedes=supersedes, included_in=included,
                           standalone=not included or bool(_OWN_PACKAGE.search(text)),
                           download=downloads(links))
        log.debug("%s: KB article %s", page.url, kb)
        return ParsedPage(self.name, (entry,))
