"""Cumulative updates under the deferral rule, end to end through the CLI: a definitions.zip built from real
WES-NG rows (Windows Server 2019, January to April 2024) imported with `catalogue import`, Server 2019 hosts
(product given by a [[hosts]] group) scanned `--at` dates inside and past the March update's window."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import main
from scanner.embedded import load_embedded
from tests.sources.wesng_subset import WS2019_CUS, build_zip

# Released 2024-03-12: deferred until 2024-04-12, the day it is due (DESIGN.md section 3).
MARCH, APRIL, FEBRUARY, JANUARY = "KB5035849", "KB5036896", "KB5034768", "KB5034127"
HOSTS = {"HV01": FEBRUARY, "HV02": MARCH, "HV03": APRIL}  # the one cumulative update each host has


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KBSCAN_CONFIG", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(f"""state_dir = "{tmp_path / 'state'}"
sources = []

[[hosts]]
match = "HV*"
os = "ws2019"
roles = ["hyper-v", "failover-clustering"]
cluster = "CLU19"
""", encoding="utf-8")
    definitions = build_zip(tmp_path / "definitions.zip", WS2019_CUS)
    code, out = run("--config", str(config), "catalogue", "import", str(definitions))
    assert code == 0, out
    return config


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def scan(config: Path, at: str) -> tuple[int, dict[str, Any]]:
    """Inventories collected on the `at` day (kbscan JSON without an OS: the [[hosts]] group gives it)."""
    folder = config.parent / f"inventory-{at}"
    folder.mkdir()
    for host, kb in HOSTS.items():
        document = {"host": host, "collected_at": f"{at}T06:00:00Z", "updates": [{"kb": kb, "installed_on": None}]}
        (folder / f"{host}.json").write_text(json.dumps(document), encoding="utf-8")
    code, text = run("--config", str(config), "-q", "scan", str(folder), "--at", at, "--format", "json")
    return code, json.loads(text)


def verdicts(report: dict[str, Any]) -> dict[str, tuple[str, list[tuple[str, str, str | None, str | None]]]]:
    return {h["host"]: (h["status"], [(f["kb"], f["status"], f["via"], f["due"]) for f in h["findings"]])
            for h in report["hosts"]}


def test_import_reports_what_it_read_and_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KBSCAN_CONFIG", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\nsources = []\n', encoding="utf-8")
    definitions = build_zip(tmp_path / "definitions.zip", WS2019_CUS, other=True)
    code, out = run("--config", str(config), "catalogue", "import", str(definitions))
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("import:definitions.zip ok        -       4 entries  wesng: ")
    assert lines[0].endswith(" rows -> 4 entries, skipped: 6 rows without a KB id, 3 of products kbscan does not "
                             "scan, 3 of semi-annual Windows Server releases, 0 supersedes ids that are no KB")
    total = len(load_embedded()[0]) + 4  # the embedded catalogue's entries too (none for Server 2019)
    assert lines[1] == f"catalogue: {total} entries, {total} changes"
    code, listed = run("--config", str(config), "catalogue", "list", "--format", "json")
    kinds = {e["kb"]: (e["kind"], e["released"], e["supersedes"])
             for e in json.loads(listed) if "ws2019" in e["products"]}
    assert kinds == {JANUARY: ("security-update", "2024-01-09", ["KB5033371"]),
                     FEBRUARY: ("cumulative-update", "2024-02-13", [JANUARY]),
                     MARCH: ("cumulative-update", "2024-03-12", [FEBRUARY]),
                     APRIL: ("cumulative-update", "2024-04-09", [MARCH])}


def test_cumulative_update_inside_its_window_is_deferred_with_its_due_date(state: Path) -> None:
    code, report = scan(state, "2024-03-20")
    assert code == 0
    assert report["summary"] == {"hosts": 3, "compliant": 3, "noncompliant": 0, "unknown": 0}
    april = (APRIL, "deferred", APRIL, "2024-05-09")  # in the catalogue of this test already
    assert verdicts(report) == {
        "HV01": ("compliant", [(JANUARY, "superseded", FEBRUARY, None), (FEBRUARY, "installed", None, None),
                               (MARCH, "deferred", MARCH, "2024-04-12"), april]),
        "HV02": ("compliant", [(JANUARY, "superseded", MARCH, None), (FEBRUARY, "superseded", MARCH, None),
                               (MARCH, "installed", None, None), april]),
        "HV03": ("compliant", [(JANUARY, "superseded", APRIL, None), (FEBRUARY, "superseded", APRIL, None),
                               (MARCH, "superseded", APRIL, None), (APRIL, "installed", None, None)]),
    }


def test_on_its_due_date_a_host_without_it_or_a_later_one_is_noncompliant(state: Path) -> None:
    code, report = scan(state, "2024-04-12")
    assert code == 1
    assert report["summary"] == {"hosts": 3, "compliant": 2, "noncompliant": 1, "unknown": 0}
    april = (APRIL, "deferred", APRIL, "2024-05-09")
    assert verdicts(report) == {
        "HV01": ("noncompliant", [(JANUARY, "superseded", FEBRUARY, None), (FEBRUARY, "installed", None, None),
                                  (MARCH, "missing", None, None), april]),
        "HV02": ("compliant", [(JANUARY, "superseded", MARCH, None), (FEBRUARY, "superseded", MARCH, None),
                               (MARCH, "installed", None, None), april]),
        "HV03": ("compliant", [(JANUARY, "superseded", APRIL, None), (FEBRUARY, "superseded", APRIL, None),
                               (MARCH, "superseded", APRIL, None), (APRIL, "installed", None, None)]),
    }
    (hv01,) = [h for h in report["hosts"] if h["host"] == "HV01"]
    assert [(r["kb"], r["resolves"]) for r in hv01["remediation"]] == [(MARCH, [MARCH])]  # April is held back
    assert report["clusters"][0]["differences"] == [  # a deferred update is one a node lacks too
        {"kb": MARCH, "installed_on": ["HV02", "HV03"], "missing_on": ["HV01"]},
        {"kb": APRIL, "installed_on": ["HV03"], "missing_on": ["HV01", "HV02"]}]


def test_approved_early_cumulative_update_is_required_at_once(state: Path) -> None:
    approved = f'sources = []\n\n[deferral]\napprove_early = ["{MARCH}"]'
    text = state.read_text(encoding="utf-8").replace("sources = []", approved)
    state.write_text(text, encoding="utf-8")
    code, report = scan(state, "2024-03-20")
    assert code == 1
    assert verdicts(report)["HV01"] == ("noncompliant", [
        (JANUARY, "superseded", FEBRUARY, None), (FEBRUARY, "installed", None, None), (MARCH, "missing", None, None),
        (APRIL, "deferred", APRIL, "2024-05-09")])
