"""kbscan's collector JSON and osquery patches results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scanner.errors import InventoryReadError
from scanner.inventory import parse_bytes

from .helpers import data, host

EXAMPLE = Path(__file__).resolve().parents[2] / "collector" / "example-output.json"


def test_collector_example_output_reads_completely() -> None:
    assert parse_bytes(EXAMPLE.read_bytes(), "HV01.json") == [
        host("HV01", "HV01.json", "kbscan-json",
             [("KB2779069", date(2013, 12, 11)), ("KB2883200", None), ("KB2894485", date(2013, 12, 11)),
              ("KB2902014", date(2013, 12, 11)), ("KB2903938", date(2013, 12, 17))],
             os="ws2012", caption="Microsoft Windows Server 2012 Datacenter", version="6.2.9200",
             roles=("hyper-v", "failover-clustering"), cluster="CLU1",
             collected_at=datetime(2013, 12, 19, 7, 30, tzinfo=UTC)),
    ]


def test_kbscan_list_of_hosts_normalises_fqdn_and_bare_kb_numbers() -> None:
    assert parse_bytes(data("kbscan-list.json"), "k.json") == [
        host("HV30", "k.json", "kbscan-json",
             [("KB2779069", date(2013, 12, 11)), ("KB2903938", date(2013, 12, 17))],
             os="ws2012", caption="Microsoft Windows Server 2012 Datacenter", version="6.2.9200",
             roles=("hyper-v", "failover-clustering"), cluster="CLU1",
             collected_at=datetime(2013, 12, 19, 7, 30, tzinfo=UTC)),
        host("HV31", "k.json", "kbscan-json", ["KB2905412"], os="ws2012",
             caption="Microsoft Windows Server 2012 Standard", version="6.2.9200", roles=(),
             collected_at=datetime(2013, 12, 19, 8, 30, tzinfo=timezone(timedelta(hours=1)))),
    ]


@pytest.mark.parametrize(("document", "reason"), [
    (b'{"host": "", "updates": []}', r"\.host is missing or empty"),
    (b'{"host": "HV01", "updates": {}}', r"\.updates must be a list"),
    (b'{"host": "HV01", "roles": "hyper-v", "updates": []}', r"\.roles must be a list of strings"),
    (b'{"host": "HV01", "collected_at": "yesterday", "updates": []}', r"\.collected_at 'yesterday' is not"),
    (b'[{"host": "HV01", "updates": []}, 3]', r"\[1\] is not a host object"),
])
def test_kbscan_json_with_wrong_shapes_names_the_key(document: bytes, reason: str) -> None:
    with pytest.raises(InventoryReadError, match=rf"^k\.json: .*{reason}"):
        parse_bytes(document, "k.json")


def test_osqueryi_json_array() -> None:
    assert parse_bytes(data("osquery-patches.json"), "o.json") == [
        host("HV28", "o.json", "osquery", [("KB2779069", date(2013, 12, 11)), ("KB2903938", None)]),
    ]


def test_osquery_result_log_applies_snapshot_added_removed_and_os_version() -> None:
    assert parse_bytes(data("osquery-results.log"), "o.log") == [
        host("HV29", "o.log", "osquery", [("KB2779069", date(2013, 12, 11)), ("KB2903938", date(2013, 12, 18))],
             os="ws2012", caption="Microsoft Windows Server 2012 Datacenter", version="6.2.9200",
             collected_at=datetime(2013, 12, 19, 7, 30, tzinfo=UTC)),
    ]


def test_osquery_log_with_a_cut_last_line_is_an_error() -> None:
    text = data("osquery-results.log")
    with pytest.raises(InventoryReadError, match=r"^o\.log: line 4 is not complete JSON"):
        parse_bytes(text[:-20], "o.log")
