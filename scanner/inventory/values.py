"""Value helpers readers share: host names, KB ids, install dates, deduplicated update lists, hosts.

Host names (`normalise_host`): surrounding whitespace and a leading ``\\\\`` are removed; an IP address
(v4 or v6) is kept as written; any other name is upper-cased and an FQDN is cut to its first label, so
``hv01.contoso.local`` and ``HV01`` are the same host ``HV01``.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import PurePath, PureWindowsPath
from typing import cast

from scanner.dates import DateOrder, date_order, parse_date
from scanner.errors import InventoryReadError
from scanner.models import HostInventory, InstalledUpdate, try_kb_id
from scanner.products import product_from

logger = logging.getLogger(__name__)

_MS_DATE = re.compile(r"^/?\\?/?Date\((-?\d+)(?:[+-]\d{4})?\)\\?/?$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


_IPV4_CHARS = "0123456789."
MAX_HOST = 255  # a DNS name's limit; NetBIOS names are 15


@lru_cache(maxsize=65536)
def normalise_host(name: str) -> str:
    """`hv01.contoso.local` -> `HV01`; `10.0.0.5` and `fe80::1` stay as written; blank -> ``""``."""
    value = name.replace("\ufeff", "").strip().lstrip("\\").strip()  # a BOM left inside a joined file
    if not value:
        return ""
    if ":" not in value and value.strip(_IPV4_CHARS):  # neither IPv6 (has a colon) nor IPv4: skip the raise
        return _upper(value.split(".", 1)[0])
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return _upper(value.split(".", 1)[0])
    return value


def _upper(name: str) -> str:
    """Upper case that never makes two names one: ASCII as usual; another letter only when its capital
    is one character that lowers back to it (so `ß` -> `SS`, dotless `ı` -> `I` and `ſ` -> `S` are not
    applied, and `STRAßE` stays apart from `STRASSE`)."""
    if name.isascii():
        return name.upper()
    return "".join(upper if len(upper := char.upper()) == 1 and upper.lower() == char else char for char in name)


def host_problem(name: str) -> str | None:
    """Why a host name from a file cannot be used as one (control characters such as NUL, newline or
    ESC would break reports and terminals; the length is DNS's), or None."""
    if len(name) > MAX_HOST:
        return f"host name of {len(name):,} characters is longer than the {MAX_HOST} a DNS name may have"
    if name.isprintable():  # no character of Cc, Cf, Zl or Zp (nor other unprintable ones): the usual name
        return None
    bad = next((char for char in name if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        label = unicodedata.name(bad, "")
        return f"host name {name[:40]!r} holds the control character U+{ord(bad):04X}" + (f" ({label})" * bool(label))
    return None


def host_from_path(path: str) -> str:
    """The host a file is named after (`HV01.json`, `hv01.contoso.local.txt`), for formats without one."""
    name = PureWindowsPath(path).name if "\\" in path else PurePath(path).name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return normalise_host(stem)


# A KB id with a package suffix, as Get-HotFix and wmic list some old updates: `KB893803v2`,
# `KB2536276-v2`, `KB2510531-IE8`, `KB2378111_WM9`: the KB is the number (group 1), the suffix only
# names the package variant. Only with the `KB` prefix: a bare `943729-2` is not read as a KB.
_SUFFIXED = re.compile(r"^\s*KB\s*0*([1-9][0-9]{3,7})(?:v\d{1,3}|(?:[-_][A-Za-z0-9]{1,12}){1,3})\s*$", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def kb_or_none(value: str) -> str | None:
    """`models.try_kb_id`, cached (the same few hundred KB ids repeat across every host), that also reads
    a KB id with a package suffix (`KB2536276-v2` -> `KB2536276`). `File 1`, `Q147222` and junk: None."""
    if value[:2] == "KB" and 6 <= len(value) <= 10 and value[2] != "0" and value[2:].isdigit() and value.isascii():
        return value  # already a KB id as kb_id writes one (most are): no regex
    found = try_kb_id(value)
    if found is None and (match := _SUFFIXED.match(value)):
        return "KB" + match[1]
    return found


@lru_cache(maxsize=1 << 12)
def raw_id(value: str) -> str | None:
    """The id as written when it carries more than the KB (a suffix: `KB2536276-v2`), else None: a
    spelling (`kb2779069`, wmic's `943729`) is not kept, since it says nothing the KB id does not."""
    return value.strip() if try_kb_id(value) is None and _SUFFIXED.match(value) else None


def install_date(text: str, day_first: bool | DateOrder) -> date | None:
    """An install date as the formats write it (`dates.parse_date`), None when blank or unreadable;
    `day_first` is the file's `DateOrder` (a bool: how its `/` dates read).

    A PowerShell 5 `/Date(ms)/` InstalledOn encodes local midnight as UTC milliseconds (in Berlin
    2013-12-11 00:00 is 2013-12-10T23:00Z), so it is rounded to the nearest midnight, which recovers
    the local date for every UTC offset under 12 hours.
    """
    match = _MS_DATE.match(text.strip())
    try:
        if match:
            return (_EPOCH + timedelta(milliseconds=int(match[1]), hours=12)).date()
        return parse_date(text, order=_order(day_first))
    except (ValueError, OverflowError, OSError):
        return None


def day_first_from(values: Iterable[str], caller: bool | None) -> DateOrder:
    """How the file's day/month dates read (`dates.date_order`): evidence in the file wins, separately
    for `/` and `-` dates; then the caller decides `/` dates (US month-first without one) and `-`
    dates are day-first. A first part over 12 (`25/12/2013`) proves day-first, a second part over 12
    month-first; a file that proves both leaves its ambiguous dates blank. Pass distinct values (a
    set): dates repeat on every host.
    """
    return date_order(values, bool(caller))


def _order(day_first: bool | DateOrder) -> DateOrder:
    return day_first if isinstance(day_first, DateOrder) else DateOrder(slash=day_first)


@lru_cache(maxsize=16)
def _dates_in(order: DateOrder) -> Callable[[str | None], date | None]:
    """A one-argument cached date reader per order, so build_updates stays a C-level map."""

    @lru_cache(maxsize=1 << 16)
    def read(text: str | None) -> date | None:
        return install_date(text, order) if text else None

    return read


# Frozen values, so one object serves every host with the same (KB, date).
_update = lru_cache(maxsize=1 << 18)(InstalledUpdate)


def build_updates(kb_texts: Iterable[str], date_texts: Iterable[str | None],
                  day_first: bool | DateOrder = False) -> tuple[InstalledUpdate, ...]:
    """KB texts and their date texts -> one update per KB, sorted by KB number; when a KB comes twice
    the earliest known date wins. Texts that are not KB ids (`File 1`, `Q147222`) are skipped; a KB id
    with a package suffix (`KB2536276-v2`) is the KB, its text kept as the update's `raw`.

    This is the hot path of every reader (10,000 hosts x 250 KBs): it runs as map/zip/dict over
    one-argument caches, with no Python-level loop per row unless a KB repeats or carries a suffix.
    """
    texts = kb_texts if isinstance(kb_texts, list) else list(kb_texts)
    kbs = list(map(kb_or_none, texts))
    days = list(map(_dates_in(_order(day_first)), date_texts))
    if kbs != texts:  # some id not written as a KB id: a suffix, wmic's `943729`, `File 1`
        raws = list(map(raw_id, texts))
        if any(raws):
            return _with_raw(kbs, days, raws)
    found: dict[str | None, date | None] = dict(zip(kbs, days, strict=True))
    skipped = kbs.count(None)
    found.pop(None, None)
    best = cast(dict[str, date | None], found)
    if len(best) + skipped != len(kbs):
        best = {}
        for kb, day in zip(kbs, days, strict=True):
            if kb is None:
                continue
            kept = best.get(kb, day)
            best[kb] = day if kept is None or (day is not None and day < kept) else kept
    order = sorted(sorted(best), key=len)  # KB ids have no leading zeros: length, then text = number order
    return tuple(map(_update, order, map(best.__getitem__, order)))


def _with_raw(kbs: list[str | None], days: list[date | None], raws: list[str | None]
              ) -> tuple[InstalledUpdate, ...]:
    """build_updates' slow path for lists holding suffixed ids: the earliest date wins as there, and
    the kept entry's raw text goes with it."""
    best: dict[str, tuple[date | None, str | None]] = {}
    for kb, day, raw in zip(kbs, days, raws, strict=True):
        if kb is None:
            continue
        kept = best.get(kb)
        if kept is None or (day is not None and (kept[0] is None or day < kept[0])):
            best[kb] = (day, raw if raw is not None or kept is None else kept[1])
    order = sorted(sorted(best), key=len)
    return tuple(_update(kb, *best[kb]) for kb in order)


def clean(value: object) -> str | None:
    """A stripped string, or None for blank/missing/non-string values."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


CUT_MARKS = ("...", "\u2026")  # how a console table ends a value too long for its column


def is_cut(value: str) -> bool:
    """A value a console table cut short (`DESKTOP-SJ...`, `DESKTOP-SJ…`): never used as a name."""
    return value.rstrip().endswith(CUT_MARKS)


def make_host(
    host: str,
    path: str,
    fmt: str,
    updates: tuple[InstalledUpdate, ...],
    *,
    caption: str | None = None,
    version: str | None = None,
    roles: tuple[str, ...] | None = None,
    cluster: str | None = None,
    collected_at: datetime | None = None,
    announced: int | None = None,
    listed: int | None = None,
    warnings: tuple[str, ...] = (),
) -> HostInventory:
    """A HostInventory with the host name normalised and the product derived from caption + version.

    A host name a console table cut short (`is_cut`) is never used: the host is named after the file,
    with a warning saying so.
    """
    caption, version = clean(caption), clean(version)
    if is_cut(host):
        warnings = (*warnings, f"the host name {host.strip()!r} is cut off (a console table shortens long "
                    "values), so the host is named after the file; export with Export-Csv or widen the "
                    "console (Format-Table -AutoSize)")
        host = ""
    name = normalise_host(host) or host_from_path(path) or path
    for value in (name, clean(cluster) or ""):
        if problem := host_problem(value):
            raise InventoryReadError(f"{path}: {problem}; fix the file or the collector that wrote it")
    return HostInventory(
        host=name, path=path, format=fmt, updates=updates,
        os=product_from(caption, version), os_caption=caption, os_version=version,
        roles=roles, cluster=clean(cluster), collected_at=collected_at,
        announced=announced, listed=listed, warnings=warnings,
    )
