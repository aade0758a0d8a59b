"""Every way of reading a file gives its hosts the file's modification time, the inventory's time when the
format has no collected_at (DESIGN.md 3a): one file, the process pool, and the daemon's cache (also when
the file is touched without a change of content)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from scanner import inventory
from scanner.inventory_cache import InventoryCache, read_paths_cached

WHEN = datetime(2014, 1, 20, 8, 0, tzinfo=UTC)
LATER = datetime(2014, 1, 27, 8, 0, tzinfo=UTC)


def _fleet(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for n in range(count):
        path = folder / f"hv{n:02d}.csv"
        path.write_text(f'"Source","Description","HotFixID","InstalledBy","InstalledOn"\n'
                        f'"HV{n:02d}","Hotfix","KB2779069","NT AUTHORITY\\SYSTEM","12/12/2013"\n')
        os.utime(path, (WHEN.timestamp(), WHEN.timestamp()))
        paths.append(path)
    return paths


def test_one_file_and_the_pool_give_each_host_its_files_modification_time(tmp_path: Path):
    _fleet(tmp_path / "fleet", 3)
    for workers in (1, 2):
        hosts, errors = inventory.read_paths([tmp_path / "fleet"], workers=workers)
        assert errors == [] and [(h.host, h.modified_at, h.collected_at) for h in hosts] == [
            ("HV00", WHEN, None), ("HV01", WHEN, None), ("HV02", WHEN, None)], workers


def test_the_cache_gives_the_current_modification_time_also_for_content_it_already_knows(tmp_path: Path):
    [path] = _fleet(tmp_path / "fleet", 1)
    cache = InventoryCache()
    first, _ = read_paths_cached([tmp_path / "fleet"], cache=cache)
    os.utime(path, (LATER.timestamp(), LATER.timestamp()))  # same bytes, collected again later
    second, _ = read_paths_cached([tmp_path / "fleet"], cache=cache)
    third, _ = read_paths_cached([tmp_path / "fleet"], cache=cache)
    assert [h.modified_at for h in (*first, *second, *third)] == [WHEN, LATER, LATER]
    assert cache.parsed == 1  # the touch was recognised by its hash, not parsed again
