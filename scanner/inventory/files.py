"""The disk side of inventories: expand folders and read their files into hosts + errors (one by one or in
a process pool; one file: one_file.py)."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Sequence

from scanner.inventory.one_file import DEFAULT_MAX_BYTES, read_file
from scanner.inventory.one_file import error_entry as _error
from scanner.inventory.parallel import read_in_pool, workers_for
from scanner.models import HostInventory, InventoryError

_SKIPPED_SUFFIXES = (".md", ".tmp", ".partial")


def _skipped(name: str) -> bool:
    """Documentation, and files a writer has not finished (*.tmp, *.partial); hidden ones are pruned
    while walking."""
    lowered = name.lower()
    return lowered.endswith(_SKIPPED_SUFFIXES) or lowered.startswith(("readme", "~$"))


def _walk(folder: pathlib.Path) -> list[pathlib.Path]:
    """Files below `folder`, sorted, hidden files and folders skipped (os.walk on strings: pathlib's
    per-file overhead was a third of a 10,000-file rescan)."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.join(root, f) for f in files if not f.startswith(".") and not _skipped(f)]
    return [pathlib.Path(p) for p in sorted(found)]


def iter_files(paths: Sequence[pathlib.Path]) -> list[pathlib.Path]:
    """Folders expanded recursively (sorted, hidden files, *.md and README skipped); files and missing
    paths kept as given, so read_paths can report a missing one. Duplicates are dropped."""
    return _unique([item for path in paths for item in (_walk(path) if path.is_dir() else [path])])


def _unique(paths: Sequence[pathlib.Path]) -> list[pathlib.Path]:
    """`paths` without a file named twice (the same absolute path), in order."""
    result: list[pathlib.Path] = []
    seen: set[str] = set()
    for item in paths:
        key = os.path.abspath(item)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def read_paths(
    paths: Sequence[pathlib.Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int, int], None] | None = None, workers: int | None = None,
) -> tuple[list[HostInventory], list[InventoryError]]:
    """Every host in every file under `paths`; each unreadable file or missing path is one error.

    `progress(done, total)` is called after each file. `workers`: None chooses (a process pool of one
    process per core from 200 files on, inventory/parallel.py), 1 reads in this process, N > 1 (0: one per
    core) in a pool of N; the result is the same.
    """
    hosts: list[HostInventory] = []
    errors: list[InventoryError] = []
    expanded: list[pathlib.Path] = []
    for path in paths:
        if not path.exists():
            errors.append(_error(str(path), "no such file or folder; check "
                                         "[inventory] paths or the command line"))
            continue
        found = iter_files([path])
        if not found:
            errors.append(_error(str(path), "the folder holds no inventory files"))
        expanded.extend(found)
    if len(paths) > 1:  # one path's files are unique already (iter_files)
        expanded = _unique(expanded)  # drops a file named twice (no stat: these are files already)
    pool = workers_for(len(expanded), workers)
    if pool > 1:
        for found_hosts, found_errors in read_in_pool(expanded, max_bytes, pool, progress):
            hosts.extend(found_hosts)
            errors.extend(found_errors)
        return hosts, errors
    for done, path in enumerate(expanded, 1):
        found_hosts, found_errors = read_file(path, max_bytes=max_bytes)
        hosts.extend(found_hosts)
        errors.extend(found_errors)
        if progress is not None:
            progress(done, len(expanded))
    return hosts, errors
