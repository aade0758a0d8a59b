"""One inventory file from disk: read it within the size cap (regular files only) and parse it; the
one place that words why a file could not be read, for the readers and for the inventory cache."""

from __future__ import annotations

import os
import pathlib
from dataclasses import replace
from datetime import UTC, datetime

from scanner.errors import InventoryReadError
from scanner.files import Refused, read_bounded
from scanner.inventory.parse import parse_bytes
from scanner.models import HostInventory, InventoryError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def error_entry(path: str, message: str) -> InventoryError:
    """An `errors` entry: the path in its own field, so the message does not repeat it."""
    prefix = f"{path}: "
    return InventoryError(path, message[len(prefix):] if message.startswith(prefix) else message)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def load(path: pathlib.Path, max_bytes: int, info: os.stat_result | None = None) -> bytes | InventoryError:
    """The file's bytes (`files.read_bounded`: regular files only, never more than `max_bytes`), or the
    error entry that says why not; `info`: the stat result the caller already took."""
    name = str(path)
    cap = f"{max_bytes / 1024 / 1024:g} MB"
    too_big = f"over the {cap} inventory cap; raise [inventory] max_bytes or split the file"
    try:
        return read_bounded(path, max_bytes, info)
    except Refused as refused:
        return error_entry(name, {
            "special": "is not a regular file (a pipe, socket or device); point the inventory paths at "
                       "files or folders",
            "too-big": f"file is {_megabytes(refused.size)}, {too_big}",
        }.get(refused.why, f"file grew past {cap} while being read, {too_big}"))
    except FileNotFoundError:
        return error_entry(name, "no such file or folder; check the inventory paths")
    except IsADirectoryError:
        return error_entry(name, "is a folder; pass it to read_paths to read its files")
    except OSError as error:
        return error_entry(name, f"cannot be read ({error.strerror or error}); check that kbscan may read it")


def parse_file(name: str, data: bytes) -> tuple[list[HostInventory], list[InventoryError]]:
    """`parse_bytes` with its error as an error entry (the caller reports it: report `errors`, the log)."""
    try:
        return parse_bytes(data, name), []
    except InventoryReadError as error:
        return [], [error_entry(name, str(error))]


def stamped(hosts: list[HostInventory], info: os.stat_result) -> list[HostInventory]:
    """The hosts with the file's modification time, the inventory's time when the format has no
    collected_at (DESIGN.md 3a), from the stat the read took anyway."""
    modified = datetime.fromtimestamp(info.st_mtime, UTC)
    return [replace(host, modified_at=modified) for host in hosts]


def read_file(path: pathlib.Path, *, max_bytes: int = DEFAULT_MAX_BYTES
              ) -> tuple[list[HostInventory], list[InventoryError]]:
    """Reads one file (size cap checked BEFORE reading the whole file), never raises for a bad file;
    each host carries the file's modification time."""
    try:
        info: os.stat_result | None = path.stat()
    except OSError:
        info = None  # load() says why, in the words it uses for every unreadable file
    data = load(path, max_bytes, info)
    if isinstance(data, InventoryError):
        return [], [data]
    hosts, errors = parse_file(str(path), data)
    return (stamped(hosts, info) if info is not None else hosts), errors
