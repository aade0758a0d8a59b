"""One daemon per state_dir: an exclusive flock on state_dir/kbscan.lock, released when the process ends."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from scanner.errors import StoreError


class StateLock:
    """`with StateLock(state_dir):` holds the lock or raises StoreError naming the holder's pid."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "kbscan.lock"
        self._fd: int | None = None

    def __enter__(self) -> StateLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StoreError(f"{self.path}: cannot create the daemon's lock file: {e.strerror or e}; check "
                             "state_dir and that this user may write it") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            if isinstance(e, BlockingIOError):
                raise StoreError(f"{self.path}: another kbscan daemon (pid {holder}) uses this state_dir; "
                                 "stop it first or give this one another state_dir") from None
            raise StoreError(f"{self.path}: cannot lock: {e.strerror or e} (flock is not supported on "
                             "some network file systems; put state_dir on a local disk)") from e
        # The pid is for people and `kbscan status`; the lock itself is the flock, gone with the process.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
