"""KB article pages (support.microsoft.com old, kb_content and /topic/ layouts, learn.microsoft.com
troubleshoot articles, archive copies, translations): one entry a page; a package article (update rollup)
also names what it includes.

Labels are looked up in `scanner.vocabulary` in every language it knows. The release date is conservative (see
docs/sources.md, "Article dates"): a review or change date is an edit date, not a release date.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from lxml import etree

from scanner import vocabulary as words
from scanner.dates import parse_date
from scanner.models import Kind, try_kb_id
from scanner.sources.blocks import Block, read_blocks, tokens
from scanner.sources.build import downloads, is_release_date, make_entry
from scanner.sources.interface import Page, PageParser, ParsedPage, SourceHints
from scanner.sources.prose import Line, leading_kb, stated, statements
from scanner.sources.rows import title_date
from scanner.sources.text import clean, included_in_from_text, kb_from_link, kb_ids_in_text, kind_from_title
from scanner.sources.words import iso_date

log = logging.getLogger(__name__)

_OWN_PACKAGE = re.compile(r"\bhotfix\s+(?:download\s+)?is\s+available\b|\bsupported\s+hotfix\b", re.IGNORECASE)
_ROOT_IDS = re.compile(r"^(?:mt_content|contentarea|kb_section|supArticleContent|main-content)$", re.IGNORECASE)
_SITE_SUFFIX = re.compile(r"\s+[-|]\s+(?:Microsoft\s+(?:Support|Learn)|Windows\s+Server\s+\|\s+Microsoft\s+Learn)$")
_ITEMS = ("li", "td", "th", "dt", "dd")
# A block that is only a label ("Applies to"), or a label and its value ("Applies to: Windows Server 2012").
_LABELS = tuple(re.compile(rf"\s*((?:{p.pattern}))\s*(?:[:：]\s*(.*))?$", re.IGNORECASE | re.DOTALL)
                for p in (words.APPLIES_TO, words.REPLACEMENT, words.PREREQUISITES))
_APPLIES_LABEL = re.compile(rf"(?:^|[\s\-–])(?:{words.APPLIES_TO.pattern})\s*(?:[:：]|$)", re.IGNORECASE)
_US_DATES = re.compile(r"^(?:en-us|en)?$", re.IGNORECASE)


@dataclass
class _Section:
    heading: str
    lines: list[Line] = field(default_factory=list)


def _sections(blocks: tuple[Block, ...]) -> list[_Section]:
    """Headings and labels ("Applies to", "<b>Hotfix replacement information</b>") each start a section."""
    sections = [_Section("")]
    for block in blocks:
        if block.level:
            sections.append(_Section(block.text))
            continue
        label = _label(block.text)
        if label is not None:
            sections.append(_Section(label[0], [(label[1], False)] if label[1] else []))
            continue
        sections[-1].lines.append((block.text, block.tag in _ITEMS))
    return sections


def _label(text: str) -> tuple[str, str] | None:
    """("Applies to", "Windows Server 2012") for a block that is a label, or a label and its value."""
    for pattern in _LABELS:
        match = pattern.match(text)
        if match and (match.group(2) is not None or len(text) <= 60):
            return match.group(1), match.group(2) or ""
    return None


def _matching(sections: list[_Section], heading: re.Pattern[str]) -> list[_Section]:
    return [s for s in sections if len(s.heading) <= 80 and heading.search(s.heading)]


def _section(sections: list[_Section], heading: re.Pattern[str]) -> _Section | None:
    return next(iter(_matching(sections, heading)), None)


def _text(section: _Section | None) -> str:
    return " ".join(text for text, _item in section.lines) if section else ""


def _article_kb(page: Page, soup: Any, text: str) -> str | None:
    """The article's own number: a meta tag, an "Article ID" label (any language), or the page's /kb/ URL."""
    for meta in soup.find_all("meta", attrs={"name": words.META_KB}):
        if (found := re.search(r"\d{6,7}", str(meta.get("content") or ""))) and (kb := try_kb_id(found.group(0))):
            return kb
    if (found := words.ARTICLE_ID_NUMBER.search(text)) and (kb := try_kb_id(found.group(1))):
        return kb
    return kb_from_link(page.url)


def _is_package_title(title: str) -> bool:
    return bool(words.PACKAGE_TITLE.search(title)) and not words.NAMES_A_PACKAGE.search(title)


def _kind(title: str) -> Kind:
    """The kind the title names, in any language of the word table; a package the title only names
    ("... after you install update rollup 2903938") is not this one's kind."""
    return kind_from_title(words.NAMES_A_PACKAGE.sub(" ", title))


def _released(text: str, title: str, kind: Kind, day_first: bool) -> tuple[date | None, str]:
    """(release date, note). A release label ("Release Date:", "Published:") is the release date, and so is
    a date the title starts with ("June 12, 2018—KB4284815 (Monthly Rollup)"). A review date or "is
    released on" is one only for a rollup or cumulative update whose title names that month ("update
    rollup: December 2013" last reviewed 2014-03-18 is not released then); otherwise none."""
    for match in words.RELEASE_LABEL.finditer(text):
        if found := parse_date(next(g for g in match.groups() if g), day_first=day_first):
            return found, ""
    if (written := title_date(title)) and (found := parse_date(written) or parse_date(iso_date(written))):
        return found, ""
    reviewed = [d for m in words.REVIEW_LABEL.finditer(text) if (d := parse_date(m.group(1), day_first=day_first))]
    stated = [d for m in words.RELEASED_ON.finditer(text) if (d := parse_date(m.group(1), day_first=day_first))]
    if found := next((d for d in stated + reviewed if is_release_date(kind, title, d)), None):
        return found, ""
    return None, f"last reviewed {reviewed[0].isoformat()}" if reviewed else ""


