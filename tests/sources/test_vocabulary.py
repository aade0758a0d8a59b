"""One word table: the update-list table parser, the KB article parser, the blog parser and the date reader
read kinds, months and roles alike, in every language (they used to disagree: "Ensemble de mises à jour"
was a rollup in articles and nothing in tables, "累積更新" the reverse)."""

from __future__ import annotations

from datetime import date

import pytest

from scanner.dates import parse_date
from scanner.models import Kind
from scanner.sources import SourceHints, parse_page
from scanner.sources.text import kind_from_title, roles_in
from scanner.sources.words import title_month
from scanner.vocabulary import MONTH_NAMES

TITLES = [
    ("Windows RT, Windows 8, and Windows Server 2012 update rollup: December 2013", Kind.UPDATE_ROLLUP),
    ("Updaterollup für Windows RT 8.1, Windows 8.1 und Windows Server 2012 R2: Dezember 2014", Kind.UPDATE_ROLLUP),
    ("Ensemble de mises à jour pour Windows RT 8.1, Windows 8.1 et Windows Server 2012 R2 : décembre 2014",
     Kind.UPDATE_ROLLUP),
    ("Correctif cumulatif pour Windows Server 2012 R2 : décembre 2014", Kind.UPDATE_ROLLUP),
    ("Paquete acumulativo de actualizaciones para Windows Server 2012 R2: diciembre de 2014", Kind.UPDATE_ROLLUP),
    ("Windows Server 2012 R2 の更新プログラムのロールアップ: 2014 年 12 月", Kind.UPDATE_ROLLUP),
    ("June 12, 2018-KB4284815 (Monthly Rollup)", Kind.UPDATE_ROLLUP),
    ("Cumulative update for Windows Server 2012: December 2012", Kind.CUMULATIVE_UPDATE),
    ("Kumulatives Update für Windows Server 2012: Dezember 2012", Kind.CUMULATIVE_UPDATE),
    ("Mise à jour cumulative pour Windows Server 2012 : décembre 2012", Kind.CUMULATIVE_UPDATE),
    ("Actualización acumulativa para Windows Server 2012: diciembre de 2012", Kind.CUMULATIVE_UPDATE),
    ("Windows Server 2012 の累積更新: 2012 年 12 月", Kind.CUMULATIVE_UPDATE),
    ("Windows Server 2012 の累積的な更新プログラム: 2012 年 12 月", Kind.CUMULATIVE_UPDATE),
    ("Sicherheitsupdate für Windows Server 2012 R2", Kind.SECURITY_UPDATE),
    ("Cluster service stops after you install update rollup 2903938 in Windows Server 2012", Kind.HOTFIX),
]


def _list_page(title: str) -> bytes:
    return ("<html><body><table><tr><th>KB article</th><th>Title</th></tr>"
            f"<tr><td>2903938</td><td>{title}</td></tr><tr><td>2779069</td><td>Other</td></tr></table></body></html>"
            ).encode()


def _article(title: str) -> bytes:
    return (f"<html><head><meta name='ms.kbid' content='2903938'><title>{title}</title></head><body>"
            f"<div id='mt_content'><h1 class='title'>{title}</h1><p>Article ID: 2903938</p><h2>Applies to</h2>"
            "<ul><li>Windows Server 2012</li></ul></div></body></html>").encode()


def _post(title: str) -> bytes:
    return (f"<html><body><article class='post'><h2>KB2903938 – {title}</h2><p>Text.</p></article></body></html>"
            ).encode()


@pytest.mark.parametrize(("title", "kind"), TITLES)
def test_tables_articles_and_posts_give_a_title_the_same_kind(title: str, kind: Kind):
    hints = SourceHints("s")
    table = parse_page(_list_page(title), "text/html; charset=utf-8", "http://127.0.0.1/list", hints)
    article = parse_page(_article(title), "text/html; charset=utf-8", "http://127.0.0.1/kb/2903938", hints)
    post = parse_page(_post(title), "text/html; charset=utf-8", "http://127.0.0.1/blog", hints)
    kinds = {page.family: next(e.kind for e in page.entries if e.kb == "KB2903938")
             for page in (table, article, post)}
    assert kinds == {"update-list": kind, "kb-article": kind, "blog": kind}
    assert kind_from_title(title) == kind


@pytest.mark.parametrize("language", sorted(MONTH_NAMES))
def test_the_date_reader_and_the_title_reader_know_the_same_month_names(language: str):
    for number, name in enumerate(MONTH_NAMES[language], 1):
        spelled = name.capitalize()
        assert parse_date(f"10 {spelled} 2014") == date(2014, number, 10), spelled
        assert parse_date(f"10. {spelled} 2014") == date(2014, number, 10), spelled
        assert title_month(f"update rollup: {spelled} 2014") == (2014, number), spelled
        if language == "en":
            assert parse_date(f"{spelled} 10, 2014") == date(2014, number, 10), spelled
        if language == "es":
            assert parse_date(f"10 de {name} de 2014") == date(2014, number, 10), spelled


@pytest.mark.parametrize(("text", "roles"), [
    ("Virtual machines lose network connectivity on a Hyper-V host", ("hyper-v",)),
    ("Virtuelle Computer verlieren die Verbindung auf einem Clusterknoten", ("hyper-v", "failover-clustering")),
    ("Les machines virtuelles perdent la connectivité", ("hyper-v",)),
    ("Las máquinas virtuales pierden la conexión en un clúster", ("hyper-v", "failover-clustering")),
    ("仮想マシンがクラスターで応答しない", ("hyper-v", "failover-clustering")),
    ("Windows Server 2012 R2 Hyper-V clusters", ("hyper-v", "failover-clustering")),
    ("Kerberos password change fails on a domain controller", ()),
])
def test_role_words_in_every_language(text: str, roles: tuple[str, ...]):
    assert roles_in(text) == roles
