"""systeminfo's default list output in any display language, one or many hosts per file.

A field is a line that starts in column 0 with a label ending at the first colon followed by blanks;
indented lines below it belong to it (`[01]: KB2779069`, processor and network card details). A host
record starts at each host-name field, whatever its language (`_starts`), so files joined from hosts in
different display languages come apart. Known labels come from `languages.LANGUAGES`; for a language
not listed there the first field is the host, the first `Microsoft Windows...` value the OS name, the
first `N.N.NNNN` value the OS version and the field whose entries are KB ids the hotfix list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.inventory.interface import Reader
from scanner.inventory.languages import LABELS, Field, normalise_label
from scanner.inventory.values import build_updates, make_host
from scanner.models import HostInventory, InstalledUpdate

# An OS caption, shared with systeminfo_csv: `Microsoft Windows Server 2012 R2`, `Microsoft Hyper-V
# Server 2012`, `Microsoft Azure Stack HCI`, and WS2008's `Microsoft® Windows Server® 2008` as cmd
# prints it in a code page without ® (`Microsoftr Windows Serverr 2008`), as `Microsoft(R)` (2003) or
# as an ASCII conversion leaves it (`Microsoft? Windows Server? 2008`, `Out-File -Encoding ascii`).
CAPTION = re.compile(r"^Microsoft(?:®|\(R\)|r|\?)?\s.*?\b(?:Windows|Hyper-V|Azure)\b", re.IGNORECASE)
VERSION = re.compile(r"^\d+\.\d+\.\d{3,5}\b")
ENTRY = re.compile(r"^\s*\[\d+\]:[ \t]*(\S*)", re.MULTILINE)
# A hotfix entry: a KB id, or the `File 1` placeholder WMI lists for some old updates (a fresh host may list
# nothing else); processor (`Intel64 Family 6...`) and network card entries never match.
KB_ENTRY = re.compile(r"^\s*\[\d+\]:[ \t]*(?:KB\d|File \d)", re.MULTILINE | re.IGNORECASE)
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


def _records(text: str) -> tuple[list[SiField], list[list[SiField]]]:
    """Fields found with one regex over the whole text (no Python loop per line: a fleet file has
    millions of lines), split into host records: (the fields before the first record, the records)."""
    matches = list(_LABEL.finditer(text))
    ends = [match.start() for match in matches[1:]] + [len(text)] * bool(matches)  # no label: no field
    fields = [SiField(normalise_label(match[1]), match[2], text[match.end():end])
              for match, end in zip(matches, ends, strict=True)]
    starts = _starts(fields)
    ends = [*starts[1:], len(fields)] * bool(starts)
    records = [fields[start:end] for start, end in zip(starts, ends, strict=True)]
    return fields[:starts[0]] if starts else fields, records


def _starts(fields: Sequence[SiField]) -> list[int]:
    """Where host records begin. systeminfo prints host name, OS name and OS version first in every
    language, so a record opens at a known host-name label (any language in LABELS) and at the field
    before an OS name (a `Microsoft Windows...` value followed by an `N.N.NNNN` one): hosts of a file
    joined from several display languages come apart. With neither, at each field labelled like the
    first one."""
    last = len(fields) - 1
    starts = [index for index, item in enumerate(fields)
              if LABELS.get(item.label) is Field.HOST
              or (index < last - 1 and _is_os_name(fields[index + 1], fields[index + 2]))]
    if not starts and fields:
        starts = [index for index, item in enumerate(fields) if item.label == fields[0].label]
    return starts


def _is_os_name(item: SiField, following: SiField) -> bool:
    return bool(CAPTION.match(item.value)) and bool(VERSION.match(following.value))


def _lists_kbs(item: SiField) -> bool:
    return "]:" in item.block and bool(KB_ENTRY.search(item.block))


class SysteminfoReader(Reader):
    name = "systeminfo"
    command = "systeminfo > %COMPUTERNAME%.txt"

    def sniff(self, head: str) -> bool:
        return len(_SNIFF_LABEL.findall(head)) >= 3 and bool(_SNIFF_WINDOWS.search(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        leading, records = _records(text)
        if not records:
            raise self.fail(path, "no host record found")
        if any(map(_lists_kbs, leading)):  # an error line (`ERROR: The RPC server...`) is fine, a host is not
            raise self.fail(path, "the file starts inside a host's output (a hotfix list before the first "
                            "host name); copy the complete file or run systeminfo again")
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
        lists = [item for item in record if _lists_kbs(item)]
        if len(lists) > 1:  # hosts kbscan could not tell apart: say so rather than drop one
            raise self.fail(path, f"the output of host {host or '?'} holds {len(lists)} hotfix lists: the "
                            "file joins hosts whose start kbscan cannot find; save each host's systeminfo "
                            "to its own file")
        hotfixes = known.get(Field.HOTFIXES) or (lists[0] if lists else None)
        if hotfixes is None:
            raise self.fail(path, f"host {host or '?'} has no hotfix section (Hotfix(s): ...); the file "
                            "looks truncated or is not complete systeminfo output, run systeminfo again")
        entries = ENTRY.findall(hotfixes.block)
        updates = hotfix_updates(self, path, host, hotfixes.value, entries)
        return make_host(host, path, self.name, updates, caption=caption, version=version)
