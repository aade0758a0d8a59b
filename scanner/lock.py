"""Exclusive flocks in state_dir, released when the process ends (also on SIGKILL: the lock belongs to
the open file, so there is never a stale lock to clean up):

- `kbscan.lock`: one daemon per state_dir.
- `refresh.lock`: one catalogue writer (refresh or import) at a time. A refresh reads each source's last
  state, fetches for a while, then stores; two at once would store one's stale view over the other's.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from scanner.errors import StoreError


class Busy(StoreError):
    """The lock is held by another process (`holder` is its pid, as it wrote it, or "?")."""

    def __init__(self, message: str, holder: str) -> None:
        super().__init__(message)
        self.holder = holder


class FileLock:
    """`with FileLock(path, busy=...):` holds the flock. When another process holds it: with `wait`,
    `wait(holder_pid)` is called once and the lock is waited for; without, Busy is raised with `busy`
    (its `{pid}` filled in)."""

    def __init__(self, path: Path, busy: str, wait: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.busy = busy
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> FileLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StoreError(f"{self.path}: cannot create the lock file: {e.strerror or e}; check "
                             "state_dir and that this user may write it") from e
        try:
            self._lock(fd)
        except BaseException:
            os.close(fd)
            raise
        # The pid is for people and `kbscan status`; the lock itself is the flock, gone with the process.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def _lock(self, fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        except OSError as e:
            raise StoreError(f"{self.path}: cannot lock: {e.strerror or e} (flock is not supported on "
                             "some network file systems; put state_dir on a local disk)") from e
        if self.wait is None:
            raise Busy(f"{self.path}: {self.busy.format(pid=holder)}", holder)
        self.wait(holder)
        fcntl.flock(fd, fcntl.LOCK_EX)  # Ctrl-C still interrupts it (PEP 475 retries only quiet signals)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def StateLock(state_dir: Path) -> FileLock:
    """One daemon per state_dir; a second one gets Busy naming the first one's pid."""
    return FileLock(state_dir / "kbscan.lock", "another kbscan daemon (pid {pid}) uses this state_dir; stop it "
                    "first or give this one another state_dir")


def RefreshLock(state_dir: Path, wait: Callable[[str], None] | None = None) -> FileLock:
    """One catalogue refresh or import at a time per state_dir."""
    return FileLock(state_dir / "refresh.lock", "a catalogue refresh or import (pid {pid}) is running", wait)
