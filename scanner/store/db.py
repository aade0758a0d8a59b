"""Opening the state database: WAL, busy timeout, read-only mode, schema version checks and per-area setup."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from scanner.errors import StoreError
from scanner.store import migrations

BUSY_TIMEOUT_MS = 30_000


def open_database(path: Path, *, readonly: bool = False, older: bool = False) -> sqlite_utils.Database:
    """A sqlite-utils Database in WAL mode at this release's schema version. A writable open upgrades an earlier
    release's database in place; read-only opens never create or change the file, and refuse a database of an
    earlier schema version unless `older` (for callers that only show what they find). A database written by a
    newer kbscan is always refused (StoreError). See migrations.py."""
    return _open(path, readonly, older)[0]


def _open(path: Path, readonly: bool, older: bool = False) -> tuple[sqlite_utils.Database, bool]:
    """The database and whether it was opened as immutable (see _open_readonly)."""
    immutable = False
    conn: sqlite3.Connection | None = None
    try:
        if readonly:
            conn, immutable = _open_readonly(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db = sqlite_utils.Database(conn)
        if readonly:
            migrations.check_readable(db, path, older=older)
        else:
            db.enable_wal()
            conn.execute("PRAGMA synchronous = NORMAL")
            migrations.upgrade(db, path)
        return db, immutable
    except (sqlite3.Error, OSError) as e:
        if conn is not None:
            conn.close()
        raise StoreError(f"{path}: cannot open the state database: {e}; {_advice(e)}") from e
    except BaseException:
        if conn is not None:
            conn.close()
        raise


def _open_readonly(path: Path) -> tuple[sqlite3.Connection, bool]:
    """Read-only, also for a user who may not write state_dir (an admin's `kbscan scan` beside the
    service). WAL mode has to create the -shm file; when it cannot and no -wal file exists (so every
    commit is in the main file), the file is opened as immutable, and `connected` checks that it did
    not change while it was read."""
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"  # a '?' or '#' in the path is not the URI's
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # opens the file and the WAL index
        return conn, False
    except sqlite3.OperationalError:
        conn.close()
        if not path.exists() or Path(f"{path}-wal").exists():
            raise
    return sqlite3.connect(f"{uri}&immutable=1", uri=True), True


def _advice(error: Exception) -> str:
    """What to do about a SQLite or OS error, from its message."""
    text = str(error).lower()
    if "full" in text or "i/o" in text or "no space" in text:
        return "free space where state_dir is (SQLite reports a full disk as a disk I/O error)"
    if "locked" in text or "busy" in text:
        return "another kbscan holds it for long; try again"
    if "unable to open" in text or "readonly" in text or "read-only" in text or "permission" in text:
        return "check state_dir and that this user may read it (and write it, for refresh, import and the daemon)"
    return "check the file (sqlite3 kbscan.db 'PRAGMA integrity_check') or move it aside"


def _version(path: Path) -> tuple[int, int, bool]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns, Path(f"{path}-wal").exists()


@contextmanager
def connected(path: Path, *, readonly: bool = False, older: bool = False) -> Iterator[sqlite_utils.Database]:
    """`with connected(path) as db:` opens the state database (see open_database) and always closes it."""
    db, immutable = _open(path, readonly, older)
    before = _version(path) if immutable else None
    try:
        yield db
        if before is not None and _version(path) != before:
            raise StoreError(f"{path}: changed while read without write access (the daemon stored a scan or "
                             "a refresh meanwhile); run the command again")
    except sqlite3.Error as e:  # the transaction rolled back: the file holds the last complete state
        raise StoreError(f"{path}: {e}; nothing was half-written; {_advice(e)}") from e
    finally:
        db.conn.close()
