"""Pure: one HostInventory per host (duplicates merged, with a warning) and [[hosts]] facts filled in."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from scanner.config import HostGroup
from scanner.dates import Duration
from scanner.models import HostInventory, InstalledUpdate, kb_sort_key

_OLDEST = datetime.min.replace(tzinfo=UTC)


class HostGroups:
    """[[hosts]] groups ready for many hosts: a group whose match has no wildcard is found by name, so a
    config with a group per host costs a lookup per host, not a glob per host and group."""

    def __init__(self, groups: Sequence[HostGroup]) -> None:
        self.groups = tuple(groups)
        self._named: dict[str, list[int]] = {}
        self._globs: list[int] = []
        for index, group in enumerate(self.groups):
            if any(c in group.match for c in "*?["):
                self._globs.append(index)
            else:
                self._named.setdefault(group.match.lower(), []).append(index)

    def apply(self, inventory: HostInventory) -> HostInventory:
        """Fill os, roles and cluster the file did not give from the first matching group, per key."""
        os_value, roles, cluster = inventory.os, inventory.roles, inventory.cluster
        matching = self._named.get(inventory.host.lower(), [])
        if self._globs:
            matching = sorted([*matching, *(i for i in self._globs if self.groups[i].matches(inventory.host))])
        for index in matching:
            group = self.groups[index]
            if os_value is None and group.os is not None:
                os_value = group.os
            if roles is None and group.roles is not None:
                roles = group.roles
            if cluster is None and group.cluster is not None:
                cluster = group.cluster
        if (os_value, roles, cluster) == (inventory.os, inventory.roles, inventory.cluster):
            return inventory
        return replace(inventory, os=os_value, roles=roles, cluster=cluster)


def apply_host_groups(inventory: HostInventory, groups: Sequence[HostGroup]) -> HostInventory:
    """Fill os, roles and cluster the file did not give from the first matching group, per key."""
    return HostGroups(groups).apply(inventory)


def _merge(group: Sequence[HostInventory]) -> HostInventory:
    """The newest file (by time, then path) leads; facts it lacks and all KBs come from all. The result is
    incomplete only when every file's list is: a capped systeminfo list merged with a wmic, Get-HotFix or
    collector file of the same time is complete (DESIGN.md 3a)."""
    ordered = sorted(group, key=lambda inv: (inv.taken_at or _OLDEST, inv.path), reverse=True)
    lead = ordered[0]
    updates: dict[str, InstalledUpdate] = {}
    for inventory in reversed(ordered):
        for update in inventory.updates:
            if update.kb not in updates or update.installed_on is not None:
                updates[update.kb] = update

    def first(key: str) -> Any:
        return next((getattr(inv, key) for inv in ordered if getattr(inv, key) is not None), None)

    complete = next((inv for inv in ordered if not inv.incomplete), None)
    return replace(lead, updates=tuple(sorted(updates.values(), key=lambda u: kb_sort_key(u.kb))),
                   os=first("os"), os_caption=first("os_caption"), os_version=first("os_version"),
                   roles=first("roles"), cluster=first("cluster"),
                   # the merged host is as old as its newest file: the lead's own time, not an older file's
                   collected_at=lead.collected_at, modified_at=lead.modified_at,
                   announced=lead.announced if complete is None else None,
                   listed=lead.listed if complete is None else None,
                   warnings=tuple(dict.fromkeys(w for inv in ordered for w in inv.warnings)))


def _kept(host: str, group: list[HostInventory], window: Duration | None) -> tuple[list[HostInventory], list[str]]:
    """The files of one host collected at about the same time as its newest: within `window` (the
    max_inventory_age) of it. Older files are left out with a warning, so that a leftover 2011 export
    cannot complete a 2014 host. A file with no time at all is left out when another one has a time."""
    timed = [inv for inv in group if inv.taken_at is not None]
    if not timed:
        return group, []
    newest = max(timed, key=lambda inv: inv.taken_at or _OLDEST)
    oldest = window.before(newest.taken_at) if window is not None and newest.taken_at is not None else None
    kept: list[HostInventory] = []
    left: list[HostInventory] = []
    for inv in group:
        fresh = inv.taken_at is not None and (oldest is None or inv.taken_at >= oldest)
        (kept if fresh else left).append(inv)
    if not left:
        return kept, []
    described = ", ".join(f"{inv.path} ({_when(inv)})" for inv in sorted(left, key=lambda i: i.path))
    within = f"within {window.text} of" if window is not None else "at the time of"
    return kept, [f"host {host}: ignored {described}: not collected {within} its newest inventory "
                  f"({_when(newest)}); remove or recollect them"]


def _when(inventory: HostInventory) -> str:
    if inventory.taken_at is None:
        return "no collection time"
    label = "collected" if inventory.collected_at is not None else "modified"
    return f"{label} {inventory.taken_at.isoformat(timespec='minutes')}"


def combine(inventories: Sequence[HostInventory], groups: Sequence[HostGroup] = (),
            max_inventory_age: Duration | None = None) -> tuple[list[HostInventory], list[str]]:
    """One inventory per host name, plus a warning for each host seen in more than one file."""
    by_host: dict[str, list[HostInventory]] = {}
    for inventory in inventories:
        by_host.setdefault(inventory.host, []).append(inventory)
    combined: list[HostInventory] = []
    warnings: list[str] = []
    prepared = HostGroups(groups)
    for host in sorted(by_host):
        group = by_host[host]
        if len(group) > 1:
            group, ignored = _kept(host, group, max_inventory_age)
            warnings += ignored
        if len(group) > 1:
            paths = ", ".join(sorted({inv.path for inv in group}))
            warnings.append(f"host {host} appears in {len(group)} inventories ({paths}); "
                            "reported once, with the newest file's facts and every KB listed")
            inventory = _merge(group)
        else:
            inventory = group[0]
        combined.append(prepared.apply(inventory))
    return combined, warnings + look_alike_warnings(sorted(by_host))


# Letters of other scripts drawn like Latin ones (from Unicode's confusables.txt, lower case): a host
# named with them is another host to Windows and to kbscan, but not to the person reading the report.
_LOOK_ALIKES = str.maketrans({
    **dict(zip("авсенијкмопрѕтхуԁԛԝӏ", "abcehijkmoprstxydqwl", strict=True)),  # Cyrillic
    **dict(zip("αβεζηικμνορτυχ", "abezhikmnoptyx", strict=True)),  # Greek
})


def _skeleton(host: str) -> str:
    return unicodedata.normalize("NFKC", host).casefold().translate(_LOOK_ALIKES)


def look_alike_warnings(hosts: Sequence[str]) -> list[str]:
    """A warning for each set of different host names that read the same (`HV01` and `НV01` with a
    Cyrillic Н, or a full-width `ＨＶ０１`): they stay separate hosts, and the report says so."""
    by_skeleton: dict[str, list[str]] = {}
    for host in hosts:
        if not host.isascii():  # two ASCII names never look alike here: names differ by case only once upper-cased
            by_skeleton.setdefault(_skeleton(host), []).append(host)
    if not by_skeleton:  # all ASCII, the usual fleet: no skeleton of 10,000 names to make
        return []
    ascii_names = {_skeleton(h): h for h in hosts if h.isascii()}
    warnings = []
    for skeleton, names in sorted(by_skeleton.items()):
        if skeleton in ascii_names:
            names = [ascii_names[skeleton], *names]
        if len(names) > 1:
            shown = ", ".join(f"{name} ({_code_points(name)})" for name in names)
            warnings.append(f"host names {shown} look alike but are different hosts; check the inventories "
                            "(reported separately)")
    return warnings


def _code_points(name: str) -> str:
    odd = [f"U+{ord(c):04X}" for c in name if not c.isascii()]
    return "non-ASCII " + " ".join(odd) if odd else "ASCII"
