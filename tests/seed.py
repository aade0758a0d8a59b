"""The seven seed entries of the embedded catalogue (DESIGN.md section 1), for tests of the rules.

The shipped catalogue holds every entry of the lists it cites (tests/test_catalogue_content.py checks
them); tests of verdicts, reports and merges reason about the six seed KBs and rollup KB2903938 alone.
"""

from __future__ import annotations

import pytest

from scanner import embedded
from scanner.catalogue import Catalogue
from scanner.embedded import load_embedded
from scanner.models import CatalogueEntry

SEED_KBS = ("KB2779069", "KB2894485", "KB2898774", "KB2902014", "KB2903938", "KB2905412", "KB2908415")


def seed_entries() -> list[CatalogueEntry]:
    return [e for e in load_embedded()[0] if e.kb in SEED_KBS]


def seed_catalogue() -> Catalogue:
    return Catalogue(seed_entries())


def seed_text(text: str) -> str:
    """The catalogue file's text with only the seed entries (its header and sources unchanged)."""
    head, *blocks = text.split("\n[[entries]]\n")
    kept = [b for b in blocks if b.split("\n", 1)[0].removeprefix('kb = "').rstrip('"') in SEED_KBS]
    return "\n[[entries]]\n".join([head, *kept])


@pytest.fixture
def seed_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process, the embedded catalogue is the seven seed entries (for tests of refresh and merge
    mechanics whose counts and provenance assume the small catalogue)."""
    text, where = embedded.embedded_text()
    monkeypatch.setattr(embedded, "embedded_text", lambda: (seed_text(text), where))
