"""The JSON report validates against the shipped schema, for every finding and host status."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from scanner.catalogue import Catalogue
from scanner.cli import main
from scanner.config import Exemption
from scanner.evaluate import Policy, evaluate_fleet
from scanner.models import CatalogueEntry, HostInventory, InstalledUpdate, InventoryError
from scanner.reports.json import render
from tests.seed import seed_entries

REPO = Path(__file__).resolve().parents[1]


def schema() -> dict:  # type: ignore[type-arg]
    return json.loads(resources.files("scanner").joinpath("schema/report.schema.json").read_text())


def every_status_report() -> dict:  # type: ignore[type-arg]
    extra = CatalogueEntry("KB2999999", "newer GUM fix", products=("ws2012",), supersedes=("KB2905412",),
                           sources=("test",))
    catalogue = Catalogue([*seed_entries(), extra])
    roles = ("hyper-v", "failover-clustering")

    def inv(name: str, *kbs: str, os: str | None = "ws2012") -> HostInventory:
        return HostInventory(name, f"{name}.json", "kbscan-json", tuple(InstalledUpdate(k) for k in kbs),
                             os=os, roles=roles, cluster="CLU1")

    hosts = [inv("HV01", "KB2779069", "KB2999999", "KB2903938", "KB2902014", "KB2894485", "KB2908415"),
             inv("HV05"), inv("LAB", os=None)]
    policy = Policy.at(date(2013, 12, 20), exemptions=(Exemption("HV05", "KB2779069", date(2014, 6, 30), "case"),))
    report = evaluate_fleet(catalogue, hosts, [InventoryError("broken.json", "truncated JSON")], policy,
                            datetime(2013, 12, 20, 8, tzinfo=UTC))
    return json.loads(render(report))


def test_report_with_every_status_validates():
    data = every_status_report()
    jsonschema.validate(data, schema())
    seen = {f["status"] for h in data["hosts"] for f in h["findings"]}
    assert seen == {"installed", "superseded", "included", "exempt", "deferred", "missing"}
    assert {h["status"] for h in data["hosts"]} == {"compliant", "noncompliant", "unknown"}
    assert data["generated_at"] == "2013-12-20T08:00:00Z"


@pytest.mark.parametrize(("path", "value"), [
    (("schema_version",), 2),
    (("hosts", 0, "findings", 0, "status"), "fine"),
    (("hosts", 0, "findings", 0, "kb"), "2779069"),
    (("summary",), {}),
])
def test_schema_rejects_wrong_documents(path: tuple, value: object):  # type: ignore[type-arg]
    data = every_status_report()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())


def test_real_scan_output_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)
    out = tmp_path / "report.json"
    main(["--config", "examples/config.toml", "scan", "--at", "2013-12-20", "--format", "json", "--output", str(out)])
    jsonschema.validate(json.loads(out.read_text()), schema())
