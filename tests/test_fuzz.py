"""Fuzzing, CI profile (issue 8): every inventory reader and page parser, called directly, on arbitrary
bytes, mutated real files (flips, cuts, splices, inserted NULs / BOMs / quotes, mixed encodings), huge
lines and deeply nested markup. Only the documented error may escape, and what parses has a sane shape.

KBSCAN_FUZZ_EXAMPLES sets the inputs per target and kind (default 40); the long campaign is
benchmarks/fuzz_campaign.py (RELIABILITY.md)."""

from __future__ import annotations

import contextlib
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import Target, huge_line, mutate, nested, targets

TARGETS = targets()
PROFILE = settings(max_examples=int(os.environ.get("KBSCAN_FUZZ_EXAMPLES", "40")), deadline=None,
                   derandomize=bool(os.environ.get("CI")), database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def run(target: Target, data: bytes) -> None:
    with contextlib.suppress(*target.allowed):  # anything else fails the test
        target.run(data)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@PROFILE
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes(target: Target, data: bytes):
    run(target, data)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@PROFILE
@given(seed=st.integers(0, 2**32))
def test_mutated_real_files(target: Target, seed: int):
    run(target, mutate(random.Random(seed), target.seeds))


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_huge_lines_and_deep_nesting(target: Target):
    for seed in target.seeds[:2]:
        run(target, huge_line(seed, 2 * 1024 * 1024))
    for data in nested(100_000):
        run(target, data)


def test_every_reader_and_parser_is_a_target():
    names = {t.name for t in TARGETS}
    assert {"inventory:parse_bytes", "inventory:systeminfo", "inventory:wmic-csv", "inventory:osquery",
            "inventory:kbscan-json", "page:parse_page", "page:xml-list", "page:json-list"} <= names
    assert all(t.seeds for t in TARGETS)


# Crashes the campaign found, as minimal inputs (each raised something else before its fix).
REGRESSIONS = [
    ("inventory:systeminfo", b"\x01"),  # no label at all: zip(strict=True) of fields and their ends
    ("inventory:hotfix-table", b"#TYPE Microsoft.Management.Infrastructure.CimInstance\n"),  # header past the end
    ("inventory:hotfix-table", b"#TYPE System.Management.ManagementObject\r\n\r\nHotFixID\r\n"),  # blank header
    ("page:blog", b'<html><head><meta charset="utf\x01x"></head><body><h2>KB2779069 x</h2></body></html>'),
    ("page:blog", b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=\x01"></head></html>'),
    ("page:update-list", b"<table><tr><th>KB</th><th>Title</th></tr><tr><td>2779069</td><td>a<br>\x0cb</td></tr>"
                         b"</table>"),  # a control character in a text lxml will not set back
    ("page:parse_page", b'<html><head><meta name="ms.kbid" content="U062586"></head><body><h1>Cluster service '
                        b"stops</h1><p>Article ID: 3062586</p><h2>Applies to</h2><p>Windows Server 2012 R2</p>"
                        b"</body></html>"),  # "062586" became KB062586, an id kb_id never writes
]


@pytest.mark.parametrize(("name", "data"), REGRESSIONS)
def test_inputs_that_once_crashed(name: str, data: bytes):
    run(next(t for t in TARGETS if t.name == name), data)
