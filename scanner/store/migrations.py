"""The state database's schema version: the ordered upgrade steps, their log, and which versions an open accepts.

The version is the number of steps applied, kept in `PRAGMA user_version`; each step is recorded by name with the
time it was applied in `_sqlite_migrations` (sqlite-utils' Migrations, which runs each step in a savepoint with
its record). A writable open applies every pending step and sets the version in one `BEGIN IMMEDIATE`
transaction: a crash or a failing step leaves the file exactly as the earlier release wrote it. Then, as on
every writable open, each area's SCHEMA_SETUP creates the tables that do not exist yet, in their current shape.

Adding a step: append `(name, function)` to STEPS, never reorder or rename one that shipped. A step changes what
an earlier release left (columns, data); it must do nothing where its tables do not exist yet (a fresh state_dir,
whose tables SCHEMA_SETUP creates after the steps), and use `db.execute` or sqlite-utils table methods, never
`with db.conn:` (that commits the open transaction; the upgrade refuses a step that did). A new table needs no
step: its CREATE goes into its area's setup function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from scanner.embedded import load_embedded
from scanner.errors import StoreError
from scanner.merge import SourceEntries, merge
from scanner.store import cache, history
from scanner.store import catalogue as catalogue_store
from scanner.store.schema import SCHEMA_SETUP

log = logging.getLogger(__name__)

LOG_TABLE = Migrations.migrations_table
_SET = "kbscan"
_AREAS = (catalogue_store, history, cache)  # imported for their SCHEMA_SETUP entries: every open creates every table


def _release_before_versioning(db: sqlite_utils.Database) -> None:
    """Step 1: the state of release 508f267 (no version) and of releases older still, patched as that release's
    setup patched them on every open."""
    catalogue_store.upgrade_unversioned(db)


def _remerge_catalogue(db: sqlite_utils.Database) -> None:
    """Step 2: the stored catalogue merged again from each source's stored last good parse with this release's
    merge (conflicting facts independent of source order, the earliest release date: DESIGN.md 3a). The
    configured source order is not known here and no longer matters to the merge; sources go by name."""
    if not catalogue_store.catalogue_stored(db):
        return
    sources = []
    for health in catalogue_store.source_health(db):
        state = catalogue_store.source_state(db, health.name)
        if state.entries:
            sources.append(SourceEntries(state.name, state.entries, state.includes))
    curated, _ = load_embedded()
    changes = catalogue_store.replace_catalogue(db, merge(curated, sources), datetime.now(UTC))
    log.info("upgrade: the stored catalogue merged again from %d sources' last good entries: %d changes",
             len(sources), changes)


# The order is the version: never reorder, rename or remove a step that shipped; append new ones.
STEPS: tuple[tuple[str, Callable[[sqlite_utils.Database], None]], ...] = (
    ("0001_release_before_versioning", _release_before_versioning),
    ("0002_remerge_catalogue", _remerge_catalogue),
)
SCHEMA_VERSION = len(STEPS)


class _StepFailed(Exception):
    def __init__(self, number: int, name: str, committed: bool = False) -> None:
        super().__init__(f"step {number} '{name}'")
        self.committed = committed


def _migrations() -> Migrations:
    migrations = Migrations(_SET)
    for number, (name, step) in enumerate(STEPS, 1):
        migrations(name=name)(_named(number, name, step))
    return migrations


def _named(number: int, name: str, step: Callable[[sqlite_utils.Database], None]
           ) -> Callable[[sqlite_utils.Database], None]:
    def run(db: sqlite_utils.Database) -> None:
        try:
            step(db)
        except Exception as e:
            raise _StepFailed(number, name) from e
        if not db.conn.in_transaction:  # a step that committed broke the all-or-nothing upgrade
            raise _StepFailed(number, name, committed=True) from RuntimeError(
                "the step committed the upgrade's transaction (`with db.conn:`?)")
    run.__name__ = name
    return run


@dataclass(frozen=True)
class SchemaState:
    """What a database says about its schema: `version` (PRAGMA user_version), the steps it recorded
    ((name, applied_at), oldest first), and the recorded names this kbscan does not know."""

    version: int
    applied: tuple[tuple[str, str], ...]
    unknown: tuple[str, ...]

    @property
    def newer(self) -> bool:
        return self.version > SCHEMA_VERSION or bool(self.unknown)

    @property
    def current(self) -> bool:
        return self.version == SCHEMA_VERSION and not self.unknown


def schema_state(db: sqlite_utils.Database) -> SchemaState:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    applied: tuple[tuple[str, str], ...] = ()
    if LOG_TABLE in db.table_names():
        applied = tuple((str(row[0]), str(row[1])) for row in db.execute(
            f"SELECT name, applied_at FROM [{LOG_TABLE}] WHERE migration_set = ? ORDER BY rowid", [_SET]))
    known = {name for name, _ in STEPS}
    return SchemaState(version, applied, tuple(name for name, _ in applied if name not in known))


def _refuse_newer(path: Path, state: SchemaState) -> None:
    if not state.newer:
        return
    steps = f" (steps this one does not know: {', '.join(state.unknown)})" if state.unknown else ""
    raise StoreError(f"{path}: the state database is at schema version {state.version}, written by a newer kbscan "
                     f"than this one, which knows versions up to {SCHEMA_VERSION}{steps}; nothing was changed. "
                     "Upgrade kbscan to the release that wrote it (or newer), or point state_dir at another "
                     "directory")


def _has_tables(db: sqlite_utils.Database) -> bool:
    return bool(db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])


def check_readable(db: sqlite_utils.Database, path: Path, *, older: bool = False) -> SchemaState:
    """For a read-only open, which never migrates: a newer database is refused; an older one is refused too
    unless `older` (the caller only shows what it finds, as `status` does), because its catalogue was merged
    by older rules that this release fixed (DESIGN.md 3a). A file with no tables holds nothing to misread."""
    state = schema_state(db)
    _refuse_newer(path, state)
    if not state.current and not older and _has_tables(db):
        raise StoreError(f"{path}: the state database is at schema version {state.version}, older than this "
                         f"kbscan's {SCHEMA_VERSION}: an earlier release wrote it, and commands that only read "
                         "do not upgrade it. It is upgraded in place by the first command that writes it: restart "
                         "the service (kbscan daemon), or run 'kbscan catalogue refresh' as the user that owns "
                         "state_dir; then run this again")
    return state


def upgrade(db: sqlite_utils.Database, path: Path) -> SchemaState:
    """For a writable open: apply the pending steps and set the version in one transaction, then create the
    tables that do not exist yet; a database written by a newer kbscan is refused untouched."""
    state = schema_state(db)
    _refuse_newer(path, state)
    if state.current:
        _setup(db)
        return state
    db.execute("BEGIN IMMEDIATE")  # the write lock before reading the version again: one process upgrades
    try:
        before = schema_state(db)
        _refuse_newer(path, before)
        _migrations().apply(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException as e:
        db.rollback()
        if isinstance(e, _StepFailed):
            cause = e.__cause__
            outcome = ("the steps before it may be in the file (a bug in kbscan)" if e.committed else
                       "nothing was changed (the file is as the earlier release left it, and that release still "
                       "runs on it)")
            raise StoreError(f"{path}: upgrading the state database from schema version {before.version} to "
                             f"{SCHEMA_VERSION} failed at {e}: {type(cause).__name__}: {cause}; {outcome}. Report "
                             "this with the file, or move the file aside to start with an empty state") from cause
        raise
    if before.version != SCHEMA_VERSION:
        log.info("%s: upgraded the state database from schema version %d to %d", path, before.version,
                 SCHEMA_VERSION)
    _setup(db)
    return schema_state(db)


def _setup(db: sqlite_utils.Database) -> None:
    """Each area's tables that do not exist yet, in their current shape (every writable open, as before versions)."""
    for setup in SCHEMA_SETUP:
        setup(db)
