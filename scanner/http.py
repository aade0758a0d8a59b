"""The only module that talks HTTP: a requests Session with retries, timeouts, caps and conditional GET."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import DecodeError, MaxRetryError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.response import HTTPResponse
from urllib3.util.retry import Retry

from scanner import __version__
from scanner.config import HttpConfig
from scanner.errors import SourceError

log = logging.getLogger(__name__)

USER_AGENT = f"kbscan/{__version__} (hotfix compliance scanner; +https://pypi.org/project/kbscan/)"
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 120.0  # seconds: a server asking for more is not waited for, the source fails instead
CHUNK = 64 * 1024


class Deadline:
    """`[http] deadline` for one fetch, enforced from a timer thread: when it passes, the sockets the
    fetch uses are shut down, which ends a read blocked on a server that drips its status line, headers
    or body a byte at a time (the read timeout applies per socket read, so it never trips). Sockets
    handed over after that are shut down at once, and retry waits end at the deadline."""

    _current = threading.local()

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.passed = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._pass)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        Deadline._current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
        Deadline._current.deadline = None

    @classmethod
    def current(cls) -> Deadline | None:
        deadline: Deadline | None = getattr(cls._current, "deadline", None)
        return deadline

    def remaining(self) -> float:
        return max(self.end - time.monotonic(), 0.0)

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.passed:
                _shut(sock)
            elif not self._done:
                self._sockets.append(sock)

    def _pass(self) -> None:
        with self._lock:
            if self._done:
                return
            self.passed = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Both directions, on the plain socket (SSLSocket.shutdown would drop the TLS state under a reader in
    another thread): the blocked read returns end-of-file and the fetch fails."""
    with contextlib.suppress(OSError):  # closed meanwhile: nothing left to stop
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _hand_over(sock: socket.socket | None) -> None:
    if (deadline := Deadline.current()) is not None:
        deadline.watch(sock)


class _Watched(HTTPConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]  # as urllib3 does; a drip waits here
        _hand_over(self.sock)
        return super().getresponse()


class _WatchedTLS(HTTPSConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _hand_over(self.sock)
        return super().getresponse()


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _Watched


class _WatchedTLSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedTLS


def _watched(manager: PoolManager) -> PoolManager:
    manager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedTLSPool}
    return manager


class _Adapter(HTTPAdapter):
    """requests' adapter with connection pools whose sockets the fetch's Deadline can shut down (SOCKS
    proxies keep their own connection classes; there the deadline is checked between body reads only)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watched(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        return manager if proxy.lower().startswith("socks") else _watched(manager)


class CappedRetry(Retry):
    """urllib3's Retry (backoff, Retry-After, status list) with Retry-After capped, so one slow server
    cannot stall a refresh for an hour, and every wait cut at the fetch's deadline."""

    def parse_retry_after(self, retry_after: str) -> float:
        return _until_deadline(min(super().parse_retry_after(retry_after), MAX_RETRY_AFTER))

    def get_backoff_time(self) -> float:
        return _until_deadline(super().get_backoff_time())


def _until_deadline(seconds: float) -> float:
    deadline = Deadline.current()
    return seconds if deadline is None else min(seconds, deadline.remaining())


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int  # 200 with a body, or 304 (not modified: reuse the last parse)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


def make_session(config: HttpConfig) -> requests.Session:
    retry = CappedRetry(
        total=config.retries, connect=config.retries, read=config.retries, status=config.retries,
        backoff_factor=config.backoff, status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True, raise_on_status=False, redirect=config.max_redirects,
    )
    session = requests.Session()
    adapter = _Adapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = config.max_redirects
    return session


def _valid_http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return value


