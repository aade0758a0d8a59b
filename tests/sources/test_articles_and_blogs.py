"""KB articles (every layout and translation kbscan reads) and blog posts parse to exactly the expected
entries, relations and dates; pages that only mention KBs yield none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.errors import SourceError
from scanner.models import CatalogueEntry, Kind
from scanner.sources import SourceHints, parse_page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
HF, UR, UP = Kind.HOTFIX, Kind.UPDATE_ROLLUP, Kind.UPDATE
HV, FC = ("hyper-v",), ("failover-clustering",)
SRC = ("s",)


def parse(name: str, body: bytes | None = None, hints: SourceHints | None = None):  # type: ignore[no-untyped-def]
    data = (PAGES / name).read_bytes() if body is None else body
    return parse_page(data, None, f"http://127.0.0.1/{name}", hints or SourceHints("s"))


def whole(entry: CatalogueEntry) -> tuple[object, ...]:
    return (entry.kb, entry.kind, entry.released, entry.products, entry.roles, entry.supersedes,
            entry.included_in, entry.standalone, entry.download, entry.sources, entry.title, entry.notes)


# ---- KB articles ---------------------------------------------------------------------------------------

def test_kb_content_2013_layout_reads_the_replacement_inside_sbody_divs():
    page = parse("article-kb2908415-kbcontent-2013.html")
    assert (page.family, page.includes) == ("kb-article", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2908415", HF, None, ("ws2012",), (*HV, *FC), ("KB2869923",), (), True, (), SRC,
         "Cluster shared volumes go offline or the Cluster service stops during VM backup on a Windows Server 2012 "
         "Hyper-V host server", "last reviewed 2013-12-12")]


PREREQUISITE = [
    ("KB3046826", HF, None, ("ws2012r2",), HV, (), (), True, (), SRC,
     "Virtual Machine Management Service stops responding when you perform a live migration in Windows Server 2012 "
     "R2", "last reviewed 2015-05-12")]


def test_prerequisite_update_is_never_an_inclusion():
    """"To apply this hotfix, you must first install update 2919355" says what to install before, not that
    2919355 carries the hotfix: the hotfix stays required on a host that has 2919355."""
    page = parse("article-kb3046826-prerequisite.html")
    assert (page.family, page.includes) == ("kb-article", ())
    assert [whole(e) for e in page.entries] == PREREQUISITE


def test_prerequisite_sentence_outside_a_prerequisites_section_is_never_an_inclusion():
    """The same sentence under "Hotfix information": the prerequisite is in the wording, not only in the
    heading (scanner/sources/text.py's included_in_from_text refuses this wording on its own too)."""
    body = (PAGES / "article-kb3046826-prerequisite.html").read_bytes().replace(b"<h3>Prerequisites</h3>", b"")
    page = parse("article-kb3046826-prerequisite.html", body)
    assert (page.family, page.includes) == ("kb-article", ())
    assert [whole(e) for e in page.entries] == PREREQUISITE


def test_update_that_says_it_includes_other_updates_gives_includes_pairs():
    page = parse("article-kb2878635-includes.html")
    assert page.family == "kb-article"
    assert page.includes == (("KB2878635", "KB2869923"), ("KB2878635", "KB2908415"))
    assert [whole(e) for e in page.entries] == [
        ("KB2878635", UP, None, ("win8", "ws2012"), (), ("KB2870270",), (), True, (), SRC,
         "Update is available that improves the resiliency of the cloud service provider in Windows 8 and Windows "
         "Server 2012: December 2013", "last reviewed 2013-12-23")]


def test_support_topic_page_is_an_article_by_its_awa_kb_id_and_its_scripts_are_not_read():
    """support.microsoft.com/topic/ pages carry the number only in `<meta name="awa-kb_id">`; the script in
    the head names a rollup and a replaced hotfix that the article does not."""
    page = parse("article-kb2779069-topic.html")
    assert (page.family, page.includes) == ("kb-article", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2779069", HF, None, ("ws2008r2", "ws2012"), FC, (), (), True, (), SRC,
         "A hotfix is available that adds two new cluster control codes to help you determine which cluster node is "
         "blocking a GUM update in Windows Server 2008 R2 and Windows Server 2012", "")]


