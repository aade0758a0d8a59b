"""The reader registry and format detection from content (never from the file name).

Order matters: JSON formats first (kbscan's own, then osquery, then Get-HotFix), then the
line-oriented formats whose first line is distinctive, and the broad systeminfo list format last.
A new format is one module and one line in READERS.
"""

from __future__ import annotations

import json
import logging
import re

from scanner.inventory.hotfix_csv import HotfixCsvReader, HotfixTableReader
from scanner.inventory.hotfix_json import HotfixJsonReader
from scanner.inventory.hotfix_list import HotfixListReader
from scanner.inventory.interface import HEAD_CHARS, Reader, fail
from scanner.inventory.kb_list import KbListReader
from scanner.inventory.kbscan_json import KbscanJsonReader
from scanner.inventory.osquery import OsqueryReader
from scanner.inventory.systeminfo import SysteminfoReader
from scanner.inventory.systeminfo_csv import SysteminfoCsvReader
from scanner.inventory.wmic import WmicCsvReader, WmicListReader, WmicTableReader

logger = logging.getLogger(__name__)
_CONTENT = re.compile(r"[^ \t\r\n\ufeff]")

READERS: tuple[Reader, ...] = (
    KbscanJsonReader(),
    OsqueryReader(),
    HotfixJsonReader(),
    WmicCsvReader(),
    WmicListReader(),
    WmicTableReader(),
    HotfixTableReader(),
    HotfixListReader(),
    KbListReader(),
    SysteminfoCsvReader(),
    HotfixCsvReader(),  # after systeminfo-csv: it also takes any quoted CSV, to explain what is missing
    SysteminfoReader(),
)
FORMATS: tuple[str, ...] = tuple(reader.name for reader in READERS)


def head_of(text: str) -> str:
    """The text readers sniff: the first HEAD_CHARS characters without leading blanks."""
    match = _CONTENT.search(text)
    start = match.start() if match else len(text)
    return text[start : start + HEAD_CHARS]


def detect(text: str, path: str) -> Reader:
    """The first reader whose sniff accepts the head of `text`, or InventoryReadError listing the tried."""
    head = head_of(text)
    for reader in READERS:
        if reader.sniff(head):
            logger.debug("%s: detected %s", path, reader.name)
            return reader
    if head[:1] in ("{", "["):
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            raise fail(path, f"the JSON is cut off or damaged at line {error.lineno} column {error.colno} "
                       f"({error.msg}); copy or collect the file again") from error
    first_line = head.split("\n", 1)[0].strip()[:60]
    raise fail(
        path,
        f"not an inventory format kbscan knows (it starts with {first_line!r}; tried: "
        f"{', '.join(FORMATS)}); produce it with one of the commands in docs/inventory-formats.md",
    )
