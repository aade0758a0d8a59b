"""The HTML report: one self-contained page (inline CSS, no scripts, no external assets).

A summary, a host x KB matrix grouped by cluster and coloured by status (the status is also written in
each cell and explained in a legend, so colour is never the only signal), then a section per host with
titles, reasons, notes, remediation and download links. Everything from data goes through
html.escape; only http(s) URLs become links. The matrix scrolls sideways on a phone with the host
column pinned, and prints without the scrolling and with its colours.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from html import escape

from scanner.models import Finding, HostResult, HostStatus, Report, Status, kb_sort_key

log = logging.getLogger(__name__)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #ccc}
h3{font-size:1rem;margin:1.2rem 0 .3rem}h4{font-size:.95rem;margin:.6rem 0 .2rem}
.meta{color:#555;font-size:.9rem;margin:.2rem 0}.legend{font-size:.85rem;color:#333}
.cards{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}.card{border:1px solid #ccc;border-radius:6px;
padding:.4rem .8rem;min-width:7rem}.card b{display:block;font-size:1.4rem}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.85rem}caption{text-align:left}
th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
.matrix th[scope=row]{position:sticky;left:0;background:#fff}.matrix th[scope=rowgroup]{background:#f3f3f3}
th.kb{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
td.s{text-align:center;white-space:nowrap}td a,li a{word-break:break-all}
.installed,.superseded,.included{background:#d9f2d9}.exempt{background:#e6e6f5}.deferred{background:#fff0c2}
.missing{background:#f8d0d0;font-weight:bold}.na{color:#888}.compliant{color:#1d6b1d}
.noncompliant{color:#a11}.unknown{color:#8a5a00}ul{margin:.2rem 0 .2rem 1.2rem;padding:0}
@media (max-width:600px){body{margin:.4rem}.card{min-width:5.5rem}table{font-size:.8rem}}
@media print{body{margin:0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.scroll{overflow:visible}.matrix th[scope=row]{position:static}a{color:inherit;text-decoration:none}
h2,h3{break-after:avoid}section.host,tr{break-inside:avoid}}
"""
_SHORT = {Status.INSTALLED: "ok", Status.SUPERSEDED: "sup", Status.INCLUDED: "inc", Status.EXEMPT: "exempt",
          Status.DEFERRED: "deferred", Status.MISSING: "MISSING"}
LEGEND = ("ok = installed; sup = superseded (a newer KB is installed); inc = included (in an installed "
          "rollup); exempt = exempted by the config; deferred = rollup still inside its waiting period, "
          "with its due date; MISSING = install it; – = not applicable; ? = host not evaluated")


def _natural(text: str) -> list[tuple[int, str]]:
    """CLU2 before CLU10."""
    return [(int(part), "") if part.isdigit() else (-1, part.lower()) for part in re.split(r"(\d+)", text)]


def _utc(value: datetime) -> str:
    return (value.astimezone(UTC) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M UTC")


def _link(url: str) -> str:
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(url)}</a>'
    return escape(url)


def _cell(finding: Finding | None, evaluated: bool) -> str:
    if finding is None:
        if evaluated:
            return '<td class="s na" title="not applicable">–</td>'
        return '<td class="s na" title="not evaluated">?</td>'
    text = _SHORT[finding.status]
    if finding.status is Status.DEFERRED and finding.due:
        text += f"<br>{finding.due.isoformat()}"
    tip = f"{finding.kb} {finding.status}" + (f" via {finding.via}" if finding.via else "")
    return f'<td class="s {finding.status}" title="{escape(tip, quote=True)}">{text}</td>'


def _matrix(report: Report) -> list[str]:
    kbs = sorted({f.kb for h in report.hosts for f in h.findings}, key=kb_sort_key)
    if not kbs:
        return ["<p>No applicable catalogue entries.</p>"]
    groups: dict[str, list[HostResult]] = {}
    for host in report.hosts:
        groups.setdefault(host.cluster or "", []).append(host)
    head = "".join(f'<th class="kb" scope="col">{escape(kb)}</th>' for kb in kbs)
    out = [f'<p class="legend">{escape(LEGEND)}</p>',
           '<div class="scroll"><table class="matrix"><caption class="meta">Status of each applicable KB '
           'per host</caption><thead><tr><th scope="col">host</th><th scope="col">status</th>',
           head, "</tr></thead><tbody>"]
    for cluster in sorted(groups, key=lambda c: (c == "", _natural(c))):
        label = f"cluster {cluster}" if cluster else "not in a cluster"
        out.append(f'<tr><th colspan="{len(kbs) + 2}" scope="rowgroup">{escape(label)}</th></tr>')
        for host in groups[cluster]:
            by_kb = {f.kb: f for f in host.findings}
            evaluated = bool(host.findings) or host.os is not None
            out.append(f'<tr><th scope="row"><a href="#host-{escape(host.host, quote=True)}">{escape(host.host)}</a>'
                       f'</th><td class="{host.status}">{host.status}</td>'
                       + "".join(_cell(by_kb.get(kb), evaluated) for kb in kbs) + "</tr>")
    out.append("</tbody></table></div>")
    return out


