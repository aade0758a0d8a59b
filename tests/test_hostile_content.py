"""Hostile inventories end to end: files and names written by other machines reach no path outside
reports_dir, no terminal escape, no silent merge, no hang and no unbounded read (issue 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner import inventory
from scanner.config import Config, HttpConfig
from scanner.errors import SourceError
from scanner.fleet import combine, look_alike_warnings
from scanner.inventory.values import host_problem, normalise_host
from scanner.models import HostInventory
from scanner.pipeline import load_catalogue
from scanner.printable import printable
from scanner.refresh import import_list
from scanner.sources.text import clean

EXAMPLE = json.loads((Path(__file__).parents[1] / "collector" / "example-output.json").read_text("utf-8"))


def collector_file(folder: Path, file_name: str, host: str, **changes: object) -> Path:
    data = {**EXAMPLE, "host": host, **changes}
    path = folder / file_name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def kbscan(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "scanner", "--config", os.devnull, *map(str, args)],
                          capture_output=True, timeout=timeout, env=env, check=False)


@pytest.mark.parametrize(("host", "problem"), [
    ("HV\x0001", "U+0000"), ("HV01\n", None), ("\x1b[2JHV01", "U+001B"), ("HV\u202e10", "U+202E"),
    ("HV\u200b01", "U+200B"), ("A" * 256, "longer than the 255"), ("A" * 255, None),
])
def test_host_names_with_control_characters_or_over_long_are_refused(host: str, problem: str | None):
    name = normalise_host(host)
    found = host_problem(name)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_a_file_with_a_hostile_host_name_is_one_error_naming_it_and_the_rest_is_scanned(tmp_path: Path):
    collector_file(tmp_path, "good.json", "HV01")
    collector_file(tmp_path, "nul.json", "HV\x0002")
    collector_file(tmp_path, "esc.json", "\x1b]0;owned\x07HV03")
    collector_file(tmp_path, "cluster.json", "HV04", cluster="CLU\x1b[31m")
    hosts, errors = inventory.read_paths([tmp_path], workers=1)
    assert [h.host for h in hosts] == ["HV01"]
    assert sorted(Path(e.path).name for e in errors) == ["cluster.json", "esc.json", "nul.json"]
    assert all("control character" in e.error for e in errors)


def test_case_mapping_never_makes_two_hosts_one():
    assert normalise_host("hv01.contoso.local") == "HV01"
    assert normalise_host("straße") != normalise_host("strasse")  # ß.upper() is "SS"
    assert normalise_host("hvı01") != normalise_host("hvi01")  # dotless ı.upper() is "I"
    assert normalise_host("hv-ü01") == normalise_host("HV-Ü01") == "HV-Ü01"


def test_look_alike_host_names_stay_separate_and_are_named_in_a_warning():
    names = ["HV01", "НV01", "ＨＶ０１", "ΗV01", "HV02", "STRASSE", "STRAßE", "HV-Ü01"]
    inventories = [HostInventory(normalise_host(n), f"{i}.json", "kbscan-json") for i, n in enumerate(names)]
    combined, warnings = combine(inventories)
    assert len(combined) == len(names)
    [hv01, strasse] = warnings
    assert "HV01 (ASCII)" in hv01 and "U+041D" in hv01 and "U+FF28" in hv01 and "U+0397" in hv01
    assert "STRASSE (ASCII)" in strasse and "U+00DF" in strasse
    assert look_alike_warnings(["HV01", "HV02", "HV-Ü01"]) == []


def test_terminal_escapes_from_file_names_and_hosts_never_reach_the_terminal(tmp_path: Path):
    collector_file(tmp_path, "HV01.json", "HV01")
    (tmp_path / "evil\x1b[2J\x1b]0;owned\x07.json").write_bytes(b"{ not json")
    (tmp_path / "rlo\u202egnp.json").write_bytes(b"\x00\x01")
    for fmt in ("table", "remediation"):
        result = kbscan("scan", tmp_path, "--at", "2013-12-20", "--format", fmt)
        assert result.returncode == 1, result.stderr
        shown = result.stdout + result.stderr
        assert b"\x1b" not in shown and b"\x07" not in shown and "\u202e".encode() not in shown
        assert b"evil\\x1b[2J" in shown or fmt == "remediation"
    inventory_listing = kbscan("inventory", tmp_path)
    assert b"\x1b" not in inventory_listing.stdout + inventory_listing.stderr
    assert b"evil\\x1b[2J\\x1b]0;owned\\x07.json" in inventory_listing.stdout


def test_printable_escapes_acting_characters_and_keeps_lines():
    assert printable("a\x1b[2Jb\tc\nd\x00\u202ee\x9b") == "a\\x1b[2Jb\tc\nd\\x00\\u202ee\\x9b"
    assert printable("Überprüfung HV01 ＨＶ") == "Überprüfung HV01 ＨＶ"


def test_page_text_loses_the_characters_printable_escapes_and_keeps_word_breaks():
    assert clean("Fix\x1b[2J for\u202e Hyper-V\u200b\xa0hosts") == "Fix[2J for Hyper-V hosts"
    assert clean("Cluster\rservice\x0cstops\x85now\x00!") == "Cluster service stops now!"  # separators separate
    every = [*range(0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010), *range(0x202A, 0x202F), 0x2066, 0xFEFF]
    text = clean("".join(f"x{chr(code)}" for code in every))
    assert printable(text) == text and text.count("x") == len(every)  # nothing left to escape, no word lost


def test_a_hundred_megabyte_inventory_is_refused_unread_and_the_scan_goes_on(tmp_path: Path):
    collector_file(tmp_path, "HV01.json", "HV01")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * 1024 * 1024)
    started = time.monotonic()
    hosts, errors = inventory.read_paths([tmp_path], workers=1)
    assert time.monotonic() - started < 5
    assert [h.host for h in hosts] == ["HV01"]
    [error] = errors
    assert error.path == str(huge) and "100.0 MB" in error.error and "[inventory] max_bytes" in error.error


def test_a_device_is_an_error_not_an_endless_read():
    hosts, errors = inventory.read_file(Path("/dev/zero"), max_bytes=1024)  # its size says 0, its read never ends
    assert hosts == [] and "not a regular file" in errors[0].error


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_a_named_pipe_in_the_inventory_is_an_error_not_a_hang(tmp_path: Path):
    collector_file(tmp_path, "HV01.json", "HV01")
    os.mkfifo(tmp_path / "pipe.json")
    hosts, errors = inventory.read_file(tmp_path / "pipe.json")
    assert hosts == [] and "not a regular file" in errors[0].error
    result = kbscan("scan", tmp_path, tmp_path / "pipe.json", "--at", "2013-12-20", "--format", "json", timeout=30)
    report = json.loads(result.stdout)
    assert [h["host"] for h in report["hosts"]] == ["HV01"]
    assert [Path(e["path"]).name for e in report["errors"]] == ["pipe.json"]


def test_an_imported_list_over_the_cap_is_refused_unread_and_the_catalogue_is_untouched(tmp_path: Path):
    config = Config(state_dir=tmp_path / "state", http=HttpConfig(max_bytes=1024 * 1024))
    listed = tmp_path / "UpdatesListCluster.xml"
    listed.write_text(json.dumps([{"kb": "KB2950001", "title": "Kept"}]))
    import_list(config, listed)
    before = load_catalogue(config)
    with listed.open("wb") as handle:  # sparse: 100 MB on paper
        handle.truncate(100 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"UpdatesListCluster\.xml: the list is 104,857,600 bytes, over the "
                                          r"1,048,576-byte cap \(\[http\] max_bytes\)$"):
        import_list(config, listed)
    assert time.monotonic() - started < 5
    after = load_catalogue(config)
    assert after.entries == before.entries and after.entries["KB2950001"].title == "Kept"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_importing_a_named_pipe_is_an_error_not_a_hang(tmp_path: Path):
    os.mkfifo(tmp_path / "list.xml")
    result = kbscan("--config", _state_config(tmp_path), "catalogue", "import", tmp_path / "list.xml", timeout=30)
    assert result.returncode == 2
    assert f"{tmp_path / 'list.xml'}: the list is not a regular file".encode() in result.stderr
    assert b"Traceback" not in result.stderr


def _state_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\n')
    return config


def test_script_in_host_names_and_titles_is_inert_in_the_html_report(tmp_path: Path):
    collector_file(tmp_path, "x.json", "<script>alert(1)</script>",
                   cluster="\"><img src=x onerror=alert(2)>")
    result = kbscan("scan", tmp_path, "--at", "2013-12-20", "--format", "html")
    page = result.stdout.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in page  # host names are upper-cased
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
