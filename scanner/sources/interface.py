"""What every page family implements, the hints a source gives, and the errors parsers may raise."""

from __future__ import annotations

import codecs
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
        self.url, self.body, self.charset = url, body, charset

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
