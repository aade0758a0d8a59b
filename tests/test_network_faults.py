"""Network faults from a real misbehaving server on 127.0.0.1: each one keeps the last good catalogue."""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import select
import socket
import socketserver
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.config import load_config
from scanner.refresh import RefreshResult, refresh_catalogue

PAGES = Path(__file__).resolve().parent / "data" / "pages"
REPO = Path(__file__).resolve().parents[1]
WIKI = (PAGES / "hyperv-2012-wiki.html").read_bytes()
CLUSTER = (PAGES / "cluster-2012-kb.html").read_bytes()
WIKI_WITHOUT_TABLE = re.sub(rb'<table border="1">.*?</table>', b"", WIKI, flags=re.S)
HUNDRED_MB = 100 * 1024 * 1024
CAP = 1024 * 1024
DEADLINE = 3.0
READ_TIMEOUT = 0.5
RETRIES = 2
HTTP = f"""[http]
connect_timeout = 1.0
read_timeout = {READ_TIMEOUT}
retries = {RETRIES}
backoff = 0.0
max_bytes = {CAP}
max_redirects = 3
deadline = {DEADLINE}
"""


@dataclass
class Exchange:
    """One request the fault server got; a behaviour answers (or misbehaves) on `sock`."""

    sock: socket.socket
    path: str
    headers: dict[str, str]
    server: FaultServer

    def head(self, status: int, headers: dict[str, str]) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS[status]}", "Connection: close",
                 *(f"{k}: {v}" for k, v in headers.items())]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.head(status, {"Content-Length": str(len(body)), **(headers or {})})
        self.sock.sendall(body)

    def hung_up(self, seconds: float) -> bool:
        """Wait up to `seconds` for the client to close its end (or the server to stop)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.server.stop.is_set():
            if select.select([self.sock], [], [], 0.05)[0] and not self.sock.recv(4096):
                return True
        return self.server.stop.is_set()

    def stream(self, chunk: bytes, total: int, pause: float = 0.0) -> None:
        """Send `total` bytes of `chunk` repeated, counting what left; ends when the client hangs up."""
        sent = 0
        while sent < total and not self.server.stop.is_set():
            piece = chunk[: total - sent]
            self.sock.sendall(piece)
            sent += len(piece)
            self.server.sent[self.path] += len(piece)
            if pause:
                time.sleep(pause)


Behaviour = Callable[[Exchange], None]
_REASONS = {200: "OK", 302: "Found", 304: "Not Modified", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error"}


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: FaultServer = self.server  # type: ignore[assignment]
        reader = self.request.makefile("rb")
        parts = reader.readline(65536).split()
        headers = {}
        while (line := reader.readline(65536)) not in (b"\r\n", b"\n", b""):
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        if len(parts) < 2:
            return
        path = parts[1].decode("latin-1").split("?")[0]
        server.hits[path] += 1
        behaviour = server.routes.get(path, not_found)
        with contextlib.suppress(OSError):  # the client hanging up is how a refused answer ends
            behaviour(Exchange(self.request, path, headers, server))


class FaultServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.routes: dict[str, Behaviour] = {}
        self.hits: defaultdict[str, int] = defaultdict(int)
        self.sent: defaultdict[str, int] = defaultdict(int)
        self.stop = threading.Event()


@pytest.fixture(scope="module")
def fault_server() -> Iterator[FaultServer]:
    server = FaultServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


# ---- behaviours: a good page, and the faults ----

def not_found(x: Exchange) -> None:
    x.answer(404, b"not found")


def page(body: bytes, etag: str | None = None) -> Behaviour:
    def behave(x: Exchange) -> None:
        if etag and x.headers.get("if-none-match") == etag:
            x.head(304, {"ETag": etag})
        else:
            x.answer(200, body, {"Content-Type": "text/html; charset=utf-8", **({"ETag": etag} if etag else {})})
    return behave


def first_then(times: int, status: int, headers: dict[str, str], then: Behaviour) -> Behaviour:
    """`status` for the first `times` requests, then `then`."""
    count = iter(range(times))

    def behave(x: Exchange) -> None:
        if next(count, None) is None:
            then(x)
        else:
            x.answer(status, b"<html><body>busy</body></html>", headers)
    return behave


def reset_mid_body(x: Exchange) -> None:
    x.head(200, {"Content-Type": "text/html", "Content-Length": str(len(WIKI))})
    x.sock.sendall(WIKI[: len(WIKI) // 2])
    time.sleep(0.3)  # the client has read the headers and half the page: now the RST
    x.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    x.sock.close()


def close_mid_body(x: Exchange) -> None:
    x.head(200, {"Content-Type": "text/html", "Content-Length": str(len(WIKI))})
    x.sock.sendall(WIKI[: len(WIKI) // 2])
    x.sock.shutdown(socket.SHUT_WR)  # a FIN, 1,315 bytes short of the announced length
    x.hung_up(5)


def stall_mid_body(x: Exchange) -> None:
    x.head(200, {"Content-Type": "text/html", "Content-Length": str(len(WIKI))})
    x.sock.sendall(WIKI[: len(WIKI) // 2])
    x.hung_up(60)


def never_answers(x: Exchange) -> None:
    x.hung_up(60)


def redirect_loop(x: Exchange) -> None:
    x.answer(302, b"", {"Location": f"{x.path}?hop={x.server.hits[x.path]}"})


DRIP = 60  # bytes, one every 0.2 s: 12 s, then the server gives up, so a broken deadline fails a case
#            (it took too long) instead of hanging the suite


def drip(x: Exchange) -> None:
    x.head(200, {"Content-Type": "text/html"})  # no length: the page ends when the connection does
    x.stream(b"<", DRIP, pause=0.2)  # a byte every 0.2 s never trips a 0.5 s read timeout


def drip_status_line(x: Exchange) -> None:
    x.stream(b"H", DRIP, pause=0.2)  # "HTTP/1.1 200 OK" that never ends: requests is still reading it


def drip_headers(x: Exchange) -> None:
    x.sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: ")
    x.stream(b"x", DRIP, pause=0.2)  # a header line that never ends


def hundred_mb(declared: bool) -> Behaviour:
    def behave(x: Exchange) -> None:
        x.head(200, {"Content-Type": "text/html", **({"Content-Length": str(HUNDRED_MB)} if declared else {})})
        x.stream(b"<p>" + b"x" * (64 * 1024 - 3), HUNDRED_MB)
    return behave


def gzip_bomb(x: Exchange) -> None:
    """100 MB of markup as about 100 KB of gzip, compressed while sent."""
    x.head(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"})
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    block = b"<p>" + b"x" * (1024 * 1024 - 3)
    for _ in range(HUNDRED_MB // len(block)):
        if x.server.stop.is_set():
            return
        x.sock.sendall(packer.compress(block))
    x.sock.sendall(packer.flush())


def damaged_gzip(x: Exchange) -> None:
    x.answer(200, gzip.compress(WIKI)[:40] + b"\x00garbage" * 50,
             {"Content-Type": "text/html", "Content-Encoding": "gzip"})


# ---- the cases ----

@dataclass(frozen=True)
class Case:
    name: str
    fault: Behaviour
    state: str  # the wiki source's health after the fault
    message: str  # regex; {url} is the wiki's URL
    attempts: int | None  # requests the server saw during the faulty refresh
    within: float  # seconds the faulty refresh may take (the CLI gets startup time on top)
    at_least: float = 0.0
    cli: bool = False
    http_status: int | None = None


CASES = [
    Case("reset-mid-body", reset_mid_body, "failed",
         r"^{url}: the connection broke after [\d,]+ bytes of the page \(Connection reset by peer\); "
         r"kept the last good entries$", 1, 2.0, cli=True),
    Case("closed-mid-body", close_mid_body, "failed",
         r"^{url}: the connection broke after 1,315 bytes of the page "
         r"\(IncompleteRead\(1315 bytes read, 1315 more expected\)\); "
         r"kept the last good entries$", 1, 2.0),
    Case("stalls-mid-body", stall_mid_body, "failed",
         rf"^{{url}}: timed out after 1,315 bytes of the page \(read {READ_TIMEOUT:g} s\); kept the last good entries$",
         1, READ_TIMEOUT + 1.0, at_least=READ_TIMEOUT),
    Case("never-answers", never_answers, "failed",
         rf"^{{url}}: timed out \(connect 1 s, read {READ_TIMEOUT:g} s\), 3 attempts; kept the last good entries$",
         RETRIES + 1, (RETRIES + 1) * READ_TIMEOUT + 1.5, at_least=(RETRIES + 1) * READ_TIMEOUT, cli=True),
    Case("429-retry-after-then-200", first_then(1, 429, {"Retry-After": "1"}, page(WIKI)), "ok",
         r"^update-list$", 2, 3.0, at_least=1.0, http_status=200),
    Case("429-retry-after-always", first_then(99, 429, {"Retry-After": "1"}, page(WIKI)), "failed",
         r"^{url}: HTTP 429 Too Many Requests after retries; kept the last good entries$",
         RETRIES + 1, RETRIES * 1.0 + 1.5, at_least=RETRIES * 1.0),
    Case("500-burst-within-retries", first_then(RETRIES, 500, {}, page(WIKI)), "ok", r"^update-list$",
         RETRIES + 1, 2.0, http_status=200),
    Case("500-burst-beyond-retries", first_then(RETRIES + 3, 500, {}, page(WIKI)), "failed",
         r"^{url}: HTTP 500 Internal Server Error after retries; kept the last good entries$",
         RETRIES + 1, 2.0, cli=True),
    Case("redirect-loop", redirect_loop, "failed", r"^{url}: more than 3 redirects; kept the last good entries$",
         4, 2.0, cli=True),
    Case("drip-forever", drip, "failed",
         rf"^{{url}}: no complete answer within {DEADLINE:g} s \(\[http\] deadline\); kept the last good entries$",
         1, DEADLINE + 1.0, at_least=DEADLINE, cli=True),
    Case("drip-status-line", drip_status_line, "failed",
         rf"^{{url}}: no complete answer within {DEADLINE:g} s \(\[http\] deadline\); kept the last good entries$",
         None, DEADLINE + 1.0, at_least=DEADLINE),
    Case("drip-headers", drip_headers, "failed",
         rf"^{{url}}: no complete answer within {DEADLINE:g} s \(\[http\] deadline\); kept the last good entries$",
         None, DEADLINE + 1.0, at_least=DEADLINE, cli=True),
    Case("429-retry-after-past-the-deadline", first_then(99, 429, {"Retry-After": "30"}, page(WIKI)), "failed",
         rf"^{{url}}: no complete answer within {DEADLINE:g} s \(\[http\] deadline\); kept the last good entries$",
         None, DEADLINE + 1.0, at_least=DEADLINE),
    Case("100mb-streamed-no-length", hundred_mb(declared=False), "failed",
         rf"^{{url}}: the page is over the {CAP:,}-byte cap \(\[http\] max_bytes\); stopped reading; "
         r"kept the last good entries$", 1, 3.0),
    Case("100mb-content-length", hundred_mb(declared=True), "failed",
         rf"^{{url}}: the page is {HUNDRED_MB:,} bytes, over the {CAP:,}-byte cap \(\[http\] max_bytes\); "
         r"kept the last good entries$", 1, 2.0, cli=True),
    Case("gzip-bomb", gzip_bomb, "failed",
         rf"^{{url}}: the page is over the {CAP:,}-byte cap \(\[http\] max_bytes\); stopped reading; "
         r"kept the last good entries$", 1, 2.0),
    Case("gzip-damaged", damaged_gzip, "failed",
         r"^{url}: the page says Content-Encoding: gzip but could not be decoded after 0 bytes; the server "
         r"sent a damaged body; kept the last good entries$", 1, 2.0, cli=True),
    Case("layout-changed-table-gone", page(WIKI_WITHOUT_TABLE), "degraded",
         r"^layout change\? .* \(last good: 4\); kept the previous entries$", 1, 2.0, http_status=200),
]


def write_config(tmp_path: Path, base: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f"""state_dir = "{tmp_path / 'state'}"
{HTTP}
[[sources]]
name = "hyperv-2012"
url = "{base}/wiki"
products = ["ws2012"]
roles = ["hyper-v"]
[[sources]]
name = "cluster-2012"
url = "{base}/cluster"
products = ["ws2012"]
roles = ["failover-clustering"]
""")
    return config


def stored(config: Path) -> tuple[bytes, dict[str, dict[str, Any]]]:
    """A canonical dump of the stored catalogue (merged entries, each source's last good parse and its
    validators), and each source's health row."""
    with contextlib.closing(sqlite3.connect(f"file:{config.parent / 'state' / 'kbscan.db'}?mode=ro",
                                            uri=True)) as db:
        db.row_factory = sqlite3.Row
        dump = {
            "catalogue": [tuple(r) for r in db.execute("SELECT kb, data FROM catalogue_entries ORDER BY kb")],
            "parses": [tuple(r) for r in db.execute("SELECT source, kb, data FROM source_entries ORDER BY 1, 2")],
            "validators": [tuple(r) for r in db.execute(
                "SELECT name, url, family, etag, last_modified, includes FROM sources ORDER BY name")],
        }
        health = {r["name"]: dict(r) for r in db.execute("SELECT * FROM sources")}
    return json.dumps(dump, ensure_ascii=False).encode(), health


