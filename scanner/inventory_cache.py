"""Unchanged inventory files are not parsed again: a cache keyed by path, trusted on (size, mtime),
checked by SHA-256 when the mtime moved, with the same result as inventory.read_paths."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner import inventory
from scanner.models import HostInventory, InventoryError
from scanner.reports.catalogue import inventory_data, inventory_from_data

log = logging.getLogger(__name__)

Entry = tuple[int, int, str, Any]  # size, mtime_ns, sha256, {"hosts": [...], "errors": [[path, error]]}


@dataclass
class InventoryCache:
    """In memory for the daemon's lifetime; `changed` / `gone` say what to persist (store/cache.py)."""

    files: dict[str, Entry] = field(default_factory=dict)
    objects: dict[str, tuple[list[HostInventory], list[InventoryError]]] = field(default_factory=dict)
    changed: dict[str, Entry] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    parsed: int = 0
    reused: int = 0

    def take_changes(self) -> tuple[dict[str, Entry], set[str]]:
        changed, gone = self.changed, self.gone
        self.changed, self.gone = {}, set()
        return changed, gone


def _result(cache: InventoryCache, key: str, data: Any) -> tuple[list[HostInventory], list[InventoryError]]:
    """The parsed objects, rebuilt from the stored form only once per daemon lifetime."""
    found = cache.objects.get(key)
    if found is None:
        found = cache.objects[key] = ([inventory_from_data(h) for h in data["hosts"]],
                                      [InventoryError(p, e) for p, e in data["errors"]])
    return list(found[0]), list(found[1])


def _read(path: Path, max_bytes: int, cache: InventoryCache) -> tuple[list[HostInventory], list[InventoryError]]:
    key = str(path)
    try:
        stat = path.stat()
    except OSError:
        return inventory.read_file(path, max_bytes=max_bytes)
    known = cache.files.get(key)
    if known is not None and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
        cache.reused += 1
        return _result(cache, key, known[3])
    if stat.st_size > max_bytes:
        return inventory.read_file(path, max_bytes=max_bytes)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return inventory.read_file(path, max_bytes=max_bytes)
    if known is not None and known[2] == digest:
        cache.reused += 1
        entry = (stat.st_size, stat.st_mtime_ns, digest, known[3])
    else:
        cache.parsed += 1
        hosts, errors = inventory.read_file(path, max_bytes=max_bytes)
        entry = (stat.st_size, stat.st_mtime_ns, digest,
                 {"hosts": [inventory_data(h) for h in hosts], "errors": [[e.path, e.error] for e in errors]})
        cache.objects[key] = (hosts, errors)
    cache.files[key] = cache.changed[key] = entry
    return _result(cache, key, entry[3])


def read_paths_cached(paths: Sequence[Path], *, max_bytes: int = inventory.DEFAULT_MAX_BYTES,
                      cache: InventoryCache, progress: Callable[[int, int], None] | None = None,
                      ) -> tuple[list[HostInventory], list[InventoryError]]:
    hosts: list[HostInventory] = []
    errors: list[InventoryError] = []
    files: list[Path] = []
    for path in paths:
        if not path.exists() or (path.is_dir() and not inventory.iter_files([path])):
            found_hosts, found_errors = inventory.read_paths([path], max_bytes=max_bytes)
            errors.extend(found_errors)
            continue
        files.extend(inventory.iter_files([path]))
    files = inventory.iter_files(files)
    for done, path in enumerate(files, 1):
        found_hosts, found_errors = _read(path, max_bytes, cache)
        hosts.extend(found_hosts)
        errors.extend(found_errors)
        if progress is not None:
            progress(done, len(files))
    seen = {str(p) for p in files}
    for key in [k for k in cache.files if k not in seen]:
        del cache.files[key]
        cache.objects.pop(key, None)
        cache.gone.add(key)
    return hosts, errors
