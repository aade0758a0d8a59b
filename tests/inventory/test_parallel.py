"""The process pool reads exactly what the serial path reads: same hosts, errors and order."""

from __future__ import annotations

import io
import json
import pickle
import shutil
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.errors import InventoryReadError
from scanner.inventory import DEFAULT_MAX_BYTES, parallel, read_file, read_paths
from scanner.inventory.decode import decode
from scanner.inventory.parallel import workers_for

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "inventory"


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """Three copies of the example fleet (every format, dates, a broken JSON) plus an empty file each."""
    for copy in range(3):
        target = tmp_path / f"site{copy}"
        shutil.copytree(EXAMPLES, target)
        (target / "empty.txt").write_bytes(b"")
    return tmp_path


def test_pool_and_serial_give_the_same_hosts_errors_and_order(fleet: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "CHUNK", 4)  # several chunks over both workers: order must survive
    serial = read_paths([fleet], workers=1)
    pooled = read_paths([fleet], workers=2)
    assert pooled == serial
    assert [h.path for h in pooled[0]] == [h.path for h in serial[0]]
    assert len(serial[0]) == 15 and len(serial[1]) == 6  # 3 x (truncated JSON + empty file)
    assert any(u.installed_on is not None for h in pooled[0] for u in h.updates)  # dates made the trip


def test_a_bad_file_read_by_a_worker_is_one_error_naming_it(tmp_path: Path):
    shutil.copy(EXAMPLES / "HV01.json", tmp_path / "HV01.json")
    (tmp_path / "HV09.json").write_bytes(b'{"host": "HV09", "updates": [')
    hosts, errors = read_paths([tmp_path], workers=2)
    assert [h.host for h in hosts] == ["HV01"]
    assert [e.path for e in errors] == [str(tmp_path / "HV09.json")]
    assert "truncated" in errors[0].error


def test_progress_counts_every_file_in_the_pool(fleet: Path):
    seen: list[tuple[int, int]] = []
    read_paths([fleet], workers=2, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 21) for n in range(1, 22)]


def test_the_pool_is_automatic_from_200_files_on_more_than_one_core(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 4)
    assert workers_for(199, None) == 1
    assert workers_for(200, None) == 4
    assert workers_for(10_000, 1) == 1
    assert workers_for(5, 3) == 3
    assert workers_for(5, 0) == 4
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 1)
    assert workers_for(10_000, None) == 1


def _scan(*argv: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = io.StringIO()
    code = main(["-q", "scan", "--format", "json", "--at", "2013-12-20", *argv], out=out)
    return code, json.loads(out.getvalue())


def test_scan_workers_option_gives_the_same_report(fleet: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KBSCAN_CONFIG", raising=False)
    monkeypatch.chdir(fleet)  # no config file: built-in defaults and the embedded catalogue
    one_code, one = _scan(str(fleet), "--workers", "1")
    two_code, two = _scan(str(fleet), "--workers", "2")
    for report in (one, two):
        report.pop("generated_at"), report.pop("duration_seconds")
    assert (one_code, one) == (two_code, two)
    assert one["summary"]["hosts"] == 5 and len(one["errors"]) == 6


def test_announced_listed_warnings_and_raw_ids_make_the_trip_from_the_workers(tmp_path: Path):
    corpus = REPO / "tests" / "data" / "inventory" / "corpus"
    for name in ("capped-cut-number-en.txt", "suffix-systeminfo.txt", "HV90.txt", "suffix-hotfix.csv",
                 "one-host-no-kb.csv"):
        shutil.copy(corpus / name, tmp_path / name)
    serial = read_paths([tmp_path], workers=1)
    assert read_paths([tmp_path], workers=2) == serial
    assert {h.host: (h.announced, h.listed, len(h.warnings)) for h in serial[0]} == {
        "NODE-CUT": (352, 244, 1), "XP03": (7, 7, 0), "HV90": (1, 1, 1), "XP01": (None, None, 0),
        "HV72": (None, None, 0), "HV73": (None, None, 1)}
    assert sum(1 for h in serial[0] for u in h.updates if u.raw) == 8


def _fixture_files() -> list[Path]:
    """Every inventory fixture (good and bad, every format and encoding) and the shared XML lists."""
    roots = (REPO / "tests" / "data" / "inventory", EXAMPLES, REPO.parent / "shared" / "fixtures")
    return [path for root in roots for path in sorted(root.rglob("*")) if path.is_file()]


def _codec(path: Path) -> str:
    try:
        return decode(path.read_bytes(), str(path))[1]
    except InventoryReadError:
        return "unreadable"


def test_the_compact_form_gives_back_every_fixture_file_exactly():
    files = _fixture_files()
    codecs = {_codec(path) for path in files}
    assert {"utf-16-le", "utf-16-be", "cp850", "utf-8"} <= codecs  # the fixtures cover these encodings
    # one chunk of all of them, through pickle as the pool sends it
    chunk = pickle.loads(pickle.dumps(parallel._read_chunk(([str(path) for path in files], DEFAULT_MAX_BYTES))))
    results = list(parallel._unpacked(chunk, parallel._Shared()))
    assert results == [read_file(path) for path in files]
    hosts = [host for found, _ in results for host in found]
    updates = [update for host in hosts for update in host.updates]
    assert len(hosts) > 150 and sum(len(errors) for _, errors in results) > 10
    assert all(host.modified_at is not None for host in hosts)
    assert any(u.raw for u in updates) and any(u.installed_on for u in updates)
    assert any(u.installed_on is None for u in updates) and any(h.announced for h in hosts)
    assert any(h.warnings for h in hosts) and any(h.roles for h in hosts) and any(h.collected_at for h in hosts)
    # each distinct update is one object, shared by every host that has it, as a serial read shares them
    assert len({id(u) for u in updates}) == len(set(updates))


def test_a_fleet_of_all_different_updates_stops_sharing_and_still_gives_back_every_file(
        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "SHARED_MAX", 0)  # full at once: the first chunk finds none of its updates
    files = _fixture_files()
    shared = parallel._Shared()
    results = []
    for start in range(0, len(files), 20):  # chunks as the pool sends them, through pickle
        chunk = parallel._read_chunk(([str(path) for path in files[start:start + 20]], DEFAULT_MAX_BYTES))
        results += parallel._unpacked(pickle.loads(pickle.dumps(chunk)), shared)
        if start == 0:
            assert not shared.sharing and not shared.known
    assert results == [read_file(path) for path in files]
