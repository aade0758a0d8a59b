"""Update-list tables as the real pages write them: TechNet wiki lists, KB 2784261 / 2920151 and their
learn.microsoft.com and translated copies. Every test compares the whole parsed result."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.models import Kind
from scanner.sources import ParsedPage, SourceHints, parse_page
from scanner.sources.interface import Page, browser_charset
from scanner.sources.tables import grid, header, rows
from scanner.sources.text import kb_from_cell, kb_from_link
from scanner.sources.wiki_table import WikiTableParser
from scanner.sources.words import column_meaning, day_first, iso_date

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
HF, UP, UR, CU = Kind.HOTFIX, Kind.UPDATE, Kind.UPDATE_ROLLUP, Kind.CUMULATIVE_UPDATE
R2, WS12, R2C = ("ws2012r2",), ("ws2012",), ("win81", "ws2012r2")
HV, FC = ("hyper-v",), ("failover-clustering",)
APRIL = "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update: April 2014"


def parse(name: str, hints: SourceHints | None = None, content_type: str | None = None,
          url: str | None = None) -> ParsedPage:
    return parse_page((PAGES / name).read_bytes(), content_type, url or f"http://127.0.0.1/{name}",
                      hints or SourceHints("s"))


def facts(page: ParsedPage) -> list[tuple[object, ...]]:
    """Every entry in full: kb, kind, released, products, roles, supersedes, included_in, standalone,
    download, title, notes (each from the one source)."""
    assert all(e.sources == ("s",) for e in page.entries)
    return [(e.kb, e.kind, e.released, e.products, e.roles, e.supersedes, e.included_in, e.standalone, e.download,
             e.title, e.notes) for e in page.entries]


def test_wiki_sections_read_relations_from_comment_columns_and_skip_superseded_and_see_also_tables():
    """TechNet wiki 20842: "Fix Type/Comment" carries Includes/Replaces/included-in; "Date added" is kept
    as listed; the "Superseded updates" table gives KB2919394 supersedes KB2903939 (its replacement is an
    entry) and drops KB2870270 -> KB2878635 (not on the page); "See Also" and the comments give nothing."""
    page = parse("update-list-wiki-2012r2-sections.html")
    catalog = "http://catalog.update.microsoft.com/v7/site/Search.aspx?q="
    assert page.family == "update-list"
    assert facts(page) == [
        ("KB2919355", CU, None, R2C, (), (), (), True, (), APRIL,  # the comment says what it is
         "Cumulative update. Includes KB2919394 and KB2928680."),
        ("KB2919394", UR, None, R2C, (), ("KB2903939",), ("KB2919355",), False, (catalog + "2919394",),
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: February 2014",
         "Update Rollup. It is included in KB2919355."),
        ("KB2887595", UR, None, R2C, (), ("KB2883200",), (), True, (catalog + "2887595",),
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: November 2013",
         "Update Rollup. Replaces KB2883200 (GA rollup)."),
        ("KB2913695", HF, None, R2, HV, (), (), True, (),
         "Virtual machines lose network connectivity when you use Broadcom NetXtreme 1-gigabit network adapters on "
         "Windows Server 2012 R2-based Hyper-V hosts", "listed 2014-01-20"),
        ("KB2920193", HF, None, R2, FC, (), (), True, (),
         "Long restart time or CSV failure after installing KB2903939 on a Windows Server 2012 R2 failover cluster",
         "listed 2014-03-11"),
    ]
    assert page.includes == (("KB2919355", "KB2919394"), ("KB2919355", "KB2928680"))
    assert dict(page.entries[1].provenance) == {"supersedes": ("s",), "included_in": ("s",)}


def test_kb_cell_number_or_link_wins_over_notes_marks_and_every_link_form():
    """974909<sup>1</sup> is KB974909; "2919355 (install KB2919442 first)" is KB2919355 with a note;
    "3013769 (includes KB3004539)" is KB3013769 including it; a cell of three KBs gives three entries;
    ?id=, default.aspx?id=, /kb/KB..., %3b-escaped scid, /topic/...-kb3000850-... links; "2919394*",
    "KB-2934016", a soft hyphen, "KB&nbsp;", full-width digits; "Q974909" is no KB."""
    page = parse("update-list-kb-cells.html", SourceHints("s", "u", (), HV))
    others = f"{APRIL} (the other packages of the update)"
    assert facts(page) == [
        ("KB974909", HF, None, ("ws2008r2",), HV, (), (), True, (),
         "The network connection of a running Hyper-V virtual machine is lost under heavy outgoing network traffic "
         "on a Windows Server 2008 R2-based computer", ""),
        ("KB2263829", HF, None, ("ws2008r2",), HV, (), (), True, (),
         "The network connection of a running Hyper-V virtual machine may be lost under heavy outgoing network "
         "traffic on a computer that is running Windows Server 2008 R2 SP1", ""),
        ("KB2779069", HF, None, ("ws2008r2", "ws2012"), HV, (), (), True, (),
         "A hotfix is available that adds two new cluster control codes to help you determine which cluster node "
         "is blocking a GUM update in Windows Server 2008 R2 and Windows Server 2012", ""),
        ("KB2894485", HF, None, WS12, HV, (), (), True, (),
         "Cross-page memory read or write operation crashes virtual machine", ""),
        ("KB2898774", HF, None, WS12, HV, (), (), True, (),
         "Data loss occurs on a SCSI disk that turns off in a Windows Server 2012-based failover cluster", ""),
        ("KB2878635", UP, None, WS12, HV, (), (), True, (),
         "Update is available that improves the resiliency of the cloud service provider in Windows Server 2012: "
         "December 2013", ""),
        ("KB2905412", HF, None, ("ws2008r2",), HV, (), (), True, (),
         "Stop error 0xD1 on a Windows-based computer with multiple processors", ""),
        ("KB2919394", UR, None, R2C, HV, (), (), True, (),
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: February 2014", ""),
        ("KB2919355", UP, None, R2C, HV, (), (), True, (), APRIL, "(install KB2919442 first)"),
        ("KB2932046", UP, None, R2C, HV, (), (), True, (), others, ""),
        ("KB2934018", UP, None, R2C, HV, (), (), True, (), others, ""),
        ("KB2959977", UP, None, R2C, HV, (), (), True, (), others, ""),
        ("KB3013769", UR, None, R2C, HV, (), (), True, (),
         "December 2014 update rollup for Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2",
         "(includes KB3004539)"),
        ("KB2919442", UP, None, R2C, HV, (), (), True, (),
         "Windows 8.1 and Windows Server 2012 R2 servicing stack update: March 2014", ""),
        ("KB2934016", UP, None, R2C, HV, (), (), True, (),
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update that adds support for Windows Management "
         "Framework 5.0", ""),
        ("KB2938066", HF, None, R2, HV, (), (), True, (),
         "You cannot use Shared VHDX files after a live migration in Windows Server 2012 R2", ""),
        ("KB2887595", UR, None, R2C, HV, (), (), True, (),
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: November 2013", ""),
        ("KB2939793", HF, None, R2, HV, (), (), True, (), "Shared VHDX disks fail after the host restarts", ""),
        ("KB3000850", UR, None, R2C, HV, (), (), True, (),
         "November 2014 update rollup for Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2", ""),
    ]
    assert page.includes == (("KB3013769", "KB3004539"),)


def test_header_words_match_as_words_with_precedence_bold_by_css_thead_plain_rows_and_spans():
    """"Update", "Update ID", "Hotfix", "KB/Update" are the KB column (not a date: "update" holds "date");
    "Article title" is the title; "Hotfix" next to "KB" is the title; "Type" gives the kind; only
    "Release date", "Released" and a bare "Date" set `released` ("Last updated" and "Date added" are notes,
    for every kind); the nearest h2 ("Cluster hotfixes", "Hyper-V hotfixes") scopes the roles of its tables;
    headers bold by CSS, in <thead><td> or a plain first row of header words; rowspan and colspan."""
    page = parse("update-list-header-forms.html")
    assert facts(page) == [
        ("KB2903938", UR, None, ("win8", "ws2012"), (), (), (), True, (),
         "Windows RT, Windows 8, and Windows Server 2012 update rollup: December 2013", ""),
        ("KB2911101", UR, date(2014, 1, 14), ("win8", "ws2012"), (), (), (), True, (),
         "Windows RT, Windows 8, and Windows Server 2012 update rollup: January 2014", ""),
        ("KB2779069", HF, date(2013, 12, 12), (), FC, (), (), True, (),
         "Cluster control codes to find the node that blocks GUM updates", ""),
        ("KB2905412", HF, None, (), FC, (), (), True, (),  # under "Cluster hotfixes"
         "Stop error 0xD1 on a Windows-based computer with multiple processors", ""),
        ("KB2908415", HF, date(2013, 12, 12), (), FC, (), (), True, (),  # the heading, not the title, scopes it
         "CSVs go offline or the Cluster service stops during VM backup", ""),
        ("KB2902014", HF, None, (), FC, (), (), True, (),  # still under "Cluster hotfixes"
         "System time of a virtual machine becomes incorrect after it crashes or resets", "updated 2014-01-05"),
        ("KB2894485", HF, None, (), FC, (), (), True, (),
         "Cross-page memory read or write operation crashes virtual machine", ""),
        ("KB2883200", UR, None, R2C, FC, (), (), True, (),
         "Windows 8.1 and Windows Server 2012 R2 General Availability package", ""),
        ("KB2905249", HF, None, WS12, HV, (), (), True, (),
         "\"0x8007007A\" error when you migrate a virtual machine that's running Windows Server 2012", "Hyper-V"),
        ("KB2894464", HF, None, WS12, HV, (), (), True, (),  # under "Hyper-V hotfixes"
         "Error message when you try to schedule a shadow copy task in Windows Server 2012", "Backup"),
        ("KB2913695", HF, None, (), HV, (), (), True, (),
         "Virtual machines lose network connectivity when you use Broadcom NetXtreme 1-gigabit network adapters",
         "Hyper-V"),
        # under "Windows Server 2012 R2 update rollups": the section names the product
        ("KB2887595", UR, None, R2, (), (), (), True, (),
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: November 2013",
         "listed 2013-12-10; Multiple"),
        ("KB2903939", UR, None, R2, (), (), (), True, (),  # listed in its month: still no release date
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: December 2013",
         "listed 2013-12-10; Multiple"),
        ("KB2920193", HF, None, R2, FC, (), (), True, (),
         "Long restart time or CSV failure on a Windows Server 2012 R2 failover cluster", "listed 2013-12-10; CSV"),
        ("KB2919394", UR, None, R2, (), (), (), True, (),
         "Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 update rollup: February 2014",
         "listed 2014-02-11; Multiple"),
    ]


def test_combined_list_sections_and_subheading_rows_give_products_without_hints():
    """h2 "Windows Server 2012 R2" / "Windows Server 2012" (h3 "Hyper-V" below it) and a spanning row
    "Windows Server 2012 R2" scope their rows; a "Superseded hotfixes" row starts a part that recommends
    nothing; a "Note: ..." row is no heading; a sidebar's "Related articles" is not the table's heading."""
    page = parse("update-list-combined-sections.html")
    assert facts(page) == [
        ("KB2913695", HF, None, R2, HV, (), (), True, (),
         "Virtual machines lose network connectivity when you use Broadcom NetXtreme 1-gigabit network adapters",
         "Hyper-V"),
        ("KB2894485", HF, None, WS12, HV, (), (), True, (),
         "Cross-page memory read or write operation crashes virtual machine", "Hyper-V"),
        ("KB2779069", HF, None, WS12, FC, (), (), True, (),
         "New cluster control codes to determine which node is blocking a GUM update", "Cluster service"),
        ("KB2908415", HF, None, WS12, FC, (), (), True, (),  # the "Failover Clustering" row, not the title
         "CSVs go offline or the Cluster service stops during VM backup", "Cluster service"),
        # the "Windows Server 2012 R2" row names no role: the table's heading "Hyper-V" scopes it, not the title
        ("KB2920193", HF, None, R2, HV, (), (), True, (), "Long restart time or CSV failure on a failover cluster",
         "CSV"),
    ]


def test_source_products_win_over_section_headings_and_source_roles_add_to_them():
    """The source's products are the page's scope; its roles add to the heading's: the "Failover
    Clustering" row under "Hyper-V" on a Hyper-V source needs both roles."""
    page = parse("update-list-combined-sections.html", SourceHints("s", "u", WS12, HV))
    both = ("hyper-v", "failover-clustering")
    assert [(e.kb, e.products, e.roles) for e in page.entries] == [
        ("KB2913695", WS12, HV), ("KB2894485", WS12, HV), ("KB2779069", WS12, both), ("KB2908415", WS12, both),
        ("KB2920193", WS12, HV)]


