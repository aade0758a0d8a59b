"""Scan history: one row per scan, each host's current state, and status transitions (not snapshots)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

import sqlite_utils

from scanner.models import Report
from scanner.store.schema import SCHEMA_SETUP

_KB, _STATUS = attrgetter("kb"), attrgetter("status")
HostFindings = tuple[tuple[str, ...], tuple[str, ...]]  # a host's KBs and their statuses, in one order


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
        db.execute("CREATE TABLE IF NOT EXISTS history_meta (key TEXT PRIMARY KEY, value TEXT)")


SCHEMA_SETUP.append(setup)


@dataclass
class Recorded:
    """What the host_findings table holds after this process's last record_scan: per host its KBs and their
    statuses (in the report's order; KB tuples shared between hosts of one product), and the token stored
    with them. While the database holds the same token, record_scan diffs against this instead of reading
    every row; any other token (another process wrote, a restored file, a failed transaction) and it reads."""

    token: str | None = None
    findings: dict[str, HostFindings] = field(default_factory=dict)


def history_token(db: sqlite_utils.Database) -> str | None:
    """The token the last record_scan stored with host_findings (None before any, or from an older release)."""
    if "history_meta" not in db.table_names():
        return None
    row = db.execute("SELECT value FROM history_meta WHERE key = 'findings_token'").fetchone()
    return str(row[0]) if row else None


def _stored_findings(db: sqlite_utils.Database) -> dict[str, HostFindings]:
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for host, kb, status in db.conn.execute("SELECT host, kb, status FROM host_findings"):
        kbs, statuses = grouped.setdefault(host, ([], []))
        kbs.append(kb)
        statuses.append(status)
    return {host: (tuple(kbs), tuple(statuses)) for host, (kbs, statuses) in grouped.items()}


def _scan_row(report: Report, at: str, duration: float | None) -> list[Any]:
    return [at, report.as_of.isoformat(), report.catalogue.origin,
            report.catalogue.refreshed_at.isoformat() if report.catalogue.refreshed_at else None,
            report.catalogue.entries, len(report.hosts), report.hosts_with("compliant"),
            report.hosts_with("noncompliant"), report.hosts_with("unknown"), len(report.errors), duration]


_INSERT_SCAN = ("INSERT INTO scans (at, as_of, catalogue_origin, catalogue_refreshed_at, catalogue_entries, hosts, "
                "compliant, noncompliant, unknown, errors, duration, transitions) VALUES (?,?,?,?,?,?,?,?,?,?,?,0)")


def record_scan(db: sqlite_utils.Database, report: Report, memory: Recorded | None = None) -> int:
    """Record a scan and the transitions since the previous one, in one transaction; returns how many
    transitions. A host-level transition has kb NULL; a host no longer seen moves to 'gone'. With `memory`
    (the daemon's), the previous findings come from it when its token is the stored one, and it is updated
    once the transaction committed."""
    at = report.generated_at.astimezone(UTC).isoformat()
    token = uuid.uuid4().hex
    known = memory.token if memory is not None else None
    if memory is not None:
        memory.token = None  # until this transaction commits, the memory says nothing about the table
    with db.conn:
        scan_id = db.conn.execute(_INSERT_SCAN, _scan_row(report, at, report.duration_seconds)).lastrowid
        old_hosts = {row[0]: row[1] for row in db.conn.execute("SELECT host, status FROM host_status")}
        if memory is not None and known is not None and history_token(db) == known:
            old_findings = memory.findings
        else:
            old_findings = _stored_findings(db)
        rows: list[tuple[Any, ...]] = []
        for host in report.hosts:
            if old_hosts.get(host.host) != str(host.status):
                rows.append((scan_id, at, host.host, None, old_hosts.get(host.host), str(host.status)))
        seen = {h.host for h in report.hosts}
        rows += [(scan_id, at, host, None, status, "gone") for host, status in old_hosts.items()
                 if host not in seen and status != "gone"]
        db.conn.executemany("INSERT INTO transitions (scan_id, at, host, kb, old, new) VALUES (?,?,?,?,?,?)", rows)
        new_findings: dict[str, HostFindings] = {}
        transitions = len(rows)
        # a batch of hosts at a time: a first scan of 10,000 hosts has 5 million finding transitions, which as
        # lists of rows took 1.5 GB; the rows, ids and final table are those of one sorted list
        for kb_rows, deleted, written in _diff_findings(report, old_findings, seen, new_findings):
            db.conn.executemany("INSERT INTO transitions (scan_id, at, host, kb, old, new) VALUES (?,?,?,?,?,?)",
                                [(scan_id, at, host, kb, before, after) for host, kb, before, after in kb_rows])
            transitions += len(kb_rows)
            # Only what changed is written: a scan where nothing changed rewrites no finding row.
            db.conn.executemany("DELETE FROM host_findings WHERE host = ? AND kb = ?", deleted)
            db.conn.executemany("INSERT INTO host_findings (host, kb, status) VALUES (?,?,?) "
                                "ON CONFLICT (host, kb) DO UPDATE SET status = excluded.status", written)
        db.conn.executemany(
            "INSERT OR REPLACE INTO host_status (host, scan_id, status, missing, deferred, path, seen_at) "
            "VALUES (?,?,?,?,?,?,?)",
            [(h.host, scan_id, str(h.status), h.count("missing"), h.count("deferred"), h.inventory.path, at)
             for h in report.hosts])
        db.conn.executemany("UPDATE host_status SET status = 'gone', scan_id = ? WHERE host = ?",
                            [(scan_id, host) for host, status in old_hosts.items()
                             if host not in seen and status != "gone"])
        db.conn.execute("UPDATE scans SET transitions = ? WHERE id = ?", [transitions, scan_id])
        db.conn.execute("INSERT OR REPLACE INTO history_meta (key, value) VALUES ('findings_token', ?)", [token])
    if memory is not None:
        memory.findings, memory.token = new_findings, token
    return transitions


BATCH = 200  # hosts whose finding rows are made and written together (record_scan)


def _diff_findings(report: Report, old: dict[str, HostFindings], seen: set[str], new: dict[str, HostFindings]
                   ) -> Iterator[tuple[list[tuple[str, str, str | None, str]], list[tuple[str, str]],
                                       list[tuple[str, str, str]]]]:
    """Per batch of BATCH hosts, in the report's order: the finding transitions (host, kb, old, new) sorted,
    the rows to delete and the rows to write; `new` receives each host's findings as (KBs, statuses). A host
    whose KBs and statuses equal the previous ones (two C-level tuple comparisons) is done at once; any
    other is diffed KB by KB. The rows of hosts gone come last."""
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    transitions: list[tuple[str, str, str | None, str]] = []
    deleted: list[tuple[str, str]] = []
    written: list[tuple[str, str, str]] = []
    for index, host in enumerate(report.hosts, 1):
        kbs = tuple(map(_KB, host.findings))
        kbs = shared.setdefault(kbs, kbs)
        statuses = tuple(map(_STATUS, host.findings))
        new[host.host] = (kbs, statuses)
        previous = old.get(host.host)
        if not (previous is not None and previous[0] == kbs and previous[1] == statuses):
            before = {kb: str(status) for kb, status in zip(*previous, strict=True)} if previous is not None else {}
            after = {kb: str(status) for kb, status in zip(kbs, statuses, strict=True)}
            for kb in sorted(before.keys() | after.keys()):
                was, now = before.get(kb), after.get(kb)
                if was != now:
                    transitions.append((host.host, kb, was, now or "not applicable"))
                    if now is None:
                        deleted.append((host.host, kb))
                    else:
                        written.append((host.host, kb, now))
        if index % BATCH == 0 and (transitions or deleted or written):
            yield transitions, deleted, written
            transitions, deleted, written = [], [], []
    for name, (kbs, _) in old.items():
        if name not in seen:  # gone: its rows go, without finding transitions (the host's own says 'gone')
            deleted += [(name, kb) for kb in dict.fromkeys(kbs)]
    yield transitions, deleted, written


def record_unchanged(db: sqlite_utils.Database, report: Report, at: datetime, duration: float) -> None:
    """Record a scan that found nothing changed since `report` (the last one evaluated, whose host states and
    findings the tables hold): its row in `scans`, 0 transitions, so `kbscan status` shows when it ran."""
    with db.conn:
        db.conn.execute(_INSERT_SCAN, _scan_row(report, at.astimezone(UTC).isoformat(), duration))


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

