"""Whether the daemon's last verdicts still hold: what they rested on, and the next instant time alone changes one.

Pure: the caller passes the clock. Verdicts depend on the catalogue, the config, the inventories (files and
read errors), the `as_of` day (deferral due dates, exemption `until`) and, per host, two instants
(Evaluator._evidence): an inventory is stale once `taken_at < now - max_inventory_age`, and a `collected_at`
later than `clock + SKEW` is an error until the clock reaches `collected_at - SKEW`. Any doubt is a change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from scanner.dates import Duration, add_months
from scanner.evaluate import SKEW
from scanner.models import HostInventory


def stale_from(taken: datetime, age: Duration) -> datetime:
    """An instant at or before the first one at which an inventory taken at `taken` is older than `age`
    (exact for ages in days, hours, ...; for months the calendar can only make the real one later)."""
    moved = taken + age.delta
    if age.months:
        day = add_months(moved.date(), age.months)
        moved = moved.replace(year=day.year, month=day.month, day=day.day)
    return moved


def next_boundary(inventories: Iterable[HostInventory], age: Duration, now: datetime) -> datetime | None:
    """The first instant after an evaluation at `now` (its clock too, as in the daemon) at which some host's
    evidence may read differently: a fresh inventory turning stale, or a `collected_at` in the future no longer
    being so. None when no host has such an instant. A host already stale stays stale as time moves forward."""
    soonest: datetime | None = None
    for inventory in inventories:
        found: list[datetime] = []
        taken = inventory.taken_at
        if taken is not None and not taken < age.before(now):  # fresh now: Evaluator._evidence's own test
            found.append(stale_from(taken, age))
        collected = inventory.collected_at
        if collected is not None and collected > now + SKEW:
            found.append(collected - SKEW)
        for moment in found:
            if soonest is None or moment < soonest:
                soonest = moment
    return soonest


@dataclass(frozen=True)
class Basis:
    """What the last complete evaluation rested on. `config` is compared by identity: a SIGHUP reload is a
    change even when the file says the same. `history` is the token record_scan stored with its rows."""

    config: object
    catalogue_version: str
    as_of: date
    evaluated_at: datetime
    boundary: datetime | None
    errors: frozenset[tuple[str, str]]
    history: str


def what_changed(basis: Basis | None, *, config: object, catalogue_version: str | None, now: datetime,
                 files_changed: bool, errors: frozenset[tuple[str, str]], history: str | None,
                 reports_missing: bool = False) -> str | None:
    """Why the verdicts must be computed again, or None when nothing they rest on changed."""
    if basis is None:
        return "no verdicts computed by this process yet"
    if config is not basis.config:
        return "the config was reloaded"
    if catalogue_version is None or catalogue_version != basis.catalogue_version:
        return "the stored catalogue changed"
    if history is None or history != basis.history:
        return "the stored scan history was written by another process"
    if now < basis.evaluated_at:
        return "the clock went back"
    if now.date() != basis.as_of:
        return f"a new day ({now.date().isoformat()})"
    if basis.boundary is not None and now >= basis.boundary:
        return f"an inventory's age crossed a limit at {basis.boundary.isoformat(timespec='seconds')}"
    if files_changed:
        return "inventory files changed, appeared or went"
    if errors != basis.errors:
        return "the unreadable inventory files changed"
    if reports_missing:
        return "the last report is missing from reports_dir"
    return None

