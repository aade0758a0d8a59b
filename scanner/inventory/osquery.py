"""osquery `patches` results: `osqueryi --json` arrays and osqueryd result-log lines (events, snapshots).

A result log holds every scheduled query of its hosts. Rows of one `hostIdentifier` are one host (named
by the `csname` of its patches rows, else by the identifier, as with `--host_identifier=uuid`); only
`patches` rows (`hotfix_id`) give KBs and only `os_version` rows (`name`, `version`, `major`, `minor`)
give the OS, so `programs` or other tables' `name` + `version` rows never do.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scanner.inventory.interface import Reader, load_json
from scanner.inventory.values import build_updates, clean, day_first_from, kb_or_none, make_host, normalise_host
from scanner.models import HostInventory

logger = logging.getLogger(__name__)

_SNIFF = re.compile(r'"hotfix_id"\s*:')
# A result-log line, whatever query comes first: event lines name `hostIdentifier` early; a snapshot
# or batched line of a big query may start with its rows (`{"snapshot":[...`) for more than HEAD_CHARS.
_SNIFF_LOG = re.compile(r'^\{\s*"(?:snapshot|diffResults)"\s*:|"hostIdentifier"\s*:')
OS_VERSION_COLUMNS = frozenset({"name", "version", "major", "minor"})  # every osquery's os_version has them


@dataclass
class _Source:
    """What the rows of one hostIdentifier say (an osqueryi array is one source without an identifier)."""

    patches: dict[str, dict[str, str]] = field(default_factory=dict)  # csname -> KB -> installed_on text
    caption: str | None = None
    version: str | None = None
    collected_at: datetime | None = None


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
        return head.startswith(("[", "{")) and (
            bool(_SNIFF.search(head)) or (head.startswith("{") and bool(_SNIFF_LOG.search(head))))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        sources: dict[str, _Source] = {}
        if text.lstrip().startswith("["):
            rows = load_json(self, text, path)
            if not isinstance(rows, list):
                raise self.fail(path, "the JSON is not a list of rows")
            self._apply(sources, rows, "", "snapshot", None)
        else:
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    self._log_line(sources, line, number, path)
        hosts = _hosts(sources, path)
        if not hosts:
            raise self.fail(path, "no patches rows found (the rows of `select * from patches`); schedule "
                            "that query for these hosts")
        first = day_first_from({when for host in hosts.values() for when in host.patches.values()}, day_first)
        return [make_host(name, path, self.name, build_updates(host.patches, host.patches.values(), first),
                          caption=host.caption, version=host.version, collected_at=host.collected_at)
                for name, host in hosts.items()]

    def _log_line(self, sources: dict[str, _Source], line: str, number: int, path: str) -> None:
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
            self._apply(sources, event["snapshot"], identifier, "snapshot", when)
        elif isinstance(event.get("columns"), dict):
            self._apply(sources, [event["columns"]], identifier, str(event.get("action", "added")), when)
        elif isinstance(event.get("diffResults"), dict):
            diff = event["diffResults"]
            for action in ("removed", "added"):
                if isinstance(diff.get(action), list):
                    self._apply(sources, diff[action], identifier, action, when)

    def _apply(self, sources: dict[str, _Source], rows: list[object], identifier: str, action: str,
               when: datetime | None) -> None:
        """Fold rows of one identifier into its source: `added`/`snapshot` add patches, `removed` drops
        them, a snapshot of patches replaces its machine's list; os_version rows give the OS."""
        source = sources.setdefault(identifier, _Source())
        if when and (source.collected_at is None or when > source.collected_at):
            source.collected_at = when
        if action == "snapshot":  # a patches snapshot is the whole list of each machine it names
            for row in rows:
                if isinstance(row, dict) and "hotfix_id" in row:
                    source.patches.pop(normalise_host(clean(row.get("csname")) or ""), None)
        for row in rows:
            if not isinstance(row, dict):
                continue
            hotfix = row.get("hotfix_id")
            if hotfix is None:
                name, version = clean(row.get("name")), clean(row.get("version"))
                if name and version and OS_VERSION_COLUMNS.issubset(row):
                    source.caption, source.version = name, version
                continue
            patches = source.patches.setdefault(normalise_host(clean(row.get("csname")) or ""), {})
            kb = kb_or_none(str(hotfix))
            if kb is None:
                continue
            if action == "removed":
                patches.pop(kb, None)
            else:
                patches[kb] = clean(row.get("installed_on")) or clean(row.get("install_date")) or ""


def _hosts(sources: dict[str, _Source], path: str) -> dict[str, _Host]:
    """One host per identifier, named by its patches rows' csname, else by the identifier. An
    identifier whose rows name several csnames (one `--specified_identifier` for many machines) is
    one host per csname, with the OS unknown: the os_version rows cannot say whose they are. Hosts
    with the same name are merged; an identifier without patches rows gives no host (logged)."""
    hosts: dict[str, _Host] = {}
    for identifier, source in sources.items():
        if not source.patches:
            logger.warning("%s: osquery host %s has no patches rows; it is left out", path, identifier or "?")
            continue
        named = [name for name in source.patches if name]
        if len(named) <= 1:
            merged = {kb: when for patches in source.patches.values() for kb, when in patches.items()}
            parts = [(named[0] if named else identifier, merged, source.caption, source.version)]
        else:
            if source.caption:
                logger.warning("%s: hostIdentifier %s has patches rows of %d machines (%s); their OS is "
                               "left unknown", path, identifier, len(named), ", ".join(named))
            parts = [(name or identifier, patches, None, None) for name, patches in source.patches.items()]
        for name, patches, caption, version in parts:
            host = hosts.setdefault(normalise_host(name), _Host())
            host.patches.update(patches)
            host.caption, host.version = host.caption or caption, host.version or version
            if source.collected_at and (host.collected_at is None or source.collected_at > host.collected_at):
                host.collected_at = source.collected_at
    return hosts
