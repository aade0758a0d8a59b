"""WES-NG definitions.zip as a source: products, kinds, dates, relations, skip counts, hostile zips, config,
and the store's round trip of the security facts. Real rows of the shared definitions (wesng_subset)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from scanner.config import WESNG_URL, parse_config
from scanner.errors import ConfigError, SourceError
from scanner.models import CatalogueEntry, Kind, SecurityFacts
from scanner.sources import SourceHints, parse_page, wesng
from scanner.sources.wesng import Skipped, parse_definitions
from scanner.sources.wesng_products import Product, product
from scanner.store.catalogue import entry_from_json, entry_to_json
from tests.sources.wesng_subset import HEADER, WS2012R2_MAY_2019, WS2019_CUS, build_zip, real_rows, zip_bytes

HINTS = SourceHints("wesng", "http://127.0.0.1/definitions.zip")
CU19 = ("win10-1809", "ws2019")
R2 = ("win81", "ws2012r2")
ARCH19 = "architectures: arm64, x64, x86"


@pytest.mark.parametrize(("name", "expected"), [
    ("Windows Server 2019", Product("ws2019")),
    ("Windows Server 2019 (Server Core installation)", Product("ws2019")),
    ("Windows Server 2016  ", Product("ws2016")),
    ("Windows Server 2012 R2 (server core installation)", Product("ws2012r2")),
    ("Windows Server 2012", Product("ws2012")),
    ("Windows Server 2025", Product("ws2025")),
    ("Windows Server 2008 R2 for x64-based Systems Service Pack 1 (Server Core installation)",
     Product("ws2008r2", "x64")),
    ("Windows Server 2008 R2 for Itanium-Based Systems Service Pack 1", Product("ws2008r2", "ia64")),
    ("Windows Server 2008 for 32-bit Systems Service Pack 2", Product("ws2008", "x86")),
    ("Windows 10 Version 1809 for x64-based Systems", Product("win10-1809", "x64")),
    ("Windows 10 Version 20H2 for ARM64-based Systems", Product("win10-20h2", "arm64")),
    ("Windows 10 for 32-bit Systems", Product("win10-1507", "x86")),
    ("Windows 11 version 21H2 for x64-based Systems", Product("win11-21h2", "x64")),
    ("Windows 11 Version 25H2 for ARM systems", Product("win11-25h2", "arm")),
    ("Windows 11 for x64-based Systems", Product("win11", "x64")),
    ("Windows 8.1 for x64-based systems", Product("win81", "x64")),
    ("Windows 7 for 32-bit Systems Service Pack 1", Product("win7", "x86")),
    ("Windows Vista x64 Edition Service Pack 2", Product("vista", "x64")),
    ("Internet Explorer 11 on Windows Server 2012 R2", Product("ws2012r2", None, "Internet Explorer 11")),
    ("Microsoft .NET Framework 4.8 on Windows 10 Version 1607 for x64-based Systems",
     Product("win10-1607", "x64", "Microsoft .NET Framework 4.8")),
    ("Windows Server, version 1903 (Server Core installation)", Product(None, skipped="channel")),
    ("Windows Server 2022, 23H2 Edition (Server Core installation)", Product(None, skipped="channel")),
    ("Windows 10 Version 1607 for HoloLens", Product(None, skipped="not-scanned")),
    ("Windows 11 Version 27H2 for x64-based Systems", Product(None, skipped="not-scanned")),
    ("Windows RT 8.1", Product(None, skipped="not-scanned")),
    ("Microsoft Windows Server 2003 Service Pack 2", Product(None, skipped="not-scanned")),
    ("Windows 10 HLK Version 22H2", Product(None, skipped="not-scanned")),
    ("Microsoft Office 2016 (64-bit edition)", Product(None, skipped="not-scanned")),
])
def test_affected_product_names_map_to_product_ids(name: str, expected: Product) -> None:
    assert product(name) == expected


def entry(kb: str, title: str, kind: Kind, released: date, products: tuple[str, ...], supersedes: tuple[str, ...],
          notes: str, security: SecurityFacts, included_in: tuple[str, ...] = ()) -> CatalogueEntry:
    said = {fact: ("wesng",) for fact, value in (("supersedes", supersedes), ("included_in", included_in)) if value}
    return CatalogueEntry(kb=kb, title=title, kind=kind, released=released, products=products,
                          supersedes=supersedes, included_in=included_in, sources=("wesng",), provenance=said,
                          notes=notes, security=security)


def test_real_rows_of_cumulative_updates_rollups_and_security_only_updates(tmp_path: Path) -> None:
    """January to April 2024 for Server 2019 (each supersedes the month before) and May 2019 for Server
    2012 R2: April's broad update, the May rollup that supersedes it, and May's security-only update (whose
    every vulnerability the rollup fixes too: included in it). The
    January update supersedes December's, which this file lacks, so it is not told from a security update;
    nor is April 2019's (its March predecessor is not in the file either)."""
    path = build_zip(tmp_path / "definitions.zip", WS2019_CUS + WS2012R2_MAY_2019)
    found = parse_definitions(path.read_bytes(), str(path), HINTS)
    ie = "architectures: x64, x86; for components: Internet Explorer 11"
    assert list(found.entries) == [
        entry("KB4493446", "2019-04 Security Update for Windows 8.1, Windows Server 2012 R2 (KB4493446)",
              Kind.SECURITY_UPDATE, date(2019, 4, 9), R2, ("KB4489881",), ie, SecurityFacts("Critical", 39, 9)),
        entry("KB4499151", "2019-05 Monthly Rollup for Windows 8.1, Windows Server 2012 R2 (KB4499151)",
              Kind.UPDATE_ROLLUP, date(2019, 5, 14), R2, ("KB4493446",), ie, SecurityFacts("Critical", 30, 2)),
        entry("KB4499165", "2019-05 Security Update for Windows 8.1, Windows Server 2012 R2 (KB4499165)",
              Kind.SECURITY_UPDATE, date(2019, 5, 14), R2, (), "architectures: x64, x86",
              SecurityFacts("Critical", 24, 2), included_in=("KB4499151",)),  # the rollup fixes all of it
        entry("KB5034127", "2024-01 Security Update for Windows 10 Version 1809, Windows Server 2019 (KB5034127)",
              Kind.SECURITY_UPDATE, date(2024, 1, 9), CU19, ("KB5033371",), ARCH19, SecurityFacts("Critical", 34, 1)),
        entry("KB5034768", "2024-02 Cumulative Update for Windows 10 Version 1809, Windows Server 2019 (KB5034768)",
              Kind.CUMULATIVE_UPDATE, date(2024, 2, 13), CU19, ("KB5034127",), ARCH19,
              SecurityFacts("Critical", 39, 1)),
        entry("KB5035849", "2024-03 Cumulative Update for Windows 10 Version 1809, Windows Server 2019 (KB5035849)",
              Kind.CUMULATIVE_UPDATE, date(2024, 3, 12), CU19, ("KB5034768",), ARCH19,
              SecurityFacts("Critical", 32, 0)),
        entry("KB5036896", "2024-04 Cumulative Update for Windows 10 Version 1809, Windows Server 2019 (KB5036896)",
              Kind.CUMULATIVE_UPDATE, date(2024, 4, 9), CU19, ("KB5035849",), ARCH19,
              SecurityFacts("Important", 76, 0)),
    ]
    by_kb, _, _ = real_rows()
    windows_rt = sum(" on Windows RT 8.1" in line or '"Windows RT 8.1"' in line for kb in WS2012R2_MAY_2019
                     for line in by_kb[kb])
    assert windows_rt == 134
    assert found.skipped == Skipped(rows=sum(len(by_kb[kb]) for kb in WS2019_CUS + WS2012R2_MAY_2019),
                                    not_scanned=windows_rt)
    assert found.version == "0.94"


