"""Verdict engine: every status, transitive relations, the deferral rule and host status."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from scanner.catalogue import Catalogue
from scanner.config import DeferralPolicy, Exemption
from scanner.dates import parse_duration
from scanner.evaluate import Policy, evaluate_fleet, evaluate_host
from scanner.models import (
    CatalogueEntry,
    Finding,
    HostInventory,
    HostStatus,
    InstalledUpdate,
    Kind,
    Status,
)
from tests.seed import seed_entries

SEED_HOTFIXES = ("KB2779069", "KB2905412", "KB2908415", "KB2902014", "KB2894485")
CLUSTER_HV = ("hyper-v", "failover-clustering")
TITLES = {e.kb: e.title for e in seed_entries()}


def seed() -> Catalogue:
    return Catalogue(seed_entries())


def host(name: str, *kbs: str, os: str | None = "ws2012", roles: tuple[str, ...] | None = CLUSTER_HV,
         cluster: str | None = None, collected_at: datetime | None = None) -> HostInventory:
    return HostInventory(host=name, path=f"{name}.json", format="kbscan-json",
                         updates=tuple(InstalledUpdate(kb) for kb in kbs), os=os, roles=roles,
                         cluster=cluster, collected_at=collected_at)


def statuses(result_findings: tuple[Finding, ...]) -> dict[str, tuple[str, str | None, date | None]]:
    return {f.kb: (str(f.status), f.via, f.due) for f in result_findings}


def test_seed_scenario_on_2013_12_20_defers_the_rollup_fix():
    result = evaluate_host(seed(), host("HV01", *SEED_HOTFIXES), Policy.at(date(2013, 12, 20)))
    assert statuses(result.findings) == {
        "KB2779069": ("installed", None, None),
        "KB2894485": ("installed", None, None),
        "KB2898774": ("deferred", "KB2903938", date(2014, 1, 10)),
        "KB2902014": ("installed", None, None),
        "KB2903938": ("deferred", "KB2903938", date(2014, 1, 10)),
        "KB2905412": ("installed", None, None),
        "KB2908415": ("installed", None, None),
    }
    assert result.status is HostStatus.COMPLIANT
    assert result.reasons == ()


def test_deferred_rollup_fix_is_missing_on_its_due_date():
    result = evaluate_host(seed(), host("HV01", *SEED_HOTFIXES), Policy.at(date(2014, 1, 10)))
    finding = {f.kb: f for f in result.findings}["KB2898774"]
    assert finding == Finding("KB2898774", Status.MISSING, Kind.HOTFIX, TITLES["KB2898774"],
                              reason="no package of its own; install KB2903938",
                              download=seed().entries["KB2903938"].download)
    assert result.status is HostStatus.NONCOMPLIANT


def test_day_before_due_date_is_still_deferred():
    result = evaluate_host(seed(), host("HV01", *SEED_HOTFIXES), Policy.at(date(2014, 1, 9)))
    assert statuses(result.findings)["KB2898774"] == ("deferred", "KB2903938", date(2014, 1, 10))


def test_installed_rollup_includes_the_fix():
    result = evaluate_host(seed(), host("HV01", *SEED_HOTFIXES, "KB2903938"), Policy.at(date(2014, 2, 1)))
    found = statuses(result.findings)
    assert found["KB2898774"] == ("included", "KB2903938", None)
    assert found["KB2903938"] == ("installed", None, None)
    assert result.status is HostStatus.COMPLIANT


def chain_catalogue() -> Catalogue:
    """KB100001 <- KB100002 <- KB100003 (each supersedes the previous); KB100004 rollup includes KB100005."""
    return Catalogue([
        CatalogueEntry("KB100001", "first", products=("ws2012",), sources=("t",)),
        CatalogueEntry("KB100002", "second", products=("ws2012",), supersedes=("KB100001",), sources=("t",)),
        CatalogueEntry("KB100003", "third", products=("ws2012",), supersedes=("KB100002",), sources=("t",)),
        CatalogueEntry("KB100004", "rollup", kind=Kind.UPDATE_ROLLUP, released=date(2014, 1, 31),
                       products=("ws2012",), supersedes=("KB100003",), sources=("t",)),
        CatalogueEntry("KB100005", "fix inside", products=("ws2012",), included_in=("KB100006",),
                       sources=("t",)),
        CatalogueEntry("KB100006", "bundle", kind=Kind.UPDATE, products=("ws2012",),
                       supersedes=("KB100009",), sources=("t",)),
        CatalogueEntry("KB100007", "newer bundle", kind=Kind.UPDATE, products=("ws2012",),
                       supersedes=("KB100006",), sources=("t",)),
    ])


def test_supersedence_chain_of_three_names_the_installed_package():
    result = evaluate_host(chain_catalogue(), host("H", "KB100003", "KB100007"), Policy.at(date(2014, 1, 1)))
    found = statuses(result.findings)
    assert found["KB100001"] == ("superseded", "KB100003", None)
    assert found["KB100002"] == ("superseded", "KB100003", None)
    assert found["KB100003"] == ("installed", None, None)


def test_inclusion_through_a_superseding_package_is_included():
    """KB100005 is in KB100006, which KB100007 supersedes: installing KB100007 covers KB100005."""
    result = evaluate_host(chain_catalogue(), host("H", "KB100007"), Policy.at(date(2014, 1, 1)))
    found = statuses(result.findings)
    assert found["KB100005"] == ("included", "KB100007", None)
    assert found["KB100006"] == ("superseded", "KB100007", None)


def test_rollup_released_jan_31_is_due_at_end_of_february():
    result = evaluate_host(chain_catalogue(), host("H", "KB100007"), Policy.at(date(2014, 2, 27)))
    found = statuses(result.findings)
    assert found["KB100004"] == ("deferred", "KB100004", date(2014, 2, 28))
    # KB100003 can still be installed on its own, so it is missing, not deferred
    assert found["KB100003"] == ("missing", None, None)


def test_thirty_day_period_and_custom_kinds():
    policy = Policy.at(date(2014, 3, 1), deferral=DeferralPolicy(period=parse_duration("30 days"),
                                                                 kinds=(Kind.UPDATE_ROLLUP,)))
    result = evaluate_host(chain_catalogue(), host("H", "KB100007"), policy)
    assert statuses(result.findings)["KB100004"] == ("deferred", "KB100004", date(2014, 3, 2))


def test_approve_early_makes_the_rollup_required_at_once():
    policy = Policy.at(date(2013, 12, 20), deferral=DeferralPolicy(approve_early=("KB2903938",)))
    result = evaluate_host(seed(), host("HV01", *SEED_HOTFIXES), policy)
    found = statuses(result.findings)
    assert found["KB2898774"] == ("missing", None, None)
    assert found["KB2903938"] == ("missing", None, None)
    assert result.status is HostStatus.NONCOMPLIANT


def test_exemption_covers_until_the_end_of_its_day_then_expires():
    exemption = Exemption("HV0*", "KB2779069", date(2014, 6, 30), "vendor support case 1234")
    installed = [kb for kb in SEED_HOTFIXES if kb != "KB2779069"] + ["KB2903938"]
    inside = evaluate_host(seed(), host("HV05", *installed),
                           Policy.at(date(2014, 6, 30), exemptions=(exemption,)))
    exempt = {f.kb: f for f in inside.findings}["KB2779069"]
    assert (exempt.status, exempt.reason, exempt.until) == (Status.EXEMPT, "vendor support case 1234",
                                                            date(2014, 6, 30))
    assert inside.status is HostStatus.COMPLIANT
    after = evaluate_host(seed(), host("HV05", *installed), Policy.at(date(2014, 7, 1), exemptions=(exemption,)))
    assert statuses(after.findings)["KB2779069"] == ("missing", None, None)
    assert after.status is HostStatus.NONCOMPLIANT


def test_exemption_for_another_host_does_not_apply():
    exemption = Exemption("HV05", "KB2779069", date(2014, 6, 30), "case")
    result = evaluate_host(seed(), host("HV06"), Policy.at(date(2014, 1, 1), exemptions=(exemption,)))
    assert statuses(result.findings)["KB2779069"] == ("missing", None, None)


def test_host_with_no_known_product_is_unknown_with_a_reason():
    result = evaluate_host(seed(), host("LAB1", "KB2779069", os=None), Policy.at(date(2013, 12, 20)))
    assert result.status is HostStatus.UNKNOWN
    assert result.findings == ()
    assert result.reasons == ("product unknown (no OS caption, version unknown); add os = \"...\" "
                              "to a matching [[hosts]] group",)


def test_stale_inventory_is_unknown_never_compliant():
    collected = datetime(2013, 12, 1, 8, 0, tzinfo=UTC)
    result = evaluate_host(seed(), host("HV01", *SEED_HOTFIXES, "KB2903938", collected_at=collected),
                           Policy.at(date(2013, 12, 20)))
    assert result.status is HostStatus.UNKNOWN
    assert result.reasons == ("inventory collected 2013-12-01, older than max_inventory_age (7 days)",)
    fresh = evaluate_host(seed(), host("HV01", *SEED_HOTFIXES, "KB2903938",
                                       collected_at=datetime(2013, 12, 19, tzinfo=UTC)),
                          Policy.at(date(2013, 12, 20)))
    assert fresh.status is HostStatus.COMPLIANT


def test_2008r2_cluster_node_gets_gum_fix_but_no_hyperv_fixes():
    result = evaluate_host(seed(), host("CL08", os="ws2008r2", roles=("failover-clustering",)),
                           Policy.at(date(2013, 12, 20)))
    assert statuses(result.findings) == {"KB2779069": ("missing", None, None),
                                         "KB2905412": ("missing", None, None)}


def test_hyperv_only_host_is_not_asked_for_cluster_fixes():
    result = evaluate_host(seed(), host("HV09", os="ws2012", roles=("hyper-v",)), Policy.at(date(2013, 12, 20)))
    assert sorted(statuses(result.findings)) == ["KB2894485", "KB2902014", "KB2905412"]


def test_unknown_roles_evaluate_role_specific_entries_and_make_the_host_unknown_when_they_are_missing():
    """A ws2012 host from systeminfo with no [[hosts]] roles that lacks every Hyper-V and cluster hotfix is
    not compliant: it is unknown, the reason names the roles, the KBs and how to state roles."""
    result = evaluate_host(seed(), host("HV09", "KB2905412", roles=None), Policy.at(date(2014, 1, 20)))
    assert {f.kb: (str(f.status), f.requires_roles) for f in result.findings} == {
        "KB2779069": ("missing", ("failover-clustering",)),
        "KB2894485": ("missing", ("hyper-v",)),
        "KB2898774": ("missing", ("failover-clustering",)),
        "KB2902014": ("missing", ("hyper-v",)),
        "KB2903938": ("missing", ("failover-clustering",)),
        "KB2905412": ("installed", ()),
        "KB2908415": ("missing", ("hyper-v", "failover-clustering")),
    }
    assert result.status is HostStatus.UNKNOWN
    assert result.reasons == (
        "roles unknown: the inventory does not list roles and no [[hosts]] group gives them, and 6 KB(s) for "
        "hosts with the failover-clustering or hyper-v role are missing: KB2779069 (failover-clustering), "
        "KB2894485 (hyper-v), KB2898774 (failover-clustering), KB2902014 (hyper-v), KB2903938 "
        "(failover-clustering), KB2908415 (hyper-v + failover-clustering); state the host's roles in a "
        "[[hosts]] group (roles = [...], [] for none) or collect with collector/collect-inventory.ps1, which "
        "reports them",)


def test_unknown_roles_with_every_role_specific_entry_covered_can_be_compliant():
    result = evaluate_host(seed(), host("HV09", *SEED_HOTFIXES, "KB2903938", roles=None),
                           Policy.at(date(2014, 1, 20)))
    assert (result.status, result.reasons) == (HostStatus.COMPLIANT, ())
    assert result.notes == ("roles unknown: the inventory format does not list them and no [[hosts]] group "
                            "gives them; role-specific KBs were checked as if every role applied",)


def test_stated_roles_without_hyper_v_leave_its_kbs_out():
    result = evaluate_host(seed(), host("CL09", *SEED_HOTFIXES, "KB2903938", roles=("failover-clustering",)),
                           Policy.at(date(2014, 1, 20)))
    assert sorted(f.kb for f in result.findings) == ["KB2779069", "KB2898774", "KB2903938", "KB2905412"]
    assert all(f.requires_roles == () for f in result.findings)


def test_file_time_stands_in_for_a_missing_collected_at():
    modified = datetime(2013, 12, 1, 8, 0, tzinfo=UTC)
    inventory = replace(host("HV01", *SEED_HOTFIXES, "KB2903938"), modified_at=modified)
    result = evaluate_host(seed(), inventory, Policy.at(date(2013, 12, 20)))
    assert (result.status, result.reasons) == (
        HostStatus.UNKNOWN, ("inventory file last modified 2013-12-01, older than max_inventory_age (7 days)",))
    what_if = evaluate_host(seed(), inventory, Policy.at(date(2013, 12, 5)))
    assert what_if.status is HostStatus.COMPLIANT  # a --at run of the file's own days still works


def test_collected_at_later_than_the_real_clock_is_an_error_for_that_host():
    clock = datetime(2014, 1, 2, 12, 0, tzinfo=UTC)
    ahead = host("HV01", *SEED_HOTFIXES, "KB2903938", collected_at=clock + timedelta(minutes=6))
    skewed = host("HV02", *SEED_HOTFIXES, "KB2903938", collected_at=clock + timedelta(minutes=4))
    policy = Policy(as_of=clock.date(), now=clock, clock=clock)
    assert [(r.status, r.reasons) for r in (evaluate_host(seed(), i, policy) for i in (ahead, skewed))] == [
        (HostStatus.UNKNOWN, ("collected_at 2014-01-02T12:06+00:00 is later than this machine's clock "
                              "(2014-01-02T12:00+00:00): the collecting host's clock or time zone is wrong, so "
                              "the inventory's age is unknown; fix the clock and collect again",)),
        (HostStatus.COMPLIANT, ()),
    ]


def test_incomplete_list_is_unknown_unless_nothing_applicable_is_missing():
    capped = replace(host("CL08", "KB2905412", os="ws2008r2", roles=("failover-clustering",)),
                     format="systeminfo", announced=273, listed=245)
    result = evaluate_host(seed(), capped, Policy.at(date(2014, 1, 20)))
    assert (result.status, result.reasons) == (HostStatus.UNKNOWN, (
        "systeminfo listed 245 of 273 hotfixes, so KB2779069 may be installed but unlisted; collect with wmic "
        "qfe, Get-HotFix or the collector (collect-inventory.ps1) and keep that file beside this one",))
    full = replace(capped, updates=(*capped.updates, InstalledUpdate("KB2779069")))
    assert evaluate_host(seed(), full, Policy.at(date(2014, 1, 20))).status is HostStatus.COMPLIANT


def test_rollup_with_unknown_release_date_is_never_deferred_and_says_so():
    catalogue = Catalogue([CatalogueEntry("KB300001", "rollup, date unknown", kind=Kind.UPDATE_ROLLUP,
                                          products=("ws2012",), sources=("t",))])
    result = evaluate_host(catalogue, host("H"), Policy.at(date(2013, 12, 20)))
    assert result.findings == (Finding("KB300001", Status.MISSING, Kind.UPDATE_ROLLUP, "rollup, date unknown",
                                       reason="release date of KB300001 unknown: not deferred"),)


def test_relation_cycle_covers_nothing_and_is_named():
    catalogue = Catalogue([
        CatalogueEntry("KB400001", "a", products=("ws2012",), supersedes=("KB400002",), sources=("list-a",)),
        CatalogueEntry("KB400002", "b", products=("ws2012",), supersedes=("KB400001",), sources=("list-b",)),
    ])
    result = evaluate_host(catalogue, host("H", "KB400002"), Policy.at(date(2014, 1, 1)))
    assert statuses(result.findings) == {"KB400001": ("missing", None, None),
                                         "KB400002": ("installed", None, None)}
    assert catalogue.warnings == (
        "relation cycle among KB400001, KB400002: KB400001 supersedes KB400002 (list-a); KB400002 supersedes "
        "KB400001 (list-b); these relations are not used, so none of these KBs covers another (fix or drop "
        "the source that states the wrong one)",)


def test_cycle_through_a_rollup_drops_every_edge_of_the_cycle_but_not_the_edges_into_it():
    """R includes A, A supersedes B, B supersedes R: a cycle of three across kinds of relation. C, which
    supersedes A from outside the cycle, still covers A; it does not cover B through the cycle."""
    catalogue = Catalogue([
        CatalogueEntry("KB500001", "R", kind=Kind.UPDATE_ROLLUP, products=("ws2012",), supersedes=(),
                       sources=("s",)),
        CatalogueEntry("KB500002", "A", products=("ws2012",), supersedes=("KB500003",), included_in=("KB500001",),
                       sources=("s",)),
        CatalogueEntry("KB500003", "B", products=("ws2012",), supersedes=("KB500001",), sources=("t",)),
        CatalogueEntry("KB500004", "C", products=("ws2012",), supersedes=("KB500002",), sources=("u",)),
    ])
    assert [c.kbs for c in catalogue.cycles] == [("KB500001", "KB500002", "KB500003")]
    result = evaluate_host(catalogue, host("H", "KB500004"), Policy.at(date(2014, 1, 1)))
    assert statuses(result.findings) == {"KB500001": ("missing", None, None),
                                         "KB500002": ("superseded", "KB500004", None),
                                         "KB500003": ("missing", None, None),
                                         "KB500004": ("installed", None, None)}


def test_cluster_difference_lists_nodes_with_and_without_a_kb():
    inventories = [host("HV01", *SEED_HOTFIXES, cluster="CLU1"),
                   host("HV02", *SEED_HOTFIXES[1:], cluster="CLU1"),
                   host("HV03", *SEED_HOTFIXES, cluster="CLU2")]
    report = evaluate_fleet(seed(), inventories, [], Policy.at(date(2013, 12, 20)), datetime.now(UTC))
    clu1, clu2 = report.clusters
    assert (clu1.name, clu1.nodes, clu1.consistent) == ("CLU1", ("HV01", "HV02"), False)
    assert [(d.kb, d.installed_on, d.missing_on) for d in clu1.differences] == [
        ("KB2779069", ("HV01",), ("HV02",))]
    assert (clu2.name, clu2.nodes, clu2.consistent, clu2.differences) == ("CLU2", ("HV03",), True, ())


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2014, 6, 1), "exemption HV05 KB2779069 matched no finding; remove it if it is no longer needed"),
    (date(2014, 7, 1), "exemption HV05 KB2779069 expired on 2014-06-30; remove it or extend until"),
])
def test_unused_and_expired_exemptions_are_warned(as_of: date, expected: str):
    exemption = Exemption("HV05", "KB2779069", date(2014, 6, 30), "case")
    report = evaluate_fleet(seed(), [host("HV01", *SEED_HOTFIXES)], [],
                            Policy.at(as_of, exemptions=(exemption,)), datetime.now(UTC))
    assert report.warnings == (expected,)


def test_unknown_roles_with_only_a_role_free_kb_missing_is_noncompliant_and_says_how_roles_were_taken():
    installed = [kb for kb in (*SEED_HOTFIXES, "KB2903938") if kb != "KB2905412"]
    result = evaluate_host(seed(), host("HV09", *installed, roles=None), Policy.at(date(2014, 1, 20)))
    assert (result.status, result.reasons) == (HostStatus.NONCOMPLIANT, ())
    assert [f.kb for f in result.findings if f.status is Status.MISSING] == ["KB2905412"]
    assert result.notes == ("roles unknown: the inventory format does not list them and no [[hosts]] group "
                            "gives them; role-specific KBs were checked as if every role applied",)


def test_what_the_reader_doubted_about_a_host_reaches_its_notes():
    doubted = replace(host("HV01", *SEED_HOTFIXES, "KB2903938"),
                      warnings=("host name taken from the file name hv01.txt: the file has no Host Name line",))
    result = evaluate_host(seed(), doubted, Policy.at(date(2014, 1, 20)))
    assert (result.status, result.notes) == (
        HostStatus.COMPLIANT, ("host name taken from the file name hv01.txt: the file has no Host Name line",))
