"""Blog posts, one KB a post: title `KB2779069 – <title>`, body with products, roles and relations."""

from __future__ import annotations

import logging
import re
from typing import Any

from scanner.models import CatalogueEntry
from scanner.sources.build import downloads, make_entry
from scanner.sources.interface import Page, PageParser, ParsedPage, SourceHints
from scanner.sources.text import clean, included_in_from_text, replaces_from_text

log = logging.getLogger(__name__)

_TITLE = re.compile(r"^\s*KB\s?(\d{6,7})\s*(?:[–—:-]|&#8211;)\s*(.+)$", re.IGNORECASE)
_HEADINGS = ["h1", "h2", "h3", "h4"]
_POST_CLASS = re.compile(r"\b(?:post|entry|hentry|blog-post|article)\b", re.IGNORECASE)


def _container(heading: Any) -> Any:
    return heading.find_parent("article") or heading.find_parent(class_=_POST_CLASS)


def _body(heading: Any) -> tuple[str, list[str]]:
    """The post's text and links: its container when it holds only this post, else the siblings up to
    the next heading."""
    container = _container(heading)
    if container is not None:
        titled = [h for h in container.find_all(_HEADINGS) if _TITLE.match(clean(h.get_text(" ")))]
        if titled == [heading]:
            return clean(container.get_text(" ")), [a.get("href", "") for a in container.find_all("a")]
    parts: list[str] = []
    links: list[str] = []
    for sibling in heading.next_siblings:
        name = getattr(sibling, "name", None)
        if name in _HEADINGS:
            break
        if name is None:
            parts.append(str(sibling))
            continue
        if sibling.find(_HEADINGS) is not None:
            break
        parts.append(sibling.get_text(" "))
        links += [a.get("href", "") for a in sibling.find_all("a")]
    return clean(" ".join(parts)), links


class BlogParser(PageParser):
    """A post yields an entry only when its title names a KB; other posts yield nothing."""

    name = "blog"

    def detect(self, page: Page) -> bool:
        if page.soup is None:
            return False
        return any(_TITLE.match(clean(h.get_text(" "))) for h in page.soup.find_all(_HEADINGS))

    def parse(self, page: Page, hints: SourceHints) -> ParsedPage:
        entries: dict[str, CatalogueEntry] = {}
        for heading in page.soup.find_all(_HEADINGS):
            match = _TITLE.match(clean(heading.get_text(" ")))
            if not match:
                continue
            kb, title = f"KB{match.group(1)}", match.group(2)
            body, links = _body(heading)
            included = included_in_from_text(body)
            entries.setdefault(kb, make_entry(
                kb, title, hints, context="" if _names_product(title) else body, included_in=included,
                standalone=not included, supersedes=replaces_from_text(body),
                download=downloads(links),
            ))
        log.debug("%s: %d entries from blog posts", page.url, len(entries))
        return ParsedPage(self.name, tuple(entries.values()))


def _names_product(title: str) -> bool:
    from scanner.sources.text import products_in

    return bool(products_in(title))
