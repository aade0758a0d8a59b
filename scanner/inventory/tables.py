"""Table helpers readers share: joined-file clean-up, CSV rows checked for truncation, header lookup,
fixed-width columns and Key/value records."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from scanner.inventory.interface import Reader
from scanner.inventory.values import build_updates, day_first_from, is_cut, make_host, normalise_host
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


def text_lines(text: str) -> list[str]:
    """The lines of `text` without the byte-order marks that `copy /b a+b` or a `>>` of wmic or
    PowerShell 5 leave in the middle of a joined file (decoded as U+FEFF at the start of a line)."""
    return (text.replace("\ufeff", "") if "\ufeff" in text else text).splitlines()


def csv_lines(text: str) -> list[str]:
    """`text_lines`, with every `#TYPE ...` line of PowerShell 5 Export-Csv made blank (one per joined
    export; blank, not dropped, so error messages keep the file's line numbers)."""
    lines = text_lines(text)
    at = text.find("#")  # a one-character search is a memchr: cheap on every file
    if at < 0:
        return lines
    first = next((index for index, line in enumerate(lines) if line.strip()), 0)
    if lines[first].startswith("#TYPE"):  # the first '#' is in it: the lines before it are blank
        end = at + len(lines[first])
        lines[first] = ""
        if text.find("#", end) < 0:  # one export: its first line was the only #TYPE line
            return lines
    return ["" if line.startswith("#TYPE") else line for line in lines]


def delimiter_of(header_line: str) -> str:
    """The delimiter the header line uses most: `,`, `;` (`Export-Csv -UseCulture` in a semicolon
    locale), a tab or `|` (`-Delimiter`); `,` when it has none."""
    return max(",;\t|", key=header_line.count)


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


def read_csv(reader: Reader, lines: Sequence[str], path: str, *, first: int = 0,
             is_header: Callable[[list[str]], bool] | None = None) -> list[list[str]]:
    """Non-blank CSV rows of `lines[first:]`, the first being the header; a row equal to it (files
    joined with `>>`, `copy /b` or Get-Content, `wmic /node:A,B`: each part has its header) is dropped.

    An unclosed quote, or a row whose field count differs from its header's, is an error: it is what
    a file cut off mid-write looks like. A row `is_header` accepts may start a section with its own
    width (exports with other columns joined into one file): then every row is returned as read,
    header rows included, and the caller tells the sections apart.
    """
    return _read_rows(reader, lines, path, first, is_header)[0]


def _read_rows(reader: Reader, lines: Sequence[str], path: str, first: int,
               is_header: Callable[[list[str]], bool] | None) -> tuple[list[list[str]], bool]:
    """`read_csv`'s rows, and whether they come in sections of different widths."""
    body = lines[first:] if first else lines
    delimiter = delimiter_of(next((line for line in body if line.strip()), ""))
    parsed = csv.reader(body, delimiter=delimiter, strict=True)
    try:
        rows = [row for row in parsed if row and (len(row) > 1 or row[0].strip())]
    except csv.Error as error:
        raise reader.fail(path, f"line {parsed.line_num + first}: {error}; the file looks truncated "
                          "or damaged, export it again") from error
    if not rows:
        return rows, False
    if len(set(map(len, rows))) > 1:  # the slow path: a damaged row, or sections
        width = len(rows[0])
        for index, row in enumerate(rows):
            if len(row) == width:
                continue
            if is_header is not None and is_header(row):
                width = len(row)
                continue
            line = _line_of(body, delimiter, index) + first
            raise reader.fail(path, f"line {line} has {len(row)} fields where the header has "
                              f"{width}; the file looks truncated or damaged, export it again")
        return rows, True  # sections keep their header rows: the caller tells them apart
    header = rows[0]
    if rows.count(header) > 1:
        rows = [header, *(row for row in rows[1:] if row != header)]
    return rows, False


def table_from_csv(reader: Reader, lines: Sequence[str], path: str, *, first: int = 0,
                   is_header: Callable[[list[str]], bool] | None = None) -> Table:
    """`read_csv` as a Table; sections with other columns (see `is_header`) are matched by column
    name into one table whose header holds every column of every section."""
    rows, sections = _read_rows(reader, lines, path, first, is_header)
    if not rows:
        raise reader.fail(path, "the CSV has no header row")
    if sections and is_header is not None:
        return _union(rows, is_header)
    return Table(header=tuple(cell.strip() for cell in rows[0]), rows=rows[1:])


def _union(rows: list[list[str]], is_header: Callable[[list[str]], bool]) -> Table:
    """Rows of several sections (each after its own header row) under one header: the slow path."""
    names = [cell.strip() for cell in rows[0]]
    where = {name: index for index, name in reversed(list(enumerate(names)))}
    places = list(range(len(names)))
    out: list[list[str]] = []
    for row in rows[1:]:
        if len(row) != len(places) or is_header(row):
            for name in (cell.strip() for cell in row):
                where.setdefault(name, len(names))
                if where[name] == len(names):
                    names.append(name)
            places = [where[cell.strip()] for cell in row]
            continue
        cells = [""] * len(names)
        for place, cell in zip(places, row, strict=True):
            cells[place] = cell
        out.append(cells)
    width = len(names)
    return Table(header=tuple(names), rows=[cells + [""] * (width - len(cells)) for cells in out])


_WORD = re.compile(r"\S+")
_DASHES = re.compile(r"^[\s-]+$")


def sniff_table(head: str, names: frozenset[str], *, underlined: bool) -> bool:
    """Whether the first line of `head` is a space-aligned table header of only `names` (casefolded)
    with a HotFixID column, followed (PowerShell) or not (wmic) by a `----` underline."""
    lines = head.split("\n", 8)
    words = lines[0].casefold().split()
    if "hotfixid" not in words or not names.issuperset(words):
        return False
    following = next((line for line in lines[1:] if line.strip()), "")
    return bool(_DASHES.match(following)) is underlined


def _bounds(header_line: str) -> tuple[tuple[str, ...], list[tuple[int, int | None]]]:
    spans = [(match.start(), match.group()) for match in _WORD.finditer(header_line)]
    starts = [start for start, _ in spans]
    ends: list[int | None] = [*starts[1:], None] if starts else []
    return tuple(name for _, name in spans), list(zip(starts, ends, strict=True))


def fixed_width(lines: Sequence[str], header_index: int) -> Table:
    """A space-aligned table (wmic qfe list / get, PowerShell Format-Table) whose columns start under
    the header words; a `----` underline row is skipped, and the header coming round again (`wmic
    /node:A,B`, files joined with `>>`) sets the columns anew. Values are stripped."""
    if header_index >= len(lines):  # nothing after a `#TYPE` line: no table (the caller says what is missing)
        return Table(header=(), rows=[])
    names, bounds = _bounds(lines[header_index])
    if not names:  # a blank header line: no columns
        return Table(header=(), rows=[])
    first = names[0]
    rows: list[list[str]] = []
    for line in lines[header_index + 1:]:
        if not line.strip() or _DASHES.match(line):
            continue
        if line.startswith(first) and tuple(line.split()) == names:
            bounds = _bounds(line)[1]
            continue
        rows.append([line[start:end].strip() for start, end in bounds])
    return Table(header=names, rows=rows)


def records_table(pairs: Iterable[tuple[str, str]]) -> Table:
    """`Key`/value pairs (`wmic ... /format:list`, `Format-List`) as a table: a record ends when one of
    its keys comes round again; one column per key in first-seen order, blank where a record lacks it."""
    keys: dict[str, None] = {}
    records: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for key, value in pairs:
        if key in current:
            records.append(current)
            current = {}
        keys.setdefault(key)
        current[key] = value
    if current:
        records.append(current)
    return Table(header=tuple(keys), rows=[[record.get(key, "") for key in keys] for record in records])


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
    names: dict[str, str] = {}  # group key -> the host cell as written (make_host words a cut one)
    # Rows of one host are usually contiguous: group them in C, merge the rest ("hv01" = "HV01.x.local").
    for host, group in groupby(table.rows, key=_host_key(host_cols)):
        key = f"\0{host}" if is_cut(host) else normalise_host(host)  # `DESKTOP-SJ...` is no name to normalise
        names.setdefault(key, host)
        per_host.setdefault(key, []).extend(group)
    cut = [names[key] for key in per_host if key.startswith("\0")]
    if len(cut) > 1 or (cut and len(per_host) > 1):
        raise reader.fail(path, f"the host column is cut off by the console ({cut[0]!r}) in a table of "
                          f"{len(per_host)} hosts, so their rows cannot be told apart; export with Export-Csv "
                          "or Format-Table -AutoSize")
    kbs, dates = itemgetter(kb_col), (itemgetter(date_col) if date_col is not None else _blank)
    hosts = []
    for key, rows in per_host.items():
        updates = build_updates(map(kbs, rows), map(dates, rows), first)
        hosts.append(make_host(names[key], path, reader.name, updates, warnings=_no_kb(rows, updates, kbs)))
    if not any(host.updates for host in hosts):
        sample = next((value for row in table.rows if (value := kbs(row).strip())), "")
        raise reader.fail(path, f"none of its {len(table.rows)} hotfix rows holds a KB id (the "
                          f"{table.header[kb_col]} column holds {sample[:40]!r}"
                          f"{' and the like' if len(table.rows) > 1 else ''}); export Get-HotFix or wmic qfe "
                          "again, or use the collector")
    return hosts


def _no_kb(rows: Sequence[list[str]], updates: tuple[object, ...], kbs: Callable[[list[str]], str]
           ) -> tuple[str, ...]:
    """A host warning when its rows hold no KB id at all (`File 1` only, junk): never a silent empty host."""
    if updates:
        return ()
    sample = next((value for row in rows if (value := kbs(row).strip())), "")
    return (f"its {len(rows)} hotfix rows hold no KB id (such as {sample[:40]!r})",)


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
