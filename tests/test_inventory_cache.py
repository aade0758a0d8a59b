"""Unchanged inventory files are not parsed again; changed ones are; results equal read_paths."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scanner import inventory
from scanner.inventory_cache import InventoryCache, read_paths_cached
from scanner.store import cache as cache_store
from scanner.store.db import open_database

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "inventory"


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
