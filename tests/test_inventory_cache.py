"""Unchanged inventory files are not parsed again; changed ones are; results equal read_paths."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from scanner import inventory, inventory_cache
from scanner.inventory import one_file
from scanner.inventory_cache import InventoryCache, read_paths_cached
from scanner.store import cache as cache_store
from scanner.store.db import open_database

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "inventory"


def host_json(kb: str, host: str = "HV01") -> str:
    return json.dumps({"host": host, "os": {"caption": "Microsoft Windows Server 2012 Datacenter",
                                            "version": "6.2.9200"}, "roles": ["hyper-v"], "updates": [{"kb": kb}]})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "inv"
    shutil.copytree(EXAMPLES, target)
    return target


def test_same_result_as_read_paths_and_reuse_on_the_second_run(folder: Path):
    cache = InventoryCache()
    first = read_paths_cached([folder], cache=cache)
    assert first == inventory.read_paths([folder])
    assert (cache.parsed, cache.reused) == (6, 0)
    assert read_paths_cached([folder], cache=cache) == first
    assert (cache.parsed, cache.reused) == (6, 6)


def test_changed_file_is_parsed_again_touched_file_is_not(folder: Path):
    cache = InventoryCache()
    read_paths_cached([folder], cache=cache)
    cache.parsed = cache.reused = 0
    (folder / "HV01.json").write_text((folder / "HV01.json").read_text().replace("KB2779069", "KB2903938"))
    os.utime(folder / "HV05.json", ns=(1, 1))  # new mtime, same content: hashed, not parsed
    hosts, _ = read_paths_cached([folder], cache=cache)
    assert (cache.parsed, cache.reused) == (1, 5)
    hv01 = next(h for h in hosts if h.host == "HV01")
    assert "KB2903938" in hv01.installed and "KB2779069" not in hv01.installed


def test_removed_files_leave_the_cache_and_it_persists(folder: Path, tmp_path: Path):
    cache = InventoryCache()
    read_paths_cached([folder], cache=cache)
    (folder / "HV05.json").unlink()
    read_paths_cached([folder], cache=cache)
    changed, gone = cache.take_changes()
    assert gone == {str(folder / "HV05.json")}
    db = open_database(tmp_path / "kbscan.db")
    cache_store.save(db, changed, gone)
    restored = InventoryCache(files=cache_store.load(db))
    assert read_paths_cached([folder], cache=restored) == inventory.read_paths([folder])
    assert restored.parsed == 0


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths parse_bytes was really called for (through inventory/one_file.py, which both the cache
    and inventory.read_file read and parse with)."""
    calls: list[str] = []
    real = inventory.parse_bytes

    def counting(data: bytes, path: str, **kwargs: Any) -> Any:
        calls.append(Path(path).name)
        return real(data, path, **kwargs)

    monkeypatch.setattr(one_file, "parse_bytes", counting)
    return calls


def test_only_the_changed_file_reaches_the_parser(folder: Path, parses: list[str]):
    cache = InventoryCache()
    read_paths_cached([folder], cache=cache)
    assert len(parses) == 6
    parses.clear()
    changed = folder / "HV02-systeminfo.txt"  # UTF-16 with a BOM, as systeminfo redirects write it
    changed.write_bytes(changed.read_bytes() + "\r\n".encode("utf-16-le"))
    read_paths_cached([folder], cache=cache)
    assert parses == ["HV02-systeminfo.txt"]


def test_a_fresh_file_is_hashed_again_so_a_same_size_rewrite_in_the_same_tick_is_seen(tmp_path: Path):
    path = tmp_path / "HV01.json"
    path.write_text(host_json("KB2779069"))
    stamp = path.stat().st_mtime_ns  # written just now: within the same mtime tick it could change again
    cache = InventoryCache()
    assert read_paths_cached([path], cache=cache)[0][0].installed == {"KB2779069"}
    path.write_text(host_json("KB2903938"))  # same size
    os.utime(path, ns=(stamp, stamp))  # and the same mtime
    assert read_paths_cached([path], cache=cache)[0][0].installed == {"KB2903938"}


def test_a_settled_file_with_the_same_size_and_mtime_is_trusted_unread(tmp_path: Path):
    path = tmp_path / "HV01.json"
    path.write_text(host_json("KB2779069"))
    os.utime(path, ns=(10**18, 10**18))  # written long before the scan
    cache = InventoryCache()
    read_paths_cached([path], cache=cache)
    path.write_text(host_json("KB2903938"))
    os.utime(path, ns=(10**18, 10**18))
    hosts, _ = read_paths_cached([path], cache=cache)  # not hashed, so not noticed: the point of the cache
    assert hosts[0].installed == {"KB2779069"} and (cache.parsed, cache.reused) == (1, 1)


def test_a_parse_cached_by_another_reader_version_is_not_reused(folder: Path, parses: list[str],
                                                                  monkeypatch: pytest.MonkeyPatch):
    cache = InventoryCache()
    read_paths_cached([folder], cache=cache)
    parses.clear()
    monkeypatch.setattr(inventory_cache, "reader_version", lambda: "9.9+upgraded")
    assert read_paths_cached([folder], cache=cache) == inventory.read_paths([folder])
    assert len(parses) == 6 + 6  # the cache's own parse and read_paths' one


def test_a_cached_file_over_a_lowered_cap_is_an_error_as_read_paths_says(folder: Path):
    cache = InventoryCache()
    read_paths_cached([folder], cache=cache)
    hosts, errors = read_paths_cached([folder], cache=cache, max_bytes=600)
    assert (hosts, errors) == inventory.read_paths([folder], max_bytes=600)
    assert sum("inventory cap" in e.error for e in errors) == 3  # HV01, HV02, HYPERV-LAB: cached, now too big


def test_scanning_another_folder_keeps_the_first_folders_entries(folder: Path, tmp_path: Path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "HV09.json").write_text(host_json("KB2779069", host="HV09"))
    cache = InventoryCache()
    read_paths_cached([folder], cache=cache)
    read_paths_cached([other], cache=cache)
    assert len(cache.files) == 7 and not cache.gone
    assert read_paths_cached([folder / "missing"], cache=cache) == inventory.read_paths([folder / "missing"])


CORPUS = Path(__file__).resolve().parent / "data" / "inventory" / "corpus"
DOUBTED = ("capped-cut-number-en.txt", "suffix-systeminfo.txt", "HV90.txt", "one-host-no-kb.csv")


def test_announced_listed_warnings_and_raw_ids_survive_the_stored_cache(tmp_path: Path):
    target = tmp_path / "inv"
    target.mkdir()
    for name in DOUBTED:
        shutil.copy(CORPUS / name, target / name)
    read = inventory.read_paths([target])
    cache = InventoryCache()
    assert read_paths_cached([target], cache=cache) == read
    db = open_database(tmp_path / "kbscan.db")
    cache_store.save(db, *cache.take_changes())
    restored = InventoryCache(files=cache_store.load(db))
    again = read_paths_cached([target], cache=restored)
    assert (again, restored.parsed) == (read, 0)  # rebuilt from the stored form alone
    hosts = {h.host: h for h in again[0]}
    assert (hosts["NODE-CUT"].announced, hosts["NODE-CUT"].listed, hosts["NODE-CUT"].incomplete) == (352, 244, True)
    assert {u.kb: u.raw for u in hosts["XP03"].updates}["KB2536276"] == "KB2536276-v2"
    assert hosts["HV90"].warnings and hosts["HV73"].warnings
