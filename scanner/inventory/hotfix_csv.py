"""Get-HotFix text exports: `Export-Csv` (with or without the #TYPE line, joined or not) and tables (`>`)."""

from __future__ import annotations

import re

from scanner.inventory.interface import Reader
from scanner.inventory.tables import (
    csv_lines,
    fixed_width,
    hosts_from_table,
    sniff_table,
    table_from_csv,
    text_lines,
)
from scanner.inventory.wmic import PROPERTIES
from scanner.models import HostInventory

# Column names: Get-HotFix's own first, then what Select-Object exports and other tools commonly use.
KB_NAMES = ("HotFixID", "KB", "KBArticle", "KBArticleID", "hotfix_id")
HOST_NAMES = ("CSName", "PSComputerName", "Source", "ComputerName", "Host", "Node")
DATE_NAMES = ("InstalledOn", "installed_on", "InstallDate", "Date")
# What a Get-HotFix table may show: the default view (Source, ...) or any Select-Object of the properties.
TABLE_NAMES = PROPERTIES | {"source", "pscomputername", "__server"}

_QUOTED_HEADER = re.compile(r'^"[^"\r\n]*"(?:[,;\t|]"[^"\r\n]*")+[ \t]*$')
_KB_FOLDED = frozenset(name.casefold() for name in KB_NAMES)


def _is_header(row: list[str]) -> bool:
    """A row naming a KB column: the header of one more export joined into the file."""
    return any(cell.strip().casefold() in _KB_FOLDED for cell in row)


def _header_index(lines: list[str]) -> int:
    index = next((number for number, line in enumerate(lines) if line.strip()), 0)
    if lines and lines[index].lstrip().startswith("#TYPE"):
        index += 1
    return index


class HotfixCsvReader(Reader):
    """Also the reader of last resort for any quoted CSV, so a CSV without a HotFixID column gets a
    message that says which column is missing."""

    name = "hotfix-csv"
    command = "Get-HotFix | Export-Csv -NoTypeInformation %COMPUTERNAME%.csv"

    def sniff(self, head: str) -> bool:
        first = head.split("\n", 1)[0].rstrip("\r")
        if first.startswith("#TYPE"):
            return True
        return bool(_QUOTED_HEADER.match(first)) or (
            "hotfixid" in first.casefold() and any(delimiter in first for delimiter in ",;\t|"))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        table = table_from_csv(self, csv_lines(text), path, is_header=_is_header)
        return hosts_from_table(self, table, path, kb_names=KB_NAMES, host_names=HOST_NAMES,
                                date_names=DATE_NAMES, day_first=day_first)


class HotfixTableReader(Reader):
    """What `Get-HotFix > host.txt` writes (Source, Description, HotFixID, InstalledBy, InstalledOn, a
    `----` underline), or a table of any Select-Object of its properties."""

    name = "hotfix-table"
    command = "Get-HotFix > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return sniff_table(head, TABLE_NAMES, underlined=True)

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        lines = text_lines(text)
        table = fixed_width(lines, _header_index(lines))
        return hosts_from_table(self, table, path, kb_names=KB_NAMES, host_names=HOST_NAMES,
                                date_names=DATE_NAMES, day_first=day_first)
