"""The catalogue's tables: per-source state and last good parse, the merged catalogue, its change log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

import sqlite_utils

from scanner.catalogue import Catalogue
from scanner.models import CatalogueEntry, CatalogueInfo, Kind, SecurityFacts, SourceHealth, kb_sort_key
from scanner.store.schema import SCHEMA_SETUP

_VERSIONED = ("catalogue_entries", "catalogue_meta", "sources")  # what load_catalogue reads
_TRACKED = ("title", "kind", "released", "products", "roles", "supersedes", "included_in", "standalone", "download")


def setup(db: sqlite_utils.Database) -> None:
    with db.conn:
        db.execute("""CREATE TABLE IF NOT EXISTS sources (
            name TEXT PRIMARY KEY, url TEXT, family TEXT, etag TEXT, last_modified TEXT, checked_at TEXT,
            ok_at TEXT, http_status INTEGER, state TEXT, entries INTEGER, message TEXT, includes TEXT)""")
        db.execute("""CREATE TABLE IF NOT EXISTS source_entries (
            source TEXT NOT NULL, kb TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (source, kb))""")
        db.execute("CREATE TABLE IF NOT EXISTS catalogue_entries (kb TEXT PRIMARY KEY, data TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS catalogue_meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("""CREATE TABLE IF NOT EXISTS catalogue_changes (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, kb TEXT NOT NULL, change TEXT NOT NULL, field TEXT,
            old TEXT, new TEXT, source TEXT)""")
        db.execute("CREATE INDEX IF NOT EXISTS catalogue_changes_at ON catalogue_changes (at)")
        # catalogue_version(): every row written to the tables a loaded Catalogue is made of moves the generation,
        # whichever code (a refresh, an import, a schema step, another release) writes them
        db.execute("""CREATE TABLE IF NOT EXISTS catalogue_generation (
            id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL)""")
        # a write only when the row is not there: INSERT OR IGNORE would take the write lock on every open,
        # waiting behind any refresh or import transaction
        if db.execute("SELECT 1 FROM catalogue_generation WHERE id = 1").fetchone() is None:
            db.execute("INSERT INTO catalogue_generation (id, generation) VALUES (1, 0)")
        for table in _VERSIONED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                db.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_generation AFTER {event} ON "
                           f"{table} BEGIN UPDATE catalogue_generation SET generation = generation + 1; END")


SCHEMA_SETUP.append(setup)


def upgrade_unversioned(db: sqlite_utils.Database) -> None:
    """Schema step 1 (store/migrations.py): what setup patched on every open before versions. Databases from
    before the change log's `source` column get it (NULL for the old rows); from before `stored_at`, when
    `refreshed_at` moved on every stored refresh, a `refreshed_at` says a catalogue is stored."""
    tables = set(db.table_names())
    if "catalogue_changes" in tables and "source" not in db["catalogue_changes"].columns_dict:
        db.execute("ALTER TABLE catalogue_changes ADD COLUMN source TEXT")
    if "catalogue_meta" in tables:
        db.execute("INSERT OR IGNORE INTO catalogue_meta (key, value) "
                   "SELECT 'stored_at', value FROM catalogue_meta WHERE key = 'refreshed_at'")


def entry_to_json(entry: CatalogueEntry) -> str:
    data: dict[str, Any] = {}
    for item in fields(entry):
        value = getattr(entry, item.name)
        if isinstance(value, date):
            value = value.isoformat()
        elif item.name == "provenance":
            value = {k: list(v) for k, v in value.items()}
        elif item.name == "stated":
            value = {k: [list(pair) for pair in v] for k, v in value.items()}
        elif item.name == "security":
            if value is None:
                continue  # most entries: no key at all, as in databases written before the field
            value = {"severity": value.severity, "cves": value.cves, "exploits": value.exploits}
        elif isinstance(value, tuple):
            value = list(value)
        data[item.name] = value
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def entry_from_json(text: str) -> CatalogueEntry:
    data = json.loads(text)
    return CatalogueEntry(
        kb=data["kb"], title=data["title"], kind=Kind(data["kind"]),
        released=date.fromisoformat(data["released"]) if data.get("released") else None,
        products=tuple(data["products"]), roles=tuple(data["roles"]), supersedes=tuple(data["supersedes"]),
        included_in=tuple(data["included_in"]), standalone=bool(data["standalone"]),
        download=tuple(data["download"]), sources=tuple(data["sources"]),
        provenance={k: tuple(v) for k, v in data.get("provenance", {}).items()}, notes=data.get("notes", ""),
        stated={k: tuple((str(s), str(v)) for s, v in pairs) for k, pairs in data.get("stated", {}).items()},
        security=_security(data.get("security")),
    )


def _security(data: dict[str, Any] | None) -> SecurityFacts | None:
    if not data:
        return None
    return SecurityFacts(data.get("severity"), int(data.get("cves", 0)), int(data.get("exploits", 0)))


@dataclass(frozen=True)
class SourceState:
    name: str
    url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    entries: tuple[CatalogueEntry, ...] = ()
    includes: tuple[tuple[str, str], ...] = ()
    health: SourceHealth | None = None


def _has_tables(db: sqlite_utils.Database) -> bool:
    return {"sources", "catalogue_entries", "catalogue_meta"} <= set(db.table_names())


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _health(row: dict[str, Any]) -> SourceHealth:
    return SourceHealth(name=row["name"], url=row["url"] or "", state=row["state"] or "never",
                        checked_at=_time(row["checked_at"]), http_status=row["http_status"],
                        entries=row["entries"] or 0, message=row["message"] or "")


def source_health(db: sqlite_utils.Database) -> list[SourceHealth]:
    if not _has_tables(db):
        return []
    return [_health(row) for row in db.query("SELECT * FROM sources ORDER BY name")]


def source_state(db: sqlite_utils.Database, name: str) -> SourceState:
    rows = list(db.query("SELECT * FROM sources WHERE name = ?", [name])) if _has_tables(db) else []
    if not rows:
        return SourceState(name)
    row = rows[0]
    entries = tuple(entry_from_json(r["data"]) for r in db.query(
        "SELECT data FROM source_entries WHERE source = ? ORDER BY kb", [name]))
    includes = tuple((a, b) for a, b in json.loads(row["includes"] or "[]"))
    return SourceState(name, row["url"] or "", row["etag"], row["last_modified"], entries, includes, _health(row))


def load_catalogue(db: sqlite_utils.Database) -> Catalogue | None:
    """The stored merged catalogue, or None when no refresh has stored one yet. Its `refreshed_at` is
    None while no refresh has had news from any source (every one failed so far)."""
    if not _has_tables(db):
        return None
    meta = {row["key"]: row["value"] for row in db.query("SELECT key, value FROM catalogue_meta")}
    if "refreshed_at" not in meta and "stored_at" not in meta:  # older databases have only refreshed_at
        return None
    entries = [entry_from_json(row["data"]) for row in db.query("SELECT data FROM catalogue_entries")]
    info = CatalogueInfo(origin="database", entries=len(entries), refreshed_at=_time(meta.get("refreshed_at")),
                         sources=tuple(source_health(db)))
    return Catalogue(entries, info)


@dataclass(frozen=True)
class SourceRecord:
    """What one refresh learnt about a source; `entries` None keeps the stored last good parse."""

    health: SourceHealth
    family: str = ""
    etag: str | None = None
    last_modified: str | None = None
    entries: tuple[CatalogueEntry, ...] | None = None
    includes: tuple[tuple[str, str], ...] = ()
    ok: bool = False


def _said(entry: CatalogueEntry, fact: str | None) -> str:
    """The sources behind a fact of an entry (all of its sources for the entry as a whole)."""
    names = entry.provenance.get(fact, entry.sources) if fact else entry.sources
    return ", ".join(names)


def _diff(old: dict[str, CatalogueEntry], new: Sequence[CatalogueEntry], at: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    current = {e.kb: e for e in new}
    for kb in sorted(set(old) | set(current), key=kb_sort_key):
        before, after = old.get(kb), current.get(kb)
        row = {"at": at, "kb": kb, "field": None, "old": None, "new": None}
        if before is None and after is not None:
            rows.append(row | {"change": "added", "new": after.title, "source": _said(after, None)})
        elif after is None and before is not None:
            rows.append(row | {"change": "removed", "old": before.title, "source": _said(before, None)})
        elif before is not None and after is not None:
            rows += [row | {"change": "changed", "field": name, "old": json.dumps(a, default=str),
                            "new": json.dumps(b, default=str), "source": _said(after, name)}
                     for name in _TRACKED if (a := getattr(before, name)) != (b := getattr(after, name))]
    return rows


def save_refresh(db: sqlite_utils.Database, records: Sequence[SourceRecord], merged: Sequence[CatalogueEntry],
                 at: datetime) -> int:
    """Store one refresh in one transaction: a crash leaves the previous catalogue whole. Returns the
    number of change rows written."""
    stamp = at.astimezone(UTC).isoformat()
    with db.conn:
        db.execute("BEGIN IMMEDIATE")  # the write lock before reading the old catalogue: no lost update
        old = stored_entries(db)
        for record in records:
            health = record.health
            previous = list(db.query("SELECT ok_at, includes, family FROM sources WHERE name = ?", [health.name]))
            keep = previous[0] if previous else {"ok_at": None, "includes": "[]", "family": ""}
            db.execute(
                "INSERT OR REPLACE INTO sources (name, url, family, etag, last_modified, checked_at, ok_at, "
                "http_status, state, entries, message, includes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [health.name, health.url, record.family or keep["family"], record.etag, record.last_modified,
                 stamp, stamp if record.ok else keep["ok_at"], health.http_status, health.state, health.entries,
                 health.message, json.dumps(record.includes) if record.entries is not None else keep["includes"]])
            if record.entries is not None:
                db.execute("DELETE FROM source_entries WHERE source = ?", [health.name])
                db.conn.executemany("INSERT INTO source_entries (source, kb, data) VALUES (?, ?, ?)",
                                    [(health.name, e.kb, entry_to_json(e)) for e in record.entries])
        changes = _replace(db, old, merged, stamp)
        db.execute("INSERT OR REPLACE INTO catalogue_meta (key, value) VALUES ('stored_at', ?)", [stamp])
        if not records or any(record.ok for record in records):
            # only news from a source makes the catalogue fresher: a refresh where every source failed or
            # was refused leaves the age growing, so the age alerts fire while the sources stay broken
            db.execute("INSERT OR REPLACE INTO catalogue_meta (key, value) VALUES ('refreshed_at', ?)", [stamp])
    return changes


def stored_entries(db: sqlite_utils.Database) -> dict[str, CatalogueEntry]:
    return {row["kb"]: entry_from_json(row["data"]) for row in db.query("SELECT kb, data FROM catalogue_entries")}


def _replace(db: sqlite_utils.Database, old: dict[str, CatalogueEntry], merged: Sequence[CatalogueEntry],
             stamp: str) -> int:
    """The merged catalogue in place of `old`, each difference logged; returns the number of change rows."""
    changes = _diff(old, merged, stamp)
    db.conn.executemany("INSERT INTO catalogue_changes (at, kb, change, field, old, new, source) VALUES "
                        "(:at, :kb, :change, :field, :old, :new, :source)", changes)
    db.execute("DELETE FROM catalogue_entries")
    db.conn.executemany("INSERT INTO catalogue_entries (kb, data) VALUES (?, ?)",
                        [(e.kb, entry_to_json(e)) for e in merged])
    return len(changes)


def replace_catalogue(db: sqlite_utils.Database, merged: Sequence[CatalogueEntry], at: datetime) -> int:
    """The stored catalogue merged again without news from any source (a schema step): entries and change log
    only; `stored_at` and `refreshed_at` keep saying when a refresh last stored one and had news. Runs inside
    the caller's transaction."""
    return _replace(db, stored_entries(db), merged, at.astimezone(UTC).isoformat())


