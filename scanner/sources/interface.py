"""What every page family implements, the hints a source gives, and the errors parsers may raise."""

from __future__ import annotations

import codecs
import re
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from lxml import etree

from scanner.models import CatalogueEntry


@dataclass(frozen=True)
class SourceHints:
    """A configured source: its name (every fact's provenance) and the products/roles it implies."""

    name: str
    url: str = ""
    products: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()


class Page:
    """A fetched HTML page. `tree` (lxml) and `soup` (BeautifulSoup) are built on first use only, so a
    big update list never pays for a BeautifulSoup tree; neither leaves the parsers package."""

    def __init__(self, url: str, body: bytes, charset: str | None = None) -> None:
        self.url, self.body, self.charset = url, body, browser_charset(body, charset)

    @cached_property
    def tree(self) -> Any:
        """A plain lxml.etree tree (no lxml.html element classes: their lookup costs more than the parse)."""
        try:
            return etree.fromstring(self.body, etree.HTMLParser(encoding=self.charset, huge_tree=False))
        except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError):
            return None

    @cached_property
    def soup(self) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            try:
                return BeautifulSoup(self.body, "lxml", from_encoding=self.charset)
            except (ValueError, LookupError):  # a charset (declared or guessed) lxml refuses, e.g. with a NUL
                return BeautifulSoup(self.body.decode(_codec(self.charset), "replace"), "lxml")


# WHATWG Encoding Standard: browsers read every one of these labels as windows-1252, and pages that say
# ISO-8859-1 or us-ascii do carry its quotes and dashes (0x93, 0x96), which a literal reading turns into
# control characters (ISO-8859-1) or nothing at all (libxml2 on us-ascii).
_WINDOWS_1252 = frozenset({"ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
                           "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
                           "us-ascii", "windows-1252", "x-cp1252"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([\w:.-]+)", re.IGNORECASE)


def browser_charset(body: bytes, declared: str | None) -> str | None:
    """The charset to decode with, as a browser picks it: a BOM wins (None lets lxml read it), then the
    HTTP header's label, then a `<meta>` in the first 1024 bytes; the ISO-8859-1 family means windows-1252."""
    if body.startswith(_BOMS):
        return None
    if declared is None and (meta := _META_CHARSET.search(body[:1024])):
        label = meta.group(1).decode("ascii", "replace").lower()
        return "windows-1252" if label in _WINDOWS_1252 else None  # other labels: as lxml reads the meta
    return "windows-1252" if declared and declared.strip().lower() in _WINDOWS_1252 else declared


def _codec(charset: str | None) -> str:
    try:
        return codecs.lookup(charset or "utf-8").name
    except LookupError:
        return "utf-8"


@dataclass(frozen=True)
class ParsedPage:
    """What a page gave: its family, its entries, and "package includes member" relations it stated."""

    family: str
    entries: tuple[CatalogueEntry, ...]
    includes: tuple[tuple[str, str], ...] = ()
    summary: str = ""  # what the parser counted and skipped, for the refresh/import output (wesng)


class PageParser(ABC):
    """One page family. `detect` is cheap and decides; `parse` returns entries, never raises for bad
    markup (an unparseable page yields no entries and the refresh's layout guard notices)."""

    name: ClassVar[str]

    @abstractmethod
    def detect(self, page: Page) -> bool:
        """True when the page is of this family."""

    @abstractmethod
    def parse(self, page: Page, hints: SourceHints) -> ParsedPage:
        """Every KB entry on the page, each naming `hints.name` as its source."""
