"""Update-list tables (TechNet wiki Hyper-V update lists, KB 2784261 / 2920151 cluster lists).

Works on the lxml tree, not BeautifulSoup: a 2 MB list builds in 0.05 s with lxml against 1.4 s with bs4."""

from __future__ import annotations

import logging
import re
from typing import Any

from lxml import etree

from scanner.dates import parse_date
from scanner.models import CatalogueEntry
from scanner.sources.build import downloads, make_entry
from scanner.sources.interface import Page, PageParser, ParsedPage, SourceHints
from scanner.sources.text import (
    clean,
    included_in_from_text,
    includes_from_text,
    kb_from_cell,
    kb_from_link,
    replaces_from_text,
)

log = logging.getLogger(__name__)

# Column meaning from header words; the first rule that matches a header cell names its column.
_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("wu", ("windows update",)),
    ("why", ("why", "recommend", "reason")),
    ("fix_for", ("fix for", "applies to", "product", "operating system")),
    ("date", ("date", "released", "release", "added", "published")),
    ("kb", ("kb", "article", "knowledge base", "knowledgebase", "hotfix id", "update id")),
    ("title", ("title", "description", "summary", "issue", "symptom", "name", "hotfix", "update")),
    ("component", ("component", "area", "feature", "role")),
)


def _meaning(header: str) -> str | None:
    text = clean(header).lower()
    for meaning, words in _COLUMNS:
        if any(word in text for word in words):
            return meaning
    return None


def _cells(row: Any) -> list[Any]:
    return [child for child in row if child.tag == "td" or child.tag == "th"]


def _rows(table: Any) -> list[Any]:
    """The table's own rows, not those of tables nested in its cells."""
    return list(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"))


def _links(cell: Any) -> list[Any]:
    return list(cell.iter("a"))


def _cell_text(cell: Any) -> str:
    # lxml's text serialiser is four times faster than joining itertext() and leaves comments out
    return clean(etree.tostring(cell, method="text", encoding="unicode", with_tail=False))


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _separate_lines(tree: Any) -> None:
    """`Windows Server 2012<br>Windows 8` reads as two words, not `2012Windows`: a space after every line
    break and block inside the page (done once, before any cell is read)."""
    for element in tree.iter("br", "p", "div", "li"):
        try:
            element.tail = " " + (element.tail or "")
        except ValueError:  # the HTML parser kept a control character lxml will not set back
            element.tail = " " + _NOT_XML.sub("", element.tail or "")


def _header(rows: list[Any]) -> tuple[int, dict[str, int]] | None:
    """Index of the header row and column -> meaning; the header must name a KB column."""
    for index, row in enumerate(rows[:3]):
        cells = _cells(row)
        is_header = bool(row.xpath("./th")) or all(c.xpath(".//strong | .//b") for c in cells if _cell_text(c))
        if not is_header or len(cells) < 2:
            continue
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            meaning = _meaning(_cell_text(cell))
            if meaning and meaning not in columns:
                columns[meaning] = position
        if "kb" in columns:
            return index, columns
    return None


def _text(cells: list[Any], columns: dict[str, int], meaning: str) -> str:
    position = columns.get(meaning)
    return _cell_text(cells[position]) if position is not None and position < len(cells) else ""


def _row_entry(cells: list[Any], columns: dict[str, int], hints: SourceHints) -> CatalogueEntry | None:
    kb_cell = cells[columns["kb"]] if columns["kb"] < len(cells) else None
    kb = kb_from_cell(_cell_text(kb_cell)) if kb_cell is not None else None
    links = [a.get("href", "") for a in cells[0].getparent().iter("a")] if cells else []
    if kb is None and kb_cell is not None:
        kb = next((k for a in _links(kb_cell) if (k := kb_from_link(a.get("href", "")))), None)
    if kb is None:
        return None
    title = _text(cells, columns, "title")
    if not title:
        title = next((_cell_text(a) for c in cells for a in _links(c)
                      if _cell_text(a) and not kb_from_cell(_cell_text(a))), "")
    why = _text(cells, columns, "why")
    fix_for = _text(cells, columns, "fix_for")
    notes = "; ".join(part for part in (_text(cells, columns, "component"), why) if part)
    included = included_in_from_text(why) if why else ()
    return make_entry(
        kb, title or kb, hints, context=fix_for, released=parse_date(_text(cells, columns, "date")),
        supersedes=replaces_from_text(why) if why else (), included_in=included, standalone=not included,
        download=downloads(links), notes=notes,
    )


class WikiTableParser(PageParser):
    name = "update-list"

    def detect(self, page: Page) -> bool:
        return page.tree is not None and any(_header(_rows(t)) for t in page.tree.iter("table"))

    def parse(self, page: Page, hints: SourceHints) -> ParsedPage:
        entries: dict[str, CatalogueEntry] = {}
        includes: list[tuple[str, str]] = []
        _separate_lines(page.tree)
        for table in page.tree.iter("table"):
            rows = _rows(table)
            found = _header(rows)
            if found is None:
                continue  # navigation, layout or footnote tables
            start, columns = found
            for row in rows[start + 1:]:
                cells = _cells(row)
                if len(cells) < 2:
                    continue  # note rows: one cell spanning the table (colspan)
                entry = _row_entry(cells, columns, hints)
                if entry is not None and entry.kb not in entries:
                    entries[entry.kb] = entry
                    includes += [(entry.kb, member) for member in includes_from_text(entry.notes)
                                 if member != entry.kb]
        log.debug("%s: %d entries from update-list tables", page.url, len(entries))
        return ParsedPage(self.name, tuple(entries.values()), tuple(dict.fromkeys(includes)))
