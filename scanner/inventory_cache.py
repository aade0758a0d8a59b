"""Unchanged inventory files are not parsed again: a cache keyed by path, trusted on (size, mtime),
checked by SHA-256 when the mtime moved, with the same result as inventory.read_paths."""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from stat import S_ISREG
from typing import Any

import scanner
from scanner import inventory
from scanner.inventory.one_file import load, parse_file, stamped
from scanner.models import HostInventory, InstalledUpdate, InventoryError

Entry = tuple[int, int, str, Any]  # size, mtime_ns, sha256, {"reader", "hosts": [...], "errors": [[path, error]]}
Result = tuple[list[HostInventory], list[InventoryError]]
UNSETTLED = -1  # stored instead of an mtime: the next scan hashes the file again
SETTLE_NS = 2_000_000_000  # a file this fresh may be rewritten within the same mtime tick (git's "racy" case)
_READER_MODULES = ("inventory", "dates.py", "models.py", "products.py", "vocabulary.py", "inventory_cache.py")


@functools.cache
def reader_version() -> str:
    """kbscan's version and a digest of the reader sources: a parse cached by an older (or patched)
    reader is never reused after an upgrade."""
    digest = hashlib.sha256(scanner.__version__.encode())
    root = Path(scanner.__file__).parent
    for name in _READER_MODULES:
        target = root / name
        for source in sorted(target.glob("*.py")) if target.is_dir() else [target]:
            try:
                digest.update(source.read_bytes())
            except OSError:  # an install without sources: the version alone decides
                continue
    return f"{scanner.__version__}+{digest.hexdigest()[:16]}"


@dataclass
class InventoryCache:
    """In memory for the daemon's lifetime; `changed` / `gone` say what to persist (store/cache.py)."""

    files: dict[str, Entry] = field(default_factory=dict)
    objects: dict[str, Result] = field(default_factory=dict)
    changed: dict[str, Entry] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    parsed: int = 0
    reused: int = 0

    def take_changes(self) -> tuple[dict[str, Entry], set[str]]:
        changed, gone = self.changed, self.gone
        self.changed, self.gone = {}, set()
        return changed, gone


def _host_data(host: HostInventory) -> dict[str, Any]:
    """The stored form: updates as [kb, date] pairs ([kb, date, raw] where the file wrote a suffixed id),
    half the size of the report's objects; `announced`, `listed` and `warnings` only where a reader set them."""
    data: dict[str, Any] = {
        "host": host.host, "path": host.path, "format": host.format, "os": host.os,
        "os_caption": host.os_caption, "os_version": host.os_version,
        "roles": list(host.roles) if host.roles is not None else None, "cluster": host.cluster,
        "collected_at": host.collected_at.isoformat() if host.collected_at else None,
        "updates": [[u.kb, u.installed_on.isoformat() if u.installed_on else None, *([u.raw] if u.raw else [])]
                    for u in host.updates]}
    if host.announced is not None or host.listed is not None:
        data["announced"], data["listed"] = host.announced, host.listed
    if host.warnings:
        data["warnings"] = list(host.warnings)
    return data


@functools.lru_cache(maxsize=65536)
def _update(kb: str, installed_on: str | None, raw: str | None = None) -> InstalledUpdate:
    """One shared object per (KB, date): a fleet installs the same updates on the same days."""
    return InstalledUpdate(kb, date.fromisoformat(installed_on) if installed_on else None, raw)


def _host(data: dict[str, Any]) -> HostInventory:
    roles = data["roles"]
    return HostInventory(
        host=data["host"], path=data["path"], format=data["format"],
        updates=tuple(_update(*update) for update in data["updates"]), os=data["os"],
        os_caption=data["os_caption"], os_version=data["os_version"],
        roles=tuple(roles) if roles is not None else None, cluster=data["cluster"],
        collected_at=datetime.fromisoformat(data["collected_at"]) if data["collected_at"] else None,
        announced=data.get("announced"), listed=data.get("listed"), warnings=tuple(data.get("warnings", ())))


