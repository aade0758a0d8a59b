"""files.read_bounded: the whole file, never more than the cap, also when the file grew after stat()."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanner.files import Refused, read_bounded


def test_a_file_is_read_whole_up_to_exactly_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "HV01.txt"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(Refused) as refused:
        read_bounded(path, 99)
    assert (refused.value.why, refused.value.size) == ("too-big", 100)


def test_a_file_that_grew_after_stat_is_read_on_to_its_end_within_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "HV01.txt"
    path.write_bytes(b"a" * 10)
    stale = os.stat(path)  # the size the caller saw before a writer appended
    path.write_bytes(b"a" * 10 + b"b" * 20_000)
    assert read_bounded(path, 20_010, stale) == b"a" * 10 + b"b" * 20_000


def test_a_file_that_grew_past_the_cap_after_stat_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "HV01.txt"
    path.write_bytes(b"a" * 10)
    stale = os.stat(path)
    path.write_bytes(b"a" * 20_011)
    with pytest.raises(Refused) as refused:
        read_bounded(path, 20_010, stale)
    assert refused.value.why == "grew"


def test_a_file_that_shrank_after_stat_gives_what_is_left(tmp_path: Path) -> None:
    path = tmp_path / "HV01.txt"
    path.write_bytes(b"a" * 5_000)
    stale = os.stat(path)
    path.write_bytes(b"a" * 7)
    assert read_bounded(path, 10_000, stale) == b"a" * 7
