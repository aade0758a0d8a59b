"""Shared fixtures: a real HTTP server on 127.0.0.1 whose routes a test sets."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.needs import require


def pytest_runtest_setup(item: pytest.Item) -> None:
    """tests/needs.py: a missing tool skips the test, or fails it under CI=true."""
    for mark in item.iter_markers("needs_tool"):
        missing = mark.kwargs.get("missing")
        require(not missing, missing)


Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


@dataclass
class LocalServer:
    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def page(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> str:
        """Serve `body` at `path`; with an ETag header, a matching If-None-Match gets 304."""
        sent = headers or {"Content-Type": "text/html"}

        def route(handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
            if "ETag" in sent and handler.headers.get("If-None-Match") == sent["ETag"]:
                return 304, {"ETag": sent["ETag"]}, b""
            return status, sent, body

        self.routes[path] = route
        return self.base + path


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server_state = LocalServer(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.requests.append((self.path, dict(self.headers)))
            route = server_state.routes.get(self.path)
            status, headers, body = route(self) if route else (404, {}, b"not found")
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