def test_learn_troubleshoot_article_by_its_original_kb_number():
    page = parse("article-kb2908415-learn.html")
    assert (page.family, page.includes) == ("kb-article", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2908415", HF, None, ("ws2012",), (*HV, *FC), ("KB2869923",), (), True, (), SRC,
         "Cluster Shared Volumes go offline or the Cluster service stops during VM backup on a Windows Server 2012 "
         "Hyper-V host", "")]


# "Clusterknoten" and "クラスター" are role words of the word table, as "cluster" is in English
@pytest.mark.parametrize(("name", "roles", "notes", "title_start"), [
    ("article-kb2779069-de-de.html", FC, "", "Ein Hotfix ist verfügbar, der zwei neue Clustersteuercodes"),
    ("article-kb2779069-fr-fr.html", FC, "last reviewed 2013-12-12", "Un correctif est disponible qui ajoute"),
    ("article-kb2779069-ja-jp.html", FC, "", "Windows Server 2008 R2 および Windows Server 2012 で GUM 更新を"),
])
def test_translated_articles_by_their_own_labels(name: str, roles: tuple[str, ...], notes: str, title_start: str):
    """"Gilt für"/"Artikel-ID"/"ersetzt", "S'applique à"/"Numéro d'article"/"remplace" (ISO-8859-1, a
    day-first date), "対象"/"文書番号"/"置き換え" (Shift_JIS). The French prerequisite is not a relation."""
    page = parse(name)
    assert (page.family, page.includes) == ("kb-article", ())
    assert [whole(e)[:-2] for e in page.entries] == [
        ("KB2779069", HF, None, ("ws2008r2", "ws2012"), roles, ("KB2550886",), (), True, (), SRC)]
    assert page.entries[0].title.startswith(title_start) and page.entries[0].notes == notes


ROLLUP_DEC_2013 = "Windows RT, Windows 8, and Windows Server 2012 update rollup: December 2013"


def test_rollup_reviewed_months_later_keeps_the_release_its_title_month_confirms():
    """"Last Review: March 18, 2014" is an edit: the rollup was released "on December 10, 2013", the month
    its title names. What it lists under "Issues that this update rollup resolves" it includes."""
    page = parse("article-kb2903938-rollup-reviewed-later.html")
    assert page.family == "kb-article"
    assert page.includes == (("KB2903938", "KB2898774"), ("KB2903938", "KB2896881"))
    assert [whole(e) for e in page.entries] == [
        ("KB2903938", UR, date(2013, 12, 10), ("win8", "ws2012"), (), (), (), True, (), SRC, ROLLUP_DEC_2013, "")]


def test_rollup_with_only_a_later_review_date_has_no_release_date():
    """No date is better than a wrong one: a release of 2014-03-18 would end the deferral window in April."""
    body = (PAGES / "article-kb2903938-rollup-reviewed-later.html").read_bytes().replace(
        b" It is released on December 10, 2013.", b"")
    page = parse("article-kb2903938-rollup-reviewed-later.html", body)
    assert page.includes == (("KB2903938", "KB2898774"), ("KB2903938", "KB2896881"))
    assert [whole(e) for e in page.entries] == [
        ("KB2903938", UR, None, ("win8", "ws2012"), (), (), (), True, (), SRC, ROLLUP_DEC_2013,
         "last reviewed 2014-03-18")]


@pytest.mark.parametrize("heading", ["Issues that this update rollup fixes", "Improvements and fixes",
                                     "Probleme, die durch dieses Updaterollup behoben werden"])
