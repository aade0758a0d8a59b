"""Scan history: one row per scan, each host's current state, and status transitions (not snapshots)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from scanner.models import Report
from scanner.store.schema import SCHEMA_SETUP


def setup(db: sqlite_utils.Database) -> None:
    with db.conn:
        db.execute("""CREATE TABLE IF NOT EXISTS scans (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, as_of TEXT NOT NULL, catalogue_origin TEXT,
            catalogue_refreshed_at TEXT, catalogue_entries INTEGER, hosts INTEGER, compliant INTEGER,
            noncompliant INTEGER, unknown INTEGER, errors INTEGER, duration REAL, transitions INTEGER)""")
        db.execute("""CREATE TABLE IF NOT EXISTS host_status (
            host TEXT PRIMARY KEY, scan_id INTEGER, status TEXT, missing INTEGER, deferred INTEGER,
            path TEXT, seen_at TEXT)""")
        db.execute("""CREATE TABLE IF NOT EXISTS host_findings (
            host TEXT NOT NULL, kb TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (host, kb))""")
        db.execute("""CREATE TABLE IF NOT EXISTS transitions (
            id INTEGER PRIMARY KEY, scan_id INTEGER NOT NULL, at TEXT NOT NULL, host TEXT NOT NULL, kb TEXT,
            old TEXT, new TEXT)""")
        db.execute("CREATE INDEX IF NOT EXISTS transitions_host ON transitions (host, at)")
        db.execute("CREATE INDEX IF NOT EXISTS transitions_scan ON transitions (scan_id)")
        db.execute("CREATE TABLE IF NOT EXISTS daemon_state (key TEXT PRIMARY KEY, value TEXT)")


SCHEMA_SETUP.append(setup)


def record_scan(db: sqlite_utils.Database, report: Report) -> int:
    """Record a scan and the transitions since the previous one, in one transaction; returns how many
    transitions. A host-level transition has kb NULL; a host no longer seen moves to 'gone'."""
    at = report.generated_at.astimezone(UTC).isoformat()
    with db.conn:
        cursor = db.conn.execute(
            "INSERT INTO scans (at, as_of, catalogue_origin, catalogue_refreshed_at, catalogue_entries, hosts, "
            "compliant, noncompliant, unknown, errors, duration, transitions) VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
            [at, report.as_of.isoformat(), report.catalogue.origin,
             report.catalogue.refreshed_at.isoformat() if report.catalogue.refreshed_at else None,
             report.catalogue.entries, len(report.hosts), report.hosts_with("compliant"),
             report.hosts_with("noncompliant"), report.hosts_with("unknown"), len(report.errors),
             report.duration_seconds])
        scan_id = cursor.lastrowid
        old_hosts = {row[0]: row[1] for row in db.conn.execute("SELECT host, status FROM host_status")}
        old_findings: dict[tuple[str, str], str] = {
            (row[0], row[1]): row[2] for row in db.conn.execute("SELECT host, kb, status FROM host_findings")}
        rows: list[tuple[Any, ...]] = []
        new_findings: dict[tuple[str, str], str] = {}
        for host in report.hosts:
            if old_hosts.get(host.host) != str(host.status):
                rows.append((scan_id, at, host.host, None, old_hosts.get(host.host), str(host.status)))
            for finding in host.findings:
                new_findings[(host.host, finding.kb)] = str(finding.status)
        seen = {h.host for h in report.hosts}
        rows += [(scan_id, at, host, None, status, "gone") for host, status in old_hosts.items()
                 if host not in seen and status != "gone"]
        for key in sorted(set(old_findings) | set(new_findings)):
            before, after = old_findings.get(key), new_findings.get(key)
            if before != after and key[0] in seen:
                rows.append((scan_id, at, key[0], key[1], before, after or "not applicable"))
        db.conn.executemany("INSERT INTO transitions (scan_id, at, host, kb, old, new) VALUES (?,?,?,?,?,?)", rows)
        db.conn.executemany(
            "INSERT OR REPLACE INTO host_status (host, scan_id, status, missing, deferred, path, seen_at) "
            "VALUES (?,?,?,?,?,?,?)",
            [(h.host, scan_id, str(h.status), h.count("missing"), h.count("deferred"), h.inventory.path, at)
             for h in report.hosts])
        db.conn.executemany("UPDATE host_status SET status = 'gone', scan_id = ? WHERE host = ?",
                            [(scan_id, host) for host, status in old_hosts.items()
                             if host not in seen and status != "gone"])
        # Only what changed is written: a scan where nothing changed rewrites no finding row.
        db.conn.executemany("DELETE FROM host_findings WHERE host = ? AND kb = ?",
                            [key for key in old_findings if key not in new_findings])
        db.conn.executemany("INSERT INTO host_findings (host, kb, status) VALUES (?,?,?) "
                            "ON CONFLICT (host, kb) DO UPDATE SET status = excluded.status",
                            [(*key, status) for key, status in new_findings.items() if old_findings.get(key) != status])
        db.conn.execute("UPDATE scans SET transitions = ? WHERE id = ?", [len(rows), scan_id])
    return len(rows)


def prune(db: sqlite_utils.Database, before: datetime) -> int:
    """Drop scans older than `before` (retention) with their transitions, and hosts gone since then;
    the latest scan and every current host state stay. Returns how many transitions went."""
    stamp = before.astimezone(UTC).isoformat()
    with db.conn:
        keep = db.conn.execute("SELECT coalesce((SELECT min(id) FROM scans WHERE at >= ?), "
                               "(SELECT max(id) FROM scans))", [stamp]).fetchone()[0]
        if keep is None:
            return 0
        removed = db.conn.execute("DELETE FROM transitions WHERE scan_id < ?", [keep]).rowcount
        db.conn.execute("DELETE FROM scans WHERE id < ?", [keep])
        db.conn.execute("DELETE FROM host_status WHERE status = 'gone' AND seen_at < ?", [stamp])
    return int(removed)


def host_history(db: sqlite_utils.Database, host: str, limit: int = 100) -> list[dict[str, Any]]:
    if "transitions" not in db.table_names():
        return []
    return list(db.query("SELECT at, kb, old, new FROM transitions WHERE host = ? ORDER BY id DESC LIMIT ?",
                         [host, limit]))


def last_scan(db: sqlite_utils.Database) -> dict[str, Any] | None:
    if "scans" not in db.table_names():
        return None
    rows = list(db.query("SELECT * FROM scans ORDER BY id DESC LIMIT 1"))
    return rows[0] if rows else None


def hosts_by_status(db: sqlite_utils.Database) -> dict[str, int]:
    """Current hosts per status, `gone` included (hosts no longer in the inventory)."""
    if "host_status" not in db.table_names():
        return {}
    return {row[0]: row[1] for row in db.conn.execute("SELECT status, count(*) FROM host_status GROUP BY status")}


def set_state(db: sqlite_utils.Database, values: dict[str, str], drop: tuple[str, ...] = ()) -> None:
    """The daemon's bookkeeping (pid, next run times); `drop` removes keys, e.g. next runs on exit."""
    with db.conn:
        db.conn.executemany("DELETE FROM daemon_state WHERE key = ?", [(key,) for key in drop])
        db.conn.executemany("INSERT OR REPLACE INTO daemon_state (key, value) VALUES (?, ?)", list(values.items()))


def get_state(db: sqlite_utils.Database) -> dict[str, str]:
    if "daemon_state" not in db.table_names():
        return {}
    return {row["key"]: row["value"] for row in db.query("SELECT key, value FROM daemon_state")}

