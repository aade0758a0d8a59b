"""Relations from anywhere in a KB article, in the three markup generations kbscan reads (support.microsoft.com
of 2013, its /topic/ pages of 2016 and later, learn.microsoft.com): the introduction, a replacement
section, a note with a list; never a negation, the other direction, a prerequisite or "see also"."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.models import Kind
from scanner.sources import ParsedPage, SourceHints, parse_page
from scanner.sources.prose import Stated, stated

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def parse(name: str, body: bytes | None = None) -> ParsedPage:
    data = (PAGES / name).read_bytes() if body is None else body
    return parse_page(data, None, f"http://127.0.0.1/{name}", SourceHints("s"))


def relations(page: ParsedPage) -> tuple[object, ...]:
    (entry,) = page.entries
    return entry.kb, entry.kind, entry.supersedes, entry.included_in, page.includes, entry.notes


def test_2013_layout_states_replacement_and_inclusion_in_a_joined_introduction():
    """The real KB2878635 text: "This update is dated December 2013.This update replaces update 2870270,
    which is used to improve resiliency. Also, this update includes update 2869923 and update 2908415." The
    article has no replacement section at all."""
    page = parse("article-kb2878635-2013-joined-intro.html")
    assert page.family == "kb-article"
    assert relations(page) == ("KB2878635", Kind.UPDATE, ("KB2870270",), (),
                               (("KB2878635", "KB2869923"), ("KB2878635", "KB2908415")), "last reviewed 2013-12-23")


def test_topic_layout_reads_the_update_replacement_section_and_not_the_references():
    """KB4562252 (support.microsoft.com/topic, 2020): "This update replaces the previously released update
    KB4540726."; the References section's "KB 4535697, which replaces the earlier guidance" is not a fact."""
    assert relations(parse("article-kb4562252-topic-replacement-section.html")) == (
        "KB4562252", Kind.UPDATE, ("KB4540726",), (), (), "")


def test_learn_layout_reads_a_list_in_a_note_and_skips_negation_passive_prerequisite_and_see_also():
    """A learn.microsoft.com NOTE: "This hotfix replaces the following hotfixes:" and its items (a bare
    number, "KB 3004539:"); "does not replace hotfix 2975719", "2975719 is replaced by update rollup
    3000850", "you must first install update 2919355" and the See also section give nothing."""
    assert relations(parse("article-kb3062586-learn-replaces-list-and-note.html")) == (
        "KB3062586", Kind.HOTFIX, ("KB3004539", "KB3036614"), (), (), "")


ARTICLE = ("<html lang='{lang}'><head><meta name='ms.kbid' content='2779069'><title>{title}</title></head><body>"
           "<div id='mt_content'><h1 class='title'>{title}</h1><p>{id_label}: 2779069</p>"
           "<h2>{applies}</h2><ul><li>Windows Server 2012</li></ul><h2>{intro}</h2><p>{text}</p></div></body></html>")


@pytest.mark.parametrize(("lang", "labels", "text", "supersedes"), [
    ("en-us", ("Article ID", "Applies to", "Summary"),
     "This hotfix is dated December 2013.This hotfix replaces hotfix 2550886.", ("KB2550886",)),
    ("en-us", ("Article ID", "Applies to", "Summary"), "This hotfix does not replace hotfix 2550886.", ()),
    ("en-us", ("Article ID", "Applies to", "Summary"), "This hotfix is replaced by update rollup 2903938.", ()),
    ("en-us", ("Article ID", "Applies to", "Summary"),
     "Before you install this hotfix, you must first install update 2550886, which replaces 2550000.", ()),
    ("en-us", ("Article ID", "Applies to", "Summary"), "Update 2919355 replaces update 2550886.", ()),
    ("de-de", ("Artikel-ID", "Gilt für", "Zusammenfassung"), "Dieser Hotfix ersetzt den Hotfix 2550886.",
     ("KB2550886",)),
    ("de-de", ("Artikel-ID", "Gilt für", "Zusammenfassung"), "Dieser Hotfix ersetzt keinen Hotfix 2550886.", ()),
    ("de-de", ("Artikel-ID", "Gilt für", "Zusammenfassung"),
     "Dieser Hotfix wurde durch das Updaterollup 2903938 ersetzt.", ()),
    ("de-de", ("Artikel-ID", "Gilt für", "Zusammenfassung"),
     "Voraussetzung: Installieren Sie zuerst das Update 2550886, das 2550000 ersetzt.", ()),
    ("de-de", ("Artikel-ID", "Gilt für", "Zusammenfassung"), "Update 3000850 ersetzt das Update 2919355.", ()),
    ("fr-fr", ("Numéro d'article", "S'applique à", "Résumé"), "Ce correctif remplace le correctif 2550886.",
     ("KB2550886",)),
    ("fr-fr", ("Numéro d'article", "S'applique à", "Résumé"), "La mise à jour 3000850 remplace la mise à jour "
     "2919355.", ()),
    ("es-es", ("Id. de artículo", "Se aplica a", "Resumen"), "La actualización 3000850 reemplaza la actualización "
     "2919355.", ()),
    ("fr-fr", ("Numéro d'article", "S'applique à", "Résumé"), "Ce correctif ne remplace aucun correctif 2550886.",
     ()),
    ("fr-fr", ("Numéro d'article", "S'applique à", "Résumé"), "Ce correctif est remplacé par le correctif 2903938.",
     ()),
    ("es-es", ("Id. de artículo", "Se aplica a", "Resumen"), "Esta revisión reemplaza la revisión 2550886.",
     ("KB2550886",)),
    ("es-es", ("Id. de artículo", "Se aplica a", "Resumen"), "Esta revisión no reemplaza la revisión 2550886.", ()),
    ("ja-jp", ("文書番号", "対象", "概要"), "この修正プログラムは、修正プログラム 2550886 を置き換えます。",
     ("KB2550886",)),
    ("ja-jp", ("文書番号", "対象", "概要"), "この修正プログラムは、修正プログラム 2550886 を置き換えません。", ()),
    ("ja-jp", ("文書番号", "対象", "概要"), "この修正プログラムは 2903938 によって置き換えられました。", ()),
])
def test_replacement_in_an_introduction_in_every_language(lang: str, labels: tuple[str, str, str], text: str,
                                                          supersedes: tuple[str, ...]):
    body = ARTICLE.format(lang=lang, title="Cluster hotfix", id_label=labels[0], applies=labels[1], intro=labels[2],
                          text=text).encode()
    (entry,) = parse(f"{lang}.html", body).entries
    assert (entry.kb, entry.supersedes) == ("KB2779069", supersedes)


