"""Reading many inventory files on every core: a process pool over chunks of files, same results and
order as reading them one by one. Used above POOL_THRESHOLD files when the machine has cores to spare."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from scanner.models import HostInventory, InventoryError

POOL_THRESHOLD = 400  # below this, starting processes costs more than it saves
CHUNK = 200

Result = tuple[list[HostInventory], list[InventoryError]]


def workers_for(files: int, workers: int | None) -> int:
    """`workers=None`: automatic (every core, only for large fleets); 1 turns the pool off."""
    if workers is not None:
        return max(1, workers)
    cores = os.cpu_count() or 1
    return cores if cores > 1 and files >= POOL_THRESHOLD else 1


def _read_chunk(args: tuple[list[str], int]) -> list[Result]:
    from scanner.inventory.files import read_file

    paths, max_bytes = args
    return [read_file(pathlib.Path(p), max_bytes=max_bytes) for p in paths]


def read_in_pool(files: Sequence[pathlib.Path], max_bytes: int, workers: int,
                 progress: Callable[[int, int], None] | None) -> Iterator[Result]:
    """Each file's (hosts, errors), in the order of `files`."""
    chunks = [([str(p) for p in files[i:i + CHUNK]], max_bytes) for i in range(0, len(files), CHUNK)]
    done = 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for results in pool.map(_read_chunk, chunks):
            for result in results:
                done += 1
                yield result
                if progress is not None:
                    progress(done, len(files))
