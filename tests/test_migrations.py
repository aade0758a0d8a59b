"""Upgrades keep state (DESIGN.md 3b): a state_dir written by release 508f267, the last without a schema version,
is upgraded in place by the current code, keeps every history row and the last good catalogue, and a database
from a newer release is refused. The fixture was made by running that release (tests/data/state/)."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from scanner.embedded import load_embedded
from scanner.errors import StoreError
from scanner.merge import SourceEntries, merge
from scanner.models import kb_sort_key
from scanner.store import migrations
from scanner.store.catalogue import load_catalogue, source_health, source_state
from scanner.store.db import connected
from tests.seed import seed_only  # noqa: F401  (the fixture)

REPO = Path(__file__).resolve().parents[1]
RELEASE = REPO / "tests" / "data" / "state" / "release-508f267"
STEP_NAMES = [name for name, _ in migrations.STEPS]  # later releases append theirs
V, NEXT = migrations.SCHEMA_VERSION, migrations.SCHEMA_VERSION + 1
HISTORY = ("scans", "host_status", "host_findings", "transitions", "daemon_state", "inventory_cache")
SOURCES = ("sources", "source_entries")


def dump(database: Path) -> dict[str, Any]:
    """Every row of every table (in rowid order), the schema text and the version: the whole file's content."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        content: dict[str, Any] = {table: conn.execute(f"SELECT * FROM [{table}] ORDER BY rowid").fetchall()
                                   for table in tables}
        content["-schema"] = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        content["-user_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
    return content


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A copy of the old release's state_dir and inventory (tests never change the fixture itself)."""
    shutil.copytree(RELEASE, tmp_path / "release")
    return tmp_path / "release" / "state" / "kbscan.db"


def write_config(database: Path) -> Path:
    config = database.parent.parent / "config.toml"
    config.write_text(f'state_dir = "{database.parent}"\nsources = []\n[inventory]\n'
                      f'paths = ["{database.parent.parent / "inventory"}"]\n[schedule]\nscan = "1 second"\n')
    return config


def kbscan(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=60, check=False)


def stored_merge(database: Path) -> list[Any]:
    """What the current merge makes of the stored last good parses (sources by name, as step 2 takes them)."""
    with connected(database, readonly=True, older=True) as db:
        sources = [SourceEntries(s.name, s.entries, s.includes)
                   for s in (source_state(db, h.name) for h in source_health(db)) if s.entries]
    return merge(load_embedded()[0], sources)


def test_the_fixture_is_the_release_before_versioning_with_real_content(state: Path):
    before = dump(state)
    assert before["-user_version"] == 0 and "_sqlite_migrations" not in before
    assert STEP_NAMES[:2] == ["0001_release_before_versioning", "0002_remerge_catalogue"]
    assert {table: len(before[table]) for table in (*HISTORY, *SOURCES, "catalogue_entries", "catalogue_changes")} == {
        "scans": 4, "host_status": 5, "host_findings": 23, "transitions": 40, "daemon_state": 4,
        "inventory_cache": 4, "sources": 5, "source_entries": 18, "catalogue_entries": 14, "catalogue_changes": 18}


def test_upgrading_the_release_before_versioning_keeps_every_history_row_and_the_catalogue(state: Path):
    before = dump(state)
    expected = stored_merge(state)
    with connected(state) as db:
        schema = migrations.schema_state(db)
        catalogue = load_catalogue(db)
    after = dump(state)

    assert schema.version == migrations.SCHEMA_VERSION == after["-user_version"] == len(STEP_NAMES)
    assert [name for name, _ in schema.applied] == STEP_NAMES and schema.unknown == ()
    assert all(datetime.fromisoformat(at).tzinfo is not None for _, at in schema.applied)
    assert [row[1:3] for row in after["_sqlite_migrations"]] == [("kbscan", name) for name in STEP_NAMES]
    for table in (*HISTORY, *SOURCES, "catalogue_meta"):
        assert after[table] == before[table], table
    old_changes = after["catalogue_changes"][:len(before["catalogue_changes"])]
    assert old_changes == before["catalogue_changes"]  # kept, already with their `source` column
    assert catalogue is not None and catalogue.info.origin == "database"
    assert list(catalogue.entries.values()) == expected
    assert set(catalogue.entries) >= {row[0] for row in before["catalogue_entries"]}  # no KB lost
    assert set(catalogue.entries) == {row[0] for row in before["catalogue_entries"]} | {
        e.kb for e in load_embedded()[0]}  # and this release's embedded entries joined


@pytest.mark.usefixtures("seed_only")  # the stored sources' facts, not this release's larger embedded catalogue
def test_the_catalogue_is_merged_again_with_the_current_rules_and_the_change_logged(state: Path):
    """An entry as an older merge stored it (a later release date than the sources now give) is merged again
    from the stored last good parses; the change is logged and the catalogue's age does not move."""
    with closing(sqlite3.connect(state)) as conn:
        data = json.loads(conn.execute("SELECT data FROM catalogue_entries WHERE kb = 'KB2905249'").fetchone()[0])
        assert data["title"] == '"0x8007007A" error when you live-migrate a virtual machine that\'s running ' \
            "Windows Server 2012"
        data["title"] = "a title an older merge kept"
        conn.execute("UPDATE catalogue_entries SET data = ? WHERE kb = 'KB2905249'", [json.dumps(data)])
        conn.commit()
    meta = dump(state)["catalogue_meta"]
    with connected(state) as db:
        catalogue = load_catalogue(db)
        changes = list(db.query("SELECT kb, change, field, old, new, source FROM catalogue_changes WHERE id > 18 "
                              "AND kb = 'KB2905249'"))
    assert catalogue is not None and list(catalogue.entries.values()) == stored_merge(state)
    assert changes == [{"kb": "KB2905249", "change": "changed", "field": "title",
                        "old": '"a title an older merge kept"',
                        "new": json.dumps(catalogue.entries["KB2905249"].title), "source": "hyperv-2012"}]
    assert dump(state)["catalogue_meta"] == meta  # refreshed_at and stored_at: no news from any source


@pytest.mark.usefixtures("seed_only")
def test_the_upgrade_applies_the_earliest_release_date_where_the_old_merge_kept_a_later_one(state: Path):
    """What release 508f267 stores when two sources date a rollup differently: the first source in config order
    wins, here the blog's later date (written into the fixture copy as that release would have). Read as it is,
    the rollup would stay deferred a month too long; the upgrade merges again, so it is due on the earliest date."""
    with closing(sqlite3.connect(state)) as conn:
        stated = json.loads(conn.execute("SELECT data FROM source_entries WHERE kb = 'KB2919394'").fetchone()[0])
        assert stated["released"] == "2014-02-11"
        later = stated | {"released": "2014-03-11", "sources": ["blog"]}
        conn.execute("INSERT INTO source_entries (source, kb, data) VALUES ('blog', 'KB2919394', ?)",
                     [json.dumps(later)])
        stored = json.loads(conn.execute("SELECT data FROM catalogue_entries WHERE kb = 'KB2919394'").fetchone()[0])
        stored |= {"released": "2014-03-11", "sources": ["blog", "cluster-2012r2"]}
        conn.execute("UPDATE catalogue_entries SET data = ? WHERE kb = 'KB2919394'", [json.dumps(stored)])
        conn.commit()
    host = state.parent.parent / "fleet" / "CL12R2.json"
    host.parent.mkdir()
    host.write_text(json.dumps({
        "host": "CL12R2", "os": {"caption": "Microsoft Windows Server 2012 R2 Datacenter", "version": "6.3.9600"},
        "roles": ["failover-clustering"], "cluster": None, "collected_at": "2014-03-19T08:00:00Z",
        "updates": []}))
    config = write_config(state)
    with connected(state) as db:
        changes = list(db.query("SELECT kb, field, old, new FROM catalogue_changes WHERE id > 18 "
                              "AND kb = 'KB2919394'"))
    assert changes == [{"kb": "KB2919394", "field": "released", "old": '"2014-03-11"', "new": '"2014-02-11"'}]
    scan = kbscan(config, "scan", str(host.parent), "--at", "2014-03-20", "--format", "json")
    findings = {f["kb"]: (f["status"], f["due"]) for f in json.loads(scan.stdout)["hosts"][0]["findings"]}
    assert scan.returncode == 1, scan.stderr
    # due 2014-03-11 (a month after 2014-02-11); the old catalogue deferred both to 2014-04-11
    assert findings == {"KB2919355": ("missing", None), "KB2919394": ("missing", None),
                        "KB2920193": ("missing", None)}


def test_upgrading_twice_changes_nothing(state: Path):
    with connected(state):
        pass
    once = dump(state)
    with connected(state):
        pass
    assert dump(state) == once


def test_a_new_state_dir_starts_at_the_current_version_with_every_step_recorded(tmp_path: Path):
    database = tmp_path / "state" / "kbscan.db"
    with connected(database) as db:
        schema = migrations.schema_state(db)
        tables = set(db.table_names())
    assert schema.current and [name for name, _ in schema.applied] == STEP_NAMES
    assert {*HISTORY, *SOURCES, "catalogue_entries", "catalogue_meta", "catalogue_changes"} <= tables
    with connected(database, readonly=True) as db:
        assert migrations.schema_state(db) == schema


def test_status_says_which_schema_version_a_new_state_dir_will_get(tmp_path: Path):
    config = write_config(tmp_path / "state" / "kbscan.db")
    status = kbscan(config, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[-1] == ("state: no database yet (the first refresh, import or daemon run "
                                              f"creates it, at schema version {V})")
    assert not (tmp_path / "state").exists()


def test_read_only_commands_refuse_the_old_release_until_a_writer_upgrades_it(state: Path):
    config = write_config(state)
    before = dump(state)
    inventory = str(state.parent.parent / "inventory")
    for args in (("scan", inventory), ("catalogue", "list"), ("catalogue", "show", "KB2898774")):
        done = kbscan(config, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.startswith(f"kbscan: error: {state}: the state database is at schema version 0, older "
                                      f"than this kbscan's {V}"), done.stderr
        assert "restart the service (kbscan daemon), or run 'kbscan catalogue refresh'" in done.stderr
    check = kbscan(config, "check", "HV01")
    assert check.returncode == 3 and check.stdout.startswith("KBSCAN UNKNOWN - ") and "schema version 0" in check.stdout
    status = kbscan(config, "status")
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0].startswith("catalogue: database, 14 entries, refreshed ")
    assert lines[-1] == (f"state: schema version 0, older than this kbscan's {V}: upgraded in place by the next "
                         "command that writes it (the daemon when it starts, catalogue refresh or import); until "
                         "then scan, check and catalogue list/show refuse it")
    history = kbscan(config, "history", "HV03")  # these only show what they find: they read it as it is
    assert history.returncode == 0 and history.stdout.splitlines()[0].endswith("host       noncompliant -> gone")
    diff = kbscan(config, "catalogue", "diff")
    assert diff.returncode == 0 and len(diff.stdout.splitlines()) == 18, diff.stderr
    assert dump(state) == before  # nothing read-only wrote anything


def test_cli_works_on_the_upgraded_release(state: Path):
    config = write_config(state)
    before = {row[0] for row in dump(state)["catalogue_entries"]} | {e.kb for e in load_embedded()[0]}
    with connected(state):
        pass
    status = kbscan(config, "status")
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0].startswith(f"catalogue: database, {len(before)} entries, refreshed ")
    assert [line.split()[:3] for line in lines[1:6]] == [
        ["source", "blog", "ok"], ["source", "cluster-2012r2", "ok"], ["source", "gone", "failed"],
        ["source", "hyperv-2012", "ok"], ["source", "import:list-hyperv-2012.xml", "ok"]]
    assert lines[6].startswith("last scan: ") and ", 4 hosts, 0 errors" in lines[6]
    assert lines[7] == "hosts: 1 compliant, 2 noncompliant, 1 unknown, 1 gone"
    assert lines[8].startswith("daemon: not running (last pid ")
    assert lines[9].startswith(f"state: schema version {V} (current), last step {STEP_NAMES[-1]} applied ")
    listing = kbscan(config, "catalogue", "list", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    assert [entry["kb"] for entry in json.loads(listing.stdout)] == sorted(before, key=kb_sort_key)
    scan = kbscan(config, "scan", "--format", "json")
    assert scan.returncode in (0, 1), scan.stderr
    report = json.loads(scan.stdout)
    assert report["errors"] == [] and sorted(h["host"] for h in report["hosts"]) == ["HV01", "HV02", "HV04",
                                                                                      "HYPERV-LAB"]
    assert {key: report["catalogue"][key] for key in ("origin", "entries")} == {"origin": "database",
                                                                                "entries": len(before)}
    assert [s["name"] for s in report["catalogue"]["sources"]] == [
        "blog", "cluster-2012r2", "gone", "hyperv-2012", "import:list-hyperv-2012.xml"]
    history = kbscan(config, "history", "HV03")
    assert history.returncode == 0 and history.stdout.splitlines()[0].endswith("host       noncompliant -> gone")


def test_the_daemon_upgrades_the_old_release_at_start_and_adds_to_its_history(state: Path):
    config = write_config(state)
    before = dump(state)
    daemon = subprocess.Popen([sys.executable, "-m", "scanner", "--config", str(config), "daemon"], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(dump(state)["scans"]) < 5:
            assert daemon.poll() is None and time.monotonic() < deadline, daemon.communicate()[1]
            time.sleep(0.1)
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, log = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, log
    assert f"{state}: upgraded the state database from schema version 0 to {V}" in log
    after = dump(state)
    assert after["-user_version"] == V
    for table in ("scans", "transitions"):
        assert after[table][:len(before[table])] == before[table], table
    assert after["scans"][4][0] == 5  # the upgraded daemon's first scan follows the old ones


def test_a_database_from_a_newer_release_is_refused_untouched(state: Path):
    with connected(state):
        pass
    with closing(sqlite3.connect(state)) as conn:
        conn.execute(f"PRAGMA user_version = {NEXT}")
        conn.commit()
    before = dump(state)
    config = write_config(state)
    for args in (("scan",), ("status",), ("catalogue", "list"), ("daemon",),
                 ("catalogue", "import", str(REPO / "tests/data/pages/list-own.xml"))):
        done = kbscan(config, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr == (f"kbscan: error: {state}: the state database is at schema version {NEXT}, written by "
                               f"a newer kbscan than this one, which knows versions up to {V}; nothing was changed. "
                               "Upgrade kbscan to the release that wrote it (or newer), or point state_dir at "
                               "another directory\n"), args
    assert dump(state) == before


def test_a_database_with_a_step_this_build_does_not_know_is_refused(state: Path):
    """The same version number written by another build (two branches that each added a step, say)."""
    with connected(state):
        pass
    with closing(sqlite3.connect(state)) as conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES "
                     "('kbscan', '9999_from_elsewhere', '2027-01-01 00:00:00+00:00')")
        conn.commit()
    for readonly in (False, True):
        with pytest.raises(StoreError) as refused, connected(state, readonly=readonly):
            pass
        assert str(refused.value) == (
            f"{state}: the state database is at schema version {V}, written by a newer kbscan than this one, which "
            f"knows versions up to {V} (steps this one does not know: 9999_from_elsewhere); nothing was changed. "
            "Upgrade kbscan to the release that wrote it (or newer), or point state_dir at another directory")


def test_a_failing_step_leaves_the_earlier_release_file_untouched(state: Path, monkeypatch: pytest.MonkeyPatch):
    def breaks(db: Any) -> None:
        db.execute("DELETE FROM transitions")
        raise ValueError("no such thing")

    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, ("9999_breaks", breaks)))
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", NEXT)
    before = dump(state)
    with pytest.raises(StoreError) as failed, connected(state):
        pass
    assert str(failed.value) == (
        f"{state}: upgrading the state database from schema version 0 to {NEXT} failed at step {NEXT} '9999_breaks': "
        "ValueError: no such thing; nothing was changed (the file is as the earlier release left it, and that "
        "release still runs on it). Report this with the file, or move the file aside to start with an empty state")
    assert dump(state) == before


def test_a_step_that_commits_on_its_own_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def commits(db: Any) -> None:
        with db.conn:
            db.execute("CREATE TABLE early (x)")

    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, ("9999_commits", commits)))
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", NEXT)
    with pytest.raises(StoreError) as failed, connected(tmp_path / "kbscan.db"):
        pass
    assert str(failed.value) == (
        f"{tmp_path / 'kbscan.db'}: upgrading the state database from schema version 0 to {NEXT} failed at step "
        f"{NEXT} '9999_commits': RuntimeError: the step committed the upgrade's transaction (`with db.conn:`?); "
        "the steps before it may be in the file (a bug in kbscan). Report this with the file, or move the file "
        "aside to start with an empty state")


