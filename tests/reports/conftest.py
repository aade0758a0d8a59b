"""The seed scenario with a host per status, evaluated on 2013-12-20, for every report writer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scanner.catalogue import Catalogue
from scanner.config import Exemption
from scanner.evaluate import Policy, evaluate_fleet, with_remediation
from scanner.models import (
    CatalogueEntry,
    CatalogueInfo,
    HostInventory,
    InstalledUpdate,
    InventoryError,
    Report,
    SourceHealth,
)
from tests.seed import seed_entries

ROLES = ("hyper-v", "failover-clustering")
SEED = ("KB2779069", "KB2905412", "KB2908415", "KB2902014", "KB2894485")
SOURCES = (
    SourceHealth("hyperv-2012", "https://social.technet.microsoft.com/wiki/contents/articles/15576.aspx", "ok",
                 datetime(2013, 12, 19, 4, tzinfo=UTC), 200, entries=6),
    SourceHealth("community-list", "https://example.org/list.xml", "failed",
                 datetime(2013, 12, 19, 4, tzinfo=UTC), 503, message="HTTP 503"),
)


def catalogue() -> Catalogue:
    newer = CatalogueEntry("KB2999999", "Newer TCP/IP fix that replaces KB2905412", products=("ws2012",),
                           supersedes=("KB2905412",), download=("http://download.microsoft.com/newer.msu",),
                           sources=("test",))
    entries = [*seed_entries(), newer]
    return Catalogue(entries, CatalogueInfo("database", len(entries), datetime(2013, 12, 19, 4, tzinfo=UTC), SOURCES))


def inventory(host: str, *kbs: str, os: str | None = "ws2012", cluster: str | None = "CLU1") -> HostInventory:
    return HostInventory(host, f"/inv/{host}.json", "kbscan-json", tuple(InstalledUpdate(k) for k in kbs), os=os,
                         roles=ROLES, cluster=cluster, collected_at=datetime(2013, 12, 19, 8, tzinfo=UTC))


def seed_report(hosts: list[HostInventory] | None = None) -> Report:
    fleet = hosts if hosts is not None else [
        # compliant: installed, superseded (KB2905412 via KB2999999), deferred (KB2898774 via KB2903938)
        inventory("HV01", "KB2779069", "KB2999999", "KB2908415", "KB2902014", "KB2894485"),
        # noncompliant: included (KB2898774 in the installed rollup KB2903938), missing
        inventory("HV02", "KB2779069", "KB2903938", "KB2902014"),
        inventory("HV05", *SEED[1:], "KB2999999", "KB2903938", cluster="CLU2"),                  # exempt
        inventory("LAB1", "KB2779069", os=None, cluster=None),                                   # unknown
    ]
    policy = Policy.at(date(2013, 12, 20), exemptions=(Exemption("HV05", "KB2779069", date(2014, 6, 30), "case 1234"),))
    seed = catalogue()
    report = evaluate_fleet(seed, fleet, [InventoryError("/inv/broken.json", "the JSON is cut off")], policy,
                            datetime(2013, 12, 20, 8, tzinfo=UTC))
    return with_remediation(report, seed)


@pytest.fixture
def report() -> Report:
    return seed_report()
