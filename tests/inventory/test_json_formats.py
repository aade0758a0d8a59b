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


def test_osquery_log_whose_patches_rows_follow_other_queries_past_the_sniffed_head() -> None:
    # os_version first, then programs rows (name + version too), then patches after the first 4 KB.
    assert parse_bytes(data("osquery-results-mixed.log"), "o.log") == [
        host("HV48", "o.log", "osquery", [("KB2779069", date(2013, 12, 11)), ("KB2903938", date(2013, 12, 17))],
             os="ws2012", caption="Microsoft Windows Server 2012 Datacenter", version="6.2.9200",
             collected_at=datetime(2013, 12, 20, 7, 0, tzinfo=UTC)),
    ]


def test_osquery_uuid_identifier_rows_are_one_host_named_by_its_csname() -> None:
    # HV50 logs snapshots: its os_version snapshot after the patches one must not empty the patches.
    at = datetime(2013, 12, 20, 7, 0, tzinfo=UTC)
    assert parse_bytes(data("osquery-results-uuid.log"), "o.log") == [
        host("HV49", "o.log", "osquery", [("KB2919355", date(2014, 4, 9))], os="ws2012r2",
             caption="Microsoft Windows Server 2012 R2 Datacenter", version="6.3.9600", collected_at=at),
        host("HV50", "o.log", "osquery", [("KB2779069", date(2013, 12, 11))], os="ws2012",
             caption="Microsoft Windows Server 2012 Datacenter", version="6.2.9200", collected_at=at),
    ]


def test_osquery_log_without_patches_rows_is_an_error_naming_the_query() -> None:
    lines = data("osquery-results-mixed.log").splitlines(keepends=True)
    without_patches = b"".join(line for line in lines if b'"hotfix_id"' not in line)
    with pytest.raises(InventoryReadError, match=r"^o\.log: no patches rows found \(the rows of `select \* from "):
        parse_bytes(without_patches, "o.log")


def test_osquery_identifier_shared_by_two_machines_keeps_them_apart_with_the_os_unknown() -> None:
    # `--host_identifier=specified` with one `--specified_identifier` everywhere: whose os_version row?
    raw = data("osquery-results-uuid.log").replace(b"4C4C4544-0051-4410-8036-C2C04F385A32",
                                                   b"4C4C4544-0033-3010-8033-B7C04F4E4A32")
    at = datetime(2013, 12, 20, 7, 0, tzinfo=UTC)
    assert parse_bytes(raw, "o.log") == [
        host("HV49", "o.log", "osquery", [("KB2919355", date(2014, 4, 9))], collected_at=at),
        host("HV50", "o.log", "osquery", [("KB2779069", date(2013, 12, 11))], collected_at=at),
    ]