SLOW_UPGRADE = """
import logging, sys, time
from pathlib import Path
from scanner.store import migrations
from scanner.store.db import connected

def slow(db):
    db.execute("UPDATE daemon_state SET value = value || '+' WHERE key = 'pid'")
    Path(sys.argv[2]).touch()
    time.sleep(float(sys.argv[3]))

logging.basicConfig(level=logging.INFO, format="%(message)s")
migrations.STEPS = (*migrations.STEPS, ("9999_slow", slow))
migrations.SCHEMA_VERSION = len(migrations.STEPS)
with connected(Path(sys.argv[1])):
    pass
"""


def test_two_processes_upgrading_at_once_apply_each_step_once(state: Path, tmp_path: Path):
    ready = tmp_path / "in-the-added-step"
    first = subprocess.Popen([sys.executable, "-c", SLOW_UPGRADE, str(state), str(ready), "2"], cwd=REPO,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()[1]
        time.sleep(0.05)
    ready.unlink()
    second = subprocess.run([sys.executable, "-c", SLOW_UPGRADE, str(state), str(ready), "0"], cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=False)
    _, first_log = first.communicate(timeout=60)
    assert (first.returncode, second.returncode) == (0, 0), (first_log, second.stderr)
    assert f"upgraded the state database from schema version 0 to {NEXT}" in first_log
    assert "upgraded" not in second.stderr and not ready.exists()  # it waited, then found nothing to do
    after = dump(state)
    assert [row[2] for row in after["_sqlite_migrations"]] == [*STEP_NAMES, "9999_slow"]
    assert after["-user_version"] == NEXT and dict(after["daemon_state"])["pid"].endswith("+")
    assert not dict(after["daemon_state"])["pid"].endswith("++")


KILLED_UPGRADE = """
import sys, time
from pathlib import Path
from scanner.store import migrations
from scanner.store.db import connected

def slow(db):
    db.execute("DELETE FROM transitions")
    db.execute("UPDATE scans SET hosts = 0")
    Path(sys.argv[2]).touch()
    time.sleep(60)

migrations.STEPS = (*migrations.STEPS, ("9999_slow", slow))
migrations.SCHEMA_VERSION = len(migrations.STEPS)
with connected(Path(sys.argv[1])):
    pass
"""


def test_a_killed_upgrade_leaves_the_earlier_release_file_untouched_and_upgradable(state: Path, tmp_path: Path):
    before = dump(state)
    ready = tmp_path / "in-the-added-step"
    upgrade = subprocess.Popen([sys.executable, "-c", KILLED_UPGRADE, str(state), str(ready)], cwd=REPO,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert upgrade.poll() is None and time.monotonic() < deadline, upgrade.communicate()[1]
            time.sleep(0.05)
    finally:
        upgrade.kill()
        upgrade.wait(timeout=30)
    assert dump(state) == before  # steps 1 and 2 ran too, in the same transaction: none of it is in the file
    with connected(state) as db:
        assert migrations.schema_state(db).current
    after = dump(state)
    assert after["transitions"] == before["transitions"] and after["scans"] == before["scans"]
