"""systeminfo's hotfix lists: the count the header announces, the entries listed, a cut-off last entry.

systeminfo on XP, 2003, Vista, 7 and 2008 R2 stops listing hotfixes after a fixed buffer: the header
says `273 Hotfix(s) Installed.` and the list ends near `[245]`, its last id maybe cut mid-number
(`KB2862`). People also cut lists by hand when they paste them. kbscan reads such a host, records
`announced` (the header's count) and `listed` (the entries it read whole); with fewer listed than
announced the host is incomplete and the verdict side says `unknown` unless nothing applicable is
missing.

The rule for the last entry, chosen to fail closed (a cut id taken as a KB could be another, real KB
and make a host look covered; a whole id dropped only costs a finding that the merge with a wmic /
Get-HotFix file or a rescan restores): the last entry is read as a KB only when the file shows its id
whole, else it is dropped and not counted as listed. Its id is whole

1. when more text follows the id on its line (XP and 2003 print `[213]: KB977165-v2 - Update`; a
   buffer that stops in `Updat` has still shown the whole id), or
2. when a line end follows it (the file does not end inside it) and the list is complete, or
3. when a line end follows it, the list is shorter than announced, and it is a KB id of at least
   `WHOLE_DIGITS` (7) digits and no shorter than any other KB id of the list (`KB2862` after
   `KB2862330`, and a 6-digit `KB976902` too: it may be the start of a 7-digit one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scanner.inventory.values import build_updates, kb_or_none
from scanner.models import InstalledUpdate

_COUNT = re.compile(r"\d+")
WHOLE_DIGITS = 7  # KB ids have at most 7 digits today (KB5xxxxxx): a shorter last entry may be cut


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


def _cut_last(entries: Sequence[str], announced: int | None, ends_inside: bool, last_text: str | None
              ) -> str | None:
    """The last entry when the rule above drops it, else None."""
    if not entries:
        return None
    last = entries[-1]
    if last_text is not None and len(last_text.strip()) > len(last):  # text after the id: the id is whole
        return None
    if ends_inside:
        return last
    if announced is None or len(entries) >= announced:
        return None
    longest = max(map(_digits, entries[:-1]), default=0)
    return last if _digits(last) < max(longest, WHOLE_DIGITS) else None


def hotfix_list(header: str, entries: Sequence[str], *, ends_inside: bool = False,
                last_text: str | None = None) -> HotfixList:
    """The hotfix list of one host from its header value and `[NN]:` entry ids; `ends_inside`: the file
    ends within the last entry (no line end after it); `last_text`: the last entry's whole text after
    `[NN]:` (`KB977165-v2 - Updat`)."""
    announced = announced_count(header)
    cut = _cut_last(entries, announced, ends_inside, last_text)
    kept = entries[:-1] if cut is not None else entries
    warnings: tuple[str, ...] = ()
    if cut is not None:
        warnings = (f"the last hotfix entry {cut[:40]!r} looks cut off, so it was not read as a KB",)
    updates = build_updates(list(kept), [None] * len(kept))
    if kept and not updates:  # `File 1` entries only: say so rather than show a host with nothing installed
        warnings = (*warnings, f"its {len(kept)} hotfix entries hold no KB id (such as {kept[0][:40]!r})")
    return HotfixList(updates, announced, len(kept), warnings)

