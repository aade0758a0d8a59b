"""Date, duration and product parsing as Windows tools and pages write them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scanner.dates import DateOrder, add_months, date_order, parse_date, parse_duration
from scanner.inventory import parse_bytes
from scanner.models import kb_id, try_kb_id
from scanner.products import build_from_version, product_from
from tests.inventory.helpers import data, host


@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("12/11/2013", False, date(2013, 12, 11)),
    ("12/11/2013", True, date(2013, 11, 12)),
    ("25/11/2013", False, date(2013, 11, 25)),
    ("11.12.2013", False, date(2013, 12, 11)),
    ("2013-12-11", False, date(2013, 12, 11)),
    ("2013-12-11T08:00:00Z", False, date(2013, 12, 11)),
    ("/Date(1386720000000)/", False, date(2013, 12, 11)),
    ("01cef9c1a6c8e000", False, date(2013, 12, 15)),
    ("01cef53ac4dc4000", False, date(2013, 12, 10)),
    ("December 10, 2013", False, date(2013, 12, 10)),
    ("10 December 2013", False, date(2013, 12, 10)),
    ("Dec 10, 2013", False, date(2013, 12, 10)),
    ("", False, None),
    ("  ", False, None),
    ("13/13/2013", False, None),
    ("soon", False, None),
    # year first is always y-M-d: ja/zh/en-ZA `yyyy/MM/dd`, hu `yyyy. MM. dd.`, with PowerShell's time
    ("2013/12/11 0:00:00", True, date(2013, 12, 11)),
    ("2013/1/2", False, date(2013, 1, 2)),
    ("2013. 12. 11.", False, date(2013, 12, 11)),
    ("2013. 12. 11. 0:00:00", True, date(2013, 12, 11)),
    # dotted is always day-first: cs/sk `d. M. yyyy`, hr `d.M.yyyy.`
    ("11. 12. 2013", False, date(2013, 12, 11)),
    ("11.12.2013.", False, date(2013, 12, 11)),
    # dashed d-M-yyyy (nl-NL, da-DK, en-IN) is day-first whatever the slash flag says
    ("5-12-2013 0:00:00", False, date(2013, 12, 5)),
    ("05-12-2013", True, date(2013, 12, 5)),
    # a date that reads only one way is read that way
    ("12/17/2013", True, date(2013, 12, 17)),
    ("12-17-2013", False, date(2013, 12, 17)),
])
def test_parse_date(text: str, day_first: bool, expected: date | None):
    assert parse_date(text, day_first=day_first) == expected


@pytest.mark.parametrize(("texts", "caller", "expected"), [
    ({"12/11/2013", "5-12-2013"}, False, DateOrder(slash=False, dash=True)),  # nothing proves an order
    ({"12/11/2013"}, True, DateOrder(slash=True, dash=True)),  # the caller decides slash dates only
    ({"25/11/2013 00:00:00", "05/12/2013"}, False, DateOrder(slash=True, dash=True)),
    ({"11/25/2013", "05/12/2013"}, True, DateOrder(slash=False, dash=True)),
    ({"12-17-2013", "05-12-2013"}, False, DateOrder(slash=False, dash=False)),  # a month-first dash file
    ({"25/11/2013", "11/25/2013"}, False, DateOrder(slash=None, dash=True)),  # joined cultures: unknown
    ({"25/11/2013", "12-17-2013", "11.12.2013"}, False, DateOrder(slash=True, dash=False)),
])
def test_a_files_own_dates_decide_its_order_separately_per_separator(
        texts: set[str], caller: bool, expected: DateOrder):
    assert date_order(texts, caller) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("05/12/2013", None),  # could be May 12 or Dec 5, and the file proves both orders
    ("25/11/2013", date(2013, 11, 25)),
    ("11/25/2013", date(2013, 11, 25)),
    ("2013-12-11", date(2013, 12, 11)),
])
def test_a_file_that_contradicts_itself_leaves_only_its_ambiguous_dates_blank(text: str, expected: date | None):
    assert parse_date(text, order=DateOrder(slash=None)) == expected


@pytest.mark.parametrize(("name", "host_name", "dates"), [
    ("hotfix-ps5-ja.csv", "HV51", (date(2013, 12, 11), date(2013, 12, 17))),  # 2013/12/11 0:00:00
    ("hotfix-ps5-nl-useculture.csv", "HV52", (date(2013, 12, 5), date(2013, 12, 11))),  # 5-12-2013 0:00:00
    ("hotfix-ps5-hu-useculture.csv", "HV53", (date(2013, 12, 11), date(2013, 12, 17))),  # 2013. 12. 11.
])
def test_get_hotfix_exports_in_cultures_with_other_short_dates(name: str, host_name: str,
                                                               dates: tuple[date, date]):
    assert parse_bytes(data(name), name) == [
        host(host_name, name, "hotfix-csv", [("KB2779069", dates[0]), ("KB2903938", dates[1])]),
    ]


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2013, 12, 10), 1, date(2014, 1, 10)),
    (date(2014, 1, 31), 1, date(2014, 2, 28)),
    (date(2016, 1, 31), 1, date(2016, 2, 29)),
    (date(2014, 3, 31), -1, date(2014, 2, 28)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date):
    assert add_months(start, months) == expected


def test_durations():
    assert parse_duration("1 month").after(date(2013, 12, 10)) == date(2014, 1, 10)
    assert parse_duration("30 days").delta == timedelta(days=30)
    assert parse_duration("2 seconds").seconds == 2
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


@pytest.mark.parametrize(("caption", "version", "expected"), [
    ("Microsoft Windows Server 2012 Datacenter", "6.2.9200 N/A Build 9200", "ws2012"),
    ("Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600 Nicht zutreffend Build 9600", "ws2012r2"),
    ("Microsoft Windows Server 2008 R2 Enterprise", "6.1.7601 Service Pack 1 version 7601", "ws2008r2"),
    ("Microsoft Windows 8 Enterprise", "6.2.9200", "win8"),
    ("Microsoft Windows 7 Professionnel", "6.1.7601 Service Pack 1 version 7601", "win7"),
    ("Microsoft Hyper-V Server 2012", "6.2.9200", "ws2012"),
    ("Microsoft Windows Server 2012 R2 Standard", None, "ws2012r2"),
    ("Microsoft Windows Server 2012 Standard", "", "ws2012"),
    ("Microsoft® Windows Server® 2008 Enterprise", "6.0.6002 Service Pack 2 Build 6002", "ws2008"),
    (None, "6.2.9200", None),
    ("Some Linux", "5.10", None),
    # WS2008 as cmd prints it in a code page without ®, or an ASCII conversion, with and without a build
    ("Microsoftr Windows Serverr 2008 Standard", "6.0.6002 Service Pack 2 Kompilacja 6002", "ws2008"),
    ("Microsoftr Windows Serverr 2008 Standard", None, "ws2008"),
    ("Microsoft? Windows Server? 2008 Standard", None, "ws2008"),
    # server SKUs: Azure Stack HCI has no "Server" in its name and its own builds
    ("Microsoft Azure Stack HCI", "10.0.20348 N/A Build 20348", "ws2022"),  # 21H2
    ("Microsoft Azure Stack HCI", "10.0.17784 N/A Build 17784", None),  # 20H2, its own updates
    ("Microsoft Azure Stack HCI", "10.0.20349", None),  # 22H2
    ("Microsoft Azure Stack HCI", "10.0.19042", None),  # a Windows 10 20H2 build: no HCI release, no guess
    ("Microsoft Azure Stack HCI", "10.0.25398", None),  # 23H2
    ("Microsoft Azure Stack HCI", None, None),
    ("Microsoft Hyper-V Server 2019", "10.0.17763 N/A Build 17763", "ws2019"),
    ("Microsoft Windows Storage Server 2012 R2 Standard", "6.3.9600", "ws2012r2"),
    ("Microsoft Windows Server 2012 R2 Essentials", "6.3.9600", "ws2012r2"),
    ("Microsoft Windows Server 2022 Datacenter: Azure Edition", "10.0.20348", "ws2022"),
    ("Microsoft Windows Server Datacenter", "10.0.19042", None),  # semi-annual channel 20H2: no product
    # a client only when the caption names a client Windows
    ("Microsoft Windows 10 Enterprise", "10.0.17763", "win10-1809"),
    ("Microsoft Windows Embedded Standard", "6.1.7601 Service Pack 1 Build 7601", "win7"),
    ("Microsoft Windows 10 Pro", "10.0.20348", None),  # 20348 has no client
    ("Microsoft Contoso Appliance OS", "6.3.9600", None),  # unfamiliar: unknown, not win81
])
def test_product_from_caption_and_build(caption: str | None, version: str | None, expected: str | None):
    assert product_from(caption, version) == expected


@pytest.mark.parametrize(("build", "client"), [
    (10240, "win10-1507"), (10586, "win10-1511"), (14393, "win10-1607"), (15063, "win10-1703"),
    (16299, "win10-1709"), (17134, "win10-1803"), (17763, "win10-1809"), (18362, "win10-1903"),
    (18363, "win10-1909"), (19041, "win10-2004"), (19042, "win10-20h2"), (19043, "win10-21h1"),
    (19044, "win10-21h2"), (19045, "win10-22h2"), (22000, "win11-21h2"), (22621, "win11-22h2"),
    (22631, "win11-23h2"), (26100, "win11-24h2"), (26200, "win11-25h2"),
])
def test_windows_10_and_11_clients_get_their_versions_product_id(build: int, client: str):
    family = "Windows 11" if client.startswith("win11") else "Windows 10"
    assert product_from(f"Microsoft {family} Pro", f"10.0.{build} N/A Build {build}") == client


@pytest.mark.parametrize(("build", "server"), [(14393, "ws2016"), (17763, "ws2019"), (20348, "ws2022"),
                                               (26100, "ws2025")])
def test_the_same_builds_with_a_server_caption_are_the_windows_server(build: int, server: str):
    assert product_from("Microsoft Windows Server Datacenter", f"10.0.{build}") == server
    assert product_from(f"Microsoft Windows Server {server[2:]} Standard", f"10.0.{build} N/A Build {build}") == server


@pytest.mark.parametrize(("caption", "version", "expected"), [
    ("Microsoft Windows 10 Pro", "10.0.19046", "win10"),  # a build kbscan does not know, in the family's range
    ("Microsoft Windows 11 Enterprise", "10.0.27000.1000", "win11"),
    ("Microsoft Windows 10 Pro", "10.0.22631", None),  # the caption names 10, the build is an 11: contradiction
    ("Microsoft Windows 11 Pro", "10.0.19045", None),
    ("Microsoft Windows 11 Pro", "10.0.21999", None),  # unknown and outside Windows 11's range
    ("Microsoft Windows Embedded Standard", "10.0.30000", None),  # unknown build, no family named
    ("Майкрософт Windows 10 Домашняя", "10.0.19044 Н/Д построение 19044", "win10-21h2"),  # Russian caption
    ("Microsoft Windows 10 专业版", "10.0.18363 暂缺 Build 18363", "win10-1909"),
    ("Майкрософт Windows Server 2012 R2 Standard", "6.3.9600 Н/Д построение 9600", "ws2012r2"),
    # ® and ™ as console code pages render them
    ("Microsoftr Windows VistaT Enterprise", "6.0.6002 Service Pack 2 Build 6002", "vista"),
    ("Microsoftr Windows VistaT Business", None, "vista"),
    ("Microsoft® Windows Vista™ Ultimate", "6.0.6001 Service Pack 1 Build 6001", "vista"),
    ("Microsoft® Windows Server® 2008 Standard", None, "ws2008"),
    ("Microsoftr Windows Serverr 2008 Datacenter", "6.0.6003 Service Pack 2 Build 6003", "ws2008"),
])
def test_builds_kbscan_does_not_know_and_localized_or_marked_captions(caption: str, version: str | None,
                                                                      expected: str | None):
    assert product_from(caption, version) == expected


def test_build_from_version_variants():
    assert build_from_version("6.2.9200 N/D compilación 9200") == 9200
    assert build_from_version("9600") == 9600
    assert build_from_version("n/a") is None


@pytest.mark.parametrize("text", ["2779069", "kb2779069", "KB2779069", " KB 2779069 "])
def test_kb_ids_normalise(text: str):
    assert kb_id(text) == "KB2779069"


@pytest.mark.parametrize("text", ["Q123456", "File 1", "KB", "", "KB12"])
def test_not_kb_ids(text: str):
    assert try_kb_id(text) is None
