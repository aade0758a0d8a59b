"""Refresh behaviour: storage, 304 reuse, layout-change guard, failures keep the last good catalogue."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
import responses

from scanner.config import Config, HttpConfig, SourceConfig
from scanner.pipeline import load_catalogue
from scanner.refresh import _merge_order, catalogue_diff, import_list, refresh_catalogue, status_lines
from scanner.store.db import open_database
from tests.seed import seed_only  # noqa: F401  (the fixture)

PAGES = Path(__file__).resolve().parent / "data" / "pages"
WIKI = "http://kb.test/wiki"
CLUSTER = "http://kb.test/cluster"
pytestmark = pytest.mark.usefixtures("seed_only")  # counts below assume the seven seed entries
T1, T2 = datetime(2014, 1, 10, 4, tzinfo=UTC), datetime(2014, 1, 11, 4, tzinfo=UTC)


def config(tmp_path: Path) -> Config:
    return Config(state_dir=tmp_path / "state", http=HttpConfig(retries=1, backoff=0.0),
                  sources=(SourceConfig("hyperv-2012", WIKI, ("ws2012",), ("hyper-v",)),
                           SourceConfig("cluster-2012", CLUSTER, ("ws2012",), ("failover-clustering",))))


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def states(result) -> list[tuple[str, str, int | None, int]]:  # type: ignore[no-untyped-def]
    return [(s.name, s.state, s.http_status, s.entries) for s in result.sources]


@responses.activate
def test_refresh_stores_a_merged_catalogue_the_scan_uses(tmp_path: Path):
    responses.get(WIKI, body=page("hyperv-2012-wiki.html"), headers={"ETag": '"w1"'})
    responses.get(CLUSTER, body=page("cluster-2012-kb.html"))
    result = refresh_catalogue(config(tmp_path), now=T1)
    assert states(result) == [("hyperv-2012", "ok", 200, 4), ("cluster-2012", "ok", 200, 6)]
    assert (result.entries, result.exit_code) == (11, 0)  # 7 curated + 4 new KBs
    catalogue = load_catalogue(config(tmp_path))
    assert (catalogue.info.origin, catalogue.info.entries, catalogue.info.refreshed_at) == ("database", 11, T1)
    assert catalogue.entries["KB2779069"].products == ("ws2008r2", "ws2012")  # curated wins
    assert catalogue.entries["KB2905249"].sources == ("hyperv-2012",)
    assert "KB2876391" not in catalogue.entries  # "includes" of a KB no source lists adds no entry
    assert result.changes == 11  # the first refresh adds every entry


@responses.activate
def test_not_modified_reuses_the_last_parse(tmp_path: Path):
    responses.get(WIKI, body=page("hyperv-2012-wiki.html"), headers={"ETag": '"w1"'})
    responses.get(CLUSTER, body=page("cluster-2012-kb.html"))
    refresh_catalogue(config(tmp_path), now=T1)
    responses.replace(responses.GET, WIKI, status=304)
    responses.replace(responses.GET, CLUSTER, body=page("cluster-2012-kb.html"))
    result = refresh_catalogue(config(tmp_path), now=T2)
    assert states(result) == [("hyperv-2012", "ok", 304, 4), ("cluster-2012", "ok", 200, 6)]
    assert responses.calls[-2].request.headers["If-None-Match"] == '"w1"'
    assert (result.entries, result.changes) == (11, 0)


@responses.activate
def test_layout_change_keeps_previous_entries_and_marks_degraded(tmp_path: Path):
    responses.get(WIKI, body=page("hyperv-2012-wiki.html"))
    responses.get(CLUSTER, body=page("cluster-2012-kb.html"))
    refresh_catalogue(config(tmp_path), now=T1)
    shrunk = b"<table><tr><th>KB</th><th>Title</th></tr><tr><td>2779069</td><td>GUM</td></tr></table>"
    responses.replace(responses.GET, WIKI, body=page("hyperv-2012-wiki.html"))
    responses.replace(responses.GET, CLUSTER, body=shrunk)
    result = refresh_catalogue(config(tmp_path), now=T2)
    assert states(result) == [("hyperv-2012", "ok", 200, 4), ("cluster-2012", "degraded", 200, 6)]
    assert "layout change?" in result.sources[1].message
    assert (result.entries, result.changes, result.exit_code) == (11, 0, 1)
    health = {s.name: s.state for s in load_catalogue(config(tmp_path)).info.sources}
    assert health == {"cluster-2012": "degraded", "hyperv-2012": "ok"}


@responses.activate
def test_network_failure_keeps_the_last_good_catalogue(tmp_path: Path):
    responses.get(WIKI, body=page("hyperv-2012-wiki.html"))
    responses.get(CLUSTER, body=page("cluster-2012-kb.html"))
    refresh_catalogue(config(tmp_path), now=T1)
    responses.replace(responses.GET, WIKI, status=500)
    responses.replace(responses.GET, CLUSTER, body=requests.ConnectionError("reset"))
    result = refresh_catalogue(config(tmp_path), now=T2)
    assert [(s.name, s.state, s.entries) for s in result.sources] == [("hyperv-2012", "failed", 4),
                                                                      ("cluster-2012", "failed", 6)]
    assert (result.entries, result.exit_code) == (11, 2)
    assert "kept the last good entries" in result.sources[0].message
    assert len(load_catalogue(config(tmp_path))) == 11


@responses.activate
def test_a_refresh_without_news_from_any_source_does_not_make_the_catalogue_younger(tmp_path: Path):
    """Otherwise the age alerts (Nagios --max-catalogue-age, the Prometheus timestamp) would stay quiet
    for as long as every source is broken, however long that is."""
    responses.get(WIKI, body=page("hyperv-2012-wiki.html"))
    responses.get(CLUSTER, body=page("cluster-2012-kb.html"))
    refresh_catalogue(config(tmp_path), now=T1)
    responses.replace(responses.GET, WIKI, status=500)
    responses.replace(responses.GET, CLUSTER, body=b"<html><body>moved</body></html>")  # refused: degraded
    later = datetime(2014, 3, 1, 4, tzinfo=UTC)
    assert refresh_catalogue(config(tmp_path), now=later).exit_code == 1
    assert load_catalogue(config(tmp_path)).info.refreshed_at == T1
    assert status_lines(config(tmp_path), now=later)[0].startswith(
        "catalogue: database, 11 entries, refreshed 2014-01-10T04:00:00+00:00 (50 days")
    responses.replace(responses.GET, CLUSTER, body=page("cluster-2012-kb.html"))  # one source back is news
    refresh_catalogue(config(tmp_path), now=later)
    assert load_catalogue(config(tmp_path)).info.refreshed_at == later


@responses.activate
def test_a_first_refresh_where_every_source_failed_is_stored_but_never_refreshed(tmp_path: Path):
    responses.get(WIKI, status=404)
    responses.get(CLUSTER, body=requests.ConnectionError("refused"))
    assert refresh_catalogue(config(tmp_path), now=T1).exit_code == 2
    stored = load_catalogue(config(tmp_path))
    assert (stored.info.origin, stored.info.refreshed_at) == ("database", None)
    assert [s.state for s in stored.info.sources] == ["failed", "failed"]  # the report shows why
    lines = status_lines(config(tmp_path), now=T2)
    assert lines[0] == ("catalogue: database, 7 entries, never refreshed: no source has given a usable page yet "
                        "(see below)")
    assert len(lines) == 3 and all("failed" in line for line in lines[1:])


@responses.activate
def test_first_refresh_with_a_dead_source_still_stores_the_others(tmp_path: Path):
    responses.get(WIKI, status=404)
    responses.get(CLUSTER, body=page("cluster-2012-kb.html"))
    result = refresh_catalogue(config(tmp_path), now=T1)
    assert states(result) == [("hyperv-2012", "failed", None, 0), ("cluster-2012", "ok", 200, 6)]
    assert result.exit_code == 1
    lines = status_lines(config(tmp_path), now=T2)
    assert lines[0].startswith("catalogue: database, 10 entries, refreshed 2014-01-10T04:00:00+00:00 (1 days")
    assert any("hyperv-2012" in line and "failed" in line and "HTTP 404" in line for line in lines)


@responses.activate
def test_diff_lists_what_changed(tmp_path: Path):
    responses.get(WIKI, body=page("hyperv-2012-wiki.html"))
    responses.get(CLUSTER, body=page("cluster-2012-kb.html"))
    refresh_catalogue(config(tmp_path), now=T1)
    edited = page("hyperv-2012-wiki.html").replace(b"when you migrate", b"when you live-migrate")
    responses.replace(responses.GET, WIKI, body=edited)
    responses.replace(responses.GET, CLUSTER, body=page("cluster-2012-kb.html"))
    assert refresh_catalogue(config(tmp_path), now=T2).changes == 1
    lines = catalogue_diff(config(tmp_path), None)
    assert len(lines) == 12
    assert "2014-01-10T04:00:00  KB2905249  added    \"0x8007007A\" error when you migrate a virtual machine " \
           "that's running Windows Server 2012  [hyperv-2012]" in lines
    assert lines[-1].startswith("2014-01-11T04:00:00  KB2905249  changed  title: ")
    assert lines[-1].endswith("live-migrate a virtual machine that's running Windows Server 2012\"  [hyperv-2012]")
    assert catalogue_diff(config(tmp_path), T2.date()) == lines[-1:]


def test_database_is_sane_after_refresh(tmp_path: Path):
    with responses.RequestsMock() as mock:
        mock.get(WIKI, body=page("hyperv-2012-wiki.html"))
        mock.get(CLUSTER, body=page("cluster-2012-kb.html"))
        refresh_catalogue(config(tmp_path), now=T1)
    db = open_database(config(tmp_path).database, readonly=True)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def table(count: int) -> bytes:
    rows = "".join(f"<tr><td>{2_950_000 + i}</td><td>Hyper-V hotfix number {i}</td><td>1/{i + 1}/2014</td></tr>"
                   for i in range(count))
    return f"<table><tr><th>KB</th><th>Title</th><th>Date</th></tr>{rows}</table>".encode()


def one_source(tmp_path: Path, url: str = WIKI) -> Config:
    return Config(state_dir=tmp_path / "state", http=HttpConfig(retries=0, backoff=0.0),
                  sources=(SourceConfig("hyperv-2012", url, ("ws2012",), ("hyper-v",)),))


@responses.activate
def test_page_yielding_one_of_ten_is_degraded_and_its_refusal_is_not_blessed_by_a_304(tmp_path: Path):
    responses.get(WIKI, body=table(10), headers={"ETag": '"ten"'})
    refresh_catalogue(one_source(tmp_path), now=T1)
    responses.replace(responses.GET, WIKI, body=table(1), headers={"ETag": '"one"'})
    result = refresh_catalogue(one_source(tmp_path), now=T2)
    assert states(result) == [("hyperv-2012", "degraded", 200, 10)]
    assert result.sources[0].message == (f"layout change? {WIKI}: the page now yields 1 entry (last good: 10); "
                                         "kept the previous entries")
    assert (result.entries, result.changes, result.exit_code) == (17, 0, 1)
    stored = load_catalogue(one_source(tmp_path))
    assert [kb for kb in stored.entries if kb.startswith("KB295")] == [f"KB{2_950_000 + i}" for i in range(10)]
    # the next refresh asks with the ETag of the last GOOD page, so the refused page is parsed again
    refresh_catalogue(one_source(tmp_path), now=T2)
    assert responses.calls[-1].request.headers["If-None-Match"] == '"ten"'
    lines = status_lines(one_source(tmp_path), now=T2)
    assert any("degraded" in line and "last ok 2014-01-10T04:00:00+00:00" in line for line in lines)


@responses.activate
def test_exactly_half_of_last_time_is_accepted(tmp_path: Path):
    responses.get(WIKI, body=table(10))
    refresh_catalogue(one_source(tmp_path), now=T1)
    responses.replace(responses.GET, WIKI, body=table(5))
    result = refresh_catalogue(one_source(tmp_path), now=T2)
    assert states(result) == [("hyperv-2012", "ok", 200, 5)]
    assert (result.entries, result.changes) == (12, 5)
    assert [line.split()[1:3] for line in catalogue_diff(one_source(tmp_path), T2.date())] == [
        [f"KB{2_950_000 + i}", "removed"] for i in range(5, 10)]


@responses.activate
def test_unparseable_page_says_why_failed_first_degraded_later(tmp_path: Path):
    responses.get(WIKI, body=b"<html><body><p>Moved to the new support site</p></body></html>")
    first = refresh_catalogue(one_source(tmp_path), now=T1)
    assert states(first) == [("hyperv-2012", "failed", 200, 0)]
    assert "no known page family" in first.sources[0].message
    assert first.sources[0].message.endswith("; nothing stored for this source yet")
    assert first.exit_code == 2
    responses.replace(responses.GET, WIKI, body=table(3))
    refresh_catalogue(one_source(tmp_path), now=T1)
    responses.replace(responses.GET, WIKI, body=b"<html><body><p>Moved</p></body></html>")
    later = refresh_catalogue(one_source(tmp_path), now=T2)
    assert states(later) == [("hyperv-2012", "degraded", 200, 3)]
    assert later.sources[0].message.startswith("layout change? http://kb.test/wiki: no known page family")


@responses.activate
@pytest.mark.parametrize("error", [requests.ConnectTimeout("connect"), requests.ReadTimeout("read")])
def test_timeouts_fail_the_source_and_keep_the_catalogue(tmp_path: Path, error: Exception):
    responses.get(WIKI, body=table(4))
    refresh_catalogue(one_source(tmp_path), now=T1)
    responses.replace(responses.GET, WIKI, body=error)
    result = refresh_catalogue(one_source(tmp_path), now=T2)
    assert states(result) == [("hyperv-2012", "failed", None, 4)]
    assert "timed out" in result.sources[0].message and result.exit_code == 2
    stored = load_catalogue(one_source(tmp_path))
    assert (len(stored), stored.info.refreshed_at) == (11, T1)  # no news: the age keeps growing


@responses.activate
def test_a_new_url_for_a_source_is_fetched_unconditionally(tmp_path: Path):
    responses.get(WIKI, body=table(10), headers={"ETag": '"ten"'})
    refresh_catalogue(one_source(tmp_path), now=T1)
    moved = "http://kb.test/wiki-v2"
    responses.get(moved, body=table(2))
    result = refresh_catalogue(one_source(tmp_path, moved), now=T2)
    assert "If-None-Match" not in responses.calls[-1].request.headers
    assert states(result) == [("hyperv-2012", "ok", 200, 2)]  # fewer entries at a new URL is no layout change


@responses.activate
def test_import_then_refresh_merges_in_the_same_order(tmp_path: Path):
    """Configured sources come first, imports after, whichever command runs: titles never flip."""
    listed = tmp_path / "mine.json"
    listed.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"kb": "KB2950001", "title": "My own title",
                                                      "products": ["ws2012"], "roles": ["hyper-v"]}]).encode())
    responses.get(WIKI, body=table(3))
    refresh_catalogue(one_source(tmp_path), now=T1)
    imported = import_list(one_source(tmp_path), listed, now=T1)
    assert (imported.sources[0].name, imported.sources[0].entries, imported.changes) == ("import:mine.json", 1, 0)
    again = refresh_catalogue(one_source(tmp_path), now=T2)
    assert again.changes == 0
    entry = load_catalogue(one_source(tmp_path)).entries["KB2950001"]
    assert (entry.title, entry.sources) == ("Hyper-V hotfix number 1", ("hyperv-2012", "import:mine.json"))


@responses.activate
def test_sources_no_longer_configured_are_forgotten_imports_are_kept(tmp_path: Path):
    listed = tmp_path / "mine.json"
    listed.write_text(json.dumps([{"kb": "KB2960000", "title": "Imported"}]))
    responses.get(WIKI, body=page("hyperv-2012-wiki.html"))
    responses.get(CLUSTER, body=page("cluster-2012-kb.html"))
    refresh_catalogue(config(tmp_path), now=T1)
    import_list(config(tmp_path), listed, now=T1)
    result = refresh_catalogue(one_source(tmp_path), now=T2)
    stored = load_catalogue(one_source(tmp_path))
    assert {s.name for s in stored.info.sources} == {"hyperv-2012", "import:mine.json"}
    assert "KB2960000" in stored.entries and "KB2911101" not in stored.entries
    assert result.entries == len(stored)


def test_merge_order_is_config_order_then_imports_by_name_each_once(tmp_path: Path):
    stored = ["cluster-2012", "import:b.xml", "hyperv-2012", "import:a.json"]
    assert _merge_order(config(tmp_path), stored, ["import:c.xml", "cluster-2012"]) == [
        "hyperv-2012", "cluster-2012", "import:a.json", "import:b.xml", "import:c.xml"]
