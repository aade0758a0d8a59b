"""What list rows say, read from every cell with the sentence rules articles use, on Microsoft's KB2920151
list as learn.microsoft.com serves it (2023) and as support.microsoft.com served it (2018), and on the
2013 KB2784261 layout: relations, kinds, a release date in a title, headings that scope rows, and the list
articles' own numbers, which are never entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.models import Kind
from scanner.sources import ParsedPage, SourceHints, parse_page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
R2, FC, HV = ("ws2012r2",), ("failover-clustering",), ("hyper-v",)
BOTH = ("hyper-v", "failover-clustering")
HF, UP, UR, CU = Kind.HOTFIX, Kind.UPDATE, Kind.UPDATE_ROLLUP, Kind.CUMULATIVE_UPDATE
CLUSTER_R2 = SourceHints("cluster-2012r2", "https://support.microsoft.com/kb/2920151", R2, FC)
LEARN = "kb2920151-learn-2023-full.html"
SUPPORT = "kb2920151-support-2018-help.html"


def parse(name: str, hints: SourceHints = CLUSTER_R2, body: bytes | None = None) -> ParsedPage:
    data = (PAGES / name).read_bytes() if body is None else body
    return parse_page(data, "text/html; charset=utf-8", f"http://127.0.0.1/{name}", hints)


def facts(page: ParsedPage) -> list[tuple[object, ...]]:
    return [(e.kb, e.kind, e.released, e.products, e.roles, e.supersedes, e.included_in, e.standalone)
            for e in page.entries]


# Microsoft's own rows (learn.microsoft.com, ms.date 12/26/2023): the "date that update was added" is no
# release date; "June 12, 2018-KB4284815 (Monthly Rollup)" states one and is a rollup; "A cumulative update
# that includes ..." makes KB2919355 a cumulative update (its title, "... Update April, 2014", says
# nothing); KB3000850's title says rollup and stays one; "you must first install update 2919355" is a
# prerequisite, never inclusion; the "Windows Server 2012 R2 Hyper-V clusters" table adds hyper-v.
KB2920151_ROWS = [
    ("KB4284815", UR, date(2018, 6, 12), R2, FC, (), (), True),
    ("KB3137728", HF, None, R2, FC, (), (), True),
    ("KB3179574", UR, None, R2, FC, (), (), True),
    ("KB3172614", UR, None, R2, FC, (), (), True),
    ("KB3091057", HF, None, R2, FC, (), (), True),
    ("KB3013769", UR, None, R2, FC, (), (), True),
    ("KB3000850", UR, None, R2, FC, (), (), True),
    ("KB2919355", CU, None, R2, FC, (), (), True),
    ("KB976424", HF, None, R2, FC, (), (), True),
    ("KB3145384", HF, None, R2, BOTH, (), (), True),
    ("KB3063283", UP, None, R2, BOTH, (), (), True),
]
KB2920151_INCLUDES = (("KB3137728", "KB3123538"), ("KB3172614", "KB3161606"), ("KB3172614", "KB3156418"),
                      ("KB3172614", "KB3153887"), ("KB3145384", "KB3060678"))


@pytest.mark.parametrize("name", [LEARN, SUPPORT])
def test_kb2920151_rows_give_relations_kinds_title_dates_and_section_roles(name: str):
    page = parse(name)
    assert page.family == "update-list"
    assert facts(page) == KB2920151_ROWS
    assert page.includes == KB2920151_INCLUDES
    notes = {e.kb: e.notes.split("; ")[0] for e in page.entries}
    assert notes["KB4284815"] == "listed 2018-06-14" and notes["KB3013769"] == "listed 2014-12-18"


def test_a_source_without_hints_takes_products_and_roles_from_the_headings():
    """"Any Windows Server 2012 R2 cluster" and "Windows Server 2012 R2 Hyper-V clusters" scope their rows;
    the page title (h1) and the References list do not."""
    page = parse(LEARN, SourceHints("learn"))
    assert [(e.kb, e.products, e.roles) for e in page.entries] == [
        (kb, R2, roles) for kb, _kind, _released, _products, roles, *_rest in KB2920151_ROWS]


def test_a_sources_roles_add_to_what_the_headings_say():
    page = parse(LEARN, SourceHints("hv", "u", R2, HV))
    assert {e.kb: e.roles for e in page.entries} == {kb: BOTH for kb, *_rest in KB2920151_ROWS}


def test_every_row_links_its_article_for_a_refresh_that_follows_them():
    page = parse(LEARN, SourceHints("cluster-2012r2", "u", R2, FC, follow_links=True))
    assert page.articles == tuple((kb, f"https://support.microsoft.com/help/{kb[2:]}") for kb, *_ in KB2920151_ROWS)
    assert parse(LEARN).articles == ()  # a source that does not follow them: no links kept


@pytest.mark.parametrize(("name", "relations"), [
    # support.microsoft.com, 2013: "Update rollup. Includes KB2876391.", "This update replaces update
    # KB2870270.", "To resolve this issue, install update rollup 2903938."
    ("cluster-2012-kb.html", {"includes": (("KB2911101", "KB2876391"),), "KB2878635": ("KB2870270",),
                              "KB2898774": ("KB2903938",)}),
    (SUPPORT, {"includes": KB2920151_INCLUDES}),
    (LEARN, {"includes": KB2920151_INCLUDES}),
])
def test_table_cells_state_relations_in_three_markup_generations(name: str, relations: dict[str, object]):
    page = parse(name, SourceHints("s"))
    assert page.includes == relations["includes"]
    assert {e.kb: e.supersedes for e in page.entries if e.supersedes} == (
        {"KB2878635": relations["KB2878635"]} if "KB2878635" in relations else {})
    assert {e.kb: e.included_in for e in page.entries if e.included_in} == (
        {"KB2898774": relations["KB2898774"]} if "KB2898774" in relations else {})


ROWS = ("<html lang='en-us'><head><meta name='ms.kb' content='2920151'></head><body><h1>Recommended hotfixes</h1>"
        "<p>Original KB number: 2920151</p><table><thead><tr><th>Date added</th><th>KB article</th><th>Title</th>"
        "<th>Why we recommend this update</th></tr></thead><tbody>{rows}</tbody></table></body></html>")


def _row(kb: str, title: str, why: str = "", added: str = "01/14/2014") -> str:
    return f"<tr><td>{added}</td><td><a href='/help/{kb}'>{kb}</a></td><td>{title}</td><td>{why}</td></tr>"


def test_a_list_articles_own_number_and_the_other_lists_are_never_entries():
    body = ROWS.format(rows=_row("2920151", "Recommended hotfixes for Windows Server 2012 R2 clusters")
                       + _row("2784261", "Recommended hotfixes for Windows Server 2012 clusters")
                       + _row("2545685", "Recommended hotfixes for Windows Server 2008 R2 SP1 clusters")
                       + _row("3036614", "Cluster resources fail over unexpectedly")).encode()
    assert [e.kb for e in parse("own.html", body=body).entries] == ["KB3036614"]


@pytest.mark.parametrize(("title", "why", "kind", "released"), [
    ("June 12, 2018-KB4284815 (Monthly Rollup)", "", UR, date(2018, 6, 12)),
    ("12. Juni 2018 – KB4284815 (Monthly Rollup)", "", UR, date(2018, 6, 12)),
    ("Windows RT, Windows 8, and Windows Server 2012 update rollup: January 2014", "", UR, None),
    ("Windows Server 2012 R2 Update April, 2014", "A cumulative update that includes the updates.", CU, None),
    ("Hotfix for CSV backups", "Update rollup. Install it first.", UR, None),
    ("Hotfix for CSV backups", "To resolve this issue, install update rollup 2903938.", HF, None),
    ("Hotfix for CSV backups", "The issue occurs after you install the cumulative update 2919355.", HF, None),
    ("November 2014 update rollup", "A cumulative update that includes the updates.", UR, None),
    ("Hotfix for CSV backups", "The update rollup is needed too.", HF, None),
])
def test_kinds_from_every_cell_and_a_release_date_only_from_a_title(title: str, why: str, kind: Kind,
                                                                     released: date | None):
    """A list's "Date added" (01/14/2014 here) is never a release date, whatever the kind."""
    (entry,) = parse("kinds.html", body=ROWS.format(rows=_row("2903939", title, why)).encode()).entries
    assert (entry.kind, entry.released) == (kind, released)


def test_a_list_article_read_as_an_article_gives_no_entry():
    """KB2920151 served without its table (a layout kbscan does not know yet) reads as a KB article: its
    number is a list's, never an update to install."""
    body = (PAGES / LEARN).read_bytes().split(b"<table")[0] + b"</div></main></body></html>"
    page = parse("list-as-article.html", body=body)
    assert (page.family, page.entries) == ("kb-article", ())
