"""Reports on disk: latest.json, hosts/<host>.json, kbscan.prom and index.html, each written atomically,
with host names made safe so nothing is written outside reports_dir and no two hosts share a file."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import unicodedata
from pathlib import Path

from scanner.files import write_atomic
from scanner.models import Report
from scanner.reports import html, prometheus
from scanner.reports import json as json_report
from scanner.reports.findings import FindingsFilter

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 100
STALE_TEMP = 3600.0  # seconds


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
        name = f"{name}-{_digest(host)}"
    return name


def _file_names(hosts: list[str]) -> dict[str, str]:
    """host -> file name, unique even on a case-insensitive file system (an SMB share): a name already
    taken (ignoring case) gets the host's hash as well. Hosts are unique in a report, so this is rare."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for host in hosts:
        name = safe_name(host)
        if name.casefold() in taken:
            name = f"{name}-{_digest(host)}"
        taken.add(name.casefold())
        names[host] = name + ".json"
    return names


def _digest(host: str) -> str:
    return hashlib.sha256(host.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _stale(path: Path, keep: set[str] | None, now: float) -> bool:
    """A host file not in `keep`, or a temporary file a killed writer left (an hour old: a one-shot
    `kbscan scan --output` may be writing one right now)."""
    if path.name.startswith(".") and path.suffix == ".tmp":
        return now - path.stat().st_mtime > STALE_TEMP
    return keep is not None and path.suffix == ".json" and path.name not in keep


def _remove_stale(folder: Path, keep: set[str] | None, now: float) -> None:
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        try:
            if _stale(path, keep, now):
                path.unlink()
        except OSError as e:  # a file that cannot be removed is not worth failing the scan
            log.warning("%s: cannot remove: %s", path, e.strerror or e)


def publish(report: Report, reports_dir: Path, findings: FindingsFilter = FindingsFilter.ALL) -> list[Path]:
    """Write every report file; a failed write leaves the previous file intact (files.write_atomic).
    latest.json is written last: when it changes, the host files, kbscan.prom and index.html already
    belong to the same scan. `findings` ([report] findings) filters the findings of the JSON files."""
    written = []
    data = json_report.report_data(report, hosts=False, findings=findings)
    hosts_dir = reports_dir / "hosts"
    head = {key: data[key] for key in ("schema_version", "generated_at", "as_of", "findings_filter")}
    names = _file_names([result.host for result in report.hosts])
    for result in report.hosts:
        target = hosts_dir / names[result.host]
        write_atomic(target, json.dumps({**head, **json_report.host_data(result, findings)}, indent=2,
                                        ensure_ascii=False) + "\n")
        written.append(target)
    now = time.time()
    _remove_stale(hosts_dir, set(names.values()), now)
    _remove_stale(reports_dir, None, now)
    outputs = {"kbscan.prom": prometheus.render(report), "index.html": html.render(report),
               "latest.json": json_report.chunks(report, findings)}
    for name, text in outputs.items():
        write_atomic(reports_dir / name, text)
        written.append(reports_dir / name)
    log.debug("published %d files in %s", len(written), reports_dir)
    return written
