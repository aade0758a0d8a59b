"""The real community XML lists (../shared/fixtures) import with their relations; skipped without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.merge import SourceEntries, merge
from scanner.models import Kind
from scanner.sources import SourceHints
from scanner.sources.xml_list import parse_xml_list
from tests.needs import needs
from tests.seed import seed_entries

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "get-windowshotfixes"
pytestmark = needs(SHARED.is_dir(), "../shared/fixtures beside the repo")


@pytest.mark.parametrize(("folder", "count"), [("reijoh", 18), ("it-praktyk", 13)])
def test_cluster_lists_give_rollup_inclusion_and_replacement(folder: str, count: int):
    parsed = parse_xml_list((SHARED / folder / "UpdatesListCluster.xml").read_bytes(), folder, SourceHints(folder))
    entries = {e.kb: e for e in parsed.entries}
    assert len(entries) == count
    assert ("KB2903938", "KB2898774") in parsed.includes
    assert ("KB2878635", "KB2908415") in parsed.includes and ("KB2878635", "KB2869923") in parsed.includes
    assert entries["KB2878635"].supersedes == ("KB2870270",)
    rollup = entries["KB2903938"]
    assert (rollup.kind, rollup.released, rollup.products, rollup.roles) == (
        Kind.UPDATE_ROLLUP, None, ("ws2012",), ("failover-clustering",))
    # a list date is when the line was added, not a release date, for a rollup as for a hotfix
    assert entries["KB2779069"].released is None and "listed 2013-12-12" in entries["KB2779069"].notes


def test_hyperv_list_with_duplicate_kb_and_id_attribute_variants():
    parsed = parse_xml_list((SHARED / "reijoh" / "UpdatesListHyperV.xml").read_bytes(), "r", SourceHints("r"))
    kbs = [e.kb for e in parsed.entries]
    assert len(kbs) == len(set(kbs)) == 54
    assert {"KB2902014", "KB2894485", "KB2894032"} <= set(kbs)


def test_imported_relations_reach_the_curated_entries():
    curated = seed_entries()
    parsed = parse_xml_list((SHARED / "reijoh" / "UpdatesListCluster.xml").read_bytes(), "r", SourceHints("imp"))
    merged = {e.kb: e for e in merge(curated, [SourceEntries("imp", parsed.entries, parsed.includes)])}
    assert merged["KB2908415"].included_in == ("KB2878635",)
    # curated already, and the import says it again: both are credited
    assert merged["KB2908415"].provenance["included_in"] == ("reijoh-cluster", "kb2878635", "imp")
    assert merged["KB2898774"].included_in == ("KB2903938",)
    assert merged["KB2779069"].products == ("ws2008r2", "ws2012")  # curated products kept


@pytest.mark.parametrize("folder", ["reijoh", "it-praktyk"])
def test_list_dates_that_are_not_release_dates_stay_notes(folder: str):
    """The real Hyper-V lists date the December 2012 cumulative update 2012-11-20, the GA rollup 2012-02-10
    (eight months before GA) and the July 2013 rollup three days after its release: none is a release date."""
    parsed = parse_xml_list((SHARED / folder / "UpdatesListHyperV.xml").read_bytes(), folder, SourceHints(folder))
    entries = {e.kb: e for e in parsed.entries}
    assert (entries["KB2779768"].kind, entries["KB2779768"].released) == (Kind.CUMULATIVE_UPDATE, None)
    assert "listed 2012-11-20" in entries["KB2779768"].notes
    assert (entries["KB2756872"].kind, entries["KB2756872"].released) == (Kind.UPDATE_ROLLUP, None)
    # "update rollup: July 2013" (released 2013-07-09) is listed 2013-07-12: a list date would end its
    # deferral three days late
    assert (entries["KB2855336"].kind, entries["KB2855336"].released) == (Kind.UPDATE_ROLLUP, None)
    assert "listed 2013-07-12" in entries["KB2855336"].notes
