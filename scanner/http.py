"""The only module that talks HTTP: a requests Session with retries, timeouts, caps and conditional GET."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError, ProtocolError, ReadTimeoutError
from urllib3.util.retry import Retry

from scanner import __version__
from scanner.config import HttpConfig
from scanner.errors import SourceError

log = logging.getLogger(__name__)

USER_AGENT = f"kbscan/{__version__} (hotfix compliance scanner; +https://pypi.org/project/kbscan/)"
RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 120.0  # seconds: a server asking for more is not waited for, the source fails instead
CHUNK = 64 * 1024


class CappedRetry(Retry):
    """urllib3's Retry (backoff, Retry-After, status list) with Retry-After capped, so one slow server
    cannot stall a refresh for an hour."""

    def parse_retry_after(self, retry_after: str) -> float:
        return min(super().parse_retry_after(retry_after), MAX_RETRY_AFTER)


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
    adapter = HTTPAdapter(max_retries=retry)
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

    `[http] deadline` bounds the whole fetch, retries and body included: a server that drips a byte
    every few seconds never trips the read timeout (which is per socket read) but does trip this."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http and https sources are fetched")
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if since := _valid_http_date(last_modified):
        headers["If-Modified-Since"] = since
    deadline = time.monotonic() + config.deadline
    read_timeout = min(config.read_timeout, config.deadline)
    try:
        with session.get(url, headers=headers, timeout=(config.connect_timeout, read_timeout),
                         stream=True, allow_redirects=True) as response:
            if response.status_code == 304:
                return FetchResult(response.url, 304, etag=etag, last_modified=last_modified)
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


def _past_deadline(url: str, config: HttpConfig, deadline: float) -> None:
    if time.monotonic() > deadline:
        raise SourceError(f"{url}: no complete answer within {config.deadline:g} s ([http] deadline)")


def _read_capped(response: requests.Response, url: str, config: HttpConfig, deadline: float) -> bytes:
    """The body, refused over `max_bytes` and past the deadline. `read1` returns what one socket read
    gave (iter_content would block until a whole chunk arrived), so a drip is stopped on time."""
    max_bytes = config.max_bytes
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(f"{url}: the page is {int(declared):,} bytes, over the {max_bytes:,}-byte cap "
                          "([http] max_bytes)")
    chunks: list[bytes] = []
    size = 0
    while True:
        _past_deadline(url, config, deadline)  # also counts the time spent before the first byte
        try:
            chunk = response.raw.read1(CHUNK, decode_content=True)
        except ReadTimeoutError as e:
            raise SourceError(f"{url}: timed out after {size:,} bytes of the page (read "
                              f"{min(config.read_timeout, config.deadline):g} s)") from e
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
