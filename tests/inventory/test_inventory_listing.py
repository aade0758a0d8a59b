"""`kbscan inventory` shows what the readers doubted: listed/announced of a capped list, warnings, raw ids."""

from __future__ import annotations

import io
import json

from scanner.cli import main

from .helpers import DATA

CORPUS = DATA / "corpus"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["inventory", *argv], out=out)
    return code, out.getvalue()


def test_json_lists_announced_listed_incomplete_and_the_cut_entry_warning() -> None:
    code, text = run(str(CORPUS / "capped-cut-number-en.txt"), "--format", "json")
    hosts = json.loads(text)
    assert code == 0
    assert [(h["host"], h["os"], h["announced"], h["listed"], h["incomplete"], len(h["updates"]), h["warnings"])
            for h in hosts] == [("NODE-CUT", "ws2008r2", 352, 244, True, 244,
                                 ["the last hotfix entry 'KB2862' looks cut off, so it was not read as a KB"])]


def test_table_says_listed_of_announced_and_how_to_complete_the_list() -> None:
    code, text = run(str(CORPUS / "capped-en.txt"))
    assert code == 0
    assert text.splitlines()[0] == (
        "NODE-EN  systeminfo  os=ws2008r2 (Microsoft Windows Server 2008 R2 Enterprise, 6.1.7601 Service Pack 1 "
        "Build 7601)  roles=unknown  cluster=-  updates=245  listed 245 of 273 (incomplete: collect with wmic "
        f"qfe, Get-HotFix or the collector)  {CORPUS / 'capped-en.txt'}")


def test_complete_list_shows_no_counts_and_raw_ids_appear_next_to_their_kb() -> None:
    code, text = run(str(CORPUS / "suffix-systeminfo.txt"))
    lines = text.splitlines()
    assert code == 0
    assert lines[0].endswith("updates=5  " + str(CORPUS / "suffix-systeminfo.txt"))
    assert lines[1] == ("    KB893803 (KB893803v2) KB2378111 (KB2378111_WM9) KB2510531 (KB2510531-IE8) "
                        "KB2536276 (KB2536276-v2) KB2779069")
    _, text = run(str(CORPUS / "suffix-systeminfo.txt"), "--format", "json")
    assert json.loads(text)[0]["updates"][0] == {"kb": "KB893803", "installed_on": None, "raw": "KB893803v2"}


def test_table_prints_a_host_warning_under_its_host() -> None:
    _, text = run(str(CORPUS / "HV90.txt"))
    assert text.splitlines()[2] == ("    warning: the output has no host-name line (Host Name:), so the host is named "
                                    "after the file; save each host's complete systeminfo output as HOSTNAME.txt")
