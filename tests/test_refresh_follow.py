"""A refresh that follows a list's KB links: end to end against a real HTTP server on 127.0.0.1 (`kbscan
catalogue refresh`, `show`, `scan`), and with `responses` for the fine grain: conditional GET, the cap
per refresh and at most two articles at once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import responses

from scanner.config import Config, HttpConfig, SourceConfig
from scanner.pipeline import load_catalogue
from scanner.refresh import refresh_catalogue, status_lines

PAGES = Path(__file__).resolve().parent / "data" / "pages"
REPO = Path(__file__).resolve().parents[1]
T1, T2 = datetime(2014, 1, 10, 4, tzinfo=UTC), datetime(2014, 1, 11, 4, tzinfo=UTC)


def list_page(links: dict[str, str]) -> bytes:
    """A KB 2784261-style list whose KB cells link the articles (as the real list links /kb/N)."""
    rows = "".join(f"<tr><td>12/23/2013</td><td><a href='{href}'>{kb[2:]}</a></td><td>Hotfix {kb}</td>"
                   f"<td>Cluster service</td><td></td></tr>" for kb, href in links.items())
    return ("<html lang='en-us'><head><title>Recommended hotfixes and updates for Windows Server 2012-based "
            "failover clusters</title></head><body><h1>Recommended hotfixes</h1><table><thead><tr><th>Date added</th>"
            "<th>Knowledge Base article</th><th>Title</th><th>Component</th><th>Why we recommend this hotfix</th>"
            f"</tr></thead><tbody>{rows}</tbody></table><p>Article ID: 2784261</p></body></html>").encode()


def kbscan(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=60, check=False)


def test_refresh_follows_kb_links_and_a_node_with_kb2878635_is_covered_for_kb2908415(tmp_path: Path,
                                                                                    local_server):  # type: ignore[no-untyped-def]
    article = {"ETag": '"a1"', "Content-Type": "text/html; charset=utf-8"}
    links = {"KB2878635": "/kb/2878635", "KB2908415": "/kb/2908415", "KB3062586": "/kb/3062586",
             "KB2919355": "/kb/2919355"}
    listed = local_server.page("/kb/2784261", list_page(links), headers={"Content-Type": "text/html", "ETag": '"l1"'})
    local_server.page("/kb/2878635", (PAGES / "article-kb2878635-2013-joined-intro.html").read_bytes(), headers=article)
    local_server.page("/kb/2908415", (PAGES / "article-kb2908415-kbcontent-2013.html").read_bytes(), headers=article)
    # a moved link that now serves another KB's article: refused, never attributed to KB3062586
    local_server.page("/kb/3062586", (PAGES / "article-kb4562252-topic-replacement-section.html").read_bytes(),
                      headers=article)
    config = tmp_path / "config.toml"
    config.write_text(f"""state_dir = "{tmp_path / 'state'}"
