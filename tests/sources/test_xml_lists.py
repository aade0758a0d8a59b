"""Get-WindowsHotfixes XML lists: list dates versus release dates, relation wording, encodings, hostile XML."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.errors import SourceError
from scanner.models import Kind
from scanner.sources import SourceHints, parse_page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
LIST = (PAGES / "list-hyperv-2012.xml").read_bytes()
HINTS = SourceHints("hv", "http://127.0.0.1/list.xml")


def facts(body: bytes) -> list[tuple[object, ...]]:
    page = parse_page(body, None, HINTS.url, HINTS)
    assert page.family == "get-windowshotfixes-xml"
    return [(e.kb, e.kind, e.released, e.products, e.roles, e.notes) for e in page.entries]


WS, HV = ("ws2012",), ("hyper-v",)
EXPECTED = [
    ("KB2756872", Kind.UPDATE_ROLLUP, None, WS, HV, "listed 2012-02-10"),
    ("KB2779768", Kind.CUMULATIVE_UPDATE, None, WS, HV, "listed 2012-11-20; Include KB2770917"),
    ("KB2770917", Kind.CUMULATIVE_UPDATE, date(2012, 11, 13), WS, HV, ""),
    ("KB2903938", Kind.UPDATE_ROLLUP, date(2013, 12, 10), WS, HV, "Includes KB2898774 and KB2894485"),
    ("KB2894485", Kind.HOTFIX, None, WS, HV, "listed 2013-12-12"),
]


def test_list_date_is_a_release_date_only_for_a_rollup_of_the_same_month():
    """A GA rollup with no month, and "cumulative update: December 2012" listed in November, keep their
    list date in the notes; the November and December rollups listed in their month are released then."""
    assert facts(LIST) == EXPECTED


def test_include_and_includes_wordings_become_package_member_relations():
    page = parse_page(LIST, None, HINTS.url, HINTS)
    assert page.includes == (("KB2779768", "KB2770917"), ("KB2903938", "KB2898774"), ("KB2903938", "KB2894485"))


@pytest.mark.parametrize(("codec", "bom"), [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                           ("utf-8", b"\xef\xbb\xbf")])
def test_utf16_and_bom_lists_are_recognised(codec: str, bom: bytes):
    """PowerShell 5's Out-File writes UTF-16LE with a BOM; editors add a UTF-8 BOM."""
    declared = "UTF-16" if "16" in codec else "utf-8"
    assert facts(bom + LIST.decode().replace('encoding="utf-8"', f'encoding="{declared}"').encode(codec)) == EXPECTED


def test_a_list_without_declaration_and_behind_a_long_comment_is_recognised():
    body = b"<!--" + b"c" * 100_000 + b"-->\n" + LIST.split(b"?>", 1)[1]
    assert facts(body) == EXPECTED


@pytest.mark.parametrize("prolog", [
    b'<!DOCTYPE Updates SYSTEM "http://127.0.0.1:9/evil.dtd">',
    b'<!DOCTYPE Updates [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE Updates [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>',
])
def test_any_doctype_is_refused(prolog: bytes):
    body = LIST.replace(b"<Updates>", prolog + b"<Updates>", 1)
    with pytest.raises(SourceError, match=r"127\.0\.0\.1/list\.xml: the XML (declares entities|has a DOCTYPE)"):
        parse_page(body, None, HINTS.url, HINTS)


def test_entity_expansion_hidden_from_the_byte_check_is_refused():
    """Past the first 64 KiB, or in UTF-16, the declaration is only seen once parsed: still refused, and
    never expanded."""
    laughs = (b'<!DOCTYPE Updates [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    body = b"<!--" + b"c" * 70_000 + b"-->" + laughs + b'<Updates><Update Id="KB2919355"><Description>&c;' \
        b"</Description></Update></Updates>"
    for variant in (body, body.decode().encode("utf-16")):
        with pytest.raises(SourceError, match="has a DOCTYPE"):
            parse_page(variant, None, HINTS.url, HINTS)


@pytest.mark.parametrize("body", [b"<?xml version='1.0'?><Updates><Update Id='KB2919355'>", b"<Updates><Updates/>"])
def test_broken_xml_is_a_source_error_naming_the_url(body: bytes):
    with pytest.raises(SourceError, match=r"127\.0\.0\.1/list\.xml: not well-formed XML"):
        parse_page(body, None, HINTS.url, HINTS)
