"""The process pool reads exactly what the serial path reads: same hosts, errors and order."""

from __future__ import annotations

import shutil
from pathlib import Path

from scanner.inventory import read_paths
from scanner.inventory.parallel import workers_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "inventory"


def test_pool_and_serial_give_the_same_result_including_bad_files(tmp_path: Path):
    for copy in range(3):
        target = tmp_path / f"site{copy}"
        shutil.copytree(EXAMPLES, target)
        (target / "empty.txt").write_bytes(b"")
    serial = read_paths([tmp_path], workers=1)
    pooled = read_paths([tmp_path], workers=2)
    assert pooled == serial
    assert len(serial[0]) == 15 and len(serial[1]) == 6  # 3 x (truncated JSON + empty file)


def test_the_pool_is_opt_in():
    assert workers_for(10_000, None) == 1
    assert workers_for(10_000, 1) == 1
    assert workers_for(5, 3) == 3
    assert workers_for(5, 0) >= 1
