"""wmic qfe output: `/format:csv` (Node column), the `list` / `get` table and the `list full` / `/value`
Key=value blocks; also wmic's own error text where a CSV was expected."""

from __future__ import annotations

import re

from scanner.inventory.interface import Reader, fail
from scanner.inventory.tables import (
    fixed_width,
    hosts_from_table,
    records_table,
    sniff_table,
    table_from_csv,
    text_lines,
)
from scanner.models import HostInventory

KB_NAMES = ("HotFixID",)
HOST_NAMES = ("CSName", "Node")
DATE_NAMES = ("InstalledOn", "InstallDate")
# Win32_QuickFixEngineering's properties: what `wmic qfe get a,b,c` may print (in this order).
PROPERTIES = frozenset(name.casefold() for name in (
    "Caption", "CSName", "Description", "FixComments", "HotFixID", "InstallDate", "InstalledBy",
    "InstalledOn", "Name", "ServicePackInEffect", "Status"))

_CSV_HEAD = re.compile(r"^Node,.*\bHotFixID\b", re.IGNORECASE)
_XSL_ERROR = "Invalid XSL format (or) file name."  # what wmic prints when it cannot find csv.xsl
_LIST_LINE = re.compile(r"^([A-Za-z]+)=(.*)$")
_LIST_FIRST = re.compile(r"^([A-Za-z]+)=")
_LIST_HEAD = re.compile(r"^HotFixID=", re.IGNORECASE | re.MULTILINE)


def _first_line(lines: list[str]) -> int:
    return next((number for number, line in enumerate(lines) if line.strip()), 0)


def _is_header(row: list[str]) -> bool:
    """A `Node,...,HotFixID,...` row: the header of one more part of a joined file."""
    return any(cell.strip().casefold() == "hotfixid" for cell in row)


class WmicCsvReader(Reader):
    name = "wmic-csv"
    command = "wmic qfe list full /format:csv > %COMPUTERNAME%.csv"

    def sniff(self, head: str) -> bool:
        return bool(_CSV_HEAD.match(head)) or head.startswith(_XSL_ERROR)

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        if text.lstrip("\ufeff \t\r\n").startswith(_XSL_ERROR):
            raise fail(path, f"the file holds wmic's error {_XSL_ERROR!r} instead of CSV (wmic found no csv.xsl "
                       "for the system's locale); run `wmic qfe list full /format:\"%WINDIR%\\System32\\wbem"
                       '\\en-US\\csv" > %COMPUTERNAME%.csv` (with the language folder that exists under '
                       "wbem), or `wmic qfe list full > %COMPUTERNAME%.txt`, which kbscan reads as well")
        table = table_from_csv(self, text_lines(text), path, is_header=_is_header)
        return hosts_from_table(self, table, path, kb_names=KB_NAMES, host_names=HOST_NAMES,
                                date_names=DATE_NAMES, day_first=day_first)


class WmicTableReader(Reader):
    name = "wmic-table"
    command = "wmic qfe list > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return sniff_table(head, PROPERTIES, underlined=False)

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        lines = text_lines(text)
        table = fixed_width(lines, _first_line(lines))
        return hosts_from_table(self, table, path, kb_names=KB_NAMES, host_names=HOST_NAMES,
                                date_names=DATE_NAMES, day_first=day_first)


class WmicListReader(Reader):
    """`wmic qfe list full` (or `get ... /value`, `/format:list`): one `Key=value` per line, a record
    ends when a key comes round again."""

    name = "wmic-list"
    command = "wmic qfe list full > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        first = _LIST_FIRST.match(head)
        return first is not None and first[1].casefold() in PROPERTIES and bool(_LIST_HEAD.search(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        pairs: list[tuple[str, str]] = []
        for number, line in enumerate(text_lines(text), 1):
            if not line.strip():
                continue
            match = _LIST_LINE.match(line.strip())
            if not match:
                raise self.fail(path, f"line {number} is not Key=value: {line.strip()[:60]!r}")
            pairs.append((match[1], match[2].strip()))
        return hosts_from_table(self, records_table(pairs), path, kb_names=KB_NAMES,
                                host_names=HOST_NAMES, date_names=DATE_NAMES, day_first=day_first)
