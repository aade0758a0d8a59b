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
             caption=WS2012, version="6.2.9200 N/A Build 9200", announced=4, listed=4),
        host("HV07", "fleet.txt", "systeminfo", ["KB976902", "KB2775511"], os="ws2008r2",
             caption="Microsoft Windows Server 2008 R2 Enterprise",
             version="6.1.7601 Service Pack 1 Build 7601", announced=3, listed=3),
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


def test_list_shorter_than_its_header_is_read_as_an_incomplete_host_not_refused() -> None:
    # A list cut by hand after [02]: both entries are whole lines, so both are KBs; 2 of 3 listed.
    assert parse_bytes(data("bad-systeminfo-truncated.txt"), "cut.txt") == [
        host("HV01", "cut.txt", "systeminfo", ["KB2779069", "KB2903938"], os="ws2012", caption=WS2012,
             version="6.2.9200 N/A Build 9200", announced=3, listed=2),
    ]
    assert parse_bytes(data("bad-systeminfo-truncated.txt"), "cut.txt")[0].incomplete


def test_missing_hotfix_section_is_an_error() -> None:
    with pytest.raises(InventoryReadError, match=r"^nohf\.txt: host HV01 has no hotfix section"):
        parse_bytes(data("bad-systeminfo-no-hotfixes.txt"), "nohf.txt")


def test_csv_row_cut_short_is_an_error() -> None:
    text = data("systeminfo-de.csv")
    with pytest.raises(InventoryReadError, match=r"^de\.csv: line 4 has \d+ fields where the header has 33"):
        parse_bytes(text[: text.rindex(b'","') + 1], "de.csv")


WS2008_CMD = "Microsoftr Windows Serverr 2008 Enterprise"  # `Microsoft® Windows Server® 2008` as cmd prints it


def test_fleet_joined_from_a_known_and_an_unknown_language_gives_both_hosts() -> None:
    assert parse_bytes(data("systeminfo-mixed-de-it.txt"), "f.txt") == [
        host("HV40", "f.txt", "systeminfo", ["KB2779069", "KB2903938"], os="ws2012", caption=WS2012,
             version="6.2.9200 Nicht zutreffend Build 9200"),
        host("HV41", "f.txt", "systeminfo", ["KB2919355", "KB2919442", "KB2999226"], os="ws2012r2",
             caption=WS2012R2, version="6.3.9600 N/D build 9600"),
    ]


def test_fleet_of_three_languages_without_labels_gives_every_host_even_one_listing_only_file_1() -> None:
    assert parse_bytes(data("systeminfo-mixed-it-pl-ja-utf8.txt"), "f.txt") == [
        host("HV42", "f.txt", "systeminfo", ["KB2919355", "KB2919442", "KB2999226"], os="ws2012r2",
             caption=WS2012R2, version="6.3.9600 N/D build 9600"),
        host("HV43", "f.txt", "systeminfo", ["KB2919355", "KB3000850"], os="ws2012r2",
             caption="Microsoft Windows Server 2012 R2 Standard", version="6.3.9600 Nie dotyczy Kompilacja 9600"),
        host("HV44", "f.txt", "systeminfo", [], os="ws2016", caption="Microsoft Windows Server 2016 Datacenter",
             version="10.0.14393 N/A ビルド 14393", announced=1, listed=1,
             warnings=("its 1 hotfix entries hold no KB id (such as 'File 1')",)),
    ]


def test_hosts_whose_start_cannot_be_found_are_an_error_not_a_dropped_host() -> None:
    # HV43's caption made unrecognisable: its output would run on inside HV42's.
    raw = data("systeminfo-mixed-it-pl-ja-utf8.txt").replace(
        b"Microsoft Windows Server 2012 R2 Standard", b"Windows Server 2012 R2 Standard")
    with pytest.raises(InventoryReadError, match=r"^f\.txt: the output of host HV42 holds 2 hotfix lists"):
        parse_bytes(raw, "f.txt")


