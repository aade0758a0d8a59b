"""`[http] deadline` over TLS and across reused connections, against real servers on 127.0.0.1.

tests/test_network_faults.py drips plain HTTP; here the same drip comes over TLS (the deadline shuts an
SSL socket that another thread is reading), and a keep-alive connection outlives one fetch's deadline."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scanner.config import HttpConfig
from scanner.errors import SourceError
from scanner.http import fetch, make_session

PAGE = b"<html><body>ok</body></html>"
CONFIG = HttpConfig(connect_timeout=1.0, read_timeout=0.5, retries=1, backoff=0.0, deadline=1.5)
GIVE_UP = 10.0  # the servers stop dripping after this: a broken deadline fails the test instead of hanging it


def _serve(listener: socket.socket, answer: Callable[[socket.socket], None], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_answer, args=(conn, answer), daemon=True).start()


def _answer(conn: socket.socket, answer: Callable[[socket.socket], None]) -> None:
    with contextlib.suppress(OSError, ssl.SSLError), conn:
        conn.recv(65536)  # the request (one read is all a GET of ours takes)
        answer(conn)


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@contextlib.contextmanager
def tls_server(tls_files: tuple[Path, Path], answer: Callable[[socket.socket], None]) -> Iterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls_files)
    listener = context.wrap_socket(socket.create_server(("127.0.0.1", 0)), server_side=True)
    stop = threading.Event()
    threading.Thread(target=_serve, args=(listener, answer, stop), daemon=True).start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}/list"
    finally:
        stop.set()
        listener.close()


def drip_headers(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: ")
    end = time.monotonic() + GIVE_UP
    while time.monotonic() < end:
        conn.sendall(b"x")
        time.sleep(0.1)


def good_page(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(PAGE), PAGE))


def test_a_tls_server_dripping_its_headers_is_stopped_at_the_deadline(tls_files: tuple[Path, Path]) -> None:
    with tls_server(tls_files, drip_headers) as url:
        session = make_session(CONFIG)
        session.verify, session.trust_env = str(tls_files[0]), False  # else $REQUESTS_CA_BUNDLE wins
        started = time.monotonic()
        with pytest.raises(SourceError) as caught:
            fetch(session, url, CONFIG)
        took = time.monotonic() - started
    assert str(caught.value) == f"{url}: no complete answer within 1.5 s ([http] deadline)"
    assert 1.5 <= took < 2.5


def test_a_good_tls_page_comes_through_the_watched_pool(tls_files: tuple[Path, Path]) -> None:
    with tls_server(tls_files, good_page) as url:
        session = make_session(CONFIG)
        session.verify, session.trust_env = str(tls_files[0]), False  # else $REQUESTS_CA_BUNDLE wins
        assert fetch(session, url, CONFIG).body == PAGE
        pool = session.get_adapter(url).poolmanager.connection_from_url(url)  # type: ignore[attr-defined]
    assert type(pool).__name__ == "_WatchedTLSPool" and type(pool).ConnectionCls.__name__ == "_WatchedTLS"


class _KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # one connection for several requests
    peers: list[int] = []  # noqa: RUF012 - the client ports seen, one per connection used

    def do_GET(self) -> None:
        _KeepAlive.peers.append(self.client_address[1])
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


def test_a_connection_reused_after_an_earlier_fetchs_deadline_is_not_shut() -> None:
    """The first fetch's deadline passes while its connection waits in the pool; the second fetch reuses
    that connection and must get its page (a timer that outlived its fetch would cut it)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    _KeepAlive.peers.clear()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/list"
    short = HttpConfig(connect_timeout=1.0, read_timeout=0.5, retries=0, backoff=0.0, deadline=0.3)
    threads = threading.active_count()
    try:
        session = make_session(short)
        assert fetch(session, url, short).body == PAGE
        time.sleep(0.5)  # past the first fetch's deadline
        assert fetch(session, url, short).body == PAGE
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert len(_KeepAlive.peers) == 2 and len(set(_KeepAlive.peers)) == 1  # really one connection, reused
    assert threading.active_count() <= threads + 1  # no deadline timer left behind (the server's thread aside)
