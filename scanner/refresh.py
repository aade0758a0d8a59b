"""`catalogue refresh` / `import` / `diff` and the catalogue part of `status`: fetch, parse, guard, merge, store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scanner import relations
from scanner.config import Config
from scanner.embedded import load_embedded
from scanner.errors import SourceError
from scanner.files import Refused, read_bounded
from scanner.follow import Article, checked, choose, fetch_all, is_article_of, linked, remembered
from scanner.http import fetch, make_session
from scanner.lock import RefreshLock
from scanner.merge import SourceEntries, merge
from scanner.models import SourceHealth
from scanner.progress import progress_bar
from scanner.sources import ParsedPage, SourceHints, parse_page
from scanner.sources.wesng import looks_like_definitions
from scanner.store.catalogue import (
    SourceRecord,
    SourceState,
    catalogue_refreshed_at,
    catalogue_stored,
    changes_since,
    forget_sources,
    save_refresh,
    source_health,
    source_state,
    sources_ok_at,
    stored_entries,
)
from scanner.store.db import connected

if TYPE_CHECKING:  # the network itself is http.py's
    import requests

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshResult:
    sources: tuple[SourceHealth, ...]
    entries: int
    changes: int
    warnings: tuple[str, ...] = ()  # relation cycles in the merged catalogue (relations.py)
    articles: tuple[SourceHealth, ...] = ()  # the KB articles followed this time (`<list>/<KB>`)

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
        for source in dict.fromkeys(a.name.split("/", 1)[0] for a in self.articles):
            rows.append(_articles_line(source, [a for a in self.articles if a.name.startswith(f"{source}/")]))
        warned = [f"warning: {w}" for w in self.warnings]
        return [*rows, f"catalogue: {self.entries} entries, {self.changes} changes", *warned]


def _articles_line(source: str, articles: list[SourceHealth]) -> str:
    """One line for the KB articles a list's links led to: how many, in which state, which failed."""
    states = {state: sum(1 for a in articles if a.state == state) for state in ("ok", "degraded", "failed")}
    said = ", ".join(f"{count} {state}" for state, count in states.items() if count)
    failed = [a.name.split("/", 1)[1] for a in articles if a.state != "ok"]
    return (f"{source + '/KB*':<20} {len(articles)} KB articles followed: {said}"
            + (f" ({', '.join(failed[:10])}{', ...' if len(failed) > 10 else ''})" if failed else ""))


def _guarded(parsed: ParsedPage, previous: SourceState, hints: SourceHints, now: datetime,
             fetched: SourceRecord, error: str = "") -> SourceRecord:
    """The layout-change guard: zero entries, or under half of last time, keeps the previous parse.

    A refused page keeps the previous ETag / Last-Modified, so the next refresh fetches it again instead
    of a 304 quietly blessing the page that was refused. A source with nothing stored yet is `failed`."""
    count, kept = len(parsed.entries), len(previous.entries)
    baseline = kept if previous.url in ("", hints.url) else 0  # a new URL may legitimately list fewer
    if count == 0 or count * 2 < baseline:
        why = error or f"{hints.url}: the page now yields {count} {'entry' if count == 1 else 'entries'}"
        if kept:
            state, message = "degraded", f"layout change? {why} (last good: {kept}); kept the previous entries"
        else:
            state, message = "failed", f"{why}; nothing stored for this source yet"
        log.warning("%s: %s", hints.name, message)
        health = SourceHealth(hints.name, hints.url, state, now, fetched.health.http_status, kept, message)
        return SourceRecord(health, etag=previous.etag, last_modified=previous.last_modified)
    health = SourceHealth(hints.name, hints.url, "ok", now, fetched.health.http_status, count, _said(parsed))
    return replace(fetched, health=health, family=parsed.family, entries=parsed.entries,
                   includes=parsed.includes, ok=True)


def _said(parsed: ParsedPage) -> str:
    """A source's health message: its family, and what its parser counted and skipped (wesng)."""
    return f"{parsed.family}: {parsed.summary}" if parsed.summary else parsed.family


def _refresh_source(session: requests.Session, config: Config, hints: SourceHints, previous: SourceState,
                    now: datetime, kind: str = "page") -> tuple[SourceRecord, ParsedPage | None]:
    """The source's record, and its parsed page when a new one came (None after a 304 or a failure)."""
    conditional = bool(previous.entries) and previous.url in ("", hints.url)
    etag = previous.etag if conditional else None
    modified = previous.last_modified if conditional else None
    try:
        result = fetch(session, hints.url, config.http, etag=etag, last_modified=modified)
    except SourceError as e:
        log.warning("%s", e)
        health = SourceHealth(hints.name, hints.url, "failed", now, None, len(previous.entries),
                              f"{e}; kept the last good entries" if previous.entries else str(e))
        return SourceRecord(health, etag=previous.etag, last_modified=previous.last_modified), None
    if result.status == 304:
        health = SourceHealth(hints.name, hints.url, "ok", now, 304, len(previous.entries), "not modified")
        return SourceRecord(health, etag=result.etag, last_modified=result.last_modified, ok=True), None
    fetched = SourceRecord(SourceHealth(hints.name, hints.url, "ok", now, result.status), etag=result.etag,
                           last_modified=result.last_modified)
    try:
        if kind == "wesng" and not looks_like_definitions(result.body):
            raise SourceError(f"{hints.url}: a kind = \"wesng\" source gave no zip archive "
                              f"({result.content_type or 'no content type'}), not WES-NG's definitions.zip; "
                              "check the url")
        parsed, error = parse_page(result.body, result.content_type, hints.url, hints), ""
    except SourceError as e:
        parsed, error = ParsedPage("unknown", ()), str(e)
    return _guarded(parsed, previous, hints, now, fetched, error), parsed


