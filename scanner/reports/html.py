"""The HTML report: one self-contained page (inline CSS, no scripts, no assets) that leads with what needs action.

A summary; then the KBs that need action (missing, deferred, exempt on some host), worst first, each with
its title, links and, on demand (<details>), the hosts it concerns; then the hosts by cluster, where
only hosts needing attention (noncompliant, unknown, or with a deferred or exempt KB) get a section of
their own, collapsed unless the fleet is small, naming its KBs by id a line per kind of action (titles
are in the KB table); every compliant host with nothing pending is one name in a collapsed list at the
end. Covered KBs are counted, never listed: the page grows with what needs action, not with hosts x
catalogue entries. Long lists stop at a stated limit and say how many more there are (the JSON report
has them all). Everything from data goes through html.escape; only http(s)
URLs become links. Status is always written, never shown by colour alone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from html import escape
from urllib.parse import unquote, urlsplit

from scanner.models import COVERED, ClusterResult, Finding, HostResult, HostStatus, Report, Status
from scanner.remediation import headline
from scanner.reports.findings import ACTION_ORDER, KbAction, kb_actions, needs_attention

log = logging.getLogger(__name__)

HOSTS_PER_KB = 20  # host names listed under one KB
KBS_PER_LINE = 20  # KB ids listed per kind of action in one host's section
LINES_PER_KIND = 10  # deferred due dates, exempt KBs listed in one host's section
PACKAGES_PER_HOST = 5  # remediation packages listed in one host's section
IDS_PER_LINE = 10  # KB ids a remediation line or a difference names
DIFFERENCES_PER_CLUSTER = 20
OPEN_UP_TO = 20  # with at most this many hosts needing attention, every section starts open

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #ccc}
h3{font-size:1rem;margin:1.2rem 0 .3rem}h3 small{font-weight:normal;color:#555}
.meta{color:#555;font-size:.9rem;margin:.2rem 0}.cards{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}
.card{border:1px solid #ccc;border-radius:6px;padding:.4rem .8rem;min-width:7rem}.card b{display:block;font-size:1.4rem}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}
details{margin:.3rem 0}summary{cursor:pointer}details.host{border-left:3px solid #ccc;padding-left:.5rem}
details.host[open]{padding-bottom:.4rem}a.u{word-break:break-all}
.installed,.superseded,.included{background:#d9f2d9}.exempt{background:#e6e6f5}.deferred{background:#fff0c2}
.missing{background:#f8d0d0;font-weight:bold}.compliant{color:#1d6b1d}.noncompliant{color:#a11}
.unknown{color:#8a5a00}ul{margin:.2rem 0 .2rem 1.2rem;padding:0}
@media (max-width:600px){body{margin:.4rem}.card{min-width:5.5rem}table{font-size:.8rem}}
@media print{body{margin:0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.scroll{overflow:visible}a{color:inherit;text-decoration:none}h2,h3{break-after:avoid}tr{break-inside:avoid}}
"""
LEGEND = ("missing = install it (or a package that covers it); deferred = covered only by a rollup still inside "
          "its waiting period, due on the date given; exempt = exempted by the config until the date given. "
          "Covered KBs (installed, superseded by an installed KB, included in an installed rollup) are counted, "
          "not listed; the JSON report lists every one.")
_ORDER = ACTION_ORDER
_HOST_ORDER = {HostStatus.NONCOMPLIANT: 0, HostStatus.UNKNOWN: 1, HostStatus.COMPLIANT: 2}


def _natural(text: str) -> list[tuple[int, str]]:
    """CLU2 before CLU10."""
    return [(int(part), "") if part.isdigit() else (-1, part.lower()) for part in re.split(r"(\d+)", text)]


def _utc(value: datetime) -> str:
    return (value.astimezone(UTC) if value.tzinfo else value).strftime("%Y-%m-%d %H:%M UTC")


def _link(url: str) -> str:
    """An http(s) URL as a link named by its file (`Windows8-RT-KB2903938-x64.msu`), else plain text."""
    if url.lower().startswith(("http://", "https://")):
        parts = urlsplit(url)
        name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.netloc or url
        return f'<a class="u" href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(name)}</a>'
    return escape(url)