def test_a_file_that_starts_inside_a_host_output_is_an_error() -> None:
    raw = data("systeminfo-fleet.txt")
    cut = raw[raw.index(b"OS Manufacturer:"):]  # the first host's name, caption and version lost
    with pytest.raises(InventoryReadError, match=r"^f\.txt: the file starts inside a host's output"):
        parse_bytes(cut, "f.txt")


def test_russian_cp866_ws2008_caption_as_cmd_prints_it() -> None:
    assert parse_bytes(data("systeminfo-ru-cp866-ws2008.txt"), "ru.txt") == [
        host("HV45", "ru.txt", "systeminfo", ["KB2779069", "KB2905412"], os="ws2008", caption=WS2008_CMD,
             version="6.0.6002 Service Pack 2 построение 6002"),
    ]


@pytest.mark.parametrize(("name", "fmt"), [("systeminfo-pl-cp852-ws2008.txt", "systeminfo"),
                                           ("systeminfo-pl-cp852-ws2008.csv", "systeminfo-csv")])
def test_polish_cp852_ws2008_reads_caption_and_polish_host_name(name: str, fmt: str) -> None:
    assert parse_bytes(data(name), name) == [
        host("ŁÓDŹ-HV01", name, fmt, ["KB2919355", "KB3000850"], os="ws2008", caption=WS2008_CMD,
             version="6.0.6002 Service Pack 2 Kompilacja 6002"),
    ]


def test_cyrillic_host_name_in_cp866_reads_as_cyrillic() -> None:
    assert parse_bytes(data("systeminfo-ru-cp866-cyrillic-host.txt"), "ru.txt") == [
        host("СЕРВЕР-ХВ1", "ru.txt", "systeminfo", ["KB2919355", "KB3000850"], os="ws2012r2",
             caption=WS2012R2, version="6.3.9600 Н/Д построение 9600"),
    ]


def test_english_output_on_a_russian_system_locale_reads_the_cyrillic_host_name() -> None:
    assert parse_bytes(data("systeminfo-en-ru-locale-cp866.txt"), "en.txt") == [
        host("СЕРВЕР-ХВ2", "en.txt", "systeminfo", ["KB2919355"], os="ws2012r2", caption=WS2012R2,
             version="6.3.9600 N/A Build 9600"),
    ]


def test_japanese_cmd_output_decodes_as_cp932_from_its_locale() -> None:
    assert parse_bytes(data("systeminfo-ja-cp932.txt"), "ja.txt") == [
        host("HV46", "ja.txt", "systeminfo", ["KB3192137"], os="ws2016",
             caption="Microsoft Windows Server 2016 Datacenter", version="10.0.14393 N/A ビルド 14393"),
    ]


def test_azure_stack_hci_21h2_is_the_ws2022_family_not_a_client() -> None:
    assert parse_bytes(data("systeminfo-en-azshci.txt"), "hci.txt") == [
        host("HV47", "hci.txt", "systeminfo", ["KB5005039", "KB5007205"], os="ws2022",
             caption="Microsoft Azure Stack HCI", version="10.0.20348 N/A Build 20348"),
    ]


def test_russian_paste_shortened_to_its_four_lines_is_read_by_its_cyrillic_caption() -> None:
    # A writeup keeps only the lines that matter; no value says "Microsoft" in Latin letters.
    text = ("Имя узла:                         SRV-1C\r\n"
            "Название ОС:                      Майкрософт Windows Server 2012 R2 Standard\r\n"
            "Версия ОС:                        6.3.9600 Н/Д построение 9600\r\n"
            "Исправление(я):                   Число установленных исправлений - 2.\r\n"
            "                                  [01]: KB2919355\r\n"
            "                                  [02]: KB2919442\r\n")
    for encoding in ("cp866", "utf-8"):
        assert parse_bytes(text.encode(encoding), "ru.txt") == [
            host("SRV-1C", "ru.txt", "systeminfo", ["KB2919355", "KB2919442"], os="ws2012r2",
                 caption="Майкрософт Windows Server 2012 R2 Standard", version="6.3.9600 Н/Д построение 9600"),
        ]
