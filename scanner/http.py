"""The only module that talks HTTP: a requests Session with retries, timeouts, caps and conditional GET."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
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
    """GET `url` conditionally; SourceError (naming the URL) for anything but a usable 200 or a 304."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SourceError(f"{url}: only http and https sources are fetched")
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if since := _valid_http_date(last_modified):
        headers["If-Modified-Since"] = since
    try:
        with session.get(url, headers=headers, timeout=(config.connect_timeout, config.read_timeout),
                         stream=True, allow_redirects=True) as response:
            if response.status_code == 304:
                return FetchResult(response.url, 304, etag=etag, last_modified=last_modified)
            if response.status_code != 200:
                raise SourceError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip()
                                  + (" after retries" if response.status_code in RETRY_STATUSES else ""))
            body = _read_capped(response, url, config.max_bytes)
            return FetchResult(response.url, 200, body, response.headers.get("ETag"),
                               _valid_http_date(response.headers.get("Last-Modified")),
                               response.headers.get("Content-Type"))
    except requests.TooManyRedirects as e:
        raise SourceError(f"{url}: more than {config.max_redirects} redirects") from e
    except requests.exceptions.RetryError as e:
        raise SourceError(f"{url}: gave up after {config.retries} retries ({e})") from e
    except requests.Timeout as e:
        raise SourceError(f"{url}: timed out (connect {config.connect_timeout:g} s, read "
                          f"{config.read_timeout:g} s)") from e
    except requests.RequestException as e:
        raise SourceError(f"{url}: {type(e).__name__}: {e}") from e


def _read_capped(response: requests.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(f"{url}: the page is {int(declared):,} bytes, over the {max_bytes:,}-byte cap "
                          "([http] max_bytes)")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise SourceError(f"{url}: the page is over the {max_bytes:,}-byte cap ([http] max_bytes); "
                              "stopped reading")
        chunks.append(chunk)
    return b"".join(chunks)
