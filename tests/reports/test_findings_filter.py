"""`--findings all|action` and `[report] findings`: what the JSON lists, its counts, the schema, CLI and daemon."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scanner.cli import main
from scanner.config import Config, InventoryConfig, load_config
from scanner.errors import ConfigError
from scanner.jobs import Runtime, scan_job
from scanner.models import Report, Status
from scanner.reports.findings import FindingsFilter
from scanner.reports.json import chunks as json_chunks
from scanner.reports.json import render

REPO = Path(__file__).resolve().parents[2]
VALIDATOR = jsonschema.Draft202012Validator(
    json.loads(resources.files("scanner").joinpath("schema/report.schema.json").read_text()))


def listed(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {h["host"]: [(f["kb"], f["status"]) for f in h["findings"]] for h in data["hosts"]}


def test_action_lists_missing_deferred_and_exempt_and_counts_every_status(report: Report):
    data = json.loads(render(report, FindingsFilter.ACTION))
    VALIDATOR.validate(data)
    assert data["findings_filter"] == "action"
    assert listed(data) == {
        "HV01": [("KB2898774", "deferred"), ("KB2903938", "deferred")],
        "HV02": [("KB2894485", "missing"), ("KB2905412", "missing"), ("KB2908415", "missing"),
                 ("KB2999999", "missing")],
        "HV05": [("KB2779069", "exempt")],
        "LAB1": [],
    }
    assert {h["host"]: h["counts"] for h in data["hosts"]} == {
        "HV01": {"installed": 5, "superseded": 1, "included": 0, "exempt": 0, "deferred": 2, "missing": 0},
        "HV02": {"installed": 3, "superseded": 0, "included": 1, "exempt": 0, "deferred": 0, "missing": 4},
        "HV05": {"installed": 6, "superseded": 0, "included": 1, "exempt": 1, "deferred": 0, "missing": 0},
        "LAB1": {"installed": 0, "superseded": 0, "included": 0, "exempt": 0, "deferred": 0, "missing": 0},
    }
    everything = json.loads(render(report))
    hv02_all = next(h for h in everything["hosts"] if h["host"] == "HV02")
    hv02 = next(h for h in data["hosts"] if h["host"] == "HV02")
    assert hv02 == {**hv02_all, "findings": [f for f in hv02_all["findings"] if f["status"] == "missing"]}
    assert {k: v for k, v in data.items() if k not in ("hosts", "findings_filter")} == {
        k: v for k, v in everything.items() if k not in ("hosts", "findings_filter")}


def test_all_is_the_default_and_keeps_every_finding_with_counts_that_match(report: Report):
    data = json.loads(render(report))
    VALIDATOR.validate(data)
    assert data["findings_filter"] == "all"
    for host, result in zip(data["hosts"], report.hosts, strict=True):
        assert [f["kb"] for f in host["findings"]] == [f.kb for f in result.findings]
        statuses = [f["status"] for f in host["findings"]]
        assert host["counts"] == {str(s): statuses.count(s) for s in Status}
    assert {f["status"] for h in data["hosts"] for f in h["findings"]} == {str(s) for s in Status}


def test_schema_rejects_a_covered_finding_listed_in_an_action_report(report: Report):
    data = json.loads(render(report))
    assert VALIDATOR.is_valid(data)
    data["findings_filter"] = "action"  # every finding is still listed: installed ones included
    errors = {e.validator for e in VALIDATOR.iter_errors(data)}
    assert errors == {"enum"}
    data = json.loads(render(report, FindingsFilter.ACTION))
    del data["hosts"][0]["counts"]
    assert [e.message for e in VALIDATOR.iter_errors(data)] == ["'counts' is a required property"]


def test_requires_roles_is_written_when_set_and_left_out_when_empty(report: Report):
    hv02 = next(h for h in report.hosts if h.host == "HV02")
    marked = tuple(replace(f, requires_roles=("failover-clustering",)) if f.kb == "KB2908415" else f
                   for f in hv02.findings)
    report = replace(report, hosts=tuple(replace(h, findings=marked) if h is hv02 else h for h in report.hosts))
    data = json.loads(render(report, FindingsFilter.ACTION))
    VALIDATOR.validate(data)
    with_roles = [(h["host"], f["kb"], f["requires_roles"]) for h in data["hosts"] for f in h["findings"]
                  if "requires_roles" in f]
    assert with_roles == [("HV02", "KB2908415", ["failover-clustering"])]
    next(f for h in data["hosts"] for f in h["findings"] if "requires_roles" in f)["requires_roles"] = []
    assert [e.validator for e in VALIDATOR.iter_errors(data)] == ["minItems"]


def write_config(tmp_path: Path, findings: str | None) -> Path:
    path = tmp_path / "config.toml"
    table = f'\n[report]\nfindings = "{findings}"\n' if findings else ""
    path.write_text(f'state_dir = "{tmp_path / "state"}"\nsources = []\nmax_inventory_age = "36500 days"\n[inventory]\n'
                    f'paths = ["{REPO / "examples" / "inventory"}"]\n'
                    f'[[hosts]]\nmatch = "HV*"\nroles = ["hyper-v", "failover-clustering"]\n{table}')
    return path


@pytest.mark.parametrize(("configured", "option", "expected"), [
    (None, None, "all"), ("action", None, "action"), ("action", "all", "all"), (None, "action", "action"),
])
def test_scan_takes_the_option_then_the_config_then_all(tmp_path: Path, configured: str | None, option: str | None,
                                                         expected: str):
    out = tmp_path / "report.json"
    extra = ["--findings", option] if option else []
    code = main(["-q", "--config", str(write_config(tmp_path, configured)), "scan", "--at", "2013-12-20",
                 "--format", "json", "--output", str(out), *extra])
    data = json.loads(out.read_text())
    VALIDATOR.validate(data)
    assert (code, data["findings_filter"]) == (1, expected)
    statuses = {f["status"] for h in data["hosts"] for f in h["findings"]}
    if expected == "action":
        assert statuses == {"missing", "deferred"}
    else:
        assert {"installed", "missing", "deferred"} <= statuses


@pytest.mark.parametrize(("text", "message"), [
    ('findings = "covered"', "at 'report.findings': expected \"all\" or \"action\", got 'covered'"),
    ("findings = 1", "at 'report.findings': expected \"all\" or \"action\", got 1"),
    ('finding = "all"', "at 'report.finding': unknown key"),
])
def test_a_wrong_report_table_names_the_file_and_key(tmp_path: Path, text: str, message: str):
    path = tmp_path / "config.toml"
    path.write_text(f"[report]\n{text}\n")
    with pytest.raises(ConfigError, match=f"^{path}: {message}"):
        load_config(path)


def test_the_daemon_writes_latest_and_host_files_with_the_configured_filter(tmp_path: Path):
    written = {}
    for which in ("all", "action"):
        config = replace(load_config(write_config(tmp_path, which)), reports_dir=tmp_path / which,
                         inventory=InventoryConfig(paths=(REPO / "examples" / "inventory",)))
        assert isinstance(config, Config) and config.report.findings == which
        scan_job(Runtime(config))
        latest = json.loads((tmp_path / which / "latest.json").read_text())
        VALIDATOR.validate(latest)
        hv02 = json.loads((tmp_path / which / "hosts" / "HV02.json").read_text())
        assert latest["findings_filter"] == hv02["findings_filter"] == which
        assert {k: v for k, v in hv02.items() if k not in ("schema_version", "generated_at", "as_of",
                                                            "findings_filter")} == next(
            h for h in latest["hosts"] if h["host"] == "HV02")
        written[which] = hv02
    everything, action = written["all"], written["action"]
    assert action["counts"]["missing"] > 0 and action["counts"]["installed"] > 0
    assert {**action, "generated_at": None} == {
        **everything, "generated_at": None, "findings_filter": "action",
        "findings": [f for f in everything["findings"] if f["status"] in ("missing", "deferred", "exempt")]}


def test_findings_with_another_format_is_a_warning_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "report.txt"
    code = main(["--config", str(write_config(tmp_path, None)), "scan", "--at", "2013-12-20", "--format", "table",
                 "--findings", "action", "--output", str(out)])
    assert code == 1 and out.read_text().startswith("kbscan report as of 2013-12-20")
    assert [line for line in capsys.readouterr().err.splitlines() if "WARNING" in line] == [
        "kbscan: WARNING: --findings applies to --format json only; the table report lists what needs action anyway"]


def test_real_output_with_unknown_roles_carries_requires_roles_and_validates(tmp_path: Path):
    """HV02's systeminfo file lists no roles and no config gives them: its role-specific findings say so."""
    out = tmp_path / "report.json"
    code = main(["-q", "--config", os.devnull, "scan", str(REPO / "examples" / "inventory"), "--at", "2013-12-20",
                 "--format", "json", "--findings", "action", "--output", str(out)])
    data = json.loads(out.read_text())
    VALIDATOR.validate(data)
    hv02 = next(h for h in data["hosts"] if h["host"] == "HV02")
    assert (code, hv02["status"], hv02["roles"]) == (1, "unknown", [])
    marked = [f for f in hv02["findings"] if "requires_roles" in f]
    assert marked and all(f["status"] == "missing" and set(f["requires_roles"]) <= {"hyper-v", "failover-clustering"}
                          for f in marked)
    assert not any("requires_roles" in f for h in data["hosts"] if h["host"] != "HV02" for f in h["findings"])
    page = tmp_path / "report.html"
    main(["-q", "--config", os.devnull, "scan", str(REPO / "examples" / "inventory"), "--at", "2013-12-20",
          "--format", "html", "--output", str(page)])
    section = page.read_text().split('id="host-HV02"')[1].split("</details>")[0]
    groups = dict.fromkeys(tuple(f["requires_roles"]) for f in marked)  # in order of first appearance
    assert len(groups) == 3  # entries for hyper-v, for failover-clustering, and for both
    assert [line.split(" (its roles")[0] for line in section.splitlines() if "evaluated as if" in line] == [
        f"<p>evaluated as if the host had {', '.join(roles)}" for roles in groups]