def test_german_copy_titel_dates_kinds_and_relations():
    page = parse("kb2920151-de-de.html", SourceHints("s", "u", (), FC))
    assert facts(page) == [
        ("KB3036614", HF, None, R2, FC, (), (), True, (),
         "Clusterressourcen führen unerwartet ein Failover aus, wenn Sie einen einzelnen Netzwerkadapter in "
         "Windows Server 2012 R2 verwenden", "listed 2015-04-14; Clusterdienst; Verhindert unerwartete Failover."),
        ("KB3013769", UR, None, R2, FC, (), (), True, (),
         "Updaterollup für Windows RT 8.1, Windows 8.1 und Windows Server 2012 R2: Dezember 2014",
         "listed 2014-12-09; Mehrere; Updaterollup."),
        ("KB3000850", CU, None, R2, FC, ("KB2975719",), (), True, (),
         "Kumulatives Update für Windows RT 8.1, Windows 8.1 und Windows Server 2012 R2: November 2014",
         "listed 2014-11-18; Mehrere; Dieses Update ersetzt das Update 2975719 und enthält die Hotfixes 2996928 "
         "und 2995478."),
        ("KB3004539", HF, None, R2, FC, (), ("KB3013769",), False, (),
         "Das CSV-Volume wird offline geschaltet, wenn Sie eine Sicherung durchführen",
         "listed 2014-12-09; CSV; Um dieses Problem zu beheben, installieren Sie das Updaterollup 3013769."),
    ]
    assert page.includes == (("KB3000850", "KB2996928"), ("KB3000850", "KB2995478"))


