"""systeminfo's hotfix lists: the count the header announces, the entries listed, a cut-off last entry.

systeminfo on XP, 2003, Vista, 7 and 2008 R2 stops listing hotfixes after a fixed buffer: the header
says `273 Hotfix(s) Installed.` and the list ends near `[245]`, its last id maybe cut mid-number
(`KB2862`). People also cut lists by hand when they paste them. kbscan reads such a host, records
`announced` (the header's count) and `listed` (the entries it read whole); with fewer listed than
announced the host is incomplete and the verdict side says `unknown` unless nothing applicable is
missing.

The rule for the last entry, chosen to fail closed (a cut id taken as a KB could be another, real KB
and make a host look covered; a whole id dropped only costs a finding that the merge with a wmic /
Get-HotFix file or a rescan restores): the last entry is dropped, and not counted as listed,

1. when the file ends inside it (no line end after it, nothing after the list), or
2. when the list is shorter than announced and the last entry is no KB id with as many digits as the
   longest KB id of the other entries (`KB2862` after `KB2862330`, `KB97690` after `KB976902`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.inventory.values import build_updates, kb_or_none
from scanner.models import InstalledUpdate

_COUNT = re.compile(r"\d+")


@dataclass(frozen=True)
class HotfixList:
    """What one host's hotfix field says: the updates, the header's count and the entries read whole."""

    updates: tuple[InstalledUpdate, ...]
    announced: int | None
    listed: int
    warnings: tuple[str, ...] = ()


def announced_count(header: str) -> int | None:
    """The count in `273 Hotfix(s) Installed.` / `Число установленных исправлений - 4.` / `安装了 6 个修补程序。`;
    None for `N/A` or a header without a number."""
    match = _COUNT.search(header)
    return int(match.group()) if match else None


def _digits(entry: str) -> int:
    kb = kb_or_none(entry)
    return len(kb) - 2 if kb is not None else 0


def _cut_last(entries: Sequence[str], announced: int | None, ends_inside: bool) -> str | None:
    """The last entry when the rule above drops it, else None."""
    if not entries:
        return None
    last = entries[-1]
    if ends_inside:
        return last
    if announced is None or len(entries) >= announced:
        return None
    longest = max(map(_digits, entries[:-1]), default=0)
    return last if _digits(last) == 0 or _digits(last) < longest else None


def hotfix_list(header: str, entries: Sequence[str], *, ends_inside: bool = False) -> HotfixList:
    """The hotfix list of one host from its header value and `[NN]:` entry texts; `ends_inside`: the
    file ends within the last entry (no line end after it)."""
    announced = announced_count(header)
    cut = _cut_last(entries, announced, ends_inside)
    kept = entries[:-1] if cut is not None else entries
    warnings: tuple[str, ...] = ()
    if cut is not None:
        warnings = (f"the last hotfix entry {cut[:40]!r} looks cut off, so it was not read as a KB",)
    updates = build_updates(list(kept), [None] * len(kept))
    if kept and not updates:  # `File 1` entries only: say so rather than show a host with nothing installed
        warnings = (*warnings, f"its {len(kept)} hotfix entries hold no KB id (such as {kept[0][:40]!r})")
    return HotfixList(updates, announced, len(kept), warnings)

