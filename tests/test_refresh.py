"""Refresh behaviour: storage, 304 reuse, layout-change guard, failures keep the last good catalogue."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import requests
import responses

from scanner.config import Config, HttpConfig, SourceConfig
from scanner.pipeline import load_catalogue
from scanner.refresh import catalogue_diff, refresh_catalogue, status_lines
from scanner.store.db import open_database

PAGES = Path(__file__).resolve().parent / "data" / "pages"
WIKI = "http://kb.test/wiki"
CLUSTER = "http://kb.test/cluster"
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
           "that's running Windows Server 2012" in lines
    assert lines[-1].startswith("2014-01-11T04:00:00  KB2905249  changed  title: ")
    assert catalogue_diff(config(tmp_path), T2.date()) == lines[-1:]


def test_database_is_sane_after_refresh(tmp_path: Path):
    with responses.RequestsMock() as mock:
        mock.get(WIKI, body=page("hyperv-2012-wiki.html"))
        mock.get(CLUSTER, body=page("cluster-2012-kb.html"))
        refresh_catalogue(config(tmp_path), now=T1)
    db = open_database(config(tmp_path).database, readonly=True)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