def test_french_latin1_copy_titre_day_first_dates_correctif_cumulatif_and_relations():
    """Declared ISO-8859-1 in a <meta>, read as windows-1252 (the ’ is 0x92); 05/03/2014 is 5 March."""
    page = parse("kb2920151-fr-fr-latin1.html")
    assert facts(page) == [
        ("KB3036614", HF, None, R2, FC, (), (), True, (),
         "Les ressources du cluster basculent de façon inattendue lorsque vous utilisez une seule carte réseau "
         "dans Windows Server 2012 R2", "listed 2015-04-14; Service de cluster; Empêche les basculements inattendus."),
        ("KB2920193", HF, None, R2, FC, ("KB2903939",), (), True, (),
         "Délai de redémarrage long ou échec de CSV après l’installation de KB2903939 sur un cluster de basculement "
         "Windows Server 2012 R2", "listed 2014-03-05; CSV; Ce correctif remplace le correctif 2903939."),
        ("KB3013769", UR, None, R2C, (), (), (), True, (),
         "Correctif cumulatif pour Windows RT 8.1, Windows 8.1 et Windows Server 2012 R2 : décembre 2014",
         "listed 2014-12-09; Plusieurs; Correctif cumulatif. Il inclut les correctifs 3004539 et 3002130."),
        ("KB3004539", HF, None, (), FC, (), ("KB3013769",), False, (),
         "Le volume CSV est mis hors connexion lorsque vous effectuez une sauvegarde",
         "listed 2014-12-09; CSV; Pour résoudre ce problème, installez le correctif cumulatif 3013769."),
    ]
    assert page.includes == (("KB3013769", "KB3004539"), ("KB3013769", "KB3002130"))


