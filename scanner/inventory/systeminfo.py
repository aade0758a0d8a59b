"""systeminfo's default list output in any display language, one or many hosts per file.

A field is a line that starts in column 0 with a label ending at the first colon followed by blanks;
indented lines below it belong to it (`[01]: KB2779069`, processor and network card details). A host
record starts at each host-name field, whatever its language (`_starts`), so files joined from hosts in
different display languages come apart. Known labels come from `languages.LANGUAGES`; for a language
not listed there the first field is the host (when its value is one word that is no caption or version;
else, as without a `Host Name` line, the file name, with a warning), the first `Microsoft Windows...`
value (else the first value naming a Windows product) the OS name, the first `N.N.NNNN` value the OS
version and the field whose entries are KB ids the hotfix list. The hotfix list's count and its last
entry follow hotfix_count.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.inventory.hotfix_count import HotfixList, hotfix_list
from scanner.inventory.interface import Reader
from scanner.inventory.languages import LABELS, Field, normalise_label
from scanner.inventory.values import make_host
from scanner.models import HostInventory

# An OS caption, shared with systeminfo_csv: `Microsoft Windows Server 2012 R2`, `Microsoft Hyper-V
# Server 2012`, `Microsoft Azure Stack HCI`, and WS2008's `Microsoft® Windows Server® 2008` as cmd
# prints it in a code page without ® (`Microsoftr Windows Serverr 2008`), as `Microsoft(R)` (2003) or
# as an ASCII conversion leaves it (`Microsoft? Windows Server? 2008`, `Out-File -Encoding ascii`).
# Russian Windows writes the company in Cyrillic (`Майкрософт Windows Server 2012 R2 Standard`).
CAPTION = re.compile(r"^(?:Microsoft|Майкрософт)(?:®|\(R\)|r|\?)?\s.*?\b(?:Windows|Hyper-V|Azure)\b",
                     re.IGNORECASE)
# A value that names a Windows product without the company (`Windows Server 2012 R2 Standard`): the
# caption of last resort when no label is known and no value starts with the company.
NAMES_WINDOWS = re.compile(r"\bWindows(?:®|\(R\)|r|\?)?\s+(?:\S+\s+)*?(?:Server|Vista|XP|7|8(?:\.1)?|10|11|"
                           r"Embedded)\b", re.IGNORECASE)
VERSION = re.compile(r"^\d+\.\d+\.\d{3,5}\b")
# An entry's text: one word, or `File 1` (the placeholder WMI lists for some updates).
ENTRY = re.compile(r"^[ \t]*\[\d+\]:[ \t]*(\S*(?: \d+)?)", re.MULTILINE)
# A hotfix entry: a KB id, or the `File 1` placeholder WMI lists for some old updates (a fresh host may list
# nothing else); processor (`Intel64 Family 6...`) and network card entries never match.
KB_ENTRY = re.compile(r"^\s*\[\d+\]:[ \t]*(?:KB\d|File \d)", re.MULTILINE | re.IGNORECASE)
_HOST_LIKE = re.compile(r"^[^\s:;,/\\<>|\"]+$")  # one word: a host name, never a caption or a sentence
_LABEL = re.compile(r"^([^\s:][^:\r\n]*?)[ \t]*:(?:[ \t]+|(?=\r?$))([^\r\n]*?)[ \t]*\r?$", re.MULTILINE)
_SNIFF_LABEL = re.compile(r"^[^\s:][^:\r\n]{0,80}?:[ \t]+\S", re.MULTILINE)
_SNIFF_WINDOWS = re.compile(r"^[^\s:][^:\r\n]{0,80}?:[ \t]+(?:Microsoft|Майкрософт)\b", re.MULTILINE)


@dataclass
class SiField:
    """One `Label: value` line; `block` is the text of the indented lines below it."""

    label: str  # normalised
    value: str
    block: str


NO_HOST = ("the output has no host-name line (Host Name:), so the host is named after the file; "
           "save each host's complete systeminfo output as HOSTNAME.txt")


def host_of(value: str | None, label_kind: Field | None) -> str | None:
    """The host name from a host field, or None when that field cannot be one: the first field of a
    record in an unknown language is taken only when its value is one word that is no caption or
    version (a file whose `Host Name` line was cut away starts with the OS name)."""
    if value is None:
        return None
    if label_kind is Field.HOST:
        return value
    if label_kind is None and _HOST_LIKE.match(value) and not CAPTION.match(value) and not VERSION.match(value):
        return value
    return None


def caption_of(values: Sequence[str]) -> str | None:
    """The OS caption among values no known label names: the first `Microsoft ... Windows` value, else
    the first value that names a Windows product (`Windows Server 2012 R2 Standard`)."""
    return next((value for value in values if CAPTION.match(value)), None) or next(
        (value for value in values if NAMES_WINDOWS.search(value)), None)


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
        ends_inside = not text.endswith(("\n", "\r"))
        hosts = [self._host(record, path, ends_inside and index == len(records) - 1)
                 for index, record in enumerate(records)]
        if len(hosts) > 1 and any(NO_HOST in host.warnings for host in hosts):
            raise self.fail(path, "the file joins several hosts and one of them has no host-name line "
                            "(Host Name:); save each host's systeminfo to its own file")
        return hosts

    def _host(self, record: list[SiField], path: str, last_in_file: bool) -> HostInventory:
        known: dict[Field, SiField] = {}
        for item in record:
            kind = LABELS.get(item.label)
            if kind is not None and kind not in known:
                known[kind] = item
        first = known.get(Field.HOST) or record[0]
        found = host_of(first.value, LABELS.get(first.label))
        warnings = () if found is not None else (NO_HOST,)
        host = found or ""
        caption = known[Field.OS_NAME].value if Field.OS_NAME in known else caption_of(
            [item.value for item in record if item.label not in LABELS])
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
        found_list = self._list(hotfixes, last_in_file and hotfixes is record[-1])
        return make_host(host, path, self.name, found_list.updates, caption=caption, version=version,
                         announced=found_list.announced, listed=found_list.listed,
                         warnings=(*warnings, *found_list.warnings))

    @staticmethod
    def _list(hotfixes: SiField, at_end: bool) -> HotfixList:
        """The hotfix list; `at_end`: this field closes a file that does not end with a line end, so the
        file ends inside its last entry (when it has one)."""
        block = hotfixes.block
        entries = ENTRY.findall(block)
        ends_inside = at_end and bool(entries) and not block.rstrip(" \t").endswith(("\n", "\r"))
        last_text = block[block.rfind("]:") + 2:].split("\n", 1)[0] if entries else None
        return hotfix_list(hotfixes.value, entries, ends_inside=ends_inside, last_text=last_text)
