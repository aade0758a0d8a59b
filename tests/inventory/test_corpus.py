"""The corpus of real-shaped files (tests/data/inventory/make_corpus.py): each file reads as corpus/expected.json says.

Per file: every host's name, product and exact KB set, its announced/listed counts, the raw ids of
suffixed KBs and a piece of each warning, in order; or the error the file must give. The expectations
were written by hand from each file's content.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from scanner.errors import InventoryReadError
from scanner.inventory import parse_bytes
from scanner.models import HostInventory

from .helpers import DATA

CORPUS = DATA / "corpus"
EXPECTED: list[dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def _seen(found: HostInventory) -> dict[str, Any]:
    return {"host": found.host, "os": found.os, "kbs": sorted(update.kb for update in found.updates),
            "announced": found.announced, "listed": found.listed,
            "raw": {update.kb: update.raw for update in found.updates if update.raw}}


def test_the_corpus_has_at_least_100_files_each_with_an_expectation() -> None:
    files = sorted(path.name for path in CORPUS.iterdir() if path.name != "expected.json")
    assert len(files) >= 100
    assert files == sorted(case["file"] for case in EXPECTED)


@pytest.mark.parametrize("case", EXPECTED, ids=[case["file"] for case in EXPECTED])
def test_corpus_file_reads_as_expected(case: dict[str, Any]) -> None:
    data = (CORPUS / case["file"]).read_bytes()
    if case["error"] is not None:
        with pytest.raises(InventoryReadError) as caught:
            parse_bytes(data, case["file"])
        assert re.search(case["error"], str(caught.value)), str(caught.value)
        return
    found = parse_bytes(data, case["file"])
    assert [_seen(item) for item in found] == [{key: want[key] for key in ("host", "os", "kbs", "announced",
                                                                          "listed", "raw")}
                                               for want in case["hosts"]]
    for item, want in zip(found, case["hosts"], strict=True):
        assert len(item.warnings) == len(want["warnings"]), item.warnings
        for warning, piece in zip(item.warnings, want["warnings"], strict=True):
            assert piece in warning
        assert item.incomplete == (want["announced"] is not None and want["listed"] < want["announced"])
