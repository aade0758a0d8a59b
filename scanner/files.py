"""Atomic file writes: a reader never sees half a report (temp file in the same folder, fsync, rename)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from scanner.errors import ScannerError


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