def test_rollup_article_with_a_fixes_table_is_the_rollup_and_its_rows_are_what_it_includes(heading: str):
    """KB2919394 lists its fixes in a table with a KB column: the rows are not recommendations of their
    own (they would be missing on every host that has the rollup), they are included in it, whatever the
    table's heading says."""
    body = (PAGES / "article-kb2919394-rollup-fixes-table.html").read_bytes().replace(
        b"Issues that this update rollup fixes", heading.encode())
    page = parse("article-kb2919394-rollup-fixes-table.html", body)
    assert page.family == "kb-article"
    assert page.includes == (("KB2919394", "KB2920193"), ("KB2919394", "KB2913695"))
    assert [whole(e) for e in page.entries] == [
        ("KB2919394", UR, date(2014, 2, 11), ("win81", "ws2012r2"), (), (), (), True, (), SRC,
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: February 2014", "")]


def test_kb_article_that_recommends_updates_in_a_table_stays_an_update_list():
    """KB 2784261 is an article ("Applies to", an article number) carrying a recommended-updates table;
    its title is no package's, so its rows are the recommendations."""
    body = (PAGES / "cluster-2012-kb.html").read_bytes().replace(
        b"</title>", b"</title><meta name=\"ms.kbid\" content=\"2784261\">").replace(
        b"</table>\n</div>", b"</table>\n<h2>Applies to</h2><ul><li>Windows Server 2012 Datacenter</li></ul></div>")
    page = parse("cluster-2012-kb.html", body, SourceHints("s", "u", ("ws2012",), FC))
    assert page.family == "update-list"
    assert [e.kb for e in page.entries] == ["KB2911101", "KB2779069", "KB2898774", "KB2903938", "KB2878635",
                                            "KB2894464"]


def test_replaces_the_following_hotfixes_list():
    page = parse("article-kb3062586-replaces-list.html")
    assert (page.family, page.includes) == ("kb-article", ())
    assert [whole(e) for e in page.entries] == [
        ("KB3062586", HF, None, ("ws2012r2",), FC, ("KB3004539", "KB3036614"), (), True, (), SRC,
         "Cluster service stops responding on a Windows Server 2012 R2 failover cluster", "last reviewed 2015-06-23")]


def test_hotfix_for_a_problem_a_rollup_causes_is_a_hotfix_and_not_included_in_that_rollup():
    """"... after you install update rollup 2903938": the rollup causes the problem; installing it does not
    cover the hotfix, and the title does not make the hotfix a rollup."""
    page = parse("article-kb2955164-names-rollup.html")
    assert (page.family, page.includes) == ("kb-article", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2955164", HF, None, ("ws2012",), HV, (), (), True, (), SRC,
         "Virtual machines stop responding after you install update rollup 2903938 on a Windows Server 2012-based "
         "Hyper-V host", "last reviewed 2014-04-08")]


# ---- blog posts ----------------------------------------------------------------------------------------

def test_roundup_post_lists_kbs_as_bullets_in_every_way_bloggers_write_them():
    """"KBn – title", "KBn — title", "KB n - title", "n: title" and a bullet that is only a link; the
    sidebar's "Recent Posts" is not part of the post."""
    page = parse("blog-roundup-bullets.html")
    ws = ("ws2012",)
    assert (page.family, page.includes) == ("blog", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2779069", HF, None, ws, FC, (), (), True, (), SRC,
         "A hotfix is available that adds two new cluster control codes to help you determine which cluster node is "
         "blocking a GUM update", ""),
        ("KB2905412", HF, None, ws, (), (), (), True, (), SRC,
         "Stop error 0xD1 on a Windows-based computer with multiple processors", ""),
        ("KB2908415", HF, None, ws, (*HV, *FC), (), (), True, (), SRC,
         "CSVs go offline or the Cluster service stops during VM backup", ""),
        ("KB2902014", HF, None, ws, HV, (), (), True, (), SRC,
         "System time of a virtual machine becomes incorrect after it crashes or resets", ""),
        ("KB2894485", HF, None, ws, HV, (), (), True, (), SRC,
         "Cross-page memory read or write operation crashes virtual machine", ""),
        ("KB2898774", HF, None, ws, (), (), ("KB2903938",), False, (), SRC, "Data loss on a shared SCSI disk", ""),
    ]


