"""Scan history: transitions only when something changes, hosts that vanish, retention."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scanner.evaluate import Policy, evaluate_fleet
from scanner.models import HostInventory, InstalledUpdate
from scanner.store.db import open_database
from scanner.store.history import (
    Recorded,
    history_token,
    host_history,
    hosts_by_status,
    last_scan,
    prune,
    record_scan,
)
from tests.seed import seed_catalogue

ROLES = ("hyper-v", "failover-clustering")


def report(at: datetime, hosts: dict[str, tuple[str, ...]]):  # type: ignore[no-untyped-def]
    inventories = [HostInventory(h, f"{h}.json", "kbscan-json", tuple(InstalledUpdate(k) for k in kbs), os="ws2012",
                                 roles=ROLES) for h, kbs in hosts.items()]
    return evaluate_fleet(seed_catalogue(), inventories, [], Policy.at(date(2013, 12, 20)), at)


def test_transitions_are_stored_per_change_not_per_scan(tmp_path: Path):
    db = open_database(tmp_path / "kbscan.db")
    t1, t2, t3 = (datetime(2013, 12, d, 8, tzinfo=UTC) for d in (18, 19, 20))
    assert record_scan(db, report(t1, {"HV01": ("KB2779069",)})) == 8  # host + 7 findings appear
    assert record_scan(db, report(t2, {"HV01": ("KB2779069",)})) == 0  # nothing changed
    assert record_scan(db, report(t3, {"HV01": ("KB2779069", "KB2908415")})) == 1
    assert [(r["kb"], r["old"], r["new"]) for r in host_history(db, "HV01", 2)] == [
        ("KB2908415", "missing", "installed"), ("KB2908415", None, "missing")]
    assert db.execute("SELECT count(*) FROM transitions").fetchone()[0] == 9
    assert last_scan(db)["transitions"] == 1  # type: ignore[index]


def test_a_host_that_disappears_is_marked_gone_once(tmp_path: Path):
    db = open_database(tmp_path / "kbscan.db")
    record_scan(db, report(datetime(2013, 12, 18, tzinfo=UTC), {"HV01": (), "HV02": ()}))
    assert record_scan(db, report(datetime(2013, 12, 19, tzinfo=UTC), {"HV01": ()})) == 1
    assert record_scan(db, report(datetime(2013, 12, 20, tzinfo=UTC), {"HV01": ()})) == 0
    assert host_history(db, "HV02", 1)[0]["new"] == "gone"


def test_retention_prunes_old_scans_and_transitions(tmp_path: Path):
    db = open_database(tmp_path / "kbscan.db")
    record_scan(db, report(datetime(2013, 1, 1, tzinfo=UTC), {"HV01": ()}))
    latest = replace(report(datetime(2013, 12, 20, tzinfo=UTC), {"HV01": ("KB2779069",)}))
    record_scan(db, latest)
    assert prune(db, datetime(2013, 6, 1, tzinfo=UTC)) == 8
    assert [r["new"] for r in host_history(db, "HV01")] == ["installed"]
    assert db.execute("SELECT count(*) FROM scans").fetchone()[0] == 1


def test_a_scan_where_nothing_changed_rewrites_no_finding_row(tmp_path: Path):
    db = open_database(tmp_path / "kbscan.db")
    db.execute("CREATE TABLE writes (n INTEGER)")
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER count_{event.lower()} AFTER {event} ON host_findings "
                   "BEGIN INSERT INTO writes VALUES (1); END")
    fleet = {"HV01": ("KB2779069",), "HV02": ()}
    record_scan(db, report(datetime(2013, 12, 18, tzinfo=UTC), fleet))
    first = db.execute("SELECT count(*) FROM writes").fetchone()[0]
    record_scan(db, report(datetime(2013, 12, 19, tzinfo=UTC), fleet))
    assert db.execute("SELECT count(*) FROM writes").fetchone()[0] == first == 14
    record_scan(db, report(datetime(2013, 12, 20, tzinfo=UTC), {"HV01": ("KB2779069", "KB2908415"), "HV02": ()}))
    assert db.execute("SELECT count(*) FROM writes").fetchone()[0] == first + 1
    assert db.execute("SELECT status FROM host_findings WHERE host = 'HV01' AND kb = 'KB2908415'").fetchone()[0] \
        == "installed"


def test_retention_keeps_the_latest_scan_and_forgets_hosts_gone_before_it(tmp_path: Path):
    db = open_database(tmp_path / "kbscan.db")
    record_scan(db, report(datetime(2013, 1, 1, tzinfo=UTC), {"HV01": (), "OLD": ()}))
    record_scan(db, report(datetime(2013, 1, 2, tzinfo=UTC), {"HV01": ()}))  # OLD is gone from here on
    assert hosts_by_status(db) == {"noncompliant": 1, "gone": 1}
    prune(db, datetime(2013, 12, 1, tzinfo=UTC))  # both scans are older: the latest one stays
    assert [row["id"] for row in db.query("SELECT id FROM scans")] == [2]
    assert hosts_by_status(db) == {"noncompliant": 1}
    recorded = db.execute("SELECT coalesce(sum(transitions), 0) FROM scans").fetchone()[0]
    assert db.execute("SELECT count(*) FROM transitions").fetchone()[0] == recorded == 1
    assert [row["new"] for row in host_history(db, "OLD")] == ["gone"]  # the latest scan keeps its own


def dump(db):  # type: ignore[no-untyped-def]
    """Every row in the order written (transitions' order is what `kbscan history` shows)."""
    return {table: db.execute(f"SELECT {columns} FROM {table} ORDER BY rowid").fetchall() for table, columns in
            (("transitions", "scan_id, at, host, kb, old, new"), ("host_findings", "host, kb, status"),
             ("host_status", "host, scan_id, status, missing, deferred, path, seen_at"),
             ("scans", "id, at, transitions"))}


SEQUENCE = [  # a host gains a KB, one goes, one comes back, the catalogue shrinks to the products of a new day
    {"HV01": ("KB2779069",), "HV02": ()},
    {"HV01": ("KB2779069", "KB2908415"), "HV02": ()},
    {"HV01": ("KB2779069", "KB2908415")},
    {"HV01": ("KB2779069",), "HV02": ("KB2903938",), "HV03": ()},
    {"HV01": ("KB2779069",), "HV02": ("KB2903938",), "HV03": ()},
]


def test_the_daemons_memory_of_the_findings_gives_what_reading_them_gives(tmp_path: Path):
    with_memory, without = open_database(tmp_path / "a.db"), open_database(tmp_path / "b.db")
    memory = Recorded()
    for day, hosts in enumerate(SEQUENCE, 10):
        scan = report(datetime(2013, 12, day, 8, tzinfo=UTC), hosts)
        assert record_scan(with_memory, scan, memory) == record_scan(without, scan)
        assert memory.token == history_token(with_memory) is not None
    assert dump(with_memory) == dump(without)
    assert len(dump(without)["transitions"]) > 9


def test_the_memory_is_not_trusted_once_another_process_wrote_the_findings(tmp_path: Path):
    db = open_database(tmp_path / "kbscan.db")
    memory = Recorded()
    record_scan(db, report(datetime(2013, 12, 18, tzinfo=UTC), {"HV01": ("KB2779069",)}), memory)
    other = open_database(tmp_path / "kbscan.db")  # e.g. a daemon of another release, then this one again
    record_scan(other, report(datetime(2013, 12, 19, tzinfo=UTC), {"HV01": ("KB2779069", "KB2908415")}))
    transitions = record_scan(db, report(datetime(2013, 12, 20, tzinfo=UTC), {"HV01": ("KB2779069",)}), memory)
    assert transitions == 1  # installed -> missing as the table says, not "nothing changed" as the memory said
    assert [(r["kb"], r["old"], r["new"]) for r in host_history(db, "HV01", 1)] == [
        ("KB2908415", "installed", "missing")]


def test_a_failed_transaction_leaves_the_memory_unusable(tmp_path: Path):
    db = open_database(tmp_path / "kbscan.db")
    memory = Recorded()
    record_scan(db, report(datetime(2013, 12, 18, tzinfo=UTC), {"HV01": ("KB2779069",)}), memory)
    db.execute("CREATE TRIGGER refuse BEFORE INSERT ON transitions BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.IntegrityError):
        record_scan(db, report(datetime(2013, 12, 19, tzinfo=UTC), {"HV01": ("KB2779069", "KB2908415")}), memory)
    assert memory.token is None
    db.execute("DROP TRIGGER refuse")
    assert record_scan(db, report(datetime(2013, 12, 20, tzinfo=UTC), {"HV01": ("KB2779069", "KB2908415")}),
                       memory) == 1


def test_rows_written_a_batch_of_hosts_at_a_time_are_those_of_one_batch(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    """record_scan writes finding rows per BATCH hosts (memory at 10,000 hosts); ids, order and tables must
    be what one batch of every host writes."""
    from scanner.store import history

    databases = {}
    for batch in (1, 2, 10_000):
        monkeypatch.setattr(history, "BATCH", batch)
        databases[batch] = db = open_database(tmp_path / f"{batch}.db")
        for day, hosts in enumerate(SEQUENCE, 10):
            record_scan(db, report(datetime(2013, 12, day, 8, tzinfo=UTC), hosts))
    assert dump(databases[1]) == dump(databases[2]) == dump(databases[10_000])
    assert len(dump(databases[1])["transitions"]) > 9
