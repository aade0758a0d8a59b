"""HTML tables as update lists are written: rows with row/column spans filled in, the header row and
what its columns hold, the headings a table stands under. Works on the lxml tree (no BeautifulSoup)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain, islice
from typing import Any

from lxml import etree

from scanner.sources.text import clean, kb_from_cell
from scanner.sources.words import column_meaning

_EMPTY = etree.Element("td")  # a grid position no cell covers
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)\b", re.IGNORECASE)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_COLSPAN = 32  # an update list has fewer columns; a hostile colspan="100000" stays cheap
_MAX_COLUMNS = 64  # nor can spans carried down from row to row widen a row without end
_MAX_ROWSPAN = 65534  # the HTML limit
_MAX_HEADER = 80  # a longer cell is content (a layout table's whole page), not a column header
# "r\0o\0w...n" is the word in UTF-16, little or big endian
_SPAN_WORDS = (b"rowspan", b"colspan", "rowspan".encode("utf-16-be")[1:], "colspan".encode("utf-16-be")[1:])
_HEADING_STEPS = 120  # siblings and parents looked at, walking back from a table to its headings


def prepare(tree: Any) -> frozenset[Any]:
    """Once per page, before any cell is read: `Windows Server 2012<br>Windows 8` reads as two words, not
    `2012Windows` (a space after every line break and block; a second call changes nothing). Returns the
    cells that hold a `<sup>`: a footnote mark there is not part of a KB number (pages have few)."""
    for element in tree.iter("br", "p", "div", "li"):
        tail = element.tail
        if tail and tail.startswith(" "):
            continue
        try:
            element.tail = " " + (tail or "")
        except ValueError:  # the HTML parser kept a control character lxml will not set back
            element.tail = " " + _NOT_XML.sub("", tail or "")
    cells = (next(sup.iterancestors("td", "th"), None) for sup in tree.iter("sup"))
    return frozenset(cell for cell in cells if cell is not None)


def rows(table: Any) -> list[Any]:
    """The table's own rows, not those of tables nested in its cells."""
    return list(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"))


def own_cells(row: Any) -> list[Any]:
    return list(row.iterchildren("td", "th"))


def cell_text(cell: Any) -> str:
    # lxml's text serialiser is four times faster than joining itertext() and leaves comments out
    return clean(etree.tostring(cell, method="text", encoding="unicode", with_tail=False)).replace("\u00ad", "")


def _span(value: str | None, cap: int) -> int:
    digits = re.match(r"\s*(\d{1,6})", value or "")
    return max(1, min(int(digits.group(1)), cap)) if digits else 1


def may_span(body: bytes) -> bool:
    """False when no table of the page can have a `rowspan` or `colspan` (the word is nowhere in it, in
    any case, in UTF-8 or UTF-16): its rows need no bookkeeping. A byte search is the cheap way to know."""
    lowered = body.lower()
    return any(word in lowered for word in _SPAN_WORDS)


def grid(table: Any, spans: bool = True) -> Iterator[tuple[Any, list[Any]]]:
    """Each row with one cell per column: a `rowspan` cell is repeated in the rows below it and a
    `colspan` cell in the columns it covers, so a column index means the same column in every row.
    `spans=False` (see may_span) reads the rows as they are."""
    table_rows = rows(table)
    if not spans:
        return ((row, own_cells(row)) for row in table_rows)  # the common case, without the bookkeeping
    return _spanned(table_rows)


def _spanned(table_rows: list[Any]) -> Iterator[tuple[Any, list[Any]]]:
    carried: dict[int, list[Any]] = {}  # column -> [cell, rows it still covers]
    for row in table_rows:
        line: list[Any] = []
        for cell in own_cells(row):
            while len(line) in carried:
                _carry(line, carried)
            rowspan = _span(cell.get("rowspan"), _MAX_ROWSPAN)
            for _ in range(min(_span(cell.get("colspan"), _MAX_COLSPAN), _MAX_COLUMNS - len(line))):
                if rowspan > 1:
                    carried[len(line)] = [cell, rowspan - 1]
                line.append(cell)
            if len(line) >= _MAX_COLUMNS:
                break
        while carried and len(line) <= max(carried):
            if len(line) in carried:
                _carry(line, carried)
            else:
                line.append(_EMPTY)
        yield row, line


def _carry(line: list[Any], carried: dict[int, list[Any]]) -> None:
    column = len(line)
    cell, left = carried[column]
    line.append(cell)
    if left <= 1:
        del carried[column]
    else:
        carried[column][1] = left - 1


def is_note_row(cells: list[Any]) -> bool:
    """A row of one cell (spanning the table): a note or a sub-heading, not an entry."""
    return len(cells) < 2 or (cells[0] is cells[-1] and all(cell is cells[0] for cell in cells))


def _bold(element: Any) -> bool:
    if _BOLD_STYLE.search(element.get("style") or ""):
        return True
    return any(e.tag in ("strong", "b") or _BOLD_STYLE.search(e.get("style") or "")
               for e in element.iterdescendants(etree.Element))


def _header_row(row: Any, cells: list[Any], texts: list[str], first: bool) -> bool:
    """`<th>` cells, a row in `<thead>`, bold cells (`<strong>`, `<b>`, or CSS font-weight on the row, the
    cell or a span in it), or a plain first row whose every cell is a header word and none a KB."""
    if row.getparent().tag == "thead" or any(cell.tag == "th" for cell in cells) or _BOLD_STYLE.search(
            row.get("style") or ""):
        return True
    if all(_bold(cell) for cell, text in zip(cells, texts, strict=True) if text):
        return True
    named = sum(1 for text in texts if text and len(text) <= _MAX_HEADER and column_meaning(text))
    return first and named == sum(1 for text in texts if text) and not any(kb_from_cell(text) for text in texts)


def header(head: list[tuple[Any, list[Any]]]) -> tuple[int, dict[str, int]] | None:
    """Index of the header row among the first rows and column meaning -> position; the header must name
    a KB column. "Update" or "Hotfix" (kb_weak) is the KB column unless another one says KB or article;
    then it is the title column."""
    for index, (row, cells) in enumerate(head):
        if is_note_row(cells):
            continue
        texts = [cell_text(cell) for cell in cells]
        columns: dict[str, int] = {}
        for position, text in enumerate(texts):
            meaning = column_meaning(text) if text and len(text) <= _MAX_HEADER else None
            if meaning and meaning not in columns:
                columns[meaning] = position
        if ("kb" in columns or "kb_weak" in columns) and _header_row(row, cells, texts, index == 0):
            weak = columns.pop("kb_weak", None)
            if weak is not None and "kb" not in columns:
                columns["kb"] = weak
            elif weak is not None:
                columns.setdefault("title", weak)
            return index, columns
    return None


def split_header(table: Any, spans: bool = True) -> tuple[dict[str, int], Iterator[tuple[Any, list[Any]]], bool] | None:
    """(columns, the data rows after the header, whether the KB column's header says KB or article)."""
    expanded = grid(table, spans)
    head = list(islice(expanded, 3))
    found = header(head)
    if found is None:
        return None
    index, columns = found
    strong = column_meaning(cell_text(head[index][1][columns["kb"]])) == "kb"
    return columns, chain(head[index + 1:], expanded), strong


def headings(table: Any) -> list[tuple[int, str]]:
    """What the table stands under, nearest first: its caption (level 7), a bold line just before it
    (level 7), then the nearest heading of each higher level among the preceding siblings of the table
    and of its ancestors (a heading inside an unrelated sidebar does not count)."""
    found: list[tuple[int, str]] = []
    caption = table.find("caption")
    if caption is not None:
        found.append((7, cell_text(caption)))
    before = table.getprevious()
    if before is not None and before.tag in ("p", "div", "strong", "b") and (text := cell_text(before)) and len(
            text) <= 100 and (before.tag in ("strong", "b") or _all_bold(before)):
        found.append((7, text))
    limit, steps, node = 7, 0, table
    while node is not None and steps < _HEADING_STEPS and limit > 1:
        for sibling in node.itersiblings(preceding=True):
            steps += 1
            if steps >= _HEADING_STEPS:
                break
            if sibling.tag in _HEADINGS and int(sibling.tag[1]) < limit:
                limit = int(sibling.tag[1])
                found.append((limit, cell_text(sibling)))
        node = node.getparent()
        steps += 1
    return found


def _all_bold(element: Any) -> bool:
    """Every word of a short paragraph is inside `<strong>`/`<b>`: a heading written as bold text."""
    bold = "".join(clean(etree.tostring(b, method="text", encoding="unicode", with_tail=False))
                   for b in element.iter("strong", "b"))
    return bool(bold) and bold.replace(" ", "") == cell_text(element).replace(" ", "")
