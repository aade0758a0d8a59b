"""Human lines for `kbscan status` (scan side and schema version) and `kbscan history HOST`, from the state database.

Both read a database of an earlier schema version as it is (they only show what they find; `status` says it
awaits its upgrade); a newer one is refused like everywhere (store/migrations.py)."""

from __future__ import annotations

import os

from scanner.config import Config
from scanner.inventory import normalise_host
from scanner.store.db import connected
from scanner.store.history import get_state, host_history, hosts_by_status, last_scan
from scanner.store.migrations import SCHEMA_VERSION, SchemaState, schema_state

_ORDER = ("compliant", "noncompliant", "unknown", "gone")


def _alive(pid: str | None) -> bool:
    """Whether the process that wrote daemon_state still runs (signal 0 only checks)."""
    if not pid or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # running, as another user (the service's)
        return True
    return True


def _daemon_lines(state: dict[str, str]) -> list[str]:
    pid = state.get("pid")
    if not pid:
        return ["daemon: has not run with this state_dir"]
    if "stopped_at" in state or not _alive(pid):
        return [f"daemon: not running (last pid {pid}, stopped {state.get('stopped_at', 'without a clean exit')})"]
    lines = [f"daemon: running, pid {pid}"]
    for key in ("next_refresh", "next_scan"):
        if key in state:
            lines.append(f"  {key.replace('_', ' ')}: {state[key]}")
    return lines


def schema_line(schema: SchemaState | None) -> str:
    if schema is None:
        return (f"state: no database yet (the first refresh, import or daemon run creates it, at schema version "
                f"{SCHEMA_VERSION})")
    if schema.version < SCHEMA_VERSION:
        return (f"state: schema version {schema.version}, older than this kbscan's {SCHEMA_VERSION}: upgraded in "
                "place by the next command that writes it (the daemon when it starts, catalogue refresh or "
                "import); until then scan, check and catalogue list/show refuse it")
    last = f", last step {schema.applied[-1][0]} applied {schema.applied[-1][1][:19]}" if schema.applied else ""
    return f"state: schema version {schema.version} (current){last}"


def scan_lines(config: Config) -> list[str]:
    if not config.database.exists():
        return ["last scan: none recorded (the daemon records scans; see 'kbscan daemon')", schema_line(None)]
    with connected(config.database, readonly=True, older=True) as db:
        schema = schema_state(db)
        scan = last_scan(db)
        state = get_state(db)
        counts = hosts_by_status(db)
    if scan is None:
        return ["last scan: none recorded (the daemon records scans; see 'kbscan daemon')", *_daemon_lines(state),
                schema_line(schema)]
    lines = [f"last scan: {scan['at'][:19]} as of {scan['as_of']}, {scan['hosts']} hosts, {scan['errors']} errors, "
             f"{scan['duration'] or 0:.2f} s, {scan['transitions']} transitions"]
    known = [f"{counts[s]} {s}" for s in _ORDER if s in counts]
    known += [f"{n} {s}" for s, n in sorted(counts.items()) if s not in _ORDER]
    lines.append(f"hosts: {', '.join(known) or 'none'}")
    return [*lines, *_daemon_lines(state), schema_line(schema)]


def history_lines(config: Config, host: str, limit: int) -> list[str]:
    if not config.database.exists():
        return [f"no history for {host}: no scan has been recorded in {config.database}"]
    with connected(config.database, readonly=True, older=True) as db:
        rows = host_history(db, normalise_host(host), limit)
    if not rows:
        return [f"no history for {host}"]
    return [f"{row['at'][:19]}  {row['kb'] or 'host':<10} {row['old'] or '-'} -> {row['new']}" for row in rows]
