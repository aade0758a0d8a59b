"""Report writers, one module per output format; `render(report, fmt)` picks one."""

from __future__ import annotations

from collections.abc import Callable

from scanner.models import Report
from scanner.reports import html, prometheus, remediation, table
from scanner.reports import json as json_report

WRITERS: dict[str, Callable[[Report], str]] = {
    "table": table.render,
    "json": json_report.render,
    "prometheus": prometheus.render,
    "html": html.render,
    "remediation": remediation.render,
}


def render(report: Report, fmt: str) -> str:
    return WRITERS[fmt](report)
