"""Get-HotFix | Format-List (`fl`, `fl *`) redirected to a file: `Name : value` records."""

from __future__ import annotations

import re

from scanner.inventory.hotfix_csv import DATE_NAMES, HOST_NAMES, KB_NAMES
from scanner.inventory.interface import Reader
from scanner.inventory.tables import hosts_from_table, records_table, text_lines
from scanner.models import HostInventory

# PowerShell pads every name of a record to one width, so at least one blank comes before the colon.
_FIRST = re.compile(r"^[A-Za-z_][\w.-]* +:(?: |\r?$)")
_HOTFIX = re.compile(r"^HotFixID +: ", re.IGNORECASE | re.MULTILINE)
_SEPARATOR = " : "


class HotfixListReader(Reader):
    """One record per hotfix, records apart by blank lines. A value too long for the console width goes
    on in the following lines, indented to the value column; a name with an empty value may lose its
    trailing blank (`FixComments   :`). Names other than the hotfix, host and date ones are ignored."""

    name = "hotfix-list"
    command = "Get-HotFix | Format-List > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return bool(_FIRST.match(head)) and bool(_HOTFIX.search(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        pairs: list[tuple[str, str]] = []
        for number, line in enumerate(text_lines(text), 1):
            if not line.strip():
                continue
            if line[0] in " \t":  # the rest of a wrapped value
                if not pairs:
                    raise self.fail(path, f"line {number} goes on a value, but no `Name : value` line "
                                    "came before it")
                key, value = pairs[-1]
                pairs[-1] = (key, value + line.strip())
                continue
            key, separator, value = line.partition(_SEPARATOR)
            if not separator:
                key, value = line.rstrip(), ""
                if not key.endswith(" :"):
                    raise self.fail(path, f"line {number} is not `Name : value`: {line.strip()[:60]!r}")
                key = key[:-2]
            pairs.append((key.strip(), value.strip()))
        return hosts_from_table(self, records_table(pairs), path, kb_names=KB_NAMES,
                                host_names=(*HOST_NAMES, "__SERVER"), date_names=DATE_NAMES,
                                day_first=day_first)
