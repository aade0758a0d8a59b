"""read_file, iter_files and read_paths: size cap, folders, missing paths, errors as values."""

from __future__ import annotations

import shutil
from pathlib import Path

from scanner.inventory import DEFAULT_MAX_BYTES, iter_files, read_file, read_paths
from scanner.models import InventoryError

from .helpers import DATA


def test_file_over_the_cap_is_one_error_and_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)  # sparse: reading it would show as NULs, not this message
    assert read_file(big) == ([], [InventoryError(str(big), "file is 60.0 MB, over the 50 MB "
                                                 "inventory cap; raise [inventory] max_bytes or split the file")])
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024


def test_bad_file_becomes_an_error_value(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert read_file(empty) == ([], [InventoryError(
        str(empty), "the file is empty; re-run the command that produces it")])


def test_iter_files_sorts_recurses_and_skips_hidden_docs_and_partial_files(tmp_path: Path) -> None:
    for name in ["b.json", "a/c.txt", "README", "notes.md", ".hidden.json", ".git/x.json",
                 "HV01.json.partial"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    single = tmp_path / "b.json"
    assert iter_files([tmp_path, single]) == [tmp_path / "a" / "c.txt", tmp_path / "b.json"]


def test_read_paths_reads_good_files_and_reports_missing_and_bad_ones(tmp_path: Path) -> None:
    for name in ["systeminfo-fleet.txt", "hotfix-ps5.csv", "bad-truncated.json"]:
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "empty").mkdir()
    calls: list[tuple[int, int]] = []
    hosts, errors = read_paths([tmp_path, tmp_path / "gone", tmp_path / "empty"],
                               progress=lambda done, total: calls.append((done, total)))
    assert [(h.host, Path(h.path).name) for h in hosts] == [
        ("HV23", "hotfix-ps5.csv"), ("HV24", "hotfix-ps5.csv"), ("HV06", "systeminfo-fleet.txt"),
        ("HV07", "systeminfo-fleet.txt"), ("HV10", "systeminfo-fleet.txt")]
    assert [e.error for e in errors] == [
        "no such file or folder; check [inventory] paths or the command line",
        "the folder holds no inventory files",
        "the JSON ends early at line 30 column 1: the file looks "
        "truncated; collect it again (read as hotfix-json; produce it with: Get-HotFix | ConvertTo-Json "
        "> %COMPUTERNAME%.json)",
    ]
    assert [e.path for e in errors] == [str(tmp_path / name) for name in ("gone", "empty",
                                                                          "bad-truncated.json")]
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_read_paths_reads_a_file_named_twice_once(tmp_path: Path) -> None:
    shutil.copy(DATA / "systeminfo-fleet.txt", tmp_path / "fleet.txt")
    inside = tmp_path / "fleet.txt"
    hosts, errors = read_paths([tmp_path, inside, tmp_path / "." / "fleet.txt"], workers=1)
    assert ([h.host for h in hosts], errors) == (["HV06", "HV07", "HV10"], [])
