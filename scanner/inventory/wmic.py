"""wmic qfe output: `/format:csv` (Node column), the `list` table and the `list full` KEY=value blocks."""

from __future__ import annotations

import re

from scanner.inventory.interface import Reader
from scanner.inventory.tables import Table, fixed_width, hosts_from_table, table_from_csv
from scanner.models import HostInventory

KB_NAMES = ("HotFixID",)
HOST_NAMES = ("CSName", "Node")
DATE_NAMES = ("InstalledOn", "InstallDate")

_CSV_HEAD = re.compile(r"^Node,.*\bHotFixID\b", re.IGNORECASE)
_TABLE_HEAD = re.compile(r"^(?:Caption|Description)\s+.*\bHotFixID\s+.*\bInstalledOn\b", re.IGNORECASE)
_LIST_LINE = re.compile(r"^([A-Za-z]+)=(.*)$")
_LIST_HEAD = re.compile(r"^HotFixID=", re.IGNORECASE | re.MULTILINE)


def _first_line(text: str) -> tuple[list[str], int]:
    lines = text.splitlines()
    index = next((number for number, line in enumerate(lines) if line.strip()), 0)
    return lines, index


class WmicCsvReader(Reader):
    name = "wmic-csv"
    command = "wmic qfe list full /format:csv > %COMPUTERNAME%.csv"

    def sniff(self, head: str) -> bool:
        return bool(_CSV_HEAD.match(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        lines, first = _first_line(text)
        table = table_from_csv(self, lines, path, first=first)
        return hosts_from_table(self, table, path, kb_names=KB_NAMES, host_names=HOST_NAMES,
                                date_names=DATE_NAMES, day_first=day_first)


class WmicTableReader(Reader):
    name = "wmic-table"
    command = "wmic qfe list > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return bool(_TABLE_HEAD.match(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        lines, first = _first_line(text)
        table = fixed_width(lines, first)
        return hosts_from_table(self, table, path, kb_names=KB_NAMES, host_names=HOST_NAMES,
                                date_names=DATE_NAMES, day_first=day_first)


class WmicListReader(Reader):
    """`wmic qfe list full`: one `Key=value` per line, a record ends when a key comes round again."""

    name = "wmic-list"
    command = "wmic qfe list full > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return head.lstrip().startswith(("Caption=", "CSName=", "Description=")) and bool(
            _LIST_HEAD.search(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        keys: list[str] = []
        records: list[dict[str, str]] = []
        current: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            match = _LIST_LINE.match(line.strip())
            if not match:
                raise self.fail(path, f"line {number} is not Key=value: {line.strip()[:60]!r}")
            key, value = match[1], match[2].strip()
            if key in current:
                records.append(current)
                current = {}
            if key not in keys:
                keys.append(key)
            current[key] = value
        if current:
            records.append(current)
        rows = [[record.get(key, "") for key in keys] for record in records]
        return hosts_from_table(self, Table(header=tuple(keys), rows=rows), path, kb_names=KB_NAMES,
                                host_names=HOST_NAMES, date_names=DATE_NAMES, day_first=day_first)
