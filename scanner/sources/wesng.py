"""WES-NG's definitions.zip (MSRC-derived CSVs) -> one catalogue entry per KB, with what was skipped.

The zip holds `CVEs_<date>.csv` and `Custom_<date>.csv` with the columns DatePosted, CVE, BulletinKB,
Title, AffectedProduct, AffectedComponent, Severity, Impact, Supersedes, Exploits: one row per (CVE, KB,
product). The rows of one KB become one entry: products are the union of the Windows products kbscan
scans (an "Internet Explorer 11 on Windows Server 2012 R2" row counts for ws2012r2, as WES-NG counts it),
`released` the DatePosted most of its rows give (see `_released`), `supersedes` the union of the
Supersedes cells split on ';'. Rows with no KB (empty, "Information", a package name), of products kbscan
does not scan, and supersedes ids that are no KB are counted and skipped (docs/sources.md).

The Title column is the vulnerability's title ("Windows Kernel Elevation of Privilege Vulnerability"),
not the update's, so the kind comes from what the rows show (see `_kind`), and only where they show it
clearly: a monthly package is deferrable, and calling a security-only update one would defer it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from scanner.errors import SourceError
from scanner.models import PRODUCTS, CatalogueEntry, Kind, SecurityFacts, kb_sort_key, try_kb_id
from scanner.sources.interface import SourceHints
from scanner.sources.text import kind_from_title
from scanner.sources.wesng_products import Product, display_name, product

FAMILY = "wesng"
COLUMNS = ("DatePosted", "CVE", "BulletinKB", "Title", "AffectedProduct", "AffectedComponent", "Severity",
           "Impact", "Supersedes", "Exploits")
MAX_UNPACKED = 1 << 30  # bytes of CSV read from one zip (the 2026 file unpacks to 136 MB): a zip bomb stops here

# A monthly package shows as a KB that supersedes an earlier one and fixes vulnerabilities in at least this
# many components of Windows; standalone security updates of the same years name one to three.
PACKAGE_COMPONENTS = 4
# Products serviced only by cumulative updates (Windows 10, 11, Server 2016 and later): their monthly package
# is a cumulative update; older Windows' is the monthly (quality) rollup.
_CUMULATIVE_ERA = re.compile(r"^(?:win10|win11|ws2016|ws2019|ws2022|ws2025)")

_SEVERITY = {"critical": "Critical", "important": "Important", "moderate": "Moderate", "low": "Low"}
_LABELS = {Kind.CUMULATIVE_UPDATE: "Cumulative Update", Kind.UPDATE_ROLLUP: "Monthly Rollup",
           Kind.SECURITY_UPDATE: "Security Update", Kind.SERVICE_PACK: "Service Pack", Kind.UPDATE: "Update",
           Kind.HOTFIX: "Hotfix"}


@dataclass(frozen=True)
class Skipped:
    """Rows and ids left out, by reason, for the refresh/import output."""

    rows: int = 0
    no_kb: int = 0
    not_scanned: int = 0
    not_configured: int = 0
    channel: int = 0
    junk_supersedes: int = 0
    no_date: int = 0

    def summary(self, entries: int) -> str:
        parts = [f"{self.rows:,} rows -> {entries:,} entries",
                 f"skipped: {self.no_kb:,} rows without a KB id",
                 f"{self.not_scanned:,} of products kbscan does not scan",
                 f"{self.channel:,} of semi-annual Windows Server releases",
                 f"{self.junk_supersedes:,} supersedes ids that are no KB"]
        if self.not_configured:
            parts.append(f"{self.not_configured:,} of products outside the source's products")
        if self.no_date:
            parts.append(f"{self.no_date:,} rows without a date")
        return ", ".join(parts)


@dataclass(frozen=True)
class Definitions:
    entries: tuple[CatalogueEntry, ...]
    skipped: Skipped
    version: str = ""  # from Version_<n>.txt: the wes.py version the definitions need


def looks_like_definitions(body: bytes) -> bool:
    """A zip archive (WES-NG's definitions.zip is one; no page or list is)."""
    return body[:4] == b"PK\x03\x04"


@dataclass
class _Kb:
    """The rows of one KB, gathered."""

    released: date | None = None  # set once every row is read (_released)

    dates: dict[date, int] = field(default_factory=dict)  # DatePosted -> rows
    products: dict[str, None] = field(default_factory=dict)
    archs: set[str] = field(default_factory=set)
    on: set[str] = field(default_factory=set)  # components of Windows named as "X on Windows ..."
    components: set[str] = field(default_factory=set)
    supersedes: set[str] = field(default_factory=set)
    cves: set[str] = field(default_factory=set)
    exploited: set[str] = field(default_factory=set)
    severities: set[str] = field(default_factory=set)
    # (CVE or advisory id, product and the component on it) it fixes: .NET 4.8 on ws2016 is not .NET 4.7.2 on it
    fixes: set[tuple[str, str]] = field(default_factory=set)
    titles: dict[str, None] = field(default_factory=dict)


def parse_definitions(data: bytes, where: str, hints: SourceHints) -> Definitions:
    """Every KB entry in a definitions.zip; SourceError when it is no zip or holds no CVEs_*.csv."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as e:
        raise SourceError(f"{where}: not a WES-NG definitions.zip (not a zip archive: {e})") from e
    with archive:
        names = archive.namelist()
        csvs = sorted(n for n in names if _base(n).startswith("CVEs_") and n.lower().endswith(".csv"))
        csvs += sorted(n for n in names if _base(n).startswith("Custom_") and n.lower().endswith(".csv"))
        if not any(_base(n).startswith("CVEs_") for n in csvs):
            raise SourceError(f"{where}: not a WES-NG definitions.zip: no CVEs_<date>.csv inside "
                              f"(found {', '.join(names[:5]) or 'nothing'}); download definitions.zip from WES-NG")
        version = next((_base(n)[len("Version_"):-4] for n in names if _base(n).startswith("Version_")), "")
        kbs: dict[str, _Kb] = {}
        counts = dict.fromkeys(("rows", "no_kb", "not_scanned", "not_configured", "channel", "junk_supersedes",
                                "no_date"), 0)
        budget = [MAX_UNPACKED]
        for name in csvs:
            try:
                with archive.open(name) as raw:
                    unpacked = io.BufferedReader(_Bounded(raw, budget, where), 1 << 16)
                    text = io.TextIOWrapper(unpacked, encoding="utf-8-sig", errors="replace", newline="")
                    _read(_rows(text, f"{where}: {name}"), kbs, counts, frozenset(hints.products))
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as e:
                raise SourceError(f"{where}: {name}: cannot unpack it: {e}; download definitions.zip again") from e
            except csv.Error as e:  # a field over csv's 128 KiB limit: no file WES-NG writes
                raise SourceError(f"{where}: {name}: not WES-NG's CSV ({e}); download definitions.zip again") from e
    packages = _packages(kbs)
    containers = _containers(kbs)
    entries = tuple(_entry(kb, gathered, kb in packages, containers.get(kb, ()), hints)
                    for kb, gathered in sorted(kbs.items(), key=lambda i: kb_sort_key(i[0])))
    return Definitions(entries, Skipped(**counts), version)


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


class _Bounded(io.RawIOBase):
    """A zip member's bytes, refused past MAX_UNPACKED bytes over the whole archive (a zip bomb)."""

    def __init__(self, raw: IO[bytes], budget: list[int], where: str) -> None:
        super().__init__()
        self.raw, self.budget, self.where = raw, budget, where

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise SourceError(f"{self.where}: unpacks to over {MAX_UNPACKED:,} bytes of CSV; refused (a zip bomb?)")
        buffer[:len(data)] = data
        return len(data)


def _rows(text: IO[str], where: str) -> Iterator[list[str]]:
    """CSV rows of a definitions file past its header (a csv reader: `_read` leaves out `#` comments)."""
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None or [h.strip() for h in header[:len(COLUMNS)]] != list(COLUMNS):
        raise SourceError(f"{where}: unexpected header {header!r}; expected {', '.join(COLUMNS)} "
                          "(a newer WES-NG format? see docs/sources.md)")
    return reader


_WIDTH = len(COLUMNS)


def _read(rows: Iterable[list[str]], kbs: dict[str, _Kb], counts: dict[str, int], only: frozenset[str]) -> None:
    """Gather rows into `kbs`; `only` (the source's `products`, when it names some) keeps those products.
    The cell values repeat (6,500 products, 6,000 dates over 600,000 rows): each is read once."""
    ids: dict[str, str | None] = {}
    products: dict[str, Product] = {}
    dates: dict[str, date | None] = {}
    relations: dict[str, tuple[tuple[str, ...], int]] = {}
    total = skipped_no_kb = 0
    for row in rows:
        try:
            posted, cve, bulletin, title, affected, component, severity, _impact, supersedes, exploits = row
        except ValueError:  # a `#` comment, a blank line, a short or long row
            if not row or row[0].startswith("#") or not any(row):
                continue
            row = (row + [""] * _WIDTH)[:_WIDTH]
            posted, cve, bulletin, title, affected, component, severity, _impact, supersedes, exploits = row
        total += 1
        kb = ids.get(bulletin, "")
        if kb == "":
            kb = ids[bulletin] = try_kb_id(bulletin) if bulletin[:1].isdigit() or bulletin[:2].upper() == "KB" else None
        if kb is None:
            skipped_no_kb += 1
            continue
        found = products.get(affected)
        if found is None:
            found = products[affected] = product(affected)
            if found.product is not None and only and found.product not in only:
                found = products[affected] = Product(None, skipped="not-configured")
        if found.product is None:
            counts[found.skipped.replace("-", "_")] += 1
            continue
        gathered = kbs.get(kb)
        if gathered is None:
            gathered = kbs[kb] = _Kb()
        released = dates.get(posted, date.min)
        if released == date.min:
            released = dates[posted] = _date(posted)
        if released is None:
            counts["no_date"] += 1
        else:
            gathered.dates[released] = gathered.dates.get(released, 0) + 1
        gathered.products[found.product] = None
        if found.arch:
            gathered.archs.add(found.arch)
        if found.component:
            gathered.on.add(found.component)
        gathered.components.add(component)
        if supersedes:
            relation = relations.get(supersedes)
            if relation is None:
                relation = relations[supersedes] = _supersedes(supersedes)
            gathered.supersedes.update(relation[0])
            counts["junk_supersedes"] += relation[1]
        if cve:
            gathered.fixes.add((cve, f"{found.product} {found.component}" if found.component else found.product))
            if cve[:4] == "CVE-":
                gathered.cves.add(cve)
                if exploits:
                    gathered.exploited.add(cve)
        gathered.severities.add(severity)
        gathered.titles[title] = None
    counts["rows"] += total
    counts["no_kb"] += skipped_no_kb


def _supersedes(cell: str) -> tuple[tuple[str, ...], int]:
    """The KB ids a Supersedes cell names (split on ';') and how many of its parts are no KB id."""
    parts = [part.strip() for part in cell.split(";") if part.strip()]
    found = tuple(kb for part in parts if (kb := try_kb_id(part)))
    return found, len(parts) - len(found)


def _released(dates: dict[date, int]) -> date | None:
    """The day most of a KB's rows were posted: its rows are posted on its release day, and a CVE published
    months earlier or revised later that names the KB adds a row of its own date (KB5082123, April 2026's
    cumulative update, has 796 rows of 2026-04-14 and 8 of 2025-12-02). The earliest date would end its
    deferral window before it was released. Ties: the earlier day."""
    if not dates:
        return None
    return min(dates, key=lambda day: (-dates[day], day))


def _date(text: str) -> date | None:
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _packages(kbs: dict[str, _Kb]) -> frozenset[str]:
    """The monthly packages: a KB that fixes vulnerabilities in PACKAGE_COMPONENTS or more components of
    Windows and supersedes another such KB (the previous month's). A security-only update of the same month
    is as broad but supersedes only older standalone updates; the first package of a chain is not told
    from one either, and stays a security update (never deferred), which is the side to err on."""
    for kb, gathered in kbs.items():
        gathered.supersedes.discard(kb)  # KB3062577's rows name itself
        gathered.released = _released(gathered.dates)
        gathered.components = {c.strip() for c in gathered.components} - {""}
        gathered.titles = {" ".join(t.split()): None for t in gathered.titles if t.strip()}
    broad = {kb for kb, gathered in kbs.items() if len(gathered.components) >= PACKAGE_COMPONENTS}
    return frozenset(kb for kb in broad if any(older in broad for older in kbs[kb].supersedes))


def _containers(kbs: dict[str, _Kb]) -> dict[str, tuple[str, ...]]:
    """KB -> the KBs that fix every vulnerability it fixes, on every product it fixes it on: installing one of
    them leaves nothing of this KB's to fix. MSRC lists a month's vulnerabilities under alternatives that do
    not supersede each other: the security-only update and the monthly rollup (Server 2008 R2 to 2012 R2),
    the hotpatch and the cumulative update (Server 2022 and 2025). Without this, the security-only update or
    hotpatch stays missing on a host whose later rollup or cumulative update fixes all of it.

    Stored as included_in, from the rows alone. Where two KBs fix the same set, one contains the other by a
    fixed order (the one a later KB supersedes in the data, then the higher number); and no inclusion is
    added that, with the data's supersedes and the inclusions before it, would close a cycle (DESIGN.md 3a:
    such an edge would not be used anyway, and the warning would be kbscan's own doing)."""
    holders: dict[tuple[str, str], set[str]] = {}
    for kb, gathered in kbs.items():
        for pair in gathered.fixes:
            holders.setdefault(pair, set()).add(kb)
    continued = {older for gathered in kbs.values() for older in gathered.supersedes}

    def rank(kb: str) -> tuple[int, bool, tuple[int, str]]:
        return len(kbs[kb].fixes), kb in continued, kb_sort_key(kb)

    covered_by: dict[str, set[str]] = {}  # KB -> the KBs whose installation covers it (one step)
    for kb, gathered in kbs.items():
        for older in gathered.supersedes:
            covered_by.setdefault(older, set()).add(kb)
    found: dict[str, tuple[str, ...]] = {}
    for kb in sorted(kbs, key=kb_sort_key):
        gathered = kbs[kb]
        if not gathered.fixes:
            continue
        pairs = sorted(gathered.fixes, key=lambda pair: len(holders[pair]))
        candidates = holders[pairs[0]] - {kb}
        for pair in pairs[1:]:
            if not candidates:
                break
            candidates = candidates & holders[pair]
        mine = rank(kb)
        containing = [other for other in sorted(candidates, key=kb_sort_key)
                      if rank(other) > mine and not _reaches(covered_by, other, kb)]
        if containing:
            found[kb] = tuple(containing)
            for other in containing:
                covered_by.setdefault(kb, set()).add(other)
    return found


def _reaches(covered_by: dict[str, set[str]], start: str, goal: str) -> bool:
    """Whether installing `goal` already covers `start` (a path start -> ... -> goal): then "start is included
    in goal" would close a cycle. KB3205409 (December 2016) supersedes KB3205408 of the same day, which fixes
    every vulnerability KB3205409 fixes and more."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in covered_by.get(todo.pop(), ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _kind(gathered: _Kb, package: bool) -> Kind:
    """A monthly package is a cumulative update on Windows 10 / Server 2016 and later, a monthly rollup
    before. Otherwise the kind the update titles say when they agree (the Custom rows' service packs and
    "Windows 8.1 Update 1 (KB2919355)"); a vulnerability's title, or titles that disagree, make a security
    update."""
    if package:
        cumulative = any(_CUMULATIVE_ERA.match(p) for p in gathered.products)
        return Kind.CUMULATIVE_UPDATE if cumulative else Kind.UPDATE_ROLLUP
    kinds = {Kind.SECURITY_UPDATE if "vulnerab" in title.lower() else kind_from_title(title, Kind.UPDATE)
             for title in gathered.titles}
    return kinds.pop() if len(kinds) == 1 else Kind.SECURITY_UPDATE


def _title(kb: str, kind: Kind, gathered: _Kb) -> str:
    """The rows' one update title where they share one (the Custom rows, bulletins of one update), else
    "2024-03 Cumulative Update for Windows Server 2019 (KB5035849)": most rows' titles name vulnerabilities."""
    if len(gathered.titles) == 1:
        title = " ".join(next(iter(gathered.titles)).split())
        if "vulnerab" not in title.lower():
            return title if kb in title else f"{title} ({kb})"
    month = f"{gathered.released:%Y-%m} " if gathered.released else ""
    names = [display_name(p) for p in PRODUCTS if p in gathered.products]
    named = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{month}{_LABELS[kind]} for {named} ({kb})"


def _entry(kb: str, gathered: _Kb, package: bool, containers: tuple[str, ...],
           hints: SourceHints) -> CatalogueEntry:
    kind = _kind(gathered, package)
    notes = []
    if gathered.archs:
        notes.append(f"architectures: {', '.join(sorted(gathered.archs))}")
    if gathered.on:
        on = sorted(gathered.on)
        notes.append(f"for components: {', '.join(on[:3])}{f' and {len(on) - 3} more' if len(on) > 3 else ''}")
    supersedes = tuple(sorted(gathered.supersedes, key=kb_sort_key))
    levels = [_SEVERITY.get(text.strip().lower()) for text in gathered.severities]
    severity = max(levels, key=SecurityFacts.severity_rank, default=None)
    facts = SecurityFacts(severity, len(gathered.cves), len(gathered.exploited))
    return CatalogueEntry(
        kb=kb, title=_title(kb, kind, gathered), kind=kind, released=gathered.released,
        products=tuple(p for p in PRODUCTS if p in gathered.products), roles=hints.roles,
        supersedes=supersedes, included_in=containers, sources=(hints.name,),
        provenance={fact: (hints.name,) for fact, said in (("supersedes", supersedes), ("included_in", containers))
                    if said},
        notes="; ".join(notes),
        security=facts,
    )