def test_rows_without_a_kb_and_of_other_products_are_counted_and_skipped(tmp_path: Path) -> None:
    """Real rows: three with an empty BulletinKB, three "Information", three of a semi-annual Server release,
    three of Office; plus one Server 2019 row whose Supersedes holds junk next to a KB id."""
    by_kb, _, _ = real_rows()
    row = by_kb["5035849"][0].split('","')
    row[8] = '5034768;None;3118389<br><br>4022173'  # the junk WES-NG's own cells carry
    path = build_zip(tmp_path / "definitions.zip", ("5035849",), other=True, extra=('","'.join(row),))
    page = parse_page(path.read_bytes(), None, HINTS.url, HINTS)
    assert page.family == "wesng"
    assert [(e.kb, e.supersedes) for e in page.entries] == [("KB5035849", ("KB5034768",))]
    rows = len(by_kb["5035849"]) + 1 + 12
    assert page.summary == (f"{rows:,} rows -> 1 entries, skipped: 6 rows without a KB id, 3 of products kbscan "
                            "does not scan, 3 of semi-annual Windows Server releases, 2 supersedes ids that are no KB")


def test_custom_rows_give_service_packs_and_updates_and_skip_pseudo_ids(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "definitions.zip", (), custom=True)
    found = {e.kb: e for e in parse_definitions(path.read_bytes(), str(path), HINTS).entries}
    assert (found["KB976932"].kind, found["KB976932"].products, found["KB976932"].released) == (
        Kind.SERVICE_PACK, ("win7",), date(2011, 3, 15))
    assert (found["KB2919355"].kind, found["KB2919355"].products, found["KB2919355"].supersedes) == (
        Kind.UPDATE, ("win81",), ("KB2883200",))  # "2883200;SP81X64": the pseudo-id SP81X64 is skipped
    assert not [kb for kb in found if not kb.startswith("KB")]  # SP81X86, SPSRV8R2X64SP1: no entries
    assert found["KB4012598"].products == ("vista", "ws2008", "win8")  # MS17-010 for Windows XP: not scanned


