"""The JSON report carries remediation per host and validates; docs/report-schema.md matches the real output."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from scanner.models import Report
from scanner.reports.json import render

from .conftest import seed_report

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-schema.md"


def shipped_schema() -> Any:
    return json.loads(resources.files("scanner").joinpath("schema/report.schema.json").read_text())


def doc_blocks() -> dict[str, Any]:
    """The JSON blocks of the doc, keyed by the line introducing them (`installed`, `## The schema`...)."""
    found = re.findall(r"^([^\n]+)\n\n```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S | re.M)
    return {label.strip().strip("`:"): json.loads(block) for label, block in found}


def test_json_report_with_remediation_validates(report: Report):
    data = json.loads(render(report))
    jsonschema.validate(data, shipped_schema())
    hv02 = next(h for h in data["hosts"] if h["host"] == "HV02")
    assert hv02["remediation"][0] == {"kb": "KB2999999", "title": "Newer TCP/IP fix that replaces KB2905412",
                                      "resolves": ["KB2905412", "KB2999999"],
                                      "download": ["http://download.microsoft.com/newer.msu"]}
    assert [h["remediation"] for h in data["hosts"] if h["host"] != "HV02"] == [[], [], []]


def test_schema_rejects_a_remediation_item_without_resolves(report: Report):
    data = json.loads(render(report))
    next(h for h in data["hosts"] if h["host"] == "HV02")["remediation"][0]["resolves"] = []
    validator = jsonschema.Draft202012Validator(shipped_schema())
    assert [list(e.path)[-1] for e in validator.iter_errors(data)] == ["resolves"]


def test_published_schema_is_the_shipped_one():
    assert doc_blocks()["## The schema"] == shipped_schema()


def test_doc_examples_are_real_output_one_per_status():
    data = json.loads(render(seed_report()))
    blocks = doc_blocks()
    findings = [f for h in data["hosts"] for f in h["findings"]]
    for status in ("installed", "superseded", "included", "exempt", "deferred", "missing"):
        assert blocks[status]["status"] == status
        assert blocks[status] in findings, status
    hv02 = next(h for h in data["hosts"] if h["host"] == "HV02")
    assert blocks["## A host's remediation"] == hv02["remediation"]
    hv01 = next(h for h in data["hosts"] if h["host"] == "HV01")
    assert blocks["counts"] == hv01["counts"] == {"installed": 5, "superseded": 1, "included": 0, "exempt": 0,
                                                  "deferred": 2, "missing": 0}