def test_the_json_is_still_streamed_a_host_at_a_time_with_either_filter(report: Report):
    for which in FindingsFilter:
        chunks = list(json_chunks(report, which))
        assert len(chunks) == len(report.hosts) + 2  # the head, one chunk per host, the tail
        assert [json.loads(chunk.lstrip(",\n"))["host"] for chunk in chunks[1:-1]] == [
            h.host for h in report.hosts]
        assert "".join(chunks) == render(report, which)


@pytest.mark.parametrize("which", list(FindingsFilter))
def test_streamed_hosts_that_share_findings_and_remedies_read_as_the_plain_data(
        which: FindingsFilter, monkeypatch: pytest.MonkeyPatch):
    """chunks() encodes what hosts share once (json._Texts); every host must still read as host_data says,
    also once its memory of shared blocks was emptied (REMEMBERED 2 here, many patch levels)."""
    from scanner.reports import json as json_report

    from .conftest import SEED, inventory, seed_report

    monkeypatch.setattr(json_report, "REMEMBERED", 2)
    levels = [SEED[: i % 5] for i in range(5)] + [(*SEED, "KB2903938"), ("KB2903938",)]
    fleet = [inventory(f"HV{i:02d}", *levels[i % len(levels)], cluster=None) for i in range(30)]
    report = seed_report(fleet)
    assert report.hosts[0].findings is report.hosts[7].findings  # the case this is about: shared tuples
    data = json.loads("".join(json_chunks(report, which)))
    assert data == json.loads(json.dumps(json_report.report_data(report, findings=which)))