def forget_sources(db: sqlite_utils.Database, keep: Sequence[str]) -> None:
    """Drop state of sources no longer configured (imports, named `import:...`, are kept)."""
    with db.conn:
        for row in list(db.query("SELECT name FROM sources")):
            if row["name"] not in keep and not row["name"].startswith("import:"):
                db.execute("DELETE FROM sources WHERE name = ?", [row["name"]])
                db.execute("DELETE FROM source_entries WHERE source = ?", [row["name"]])


def changes_since(db: sqlite_utils.Database, since: date | None) -> list[dict[str, Any]]:
    if "catalogue_changes" not in db.table_names():
        return []
    start = since.isoformat() if since else ""
    rows = db.query("SELECT * FROM catalogue_changes WHERE at >= ? ORDER BY at, id", [start])
    return [{"source": None} | row for row in rows]  # read-only opens of an old database lack `source`


def catalogue_version(db: sqlite_utils.Database) -> str | None:
    """A cheap token that differs whenever the stored catalogue (entries, meta, source health) may differ from
    when it was last read: the generation the triggers move, with when a catalogue was stored. None when no
    catalogue is stored or the database predates the generation table (never equal: load it every time)."""
    tables = set(db.table_names())
    if "catalogue_generation" not in tables or "catalogue_meta" not in tables:
        return None
    generation = db.execute("SELECT generation FROM catalogue_generation WHERE id = 1").fetchone()
    meta = dict(db.execute("SELECT key, value FROM catalogue_meta WHERE key IN ('stored_at', 'refreshed_at')"
                           ).fetchall())
    if generation is None or not meta:
        return None
    return f"{generation[0]}:{meta.get('stored_at')}:{meta.get('refreshed_at')}"


def catalogue_refreshed_at(db: sqlite_utils.Database) -> datetime | None:
    """When a refresh or import last had news from a source (a usable page, a 304, a list file)."""
    if "catalogue_meta" not in db.table_names():
        return None
    rows = list(db.query("SELECT value FROM catalogue_meta WHERE key = 'refreshed_at'"))
    return _time(rows[0]["value"]) if rows else None


def catalogue_stored(db: sqlite_utils.Database) -> bool:
    """True once any refresh or import has stored a catalogue, even one where every source failed."""
    if "catalogue_meta" not in db.table_names():
        return False
    return bool(db.execute("SELECT count(*) FROM catalogue_meta WHERE key IN ('stored_at', 'refreshed_at')"
                           ).fetchone()[0])


def sources_ok_at(db: sqlite_utils.Database) -> dict[str, datetime | None]:
    """When each source last gave a usable page (a good parse or a 304)."""
    if not _has_tables(db):
        return {}
    return {row["name"]: _time(row["ok_at"]) for row in db.query("SELECT name, ok_at FROM sources")}
