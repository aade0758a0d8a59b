"""Date, duration and product parsing as Windows tools and pages write them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scanner.dates import add_months, parse_date, parse_duration
from scanner.models import kb_id, try_kb_id
from scanner.products import build_from_version, product_from


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
])
def test_parse_date(text: str, day_first: bool, expected: date | None):
    assert parse_date(text, day_first=day_first) == expected


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
])
def test_product_from_caption_and_build(caption: str | None, version: str | None, expected: str | None):
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
