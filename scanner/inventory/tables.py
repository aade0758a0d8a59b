"""Table helpers readers share: CSV rows checked for truncation, header lookup, fixed-width columns."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from scanner.inventory.interface import Reader
from scanner.inventory.values import build_updates, day_first_from, make_host, normalise_host
from scanner.models import HostInventory

csv.field_size_limit(16 * 1024 * 1024)  # a systeminfo CSV cell holds every hotfix of a host


@dataclass(frozen=True)
class Table:
    """A header and its data rows, every row as wide as the header."""

    header: tuple[str, ...]
    rows: Sequence[list[str]]

    def column(self, *names: str) -> int | None:
        """Index of the first header cell equal (case-insensitively) to one of `names`."""
        folded = [cell.strip().casefold() for cell in self.header]
        for name in names:
            if name.casefold() in folded:
                return folded.index(name.casefold())
        return None


def delimiter_of(header_line: str) -> str:
    """`;` for `Export-Csv -UseCulture` in a semicolon locale, else `,`."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _line_of(lines: Sequence[str], delimiter: str, row_index: int) -> int:
    """The 1-based line (within `lines`) of the non-blank row `row_index`: the slow path, for messages."""
    parsed = csv.reader(lines, delimiter=delimiter)
    seen = -1
    for row in parsed:
        if row and (len(row) > 1 or row[0].strip()):
            seen += 1
            if seen == row_index:
                return parsed.line_num
    return len(lines)


def read_csv(reader: Reader, lines: Sequence[str], path: str, *, first: int = 0) -> list[list[str]]:
    """Non-blank CSV rows of `lines[first:]`, the first being the header.

    An unclosed quote, or a row whose field count differs from the header's, is an error: it is what
    a file cut off mid-write looks like.
    """
    body = lines[first:] if first else lines
    delimiter = delimiter_of(next((line for line in body if line.strip()), ""))
    parsed = csv.reader(body, delimiter=delimiter, strict=True)
    try:
        rows = [row for row in parsed if row and (len(row) > 1 or row[0].strip())]
    except csv.Error as error:
        raise reader.fail(path, f"line {parsed.line_num + first}: {error}; the file looks truncated "
                          "or damaged, export it again") from error
    if rows:
        width = len(rows[0])
        bad = next((index for index, row in enumerate(rows) if len(row) != width), None)
        if bad is not None:
            line = _line_of(body, delimiter, bad) + first
            raise reader.fail(path, f"line {line} has {len(rows[bad])} fields where the header has "
                              f"{width}; the file looks truncated or damaged, export it again")
    return rows


def table_from_csv(reader: Reader, lines: Sequence[str], path: str, *, first: int = 0) -> Table:
    rows = read_csv(reader, lines, path, first=first)
    if not rows:
        raise reader.fail(path, "the CSV has no header row")
    return Table(header=tuple(cell.strip() for cell in rows[0]), rows=rows[1:])


_WORD = re.compile(r"\S+")
_DASHES = re.compile(r"^[\s-]+$")


def fixed_width(lines: Sequence[str], header_index: int) -> Table:
    """A space-aligned table (wmic qfe list, PowerShell Format-Table) whose columns start under the
    header words; a `----` underline row is skipped. Values are stripped."""
    if header_index >= len(lines):  # nothing after a `#TYPE` line: no table (the caller says what is missing)
        return Table(header=(), rows=[])
    spans = [(match.start(), match.group()) for match in _WORD.finditer(lines[header_index])]
    if not spans:  # a blank header line: no columns
        return Table(header=(), rows=[])
    bounds = list(zip([start for start, _ in spans], [*(start for start, _ in spans[1:]), None],
                      strict=True))
    rows = [[line[start:end].strip() for start, end in bounds]
            for line in lines[header_index + 1:] if line.strip() and not _DASHES.match(line)]
    return Table(header=tuple(name for _, name in spans), rows=rows)


def hosts_from_table(
    reader: Reader, table: Table, path: str, *, kb_names: Sequence[str], host_names: Sequence[str],
    date_names: Sequence[str], day_first: bool | None,
) -> list[HostInventory]:
    """One host per distinct host cell (first non-blank of `host_names`; the file name when none),
    its KBs from the first of `kb_names`, install dates from the first of `date_names`."""
    kb_col = table.column(*kb_names)
    if kb_col is None:
        raise reader.fail(path, f"no HotFixID column (looked for {', '.join(kb_names)}; the header has "
                          f"{', '.join(table.header[:12]) or 'nothing'})")
    if not table.rows:
        raise reader.fail(path, "the table has a header but no hotfix rows; the file looks truncated")
    host_cols = [index for index in (table.column(name) for name in host_names) if index is not None]
    date_col = table.column(*date_names)
    first = day_first_from(set(map(itemgetter(date_col), table.rows)) if date_col is not None else (),
                           day_first)
    per_host: dict[str, list[list[str]]] = {}
    # Rows of one host are usually contiguous: group them in C, merge the rest ("hv01" = "HV01.x.local").
    for host, group in groupby(table.rows, key=_host_key(host_cols)):
        per_host.setdefault(normalise_host(host), []).extend(group)
    kbs, dates = itemgetter(kb_col), (itemgetter(date_col) if date_col is not None else _blank)
    return [make_host(host, path, reader.name, build_updates(map(kbs, rows), map(dates, rows), first))
            for host, rows in per_host.items()]


def _blank(row: list[str]) -> str:
    return ""


def _host_key(host_cols: Sequence[int]) -> Callable[[list[str]], str]:
    """The host of a row: the first non-blank of the host columns (C itemgetter for the usual one)."""
    if len(host_cols) == 1:
        return itemgetter(host_cols[0])
    if not host_cols:
        return _blank

    def key(row: list[str]) -> str:
        return next((row[index] for index in host_cols if row[index]), "")

    return key
