"""wmic qfe (csv, table, list) and Get-HotFix (Export-Csv, ConvertTo-Json, default table) readers."""

from __future__ import annotations

from datetime import date

import pytest

from scanner.errors import InventoryReadError
from scanner.inventory import parse_bytes

from .helpers import data, host

DEC11, DEC15, DEC17 = date(2013, 12, 11), date(2013, 12, 15), date(2013, 12, 17)
HV14 = [("KB2779069", DEC11), ("KB2883200", DEC15), ("KB2903938", DEC17)]  # KB2883200: hex FILETIME
HV15 = [("KB2779069", DEC11), ("KB2905412", None)]


def test_wmic_csv_utf16_with_blank_first_line_node_column_and_filetime() -> None:
    assert parse_bytes(data("wmic-full.csv"), "w.csv") == [
        host("HV14", "w.csv", "wmic-csv", HV14), host("HV15", "w.csv", "wmic-csv", HV15),
    ]


def test_wmic_table_fixed_width_columns() -> None:
    assert parse_bytes(data("wmic-table.txt"), "w.txt") == [host("HV14", "w.txt", "wmic-table", HV14)]


def test_wmic_list_full_key_value_blocks() -> None:
    assert parse_bytes(data("wmic-list.txt"), "w.txt") == [host("HV15", "w.txt", "wmic-list", HV15)]


def test_get_hotfix_csv_with_type_line_splits_hosts_and_skips_q_numbers() -> None:
    assert parse_bytes(data("hotfix-ps5.csv"), "h.csv") == [
        host("HV23", "h.csv", "hotfix-csv", [("KB2779069", DEC11), ("KB2903938", DEC17)]),
        host("HV24", "h.csv", "hotfix-csv", [("KB2779069", date(2013, 12, 12))]),
    ]


def test_get_hotfix_csv_semicolon_utf8_bom_german_dates() -> None:
    assert parse_bytes(data("hotfix-de-useculture.csv"), "h.csv") == [
        host("HV25", "h.csv", "hotfix-csv", [("KB2779069", DEC11), ("KB2908415", None)]),
    ]


def test_a_day_over_12_makes_the_whole_csv_day_first() -> None:
    assert parse_bytes(data("hotfix-en-gb.csv"), "h.csv") == [
        host("HV26", "h.csv", "hotfix-csv", [("KB2779069", date(2013, 12, 1)), ("KB2903938", DEC17)]),
    ]


@pytest.mark.parametrize(("day_first", "expected"), [(None, date(2013, 1, 12)), (False, date(2013, 1, 12)),
                                                     (True, date(2013, 12, 1))])
def test_caller_day_first_decides_only_ambiguous_files(day_first: bool | None, expected: date) -> None:
    text = b'"CSName","HotFixID","InstalledOn"\r\n"HV40","KB2779069","01/12/2013"\r\n'
    assert parse_bytes(text, "h.csv", day_first=day_first)[0].updates[0].installed_on == expected


def test_get_hotfix_default_table_output() -> None:
    assert parse_bytes(data("hotfix-table.txt"), "t.txt") == [
        host("HV27", "t.txt", "hotfix-table", [("KB2779069", DEC11), ("KB2883200", None),
                                               ("KB2903938", DEC17)]),
    ]


def test_ps5_json_date_objects_give_the_local_install_date() -> None:
    # HV19 is at UTC+1: /Date(1386716400000)/ is 2013-12-10T23:00Z, local midnight of Dec 11.
    assert parse_bytes(data("hotfix-ps5.json"), "h.json") == [
        host("HV19", "h.json", "hotfix-json", [("KB2779069", DEC11), ("KB2883200", None),
                                               ("KB2903938", date(2013, 12, 18))]),
    ]


def test_single_hotfix_bare_object() -> None:
    assert parse_bytes(data("hotfix-single.json"), "h.json") == [
        host("HV20", "h.json", "hotfix-json", [("KB2905412", DEC11)]),
    ]


def test_ps7_json_iso_dates_split_by_csname() -> None:
    assert parse_bytes(data("hotfix-ps7.json"), "h.json") == [
        host("HV21", "h.json", "hotfix-json", [("KB2919355", date(2014, 4, 9)), ("KB2919442", None)]),
        host("HV22", "h.json", "hotfix-json", [("KB2919355", date(2014, 4, 10))]),
    ]


def test_powershell_value_count_wrapper_is_unwrapped() -> None:
    text = b'{"value": [{"HotFixID": "KB2779069", "CSName": "HV41", "InstalledOn": null}], "Count": 1}'
    assert parse_bytes(text, "h.json") == [host("HV41", "h.json", "hotfix-json", ["KB2779069"])]


