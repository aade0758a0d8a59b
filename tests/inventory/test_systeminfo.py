"""systeminfo list and CSV output in every language and encoding the real tool writes."""

from __future__ import annotations

import pytest

from scanner.errors import InventoryReadError
from scanner.inventory import parse_bytes

from .helpers import data, host

WS2012 = "Microsoft Windows Server 2012 Datacenter"
WS2012R2 = "Microsoft Windows Server 2012 R2 Datacenter"


def test_english_cp437_host_reads_os_and_hotfixes_not_processor_or_nic_entries() -> None:
    assert parse_bytes(data("systeminfo-en.txt"), "systeminfo-en.txt") == [
        host("HV01", "systeminfo-en.txt", "systeminfo", ["KB2779069", "KB2903938", "KB2908415"],
             os="ws2012", caption=WS2012, version="6.2.9200 N/A Build 9200"),
    ]


@pytest.mark.parametrize("name", ["systeminfo-en-ps5.txt", "systeminfo-en-utf16be.txt",
                                  "systeminfo-en-utf8bom-lf.txt"])
def test_same_output_in_utf16le_utf16be_and_utf8_bom_lf_reads_the_same(name: str) -> None:
    assert parse_bytes(data(name), name) == [
        host("HV02", name, "systeminfo", ["KB2919355", "KB2919442"],
             os="ws2012r2", caption=WS2012R2, version="6.3.9600 N/A Build 9600"),
    ]


def test_utf16le_without_bom_is_recognised_by_its_nul_pattern() -> None:
    raw = data("systeminfo-en-ps5.txt")[2:]
    assert [h.host for h in parse_bytes(raw, "nobom.txt")] == ["HV02"]


def test_german_cp850() -> None:
    assert parse_bytes(data("systeminfo-de.txt"), "de.txt") == [
        host("HV03", "de.txt", "systeminfo", ["KB2779069", "KB2894485", "KB2902014", "KB2903938"],
             os="ws2012", caption=WS2012, version="6.2.9200 Nicht zutreffend Build 9200"),
    ]


def test_french_cp850_2008r2_service_pack_version() -> None:
    assert parse_bytes(data("systeminfo-fr.txt"), "fr.txt") == [
        host("HV04", "fr.txt", "systeminfo", ["KB976902", "KB2779069", "KB2905412"], os="ws2008r2",
             caption="Microsoft Windows Server 2008 R2 Enterprise",
             version="6.1.7601 Service Pack 1 version 7601"),
    ]


def test_spanish_cp850_accented_version_decodes() -> None:
    assert parse_bytes(data("systeminfo-es.txt"), "es.txt") == [
        host("HV05", "es.txt", "systeminfo", ["KB2779069", "KB2898774"], os="ws2012",
             caption="Microsoft Windows Server 2012 Standard", version="6.2.9200 N/D compilación 9200"),
    ]


def test_unseen_italian_still_gives_host_os_and_kbs() -> None:
    assert parse_bytes(data("systeminfo-it-unseen.txt"), "it.txt") == [
        host("HV08", "it.txt", "systeminfo", ["KB2919355", "KB2919442", "KB2999226"], os="ws2012r2",
             caption=WS2012R2, version="6.3.9600 N/D build 9600"),
    ]


def test_unseen_polish_in_cp852_still_gives_host_os_and_kbs() -> None:
    assert parse_bytes(data("systeminfo-pl-unseen.txt"), "pl.txt") == [
        host("HV09", "pl.txt", "systeminfo", ["KB2919355", "KB3000850"], os="ws2012r2",
             caption="Microsoft Windows Server 2012 R2 Standard",
             version="6.3.9600 Nie dotyczy Kompilacja 9600"),
    ]


def test_fleet_file_splits_hosts_skips_non_kb_entries_and_dedupes() -> None:
    assert parse_bytes(data("systeminfo-fleet.txt"), "fleet.txt") == [
        host("HV06", "fleet.txt", "systeminfo", ["KB2779069", "KB2894485"], os="ws2012",
             caption=WS2012, version="6.2.9200 N/A Build 9200"),
        host("HV07", "fleet.txt", "systeminfo", ["KB976902", "KB2775511"], os="ws2008r2",
             caption="Microsoft Windows Server 2008 R2 Enterprise",
             version="6.1.7601 Service Pack 1 Build 7601"),
        host("HV10", "fleet.txt", "systeminfo", [], os="ws2012r2",
             caption="Microsoft Hyper-V Server 2012 R2", version="6.3.9600 N/A Build 9600"),
    ]


def test_csv_with_repeated_german_header_rows() -> None:
    version = "6.2.9200 Nicht zutreffend Build 9200"
    assert parse_bytes(data("systeminfo-de.csv"), "de.csv") == [
        host("HV03", "de.csv", "systeminfo-csv", ["KB2779069", "KB2903938"], os="ws2012",
             caption=WS2012, version=version),
        host("HV11", "de.csv", "systeminfo-csv", ["KB2894485"], os="ws2012", caption=WS2012,
             version=version),
    ]


def test_csv_without_header_finds_columns_by_content() -> None:
    assert parse_bytes(data("systeminfo-en-nh.csv"), "nh.csv") == [
        host("HV01", "nh.csv", "systeminfo-csv", ["KB2779069", "KB2903938", "KB2908415"],
             os="ws2012", caption=WS2012, version="6.2.9200 N/A Build 9200"),
    ]


def test_truncated_hotfix_list_is_an_error_naming_host_and_counts() -> None:
    with pytest.raises(InventoryReadError) as caught:
        parse_bytes(data("bad-systeminfo-truncated.txt"), "cut.txt")
    message = str(caught.value)
    assert message.startswith("cut.txt: host HV01 lists 2 of the 3 hotfixes")
    assert "truncated" in message


def test_missing_hotfix_section_is_an_error() -> None:
    with pytest.raises(InventoryReadError, match=r"^nohf\.txt: host HV01 has no hotfix section"):
        parse_bytes(data("bad-systeminfo-no-hotfixes.txt"), "nohf.txt")


def test_csv_row_cut_short_is_an_error() -> None:
    text = data("systeminfo-de.csv")
    with pytest.raises(InventoryReadError, match=r"^de\.csv: line 4 has \d+ fields where the header has 33"):
        parse_bytes(text[: text.rindex(b'","') + 1], "de.csv")
