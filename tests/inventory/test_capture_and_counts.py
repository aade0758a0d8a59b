"""Terminal-capture lines around an inventory, and the rule for the last entry of a hotfix list."""

from __future__ import annotations

import pytest

from scanner.errors import InventoryReadError
from scanner.inventory import parse_bytes
from scanner.inventory.capture import strip_capture
from scanner.inventory.hotfix_count import HotfixList, hotfix_list
from scanner.models import InstalledUpdate

CSV = ('"CSName","HotFixID","InstalledOn"\r\n"HV01","KB2779069","12/11/2013"\r\n'
       '"HV01","KB2903938","12/17/2013"\r\n')


@pytest.mark.parametrize("before", ["C:\\> type q.csv\r\n", "PS C:\\Users\\adm> Get-Content q.csv\r\n\r\n",
                                    "root@kali:/tmp# cat q.csv\r\n", "$ cat q.csv\r\n", "cat q.csv\r\n",
                                    "gc .\\q.csv\r\n", "C:\\>more q.csv\r\n", "systeminfo\r\n",
                                    "Get-HotFix\n"])
def test_prompt_and_command_lines_before_a_csv_are_blanked_keeping_line_numbers(before: str) -> None:
    text = strip_capture(before + CSV + "C:\\>\r\n")
    assert text.strip() == CSV.strip()
    assert text.count("\n") == (before + CSV).count("\n")  # leading lines blanked: line numbers hold


def test_a_prompt_inside_a_csv_is_the_formats_to_judge_an_error_not_a_silent_row() -> None:
    joined = CSV + "C:\\> type r.csv\r\n" + CSV
    with pytest.raises(InventoryReadError, match=r"^q\.csv: line 4 has 1 fields where the header has 3"):
        parse_bytes(joined.encode(), "q.csv")


def test_output_lines_are_never_taken_for_commands() -> None:
    for text in ("#TYPE Selected.System.Management.ManagementObject\r\n" + CSV,
                 "Host Name:                 HV01\r\nOS Name:   Microsoft Windows Server 2012 Datacenter\r\n",
                 "KB2779069\r\nKB2903938\r\n", "Caption=\r\nCSName=HV01\r\nHotFixID=KB2779069\r\n"):
        assert strip_capture(text) == text


def test_wmic_banner_glued_to_the_header_is_removed_and_a_lone_banner_line_blanked() -> None:
    header = "Caption  CSName  HotFixID\r\n"
    assert strip_capture("Please wait while WMIC is being installed." + header) == header
    assert strip_capture("Please wait while WMIC is being installed.\r\n" + header) == "\r\n" + header


def updates(*kbs: str) -> tuple[InstalledUpdate, ...]:
    return tuple(InstalledUpdate(kb) for kb in kbs)


def test_an_id_with_text_after_it_on_its_line_is_whole_even_where_the_buffer_stopped() -> None:
    assert hotfix_list("221 Hotfix(s) Installed.", ["KB958644", "KB977165-v2"],
                       last_text=" KB977165-v2 - Updat\r") == HotfixList(
        (InstalledUpdate("KB958644"), InstalledUpdate("KB977165", raw="KB977165-v2")), 221, 2)
    assert hotfix_list("5 Hotfix(s) Installed.", ["KB958644", "KB977165"], ends_inside=True,
                       last_text="KB977165 - Upd").listed == 2


@pytest.mark.parametrize(("header", "entries", "ends_inside", "expected"), [
    # complete: a 6-digit last entry after 7-digit ones is a KB
    ("3 Hotfix(s) Installed.", ["KB2779069", "KB2903938", "KB976902"], False,
     HotfixList(updates("KB976902", "KB2779069", "KB2903938"), 3, 3)),
    # capped, last entry whole: kept
    ("273 Hotfix(s) Installed.", ["KB2779069", "KB2903938"], False,
     HotfixList(updates("KB2779069", "KB2903938"), 273, 2)),
    # capped, last entry shorter than the longest other: dropped, not listed
    ("273 Hotfix(s) Installed.", ["KB2779069", "KB976902"], False,
     HotfixList(updates("KB2779069"), 273, 1, ("the last hotfix entry 'KB976902' looks cut off, so it was not "
                                               "read as a KB",))),
    # the file ends inside the last entry: dropped whatever the count
    ("2 Hotfix(s) Installed.", ["KB2779069", "KB2903938"], True,
     HotfixList(updates("KB2779069"), 2, 1, ("the last hotfix entry 'KB2903938' looks cut off, so it was not "
                                             "read as a KB",))),
    # capped, a bare 6-digit last entry after 6-digit ones: it may be the start of a 7-digit id
    ("221 Hotfix(s) Installed.", ["KB958644", "KB977165"], False,
     HotfixList(updates("KB958644"), 221, 1, ("the last hotfix entry 'KB977165' looks cut off, so it was not "
                                              "read as a KB",))),
    ("N/A", [], False, HotfixList((), None, 0)),
    ("Число установленных исправлений - 1.", ["File 1"], False,
     HotfixList((), 1, 1, ("its 1 hotfix entries hold no KB id (such as 'File 1')",))),
])
def test_hotfix_list_counts_and_the_cut_off_last_entry_rule(header: str, entries: list[str], ends_inside: bool,
                                                            expected: HotfixList) -> None:
    assert hotfix_list(header, entries, ends_inside=ends_inside) == expected
