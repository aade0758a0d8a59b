"""The line that leads a host's remediation names the one update that resolves the rest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from scanner.catalogue import Catalogue
from scanner.evaluate import Policy, evaluate_host
from scanner.models import CatalogueEntry, HostInventory, InstalledUpdate, Kind, Remedy
from scanner.remediation import headline, remediate, remedy_line

WS19 = ("ws2019",)


def cu(kb: str, month: int, supersedes: str | None) -> CatalogueEntry:
    return CatalogueEntry(kb, f"2024-{month:02d} Cumulative Update for Windows Server 2019 ({kb})",
                          kind=Kind.CUMULATIVE_UPDATE, released=date(2024, month, 12), products=WS19,
                          supersedes=(supersedes,) if supersedes else (), sources=("wesng",))


# Server 2019's cumulative updates of January to April 2024 (each supersedes the month before, as WES-NG's
# rows say) and a standalone update no cumulative update supersedes.
CATALOGUE = Catalogue([
    cu("KB5034127", 1, "KB5033371"), cu("KB5034768", 2, "KB5034127"), cu("KB5035849", 3, "KB5034768"),
    cu("KB5036896", 4, "KB5035849"),
    CatalogueEntry("KB5034439", "WinRE update", kind=Kind.SECURITY_UPDATE, released=date(2024, 1, 9),
                   products=WS19, sources=("wesng",)),
])


def host(*installed: str, at: date) -> tuple[str | None, tuple[Remedy, ...]]:
    inventory = HostInventory("HV01", "hv01.json", "kbscan-json", tuple(InstalledUpdate(kb) for kb in installed),
                              os="ws2019", roles=(), collected_at=datetime(at.year, at.month, at.day, tzinfo=UTC))
    result = evaluate_host(CATALOGUE, inventory, Policy.at(at))
    with_remedies = replace(result, remediation=remediate(CATALOGUE, result))
    return headline(with_remedies), with_remedies.remediation


def test_the_newest_cumulative_update_resolves_every_earlier_month_and_the_rest_is_counted() -> None:
    line, remedies = host("KB5033371", at=date(2024, 6, 1))
    assert line == "install KB5036896: resolves 4 of 5 missing; 1 more package resolves the other 1"
    assert [(r.kb, r.resolves) for r in remedies] == [
        ("KB5036896", ("KB5034127", "KB5034768", "KB5035849", "KB5036896")), ("KB5034439", ("KB5034439",))]
    assert remedy_line(remedies[1], 5) == "install KB5034439: resolves 1 of 5 missing"


def test_one_package_alone_and_nothing_missing() -> None:
    line, _ = host("KB5034439", "KB5033371", at=date(2024, 6, 1))
    assert line == "install KB5036896: resolves 4 of 4 missing"
    assert host("KB5034439", "KB5036896", at=date(2024, 6, 1))[0] is None


def test_an_update_the_deferral_rule_still_holds_back_is_not_the_one_named() -> None:
    """On 2024-04-20 April's update (released 2024-04-12) is deferred until 2024-05-12; March's resolves the
    same three missing months and is due: it is named, not April's."""
    line, remedies = host("KB5033371", at=date(2024, 4, 20))
    assert line == "install KB5035849: resolves 3 of 4 missing; 1 more package resolves the other 1"
    assert [r.kb for r in remedies] == ["KB5035849", "KB5034439"]
