"""Files other machines wrote, read within a cap; atomic writes, so a reader never sees half a report."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from scanner.errors import ScannerError


class Refused(Exception):
    """Why read_bounded would not return a file's bytes: `why` is "special" (a pipe, socket or device,
    whose read could block forever), "too-big" (`size` is its size) or "grew" (past the cap while read)."""

    def __init__(self, why: str, size: int = 0) -> None:
        super().__init__(why)
        self.why = why
        self.size = size


def read_bounded(path: Path, max_bytes: int, info: os.stat_result | None = None) -> bytes:
    """The bytes of the regular file `path`, never more than `max_bytes` read: the size is checked from
    stat() before reading (`info`, when the caller has taken it already), and again on what was read
    (the file may grow meanwhile). Raises Refused, or OSError (FileNotFoundError, IsADirectoryError,
    PermissionError ...) for the caller to word."""
    info = path.stat() if info is None else info
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):  # a directory: open() says so
        raise Refused("special")
    if info.st_size > max_bytes:
        raise Refused("too-big", info.st_size)
    with open(path, "rb") as handle:
        # What stat() said plus one byte, then on to the cap only if the file grew: read(max_bytes + 1)
        # allocates the whole cap (50 MB) for each small file, a third of reading 10,000 of them.
        data = handle.read(info.st_size + 1)
        if len(data) > info.st_size:
            data += handle.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise Refused("grew")
    return data


def write_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Replace `path` with `text` (a string or chunks of one) atomically; on any failure the previous
    file stays intact."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise ScannerError(f"{path}: cannot write here: {e.strerror or e}; check the folder and "
                           "its permissions") from e
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as e:  # a full disk, or the report's own chunks failing: no temp file left either way
        Path(temp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise ScannerError(f"{path}: write failed, previous file kept: {e.strerror or e}") from e
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
