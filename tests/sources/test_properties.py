"""Page parsing never raises anything but SourceError: arbitrary bytes and mutated real pages."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import SourceError
from scanner.sources import SourceHints, parse_page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
FIXTURES = [p.read_bytes() for p in sorted(PAGES.iterdir())]
HINTS = SourceHints("fuzz", "http://127.0.0.1/fuzz")


def check(body: bytes) -> None:
    try:
        page = parse_page(body, None, HINTS.url, HINTS)
    except SourceError:
        return
    for entry in page.entries:
        assert entry.kb.startswith("KB") and entry.sources == ("fuzz",)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(body: bytes):
    check(body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIXTURES), st.integers(0, 30000), st.integers(0, 30000), st.binary(max_size=64))
def test_mutated_pages(page: bytes, cut: int, at: int, insert: bytes):
    check(page[:cut])
    check(page[:at] + insert + page[at:])


def test_deeply_nested_markup():
    check(b"<div>" * 50_000 + b"<table><tr><th>KB</th><th>Title</th></tr><tr><td>2779069</td><td>x</td></tr></table>")
    check(b"<table>" * 20_000)
