"""The `kbscan` command end to end on the example fleet: output, exit codes, and error messages."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.embedded import load_embedded
from scanner.models import kb_sort_key

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "inventory"
EXAMPLE_CONFIG = REPO / "examples" / "config.toml"


def run(*argv: str, cwd: Path = REPO) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("KBSCAN_CONFIG", raising=False)


def scan_json(*extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, text = run("--config", str(EXAMPLE_CONFIG), "scan", "--format", "json", *extra)
    return code, json.loads(text)


def test_example_fleet_on_2013_12_20():
    code, report = scan_json("--at", "2013-12-20")
    assert code == 1
    # the embedded catalogue holds every cited list: hosts that installed only the six seed KBs miss the rest
    assert report["summary"] == {"hosts": 5, "compliant": 0, "noncompliant": 4, "unknown": 1}
    hosts = {h["host"]: h for h in report["hosts"]}
    assert {name: h["status"] for name, h in hosts.items()} == {
        "CL08-01": "noncompliant", "HV01": "noncompliant", "HV02": "noncompliant", "HV05": "noncompliant",
        "HYPERV-LAB": "unknown"}
    hv01 = {f["kb"]: (f["status"], f["via"], f["due"]) for f in hosts["HV01"]["findings"]}
    assert hv01["KB2898774"] == ("deferred", "KB2903938", "2014-01-10")
    hv02 = {f["kb"]: (f["status"], f["via"]) for f in hosts["HV02"]["findings"]}
    assert hv02["KB2898774"] == ("included", "KB2903938")
    assert hv02["KB2908415"] == ("missing", None)
    assert hosts["HV02"]["inventory"]["format"] == "systeminfo"
    hv05 = {f["kb"]: f for f in hosts["HV05"]["findings"]}
    assert (hv05["KB2779069"]["status"], hv05["KB2779069"]["until"]) == ("exempt", "2014-06-30")
    assert [f["kb"] for f in hosts["CL08-01"]["findings"]] == [  # + the 2008 R2 SP1 cluster list and KB976424
        "KB976424", "KB2524478", "KB2545850", "KB2559392", "KB2779069", "KB2871803", "KB2905412", "KB2972254",
        "KB3033918"]
    assert hosts["HYPERV-LAB"]["reasons"][0].startswith("product unknown")
    assert [e["path"] for e in report["errors"]] == [str(Path("examples/inventory/HV03-broken.json"))]
    clu1 = next(c for c in report["clusters"] if c["name"] == "CLU1")
    assert clu1["nodes"] == ["HV01", "HV02"]
    assert {"kb": "KB2908415", "installed_on": ["HV01"], "missing_on": ["HV02"]} in clu1["differences"]


def test_on_the_due_date_the_rollup_fix_is_missing():
    code, report = scan_json("--at", "2014-01-10")
    hv01 = {f["kb"]: f["status"] for h in report["hosts"] if h["host"] == "HV01" for f in h["findings"]}
    assert hv01["KB2898774"] == "missing"
    assert code == 1


def test_compliant_fleet_exits_0(tmp_path: Path):
    host = json.loads((EXAMPLES / "HV01.json").read_text(encoding="utf-8"))
    roles = frozenset(host["roles"])
    host["updates"] = [{"kb": e.kb, "installed_on": "2013-12-12"} for e in load_embedded()[0]
                       if "ws2012" in e.products and set(e.roles) <= roles and e.standalone]  # every applicable entry
    (tmp_path / "hv01.json").write_text(json.dumps(host), encoding="utf-8")
    code, text = run("scan", str(tmp_path), "--at", "2013-12-20")
    assert code == 0
    assert "HV01  compliant" in text


def test_table_output_lists_hosts_then_actions():
    code, text = run("--config", str(EXAMPLE_CONFIG), "scan", "--at", "2013-12-20")
    assert code == 1
    assert "5 hosts: 0 compliant, 4 noncompliant, 1 unknown" in text
    assert re.search(r"^HV02 +KB2908415 +missing ", text, re.MULTILINE)
    assert "Unreadable inventories:" in text


def test_output_file_is_written(tmp_path: Path):
    target = tmp_path / "out" / "report.json"
    code, text = run("--config", str(EXAMPLE_CONFIG), "scan", "--at", "2013-12-20", "--format", "json",
                     "--output", str(target))
    assert (code, text) == (1, "")
    assert json.loads(target.read_text())["schema_version"] == 1


def test_catalogue_list_json_has_every_entry_with_its_relations():
    code, text = run("catalogue", "list", "--format", "json")
    entries = json.loads(text)
    assert code == 0
    assert [e["kb"] for e in entries] == [e.kb for e in sorted(load_embedded()[0], key=lambda e: kb_sort_key(e.kb))]
    assert len(entries) == 111
    by_kb = {e["kb"]: e for e in entries}
    assert (by_kb["KB2908415"]["included_in"], by_kb["KB2878635"]["supersedes"]) == (["KB2878635"], ["KB2870270"])
    for entry in entries:
        assert {"kb", "title", "kind", "released", "products", "roles", "supersedes", "included_in",
                "sources"} <= set(entry)
    rollup_fix = next(e for e in entries if e["kb"] == "KB2898774")
    assert (rollup_fix["included_in"], rollup_fix["released"]) == (["KB2903938"], "2013-12-10")


def test_catalogue_show_gives_facts_and_sources():
    code, text = run("catalogue", "show", "2898774")
    assert code == 0
    assert text.startswith("KB2898774: Data loss occurs on a SCSI disk")
    assert "  covered by:   KB2903938 (included)\n" in text


def test_unknown_kb_and_bad_usage_exit_2(capsys: pytest.CaptureFixture[str]):
    assert run("catalogue", "show", "KB1")[0] == 2
    assert run("catalogue", "show", "KB1234567")[0] == 2
    assert "not in the catalogue" in capsys.readouterr().err
    assert run("scan", "--at", "20.12.2013")[0] == 2
    assert run("nonsense")[0] == 2


def test_config_error_exits_2_and_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    config = tmp_path / "bad.toml"
    config.write_text('[deferral]\nperiod = "soon"\n')
    assert run("--config", str(config), "scan", str(EXAMPLES))[0] == 2
    assert f"kbscan: error: {config}: at 'deferral.period': not a duration" in capsys.readouterr().err


def test_scan_without_paths_or_config_paths_is_a_usage_error(capsys: pytest.CaptureFixture[str]):
    assert run("scan")[0] == 2
    assert "no inventory paths" in capsys.readouterr().err


def test_inventory_command_lists_what_was_read():
    code, text = run("inventory", str(EXAMPLES / "HV02-systeminfo.txt"), "--format", "json")
    hosts = json.loads(text)
    assert code == 0
    assert [(h["host"], h["os"], h["format"]) for h in hosts] == [("HV02", "ws2012", "systeminfo")]
    assert [u["kb"] for u in hosts[0]["updates"]] == ["KB2779069", "KB2894485", "KB2902014", "KB2903938",
                                                      "KB2905412"]


def test_python_dash_m_scanner_runs_the_same_cli():
    done = subprocess.run([sys.executable, "-m", "scanner", "catalogue", "list"], capture_output=True,
                          text=True, cwd=REPO, check=False)
    assert done.returncode == 0
    assert "111 entries (embedded catalogue)" in done.stdout


def test_readme_quick_start_shows_lines_the_command_really_prints_in_that_order():
    """The README's first command prints what the README shows: each line of its output block, `[...]` cuts
    aside, is a line of the real output, in the same order."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("What it prints", 1)[1].split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    code, text = run("--config", "examples/config.toml", "scan", "--at", "2013-12-20")
    printed = text.splitlines()
    at = 0
    for line in shown:
        if line.startswith("[..."):
            continue
        assert line in printed[at:], f"README line not printed (in this order): {line!r}"
        at = printed.index(line, at) + 1
    assert code == 1 and len([line for line in shown if not line.startswith("[...")]) > 20