def refresh_in_process(config: Path) -> RefreshResult:
    return refresh_catalogue(load_config(config))


def kbscan(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scanner", "--config", str(config), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=60, check=False)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fault_keeps_the_last_good_catalogue_and_the_next_good_fetch_recovers(
        case: Case, fault_server: FaultServer, tmp_path: Path, record_property: Callable[[str, object], None],
) -> None:
    base = f"{fault_server.base}/{case.name}"
    wiki_url = f"{base}/wiki"
    wiki_path, cluster_path = f"/{case.name}/wiki", f"/{case.name}/cluster"
    fault_server.routes[wiki_path] = page(WIKI)
    fault_server.routes[cluster_path] = page(CLUSTER, etag='"c1"')  # conditional GETs on every refresh
    config = write_config(tmp_path, base)

    good = refresh_in_process(config)
    assert [(s.name, s.state, s.entries) for s in good.sources] == [("hyperv-2012", "ok", 4),
                                                                    ("cluster-2012", "ok", 6)]
    good_dump, good_health = stored(config)
    entries = good.entries  # the embedded catalogue's entries and the pages' others
    assert entries > 10 and good_dump.count(b'"KB') > entries

    fault_server.routes[wiki_path] = case.fault
    hits_before = fault_server.hits[wiki_path]
    started = time.monotonic()
    if case.cli:
        done = kbscan(config, "catalogue", "refresh")
        elapsed = time.monotonic() - started
        lines = done.stdout.splitlines()
        assert done.returncode == (0 if case.state == "ok" else 1), done.stderr
        assert lines[0].split()[:2] == ["hyperv-2012", case.state] and lines[1].split()[:3] == [
            "cluster-2012", "ok", "304"]
        assert lines[-1] == f"catalogue: {entries} entries, 0 changes"
    else:
        result = refresh_in_process(config)
        elapsed = time.monotonic() - started
        assert [(s.name, s.state) for s in result.sources] == [("hyperv-2012", case.state), ("cluster-2012", "ok")]
        assert (result.entries, result.changes) == (entries, 0)
    attempts = fault_server.hits[wiki_path] - hits_before
    after_dump, health = stored(config)
    wiki = health["hyperv-2012"]
    record_property("message", wiki["message"])
    record_property("seconds", round(elapsed, 2))

    assert after_dump == good_dump
    assert re.search(case.message.replace("{url}", re.escape(wiki_url)), wiki["message"]), wiki["message"]
    assert (wiki["state"], wiki["url"], wiki["entries"], wiki["http_status"]) == (
        case.state, wiki_url, 4, case.http_status)
    if case.state != "ok":
        assert wiki["ok_at"] == good_health["hyperv-2012"]["ok_at"] != wiki["checked_at"]
    assert case.attempts is None or attempts == case.attempts
    assert case.at_least <= elapsed < case.within + (5.0 if case.cli else 1.0)  # slack: CLI start, a busy box
    if case.cli:
        status = kbscan(config, "status")
        line = next(x for x in status.stdout.splitlines() if x.split()[:2] == ["source", "hyperv-2012"])
        assert status.returncode == 0 and wiki["message"] in line
        if case.state != "ok":
            assert f"last ok {good_health['hyperv-2012']['ok_at'][:19]}" in line

    fault_server.routes[wiki_path] = page(WIKI)
    recovered = refresh_in_process(config)
    assert [(s.name, s.state, s.http_status, s.entries, s.message) for s in recovered.sources] == [
        ("hyperv-2012", "ok", 200, 4, "update-list"), ("cluster-2012", "ok", 304, 6, "not modified")]
    assert stored(config)[0] == good_dump
    if "100mb" in case.name:  # cut at the cap: far less than the 100 MB left the server
        assert fault_server.sent[wiki_path] < 32 * CAP


def test_the_pages_the_faults_use_are_what_the_cases_assume() -> None:
    assert len(WIKI) == 2630 and len(WIKI_WITHOUT_TABLE) < len(WIKI) - 1000
    assert len(CLUSTER) < CAP
