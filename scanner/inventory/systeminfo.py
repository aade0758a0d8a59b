"""systeminfo's default list output in any display language, one or many hosts per file.

A field is a line that starts in column 0 with a label ending at the first colon followed by blanks;
indented lines below it belong to it (`[01]: KB2779069`, processor and network card details). A host
record starts at each host-name field. Known labels come from `languages.LANGUAGES`; for a language not
listed there the first field is the host, the first `Microsoft Windows...` value the OS name, the first
`N.N.NNNN` value the OS version and the field whose entries are KB ids the hotfix list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.inventory.interface import Reader
from scanner.inventory.languages import LABELS, Field, normalise_label
from scanner.inventory.values import build_updates, make_host
from scanner.models import HostInventory, InstalledUpdate

CAPTION = re.compile(r"^Microsoft\b.*\b(?:Windows|Hyper-V)\b", re.IGNORECASE)
VERSION = re.compile(r"^\d+\.\d+\.\d{3,5}\b")
ENTRY = re.compile(r"^\s*\[\d+\]:[ \t]*(\S*)", re.MULTILINE)
KB_ENTRY = re.compile(r"^\s*\[\d+\]:[ \t]*KB\d", re.MULTILINE | re.IGNORECASE)
_COUNT = re.compile(r"\d+")
_LABEL = re.compile(r"^([^\s:][^:\r\n]*?)[ \t]*:(?:[ \t]+|(?=\r?$))([^\r\n]*?)[ \t]*\r?$", re.MULTILINE)
_SNIFF_LABEL = re.compile(r"^[^\s:][^:\r\n]{0,80}?:[ \t]+\S", re.MULTILINE)
_SNIFF_WINDOWS = re.compile(r"^[^\s:][^:\r\n]{0,80}?:[ \t]+Microsoft\b", re.MULTILINE)


@dataclass
class SiField:
    """One `Label: value` line; `block` is the text of the indented lines below it."""

    label: str  # normalised
    value: str
    block: str


def hotfix_updates(reader: Reader, path: str, host: str, header: str, entries: Sequence[str]
                   ) -> tuple[InstalledUpdate, ...]:
    """KBs from the `[NN]: ...` entries (`File 1`, `Q147222` skipped); fewer entries than the header's
    count (`5 Hotfix(s) Installed.`) means the output was cut off."""
    declared = _COUNT.search(header)
    if declared and len(entries) < int(declared.group()):
        raise reader.fail(path, f"host {host or '?'} lists {len(entries)} of the {declared.group()} "
                          "hotfixes its header announces; the file looks truncated, run systeminfo again")
    return build_updates(entries, [None] * len(entries))


def _records(text: str) -> list[list[SiField]]:
    """Fields found with one regex over the whole text (no Python loop per line: a fleet file has
    millions of lines), grouped into host records."""
    matches = list(_LABEL.finditer(text))
    ends = [match.start() for match in matches[1:]] + [len(text)] * bool(matches)  # no label: no field
    fields = [SiField(normalise_label(match[1]), match[2], text[match.end():end])
              for match, end in zip(matches, ends, strict=True)]
    start = _start_label(fields)
    records: list[list[SiField]] = []
    for item in fields:
        if item.label == start:
            records.append([])
        if records:
            records[-1].append(item)
    return records


def _start_label(fields: Sequence[SiField]) -> str | None:
    """The label that opens a host record: a known host-name label, else the one before the OS name."""
    for item in fields:
        if LABELS.get(item.label) is Field.HOST:
            return item.label
    for index, item in enumerate(fields):
        if CAPTION.match(item.value):
            return fields[index - 1].label if index else item.label
    return fields[0].label if fields else None


class SysteminfoReader(Reader):
    name = "systeminfo"
    command = "systeminfo > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return len(_SNIFF_LABEL.findall(head)) >= 3 and bool(_SNIFF_WINDOWS.search(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        records = _records(text)
        if not records:
            raise self.fail(path, "no host record found")
        return [self._host(record, path) for record in records]

    def _host(self, record: list[SiField], path: str) -> HostInventory:
        known: dict[Field, SiField] = {}
        for item in record:
            kind = LABELS.get(item.label)
            if kind is not None and kind not in known:
                known[kind] = item
        host = known[Field.HOST].value if Field.HOST in known else record[0].value
        caption = known[Field.OS_NAME].value if Field.OS_NAME in known else next(
            (item.value for item in record if CAPTION.match(item.value)), None)
        version = known[Field.OS_VERSION].value if Field.OS_VERSION in known else next(
            (item.value for item in record if VERSION.match(item.value)), None)
        hotfixes = known.get(Field.HOTFIXES) or next(
            (item for item in record if KB_ENTRY.search(item.block)), None)
        if hotfixes is None:
            raise self.fail(path, f"host {host or '?'} has no hotfix section (Hotfix(s): ...); the file "
                            "looks truncated or is not complete systeminfo output, run systeminfo again")
        entries = ENTRY.findall(hotfixes.block)
        updates = hotfix_updates(self, path, host, hotfixes.value, entries)
        return make_host(host, path, self.name, updates, caption=caption, version=version)
