"""Reports on disk: latest.json, hosts/<host>.json, kbscan.prom and index.html, each written atomically,
with host names made safe so nothing is written outside reports_dir and no two hosts share a file."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from pathlib import Path

from scanner.files import write_atomic
from scanner.models import Report
from scanner.reports import html, prometheus
from scanner.reports import json as json_report

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 100


def safe_name(host: str) -> str:
    """A file name for a host: NFKC-folded, only [A-Za-z0-9._-], no leading dot, not a reserved device
    name, at most 100 characters. A name that had to change gets a short hash of the original, so two
    hosts never collide silently (`a/b` and `a_b` get different files)."""
    folded = unicodedata.normalize("NFKC", host)
    name = _UNSAFE.sub("_", folded).strip("._") or "host"
    changed = name != host
    if name.upper().split(".")[0] in _RESERVED:
        name, changed = f"_{name}", True
    if len(name) > MAX_NAME:
        name, changed = name[:MAX_NAME], True
    if changed:
        name = f"{name}-{hashlib.sha256(host.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
    return name


def publish(report: Report, reports_dir: Path) -> list[Path]:
    """Write every report file; a failed write leaves the previous file intact (files.write_atomic)."""
    written = []
    outputs = {"latest.json": json_report.chunks(report), "kbscan.prom": prometheus.render(report),
               "index.html": html.render(report)}
    for name, text in outputs.items():
        write_atomic(reports_dir / name, text)
        written.append(reports_dir / name)
    data = json_report.report_data(report, hosts=False)
    hosts_dir = reports_dir / "hosts"
    names: set[str] = set()
    head = {"schema_version": data["schema_version"], "generated_at": data["generated_at"], "as_of": data["as_of"]}
    for result in report.hosts:
        host = json_report.host_data(result)
        name = safe_name(result.host) + ".json"
        names.add(name)
        target = hosts_dir / name
        write_atomic(target, json.dumps({**head, **host}, indent=2, ensure_ascii=False) + "\n")
        written.append(target)
    if hosts_dir.is_dir():
        for old in hosts_dir.glob("*.json"):
            if old.name not in names:
                old.unlink(missing_ok=True)
    log.debug("published %d files in %s", len(written), reports_dir)
    return written