def test_bold_paragraph_titles_inside_a_post():
    page = parse("blog-bold-titles.html")
    assert (page.family, page.includes) == ("blog", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2902014", HF, None, ("win8", "ws2012"), HV, (), (), True, (), SRC,
         "Guest System Time Incorrect After VM Crashes On Win8 or WS2012 Hyper-V Host", ""),
        ("KB2894485", HF, None, ("win8", "ws2012"), HV, (), (), True, (), SRC,
         "Cross-Page Memory Operation Crashes VM on Win8 or WS2012 Hyper-V Host", ""),
        ("KB2905412", HF, None, (), (), (), (), True, (), SRC,
         "Stop Error 0xD1 On Windows-Based Computer With Multiple Processors", ""),
    ]


def test_post_title_shapes():
    """"Hotfix: KBn – ...", "... (KBn)", "[KBn] ...", "KBn | ...", an em dash entity, and an h5 title."""
    page = parse("blog-title-shapes.html")
    ws = ("ws2012",)
    assert (page.family, page.includes) == ("blog", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2779069", HF, None, ("ws2008r2", "ws2012"), FC, (), (), True, (), SRC,
         "Determine Which Cluster Node Is Blocking GUM Updates In WS2008R2 & WS2012", ""),
        ("KB2908415", HF, None, ws, (*HV, *FC), (), (), True, (), SRC,
         "CSVs Go Offline During VM Backup On WS2012 Hyper-V", ""),
        ("KB2902014", HF, None, ws, HV, (), (), True, (), SRC, "Guest System Time Incorrect After VM Crash", ""),
        ("KB2894485", HF, None, ws, HV, (), (), True, (), SRC, "Cross-Page Memory Operation Crashes VM", ""),
        ("KB2905412", HF, None, ws, (), (), (), True, (), SRC, "Stop Error 0xD1 On Multiprocessor Computers", ""),
        ("KB2898774", HF, None, (), (), (), ("KB2903938",), False, (), SRC, "Data Loss On A Shared SCSI Disk", ""),
    ]


@pytest.mark.parametrize("wording", ["To apply this hotfix, you must first install update 2919355",
                                     "Prerequisite: install update 2919355"])
def test_post_quoting_a_prerequisite_keeps_the_hotfix_standalone(wording: str):
    body = (PAGES / "blog-prerequisite.html").read_bytes().replace(
        b"To apply this hotfix, you must first install update 2919355", wording.encode())
    page = parse("blog-prerequisite.html", body)
    assert (page.family, page.includes) == ("blog", ())
    assert [whole(e) for e in page.entries] == [
        ("KB3046826", HF, None, ("ws2012r2",), HV, (), (), True, (), SRC,
         "VMMS Stops Responding During Live Migration On WS2012 R2 Hyper-V", "")]


def test_readers_comments_in_an_old_theme_give_no_relations():
    """`<body class="single-post">` is not the post: without an `<article>`, the post is the title's
    siblings, and the comments ("installing update rollup 2903938", "replaces hotfix 2550886") are not."""
    page = parse("blog-oldtheme-comments.html")
    assert (page.family, page.includes) == ("blog", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2779069", HF, None, ("ws2008r2", "ws2012"), FC, (), (), True, (), SRC,
         "Hotfix To Determine Which Cluster Node Is Blocking GUM Updates In WS2008R2 & WS2012", "")]


def test_related_posts_headings_inside_the_post_are_not_posts():
    page = parse("blog-related-posts.html")
    assert (page.family, page.includes) == ("blog", ())
    assert [whole(e) for e in page.entries] == [
        ("KB2908415", HF, None, ("ws2012",), (*HV, *FC), (), (), True, (), SRC,
         "CSVs Go Offline Or Cluster Service Stops During VM Backup On WS2012 Hyper-V", "")]


@pytest.mark.parametrize("name", ["blog-lab-notes-references.html", "blog-forum-thread-mentions.html"])
def test_pages_that_only_mention_kbs_are_no_blog(name: str):
    """A post's "References" and "Updates installed on the nodes" lists, a sidebar of KB-titled posts, and
    a forum thread naming KBs in its headings: no entry (a false one would make hosts noncompliant)."""
    with pytest.raises(SourceError, match="no known page family"):
        parse(name)
