"""Reports on disk: latest.json, hosts/<host>.json, kbscan.prom and index.html, each written atomically,
with host names made safe so nothing is written outside reports_dir and no two hosts share a file."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scanner.files import write_atomic
from scanner.models import Finding, HostResult, Report
from scanner.reports import html, prometheus
from scanner.reports import json as json_report
from scanner.reports.findings import FindingsFilter, listed

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


@dataclass
class Published:
    """What the daemon last wrote into reports_dir: each host file's digest (of its content without the
    generated_at, which moves every scan) and kbscan.prom's verdict families. In memory only: a restarted
    daemon writes every file once."""

    hosts: dict[str, str] = field(default_factory=dict)
    metrics: str | None = None




class _HostFiles:
    """Host files' text: the head and the host's fields on one line, each finding on a line of its own, by json's
    C encoder (an indent would make json use its pure-Python one, ten times slower). Hosts of one product share
    their plan's Finding objects, so each distinct finding is encoded and digested once per publish. A file's
    digest covers everything in it but `generated_at` (the line's digests stand for the lines)."""

    def __init__(self, head: dict[str, Any], which: FindingsFilter) -> None:
        self.head, self.which = head, which
        self.stamp = json_report.compact({"generated_at": head["generated_at"]})[1:-1]
        self.lines: dict[int, tuple[Finding, str, bytes]] = {}

    def _line(self, finding: Finding) -> tuple[str, bytes]:
        found = self.lines.get(id(finding))
        if found is None or found[0] is not finding:
            line = "  " + json_report.compact(json_report.finding_data(finding))
            found = self.lines[id(finding)] = (finding, line, hashlib.blake2b(line.encode("utf-8", "surrogatepass"),
                                                                              digest_size=16).digest())
        return found[1], found[2]

    def text_and_digest(self, host: HostResult) -> tuple[Callable[[], str], str]:
        # the host's fields from the one function that knows them, the findings from the lines encoded once
        data = {**self.head, **json_report.host_data(host, self.which, listing=False), "findings": json_report.HOLE}
        before, after = json_report.compact(data).split(json_report.HOLE_TEXT)
        pairs = [self._line(finding) for finding in listed(host, self.which)]
        digest = hashlib.blake2b(digest_size=16)
        for part in (before.replace(self.stamp, "", 1), after):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
        digest.update(b"".join(line_digest for _, line_digest in pairs))

        def text() -> str:
            if not pairs:
                return f"{before}[]{after}\n"
            return f"{before}[\n" + ",\n".join(line for line, _ in pairs) + f"\n]{after}\n"

        return text, digest.hexdigest()


def publish(report: Report, reports_dir: Path, findings: FindingsFilter = FindingsFilter.ALL,
            published: Published | None = None) -> list[Path]:
    """Write every report file; a failed write leaves the previous file intact (files.write_atomic).
    latest.json is written last: when it changes, the host files, kbscan.prom and index.html already
    belong to the same scan. `findings` ([report] findings) filters the findings of the JSON files.
    With `published` (the daemon's), a host file whose content (apart from generated_at) is what was last
    written and that is still there is left as it is, and `published` learns what was written."""
    written = []
    data = json_report.report_data(report, hosts=False, findings=findings)
    hosts_dir = reports_dir / "hosts"
    head = {key: data[key] for key in ("schema_version", "generated_at", "as_of", "findings_filter")}
    names = _file_names([result.host for result in report.hosts])
    present = _present(hosts_dir) if published is not None else set()
    files = _HostFiles(head, findings)
    digests: dict[str, str] = {}
    for result in report.hosts:
        name = names[result.host]
        target = hosts_dir / name
        text, digest = files.text_and_digest(result)
        if published is not None:
            digests[name] = digest
            if name in present and published.hosts.get(name) == digest:
                continue
            published.hosts.pop(name, None)  # until the write succeeded
        write_atomic(target, text())
        if published is not None:
            published.hosts[name] = digest
        written.append(target)
    now = time.time()
    _remove_stale(hosts_dir, set(names.values()), now)
    _remove_stale(reports_dir, None, now)
    metrics = prometheus.verdicts(report)
    if published is not None:
        published.hosts = {name: digest for name, digest in published.hosts.items() if name in digests}
        published.metrics = None
    scan_time = prometheus.scan_time(report.generated_at, report.duration_seconds)
    outputs: dict[str, str | Iterable[str]] = {"kbscan.prom": metrics + scan_time, "index.html": html.render(report),
                                               "latest.json": json_report.chunks(report, findings)}
    for name, output in outputs.items():
        write_atomic(reports_dir / name, output)
        written.append(reports_dir / name)
    if published is not None:
        published.metrics = metrics
    log.debug("published %d files in %s", len(written), reports_dir)
    return written


def publish_scan_time(reports_dir: Path, published: Published, at: datetime, duration: float) -> Path:
    """kbscan.prom again with a new scan time, for a scan that found nothing changed: the verdict families as
    last written, then when this scan ran. The other files keep the time their verdicts were computed."""
    if published.metrics is None:
        raise ValueError("publish_scan_time before a complete publish")
    target = reports_dir / "kbscan.prom"
    write_atomic(target, published.metrics + prometheus.scan_time(at, duration))
    return target


def _present(folder: Path) -> set[str]:
    try:
        return {entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)}
    except OSError:  # no folder yet: every file is written
        return set()