def test_page_language_from_the_url_when_the_html_has_none():
    body = (PAGES / "kb2920151-fr-fr-latin1.html").read_bytes().replace(b' lang="fr-fr"', b"")
    notes = {url: [e.notes.split(";")[0] for e in parse_page(body, None, url, SourceHints("s")).entries]
             for url in ("https://support.microsoft.com/fr-fr/kb/2920151", "https://support.microsoft.com/kb/2920151")}
    assert notes == {
        "https://support.microsoft.com/fr-fr/kb/2920151": ["listed 2015-04-14", "listed 2014-03-05",
                                                           "listed 2014-12-09", "listed 2014-12-09"],
        # no language: month first, as US pages write it (14/04/2015 can only be day first)
        "https://support.microsoft.com/kb/2920151": ["listed 2015-04-14", "listed 2014-05-03", "listed 2014-09-12",
                                                     "listed 2014-09-12"],
    }


# "クラスター" is a role word of the word table, as "cluster" is in the English copy
JA_3036614 = ("KB3036614", HF, None, R2, FC, (), (), True, (),
              "Windows Server 2012 R2 で単一のネットワーク アダプターを使用すると、"
              "クラスター リソースが予期せずフェールオーバーする",
              "listed 2015-04-14; クラスター サービス; 予期しないフェールオーバーを防ぎます。")