def test_host_falls_back_to_the_file_name_when_the_format_has_none() -> None:
    text = b'"HotFixID","InstalledOn"\r\n"KB2779069","12/11/2013"\r\n'
    assert parse_bytes(text, "/srv/inv/hv42.contoso.local.csv") == [
        host("HV42", "/srv/inv/hv42.contoso.local.csv", "hotfix-csv", [("KB2779069", DEC11)]),
    ]


@pytest.mark.parametrize(("name", "reason"), [
    ("bad-truncated.csv", r"line 6 has 1 fields where the header has 17"),
    ("bad-unclosed-quote.csv", r"line 6: unexpected end of data"),
    ("bad-no-kb-column.csv", r"no HotFixID column .*the header has Source, Description, InstalledOn"),
    ("bad-truncated.json", r"the JSON ends early at line 30 column 1: the file looks truncated"),
])
def test_damaged_exports_are_errors_naming_path_and_reason(name: str, reason: str) -> None:
    with pytest.raises(InventoryReadError, match=rf"^{name}: {reason}"):
        parse_bytes(data(name), name)


DEC12, DEC13 = date(2013, 12, 12), date(2013, 12, 13)
HV50 = [("KB2779069", DEC11), ("KB2903938", DEC17)]


def test_wmic_csv_of_two_nodes_repeats_the_header_without_making_a_host_of_it() -> None:
    assert parse_bytes(data("wmic-csv-2nodes.csv"), "w.csv") == [
        host("HV50", "w.csv", "wmic-csv", HV50),
        host("HV51", "w.csv", "wmic-csv", [("KB2779069", DEC12), ("KB2908415", DEC13)]),
    ]


def test_wmic_csv_appended_with_a_second_utf16_bom_reads_both_runs() -> None:
    assert parse_bytes(data("wmic-csv-appended.csv"), "w.csv") == [
        host("HV50", "w.csv", "wmic-csv", HV50), host("HV52", "w.csv", "wmic-csv", [("KB2905412", DEC12)]),
    ]


def test_wmic_csv_appended_without_the_second_bom_reads_the_same() -> None:
    raw = data("wmic-csv-appended.csv")
    second = raw.index(b"\xff\xfe", 2)
    assert parse_bytes(raw[:second] + raw[second + 2:], "w.csv") == [
        host("HV50", "w.csv", "wmic-csv", HV50), host("HV52", "w.csv", "wmic-csv", [("KB2905412", DEC12)]),
    ]


def test_wmic_xsl_error_text_says_what_happened_and_what_to_run() -> None:
    with pytest.raises(InventoryReadError, match=r"^w\.csv: the file holds wmic's error 'Invalid XSL format "
                       r"\(or\) file name\.' instead of CSV \(wmic found no csv\.xsl for the system's locale\); "
                       r"run `wmic qfe list full /format:\"%WINDIR%\\System32\\wbem\\en-US\\csv\" > "):
        parse_bytes(data("wmic-csv-xsl-error.csv"), "w.csv")


@pytest.mark.parametrize(("name", "updates"), [
    ("wmic-get-hotfixid.txt", ["KB2779069", "KB2903938"]),  # `File 1` is no KB
    ("wmic-get-id-on.txt", [("KB2779069", DEC11), ("KB2903938", DEC17), ("KB2905412", None)]),
    ("wmic-get-value.txt", [("KB2779069", DEC11), ("KB2908415", DEC13)]),
])
def test_wmic_qfe_get_without_a_host_column_takes_the_host_from_the_file_name(
        name: str, updates: list[tuple[str, date | None]] | list[str]) -> None:
    fmt = "wmic-list" if name.endswith("value.txt") else "wmic-table"
    assert parse_bytes(data(name), "/srv/inv/hv70.contoso.local.txt") == [
        host("HV70", "/srv/inv/hv70.contoso.local.txt", fmt, updates),
    ]


def test_wmic_qfe_get_appended_resets_the_columns_at_each_header() -> None:
    assert parse_bytes(data("wmic-get-appended.txt"), "fleet.txt") == [
        host("HV52", "fleet.txt", "wmic-table", HV50),
        host("HV53-LONGNAME", "fleet.txt", "wmic-table", [("KB2908415", DEC13)]),
    ]


def test_ps7_export_csv_use_culture_quotes_as_needed_semicolons() -> None:
    assert parse_bytes(data("hotfix-ps7-de-asneeded.csv"), "h.csv") == [host("HV57", "h.csv", "hotfix-csv", HV50)]


def test_ps5_export_csv_with_a_tab_delimiter() -> None:
    assert parse_bytes(data("hotfix-ps5-tab.csv"), "h.csv") == [
        host("HV55", "h.csv", "hotfix-csv", [("KB2908415", DEC13)]),
    ]


def test_select_object_table_without_a_host_column_takes_the_file_name() -> None:
    assert parse_bytes(data("hotfix-table-select.txt"), "HV58.txt") == [
        host("HV58", "HV58.txt", "hotfix-table", [("KB2779069", DEC11), ("KB2883200", None), ("KB2903938", DEC17)]),
    ]
