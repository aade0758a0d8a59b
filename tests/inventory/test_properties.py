"""Properties: arbitrary bytes and damaged copies of every valid fixture only ever raise InventoryReadError."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import InventoryReadError
from scanner.inventory import parse_bytes

from .helpers import data

# One valid fixture per reader (and per encoding family), the seeds of the mutations.
SEEDS = {
    "kbscan-json": "kbscan-list.json",
    "osquery": "osquery-results.log",
    "osquery-array": "osquery-patches.json",
    "hotfix-json": "hotfix-ps5.json",
    "hotfix-json-ps7": "hotfix-ps7.json",
    "wmic-csv": "wmic-full.csv",
    "wmic-list": "wmic-list.txt",
    "wmic-table": "wmic-table.txt",
    "hotfix-table": "hotfix-table.txt",
    "hotfix-list": "hotfix-fl.txt",
    "kb-list": "HV62.txt",
    "systeminfo-csv": "systeminfo-de.csv",
    "hotfix-csv": "hotfix-ps5.csv",
    "systeminfo": "systeminfo-fleet.txt",
    "systeminfo-cp850": "systeminfo-fr.txt",
}
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUG_MARKER = "because of a kbscan bug"


def _parse_or_clean_error(raw: bytes) -> None:
    try:
        hosts = parse_bytes(raw, "fuzz.bin")
    except InventoryReadError as error:
        assert str(error).startswith("fuzz.bin: ")
        assert BUG_MARKER not in str(error), str(error)  # the safety net must never be needed
        return
    assert hosts and all(host.host for host in hosts)


@st.composite
def damaged(draw: st.DrawFn, raw: bytes) -> bytes:
    """Truncation, byte flips, inserted NULs or a deleted slice of `raw`."""
    kind = draw(st.sampled_from(["truncate", "flip", "nul", "delete"]))
    at = draw(st.integers(min_value=0, max_value=len(raw)))
    if kind == "truncate":
        return raw[:at]
    if kind == "delete":
        return raw[:at] + raw[at + draw(st.integers(min_value=1, max_value=64)):]
    flips = draw(st.lists(st.tuples(st.integers(0, max(len(raw) - 1, 0)), st.integers(0, 255)),
                          min_size=1, max_size=8))
    mutated = bytearray(raw)
    for index, value in flips:
        mutated[index] = 0 if kind == "nul" else value
    return bytes(mutated)


@PROPERTY
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_raise_only_inventory_read_error(raw: bytes) -> None:
    _parse_or_clean_error(raw)


@pytest.mark.parametrize("reader", sorted(SEEDS))
def test_damaged_fixtures_raise_only_inventory_read_error(reader: str) -> None:
    raw = data(SEEDS[reader])

    @PROPERTY
    @given(damaged(raw))
    def check(mutated: bytes) -> None:
        _parse_or_clean_error(mutated)

    check()


@PROPERTY
@given(st.text(alphabet=st.sampled_from(list('{}[]",:0123456789abcHotFixID updates host hotfix_id\n')),
               max_size=300))
def test_json_like_text_raises_only_inventory_read_error(text: str) -> None:
    _parse_or_clean_error(text.encode("utf-8"))