def _host_link(host: str) -> str:
    return f'<a href="#host-{escape(host, quote=True)}">{escape(host)}</a>'


def _capped(items: Sequence[str], limit: int, more: str = "") -> str:
    """`a, b, c` or `a, b and 40 more` (the rest named by `more`, e.g. "in the JSON report")."""
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more{' ' + more if more else ''}"


def _open(flag: bool) -> str:
    return " open" if flag else ""


def _kb_hosts(action: KbAction) -> str:
    parts = []
    for status in _ORDER:
        hosts = action.hosts[status]
        if hosts:  # links for the hosts shown only: a KB missing on 10,000 hosts names HOSTS_PER_KB of them
            shown = [_host_link(h.host) for h in hosts[:HOSTS_PER_KB]]
            rest = f" and {len(hosts) - len(shown)} more (see the JSON report)" if len(hosts) > len(shown) else ""
            parts.append(f"{status}: {', '.join(shown)}{rest}")
    return "<br>".join(parts)


def _by_kb(report: Report, small: bool) -> list[str]:
    actions = kb_actions(report.hosts)
    if not actions:
        return ["<p>Nothing needs action: no KB is missing, deferred or exempt on any evaluated host.</p>"]
    out = [f'<p class="meta">{escape(LEGEND)}</p>',
           '<div class="scroll"><table class="kbs"><thead><tr><th scope="col">KB</th><th scope="col">title</th>'
           '<th scope="col">missing</th><th scope="col">deferred</th><th scope="col">exempt</th>'
           '<th scope="col">hosts</th></tr></thead><tbody>']
    for a in actions:
        worst = next(s for s in _ORDER if a.count(s))
        missing, deferred, exempt = (a.count(s) for s in _ORDER)
        due = f"<br>due {a.due.isoformat()}" if a.due else ""
        links = "".join(f"<br>{_link(url)}" for url in a.download)
        total = missing + deferred + exempt
        out.append(f'<tr id="kb-{escape(a.kb, quote=True)}"><th scope="row" class="{worst}">{escape(a.kb)}</th>'
                   f"<td>{escape(a.title)} <small>({escape(a.kind)})</small>"
                   f"{'<br>' + escape(a.reason) if a.reason else ''}{links}</td>"
                   f'<td class="n">{missing}</td><td class="n">{deferred}{due}</td><td class="n">{exempt}</td>'
                   f"<td><details{_open(small)}><summary>{total} host{'s' if total != 1 else ''}</summary>"
                   f"{_kb_hosts(a)}</details></td></tr>")
    out.append("</tbody></table></div>")
    return out


def _ids(findings: Sequence[Finding]) -> str:
    return escape(_capped([f.kb for f in findings], KBS_PER_LINE, "(see the JSON report)"))


def _more(count: int, what: str) -> list[str]:
    rest = count - LINES_PER_KIND
    return [f'<p class="meta">and {rest} more {what} (see the JSON report)</p>'] if rest > 0 else []