def test_a_source_with_products_keeps_only_those(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "definitions.zip", ("5035849", "4499151"))
    found = parse_definitions(path.read_bytes(), str(path), SourceHints("wesng", products=("ws2019",)))
    assert [(e.kb, e.products) for e in found.entries] == [("KB5035849", ("ws2019",))]
    by_kb, _, _ = real_rows()
    windows_rt = sum("Windows RT 8.1" in line for line in by_kb["4499151"])  # no product at all: not scanned
    client = sum("Windows 10 Version 1809" in line for line in by_kb["5035849"])
    assert (windows_rt, client) == (56, 88)
    assert found.skipped == Skipped(rows=len(by_kb["4499151"]) + len(by_kb["5035849"]), not_scanned=windows_rt,
                                    not_configured=len(by_kb["4499151"]) - windows_rt + client)


@pytest.mark.parametrize(("files", "message"), [
    ({"Version_0.94.txt": "x"}, "no CVEs_<date>.csv inside"),
    ({"CVEs_20260628.csv": '"Date","KB"\n"20240312","5035849"\n'}, "unexpected header"),
])
def test_zips_that_are_not_definitions_are_refused_with_the_file_named(files: dict[str, str], message: str) -> None:
    with pytest.raises(SourceError, match=rf"^defs\.zip: .*{message}"):
        parse_definitions(zip_bytes(files), "defs.zip", HINTS)


def test_a_field_over_csvs_limit_is_refused_with_the_member_named() -> None:
    """csv's field limit is process-wide (the inventory readers raise it to 16 MB): the test sets it."""
    cell = "x" * 200_000
    body = zip_bytes({"CVEs_20260628.csv": f'{HEADER}\n"20240312","CVE-1","5035849","{cell}","W","C","I","I","",\n'})
    before = csv.field_size_limit(131_072)
    try:
        with pytest.raises(SourceError, match=r"^defs\.zip: CVEs_20260628\.csv: not WES-NG's CSV \("):
            parse_definitions(body, "defs.zip", HINTS)
    finally:
        csv.field_size_limit(before)


