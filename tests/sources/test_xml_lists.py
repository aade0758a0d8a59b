"""Get-WindowsHotfixes XML lists: list dates versus release dates, relation wording, encodings, hostile XML."""

from __future__ import annotations

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
    ("KB2770917", Kind.CUMULATIVE_UPDATE, None, WS, HV, "listed 2012-11-13"),
    ("KB2903938", Kind.UPDATE_ROLLUP, None, WS, HV, "listed 2013-12-10; Includes KB2898774 and KB2894485"),
    ("KB2894485", Kind.HOTFIX, None, WS, HV, "listed 2013-12-12"),
]


def test_list_date_is_never_a_release_date():
    """The date a line starts with is when it joined the list, for every kind: the GA rollup with no
    month, "cumulative update: December 2012" listed in November, and the rollups listed in their own month
    (the real lists date the July 2013 rollup, released 2013-07-09, 2013-07-12) keep it in the notes."""
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


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_lists_without_a_bom_are_recognised(codec: str):
    """[System.IO.File]::WriteAllText with a UnicodeEncoding that writes no BOM; XML detects it from `<\\0`."""
    assert facts(LIST.decode().replace('encoding="utf-8"', 'encoding="UTF-16"').encode(codec)) == EXPECTED


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


def _shaped(body: bytes) -> list[tuple[object, ...]]:
    page = parse_page(body, None, HINTS.url, HINTS)
    assert page.family == "get-windowshotfixes-xml"
    return [(e.kb, e.kind, e.released, e.notes) for e in page.entries]


def test_element_case_a_default_namespace_and_a_stylesheet_line_change_nothing():
    """PowerShell's `$xml.Updates.Update` does not care about case or a default namespace; a list kept
    for a browser starts with an xml-stylesheet instruction."""
    lowered = LIST.decode()
    for tag in ("Updates", "Update", "Description", "DownloadURL", "Notes"):
        lowered = lowered.replace(f"<{tag}", f"<{tag.lower()}").replace(f"</{tag}>", f"</{tag.lower()}>")
    variants = [
        lowered.encode(),
        LIST.replace(b"<Updates>", b'<Updates xmlns="http://schemas.example.org/hotfixlist/2014">', 1),
        LIST.replace(b"?>", b'?>\n<?xml-stylesheet type="text/xsl" href="UpdatesList.xsl"?>', 1),
    ]
    assert lowered.count("<update ") == 6 and "<Update" not in lowered  # five KBs and a Q article
    for body in variants:
        assert facts(body) == EXPECTED


def test_the_kb_may_be_an_id_child_a_kb_attribute_or_a_bare_number():
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<Updates>
  <Description>Recommended hotfixes for Windows Server 2012 Hyper-V</Description>
  <Update><Id>KB2902014</Id><Description>2013-12-12 System time of a VM is wrong</Description></Update>
  <Update Id="2894485"><Description>2013-12-12 Cross-page memory read or write crashes a VM</Description></Update>
  <Update KB="KB2908415"><Description>2013-12-12 CSVs go offline during VM backup</Description></Update>
  <Update id="Q123456"><Description>2013-12-12 not a KB</Description></Update>
</Updates>"""
    assert _shaped(body) == [("KB2902014", Kind.HOTFIX, None, "listed 2013-12-12"),
                             ("KB2894485", Kind.HOTFIX, None, "listed 2013-12-12"),
                             ("KB2908415", Kind.HOTFIX, None, "listed 2013-12-12")]


def test_notes_wordings_for_inclusion_supersedence_and_dates_with_separators():
    body = """<?xml version="1.0" encoding="utf-8"?>
<Updates>
  <Description>Recommended hotfixes for Windows Server 2012 R2 Hyper-V</Description>
  <Update Id="KB2919394">
    <Description>11.02.2014 Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: February 2014
    </Description>
    <Notes>Replaces KB2903939 and KB2887595</Notes></Update>
  <Update Id="KB2887595">
    <Description>11/12/2013 Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: November 2013
    </Description>
    <Notes>Included in KB2919394</Notes></Update>
  <Update Id="KB2913695">
    <Description>2014-01-20 - Virtual machines lose network connectivity with Broadcom NetXtreme adapters</Description>
    <Notes>Superseded by KB2919394</Notes></Update>
  <Update Id="KB2920193">
    <Description>2014-02-11: Long restart time or CSV failure</Description>
    <Notes>Includes hotfix 2896328, hotfix 2913193 and hotfix 2896329</Notes></Update>
  <Update Id="KB2928680">
    <Description>2014-02-11 — Update for a newer rollup</Description>
    <Notes>Superseded by KB3000850; to apply it you must first install KB2919355</Notes></Update>
</Updates>""".encode()
    page = parse_page(body, None, HINTS.url, HINTS)
    got = {e.kb: (e.released, e.title, e.supersedes, e.included_in, e.standalone) for e in page.entries}
    assert got == {
        "KB2919394": (None, "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: "
                      "February 2014", ("KB2887595", "KB2903939", "KB2913695"), (), True),
        "KB2887595": (None, "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: "
                      "November 2013", (), ("KB2919394",), True),
        "KB2913695": (None, "Virtual machines lose network connectivity with Broadcom NetXtreme adapters", (), (),
                      True),
        "KB2920193": (None, "Long restart time or CSV failure", (), (), True),
        "KB2928680": (None, "Update for a newer rollup", (), (), True),  # KB3000850 is not listed
    }
    assert page.includes == (("KB2920193", "KB2896328"), ("KB2920193", "KB2913193"), ("KB2920193", "KB2896329"))
    assert page.entries[2].notes == "listed 2014-01-20; Superseded by KB2919394"


def test_notes_are_read_by_the_sentence_rules_of_articles():
    """"does not replace", "is replaced by" and a prerequisite in a list's notes replace nothing; the
    community wording "This update replace update KB2870270, include also updates ..." replaces KB2870270."""
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<Updates><Description>Cluster hotfixes</Description>
  <Update Id="KB2878635"><Description>2013-12-23 Update for the cloud service provider</Description>
    <Notes>This update replace update KB2870270, include also updates KB2869923, KB2908415</Notes></Update>
  <Update Id="KB2908415"><Description>2013-12-12 CSVs go offline</Description>
    <Notes>Does not replace KB2869923. To apply it you must first install KB2919355, which replaces KB2883200.</Notes>
  </Update>
  <Update Id="KB2779069"><Description>2013-12-12 Cluster control codes</Description>
    <Notes>This hotfix is replaced by KB2903938.</Notes></Update>
</Updates>"""
    page = parse_page(body, None, HINTS.url, HINTS)
    assert {e.kb: e.supersedes for e in page.entries} == {"KB2878635": ("KB2870270",), "KB2908415": (),
                                                          "KB2779069": ()}