def _action_lines(host: HostResult) -> list[str]:
    """A host's findings that need action, a line per kind of action: KB ids only (the titles are in the
    KB table), so a host with hundreds of missing KBs costs a line, not hundreds of rows."""
    out = []
    action = host.tallied().action  # four passes over these, not over every applicable finding
    missing = [f for f in action if f.status is Status.MISSING]
    if missing:
        out.append(f'<p><span class="missing">missing</span> ({len(missing)}): {_ids(missing)}</p>')
    deferred: dict[tuple[date | None, str | None], list[Finding]] = {}
    for f in action:
        if f.status is Status.DEFERRED:
            deferred.setdefault((f.due, f.via), []).append(f)
    groups = sorted(deferred.items(), key=lambda item: (item[0][0] or date.max, item[0][1] or ""))
    for (due, via), group in groups[:LINES_PER_KIND]:
        when = f"due {due.isoformat()}" if due else "due date unknown"
        out.append(f'<p><span class="deferred">deferred</span>, {when}{f" via {escape(via)}" if via else ""} '
                   f"({len(group)}): {_ids(group)}</p>")
    out += _more(len(groups), "due date(s)")
    exempt = [f for f in action if f.status is Status.EXEMPT]
    out += [f'<p><span class="exempt">exempt</span>: {escape(f.kb)} ({escape(f.reason or "")}'
            f'{"; until " + f.until.isoformat() if f.until else ""})</p>' for f in exempt[:LINES_PER_KIND]]
    out += _more(len(exempt), "exempt KB(s)")
    assumed: dict[tuple[str, ...], list[Finding]] = {}
    for f in action:
        if f.requires_roles:
            assumed.setdefault(f.requires_roles, []).append(f)
    out += [f"<p>evaluated as if the host had {escape(', '.join(roles))} (its roles are unknown): "
            f"{_ids(group)}</p>" for roles, group in assumed.items()]
    return out


def _tally(host: HostResult) -> str:
    if host.os is None and not host.findings:
        return "not evaluated"
    counts = {s: host.count(s) for s in Status}
    shown = [f"{counts[s]} {s}" for s in _ORDER if counts[s]]
    covered = sum(counts[s] for s in COVERED)
    return ", ".join([*shown, f"{covered} covered of {len(host.findings)} applicable"])


def _host(host: HostResult, small: bool) -> list[str]:
    inventory = host.inventory
    out = [f'<details class="host" id="host-{escape(host.host, quote=True)}"{_open(small)}><summary>'
           f'<b>{escape(host.host)}</b> <span class="{host.status}">{host.status}</span> — '
           f"{escape(_tally(host))}</summary>",
           f'<p class="meta">{escape(host.os or "product unknown")}; roles: {escape(", ".join(host.roles) or "none")};'
           f" inventory: {escape(inventory.path)} ({escape(inventory.format)})</p>"]
    if host.reasons or host.notes:
        out.append("<ul>" + "".join(f"<li>{escape(text)}</li>" for text in (*host.reasons, *host.notes)) + "</ul>")
    out += _action_lines(host)
    if host.remediation:
        lead = headline(host)
        out.append(f"<p>Remediation: install {len(host.remediation)} package(s)"
                   + (f"; {escape(lead)}" if lead else "") + "</p><ul>")
        for remedy in host.remediation[:PACKAGES_PER_HOST]:
            links = " ".join(_link(url) for url in remedy.download)
            out.append(f"<li><b>{escape(remedy.kb)}</b> {escape(remedy.title)} (resolves {len(remedy.resolves)}: "
                       f"{escape(_capped(remedy.resolves, IDS_PER_LINE))}) {links}</li>")
        if len(host.remediation) > PACKAGES_PER_HOST:
            out.append(f"<li>and {len(host.remediation) - PACKAGES_PER_HOST} more (kbscan scan --format remediation)"
                       "</li>")
        out.append("</ul>")
    out.append("</details>")
    return out


def _groups(report: Report) -> list[tuple[str, list[HostResult]]]:
    groups: dict[str, list[HostResult]] = {}
    for host in report.hosts:
        groups.setdefault(host.cluster or "", []).append(host)
    return [(name, groups[name]) for name in sorted(groups, key=lambda c: (c == "", _natural(c)))]


def _differences(cluster: ClusterResult | None, small: bool) -> list[str]:
    if cluster is None or cluster.consistent:
        return []
    items = [f"<li>{escape(d.kb)} on {escape(_capped(d.installed_on, IDS_PER_LINE))}, not on "
             f"{escape(_capped(d.missing_on, IDS_PER_LINE))}</li>"
             for d in cluster.differences[:DIFFERENCES_PER_CLUSTER]]
    rest = len(cluster.differences) - DIFFERENCES_PER_CLUSTER
    if rest > 0:
        items.append(f"<li>and {rest} more (see the JSON report)</li>")
    count = len(cluster.differences)
    return [f"<details{_open(small)}><summary>{count} KB{'s differ' if count != 1 else ' differs'} between the nodes"
            f"</summary><ul>{''.join(items)}</ul></details>"]