def test_an_article_that_says_it_replaces_and_replaces_nothing_keeps_no_replacement():
    """The introduction says "replaces update 2870270", the replacement section "does not replace any other
    hotfixes": the article contradicts itself, so nothing is covered through it."""
    body = ARTICLE.format(lang="en-us", title="Cluster hotfix", id_label="Article ID", applies="Applies to",
                          intro="Summary", text="This hotfix replaces update 2870270.").encode()
    body = body.replace(b"</div></body>", b"<h3>Hotfix replacement information</h3>"
                                         b"<p>This hotfix does not replace any other hotfixes.</p></div></body>")
    (entry,) = parse("contradiction.html", body).entries
    assert (entry.supersedes, entry.notes) == (
        (), "says it replaces KB2870270 and that it replaces nothing: no replacement kept")


@pytest.mark.parametrize(("lines", "expected"), [
    ([("This update replaces the following updates:", False), ("2870270 Cluster resiliency", True),
      ("KB 2869923: CSV backup", True), ("Prerequisites", False)],
     Stated(("KB2870270", "KB2869923"), ())),
    ([("Includes the fix from 3123538. To apply this update, you must first install update 2919355.", True)],
     Stated((), ("KB3123538",))),
    ([("This rollup includes improvements and fixes from June 2016 update rollup KB 3161606 and May 2016 update "
       "rollup KB 3156418 including an update (3153887) that increases the default values.", True)],
     Stated((), ("KB3161606", "KB3156418", "KB3153887"))),
    ([("A cumulative update that includes the security updates that were released before March 2014. To apply "
       "this update, you must first install update 2919355.", True)], Stated()),
    ([("This update does not include update 2919355.", False)], Stated()),
    ([("この更新プログラムには、更新プログラム 2869923 と 2908415 が含まれています。", False)],
     Stated((), ("KB2869923", "KB2908415"))),
    ([("This hotfix does not replace any previously released hotfix.", False)], Stated(denies_replacing=True)),
])
def test_the_sentence_rules_articles_posts_and_list_cells_share(lines: list[tuple[str, bool]], expected: Stated):
    assert stated(lines, "KB2878635") == expected


def test_posts_follow_the_same_sentence_rules():
    """A post's "does not replace" and "is replaced by" replace nothing; "replaces" and "includes" do."""
    body = ("<html><body><article class='post'><h2>KB2878635 – Cloud service provider resiliency update</h2>"
            "<p>This update replaces update 2870270. Also, this update includes update 2869923.</p></article>"
            "<article class='post'><h2>KB2908415 – CSVs go offline during backup</h2>"
            "<p>This hotfix does not replace hotfix 2869923. It is replaced by update 2878635.</p></article>"
            "</body></html>").encode()
    page = parse("blog.html", body)
    assert page.family == "blog"
    assert {e.kb: e.supersedes for e in page.entries} == {"KB2878635": ("KB2870270",), "KB2908415": ()}
    assert page.includes == (("KB2878635", "KB2869923"),)


@pytest.mark.parametrize(("title", "released"), [
    ("June 12, 2018—KB4284815 (Monthly Rollup)", "2018-06-12"),
    ("12. Juni 2018 – KB4284815 (Monatliches Rollup)", "2018-06-12"),
    ("Cluster hotfix for June 12, 2018", None),  # a date inside the title is no release statement
])
def test_an_article_title_that_starts_with_its_date_states_its_release(title: str, released: str | None):
    body = ARTICLE.format(lang="en-us", title=title, id_label="Article ID", applies="Applies to", intro="Summary",
                          text="Improvements and fixes.").encode()
    (entry,) = parse("dated.html", body).entries
    assert (entry.released.isoformat() if entry.released else None) == released
