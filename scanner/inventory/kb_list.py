"""A bare list of KB ids, one a line: `(Get-HotFix).HotFixID > HOST.txt`; the host is the file name."""

from __future__ import annotations

import re

from scanner.inventory.interface import Reader
from scanner.inventory.tables import text_lines
from scanner.inventory.values import build_updates, kb_or_none, make_host
from scanner.models import HostInventory

_FIRST = re.compile(r"^KB\d{3,8}(?:v\d+|[-_][A-Za-z0-9]+)*[ \t]*(?:\r?\n|\r|$)", re.IGNORECASE)
# Get-HotFix's HotFixID of an update without a KB (`File 1`) and pre-KB Q numbers: listed, not KBs.
_NOT_KB = re.compile(r"^(?:File \d+|Q\d+)$", re.IGNORECASE)


class KbListReader(Reader):
    """Only KB ids (and `File 1` / `Q147222` entries, skipped); any other line is an error, since a
    list that mixes in other text is not this format. The list has no dates and no host name."""

    name = "kb-list"
    command = "(Get-HotFix).HotFixID > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return bool(_FIRST.match(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        ids = [line.strip() for line in text_lines(text)]
        bad = next((number for number, item in enumerate(ids, 1)
                    if item and kb_or_none(item) is None and not _NOT_KB.match(item)), None)
        if bad is not None:
            raise self.fail(path, f"line {bad} is {ids[bad - 1][:60]!r}, not a KB id; a bare list holds "
                            "one KB id a line (for more, export Get-HotFix | Export-Csv)")
        kbs = [item for item in ids if item]
        updates = build_updates(kbs, [None] * len(kbs))
        if not updates:
            raise self.fail(path, f"the list holds no KB id ({len(kbs)} entries such as {kbs[0][:40]!r})"
                            if kbs else "the list holds no KB id")
        return [make_host("", path, self.name, updates)]