JA_3013769 = ("KB3013769", UR, None, R2C, (), (), (), True, (),
              "Windows RT 8.1、Windows 8.1、および Windows Server 2012 R2 用の"
              "更新プログラムのロールアップ: 2014 年 12 月",
              "listed 2014-12-09; 複数; 更新プログラムのロールアップ。")


def test_japanese_shift_jis_copy_with_support_article_header():
    assert facts(parse("kb2920151-ja-jp-sjis.html")) == [JA_3036614, JA_3013769]


def test_japanese_copy_with_kb_number_header_and_included_in():
    page = parse("kb2920151-ja-jp-kb-number.html")
    assert facts(page) == [JA_3036614, JA_3013769, (
        "KB3004539", HF, None, R2, FC, (), ("KB3013769",), False, (),
        "Windows Server 2012 R2 でバックアップを実行すると CSV ボリュームがオフラインになる",
        "listed 2014-12-09; CSV; この修正プログラムは、更新プログラムのロールアップ 3013769 に含まれています。")]


def test_learn_copy_with_topic_links_and_a_kb_named_only_in_the_title():
    page = parse("kb2920151-learn.html", SourceHints("s", "u", R2, FC))
    assert facts(page) == [
        ("KB3036614", HF, None, R2, FC, (), (), True, (),
         "Cluster resources fail over unexpectedly when you use a single network adapter in Windows Server 2012 R2",
         "listed 2015-04-14; Cluster service; Prevents unexpected failovers."),
        ("KB3013769", UR, None, R2, FC, (), (), True, (),
         "December 2014 update rollup for Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2",
         "listed 2014-12-09; Multiple; Update rollup."),
        ("KB3002130", HF, None, R2, FC, (), (), True, (),
         "Virtual machines lose network connectivity after a live migration on Windows Server 2012 R2",
         "listed 2014-11-18; Hyper-V; Prevents loss of network connectivity."),
        ("KB2984006", UR, None, R2, FC, (), (), True, (),
         "September 2014 update rollup for Windows RT 8.1, Windows 8.1, and Windows Server 2012 R2 (2984006)",
         "listed 2014-09-09; Multiple; Update rollup."),
    ]


