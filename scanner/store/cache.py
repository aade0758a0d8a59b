"""The inventory cache's table: per file path, its size, mtime, content hash and parsed result."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils

from scanner.store.schema import SCHEMA_SETUP


def setup(db: sqlite_utils.Database) -> None:
    with db.conn:
        db.execute("""CREATE TABLE IF NOT EXISTS inventory_cache (
            path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT, data TEXT NOT NULL)""")


SCHEMA_SETUP.append(setup)


def load(db: sqlite_utils.Database) -> dict[str, tuple[int, int, str, Any]]:
    if "inventory_cache" not in db.table_names():
        return {}
    return {row[0]: (row[1], row[2], row[3], json.loads(row[4]))
            for row in db.conn.execute("SELECT path, size, mtime_ns, digest, data FROM inventory_cache")}


def save(db: sqlite_utils.Database, changed: Mapping[str, tuple[int, int, str, Any]], gone: Iterable[str]) -> None:
    with db.conn:
        db.conn.executemany("DELETE FROM inventory_cache WHERE path = ?", [(path,) for path in gone])
        db.conn.executemany(
            "INSERT OR REPLACE INTO inventory_cache (path, size, mtime_ns, digest, data) VALUES (?,?,?,?,?)",
            [(path, size, mtime, digest, json.dumps(data)) for path, (size, mtime, digest, data) in changed.items()])