def _merge_order(config: Config, stored: list[str], fresh: list[str]) -> list[str]:
    """Every source to merge, each once: configured sources in config order, then the others (imports,
    followed articles) by name. The merge itself does not depend on this order (merge.py)."""
    configured = [s.name for s in config.sources]
    return [*configured, *sorted((set(stored) | set(fresh)) - set(configured))]


def _store_and_merge(config: Config, records: list[SourceRecord], now: datetime,
                     keep: tuple[str, ...] | None = None) -> RefreshResult:
    """Store the records and merge every source's last good entries. Sources no longer configured are
    forgotten, except imports and the followed articles named in `keep`; None (an import, which does not
    change what the lists link) keeps every stored article of a list that follows its KB links."""
    fresh = {r.health.name: r for r in records}
    with connected(config.database) as db:
        if keep is None:
            following = [s.name for s in config.sources if s.follow_kb_links]
            keep = tuple(h.name for h in source_health(db) if is_article_of(h.name, following))
        forget_sources(db, [*(s.name for s in config.sources), *keep])
        current: list[SourceEntries] = []
        for name in _merge_order(config, [h.name for h in source_health(db)], list(fresh)):
            record = fresh.get(name)
            if record is not None and record.entries is not None:
                current.append(SourceEntries(name, record.entries, record.includes))
            elif (state := source_state(db, name)).entries:
                current.append(SourceEntries(name, state.entries, state.includes))
        curated, _ = load_embedded()
        merged = merge(curated, current)
        changes = save_refresh(db, records, merged, now)
    _, cycles = relations.split(relations.edges_of(merged))
    for cycle in cycles:
        log.warning("%s", cycle.warning)
    followed = [r.health for r in records if is_article_of(r.health.name, (s.name for s in config.sources))]
    return RefreshResult(tuple(r.health for r in records if r.health not in followed), len(merged), changes,
                         tuple(c.warning for c in cycles), tuple(followed))


def refresh_catalogue(config: Config, *, session: requests.Session | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      now: datetime | None = None, wait: Callable[[str], None] | None = None) -> RefreshResult:
    """Fetch every configured source (one failing never stops the others), follow the KB links of the
    sources that ask for it, merge, store. One refresh or import at a time (lock.RefreshLock): with
    `wait`, behind a running one; without, lock.Busy."""
    with RefreshLock(config.state_dir, wait):
        now = now or datetime.now(UTC)
        session = session or make_session(config.http)
        followers = [s.name for s in config.sources if s.follow_kb_links]
        with connected(config.database) as db:
            previous = {s.name: source_state(db, s.name) for s in config.sources}
            stored = [h.name for h in source_health(db) if is_article_of(h.name, followers)]
            followed = {name: source_state(db, name) for name in stored}
        records, wanted = [], []
        for done, source in enumerate(config.sources, 1):
            hints = SourceHints(source.name, source.url, source.products, source.roles, source.follow_kb_links)
            record, parsed = _refresh_source(session, config, hints, previous[source.name], now, source.kind)
            records.append(record)
            if source.follow_kb_links:
                fresh = parsed is not None and record.entries is not None
                wanted += linked(parsed, source.name) if fresh and parsed else remembered(source.name, followed)
            if progress is not None:
                progress(done, len(config.sources))
        records += _follow_links(session, config, wanted, followed, now, progress)
        return _store_and_merge(config, records, now, keep=tuple(dict.fromkeys(a.name for a in wanted)))


def _follow_links(session: requests.Session, config: Config, wanted: list[Article],
                  followed: dict[str, SourceState], now: datetime,
                  progress: Callable[[int, int], None] | None) -> list[SourceRecord]:
    """Fetch the articles the lists link (at most `[http] max_articles`, two at a time, conditional GET):
    each is a source `<list>/<KB>`; one that is not fetched this time keeps what it gave before."""
    chosen = choose(wanted, followed, config.http.max_articles)
    if len(chosen) < len({a.name for a in wanted}):
        log.info("following %d of %d KB links this refresh ([http] max_articles); the rest keep their last "
                 "facts and come first next time", len(chosen), len({a.name for a in wanted}))

    def fetch_one(article: Article) -> SourceRecord:
        before = followed.get(article.name, SourceState(article.name))
        hints = SourceHints(article.name, article.url, (), article.roles)
        record, parsed = _refresh_source(session, config, hints, before, now)
        return checked(record, parsed, article, before, now)

    return fetch_all(chosen, fetch_one, progress or progress_bar("following KB links"))


