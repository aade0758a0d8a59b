"""Reading many inventory files in a process pool, with the same hosts, errors and order as reading
them one by one, and parsed hosts sent back in a compact form rather than as pickled dataclass trees.

Why: pickling 10,000 HostInventory values with 250 InstalledUpdate each costs more than parsing them
(about 9 s per 2.5 million updates for a slots dataclass, dump plus load). A worker sends each chunk's
distinct updates once, as a table of (KB, install-date ordinal, raw id), and each host's updates as
indexes into it (4 bytes each); the main process builds each distinct update once per read, shared by
every host that has it as a serial read shares them (values.build_updates), while that pays (_Shared),
and the hosts from them.
"""

from __future__ import annotations

import gc
import os
import pathlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from functools import lru_cache
from typing import cast

from scanner.inventory.one_file import read_file
from scanner.models import HostInventory, InstalledUpdate, InventoryError

AUTO_MIN_FILES = 200  # below this a pool's start-up (~0.1 s) is more than it saves
CHUNK = 100  # files per task: small enough to spread the work, large enough to amortise a task
SHARED_MAX = 1 << 16  # distinct (KB, date) updates shared across chunks; a real fleet has fewer

Result = tuple[list[HostInventory], list[InventoryError]]
# host, path, format, update indexes (array "I" bytes), os, caption, version, roles, cluster, collected,
# modified, announced, listed, warnings
_Host = tuple[str, str, str, bytes, str | None, str | None, str | None, tuple[str, ...] | None, str | None,
              datetime | None, datetime | None, int | None, int | None, tuple[str, ...]]
_Table = tuple[list[str], list[int], list[str | None]]  # KB, install-date ordinal (0: unknown), raw id
_Chunk = tuple[_Table, list[tuple[list[_Host], list[tuple[str, str]]]]]
_INDEX = "I"  # unsigned 32 bits: a chunk holds at most CHUNK files' updates


def workers_for(files: int, workers: int | None) -> int:
    """How many processes read `files` files. None: automatic, a pool of one process per core from
    AUTO_MIN_FILES files on (when there is more than one core); 1: this process only; 0: one per core;
    N: N processes."""
    cores = os.cpu_count() or 1
    if workers is None:
        return cores if files >= AUTO_MIN_FILES and cores > 1 else 1
    return cores if workers == 0 else max(1, workers)


class _Packer:
    """One chunk's compact form: each distinct update object once in the table, hosts as indexes."""

    def __init__(self) -> None:
        self.table: _Table = ([], [], [])
        self._at: dict[int, int] = {}  # id(update) -> its row; `_alive` keeps those ids from being reused
        self._alive: list[InstalledUpdate] = []

    def indexes(self, updates: tuple[InstalledUpdate, ...]) -> bytes:
        rows = list(map(self._at.get, map(id, updates)))  # readers share update objects: mostly found
        if None in rows:
            kbs, ordinals, raws = self.table
            for position, update in enumerate(updates):
                if rows[position] is None:
                    row = self._at.get(id(update))
                    if row is None:
                        row = self._at[id(update)] = len(kbs)
                        self._alive.append(update)
                        kbs.append(update.kb)
                        ordinals.append(update.installed_on.toordinal() if update.installed_on else 0)
                        raws.append(update.raw)
                    rows[position] = row
        return array(_INDEX, cast(list[int], rows)).tobytes()  # no None is left

    def host(self, host: HostInventory) -> _Host:
        return (host.host, host.path, host.format, self.indexes(host.updates), host.os, host.os_caption,
                host.os_version, host.roles, host.cluster, host.collected_at, host.modified_at, host.announced,
                host.listed, host.warnings)


@lru_cache(maxsize=1 << 12)
def _day(ordinal: int) -> date | None:
    return date.fromordinal(ordinal) if ordinal else None


class _Shared:
    """Each distinct update a single object for the whole read, as a serial read shares them, while that
    pays: up to SHARED_MAX distinct ones, and only while a chunk finds at least half its updates among
    them once that many are known (a fleet of all-different (KB, date) pairs: each update built as is,
    without a key per update, at half the cost)."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, int, str | None], InstalledUpdate] = {}
        self.sharing = True

    def updates(self, table: _Table) -> list[InstalledUpdate]:
        """The objects for the rows of a chunk's table."""
        if not self.sharing:
            kbs, ordinals, raws = table
            return list(map(InstalledUpdate, kbs, map(_day, ordinals), raws))
        keys = list(zip(*table, strict=True))
        found = list(map(self.known.get, keys))
        missing = [key for key, update in zip(keys, found, strict=True) if update is None]
        if not missing:
            return cast(list[InstalledUpdate], found)
        new_kbs, new_ordinals, new_raws = zip(*missing, strict=True)
        # a key twice in one chunk (two equal objects in the worker) becomes one object here
        made = dict(zip(missing, map(InstalledUpdate, new_kbs, map(_day, new_ordinals), new_raws), strict=True))
        if len(self.known) < SHARED_MAX:
            self.known.update(made)
        elif 2 * len(missing) > len(keys):
            self.sharing = False
            self.known.clear()
        # made.get(key, found): the new object, else the shared one; no Python loop per update (millions)
        return list(map(made.get, keys, found))  # type: ignore[arg-type]  # mypy cannot pick get's overload


def _unpack(packed: _Host, updates: list[InstalledUpdate]) -> HostInventory:
    (name, path, fmt, rows, os_id, caption, version, roles, cluster, collected, modified, announced, listed,
     warnings) = packed
    return HostInventory(name, path, fmt, tuple(map(updates.__getitem__, array(_INDEX, rows))), os_id, caption,
                         version, roles, cluster, collected, modified_at=modified, announced=announced,
                         listed=listed, warnings=warnings)


def _start_worker() -> None:
    gc.disable()  # a short-lived reader builds only acyclic values (see pipeline.gc_paused)


def _read_chunk(args: tuple[list[str], int]) -> _Chunk:
    paths, max_bytes = args
    packer = _Packer()
    files: list[tuple[list[_Host], list[tuple[str, str]]]] = []
    for path in paths:
        hosts, errors = read_file(pathlib.Path(path), max_bytes=max_bytes)
        files.append(([packer.host(host) for host in hosts], [(error.path, error.error) for error in errors]))
    return packer.table, files


def read_in_pool(files: Sequence[pathlib.Path], max_bytes: int, workers: int,
                 progress: Callable[[int, int], None] | None) -> Iterator[Result]:
    """Each file's (hosts, errors), in the order of `files`."""
    chunks = [([str(p) for p in files[i:i + CHUNK]], max_bytes) for i in range(0, len(files), CHUNK)]
    done = 0
    shared = _Shared()
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)) or 1, initializer=_start_worker) as pool:
        for chunk in pool.map(_read_chunk, chunks):
            for result in _unpacked(chunk, shared):
                done += 1
                yield result
                if progress is not None:
                    progress(done, len(files))


def _unpacked(chunk: _Chunk, shared: _Shared) -> Iterator[Result]:
    """Each file's (hosts, errors) from a chunk's compact form, as read_file gave them to the worker."""
    table, files = chunk
    updates = shared.updates(table)
    for hosts, errors in files:
        yield [_unpack(host, updates) for host in hosts], [InventoryError(path, error) for path, error in errors]
