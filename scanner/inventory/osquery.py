"""osquery `patches` results: `osqueryi --json` arrays and osqueryd result-log lines (events, snapshots)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scanner.inventory.interface import Reader, load_json
from scanner.inventory.values import build_updates, clean, day_first_from, kb_or_none, make_host, normalise_host
from scanner.models import HostInventory

_SNIFF = re.compile(r'"hotfix_id"\s*:')


@dataclass
class _Host:
    patches: dict[str, str] = field(default_factory=dict)  # KB -> installed_on text
    caption: str | None = None
    version: str | None = None
    collected_at: datetime | None = None


def _logged_at(line: dict[str, object]) -> datetime | None:
    unix = line.get("unixTime")
    try:
        if isinstance(unix, (int, str)) and str(unix).strip().isdigit():
            return datetime.fromtimestamp(int(unix), tz=UTC)
        calendar = line.get("calendarTime")
        if isinstance(calendar, str):
            return datetime.strptime(calendar.strip(), "%a %b %d %H:%M:%S %Y %Z").replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


class OsqueryReader(Reader):
    name = "osquery"
    command = 'osqueryi --json "select * from patches" > %COMPUTERNAME%.json'

    def sniff(self, head: str) -> bool:
        return head.startswith(("[", "{")) and bool(_SNIFF.search(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        hosts: dict[str, _Host] = {}
        if text.lstrip().startswith("["):
            rows = load_json(self, text, path)
            if not isinstance(rows, list):
                raise self.fail(path, "the JSON is not a list of rows")
            self._apply(hosts, rows, "", "snapshot", None)
        else:
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    self._log_line(hosts, line, number, path)
        if not hosts:
            raise self.fail(path, "no patches rows found")
        first = day_first_from({when for host in hosts.values() for when in host.patches.values()}, day_first)
        return [make_host(name, path, self.name, build_updates(host.patches, host.patches.values(), first),
                          caption=host.caption, version=host.version, collected_at=host.collected_at)
                for name, host in hosts.items()]

    def _log_line(self, hosts: dict[str, _Host], line: str, number: int, path: str) -> None:
        try:
            event = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            raise self.fail(path, f"line {number} is not complete JSON ({error}); the log looks "
                            "truncated or damaged") from error
        if not isinstance(event, dict):
            raise self.fail(path, f"line {number} is not a JSON object")
        identifier = clean(event.get("hostIdentifier")) or ""
        when = _logged_at(event)
        if isinstance(event.get("snapshot"), list):
            self._apply(hosts, event["snapshot"], identifier, "snapshot", when)
        elif isinstance(event.get("columns"), dict):
            self._apply(hosts, [event["columns"]], identifier, str(event.get("action", "added")), when)
        elif isinstance(event.get("diffResults"), dict):
            diff = event["diffResults"]
            for action in ("removed", "added"):
                if isinstance(diff.get(action), list):
                    self._apply(hosts, diff[action], identifier, action, when)

    def _apply(self, hosts: dict[str, _Host], rows: list[object], identifier: str, action: str,
               when: datetime | None) -> None:
        """Fold rows into `hosts`: `added`/`snapshot` add patches, `removed` drops them; os_version rows
        (name + version, no hotfix_id) give the OS. A snapshot replaces what its host had before."""
        replaced: set[str] = set()
        for row in rows:
            if not isinstance(row, dict):
                continue
            name = normalise_host(clean(row.get("csname")) or identifier)
            host = hosts.setdefault(name, _Host())
            if when and (host.collected_at is None or when > host.collected_at):
                host.collected_at = when
            if action == "snapshot" and identifier and name not in replaced:
                host.patches.clear()
                replaced.add(name)
            hotfix = row.get("hotfix_id")
            if hotfix is None:
                if clean(row.get("name")) and clean(row.get("version")):
                    host.caption, host.version = clean(row.get("name")), clean(row.get("version"))
                continue
            kb = kb_or_none(str(hotfix))
            if kb is None:
                continue
            if action == "removed":
                host.patches.pop(kb, None)
            else:
                host.patches[kb] = clean(row.get("installed_on")) or clean(row.get("install_date")) or ""
