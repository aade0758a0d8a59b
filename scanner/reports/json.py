"""The JSON report (DESIGN.md section 7, schema version 1) as plain data and as text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from scanner.models import (
    CatalogueInfo,
    ClusterResult,
    Finding,
    HostResult,
    HostStatus,
    Remedy,
    Report,
    SourceHealth,
)
from scanner.reports.findings import FindingsFilter, counts, listed

SCHEMA_VERSION = 1
HOLE = "\x00kbscan\x00"  # stands for a list while the text around it is made; cannot occur in data
HOLE_TEXT = json.dumps(HOLE)


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def source_data(source: SourceHealth) -> dict[str, Any]:
    return {"name": source.name, "url": source.url, "state": source.state,
            "checked_at": _time(source.checked_at), "http_status": source.http_status,
            "entries": source.entries, "message": source.message}


def catalogue_data(info: CatalogueInfo) -> dict[str, Any]:
    return {"origin": info.origin, "entries": info.entries, "refreshed_at": _time(info.refreshed_at),
            "sources": [source_data(s) for s in info.sources]}


def finding_data(finding: Finding) -> dict[str, Any]:
    data = {"kb": finding.kb, "status": str(finding.status), "kind": str(finding.kind),
            "title": finding.title, "via": finding.via, "due": _date(finding.due),
            "reason": finding.reason, "until": _date(finding.until), "download": list(finding.download)}
    if finding.requires_roles:  # only where the host's roles are unknown: large reports stay small
        data["requires_roles"] = list(finding.requires_roles)
    return data


def host_data(host: HostResult, findings: FindingsFilter = FindingsFilter.ALL, *,
              listing: bool = True) -> dict[str, Any]:
    """A host; `findings` decides which findings are listed, `counts` counts all of them per status.
    `listing` False leaves the findings list empty, for a caller that writes the findings line by line."""
    return {**_host_fields(host), "counts": counts(host),
            "findings": [finding_data(f) for f in listed(host, findings)] if listing else [],
            "remediation": [remedy_data(r) for r in host.remediation]}


def _host_fields(host: HostResult) -> dict[str, Any]:
    """A host's own fields, those before its counts, findings and remediation."""
    inventory = host.inventory
    return {
        "host": host.host, "status": str(host.status), "os": host.os, "roles": list(host.roles),
        "cluster": host.cluster, "reasons": list(host.reasons), "notes": list(host.notes),
        "inventory": {"path": inventory.path, "format": inventory.format,
                      "collected_at": _time(inventory.collected_at),
                      "modified_at": _time(inventory.modified_at),
                      "listed": inventory.listed, "announced": inventory.announced,
                      "os_caption": inventory.os_caption, "os_version": inventory.os_version,
                      "updates": len(inventory.updates)},
    }


def remedy_data(remedy: Remedy) -> dict[str, Any]:
    return {"kb": remedy.kb, "title": remedy.title, "resolves": list(remedy.resolves),
            "download": list(remedy.download)}


def cluster_data(cluster: ClusterResult) -> dict[str, Any]:
    return {"name": cluster.name, "nodes": list(cluster.nodes), "consistent": cluster.consistent,
            "differences": [{"kb": d.kb, "installed_on": list(d.installed_on), "missing_on": list(d.missing_on)}
                            for d in cluster.differences]}


def report_data(report: Report, *, hosts: bool = True,
                findings: FindingsFilter = FindingsFilter.ALL) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": _time(report.generated_at),
        "as_of": report.as_of.isoformat(),
        "findings_filter": str(findings),
        "catalogue": catalogue_data(report.catalogue),
        "summary": {"hosts": len(report.hosts),
                    **{str(s): report.hosts_with(s) for s in HostStatus}},
        "hosts": [host_data(h, findings) for h in report.hosts] if hosts else [],
        "clusters": [cluster_data(c) for c in report.clusters],
        "errors": [{"path": e.path, "error": e.error} for e in report.errors],
        "warnings": list(report.warnings),
        "duration_seconds": round(report.duration_seconds, 3) if report.duration_seconds is not None else None,
    }


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))  # made once: dumps makes one per call


