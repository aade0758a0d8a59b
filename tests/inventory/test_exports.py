"""Files joined from several exports (`>>`, `copy /b`, Get-Content), Get-HotFix | Format-List and bare
KB lists: every host once, no header row taken for a host, errors that say what is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from scanner.errors import InventoryReadError
from scanner.inventory import parse_bytes

from .helpers import data, host

DEC11, DEC12, DEC13, DEC17 = date(2013, 12, 11), date(2013, 12, 12), date(2013, 12, 13), date(2013, 12, 17)
HV54 = [("KB2779069", DEC11), ("KB2903938", DEC17)]
WS2012R2, VERSION = "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600 N/A Build 9600"


@pytest.mark.parametrize("name", ["hotfix-ps5-joined.csv", "hotfix-ps5-joined-notype.csv"])
def test_joined_export_csv_files_with_or_without_type_lines(name: str) -> None:
    assert parse_bytes(data(name), "all.csv") == [
        host("HV54", "all.csv", "hotfix-csv", HV54), host("HV55", "all.csv", "hotfix-csv", [("KB2908415", DEC13)]),
    ]


def test_joined_exports_with_other_columns_are_matched_by_column_name() -> None:
    assert parse_bytes(data("hotfix-ps5-joined-invoke.csv"), "all.csv") == [
        host("HV54", "all.csv", "hotfix-csv", HV54), host("HV56", "all.csv", "hotfix-csv", [("KB2905412", DEC12)]),
    ]


def test_a_row_cut_off_in_the_second_export_is_still_a_truncation_error() -> None:
    raw = data("hotfix-ps5-joined-invoke.csv").rstrip(b"\r\n")
    cut = raw[:raw.rindex(b'","', 0, raw.rindex(b'","')) + 1]
    with pytest.raises(InventoryReadError, match=r"^all\.csv: line 7 has 31 fields where the header has 33; "
                       r"the file looks truncated"):
        parse_bytes(cut, "all.csv")


def test_systeminfo_csv_joined_with_copy_b_keeps_each_bom_out_of_the_hosts() -> None:
    assert parse_bytes(data("systeminfo-en-copyb.csv"), "fleet.csv") == [
        host("HV63", "fleet.csv", "systeminfo-csv", ["KB2779069", "KB2905412"], os="ws2012r2", caption=WS2012R2,
             version=VERSION),
        host("HV64", "fleet.csv", "systeminfo-csv", ["KB2903938"], os="ws2012r2", caption=WS2012R2, version=VERSION),
    ]


def test_systeminfo_csv_through_convertfrom_csv_and_export_csv_is_systeminfo_csv() -> None:
    assert parse_bytes(data("systeminfo-convertfrom.csv"), "fleet.csv") == [
        host("HV63", "fleet.csv", "systeminfo-csv", ["KB2779069", "KB2905412"], os="ws2012r2", caption=WS2012R2,
             version=VERSION),
        host("HV64", "fleet.csv", "systeminfo-csv", ["KB2903938"], os="ws2012r2", caption=WS2012R2, version=VERSION),
    ]


def test_format_list_of_two_computers_splits_hosts_by_source() -> None:
    assert parse_bytes(data("hotfix-fl.txt"), "fleet.txt") == [
        host("HV59", "fleet.txt", "hotfix-list", [("KB2779069", DEC11), ("KB2905412", None)]),
        host("HV60", "fleet.txt", "hotfix-list", [("KB2903938", DEC17)]),
    ]


def test_format_list_star_with_wrapped_values_and_empty_ones() -> None:
    assert parse_bytes(data("hotfix-flstar.txt"), "x.txt") == [
        host("HV61", "x.txt", "hotfix-list", [("KB2779069", DEC11), ("KB2908415", DEC13)]),
    ]


PROMPT = "PS C:\\Users\\admin> exit\r\n".encode("utf-16-le")  # a console session pasted after the output
JUNK = "Press any key to continue . . .\r\n".encode("utf-16-le")  # not a prompt: the format's to judge


def test_format_list_with_a_prompt_pasted_after_it_reads_as_without() -> None:
    assert parse_bytes(data("hotfix-fl.txt") + PROMPT, "x.txt") == parse_bytes(data("hotfix-fl.txt"), "x.txt")


def test_format_list_line_that_is_not_name_value_is_an_error() -> None:
    with pytest.raises(InventoryReadError, match=r"^x\.txt: line 23 is not `Name : value`: "
                       r"'Press any key to continue \. \. \.' \(read as hotfix-list"):
        parse_bytes(data("hotfix-fl.txt") + JUNK, "x.txt")


def test_bare_kb_list_takes_the_host_from_the_file_name_and_skips_file_entries() -> None:
    assert parse_bytes(data("HV62.txt"), "/srv/inv/HV62.txt") == [
        host("HV62", "/srv/inv/HV62.txt", "kb-list", ["KB2779069", "KB2903938", "KB2908415"]),
    ]


def test_bare_kb_list_with_another_line_is_an_error_naming_it() -> None:
    with pytest.raises(InventoryReadError, match=r"^HV62\.txt: line 5 is 'Press any key to continue "
                       r"\. \. \.', not a KB id"):
        parse_bytes(data("HV62.txt") + JUNK, "HV62.txt")


def test_bare_kb_list_with_a_prompt_after_it_reads_as_without() -> None:
    assert parse_bytes(data("HV62.txt") + PROMPT, "HV62.txt") == parse_bytes(data("HV62.txt"), "HV62.txt")
