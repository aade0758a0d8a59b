"""HTTP behaviour: retries, Retry-After, conditional GET, caps, timeouts, schemes and redirects."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
import responses

from scanner.config import HttpConfig
from scanner.errors import SourceError
from scanner.http import MAX_RETRY_AFTER, USER_AGENT, CappedRetry, fetch, make_session

URL = "http://kb.test/list"
FAST = HttpConfig(retries=2, backoff=0.0, max_bytes=2000, max_redirects=3)


@responses.activate
def test_retries_5xx_then_succeeds_with_user_agent():
    responses.get(URL, status=503)
    responses.get(URL, status=502)
    responses.get(URL, body=b"<html>ok</html>",
                  headers={"ETag": '"v1"', "Last-Modified": "Tue, 10 Dec 2013 08:00:00 GMT"})
    result = fetch(make_session(FAST), URL, FAST)
    assert (result.status, result.body, result.etag, result.last_modified) == (
        200, b"<html>ok</html>", '"v1"', "Tue, 10 Dec 2013 08:00:00 GMT")
    assert len(responses.calls) == 3
    assert responses.calls[0].request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("kbscan/")


@responses.activate
def test_gives_up_after_the_configured_retries():
    for _ in range(3):
        responses.get(URL, status=500)
    with pytest.raises(SourceError, match=r"kb\.test/list"):
        fetch(make_session(FAST), URL, FAST)
    assert len(responses.calls) == 3


@responses.activate
def test_conditional_get_sends_validators_and_returns_304():
    responses.get(URL, status=304)
    result = fetch(make_session(FAST), URL, FAST, etag='"v1"', last_modified="Tue, 10 Dec 2013 08:00:00 GMT")
    assert (result.status, result.etag) == (304, '"v1"')
    sent = responses.calls[0].request.headers
    assert (sent["If-None-Match"], sent["If-Modified-Since"]) == ('"v1"', "Tue, 10 Dec 2013 08:00:00 GMT")


@responses.activate
@pytest.mark.parametrize("headers", [{}, {"Content-Length": "5000"}])
def test_body_over_the_cap_is_refused(headers: dict[str, Any]):
    responses.get(URL, body=b"x" * 5000, headers=headers, auto_calculate_content_length=not headers)
    with pytest.raises(SourceError, match="2,000-byte cap"):
        fetch(make_session(FAST), URL, FAST)


@responses.activate
@pytest.mark.parametrize("error", [requests.ConnectTimeout("slow"), requests.ReadTimeout("slow")])
def test_timeouts_are_source_errors(error: Exception):
    responses.get(URL, body=error)
    with pytest.raises(SourceError, match="timed out"):
        fetch(make_session(FAST), URL, FAST)


@responses.activate
def test_redirect_loop_stops_at_the_limit():
    responses.get(URL, status=302, headers={"Location": URL})
    with pytest.raises(SourceError, match=r"redirects|retries"):
        fetch(make_session(FAST), URL, FAST)
    assert len(responses.calls) <= FAST.max_redirects + 2


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://kb.test/x", "gopher://x"])
def test_only_http_and_https(url: str):
    with pytest.raises(SourceError, match="only http and https"):
        fetch(make_session(FAST), url, FAST)


def test_retry_after_is_honoured_by_a_real_server(local_server):  # type: ignore[no-untyped-def]
    calls: list[float] = []

    def route(_handler: object) -> tuple[int, dict[str, str], bytes]:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 429, {"Retry-After": "1"}, b"slow down"
        return 200, {"Content-Type": "text/html"}, b"<html>ok</html>"

    local_server.routes["/busy"] = route
    result = fetch(make_session(FAST), local_server.base + "/busy", FAST)
    assert result.status == 200 and len(calls) == 2
    assert calls[1] - calls[0] >= 0.95


def test_retry_after_longer_than_the_cap_is_not_waited_for():
    retry = make_session(FAST).get_adapter(URL).max_retries
    assert isinstance(retry, CappedRetry)
    assert (retry.parse_retry_after("3"), retry.parse_retry_after("86400")) == (3.0, MAX_RETRY_AFTER)
    assert (retry.total, retry.status_forcelist, retry.respect_retry_after_header) == (
        2, (429, 500, 502, 503, 504), True)
    assert retry.allowed_methods == frozenset({"GET"})


@responses.activate
def test_no_validators_no_conditional_headers_and_bad_dates_are_not_sent():
    responses.get(URL, body=b"<html>ok</html>", headers={"Last-Modified": "yesterday-ish"})
    result = fetch(make_session(FAST), URL, FAST, last_modified="not a date")
    sent = responses.calls[0].request.headers
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent
    assert (result.status, result.last_modified) == (200, None)


@responses.activate
def test_a_redirect_to_another_scheme_is_a_source_error():
    responses.get(URL, status=301, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(SourceError, match=r"^http://kb\.test/list: "):
        fetch(make_session(FAST), URL, FAST)


@responses.activate
def test_a_404_names_the_url_and_status():
    responses.get(URL, status=404)
    with pytest.raises(SourceError, match=r"^http://kb\.test/list: HTTP 404 Not Found$"):
        fetch(make_session(FAST), URL, FAST)
    assert len(responses.calls) == 1  # a 404 is not retried