def import_list(config: Config, path: Path, *, now: datetime | None = None,
                wait: Callable[[str], None] | None = None) -> RefreshResult:
    """Add a list file (Get-WindowsHotfixes XML, kbscan's `catalogue list --format json`, or WES-NG's
    definitions.zip) as source `import:<file name>`; importing it again replaces what it gave before."""
    now = now or datetime.now(UTC)
    name = f"import:{path.name}"
    data = _read_list(path, config.http.max_bytes)
    hints = SourceHints(name, str(path))
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"[":  # kbscan JSON, with or without a UTF-8 BOM
        from scanner.sources.json_list import parse_json_list

        parsed = ParsedPage("kbscan-json", parse_json_list(data, str(path), hints))
    else:
        parsed = parse_page(data, "application/xml", str(path), hints)
    if not parsed.entries:
        raise SourceError(f"{path}: the list holds no KB entries; nothing imported")
    health = SourceHealth(name, str(path), "ok", now, None, len(parsed.entries), _said(parsed))
    record = SourceRecord(health, parsed.family, entries=parsed.entries, includes=parsed.includes, ok=True)
    with RefreshLock(config.state_dir, wait):
        return _store_and_merge(config, [record], now)


def _read_list(path: Path, max_bytes: int) -> bytes:
    """A list file is a page that came by hand: the same `[http] max_bytes` cap, and never a pipe."""
    try:
        return read_bounded(path, max_bytes)
    except Refused as e:
        why = {"special": "is not a regular file (a pipe, socket or device); import a saved list file",
               "too-big": f"is {e.size:,} bytes, over the {max_bytes:,}-byte cap ([http] max_bytes)"}
        raise SourceError(f"{path}: the list {why.get(e.why, f'grew past the {max_bytes:,}-byte cap while read')}"
                          ) from e
    except OSError as e:
        raise SourceError(f"{path}: cannot read the list: {e.strerror or e}") from e


def catalogue_diff(config: Config, since: date | None) -> list[str]:
    if not config.database.exists():
        return ["no catalogue has been stored yet; run 'kbscan catalogue refresh'"]
    with connected(config.database, readonly=True, older=True) as db:
        rows = changes_since(db, since)
    if not rows:
        return [f"no catalogue changes{' since ' + since.isoformat() if since else ''}"]
    lines = []
    for row in rows:
        detail = f"{row['field']}: {row['old']} -> {row['new']}" if row["change"] == "changed" else (
            row["new"] or row["old"] or "")
        said = f"  [{row['source']}]" if row["source"] else ""
        lines.append(f"{row['at'][:19]}  {row['kb']:<10} {row['change']:<8} {detail}{said}")
    return lines


def status_lines(config: Config, now: datetime | None = None) -> list[str]:
    now = now or datetime.now(UTC)
    if not config.database.exists():
        return ["catalogue: embedded (no refresh stored yet; run 'kbscan catalogue refresh')"]
    with connected(config.database, readonly=True, older=True) as db:
        stored = catalogue_stored(db)
        refreshed = catalogue_refreshed_at(db)
        health = source_health(db)
        ok_at = sources_ok_at(db)
        entries = db.execute("SELECT count(*) FROM catalogue_entries").fetchone()[0] if stored else 0
        cycles = relations.split(relations.edges_of(stored_entries(db).values()))[1] if stored else ()
    if not stored:
        return ["catalogue: embedded (no refresh stored yet; run 'kbscan catalogue refresh')"]
    if refreshed is None:
        lines = [f"catalogue: database, {entries} entries, never refreshed: no source has given a usable "
                 "page yet (see below)"]
    else:
        age = now - refreshed
        lines = [f"catalogue: database, {entries} entries, refreshed {refreshed.isoformat(timespec='seconds')} "
                 f"({age.days} days {age.seconds // 3600} hours ago)"]
    lists = {s.name for s in config.sources}
    articles = [s for s in health if s.name not in lists and is_article_of(s.name, lists)]
    for s in health:
        if s in articles:
            continue
        checked = s.checked_at.isoformat(timespec="seconds") if s.checked_at else "never"
        if s.state != "ok":
            good = ok_at.get(s.name)
            checked += f", last ok {good.isoformat(timespec='seconds') if good else 'never'}"
        lines.append(f"  source {s.name:<20} {s.state:<9} HTTP {s.http_status or '-':<4} {s.entries:>4} entries, "
                     f"checked {checked}  {s.message}".rstrip())
    for source in dict.fromkeys(a.name.split("/", 1)[0] for a in articles):
        lines.append(f"  {_articles_line(source, [a for a in articles if a.name.startswith(f'{source}/')])}")
    lines += [f"warning: {cycle.warning}" for cycle in cycles]  # the relations, not a whole Catalogue
    return lines
