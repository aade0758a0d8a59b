"""One daemon per state_dir: the flock is exclusive, names its holder, and dies with the process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.errors import StoreError
from scanner.lock import StateLock

REPO = Path(__file__).resolve().parents[1]
HOLD = "import sys, time; from pathlib import Path; from scanner.lock import StateLock\n" \
       "with StateLock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)\n"


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path):
    with StateLock(tmp_path):
        assert (tmp_path / "kbscan.lock").read_text() == f"{os.getpid()}\n"
        with pytest.raises(StoreError, match=rf"another kbscan daemon \(pid {os.getpid()}\) uses this state_dir"):
            StateLock(tmp_path).__enter__()
    with StateLock(tmp_path):  # released on exit: the next one gets it
        pass


def test_the_lock_goes_with_a_killed_process(tmp_path: Path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(StoreError, match=rf"pid {holder.pid}\)"):
            StateLock(tmp_path).__enter__()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    with StateLock(tmp_path):  # no stale lock after a SIGKILL: flock belongs to the open file
        assert (tmp_path / "kbscan.lock").read_text() == f"{os.getpid()}\n"


def test_a_state_dir_that_cannot_be_created_is_a_store_error(tmp_path: Path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match=r"cannot create the lock file: .*check state_dir"):
        StateLock(tmp_path / "file" / "state").__enter__()
