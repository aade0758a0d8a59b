"""Human lines for `kbscan status` (scan side) and `kbscan history HOST`, read from the state database."""

from __future__ import annotations

from scanner.config import Config
from scanner.inventory import normalise_host
from scanner.store.db import connected
from scanner.store.history import get_state, host_history, last_scan


def scan_lines(config: Config) -> list[str]:
    if not config.database.exists():
        return ["last scan: none recorded (the daemon records scans; see 'kbscan daemon')"]
    with connected(config.database, readonly=True) as db:
        scan = last_scan(db)
        state = get_state(db)
    lines = []
    if scan is None:
        lines.append("last scan: none recorded")
    else:
        lines.append(f"last scan: {scan['at'][:19]} as of {scan['as_of']}, {scan['hosts']} hosts: "
                     f"{scan['compliant']} compliant, {scan['noncompliant']} noncompliant, {scan['unknown']} unknown, "
                     f"{scan['errors']} errors, {scan['duration'] or 0:.2f} s, {scan['transitions']} transitions")
    for key in ("next_refresh", "next_scan"):
        if key in state:
            lines.append(f"{key.replace('_', ' ')}: {state[key]} (daemon pid {state.get('pid', '?')})")
    return lines


def history_lines(config: Config, host: str, limit: int) -> list[str]:
    if not config.database.exists():
        return [f"no history for {host}: no scan has been recorded in {config.database}"]
    with connected(config.database, readonly=True) as db:
        rows = host_history(db, normalise_host(host), limit)
    if not rows:
        return [f"no history for {host}"]
    return [f"{row['at'][:19]}  {row['kb'] or 'host':<10} {row['old'] or '-'} -> {row['new']}" for row in rows]
