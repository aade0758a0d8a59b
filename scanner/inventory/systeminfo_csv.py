"""`systeminfo /fo csv` output: a localized header row (maybe repeated) and one row per host; also through
`ConvertFrom-Csv | Export-Csv` (a #TYPE line)."""

from __future__ import annotations

import re

from scanner.inventory.hotfix_count import hotfix_list
from scanner.inventory.interface import Reader
from scanner.inventory.languages import LABELS, Field, normalise_label
from scanner.inventory.systeminfo import NO_HOST, VERSION, caption_of, host_of
from scanner.inventory.tables import csv_lines, delimiter_of, read_csv
from scanner.inventory.values import make_host
from scanner.models import HostInventory

_SNIFF_ENTRY = re.compile(r',\[\d{2,}\]: ')
_ENTRY = re.compile(r"^\s*\[\d+\]:[ \t]*(\S*(?: \d+)?)")
_KB_ENTRY = re.compile(r",\s*\[\d+\]:[ \t]*KB\d", re.IGNORECASE)


def _is_header(row: list[str]) -> bool:
    return not any(VERSION.match(cell) or "]:" in cell for cell in row)


def _columns(header: list[str]) -> dict[Field, int]:
    columns: dict[Field, int] = {}
    for index, label in enumerate(header):
        kind = LABELS.get(normalise_label(label))
        if kind is not None:
            columns.setdefault(kind, index)
    return columns


class SysteminfoCsvReader(Reader):
    name = "systeminfo-csv"
    command = "systeminfo /fo csv > %COMPUTERNAME%.csv"

    def sniff(self, head: str) -> bool:
        first, _, rest = head.partition("\n")
        if first.startswith("#TYPE"):  # systeminfo /fo csv | ConvertFrom-Csv | Export-Csv
            first = rest.partition("\n")[0]
        delimiter = delimiter_of(first)
        if first.count(delimiter) < 10:
            return False
        cell = first.split(delimiter, 1)[0].strip().strip('"')
        quoted = first.startswith('"') and first.count(f'"{delimiter}"') >= 10
        return LABELS.get(normalise_label(cell)) is Field.HOST or (quoted and bool(_SNIFF_ENTRY.search(head)))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        # A header row may come again (files joined with `>>` or `copy /b`), in another language too.
        rows = read_csv(self, csv_lines(text), path, is_header=_is_header)
        columns: dict[Field, int] = {}
        hosts = []
        for row in rows:
            if _is_header(row):
                columns = _columns(row)
            else:
                hosts.append(self._host(row, columns, path))
        if not hosts:
            raise self.fail(path, "the CSV has a header but no host rows; the file looks truncated")
        if len(hosts) > 1 and any(NO_HOST in host.warnings for host in hosts):
            raise self.fail(path, "the file joins several hosts and one of them has no host-name column; "
                            "export each host's systeminfo /fo csv to its own file")
        return hosts

    def _host(self, row: list[str], columns: dict[Field, int], path: str) -> HostInventory:
        def known(kind: Field) -> str | None:
            return row[columns[kind]] if kind in columns else None

        named = known(Field.HOST)
        host = host_of(named, Field.HOST) if named is not None else host_of(row[0], None)
        caption = known(Field.OS_NAME) or caption_of(
            [cell for index, cell in enumerate(row) if index not in columns.values()])
        version = known(Field.OS_VERSION) or next((cell for cell in row if VERSION.match(cell)), None)
        cell = known(Field.HOTFIXES)
        if cell is None:
            cell = next((value for value in row if _KB_ENTRY.search(value)), None)
        if cell is None:
            raise self.fail(path, f"host {host or '?'} has no hotfix column; export the "
                            "complete systeminfo /fo csv output")
        parts = cell.split(",")
        entries = [match[1] for part in parts[1:] if (match := _ENTRY.match(part))]
        last_text = parts[-1].split("]:", 1)[-1] if entries else None
        found = hotfix_list(parts[0], entries, last_text=last_text)
        warnings = (*(() if host else (NO_HOST,)), *found.warnings)
        return make_host(host or "", path, self.name, found.updates, caption=caption, version=version,
                         announced=found.announced, listed=found.listed, warnings=warnings)
