"""The disk side of inventories: expand folders, enforce the size cap, read files into hosts + errors."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Sequence

from scanner.errors import InventoryReadError
from scanner.files import Refused, read_bounded
from scanner.inventory.parallel import read_in_pool, workers_for
from scanner.models import HostInventory, InventoryError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
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
    result: list[pathlib.Path] = []
    seen: set[str] = set()
    for path in paths:
        for item in _walk(path) if path.is_dir() else [path]:
            key = os.path.abspath(item)
            if key not in seen:
                seen.add(key)
                result.append(item)
    return result


def _error(path: str, message: str) -> InventoryError:
    """An `errors` entry: the path in its own field, so the message does not repeat it."""
    prefix = f"{path}: "
    return InventoryError(path, message[len(prefix):] if message.startswith(prefix) else message)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def read_file(path: pathlib.Path, *, max_bytes: int = DEFAULT_MAX_BYTES
              ) -> tuple[list[HostInventory], list[InventoryError]]:
    """Reads one file (size cap checked BEFORE reading the whole file), never raises for a bad file."""
    from scanner.inventory import parse_bytes  # the package imports this module

    name = str(path)
    cap = f"{max_bytes / 1024 / 1024:g} MB"
    too_big = f"over the {cap} inventory cap; raise [inventory] max_bytes or split the file"
    try:
        data = read_bounded(path, max_bytes)
    except Refused as refused:
        return [], [_error(name, {
            "special": "is not a regular file (a pipe, socket or device); point the inventory paths at "
                       "files or folders",
            "too-big": f"file is {_megabytes(refused.size)}, {too_big}",
        }.get(refused.why, f"file grew past {cap} while being read, {too_big}"))]
    except FileNotFoundError:
        return [], [_error(name, "no such file or folder; check the inventory paths")]
    except IsADirectoryError:
        return [], [_error(name, "is a folder; pass it to read_paths to read its files")]
    except OSError as error:
        return [], [_error(name, f"cannot be read ({error.strerror or error}); check "
                                   "that kbscan may read it")]
    try:
        return parse_bytes(data, name), []
    except InventoryReadError as error:  # the caller reports it (report `errors`, the daemon's log)
        return [], [_error(name, str(error))]


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
    expanded = iter_files(expanded)  # drops a file named twice
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
