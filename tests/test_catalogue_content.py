"""What the shipped catalogue says, checked against its sources: every entry of every cited list, the
roles, products, kinds, release dates and relations those lists state, and a scan that uses them."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from scanner.catalogue import Catalogue
from scanner.cli import main
from scanner.embedded import load_embedded
from scanner.models import CatalogueEntry, Kind, Status
from tests.needs import require

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("KBSCAN_SHARED", "/work/shared")) / "fixtures" / "get-windowshotfixes" / "reijoh"
ENTRIES = {e.kb: e for e in load_embedded()[0]}

# The learn.microsoft.com lists as kbdata/README.md cites them (their "Related Knowledge Base article" column).
KB2784261 = {"KB3185280", "KB3062586", "KB3018489", "KB3048474", "KB3004098", "KB2916993", "KB2929869",
             "KB2913695", "KB2878635", "KB2894464", "KB2838043", "KB2803748", "KB2770917", "KB976424"}
KB2920151_ANY = {"KB4284815", "KB3137728", "KB3179574", "KB3172614", "KB3091057", "KB3013769", "KB3000850",
                 "KB2919355", "KB976424"}
KB2920151_HYPERV = {"KB3145384", "KB3063283"}
KB3135020 = {"KB3000850", "KB3095308", "KB3027108", "KB3049443", "KB3037313", "KB3050765", "KB3025091",
             "KB3018489", "KB3068444", "KB3046826", "KB3031598", "KB3060975", "KB3020717", "KB3044457",
             "KB3063283", "KB3036173", "KB3102354", "KB3092604", "KB3139896", "KB3141074", "KB3137691"}
KB2545685 = {"KB3033918", "KB2972254", "KB2871803", "KB2524478", "KB2559392", "KB2545850"}
SEED = {"KB2779069": {"failover-clustering"}, "KB2905412": set(), "KB2908415": {"hyper-v", "failover-clustering"},
        "KB2902014": {"hyper-v"}, "KB2894485": {"hyper-v"}, "KB2898774": {"failover-clustering"}}


def _list_ids(name: str) -> list[str]:
    path = FIXTURES / name
    require(path.exists(), f"{path} (the shared fixtures)")
    root = ET.parse(path).getroot()
    return [(u.get("Id") or u.get("id") or "").upper() for u in root.iter("Update")]


def _xml_rows(name: str) -> dict[str, tuple[str, str]]:
    """KB -> (title without the leading date, download URL) as the community list gives them."""
    require((FIXTURES / name).exists(), f"{FIXTURES / name} (the shared fixtures)")
    root = ET.parse(FIXTURES / name).getroot()
    return {(u.get("Id") or u.get("id") or "").upper():
            ((u.findtext("Description") or "").split(" ", 1)[1], (u.findtext("DownloadURL") or "").strip())
            for u in root.iter("Update")}


def _named_by(entry: CatalogueEntry) -> set[str]:
    """The sources that list the entry itself (give its title), not only a relation to it."""
    return set(entry.provenance.get("title", entry.sources)) | {s for s, _ in entry.stated.get("title", ())}


def _listed_by(source: str) -> set[str]:
    return {kb for kb, e in ENTRIES.items() if source in _named_by(e)}


def _intersection(groups: Iterable[set[str]]) -> set[str]:
    groups = list(groups)
    return set.intersection(*groups) if groups else set()


def test_every_entry_of_the_community_lists_is_in_the_catalogue():
    cluster, hyperv = _list_ids("UpdatesListCluster.xml"), _list_ids("UpdatesListHyperV.xml")
    assert (len(cluster), len(hyperv)) == (18, 54)
    assert _listed_by("reijoh-cluster") == set(cluster)
    assert _listed_by("reijoh-hyperv") == set(hyperv)


def test_every_entry_of_the_microsoft_lists_is_in_the_catalogue():
    assert _listed_by("kb2784261") == KB2784261
    assert _listed_by("kb2920151") == KB2920151_ANY | KB2920151_HYPERV
    assert _listed_by("kb3135020") == KB3135020
    assert _listed_by("kb2545685") == KB2545685
    assert _listed_by("seed-blog") == set(SEED)
    assert set(ENTRIES) == (set(_list_ids("UpdatesListCluster.xml")) | set(_list_ids("UpdatesListHyperV.xml"))
                            | KB2784261 | KB2920151_ANY | KB2920151_HYPERV | KB3135020 | KB2545685 | set(SEED))


def test_a_list_articles_own_number_is_never_an_entry():
    assert not {"KB2784261", "KB2920151", "KB2545685", "KB3135020", "KB980054"} & set(ENTRIES)


def test_roles_are_what_every_list_naming_the_kb_agrees_on():
    cluster, hyperv = set(_list_ids("UpdatesListCluster.xml")), set(_list_ids("UpdatesListHyperV.xml"))
    scopes: list[tuple[set[str], set[str]]] = [
        (cluster, {"failover-clustering"}), (hyperv, {"hyper-v"}), (KB2784261, {"failover-clustering"}),
        (KB2920151_ANY, {"failover-clustering"}), (KB2920151_HYPERV, {"hyper-v", "failover-clustering"}),
        (KB3135020, {"hyper-v"}), (KB2545685, {"failover-clustering"}),
        *((({kb}, roles) for kb, roles in SEED.items())),
    ]
    expected = {kb: _intersection(roles for kbs, roles in scopes if kb in kbs) for kb in ENTRIES}
    expected["KB2903938"] = {"failover-clustering"}  # on the cluster list only (the seed post names it as a remedy)
    assert {kb: set(e.roles) for kb, e in ENTRIES.items()} == expected
    assert ENTRIES["KB2838043"].roles == ()  # cluster list and Hyper-V list: any Windows Server 2012 host
    assert ENTRIES["KB3063283"].roles == ("hyper-v",)  # Hyper-V clusters section and the Hyper-V list


def test_products_hold_every_listing_lists_product():
    cluster, hyperv = set(_list_ids("UpdatesListCluster.xml")), set(_list_ids("UpdatesListHyperV.xml"))
    listing = [(cluster | hyperv | KB2784261, "ws2012"), (KB2920151_ANY | KB2920151_HYPERV | KB3135020, "ws2012r2"),
               (KB2545685, "ws2008r2")]
    for kbs, product in listing:
        for kb in kbs - {"KB976424"}:
            assert product in ENTRIES[kb].products, kb
    # every row of KB976424 says: for domain controllers running Windows Server 2008 SP2 or 2008 R2
    assert ENTRIES["KB976424"].products == ("ws2008", "ws2008r2")
    assert ENTRIES["KB976424"].roles == ("failover-clustering",)
    r2_lists = KB2920151_ANY | KB2920151_HYPERV | KB3135020
    assert {kb for kb, e in ENTRIES.items() if "ws2012r2" in e.products} == r2_lists - {"KB976424"}


def test_titles_downloads_and_kinds_are_the_lists_own():
    for name, source in (("UpdatesListHyperV.xml", "reijoh-hyperv"), ("UpdatesListCluster.xml", "reijoh-cluster")):
        for kb, (title, url) in _xml_rows(name).items():
            entry = ENTRIES[kb]
            assert url in entry.download and source in entry.provenance.get("download", entry.sources), kb
            if kb not in SEED:
                assert title in {entry.title, *(v for _, v in entry.stated.get("title", ()))}, kb
    for kb, e in ENTRIES.items():
        lowered = e.title.lower()
        if "update rollup" in lowered or "monthly rollup" in lowered:
            assert e.kind == Kind.UPDATE_ROLLUP, kb
        elif "cumulative update" in lowered:
            assert e.kind == Kind.CUMULATIVE_UPDATE, kb
    assert ENTRIES["KB2919355"].kind == Kind.CUMULATIVE_UPDATE  # "A cumulative update that includes ..."
    assert ENTRIES["KB4284815"].kind == Kind.UPDATE_ROLLUP  # "June 12, 2018-KB4284815 (Monthly Rollup)"


def test_release_dates_only_where_a_source_states_one():
    released = {kb: e.released for kb, e in ENTRIES.items() if e.released is not None}
    assert released == {"KB2898774": date(2013, 12, 10), "KB2903938": date(2013, 12, 10),
                        "KB4284815": date(2018, 6, 12)}
    assert ENTRIES["KB2903938"].provenance["released"] == ("kb2903938",)  # not the list's "2013-12-10" line
    assert ENTRIES["KB4284815"].sources == ("kb2920151",)  # the date in its title: "June 12, 2018-KB4284815"


def test_the_relations_the_sources_state():
    relations = {kb: (e.supersedes, e.included_in, e.standalone) for kb, e in ENTRIES.items()
                 if e.supersedes or e.included_in or not e.standalone}
    assert relations == {
        "KB2838043": ((), ("KB2889784",), True),  # "included in 2889784 (... update rollup: November 2013)"
        "KB2878635": (("KB2870270",), (), True),  # "replaces update 2870270"
        "KB2898774": ((), ("KB2903938",), False),  # "Includes KB2898774"; no package of its own
        "KB2908415": ((), ("KB2878635",), True),  # "this update includes update 2869923 and update 2908415"
    }
    assert ENTRIES["KB2908415"].provenance["included_in"] == ("reijoh-cluster", "kb2878635")
    # members that no list names stay notes on the package, never invented entries
    assert "includes KB2869923" in ENTRIES["KB2878635"].notes
    assert "includes KB2876391" in ENTRIES["KB2911101"].notes
    assert "KB2919355" in ENTRIES["KB3000850"].notes and "KB2919355" not in ENTRIES["KB3000850"].included_in


def test_kb2908415_is_covered_by_kb2878635():
    catalogue = Catalogue(ENTRIES.values())
    assert [(c.kb, c.status) for c in catalogue.covers("KB2908415")] == [("KB2878635", Status.INCLUDED)]


LUNS = "Clustered virtual machine cannot access LUNs over a Synthetic Fibre Channel after you perform live migration"


def test_sources_that_disagree_on_a_title_keep_their_values():
    assert {kb for kb, e in ENTRIES.items() if e.stated} == {"KB2838043", "KB2894032", "KB3018489",
                                                              "KB2779069", "KB2894485", "KB2902014"}
    for kb in ("KB2779069", "KB2894485", "KB2902014"):  # the seed posts' wording first, the list's kept too
        assert [s for s, _ in ENTRIES[kb].stated["title"]] == ["seed-blog", ENTRIES[kb].sources[1]]
        assert ENTRIES[kb].title == ENTRIES[kb].stated["title"][0][1]
    assert dict(ENTRIES["KB2894032"].stated)["title"] == (
        ("reijoh-cluster", f"{LUNS} on Windows Server 2012 or Windows Server 2012 R2-based Hyper-V hosts"),
        ("reijoh-hyperv", f"{LUNS} on Windows Server 2012-based Hyper-V hosts"),
    )


def _host(name: str, caption: str, version: str, updates: list[str]) -> dict[str, object]:
    return {"host": name, "os": {"caption": caption, "version": version}, "cluster": None,
            "collected_at": "2014-01-20T07:30:00Z",
            "updates": [{"kb": kb, "installed_on": "2014-01-15"} for kb in updates]}


def test_scan_without_refresh_covers_kb2908415_through_kb2878635_and_tells_a_2012_r2_host(tmp_path: Path):
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    (inventory / "HVC01.json").write_text(json.dumps(_host(
        "HVC01", "Microsoft Windows Server 2012 Datacenter", "6.2.9200", ["KB2878635"])), encoding="utf-8")
    (inventory / "HV12R2.json").write_text(json.dumps(_host(
        "HV12R2", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600", [])), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\nmax_inventory_age = "7 days"\n'
                      '[[hosts]]\nmatch = "HVC*"\nroles = ["hyper-v", "failover-clustering"]\ncluster = "CLU9"\n'
                      '[[hosts]]\nmatch = "HV12R2"\nroles = ["hyper-v"]\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "KBSCAN_CONFIG"}
    done = subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), "scan", str(inventory),
                           "--at", "2014-01-20", "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["catalogue"]["origin"] == "embedded" and report["errors"] == []
    hosts = {h["host"]: h for h in report["hosts"]}
    node = {f["kb"]: (f["status"], f["via"]) for f in hosts["HVC01"]["findings"]}
    assert node["KB2908415"] == ("included", "KB2878635")
    assert node["KB2878635"] == ("installed", None)
    assert hosts["HVC01"]["roles"] == ["hyper-v", "failover-clustering"]
    r2 = hosts["HV12R2"]
    assert (r2["os"], r2["status"]) == ("ws2012r2", "noncompliant")
    applicable = {kb for kb, e in ENTRIES.items() if "ws2012r2" in e.products and set(e.roles) <= {"hyper-v"}}
    assert {f["kb"] for f in r2["findings"]} == applicable
    assert applicable >= KB3135020 and "KB3137728" not in applicable  # cluster-only entries stay out
    assert {f["status"] for f in r2["findings"]} == {"missing"}


def test_catalogue_list_shows_every_entry_with_its_relations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KBSCAN_CONFIG", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\n', encoding="utf-8")  # fresh install: no database
    out = io.StringIO()
    assert main(["--config", str(config), "catalogue", "list"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["KB", "KIND", "RELEASED", "PRODUCTS", "ROLES", "RELATIONS", "TITLE"]
    assert lines[-1] == f"{len(ENTRIES)} entries (embedded catalogue)" and len(lines) == len(ENTRIES) + 2
    rows = {line.split()[0]: re.split(r" {2,}", line) for line in lines[1:-1]}
    assert rows["KB2878635"][5] == "replaces KB2870270; contains KB2908415"
    assert rows["KB2908415"][5] == "in KB2878635"
    assert rows["KB2898774"][5] == "only in KB2903938"
    assert rows["KB2903938"][5] == "contains KB2898774"
    assert rows["KB2905412"][5] == "-"