def test_a_truncated_zip_is_refused() -> None:
    body = zip_bytes({"CVEs_20260628.csv": HEADER + "\n" + "x" * 100_000})
    with pytest.raises(SourceError, match=r"defs\.zip: not a WES-NG definitions\.zip"):
        parse_definitions(body[:len(body) // 2], "defs.zip", HINTS)


def test_a_zip_that_unpacks_past_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wesng, "MAX_UNPACKED", 10_000)
    row = '"20240312","CVE-2024-1","5035849","T","Windows Server 2019","C","Important","I","",\n'
    body = zip_bytes({"CVEs_20260628.csv": HEADER + "\n" + row * 1000})  # 90 kB of CSV in a 1 kB zip
    with pytest.raises(SourceError, match=r"defs\.zip: unpacks to over 10,000 bytes of CSV; refused"):
        parse_definitions(body, "defs.zip", HINTS)


def test_security_facts_survive_the_store(tmp_path: Path) -> None:
    path = build_zip(tmp_path / "definitions.zip", ("5035849",))
    (original,) = parse_definitions(path.read_bytes(), str(path), HINTS).entries
    assert entry_from_json(entry_to_json(original)) == original
    plain = CatalogueEntry("KB2779069", "t", provenance=MappingProxyType({}))
    assert "security" not in entry_to_json(plain)
    assert entry_from_json(entry_to_json(plain)).security is None


def test_wesng_source_kind_defaults_its_url_and_unknown_kinds_are_refused() -> None:
    config = parse_config({"sources": [{"name": "wesng", "kind": "wesng", "products": ["ws2019"]}]},
                          Path("k.toml"))
    assert [(s.name, s.url, s.kind, s.products) for s in config.sources] == [
        ("wesng", WESNG_URL, "wesng", ("ws2019",))]
    page = parse_config({"sources": [{"name": "p", "url": "https://example.test/p"}]}, Path("k.toml"))
    assert page.sources[0].kind == "page"
    with pytest.raises(ConfigError, match=r"k\.toml: at 'sources\[0\]\.kind': unknown source kind 'msrc'"):
        parse_config({"sources": [{"name": "m", "kind": "msrc", "url": "https://x.test/"}]}, Path("k.toml"))
    with pytest.raises(ConfigError, match=r"at 'sources\[0\]\.url': every \[\[sources\]\] needs a name and a url"):
        parse_config({"sources": [{"name": "p"}]}, Path("k.toml"))


def rows(*cells: tuple[str, str, str, str]) -> str:
    """(KB, CVE, product, supersedes) -> CSV lines in WES-NG's columns."""
    return "".join(f'"20240312","{cve}","{kb}","T","{product}","C{i}","Important","I","{older}",\n'
                   for i, (kb, cve, product, older) in enumerate(cells))


def test_a_kb_whose_every_fix_another_kb_makes_is_included_in_it_without_cycles() -> None:
    """5000001 and 5000002 fix the same two CVEs (a hotpatch and a cumulative update); a later KB supersedes
    5000002 only, so 5000001 is included in 5000002 and not the other way round. 5000003 fixes CVE-1 only:
    included in all three others. 5000004 fixes CVE-1 on Server 2019 as well: included in none."""
    ws = "Windows Server 2022"
    text = HEADER + "\n" + rows(
        ("5000001", "CVE-2024-1", ws, ""), ("5000001", "CVE-2024-2", ws, ""),
        ("5000002", "CVE-2024-1", ws, ""), ("5000002", "CVE-2024-2", ws, ""),
        ("5000009", "CVE-2024-9", ws, "5000002"),
        ("5000003", "CVE-2024-1", ws, ""),
        ("5000004", "CVE-2024-1", ws, ""), ("5000004", "CVE-2024-1", "Windows Server 2019", ""),
        ("5000005", "CVE-2024-5", ws, ""), ("5000005", "CVE-2024-6", ws, ""),  # contains 5000006's fixes,
        ("5000006", "CVE-2024-5", ws, "5000005"),  # ... but 5000006 supersedes it: no inclusion, no cycle
        ("5000007", "CVE-2024-7", ws, "5000007"))  # a KB naming itself supersedes nothing
    found = parse_definitions(zip_bytes({"CVEs_20240312.csv": text}), "d.zip", HINTS)
    assert [(e.kb, e.included_in) for e in found.entries] == [
        ("KB5000001", ("KB5000002",)), ("KB5000002", ()), ("KB5000003", ("KB5000001", "KB5000002", "KB5000004")),
        ("KB5000004", ()), ("KB5000005", ()), ("KB5000006", ()), ("KB5000007", ()), ("KB5000009", ())]
    assert [(e.kb, e.supersedes) for e in found.entries if e.supersedes] == [
        ("KB5000006", ("KB5000005",)), ("KB5000009", ("KB5000002",))]


def test_a_wesng_source_refreshes_over_http_and_refuses_a_page_that_is_no_zip(tmp_path: Path,
                                                                               local_server: Any) -> None:
    from scanner.config import Config, HttpConfig, SourceConfig
    from scanner.pipeline import load_catalogue
    from scanner.refresh import refresh_catalogue

    body = build_zip(tmp_path / "definitions.zip", WS2019_CUS).read_bytes()
    good = local_server.page("/wesng/definitions.zip", body, headers={"Content-Type": "application/zip"})
    wiki = (Path(__file__).resolve().parents[1] / "data" / "pages" / "hyperv-2012-wiki.html").read_bytes()
    html = local_server.page("/wesng/moved.html", wiki)  # a page kbscan reads, but not what this source is
    config = Config(state_dir=tmp_path / "state", http=HttpConfig(retries=0, backoff=0.0),
                    sources=(SourceConfig("wesng", good, ("ws2019",), (), kind="wesng"),
                             SourceConfig("moved", html, (), (), kind="wesng")))
    result = refresh_catalogue(config)
    by_kb, _, _ = real_rows()
    rows = sum(len(by_kb[kb]) for kb in WS2019_CUS)
    clients = sum("Windows 10 Version 1809" in line for kb in WS2019_CUS for line in by_kb[kb])
    assert [(s.name, s.state, s.entries, s.message) for s in result.sources] == [
        ("wesng", "ok", 4, f"wesng: {rows:,} rows -> 4 entries, skipped: 0 rows without a KB id, 0 of products "
                           "kbscan does not scan, 0 of semi-annual Windows Server releases, 0 supersedes ids that "
                           f"are no KB, {clients:,} of products outside the source's products"),
        ("moved", "failed", 0, f'{html}: a kind = "wesng" source gave no zip archive (text/html), not WES-NG\'s '
                               "definitions.zip; check the url; nothing stored for this source yet")]
    catalogue = load_catalogue(config)
    assert [(e.kb, e.kind, e.products) for e in catalogue.for_product("ws2019")] == [
        ("KB5034127", Kind.SECURITY_UPDATE, ("ws2019",)), ("KB5034768", Kind.CUMULATIVE_UPDATE, ("ws2019",)),
        ("KB5035849", Kind.CUMULATIVE_UPDATE, ("ws2019",)), ("KB5036896", Kind.CUMULATIVE_UPDATE, ("ws2019",))]


def test_a_fix_of_a_component_on_windows_is_not_included_in_a_fix_of_another_component_or_of_windows() -> None:
    """Real shape (February 2021, Server 2016): the cumulative update KB4601318 fixes CVE-2021-24111 for
    ".NET Framework 3.5 AND 4.6.2/4.7/4.7.1/4.7.2 on Windows Server 2016", the .NET 4.8 update KB4601051
    fixes the same CVE for ".NET Framework 4.8 on Windows Server 2016". Both map to ws2016, but installing
    the cumulative update does not patch .NET 4.8: KB4601051 is included in nothing (it was taken as
    included in the cumulative update, and a Server 2016 host with .NET 4.8 came out covered)."""
    ws = "Windows Server 2016"
    net = "Microsoft .NET Framework 3.5 AND 4.6.2/4.7/4.7.1/4.7.2 on Windows Server 2016"
    net48 = "Microsoft .NET Framework 4.8 on Windows Server 2016"
    text = HEADER + "\n" + rows(
        ("4601318", "CVE-2021-24111", net, ""), ("4601318", "CVE-2021-1734", ws, ""),
        ("4601051", "CVE-2021-24111", net48, ""),
        ("4601052", "CVE-2021-24111", net, ""))  # the same component's fix: included in the CU, as before
    found = parse_definitions(zip_bytes({"CVEs_20210216.csv": text}), "d.zip", HINTS)
    assert [(e.kb, e.included_in) for e in found.entries] == [
        ("KB4601051", ()), ("KB4601052", ("KB4601318",)), ("KB4601318", ())]
