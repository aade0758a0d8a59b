"""Page parsing: detect the page family from content and return its entries; never raises past here
except SourceError. One module per family; a new family is one module and one line in PARSERS."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from scanner.errors import SourceError
from scanner.models import try_kb_id
from scanner.sources.blog import BlogParser
from scanner.sources.interface import Page, PageParser, ParsedPage, SourceHints
from scanner.sources.kb_article import KbArticleParser
from scanner.sources.wesng import looks_like_definitions, parse_definitions
from scanner.sources.wiki_table import WikiTableParser
from scanner.sources.xml_list import looks_like_list, parse_xml_list

log = logging.getLogger(__name__)

_SNIFF = 1 << 20  # bytes looked at to tell an XML list from a page (a list may open with a long comment)

# Tables first (a KB page that carries a recommended-updates table is a list: KB 2784261, 2920151), then
# posts, then articles. Before them all, a KB article about a package (an update rollup): its table lists
# what the rollup includes, not updates to recommend (KB 2919394).
_ARTICLES = KbArticleParser()
PARSERS: tuple[PageParser, ...] = (WikiTableParser(), BlogParser(), _ARTICLES)
FAMILIES = ("get-windowshotfixes-xml", "wesng", *(p.name for p in PARSERS))
_DETECTORS: tuple[tuple[PageParser, Callable[[Page], bool]], ...] = (
    (_ARTICLES, _ARTICLES.describes_package), *((p, p.detect) for p in PARSERS))

__all__ = ["FAMILIES", "ParsedPage", "SourceHints", "parse_page"]


def _charset(content_type: str | None) -> str | None:
    if content_type and "charset=" in content_type.lower():
        return content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"') or None
    return None


def _head(body: bytes) -> str:
    """The start of the document as text, for sniffing: UTF-16 with a BOM (PowerShell's Out-File), UTF-16
    without one (its `<` next to a NUL, as XML's own encoding detection reads it), or anything
    ASCII-compatible."""
    head = body[:_SNIFF]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: len(head) // 2 * 2].decode("utf-16", "replace")
    if head[:2] in (b"<\0", b"\0<"):  # UTF-16 without a BOM
        return head[: len(head) // 2 * 2].decode("utf-16-le" if head[1:2] == b"\0" else "utf-16-be", "replace")
    return head.decode("utf-8", "replace")


def _normalised(parsed: ParsedPage) -> ParsedPage:
    """Relations as kb_id writes them (a page's "0123456" is KB123456), for the merge to match."""
    includes = tuple(dict.fromkeys((a, b) for x, y in parsed.includes
                                   if (a := try_kb_id(x)) and (b := try_kb_id(y)) and a != b))
    return parsed if includes == parsed.includes else replace(parsed, includes=includes)


def parse_page(body: bytes, content_type: str | None, url: str, hints: SourceHints) -> ParsedPage:
    """Entries on a page of any known family; SourceError when the page is of no family kbscan knows."""
    if looks_like_definitions(body):  # WES-NG's definitions.zip ([[sources]] kind = "wesng")
        found = parse_definitions(body, url, hints)
        return ParsedPage(FAMILIES[1], found.entries, summary=found.skipped.summary(len(found.entries)))
    if looks_like_list(_head(body)):
        parsed = parse_xml_list(body, url, hints)
        return _normalised(ParsedPage(FAMILIES[0], parsed.entries, parsed.includes))
    page = Page(url, body, _charset(content_type))
    for parser, detect in _DETECTORS:
        try:
            if detect(page):
                return _normalised(parser.parse(page, hints))
        except RecursionError as e:
            raise SourceError(f"{url}: the page is nested too deeply to parse ({parser.name})") from e
        except (AttributeError, KeyError, IndexError, ValueError, TypeError) as e:  # malformed markup
            log.warning("%s: %s parser failed on this page: %s", url, parser.name, e)
            raise SourceError(f"{url}: the {parser.name} parser could not read this page ({e}); its layout may "
                              "have changed") from e
    raise SourceError(f"{url}: no known page family found (tried {', '.join(FAMILIES)}): no table with a KB "
                      "column, no post titled 'KBnnnnnnn – ...', no KB article")
