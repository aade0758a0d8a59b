"""Reading many inventory files in a process pool, with the same hosts, errors and order as reading
them one by one, and parsed hosts sent back as plain tuples rather than pickled dataclass trees.

Why tuples: pickling 10,000 HostInventory values with 250 InstalledUpdate each costs more than parsing
them (about 9 s per 2.5 million updates for a slots dataclass, dump plus load); KB strings and date
ordinals cost about 0.3 s, and the main process rebuilds the objects while the workers parse.
"""

from __future__ import annotations

import gc
import os
import pathlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter

from scanner.inventory.one_file import read_file
from scanner.models import HostInventory, InstalledUpdate, InventoryError

AUTO_MIN_FILES = 200  # below this a pool's start-up (~0.1 s) is more than it saves
CHUNK = 100  # files per task: small enough to spread the work, large enough to amortise a task

Result = tuple[list[HostInventory], list[InventoryError]]
# host, path, format, KB ids, install-date ordinals (0: unknown), raw ids (None when no update has one), os,
# caption, version, roles, cluster, collected, modified, announced, listed, warnings
_Host = tuple[str, str, str, tuple[str, ...], tuple[int, ...], tuple[str | None, ...] | None, str | None,
              str | None, str | None, tuple[str, ...] | None, str | None, datetime | None, datetime | None,
              int | None, int | None, tuple[str, ...]]
_Packed = tuple[list[_Host], list[tuple[str, str]]]
_KB = attrgetter("kb")
_RAW = attrgetter("raw")


def workers_for(files: int, workers: int | None) -> int:
    """How many processes read `files` files. None: automatic, a pool of one process per core from
    AUTO_MIN_FILES files on (when there is more than one core); 1: this process only; 0: one per core;
    N: N processes."""
    cores = os.cpu_count() or 1
    if workers is None:
        return cores if files >= AUTO_MIN_FILES and cores > 1 else 1
    return cores if workers == 0 else max(1, workers)


def _ordinal(update: InstalledUpdate) -> int:
    return update.installed_on.toordinal() if update.installed_on is not None else 0


def _pack(host: HostInventory) -> _Host:
    raws = tuple(map(_RAW, host.updates))
    return (host.host, host.path, host.format, tuple(map(_KB, host.updates)), tuple(map(_ordinal, host.updates)),
            raws if any(raws) else None, host.os, host.os_caption, host.os_version, host.roles, host.cluster,
            host.collected_at, host.modified_at, host.announced, host.listed, host.warnings)


@lru_cache(maxsize=1 << 12)
def _day(ordinal: int) -> date | None:
    return date.fromordinal(ordinal) if ordinal else None


def _unpack(packed: _Host) -> HostInventory:
    (name, path, fmt, kbs, ordinals, raws, os_id, caption, version, roles, cluster, collected, modified,
     announced, listed, warnings) = packed
    days = map(_day, ordinals)
    updates = tuple(map(InstalledUpdate, kbs, days, raws) if raws is not None else map(InstalledUpdate, kbs, days))
    return HostInventory(name, path, fmt, updates, os_id, caption, version, roles, cluster, collected,
                         modified_at=modified, announced=announced, listed=listed, warnings=warnings)


def _start_worker() -> None:
    gc.disable()  # a short-lived reader builds only acyclic values (see pipeline.gc_paused)


def _read_chunk(args: tuple[list[str], int]) -> list[_Packed]:
    paths, max_bytes = args
    packed: list[_Packed] = []
    for path in paths:
        hosts, errors = read_file(pathlib.Path(path), max_bytes=max_bytes)
        packed.append(([_pack(host) for host in hosts], [(error.path, error.error) for error in errors]))
    return packed


def read_in_pool(files: Sequence[pathlib.Path], max_bytes: int, workers: int,
                 progress: Callable[[int, int], None] | None) -> Iterator[Result]:
    """Each file's (hosts, errors), in the order of `files`."""
    chunks = [([str(p) for p in files[i:i + CHUNK]], max_bytes) for i in range(0, len(files), CHUNK)]
    done = 0
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)) or 1, initializer=_start_worker) as pool:
        for results in pool.map(_read_chunk, chunks):
            for hosts, errors in results:
                done += 1
                yield [_unpack(host) for host in hosts], [InventoryError(path, error) for path, error in errors]
                if progress is not None:
                    progress(done, len(files))
