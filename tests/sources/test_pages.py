"""Every page family parses its fixture pages to exactly the expected entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.errors import SourceError
from scanner.models import CatalogueEntry, Kind
from scanner.sources import SourceHints, parse_page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
HF = Kind.HOTFIX
X64 = "http://hotfixv4.microsoft.com/Windows%208%20RTM/nosp/Fix475826/9200/free/468937_intl_x64_zip.exe"


def parse(name: str, hints: SourceHints, content_type: str | None = None):  # type: ignore[no-untyped-def]
    return parse_page((PAGES / name).read_bytes(), content_type, f"http://127.0.0.1/{name}", hints)


def facts(entry: CatalogueEntry) -> tuple[object, ...]:
    return (entry.kb, entry.kind, entry.released, entry.products, entry.roles, entry.supersedes,
            entry.included_in, entry.standalone, entry.download, entry.sources)


def test_wiki_update_list_with_bold_td_header_links_text_ids_and_note_rows():
    page = parse("hyperv-2012-wiki.html", SourceHints("hyperv-2012", "u", ("ws2012",), ("hyper-v",)))
    assert page.family == "update-list"
    src = ("hyperv-2012",)
    # "Date Added" is when the row joined the list, not a release date: it stays in the notes
    assert [(facts(e), e.notes) for e in page.entries] == [
        (("KB2902014", HF, None, ("ws2012",), ("hyper-v",), (), (), True, (), src), "listed 2013-12-12; Hyper-V"),
        (("KB2894485", HF, None, ("ws2012",), ("hyper-v",), (), (), True, (), src), "listed 2013-12-12; Hyper-V"),
        (("KB2908415", HF, None, ("ws2012",), ("hyper-v",), (), (), True, (X64,), src),
         "listed 2013-12-12; Cluster / Hyper-V"),
        (("KB2905249", HF, None, ("ws2012",), ("hyper-v",), (), (), True, (), src), "Hyper-V"),
    ]
    assert page.entries[0].title == ("System time of a virtual machine becomes incorrect after it crashes or resets in "
                                     "a 64 bit Windows 8-based or Windows Server 2012-based Hyper-V host")
    assert page.entries[3].title == ("\"0x8007007A\" error when you migrate a virtual machine that's running "
                                     "Windows Server 2012")


def test_cluster_kb_table_with_th_header_relations_and_rollup_kinds():
    page = parse("cluster-2012-kb.html", SourceHints("cluster-2012", "u", ("ws2012",), ("failover-clustering",)))
    fc, ws = ("failover-clustering",), ("ws2012",)
    src = ("cluster-2012",)
    # "Date added" is never a release date, for any kind (docs/sources.md)
    assert [(facts(e), e.notes.split(";")[0]) for e in page.entries] == [
        (("KB2911101", Kind.UPDATE_ROLLUP, None, ws, fc, (), (), True, (), src), "listed 2014-01-14"),
        (("KB2779069", HF, None, ws, fc, (), (), True, (), src), "listed 2013-12-12"),
        (("KB2898774", HF, None, ws, fc, (), ("KB2903938",), False, (), src), "listed 2013-12-10"),
        (("KB2903938", Kind.UPDATE_ROLLUP, None, ws, fc, (), (), True, (), src), "listed 2013-12-10"),
        (("KB2878635", Kind.UPDATE, None, ws, fc, ("KB2870270",), (), True, (), src), "listed 2013-12-23"),
        (("KB2894464", HF, None, ws, fc, (), (), True, (), src), "listed 2013-11-14"),
    ]
    assert page.includes == (("KB2911101", "KB2876391"),)


def test_reordered_columns_help_links_and_products_from_text_without_hints():
    page = parse("cluster-2012r2-reordered.html", SourceHints("c2"))
    assert [facts(e) for e in page.entries] == [
        ("KB2919394", HF, date(2014, 2, 11), ("ws2012r2",), ("hyper-v",), (), (), True, (), ("c2",)),
        ("KB2887595", Kind.UPDATE_ROLLUP, date(2013, 11, 12), ("win81", "ws2012r2"), (), (), (), True, (), ("c2",)),
        ("KB2913695", HF, date(2014, 1, 20), ("win81", "ws2012r2"), ("hyper-v",), (), (), True, (), ("c2",)),
    ]
    assert page.entries[2].title == "Hyper-V hosts lose network connectivity after a live migration"


@pytest.mark.parametrize("name", ["blog-wordpress.html", "blog-plain-cp1252.html"])
def test_blog_posts_one_kb_each_other_posts_yield_nothing(name: str):
    page = parse(name, SourceHints("blog"))
    assert page.family == "blog"
    expected = [
        ("KB2779069", HF, None, ("ws2008r2", "ws2012"), ("failover-clustering",), (), (), True, (), ("blog",)),
        ("KB2905412", HF, None, (), (), (), (), True, (), ("blog",)),
        ("KB2908415", HF, None, ("ws2012",), ("hyper-v", "failover-clustering"), (), (), True, (), ("blog",)),
        ("KB2902014", HF, None, ("win8", "ws2012"), ("hyper-v",), (), (), True, (), ("blog",)),
        ("KB2894485", HF, None, ("win8", "ws2012"), ("hyper-v",), (), (), True, (), ("blog",)),
        ("KB2898774", HF, None, ("ws2012",), ("failover-clustering",), (), ("KB2903938",), False, (), ("blog",)),
    ]
    # the plain page carries the first five posts only
    assert [facts(e) for e in page.entries] == (expected if "wordpress" in name else expected[:5])
    assert page.entries[0].title == ("Hotfix To Determine Which Cluster Node Is Blocking GUM Updates In WS2008R2 & "
                                     "WS2012")


def test_blog_div_posts_with_hyphen_and_entity_dash_separators_and_a_sidebar():
    """`<div class="post"><h3 class="entry-title">` posts; a sidebar link naming a KB is not a post, and a
    post that names a KB only in its body yields nothing."""
    page = parse("blog-div-posts.html", SourceHints("blog"))
    hv = "http://hotfixv4.microsoft.com/Windows%208%20RTM/nosp/Fix470567/9200/free/467000_intl_x64_zip.exe"
    assert [(facts(e), e.title) for e in page.entries] == [
        (("KB2898774", HF, None, ("ws2012",), ("failover-clustering",), (), ("KB2903938",), False, (), ("blog",)),
         "Data Loss On A Shared SCSI Disk In A WS2012 Failover Cluster"),
        (("KB2894485", HF, None, ("win8", "ws2012"), ("hyper-v",), ("KB2868909",), (), True, (hv,), ("blog",)),
         "Cross-Page Memory Operation Crashes VM on Windows 8 or Windows Server 2012 Hyper-V Host"),
        (("KB2905412", HF, None, ("win7", "ws2008r2", "win8", "ws2012"), (), (), (), True, (), ("blog",)),
         "Stop Error 0xD1 On Multiprocessor Computers"),
    ]


def test_blog_hints_override_text():
    page = parse("blog-wordpress.html", SourceHints("blog", "u", ("ws2012",), ()))
    assert {e.products for e in page.entries} == {("ws2012",)}


def test_kb_article_old_layout_with_rollup_resolution():
    page = parse("kb2898774-old.html", SourceHints("kb", "http://support.microsoft.com/kb/2898774"))
    assert page.family == "kb-article"
    assert [facts(e) for e in page.entries] == [
        ("KB2898774", HF, None, ("ws2012",), ("failover-clustering",), (), ("KB2903938",), False, (),
         ("kb",))]


def test_kb_article_new_layout_with_replacement_and_download():
    page = parse("kb2779069-new.html", SourceHints("kb"))
    assert [facts(e) for e in page.entries] == [
        ("KB2779069", HF, date(2013, 12, 12), ("ws2008r2", "ws2012"), ("failover-clustering",), ("KB2550886",), (),
         True, (X64,), ("kb",))]


def test_kb_article_archive_copy_gives_the_original_download_and_no_replacement():
    """A web.archive.org copy: the toolbar's table is not an update list, the rewritten hotfix link gives
    the original URL, and "does not replace a previously released hotfix" is no supersedence."""
    url = "http://web.archive.org/web/20131220103000/http://support.microsoft.com/kb/2902014"
    page = parse_page((PAGES / "kb2902014-archive.html").read_bytes(), "text/html", url, SourceHints("kb"))
    hotfix = "http://hotfixv4.microsoft.com/Windows%208%20RTM/nosp/Fix473113/9200/free/469330_intl_x64_zip.exe"
    assert page.family == "kb-article"
    assert [facts(e) for e in page.entries] == [
        ("KB2902014", HF, None, ("win8", "ws2012"), ("hyper-v",), (), (), True, (hotfix,), ("kb",))]
    assert page.entries[0].title.startswith("System time of a virtual machine becomes incorrect")


def test_malformed_html_still_parses_what_it_can():
    page = parse("malformed.html", SourceHints("m", "u", ("ws2012r2",), ()))
    assert [(e.kb, e.kind) for e in page.entries] == [("KB2883200", Kind.UPDATE_ROLLUP),
                                                      ("KB2887595", Kind.UPDATE_ROLLUP)]


def test_own_xml_list_relations_duplicates_and_dates():
    page = parse("list-own.xml", SourceHints("l"))
    ws, fc = ("ws2012r2",), ("failover-clustering",)
    msu = ("http://download.microsoft.com/download/2/5/6/256CCCFB-5341-4A8D-A277-8A81B21A1E35/"
           "Windows8.1-KB2919355-x64.msu")
    assert [facts(e) for e in page.entries] == [
        ("KB2919355", Kind.UPDATE, None, ws, fc, (), (), True, msu and (msu,), ("l",)),
        ("KB2919394", Kind.UPDATE_ROLLUP, None, ws, fc, ("KB2887595",), (), True, (), ("l",)),  # listed, not released
        ("KB2920193", HF, None, ws, fc, (), (), True,
         ("http://hotfixv4.microsoft.com/Windows%208.1/Windows%20Server2012%20R2/sp1/Fix000000/9600/free/"
          "000000_intl_x64_zip.exe", "http://hotfixv4.microsoft.com/Windows%208.1/x86/Fix000000/000001_intl_i386_zip.exe"),
         ("l",)),
    ]
    assert page.includes == (("KB2919355", "KB2919394"), ("KB2919394", "KB2920193"))
    assert page.entries[2].notes == "listed 2014-02-11; listed 2014-02-20"


def test_xml_with_entities_is_refused():
    with pytest.raises(SourceError, match="declares entities"):
        parse("list-entities.xml", SourceHints("l"))


@pytest.mark.parametrize("body", [b"", b"<html><body><p>Nothing to see</p></body></html>", b"\x00\xff" * 100,
                                  b"<table><tr><th>Name</th><th>Link</th></tr><tr><td>a</td><td>b</td></tr></table>"])
def test_pages_of_no_family_are_source_errors(body: bytes):
    with pytest.raises(SourceError, match="no known page family"):
        parse_page(body, "text/html", "http://127.0.0.1/x", SourceHints("x"))