def fetch(session: requests.Session, url: str, config: HttpConfig, *, etag: str | None = None,
          last_modified: str | None = None) -> FetchResult:
    """GET `url` conditionally; SourceError (naming the URL) for anything but a usable 200 or a 304.

    `[http] deadline` bounds the whole fetch, retries, their waits and the body included (Deadline): a
    server that drips a byte every few seconds never trips the read timeout, which is per socket read."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http and https sources are fetched")
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if since := _valid_http_date(last_modified):
        headers["If-Modified-Since"] = since
    with Deadline(config.deadline) as deadline:
        try:
            result = _get(session, url, config, headers, deadline)
        except SourceError as e:
            if deadline.passed:  # past the deadline that is the story, even if something else broke too
                raise SourceError(_past_deadline(url, config)) from e
            raise
        if deadline.passed:  # an end-of-file the deadline caused is not the end of the page
            raise SourceError(_past_deadline(url, config))
    if result.status == 304:
        return FetchResult(result.url, 304, etag=etag, last_modified=last_modified)
    return result


def _get(session: requests.Session, url: str, config: HttpConfig, headers: dict[str, str],
         deadline: Deadline) -> FetchResult:
    read_timeout = min(config.read_timeout, config.deadline)
    try:
        with session.get(url, headers=headers, timeout=(config.connect_timeout, read_timeout),
                         stream=True, allow_redirects=True) as response:
            if response.status_code == 304:
                return FetchResult(response.url, 304)  # fetch() adds the validators it asked with
            if response.status_code != 200:
                raise SourceError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip()
                                  + (" after retries" if response.status_code in RETRY_STATUSES else ""))
            body = _read_capped(response, url, config, deadline)
            return FetchResult(response.url, 200, body, response.headers.get("ETag"),
                               _valid_http_date(response.headers.get("Last-Modified")),
                               response.headers.get("Content-Type"))
    except requests.TooManyRedirects as e:
        raise SourceError(f"{url}: more than {config.max_redirects} redirects") from e
    except requests.exceptions.RetryError as e:
        raise SourceError(f"{url}: gave up after {config.retries} retries ({e})") from e
    except requests.Timeout as e:
        raise SourceError(_timed_out(url, config, read_timeout)) from e
    except requests.ConnectionError as e:
        reason = e.args[0].reason if e.args and isinstance(e.args[0], MaxRetryError) else None
        if isinstance(reason, ReadTimeoutError):  # requests reports a read timeout after retries this way
            raise SourceError(_timed_out(url, config, read_timeout)
                              + f", {config.retries + 1} attempt{'s' if config.retries else ''}") from e
        raise SourceError(f"{url}: {type(e).__name__}: {e}") from e
    except requests.RequestException as e:
        raise SourceError(f"{url}: {type(e).__name__}: {e}") from e


def _timed_out(url: str, config: HttpConfig, read_timeout: float) -> str:
    return f"{url}: timed out (connect {config.connect_timeout:g} s, read {read_timeout:g} s)"


def _past_deadline(url: str, config: HttpConfig) -> str:
    return f"{url}: no complete answer within {config.deadline:g} s ([http] deadline)"


def _read_capped(response: requests.Response, url: str, config: HttpConfig, deadline: Deadline) -> bytes:
    """The body, refused over `max_bytes` and past the deadline. `read1` returns what one socket read
    gave (iter_content would block until a whole chunk arrived), so a drip is stopped on time; it
    decompresses at most CHUNK bytes a call, and the cap counts decoded bytes, so a gzip bomb stops
    at the cap too."""
    max_bytes = config.max_bytes
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(f"{url}: the page is {int(declared):,} bytes, over the {max_bytes:,}-byte cap "
                          "([http] max_bytes)")
    chunks: list[bytes] = []
    size = 0
    while True:
        if deadline.passed:
            raise SourceError(_past_deadline(url, config))
        try:
            chunk = response.raw.read1(CHUNK, decode_content=True)
        except ReadTimeoutError as e:
            raise SourceError(f"{url}: timed out after {size:,} bytes of the page (read "
                              f"{min(config.read_timeout, config.deadline):g} s)") from e
        except DecodeError as e:
            encoding = response.headers.get("Content-Encoding", "?")
            raise SourceError(f"{url}: the page says Content-Encoding: {encoding} but could not be decoded after "
                              f"{size:,} bytes; the server sent a damaged body") from e
        except Urllib3Error as e:
            raise SourceError(f"{url}: the connection broke after {size:,} bytes of the page ({_why(e)})") from e
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise SourceError(f"{url}: the page is over the {max_bytes:,}-byte cap ([http] max_bytes); "
                              "stopped reading")
        chunks.append(chunk)


def _why(error: Urllib3Error) -> str:
    """"Connection reset by peer" rather than urllib3's nested ProtocolError tuple."""
    cause = error.args[1] if isinstance(error, ProtocolError) and len(error.args) > 1 else error
    return getattr(cause, "strerror", None) or repr(cause)