[http]
retries = 0
[[sources]]
name = "cluster-2012"
url = "{listed}"
products = ["ws2012"]
roles = ["failover-clustering"]
follow_kb_links = true
""")
    refresh = kbscan(config, "catalogue", "refresh")
    assert refresh.returncode == 0, refresh.stderr
    assert refresh.stdout.splitlines()[:2] == [  # then the catalogue's size, which the embedded entries decide
        "cluster-2012         ok        200     4 entries  update-list",
        "cluster-2012/KB*     4 KB articles followed: 2 ok, 2 failed (KB3062586, KB2919355)"]
    listing = {e["kb"]: e for e in json.loads(kbscan(config, "catalogue", "list", "--format", "json").stdout)}
    assert listing["KB2878635"]["supersedes"] == ["KB2870270"]
    assert listing["KB2908415"]["included_in"] == ["KB2878635"]
    assert listing["KB2908415"]["supersedes"] == ["KB2869923"]
    assert "cluster-2012/KB2878635" in listing["KB2878635"]["sources"]
    assert "cluster-2012" in listing["KB2878635"]["sources"]  # the list's own facts keep their provenance
    assert not any("cluster-2012/KB3062586" in e["sources"] or e["kb"] == "KB4562252" for e in listing.values())
    show = kbscan(config, "catalogue", "show", "KB2908415").stdout
    assert "KB2878635" in show and "cluster-2012/KB2878635" in show

    inventory = tmp_path / "inv"
    inventory.mkdir()
    (inventory / "CL01.json").write_text(json.dumps({
        "host": "CL01", "os": {"caption": "Microsoft Windows Server 2012 Datacenter", "version": "6.2.9200"},
        "roles": ["hyper-v", "failover-clustering"], "cluster": "CLU1", "collected_at": "2014-01-10T08:00:00Z",
        "updates": [{"kb": "KB2878635", "installed_on": "2013-12-24"}]}))
    report = json.loads(kbscan(config, "scan", str(inventory), "--at", "2014-01-10", "--format", "json").stdout)
    findings = {f["kb"]: (f["status"], f["via"]) for f in report["hosts"][0]["findings"]}
    assert findings["KB2908415"] == ("included", "KB2878635")
    assert findings["KB2878635"] == ("installed", None)

    before = len(local_server.requests)
    again = kbscan(config, "catalogue", "refresh")
    assert again.returncode == 0, again.stderr
    asked = {path: headers.get("If-None-Match") for path, headers in local_server.requests[before:]}
    assert asked == {"/kb/2784261": '"l1"', "/kb/2878635": '"a1"', "/kb/2908415": '"a1"', "/kb/3062586": None,
                     "/kb/2919355": None}
    status = kbscan(config, "status").stdout
    assert "  cluster-2012/KB*     4 KB articles followed: 2 ok, 2 failed (KB2919355, KB3062586)" in status.splitlines()


ARTICLE = ("<html lang='en-us'><head><meta name='ms.kbid' content='{n}'><title>Hotfix {n}</title></head><body>"
           "<div id='mt_content'><h1 class='title'>Hotfix {n} for a Windows Server 2012 cluster</h1>"
           "<p>Article ID: {n}</p><h2>Applies to</h2><ul><li>Windows Server 2012</li></ul></div></body></html>")
LIST = "http://kb.test/kb/2784261"


def _config(tmp_path: Path, cap: int = 100) -> Config:
    return Config(state_dir=tmp_path / "state", http=HttpConfig(retries=0, backoff=0.0, max_articles=cap),
                  sources=(SourceConfig("cl", LIST, ("ws2012",), ("failover-clustering",), follow_kb_links=True),))


def _serve(numbers: list[str], on_article=None) -> None:  # type: ignore[no-untyped-def]
    responses.get(LIST, body=list_page({f"KB{n}": f"http://kb.test/kb/{n}" for n in numbers}),
                  headers={"ETag": '"l1"'})
    for n in numbers:
        if on_article is None:
            responses.get(f"http://kb.test/kb/{n}", body=ARTICLE.format(n=n), headers={"ETag": f'"{n}"'})
        else:
            responses.add_callback(responses.GET, f"http://kb.test/kb/{n}", callback=on_article(n))


def _asked() -> list[tuple[str, str | None]]:
    return [(call.request.url, call.request.headers.get("If-None-Match")) for call in responses.calls]


@responses.activate
def test_articles_are_fetched_again_with_their_etag_and_a_304_keeps_their_facts(tmp_path: Path):
    _serve(["2779069", "2908415"])
    first = refresh_catalogue(_config(tmp_path), now=T1)
    assert [(a.name, a.state, a.http_status, a.entries) for a in first.articles] == [
        ("cl/KB2779069", "ok", 200, 1), ("cl/KB2908415", "ok", 200, 1)]
    responses.reset()
    responses.get(LIST, status=304)
    for n in ("2779069", "2908415"):
        responses.get(f"http://kb.test/kb/{n}", status=304)
    second = refresh_catalogue(_config(tmp_path), now=T2)
    assert set(_asked()) == {(LIST, '"l1"'), ("http://kb.test/kb/2779069", '"2779069"'),  # two at once: any order
                             ("http://kb.test/kb/2908415", '"2908415"')} and len(_asked()) == 3
    assert [(a.name, a.state, a.http_status) for a in second.articles] == [
        ("cl/KB2779069", "ok", 304), ("cl/KB2908415", "ok", 304)]
    entry = load_catalogue(_config(tmp_path)).entries["KB2779069"]  # also in the embedded catalogue
    assert entry.sources[-2:] == ("cl", "cl/KB2779069")


@responses.activate
def test_the_cap_fetches_the_least_recently_fetched_articles_first(tmp_path: Path):
    numbers = ["2779069", "2908415", "2902014"]
    _serve(numbers)
    first = refresh_catalogue(_config(tmp_path, cap=2), now=T1)
    assert [a.name for a in first.articles] == ["cl/KB2779069", "cl/KB2908415"]
    responses.calls.reset()
    second = refresh_catalogue(_config(tmp_path, cap=2), now=T2)
    assert [a.name for a in second.articles] == ["cl/KB2902014", "cl/KB2779069"]  # never fetched, then oldest
    stored = {s.name for s in load_catalogue(_config(tmp_path)).info.sources}
    assert stored == {"cl", "cl/KB2779069", "cl/KB2908415", "cl/KB2902014"}  # one not fetched is kept
    lines = status_lines(_config(tmp_path), now=T2)
    assert lines[-1] == "  cl/KB*               3 KB articles followed: 3 ok"


@responses.activate
def test_at_most_two_articles_are_fetched_at_once(tmp_path: Path):
    lock, running, most = threading.Lock(), [0], [0]

    def on_article(n: str):  # type: ignore[no-untyped-def]
        def answer(_request):  # type: ignore[no-untyped-def]
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1
            return 200, {}, ARTICLE.format(n=n)
        return answer

    _serve([str(2779060 + i) for i in range(6)], on_article)
    result = refresh_catalogue(_config(tmp_path), now=T1)
    assert [a.state for a in result.articles] == ["ok"] * 6
    assert most[0] == 2


@responses.activate
def test_a_source_that_does_not_follow_fetches_no_article(tmp_path: Path):
    _serve(["2779069"])
    config = Config(state_dir=tmp_path / "state", http=HttpConfig(retries=0),
                    sources=(SourceConfig("cl", LIST, ("ws2012",), ("failover-clustering",)),))
    result = refresh_catalogue(config, now=T1)
    assert (result.articles, [url for url, _ in _asked()]) == ((), [LIST])


@responses.activate
def test_an_import_keeps_the_followed_articles_and_the_next_304_refresh_asks_for_them(tmp_path: Path):
    """Found in review: an import forgot every followed article (not configured, not an import), and a list
    answering 304 then followed none: their facts (earlier dates, products) were gone for good."""
    from scanner.refresh import import_list
    from scanner.store.catalogue import source_health
    from scanner.store.db import connected

    _serve(["2779069", "2908415"])
    refresh_catalogue(_config(tmp_path), now=T1)
    listed = tmp_path / "l.json"
    listed.write_text(json.dumps([{"kb": "KB2999999", "title": "imported", "products": ["ws2012"]}]),
                      encoding="utf-8")
    import_list(_config(tmp_path), listed, now=T2)
    with connected(_config(tmp_path).database, readonly=True) as db:
        assert [h.name for h in source_health(db)] == ["cl", "cl/KB2779069", "cl/KB2908415", "import:l.json"]
    responses.reset()
    responses.get(LIST, status=304)
    for n in ("2779069", "2908415"):
        responses.get(f"http://kb.test/kb/{n}", status=304)
    again = refresh_catalogue(_config(tmp_path), now=T2)
    assert [a.name for a in again.articles] == ["cl/KB2779069", "cl/KB2908415"]
