"""`catalogue refresh` / `import` / `diff` and the catalogue part of `status`: fetch, parse, guard, merge, store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import requests

from scanner.config import Config
from scanner.embedded import load_embedded
from scanner.errors import SourceError
from scanner.http import fetch, make_session
from scanner.merge import SourceEntries, merge
from scanner.models import SourceHealth
from scanner.sources import ParsedPage, SourceHints, parse_page
from scanner.store.catalogue import (
    SourceRecord,
    SourceState,
    catalogue_refreshed_at,
    changes_since,
    forget_sources,
    save_refresh,
    source_health,
    source_state,
)
from scanner.store.db import connected

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshResult:
    sources: tuple[SourceHealth, ...]
    entries: int
    changes: int

    @property
    def ok(self) -> bool:
        """True unless every source failed (a refresh with no sources is fine)."""
        return not self.sources or any(s.state in ("ok", "degraded") for s in self.sources)

    @property
    def exit_code(self) -> int:
        if not self.ok:
            return 2
        return 0 if all(s.state == "ok" for s in self.sources) else 1

    def lines(self) -> list[str]:
        rows = [f"{s.name:<20} {s.state:<9} {s.http_status or '-':<4} {s.entries:>4} entries  {s.message}".rstrip()
                for s in self.sources]
        return [*rows, f"catalogue: {self.entries} entries, {self.changes} changes"]


def _guarded(parsed: ParsedPage, previous: SourceState, hints: SourceHints, status: int,
             now: datetime, fetched: SourceRecord) -> SourceRecord:
    """The layout-change guard: zero entries, or under half of last time, keeps the previous parse."""
    count, before = len(parsed.entries), len(previous.entries)
    if count == 0 or (before and count * 2 < before):
        message = (f"layout change? the page now yields {count} entries (last good: {before}); "
                   "kept the previous entries")
        log.warning("%s: %s", hints.name, message)
        health = SourceHealth(hints.name, hints.url, "degraded", now, status, before, message)
        return replace(fetched, health=health, entries=None, ok=False)
    health = SourceHealth(hints.name, hints.url, "ok", now, status, count, f"{parsed.family}")
    return replace(fetched, health=health, family=parsed.family, entries=parsed.entries,
                   includes=parsed.includes, ok=True)


def _refresh_source(session: requests.Session, config: Config, hints: SourceHints, previous: SourceState,
                    now: datetime) -> SourceRecord:
    etag = previous.etag if previous.entries else None
    modified = previous.last_modified if previous.entries else None
    try:
        result = fetch(session, hints.url, config.http, etag=etag, last_modified=modified)
    except SourceError as e:
        log.warning("%s", e)
        health = SourceHealth(hints.name, hints.url, "failed", now, None, len(previous.entries),
                              f"{e}; kept the last good entries" if previous.entries else str(e))
        return SourceRecord(health, etag=previous.etag, last_modified=previous.last_modified)
    if result.status == 304:
        health = SourceHealth(hints.name, hints.url, "ok", now, 304, len(previous.entries), "not modified")
        return SourceRecord(health, etag=result.etag, last_modified=result.last_modified, ok=True)
    fetched = SourceRecord(SourceHealth(hints.name, hints.url, "ok", now, 200), etag=result.etag,
                           last_modified=result.last_modified)
    try:
        parsed = parse_page(result.body, result.content_type, hints.url, hints)
    except SourceError as e:
        parsed = ParsedPage("unknown", ())
        log.warning("%s", e)
    return _guarded(parsed, previous, hints, 200, now, fetched)


def _store_and_merge(config: Config, records: list[SourceRecord], now: datetime,
                     keep_only: list[str] | None) -> RefreshResult:
    with connected(config.database) as db:
        if keep_only is not None:
            forget_sources(db, keep_only)
        current: list[SourceEntries] = []
        names = [r.health.name for r in records]
        states = {name: source_state(db, name) for name in names}
        for row in source_health(db):
            if row.name not in states:
                states[row.name] = source_state(db, row.name)
        for name, state in states.items():
            record = next((r for r in records if r.health.name == name), None)
            if record is not None and record.entries is not None:
                current.append(SourceEntries(name, record.entries, record.includes))
            elif state.entries:
                current.append(SourceEntries(name, state.entries, state.includes))
        curated, _ = load_embedded()
        merged = merge(curated, current)
        changes = save_refresh(db, records, merged, now)
    return RefreshResult(tuple(r.health for r in records), len(merged), changes)


def refresh_catalogue(config: Config, *, session: requests.Session | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      now: datetime | None = None) -> RefreshResult:
    """Fetch every configured source (one failing never stops the others), merge, store."""
    now = now or datetime.now(UTC)
    session = session or make_session(config.http)
    with connected(config.database) as db:
        previous = {s.name: source_state(db, s.name) for s in config.sources}
    records = []
    for done, source in enumerate(config.sources, 1):
        hints = SourceHints(source.name, source.url, source.products, source.roles)
        records.append(_refresh_source(session, config, hints, previous[source.name], now))
        if progress is not None:
            progress(done, len(config.sources))
    return _store_and_merge(config, records, now, keep_only=[s.name for s in config.sources])


def import_list(config: Config, path: Path, *, now: datetime | None = None) -> RefreshResult:
    """Add a list file (Get-WindowsHotfixes XML, or kbscan's `catalogue list --format json`) as source
    `import:<file name>`; importing it again replaces what it gave before."""
    now = now or datetime.now(UTC)
    name = f"import:{path.name}"
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(f"{path}: cannot read the list: {e.strerror or e}") from e
    hints = SourceHints(name, str(path))
    if data.lstrip()[:1] == b"[":
        from scanner.sources.json_list import parse_json_list

        parsed = ParsedPage("kbscan-json", parse_json_list(data, str(path), hints))
    else:
        parsed = parse_page(data, "application/xml", str(path), hints)
    if not parsed.entries:
        raise SourceError(f"{path}: the list holds no KB entries; nothing imported")
    health = SourceHealth(name, str(path), "ok", now, None, len(parsed.entries), parsed.family)
    record = SourceRecord(health, parsed.family, entries=parsed.entries, includes=parsed.includes, ok=True)
    return _store_and_merge(config, [record], now, keep_only=None)


def catalogue_diff(config: Config, since: date | None) -> list[str]:
    if not config.database.exists():
        return ["no catalogue has been stored yet; run 'kbscan catalogue refresh'"]
    with connected(config.database, readonly=True) as db:
        rows = changes_since(db, since)
    if not rows:
        return [f"no catalogue changes{' since ' + since.isoformat() if since else ''}"]
    lines = []
    for row in rows:
        detail = f"{row['field']}: {row['old']} -> {row['new']}" if row["change"] == "changed" else (
            row["new"] or row["old"] or "")
        lines.append(f"{row['at'][:19]}  {row['kb']:<10} {row['change']:<8} {detail}")
    return lines


def status_lines(config: Config, now: datetime | None = None) -> list[str]:
    now = now or datetime.now(UTC)
    if not config.database.exists():
        return ["catalogue: embedded (no refresh stored yet; run 'kbscan catalogue refresh')"]
    with connected(config.database, readonly=True) as db:
        refreshed = catalogue_refreshed_at(db)
        health = source_health(db)
        entries = db.execute("SELECT count(*) FROM catalogue_entries").fetchone()[0] if refreshed else 0
    if refreshed is None:
        return ["catalogue: embedded (no refresh stored yet; run 'kbscan catalogue refresh')"]
    age = now - refreshed
    lines = [f"catalogue: database, {entries} entries, refreshed {refreshed.isoformat(timespec='seconds')} "
             f"({age.days} days {age.seconds // 3600} hours ago)"]
    for s in health:
        checked = s.checked_at.isoformat(timespec="seconds") if s.checked_at else "never"
        lines.append(f"  source {s.name:<20} {s.state:<9} HTTP {s.http_status or '-':<4} {s.entries:>4} entries, "
                     f"checked {checked}  {s.message}".rstrip())
    return lines
