"""The catalogue's tables: round trips, one transaction per refresh, last good parses, change rows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scanner.errors import StoreError
from scanner.models import CatalogueEntry, Kind, SourceHealth
from scanner.store import catalogue as store
from scanner.store.catalogue import (
    SourceRecord,
    catalogue_version,
    changes_since,
    entry_from_json,
    entry_to_json,
    forget_sources,
    load_catalogue,
    save_refresh,
    source_state,
    sources_ok_at,
)
from scanner.store.db import connected

T1, T2 = datetime(2014, 1, 10, 4, tzinfo=UTC), datetime(2014, 1, 11, 4, tzinfo=UTC)
ROLLUP = CatalogueEntry(kb="KB2903938", title="Windows RT, Windows 8, and Windows Server 2012 update rollup: "
                        "December 2013", kind=Kind.UPDATE_ROLLUP, released=date(2013, 12, 10),
                        products=("win8", "ws2012"), sources=("cluster",))
MEMBER = CatalogueEntry(kb="KB2898774", title="Data loss on a SCSI disk", products=("ws2012",),
                        roles=("failover-clustering",), included_in=("KB2903938",), standalone=False,
                        download=("http://download.microsoft.com/x.msu",), sources=("cluster", "blog"),
                        provenance={"included_in": ("blog",)}, notes="listed 2013-12-10")


def record(name: str, entries: tuple[CatalogueEntry, ...] | None, state: str = "ok",
           includes: tuple[tuple[str, str], ...] = ()) -> SourceRecord:
    health = SourceHealth(name, f"http://kb.test/{name}", state, T1, 200 if entries is not None else None,
                          len(entries or ()), "")
    return SourceRecord(health, "update-list", etag='"e1"', entries=entries, includes=includes,
                        ok=entries is not None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "kbscan.db"


@pytest.mark.parametrize("entry", [ROLLUP, MEMBER, CatalogueEntry(kb="KB1234567", title="")])
def test_entries_round_trip_through_json(entry: CatalogueEntry):
    assert entry_from_json(entry_to_json(entry)) == entry


def test_no_catalogue_before_the_first_refresh(db_path: Path):
    with connected(db_path) as db:
        assert load_catalogue(db) is None
        assert source_state(db, "cluster").entries == ()
    with connected(db_path, readonly=True) as db:
        assert load_catalogue(db) is None


def test_a_refresh_stores_sources_entries_catalogue_and_changes(db_path: Path):
    with connected(db_path) as db:
        written = save_refresh(db, [record("cluster", (ROLLUP, MEMBER), includes=(("KB2903938", "KB2898774"),))],
                               [MEMBER, ROLLUP], T1)
        assert written == 2
        catalogue = load_catalogue(db)
        assert catalogue is not None
        assert list(catalogue.entries.values()) == [MEMBER, ROLLUP]
        assert (catalogue.info.origin, catalogue.info.entries, catalogue.info.refreshed_at) == ("database", 2, T1)
        assert [(s.name, s.state, s.http_status, s.entries) for s in catalogue.info.sources] == [
            ("cluster", "ok", 200, 2)]
        state = source_state(db, "cluster")
        assert (state.etag, state.entries, state.includes) == ('"e1"', (MEMBER, ROLLUP), (("KB2903938", "KB2898774"),))
        assert [(r["kb"], r["change"], r["source"]) for r in changes_since(db, None)] == [
            ("KB2898774", "added", "cluster, blog"), ("KB2903938", "added", "cluster")]


def test_changed_and_removed_entries_are_logged_with_the_source_of_the_fact(db_path: Path):
    newer = CatalogueEntry(**{**MEMBER.__dict__, "included_in": ("KB2903938", "KB2911101")})
    with connected(db_path) as db:
        save_refresh(db, [record("cluster", (ROLLUP, MEMBER))], [MEMBER, ROLLUP], T1)
        assert save_refresh(db, [record("cluster", (newer,))], [newer], T2) == 2
        rows = [(r["at"][:10], r["kb"], r["change"], r["field"], r["old"], r["new"], r["source"])
                for r in changes_since(db, T2.date())]
    assert rows == [
        ("2014-01-11", "KB2898774", "changed", "included_in", '["KB2903938"]', '["KB2903938", "KB2911101"]', "blog"),
        ("2014-01-11", "KB2903938", "removed", None, ROLLUP.title, None, "cluster")]


def test_a_failed_source_keeps_its_last_good_parse_and_when_it_was_ok(db_path: Path):
    with connected(db_path) as db:
        save_refresh(db, [record("cluster", (ROLLUP,), includes=(("KB2903938", "KB2898774"),))], [ROLLUP], T1)
        save_refresh(db, [record("cluster", None, state="failed")], [ROLLUP], T2)
        state = source_state(db, "cluster")
        assert (state.entries, state.includes, state.health and state.health.state) == (
            (ROLLUP,), (("KB2903938", "KB2898774"),), "failed")
        assert sources_ok_at(db) == {"cluster": T1}


def test_a_crash_during_the_write_leaves_the_previous_catalogue_whole(db_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    with connected(db_path) as db:
        save_refresh(db, [record("cluster", (ROLLUP,))], [ROLLUP], T1)
    calls = []

    def failing(entry: CatalogueEntry) -> str:
        calls.append(entry.kb)
        if len(calls) == 3:
            raise sqlite3.OperationalError("disk I/O error")
        return entry_to_json(entry)

    monkeypatch.setattr(store, "entry_to_json", failing)
    with connected(db_path) as db, pytest.raises(sqlite3.OperationalError):
        save_refresh(db, [record("cluster", (MEMBER, ROLLUP), state="ok")], [MEMBER, ROLLUP], T2)
    with connected(db_path, readonly=True) as db:
        catalogue = load_catalogue(db)
        assert catalogue is not None and list(catalogue.entries) == ["KB2903938"]
        assert catalogue.info.refreshed_at == T1
        assert source_state(db, "cluster").entries == (ROLLUP,)
        assert len(changes_since(db, None)) == 1


def test_forgetting_unconfigured_sources_keeps_imports(db_path: Path):
    with connected(db_path) as db:
        save_refresh(db, [record("old", (ROLLUP,)), record("import:list.xml", (MEMBER,)), record("kept", (ROLLUP,))],
                     [MEMBER, ROLLUP], T1)
        forget_sources(db, ["kept"])
        assert [s.name for s in store.source_health(db)] == ["import:list.xml", "kept"]
        assert source_state(db, "old").entries == ()


def test_a_database_from_before_the_source_column_is_migrated(db_path: Path):
    db_path.parent.mkdir(parents=True)
    old = sqlite3.connect(db_path)
    old.execute("CREATE TABLE catalogue_changes (id INTEGER PRIMARY KEY, at TEXT NOT NULL, kb TEXT NOT NULL, "
                "change TEXT NOT NULL, field TEXT, old TEXT, new TEXT)")
    old.execute("INSERT INTO catalogue_changes (at, kb, change, new) VALUES ('2014-01-01T00:00:00', 'KB1', "
                "'added', 'x')")
    old.commit()
    old.close()
    with pytest.raises(StoreError, match="schema version 0, older than"), connected(db_path, readonly=True):
        pass  # read-only opens never migrate
    with connected(db_path, readonly=True, older=True) as db:  # ... and, where asked to, read it as it is
        assert [r["source"] for r in changes_since(db, None)] == [None]
    with connected(db_path) as db:  # schema step 1 adds the column
        assert "source" in db["catalogue_changes"].columns_dict
        save_refresh(db, [record("cluster", (ROLLUP,))], [ROLLUP], T1)
        assert [r["source"] for r in changes_since(db, None)] == [None, "cluster"]


def test_the_catalogue_version_moves_with_every_write_to_what_a_scan_loads_and_only_then(db_path: Path):
    with connected(db_path) as db:
        assert catalogue_version(db) is None  # nothing stored: never equal to a loaded one
        save_refresh(db, [record("cluster", (ROLLUP,))], [ROLLUP], T1)
        first = catalogue_version(db)
        load_catalogue(db)
        assert catalogue_version(db) == first is not None  # reading changes nothing
        save_refresh(db, [record("cluster", (ROLLUP,))], [ROLLUP], T1)  # the same again, even at the same time
        second = catalogue_version(db)
        forget_sources(db, [])
        third = catalogue_version(db)
        with db.conn:  # a write by code that knows nothing of versions (a schema step, another release)
            db.execute("UPDATE catalogue_entries SET data = data")
    with connected(db_path, readonly=True) as db:
        fourth = catalogue_version(db)
    assert len({first, second, third, fourth}) == 4
