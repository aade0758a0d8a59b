"""Hosts at one patch level share one evaluation (_Plan.findings): the same answer as evaluating each
alone, exemptions still per host, and covers deeper than the plan is long still found."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from scanner import evaluate
from scanner.catalogue import Catalogue
from scanner.config import Exemption
from scanner.evaluate import Evaluator, Policy
from scanner.models import CatalogueEntry, HostInventory, HostStatus, InstalledUpdate, Status, Tally

AS_OF = date(2013, 12, 20)


def host(name: str, *kbs: str) -> HostInventory:
    return HostInventory(name, f"{name}.json", "kbscan-json", tuple(InstalledUpdate(kb) for kb in kbs),
                         os="ws2012", roles=())


def test_a_cover_further_away_than_the_plan_has_entries_still_covers():
    # KB1000004 <- KB1000003 (no product: not in the plan) <- KB1000001: the plan has two entries, the
    # installed KB is the third cover of KB1000004 (found by the reference model)
    catalogue = Catalogue([
        CatalogueEntry("KB1000004", "a", products=("ws2012",), included_in=("KB1000002", "KB1000003")),
        CatalogueEntry("KB1000001", "b", products=("ws2012",)),
        CatalogueEntry("KB1000002", "c", products=("win8",)),
        CatalogueEntry("KB1000003", "d", included_in=("KB1000001",)),
    ])
    result = Evaluator(catalogue, Policy.at(AS_OF)).host(host("HV01", "KB1000001"))
    assert [(f.kb, f.status, f.via) for f in result.findings] == [
        ("KB1000001", Status.INSTALLED, None), ("KB1000004", Status.INCLUDED, "KB1000001")]


CHAIN = [CatalogueEntry(f"KB30000{i:02d}", f"fix {i}", products=("ws2012",),
                        supersedes=(f"KB30000{i - 1:02d}",) if i else ()) for i in range(12)]


def test_hosts_with_the_same_kbs_share_findings_and_an_exemption_stays_with_its_host():
    exemption = Exemption("HV02", "KB3000011", date(2014, 6, 30), "vendor case")
    evaluator = Evaluator(Catalogue(CHAIN), Policy.at(AS_OF, exemptions=(exemption,)))
    one, two, three = (evaluator.host(host(name, "KB3000003", "KB9999999")) for name in ("HV01", "HV02", "HV03"))
    assert one.findings is three.findings  # one evaluation, kept by the plan
    assert [f.status for f in two.findings if f.kb == "KB3000011"] == [Status.EXEMPT]
    assert [f.status for f in one.findings if f.kb == "KB3000011"] == [Status.MISSING]
    assert [f for f in one.findings if f.kb != "KB3000011"] == [f for f in two.findings if f.kb != "KB3000011"]


def test_past_its_memory_the_plan_evaluates_again_with_the_same_answers(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(evaluate, "REMEMBERED", 3)
    catalogue, policy = Catalogue(CHAIN), Policy.at(AS_OF)
    shared = Evaluator(catalogue, policy)
    hosts = [host(f"HV{i:02d}", *(e.kb for e in CHAIN[i % 7: i % 5 + 1])) for i in range(40)]
    for inventory in hosts:
        assert shared.host(inventory).findings == Evaluator(catalogue, policy).host(inventory).findings
    plan = next(iter(shared._plans.values()))
    assert len(plan.done) <= 3


def test_the_tally_evaluate_gives_is_the_one_the_findings_make():
    exemption = Exemption("HV02", "KB3000011", date(2014, 6, 30), "vendor case")
    evaluator = Evaluator(Catalogue(CHAIN), Policy.at(AS_OF, exemptions=(exemption,)))
    for name, kbs in (("HV01", ("KB3000003",)), ("HV02", ("KB3000003",)), ("HV03", ()), ("HV04", ("KB3000011",))):
        result = evaluator.host(host(name, *kbs))
        assert result.tally == Tally.of(result.findings)
        assert replace(result, findings=()).tallied() == Tally.of(())  # replace never carries a tally over


def test_a_remedied_result_keeps_its_tally_and_findings():
    result = Evaluator(Catalogue(CHAIN), Policy.at(AS_OF)).host(host("HV01", "KB3000003"))
    remedied = result.remedied(())
    assert remedied.tally is result.tally and remedied.findings is result.findings


@pytest.mark.parametrize("version", ["10.0.19046", None])
def test_a_windows_10_host_of_unknown_version_is_unknown_where_entries_name_versions(version: str | None):
    # WES-NG lists Windows 10 entries per version; a host known only as `win10` (a build kbscan does not know,
    # or no version) would have none applicable and read as compliant (found in review)
    catalogue = Catalogue([CatalogueEntry("KB5000001", "22H2 fix", products=("win10-22h2",))])
    evaluator = Evaluator(catalogue, Policy.at(AS_OF))
    known = HostInventory("PC1", "pc1.json", "kbscan-json", (), os="win10-22h2", roles=())
    assert evaluator.host(known).status is HostStatus.NONCOMPLIANT
    vague = HostInventory("PC2", "pc2.json", "kbscan-json", (), os="win10", os_version=version, roles=())
    result = evaluator.host(vague)
    assert result.status is HostStatus.UNKNOWN
    assert "version of win10 unknown" in result.reasons[0] and "win10-22h2" in result.reasons[0]
    # a family with no versioned entries keeps its verdict (the seed's ws2012 hosts never hit this)
    plain = Evaluator(Catalogue([CatalogueEntry("KB5000002", "fix", products=("win10",))]), Policy.at(AS_OF))
    assert plain.host(vague).status is HostStatus.NONCOMPLIANT
