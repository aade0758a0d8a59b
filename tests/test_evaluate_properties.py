"""cluster_results' shortcut gives exactly the differences of the plain rule, on random catalogues.

The verdicts themselves are checked against an independent reference in test_reference_model.py."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.catalogue import Catalogue
from scanner.evaluate import COVERED, Evaluator, Policy, cluster_results
from scanner.models import (
    CatalogueEntry,
    ClusterDifference,
    HostInventory,
    HostResult,
    InstalledUpdate,
    Kind,
    Status,
)

KBS = [f"KB{500000 + i}" for i in range(12)]
kb = st.sampled_from(KBS)


@st.composite
def entries(draw: st.DrawFn) -> list[CatalogueEntry]:
    result = []
    for name in draw(st.lists(kb, min_size=1, max_size=10, unique=True)):
        included = tuple(draw(st.lists(kb, max_size=2, unique=True)))
        result.append(CatalogueEntry(
            kb=name, title=name, kind=draw(st.sampled_from(list(Kind))),
            released=draw(st.none() | st.dates(date(2013, 10, 1), date(2014, 3, 1))),
            products=("ws2012",), roles=tuple(draw(st.lists(st.sampled_from(["hyper-v", "failover-clustering"]),
                                                            max_size=1))),
            supersedes=tuple(draw(st.lists(kb, max_size=2, unique=True))), included_in=included,
            standalone=draw(st.booleans()) or not included, sources=("t",)))
    return result


def _plain_cluster_differences(nodes: list[HostResult]) -> tuple[ClusterDifference, ...]:
    """Every finding of every node: the statement cluster_results' shortcut must agree with."""
    by_kb: dict[str, tuple[list[str], list[str]]] = {}
    for node in sorted(nodes, key=lambda n: n.host):
        for finding in node.findings:
            have, lack = by_kb.setdefault(finding.kb, ([], []))
            if finding.status in COVERED:
                have.append(node.host)
            elif finding.status in (Status.MISSING, Status.DEFERRED):
                lack.append(node.host)
    return tuple(ClusterDifference(k, tuple(h), tuple(m))
                 for k, (h, m) in sorted(by_kb.items(), key=lambda item: int(item[0][2:])) if h and m)


@settings(max_examples=200, deadline=None)
@given(entries(), st.lists(st.tuples(st.frozensets(kb, max_size=6),
                                     st.frozensets(st.sampled_from(["hyper-v", "failover-clustering"]))),
                           min_size=1, max_size=4))
def test_cluster_differences_match_the_plain_rules(catalogue_entries: list[CatalogueEntry],
                                                   nodes: list[tuple[frozenset[str], frozenset[str]]]):
    catalogue = Catalogue(catalogue_entries)
    evaluator = Evaluator(catalogue, Policy.at(date(2013, 12, 20)))
    results = [evaluator.host(HostInventory(f"HV{i:02d}", f"{i}.json", "kbscan-json",
                                            tuple(InstalledUpdate(k) for k in sorted(installed)),
                                            os="ws2012", roles=tuple(sorted(roles)), cluster="CLU1"))
               for i, (installed, roles) in enumerate(nodes)]
    (cluster,) = cluster_results(results)
    assert cluster.differences == _plain_cluster_differences(results)