def _members(sections: list[_Section], kb: str) -> tuple[str, ...]:
    """What a package article lists under "Issues that this update rollup fixes" (list items, table rows)."""
    found: list[str] = []
    for section in sections:
        lead = ""
        for text, is_item in section.lines:
            if not is_item:
                lead = text
                continue
            context = f"{section.heading} {lead}"
            member = leading_kb(text)
            if member and member != kb and words.CONTENTS.search(context) and not words.NOT_CONTENTS.search(context):
                found.append(member)
    return tuple(dict.fromkeys(found))


class KbArticleParser(PageParser):
    name = "kb-article"

    def detect(self, page: Page) -> bool:
        """An "Applies to" label (heading, bold label or "Applies to:" line) and the article's number."""
        soup = page.soup
        if soup is None:
            return False
        blocks = read_blocks(soup).blocks
        if not any(_APPLIES_LABEL.search(b.text[:200]) for b in blocks):
            return False
        return _article_kb(page, soup, " ".join(b.text for b in blocks)[:200_000]) is not None

    def describes_package(self, page: Page) -> bool:
        """A KB article about an update rollup (or other package): its tables list what it includes, so it
        is read as an article, not as an update list. The title is checked on the lxml tree first, so an
        update list never pays for a BeautifulSoup tree here."""
        tree = page.tree
        if tree is None:
            return False
        titles = (clean(etree.tostring(e, method="text", encoding="unicode", with_tail=False))
                  for e in islice(tree.iter("title", "h1"), 4))
        return any(_is_package_title(_SITE_SUFFIX.sub("", t)) for t in titles) and self.detect(page)

    def parse(self, page: Page, hints: SourceHints) -> ParsedPage:
        soup = page.soup
        if soup is None:
            return ParsedPage(self.name, ())
        heading = _main_heading(soup)
        root = _root(soup, heading)
        blocks = read_blocks(root).blocks
        text = " ".join(b.text for b in blocks)
        kb = _article_kb(page, soup, text) or _article_kb(page, soup, clean(soup.get_text(" ")))
        title = _title(soup, heading)
        kb = kb or next(iter(kb_ids_in_text(title)), None)
        if kb is None:
            return ParsedPage(self.name, ())
        sections = _sections(blocks)
        lines = [line for s in sections if not _is_prerequisites(s) and not _is_see_also(s) for line in s.lines]
        said = stated(lines, kb)
        supersedes, note = said.replaces, ""
        if said.denies_replacing and supersedes:  # the article contradicts itself: no replacement is kept
            log.warning("%s: KB article %s says it replaces %s and that it replaces nothing; none kept", page.url,
                        kb, ", ".join(supersedes))
            note = f"says it replaces {', '.join(supersedes)} and that it replaces nothing: no replacement kept"
            supersedes = ()
        package = _is_package_title(title) or bool(
            soup.title and _is_package_title(_SITE_SUFFIX.sub("", clean(soup.title.get_text(" ")))))
        members = _members(sections, kb) if package else ()
        contains = tuple(k for k in (*members, *said.includes) if k != kb)
        inclusion = tuple(k for k in included_in_from_text(statements(t for t, _ in lines))
                          if k != kb and k not in contains)
        kind = _kind(title)
        lang = str(soup.html.get("lang") or "") if soup.html else ""
        released, reviewed = _released(text, title, kind, day_first=not _US_DATES.match(lang))
        entry = make_entry(kb, title, hints, context=_text(_section(sections, words.APPLIES_TO)), roles_text=title,
                           released=released, kind=kind, supersedes=supersedes, included_in=inclusion,
                           standalone=not inclusion or bool(_OWN_PACKAGE.search(text)),
                           download=downloads(str(a.get("href") or "") for a in root.find_all("a")),
                           notes="; ".join(n for n in (reviewed, note) if n))
        log.debug("%s: KB article %s (%d included)", page.url, kb, len(contains))
        return ParsedPage(self.name, (entry,), tuple((kb, member) for member in contains))


def _is_prerequisites(section: _Section) -> bool:
    return len(section.heading) <= 80 and bool(words.PREREQUISITES.search(section.heading))


def _is_see_also(section: _Section) -> bool:
    """"See also", "References", "Related articles": a section about other articles states nothing of this one."""
    return len(section.heading) <= 80 and bool(words.SEE_ALSO.search(section.heading))


def _main_heading(soup: Any) -> Any:
    """The article's title: the `<h1>` marked as a title ("title", "ocpArticleTitle", "page-header"),
    else the first one outside the site's header and navigation."""
    headings = soup.find_all("h1", limit=10)
    outside = [h for h in headings if h.find_parent(["header", "nav"]) is None]
    marked = [h for h in outside if any("title" in t or "header" in t for t in tokens(h))]
    return next(iter(marked + outside + headings), None)


def _root(soup: Any, heading: Any) -> Any:
    """The article itself, without the site around it: the `<article>`/`<main>` (or the old layouts'
    content div) that holds the title, else the body."""
    if heading is not None:
        found = heading.find_parent(["article", "main"]) or heading.find_parent(id=_ROOT_IDS)
        if found is not None:
            return found
    return soup.body or soup


def _title(soup: Any, heading: Any) -> str:
    title = clean(heading.get_text(" ")) if heading is not None else ""
    if not title and soup.title is not None:
        title = _SITE_SUFFIX.sub("", clean(soup.title.get_text(" ")))
    return re.sub(r"^\s*KB\s?\d{6,7}\s*[:–—-]\s*", "", title)
