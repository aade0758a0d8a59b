"""Reports on disk: every file parses, host names never escape reports_dir or collide, writes are atomic."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scanner.errors import ScannerError
from scanner.evaluate import Policy, evaluate_fleet
from scanner.files import write_atomic
from scanner.models import HostInventory
from scanner.pipeline import embedded_catalogue
from scanner.publish import Published, publish, publish_scan_time, safe_name
from scanner.reports import prometheus

ODD = ["../../etc/passwd", "a/b", "a_b", "nul\x00byte", "x" * 300, "CON", "con.txt", ".hidden", "ＨＶ０１", "HV01"]


def fleet(names: list[str]):  # type: ignore[no-untyped-def]
    inventories = [HostInventory(n, f"{i}.json", "kbscan-json", os="ws2012", roles=()) for i, n in enumerate(names)]
    return evaluate_fleet(embedded_catalogue(), inventories, [], Policy.at(date(2013, 12, 20)),
                          datetime(2013, 12, 20, tzinfo=UTC))


def test_odd_host_names_stay_inside_and_never_collide(tmp_path: Path):
    reports = tmp_path / "reports"
    written = publish(fleet(ODD), reports)
    host_files = sorted((reports / "hosts").iterdir())
    assert len(host_files) == len(ODD)
    for path in written:
        assert path.resolve().is_relative_to(reports.resolve())
        json.loads(path.read_text()) if path.suffix == ".json" else path.read_text()
    names = {json.loads(p.read_text())["host"] for p in host_files}
    assert names == set(ODD)
    assert all(len(p.name) <= 120 and "/" not in p.name and "\x00" not in p.name for p in host_files)
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize(("host", "expected"), [("HV01", "HV01"), ("hv-01.contoso", "hv-01.contoso")])
def test_plain_names_are_kept(host: str, expected: str):
    assert safe_name(host) == expected


def test_changed_names_get_a_hash_so_similar_names_differ():
    assert safe_name("a/b") != safe_name("a_b") and safe_name("a/b").startswith("a_b-")
    assert safe_name("CON").startswith("_CON-")


def test_hosts_no_longer_reported_lose_their_file(tmp_path: Path):
    publish(fleet(["HV01", "HV02"]), tmp_path)
    publish(fleet(["HV01"]), tmp_path)
    assert sorted(p.name for p in (tmp_path / "hosts").iterdir()) == ["HV01.json"]


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "latest.json"
    write_atomic(target, '{"old": true}\n')

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ScannerError, match="previous file kept: No space left on device"):
        write_atomic(target, '{"new": true}\n')
    assert target.read_text() == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["latest.json"]  # no temp file left behind


def test_names_differing_only_in_case_get_separate_files(tmp_path: Path):
    publish(fleet(["hv01", "HV01"]), tmp_path)  # one file each, also on a case-insensitive share
    files = sorted(p.name for p in (tmp_path / "hosts").iterdir())
    assert len({name.casefold() for name in files}) == 2 and files[0] == "HV01.json"
    assert {json.loads((tmp_path / "hosts" / name).read_text())["host"] for name in files} == {"hv01", "HV01"}


def test_temp_files_a_killed_writer_left_are_removed_once_old(tmp_path: Path):
    (tmp_path / "hosts").mkdir()
    old, fresh = tmp_path / ".latest.json.abc.tmp", tmp_path / "hosts" / ".HV01.json.def.tmp"
    for path in (old, fresh):
        path.write_text("{")
    os.utime(old, (1, 1))
    publish(fleet(["HV01"]), tmp_path)
    assert not old.exists() and fresh.exists()  # a fresh one may belong to a writer still at work


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_keeps_the_previous_report(tmp_path: Path):
    publish(fleet(["HV01"]), tmp_path)
    before = (tmp_path / "latest.json").read_text()
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(ScannerError, match="cannot write here"):
            publish(fleet(["HV01", "HV02"]), tmp_path)
    finally:
        tmp_path.chmod(0o755)
    assert (tmp_path / "latest.json").read_text() == before


def test_with_the_daemons_memory_only_changed_or_missing_host_files_are_written(tmp_path: Path):
    published = Published()
    first = fleet(["HV01", "HV02", "HV03"])
    publish(first, tmp_path, published=published)
    hosts = tmp_path / "hosts"
    before = {p.name: p.stat().st_mtime_ns for p in hosts.iterdir()}
    later = replace(first, generated_at=datetime(2013, 12, 20, 9, tzinfo=UTC),
                    hosts=tuple(replace(h, cluster="CLU1") if h.host == "HV02" else h for h in first.hosts))
    (hosts / "HV03.json").unlink()
    written = publish(later, tmp_path, published=published)
    assert sorted(p.name for p in written if p.parent == hosts) == ["HV02.json", "HV03.json"]
    assert (hosts / "HV01.json").stat().st_mtime_ns == before["HV01.json"]
    hv01, hv02 = (json.loads((hosts / name).read_text()) for name in ("HV01.json", "HV02.json"))
    assert hv01["generated_at"] == "2013-12-20T00:00:00Z" and hv02["generated_at"] == "2013-12-20T09:00:00Z"
    assert hv02["cluster"] == "CLU1"
    assert json.loads((tmp_path / "latest.json").read_text())["generated_at"] == "2013-12-20T09:00:00Z"
    restarted = Published()  # a restarted daemon knows nothing: it writes every file once
    assert len([p for p in publish(later, tmp_path, published=restarted) if p.parent == hosts]) == 3


def test_a_scan_that_found_nothing_changed_rewrites_only_the_scan_time_of_the_metrics(tmp_path: Path):
    published = Published()
    report = fleet(["HV01"])
    publish(report, tmp_path, published=published)
    text = (tmp_path / "kbscan.prom").read_text()
    at = datetime(2013, 12, 20, 0, 15, tzinfo=UTC)
    publish_scan_time(tmp_path, published, at, 0.05)
    again = (tmp_path / "kbscan.prom").read_text()
    assert again == prometheus.render(replace(report, generated_at=at, duration_seconds=0.05))
    assert again.split("# HELP kbscan_scan_timestamp_seconds")[0] == text.split(
        "# HELP kbscan_scan_timestamp_seconds")[0]