def test_a_rollup_articles_table_of_its_fixes_is_not_an_update_list():
    """KB 2919394's "Issues that this update rollup fixes" table lists what the rollup carries."""
    page = Page("http://127.0.0.1/kb/2919394", (PAGES / "article-kb2919394-rollup-fixes-table.html").read_bytes())
    assert WikiTableParser().detect(page) is False


@pytest.mark.parametrize(("content_type", "title"), [
    (None, "“0x8007007A” error when you migrate a virtual machine that’s running Windows Server 2012 – Hyper-V"),
    ("text/html; charset=ISO-8859-1",
     "“0x8007007A” error when you migrate a virtual machine that’s running Windows Server 2012 – Hyper-V"),
    ("text/html; charset=latin1",
     "“0x8007007A” error when you migrate a virtual machine that’s running Windows Server 2012 – Hyper-V"),
    ("text/html; charset=utf-8",  # the header is believed: cp1252 bytes are no UTF-8
     "\ufffd0x8007007A\ufffd error when you migrate a virtual machine that\ufffds running Windows Server 2012 "
     "\ufffd Hyper-V"),
])
def test_latin1_and_us_ascii_labels_read_as_windows_1252(content_type: str | None, title: str):
    """The page says us-ascii in its <meta> and carries cp1252 quotes and dashes, as browsers read it."""
    page = parse("update-list-cp1252.html", content_type=content_type)
    assert [(e.kb, e.title) for e in page.entries] == [("KB2905249", title)]


def test_a_utf16_bom_wins_over_a_latin1_header():
    page = parse("update-list-utf16-bom.html", content_type="text/html; charset=ISO-8859-1")
    assert [(e.kb, e.title) for e in page.entries] == [
        ("KB2905249", "“0x8007007A” error when you migrate a virtual machine that’s running Windows Server 2012 – "
                      "Hyper-V")]


@pytest.mark.parametrize(("body", "declared", "charset"), [
    (b"<html>", "ISO-8859-1", "windows-1252"), (b"<html>", "US-ASCII", "windows-1252"),
    (b"<html>", "l1", "windows-1252"), (b"<html>", "utf-8", "utf-8"), (b"<html>", "Shift_JIS", "Shift_JIS"),
    (b"\xef\xbb\xbf<html>", "iso-8859-1", None), (b"\xff\xfe<\x00", "iso-8859-1", None),
    (b'<meta charset="iso-8859-1">', None, "windows-1252"), (b'<meta charset="shift_jis">', None, None),
    (b"<html>", None, None),
])
def test_browser_charset(body: bytes, declared: str | None, charset: str | None):
    assert browser_charset(body, declared) == charset


@pytest.mark.parametrize(("text", "meaning"), [
    ("KB Article", "kb"), ("Knowledge Base article", "kb"), ("KB number", "kb"), ("Knowledge Base ID", "kb"),
    ("Update ID", "kb"), ("KB/Update", "kb"), ("Update", "kb_weak"), ("Hotfix", "kb_weak"), ("Article title", "title"),
    ("Title", "title"), ("Description", "title"), ("Summary", "title"), ("Date", "released"),
    ("Release date", "released"), ("Released", "released"), ("Date added", "added"), ("Last updated", "updated"),
    ("Why we recommend this hotfix", "why"), ("Fix Type/Comment", "notes"), ("Comments", "notes"),
    ("Superseded by", "superseded_by"), ("Installed by Windows Update?", "wu"), ("Fix for", "fix_for"),
    ("Applies to", "fix_for"), ("Component", "component"), ("Type", "kind"), ("Download", "download"),
    ("Hinzugefügt am", "added"), ("Knowledge Base-Artikel", "kb"), ("Titel", "title"), ("Komponente", "component"),
    ("Warum wir diesen Hotfix empfehlen", "why"), ("Date d'ajout", "added"),
    ("Article de la Base de connaissances", "kb"), ("Titre", "title"),
    ("Pourquoi nous recommandons ce correctif", "why"),
    ("追加日", "added"), ("サポート技術情報", "kb"), ("KB 番号", "kb"), ("タイトル", "title"),
    ("この修正プログラムを推奨する理由", "why"), ("Name", "title"), ("Link", "download"), ("Related", None), ("", None),
])
def test_column_meaning(text: str, meaning: str | None):
    assert column_meaning(text) == meaning