def compact(value: Any) -> str:
    """One line, by json's C encoder (any `indent` falls back to its pure-Python one, ten times slower)."""
    return _ONE_LINE.encode(value)


REMEMBERED = 256  # findings tuples and remediations whose text a report keeps (_Texts)


class _Texts:
    """Text hosts share, encoded once per report: hosts of one product share their plan's Finding objects,
    and hosts at one patch level share their findings tuple and remediation (evaluate._Plan,
    remediation.Remediator). So a 10,000-host report encodes a few thousand findings, not millions, and
    each patch level's findings block once. Keyed by identity, with the object kept beside its text so
    that an id is never reused while cached; blocks of the last REMEMBERED tuples only."""

    def __init__(self, which: FindingsFilter) -> None:
        self.which = which
        self._lines: dict[int, tuple[object, str]] = {}
        self._blocks: dict[int, tuple[object, dict[str, int], str]] = {}
        self._remediations: dict[int, tuple[object, str]] = {}
        self._items: dict[int, tuple[object, str]] = {}  # each Remedy's text (the Remediator shares them)

    def _line(self, finding: Finding) -> str:
        line = f"      {compact(finding_data(finding))}"
        self._lines[id(finding)] = (finding, line)
        return line

    def findings(self, host: HostResult) -> tuple[dict[str, int], str]:
        """The host's counts and its findings as lines."""
        found = self._blocks.get(id(host.findings))
        if found is not None and found[0] is host.findings:
            return found[1], found[2]
        known, lines = self._lines.get, []
        for finding in listed(host, self.which):  # a loop, not a call per finding: millions of them
            cached = known(id(finding))
            lines.append(cached[1] if cached is not None and cached[0] is finding else self._line(finding))
        block = ",\n".join(lines)
        if len(self._blocks) >= REMEMBERED:
            self._blocks.clear()
        self._blocks[id(host.findings)] = (host.findings, tally := counts(host), block)
        return tally, block

    def remediation(self, remediation: tuple[Remedy, ...]) -> str:
        found = self._remediations.get(id(remediation))
        if found is not None and found[0] is remediation:
            return found[1]
        known, items = self._items.get, []
        for remedy in remediation:
            cached = known(id(remedy))
            if cached is None or cached[0] is not remedy:
                cached = self._items[id(remedy)] = (remedy, compact(remedy_data(remedy)))
            items.append(cached[1])
        text = f"[{', '.join(items)}]"
        if len(self._remediations) >= REMEMBERED:
            self._remediations.clear()
        self._remediations[id(remediation)] = (remediation, text)
        return text


def _host_text(host: HostResult, texts: _Texts) -> str:
    """A host on one line, each of its findings on a line of its own."""
    tally, block = texts.findings(host)
    fields = {**_host_fields(host), "counts": tally, "findings": HOLE, "remediation": HOLE}
    before, between, after = compact(fields).split(HOLE_TEXT)
    findings = f"[\n{block}\n    ]" if block else "[]"
    return f"    {before}{findings}{between}{texts.remediation(host.remediation)}{after}"


def chunks(report: Report, findings: FindingsFilter = FindingsFilter.ALL) -> Iterator[str]:
    """The JSON report as text chunks, one host at a time: a 10,000-host report never sits in memory
    as one string or one tree of dicts. The report's own fields are indented; hosts and findings are
    one line each (readable, greppable, and written by the C encoder)."""
    data = report_data(report, hosts=False, findings=findings)
    before, after = json.dumps({**data, "hosts": HOLE}, indent=2, ensure_ascii=False).split(HOLE_TEXT)
    if not report.hosts:
        yield f"{before}[]{after}\n"
        return
    yield f"{before}[\n"
    texts = _Texts(findings)
    for index, host in enumerate(report.hosts):
        yield (",\n" if index else "") + _host_text(host, texts)
    yield f"\n  ]{after}\n"


def render(report: Report, findings: FindingsFilter = FindingsFilter.ALL) -> str:
    return "".join(chunks(report, findings))
