"""rescan.py: the instant time alone changes a verdict, checked against the evaluator itself, and what counts as a
change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from scanner.dates import parse_duration
from scanner.evaluate import SKEW, Policy, evaluate_host
from scanner.models import HostInventory, HostStatus
from scanner.pipeline import embedded_catalogue
from scanner.rescan import Basis, next_boundary, stale_from, what_changed

T0 = datetime(2026, 1, 31, 18, 30, tzinfo=UTC)


def host(collected: datetime | None = None, modified: datetime | None = None) -> HostInventory:
    return HostInventory("HV01", "HV01.json", "kbscan-json", os="ws2012", roles=(), collected_at=collected,
                         modified_at=modified)


def status(inventory: HostInventory, age: str, now: datetime) -> HostStatus:
    policy = Policy(as_of=now.date(), now=now, clock=now, max_inventory_age=parse_duration(age))
    return evaluate_host(embedded_catalogue(), inventory, policy).status


@pytest.mark.parametrize("age", ["7 days", "36 hours", "15 minutes", "1 month", "2 months"])
@pytest.mark.parametrize("taken", [T0, datetime(2026, 3, 31, 0, 0, tzinfo=UTC), datetime(2024, 2, 29, 23, 59,
                                                                                           tzinfo=UTC)])
def test_an_inventory_keeps_its_verdict_until_its_boundary(age: str, taken: datetime):
    inventory = host(collected=taken)
    boundary = next_boundary([inventory], parse_duration(age), taken)
    assert boundary is not None and boundary > taken
    before = status(inventory, age, taken)
    assert before is not HostStatus.UNKNOWN
    assert status(inventory, age, boundary - timedelta(microseconds=1)) is before  # never too late
    later = boundary
    for _ in range(13):  # the real flip: at most three days after (months); a verdict that never turns fails
        if status(inventory, age, later) is HostStatus.UNKNOWN:
            break
        later += timedelta(hours=6)
    else:
        pytest.fail(f"{age} after {taken}: still not unknown three days past the boundary {boundary}")


def test_ages_in_days_are_exact():
    assert stale_from(T0, parse_duration("7 days")) == T0 + timedelta(days=7)
    assert status(host(collected=T0), "7 days", T0 + timedelta(days=7)) is not HostStatus.UNKNOWN
    assert status(host(collected=T0), "7 days", T0 + timedelta(days=7, microseconds=1)) is HostStatus.UNKNOWN


def test_a_stale_inventory_has_no_boundary_and_the_file_time_counts_without_collected_at():
    assert next_boundary([host(collected=T0)], parse_duration("7 days"), T0 + timedelta(days=8)) is None
    assert next_boundary([host(modified=T0)], parse_duration("7 days"), T0) == T0 + timedelta(days=7)
    assert next_boundary([host()], parse_duration("7 days"), T0) is None


def test_a_collected_at_in_the_future_has_its_boundary_when_the_clock_reaches_it_less_the_skew():
    ahead = T0 + timedelta(hours=1)
    inventory = host(collected=ahead)
    boundary = next_boundary([inventory], parse_duration("7 days"), T0)
    assert boundary == ahead - SKEW
    assert status(inventory, "7 days", boundary - timedelta(microseconds=1)) is HostStatus.UNKNOWN
    assert status(inventory, "7 days", boundary) is not HostStatus.UNKNOWN


def test_the_soonest_host_decides():
    hosts = [host(collected=T0), host(collected=T0 - timedelta(days=3)), host(collected=T0 - timedelta(days=30))]
    assert next_boundary(hosts, parse_duration("7 days"), T0) == T0 + timedelta(days=4)


BASIS = Basis(config=object(), catalogue_version="3:a:b", as_of=date(2026, 1, 31), evaluated_at=T0,
              boundary=T0 + timedelta(hours=2), errors=frozenset({("x.json", "empty")}), history="t1")
SAME = {"config": BASIS.config, "catalogue_version": "3:a:b", "now": T0 + timedelta(minutes=15),
        "files_changed": False, "errors": frozenset({("x.json", "empty")}), "history": "t1"}


def test_nothing_changed_is_none():
    assert what_changed(BASIS, **SAME) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("config", object(), "the config was reloaded"),
    ("catalogue_version", "4:a:b", "the stored catalogue changed"),
    ("catalogue_version", None, "the stored catalogue changed"),
    ("history", "t2", "the stored scan history was written by another process"),
    ("history", None, "the stored scan history was written by another process"),
    ("now", T0 - timedelta(seconds=1), "the clock went back"),
    ("now", datetime(2026, 2, 1, 0, 0, tzinfo=UTC), "a new day (2026-02-01)"),
    ("now", T0 + timedelta(hours=2), "an inventory's age crossed a limit at 2026-01-31T20:30:00+00:00"),
    ("files_changed", True, "inventory files changed, appeared or went"),
    ("errors", frozenset(), "the unreadable inventory files changed"),
    ("reports_missing", True, "the last report is missing from reports_dir"),
])
def test_each_change_is_named(field: str, value: object, reason: str):
    assert what_changed(BASIS, **{**SAME, field: value}) == reason  # type: ignore[arg-type]


def test_no_basis_is_a_change():
    assert what_changed(None, **SAME) == "no verdicts computed by this process yet"  # type: ignore[arg-type]
    assert what_changed(replace(BASIS, boundary=None), **{**SAME, "now": T0 + timedelta(hours=5)}) is None  # type: ignore[arg-type]