def _findings(host: HostResult) -> list[str]:
    action = [f for f in host.findings if f.status in (Status.MISSING, Status.DEFERRED, Status.EXEMPT)]
    if not action:
        return []
    out = ["<div class=\"scroll\"><table><thead><tr><th>KB</th><th>status</th><th>title</th><th>details</th>"
           "</tr></thead><tbody>"]
    for f in action:
        details = [f"due {f.due.isoformat()} via {f.via}" if f.due else "", f.reason or "",
                   f"until {f.until.isoformat()}" if f.until else ""]
        links = "<br>".join(_link(url) for url in f.download)
        out.append(f'<tr><td>{escape(f.kb)}</td><td class="{f.status}">{f.status}</td><td>{escape(f.title)}</td>'
                   f"<td>{escape('; '.join(d for d in details if d))}{'<br>' + links if links else ''}</td></tr>")
    out.append("</tbody></table></div>")
    return out


def _host(host: HostResult) -> list[str]:
    covered = sum(host.count(s) for s in (Status.INSTALLED, Status.SUPERSEDED, Status.INCLUDED))
    out = [f'<section class="host" id="host-{escape(host.host, quote=True)}"><h3>{escape(host.host)} — '
           f'<span class="{host.status}">{host.status}</span></h3>',
           f'<p class="meta">{escape(host.os or "product unknown")}; roles: {escape(", ".join(host.roles) or "none")};'
           f' cluster: {escape(host.cluster or "-")}; inventory: {escape(host.inventory.path)} '
           f"({escape(host.inventory.format)}); {covered} of {len(host.findings)} applicable KBs covered</p>"]
    if host.reasons or host.notes:
        out.append("<ul>" + "".join(f"<li>{escape(text)}</li>" for text in (*host.reasons, *host.notes)) + "</ul>")
    out += _findings(host)
    if host.remediation:
        out.append(f"<h4>Remediation: install {len(host.remediation)} package(s)</h4><ul>")
        for remedy in host.remediation:
            links = " ".join(_link(url) for url in remedy.download)
            out.append(f"<li><b>{escape(remedy.kb)}</b> {escape(remedy.title)} (resolves "
                       f"{escape(', '.join(remedy.resolves))}) {links}</li>")
        out.append("</ul>")
    out.append("</section>")
    return out


def _summary(report: Report) -> list[str]:
    catalogue = report.catalogue
    refreshed = _utc(catalogue.refreshed_at) if catalogue.refreshed_at else "never"
    cards = [("hosts", len(report.hosts), "")] + [(str(s), report.hosts_with(s), str(s)) for s in HostStatus]
    if report.errors:
        cards.append(("unreadable files", len(report.errors), "unknown"))
    out = [f'<p class="meta">generated {_utc(report.generated_at)}; catalogue: '
           f"{escape(catalogue.origin)}, {catalogue.entries} entries, refreshed {refreshed}</p>"]
    if catalogue.sources:
        out.append('<p class="meta">sources: ' + ", ".join(f"{escape(s.name)} {escape(s.state)}"
                                                           for s in catalogue.sources) + "</p>")
    out.append('<div class="cards">' + "".join(f'<div class="card {cls}"><b>{n}</b>{escape(label)}</div>'
                                               for label, n, cls in cards) + "</div>")
    return out


def render(report: Report) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>kbscan report {report.as_of.isoformat()}</title><style>{CSS}</style></head><body>",
           f"<h1>kbscan compliance report, as of {report.as_of.isoformat()}</h1>",
           *_summary(report), "<h2>Hosts × KBs</h2>", *_matrix(report)]
    inconsistent = [c for c in report.clusters if not c.consistent]
    if inconsistent:
        out.append("<h2>Cluster differences</h2><ul>")
        out += [f"<li>{escape(c.name)}: {escape(d.kb)} on {escape(', '.join(d.installed_on))}, not on "
                f"{escape(', '.join(d.missing_on))}</li>" for c in inconsistent for d in c.differences]
        out.append("</ul>")
    out.append("<h2>Hosts</h2>")
    for host in report.hosts:
        out += _host(host)
    if report.errors or report.warnings:
        out.append("<h2>Errors and warnings</h2><ul>")
        out += [f"<li>{escape(e.path)}: {escape(e.error)}</li>" for e in report.errors]
        out += [f"<li>{escape(w)}</li>" for w in report.warnings]
        out.append("</ul>")
    out.append("</body></html>")
    log.debug("HTML report: %d hosts", len(report.hosts))
    return "\n".join(out) + "\n"