@pytest.mark.parametrize(("cell", "kb"), [
    ("2883200", "KB2883200"), ("KB 2883200", "KB2883200"), ("KB-2934016", "KB2934016"), ("2919394*", "KB2919394"),
    ("2919355 (x64)", "KB2919355"), ("2919355 (install KB2919442 first)", "KB2919355"),
    ("29\u00ad38066", "KB2938066"), ("２９３９７９３", "KB2939793"), ("See KB2919442", "KB2919442"),
    ("Q974909", None), ("29193550", None), ("Link", None),
])
def test_kb_from_cell(cell: str, kb: str | None):
    assert kb_from_cell(cell) == kb


@pytest.mark.parametrize(("href", "kb"), [
    ("http://support.microsoft.com/kb/2902014/en-us?wa=wsignin1.0", "KB2902014"),
    ("https://support.microsoft.com/kb/KB2898774", "KB2898774"),
    ("http://support.microsoft.com/?id=2779069", "KB2779069"),
    ("http://support.microsoft.com/?kbid=2905249", "KB2905249"),
    ("http://support2.microsoft.com/default.aspx?id=2894485", "KB2894485"),
    ("http://support.microsoft.com/default.aspx?scid=kb;EN-US;2905412", "KB2905412"),
    ("http://support.microsoft.com/default.aspx?scid=kb%3ben-us%3b2878635", "KB2878635"),
    ("https://support.microsoft.com/en-us/help/2908415/", "KB2908415"),
    ("https://support.microsoft.com/en-us/topic/july-14-2020-kb4565351-os-build-14393-3808-abc", "KB4565351"),
    ("https://support.microsoft.com/topic/update-rollup-7b1b3c1e-0c52-4c47-a7e2-1d6c3c2b6a3f", None),
    ("http://www.microsoft.com/en-us/download/details.aspx?id=423345", None),
    ("http://catalog.update.microsoft.com/v7/site/Search.aspx?q=2887595", None),
])
def test_kb_from_link(href: str, kb: str | None):
    assert kb_from_link(href) == kb


@pytest.mark.parametrize(("language", "first"), [
    ("de-de", True), ("fr-FR", True), ("en-gb", True), ("en-us", False), ("en", False), ("ja-jp", False),
    (None, False), ("", False), ("x", False)])
def test_day_first(language: str | None, first: bool):
    assert day_first(language) is first


@pytest.mark.parametrize(("text", "iso"), [
    ("2015/04/14", "2015-04-14"), ("2015年5月12日", "2015-05-12"), ("14. Mai 2015", "2015-05-14"),
    ("12 mai 2015", "2015-05-12"), ("14 de mayo de 2015", "2015-05-14"), ("12/10/2013", "12/10/2013")])
def test_iso_date(text: str, iso: str):
    assert iso_date(text) == iso


def test_hostile_spans_stay_bounded_and_keep_columns():
    """colspan="100000" covers at most 32 columns; a rowspan past the table's end and junk values are fine."""
    markup = (b"<table><tr><th>KB</th><th>Title</th><th>Date</th></tr>"
              b"<tr><td rowspan='99999999'>2919355</td><td colspan='100000'>a</td></tr>"
              b"<tr><td colspan='x'>b</td><td rowspan='-3'>2014-01-02</td></tr></table>")
    table = next(Page("u", markup).tree.iter("table"))
    expanded = [[cell.text for cell in cells] for _row, cells in grid(table)]
    assert expanded == [["KB", "Title", "Date"], ["2919355"] + ["a"] * 32, ["2919355", "b", "2014-01-02"]]
    assert header(list(grid(table))) == (0, {"kb": 0, "title": 1, "released": 2})
    assert len(rows(table)) == 3
