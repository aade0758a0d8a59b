"""Opening the state database: WAL, busy timeout, read-only mode and per-area schema setup."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from scanner.errors import StoreError

# Each area of the store (catalogue, history, ...) registers a function that creates its tables.
SCHEMA_SETUP: list[Callable[[sqlite_utils.Database], None]] = []
BUSY_TIMEOUT_MS = 30_000


def open_database(path: Path, *, readonly: bool = False) -> sqlite_utils.Database:
    """A sqlite-utils Database in WAL mode; read-only opens never create or change the file."""
    try:
        if readonly:
            uri = f"file:{quote(str(path.absolute()))}?mode=ro"  # a '?' or '#' in the path is not the URI's
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db = sqlite_utils.Database(conn)
        if not readonly:
            db.enable_wal()
            conn.execute("PRAGMA synchronous = NORMAL")
            for setup in SCHEMA_SETUP:
                setup(db)
        return db
    except (sqlite3.Error, OSError) as e:
        raise StoreError(f"{path}: cannot open the state database: {e}; check state_dir and its "
                         "permissions, or move a damaged file aside") from e


@contextmanager
def connected(path: Path, *, readonly: bool = False) -> Iterator[sqlite_utils.Database]:
    """`with connected(path) as db:` opens the state database and always closes it."""
    db = open_database(path, readonly=readonly)
    try:
        yield db
    except sqlite3.Error as e:  # the transaction rolled back: the file holds the last complete state
        hint = ("free space where state_dir is" if "full" in str(e) or "I/O" in str(e)
                else "another kbscan may hold it; try again" if "locked" in str(e)
                else "check the file (PRAGMA integrity_check) or move it aside")
        raise StoreError(f"{path}: {e}; nothing was half-written; {hint}") from e
    finally:
        db.conn.close()
