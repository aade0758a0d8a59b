"""Get-HotFix text exports: `Export-Csv` (with or without the #TYPE line) and the default table (`>`)."""

from __future__ import annotations

import re

from scanner.inventory.interface import Reader
from scanner.inventory.tables import fixed_width, hosts_from_table, table_from_csv
from scanner.models import HostInventory

# Column names: Get-HotFix's own first, then what Select-Object exports and other tools commonly use.
KB_NAMES = ("HotFixID", "KB", "KBArticle", "KBArticleID", "hotfix_id")
HOST_NAMES = ("CSName", "PSComputerName", "Source", "ComputerName", "Host", "Node")
DATE_NAMES = ("InstalledOn", "installed_on", "InstallDate", "Date")

_QUOTED_HEADER = re.compile(r'^"[^"\r\n]*"(?:[,;]"[^"\r\n]*")+[ \t]*$')
_TABLE_HEAD = re.compile(r"^Source\s+Description\s+HotFixID\s+InstalledBy\s+InstalledOn\s*$")


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
            first.count(",") >= 1 and "hotfixid" in first.casefold())

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        lines = text.splitlines()
        table = table_from_csv(self, lines, path, first=_header_index(lines))
        return hosts_from_table(self, table, path, kb_names=KB_NAMES, host_names=HOST_NAMES,
                                date_names=DATE_NAMES, day_first=day_first)


class HotfixTableReader(Reader):
    """What `Get-HotFix > host.txt` writes: Source, Description, HotFixID, InstalledBy, InstalledOn."""

    name = "hotfix-table"
    command = "Get-HotFix > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return bool(_TABLE_HEAD.match(head.split("\n", 1)[0].rstrip("\r")))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        lines = text.splitlines()
        table = fixed_width(lines, _header_index(lines))
        return hosts_from_table(self, table, path, kb_names=KB_NAMES, host_names=HOST_NAMES,
                                date_names=DATE_NAMES, day_first=day_first)
