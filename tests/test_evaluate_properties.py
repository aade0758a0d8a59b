"""Evaluator's precomputed plans give exactly the findings of the plain rules, on random catalogues."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.catalogue import Catalogue
from scanner.config import Exemption
from scanner.evaluate import Evaluator, Policy, finding_for
from scanner.models import CatalogueEntry, Kind

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


@settings(max_examples=300, deadline=None)
@given(entries(), st.frozensets(kb, max_size=6), st.dates(date(2013, 11, 1), date(2014, 4, 1)),
       st.lists(st.tuples(st.sampled_from(["HV01", "HV*", "CL*"]), kb, st.dates(date(2013, 11, 1), date(2014, 4, 1))),
                max_size=3),
       st.frozensets(st.sampled_from(["hyper-v", "failover-clustering"])))
def test_evaluator_matches_the_plain_rules(catalogue_entries: list[CatalogueEntry], installed: frozenset[str],
                                           as_of: date, exemptions: list[tuple[str, str, date]],
                                           roles: frozenset[str]):
    catalogue = Catalogue(catalogue_entries)
    policy = Policy.at(as_of, exemptions=tuple(Exemption(h, k, u, "r") for h, k, u in exemptions))
    expected = tuple(finding_for(e, "HV01", installed, catalogue, policy)
                     for e in catalogue.for_product("ws2012") if e.applies_to("ws2012", roles))
    assert Evaluator(catalogue, policy).findings("HV01", "ws2012", roles, installed) == expected