def _result(cache: InventoryCache, key: str, data: Any, info: os.stat_result) -> Result:
    """The parsed objects, rebuilt from the stored form only once per process (and again when the file's
    modification time, which each host carries, moved)."""
    found = cache.objects.get(key)
    if found is None or (found[0] and found[0][0].modified_at != _modified(info)):
        found = cache.objects[key] = (stamped([_host(h) for h in data["hosts"]], info),
                                      [InventoryError(p, e) for p, e in data["errors"]])
    return list(found[0]), list(found[1])


def _modified(info: os.stat_result) -> datetime:
    return datetime.fromtimestamp(info.st_mtime, UTC)


def _read(path: Path, max_bytes: int, cache: InventoryCache, now_ns: int) -> Result:
    key = str(path)
    try:
        stat = os.stat(key)
    except OSError:
        return inventory.read_file(path, max_bytes=max_bytes)  # its error message, never cached
    known = cache.files.get(key)
    if known is not None and known[3].get("reader") != reader_version():
        known = None
    if (known is not None and known[0] == stat.st_size and known[1] == stat.st_mtime_ns
            and S_ISREG(stat.st_mode) and stat.st_size <= max_bytes):
        cache.reused += 1
        return _result(cache, key, known[3], stat)
    data = load(path, max_bytes, stat)  # the one bounded read; a refused file's error is never cached
    if isinstance(data, InventoryError):
        return [], [data]
    digest = hashlib.sha256(data).hexdigest()
    if known is not None and known[2] == digest:
        cache.reused += 1
        payload = known[3]
    else:
        cache.parsed += 1
        hosts, errors = parse_file(key, data)  # the bytes that were hashed, not a second read
        payload = {"reader": reader_version(), "hosts": [_host_data(h) for h in hosts],
                   "errors": [[e.path, e.error] for e in errors]}
        cache.objects[key] = (stamped(hosts, stat), errors)
    settled = len(data) == stat.st_size and now_ns - stat.st_mtime_ns > SETTLE_NS
    entry = (stat.st_size, stat.st_mtime_ns if settled else UNSETTLED, digest, payload)
    cache.files[key] = cache.changed[key] = entry
    return _result(cache, key, payload, stat)


def _under(key: str, roots: Sequence[str]) -> bool:
    absolute = os.path.abspath(key)
    return any(absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def read_paths_cached(paths: Sequence[Path], *, max_bytes: int = inventory.DEFAULT_MAX_BYTES,
                      cache: InventoryCache, progress: Callable[[int, int], None] | None = None,
                      ) -> tuple[list[HostInventory], list[InventoryError]]:
    """inventory.read_paths through the cache; files under `paths` that are gone leave the cache."""
    hosts: list[HostInventory] = []
    errors: list[InventoryError] = []
    files: list[Path] = []
    seen: set[str] = set()
    for path in paths:
        found = inventory.iter_files([path]) if path.exists() else []
        if not found:  # a missing path or an empty folder: read_paths words that error
            errors.extend(inventory.read_paths([path], max_bytes=max_bytes)[1])
        for item in found:
            absolute = os.path.abspath(item)
            if absolute not in seen:  # a file named twice is read once, as read_paths does
                seen.add(absolute)
                files.append(item)
    now_ns = time.time_ns()
    for done, path in enumerate(files, 1):
        found_hosts, found_errors = _read(path, max_bytes, cache, now_ns)
        hosts.extend(found_hosts)
        errors.extend(found_errors)
        if progress is not None:
            progress(done, len(files))
    read = {str(p) for p in files}
    roots = [os.path.abspath(p) for p in paths]
    for key in [k for k in cache.files.keys() - read if _under(k, roots)]:
        del cache.files[key]
        cache.objects.pop(key, None)
        cache.changed.pop(key, None)
        cache.gone.add(key)
    return hosts, errors


def load_cache(database: Path) -> InventoryCache:
    """The cache stored in the state database (the cyclic GC paused: its passes over a large fleet's
    freshly loaded lists cost seconds and find nothing)."""
    from scanner.store import cache as cache_store
    from scanner.store.db import connected

    enabled = gc.isenabled()
    gc.disable()
    try:
        with connected(database) as db:
            return InventoryCache(files=cache_store.load(db))
    finally:
        if enabled:
            gc.enable()