def _names(hosts: Iterable[HostResult]) -> str:
    return ", ".join(escape(h.host) for h in hosts)


def _by_cluster(report: Report, small: bool) -> tuple[list[str], list[tuple[str, int]]]:
    """The groups with a host needing attention or nodes that differ, and the quiet hosts (a line per
    cluster with its host count) that nothing is pending on."""
    clusters = {c.name: c for c in report.clusters}
    out: list[str] = []
    quiet: list[tuple[str, int]] = []
    for name, hosts in _groups(report):
        attention = sorted((h for h in hosts if needs_attention(h)), key=lambda h: (_HOST_ORDER[h.status], h.host))
        calm = [h for h in hosts if not needs_attention(h)]
        cluster = clusters.get(name) if name else None
        if not attention and (cluster is None or cluster.consistent):
            quiet.append((f"{escape(name)}: {_names(hosts)}" if name else _names(hosts), len(hosts)))
            continue
        statuses = ", ".join(f"{n} {s}" for s in HostStatus if (n := sum(1 for h in hosts if h.status is s)))
        if name:
            out.append(f'<h3 id="cluster-{escape(name, quote=True)}">cluster {escape(name)} '
                       f"<small>{len(hosts)} node{'s' if len(hosts) != 1 else ''}: {statuses}</small></h3>")
        else:
            out.append(f"<h3>not in a cluster <small>{len(attention)} of {len(hosts)} hosts need attention"
                       "</small></h3>")
        if calm and name:
            out.append(f'<p class="meta">compliant, nothing pending: {_names(calm)}</p>')
        elif calm:
            quiet.append((_names(calm), len(calm)))
        out += _differences(cluster, small)
        for host in attention:
            out += _host(host, small)
    return out, quiet


def _summary(report: Report, attention: int) -> list[str]:
    catalogue = report.catalogue
    refreshed = _utc(catalogue.refreshed_at) if catalogue.refreshed_at else "never"
    found = {s: sum(h.count(s) for h in report.hosts) for s in _ORDER}
    cards: list[tuple[str, int, str]] = [("hosts", len(report.hosts), "")]
    cards += [(str(s), report.hosts_with(s), str(s)) for s in HostStatus]
    cards += [("need attention", attention, "")]
    cards += [(f"{s} findings", found[s], str(s)) for s in _ORDER]
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


def _problems(report: Report) -> Iterable[str]:
    if report.errors or report.warnings:
        yield "<h2>Errors and warnings</h2><ul>"
        yield from (f"<li>{escape(e.path)}: {escape(e.error)}</li>" for e in report.errors)
        yield from (f"<li>{escape(w)}</li>" for w in report.warnings)
        yield "</ul>"


def render(report: Report) -> str:
    attention = sum(1 for h in report.hosts if needs_attention(h))
    small = attention <= OPEN_UP_TO
    groups, quiet = _by_cluster(report, small)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>kbscan report {report.as_of.isoformat()}</title><style>{CSS}</style></head><body>",
           f"<h1>kbscan compliance report, as of {report.as_of.isoformat()}</h1>",
           *_summary(report, attention), "<h2>Needs action, by KB</h2>", *_by_kb(report, small)]
    out += [*_problems(report)]
    if groups:
        out += ["<h2>Hosts needing attention, by cluster</h2>", *groups]
    if quiet:
        calm = sum(count for _, count in quiet)
        out += ["<h2>Compliant, nothing pending</h2>",
                f"<details><summary>{calm} host{'s' if calm != 1 else ''}</summary>",
                *(f"<p>{line}</p>" for line, _ in quiet), "</details>"]
    if not report.hosts:
        out.append("<p>No hosts found in the inventory paths.</p>")
    out.append("</body></html>")
    log.debug("HTML report: %d hosts, %d need attention", len(report.hosts), attention)
    return "\n".join(out) + "\n"
