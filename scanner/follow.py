"""Following a list's KB links during a refresh: which articles to fetch (a cap per refresh, least recently
fetched first), fetching them politely (two at a time) and refusing a page that is not that KB's article.
Each article is stored as its own source, `<list source>/<KB>`, so its facts keep that provenance."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime

from scanner.models import SourceHealth
from scanner.sources import ParsedPage
from scanner.sources.rows import LIST_ARTICLES
from scanner.store.catalogue import SourceRecord, SourceState

log = logging.getLogger(__name__)

WORKERS = 2  # articles fetched at once: support.microsoft.com is a shared public site


@dataclass(frozen=True)
class Article:
    """A KB article a list links: the list source, the KB, the article's URL, and the roles the list gives
    the KB (the article's own title is no scope: "virtual machines" in passing is no role)."""

    source: str
    kb: str
    url: str
    roles: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return article_source(self.source, self.kb)


def article_source(source: str, kb: str) -> str:
    """The source name an article's facts are attributed to: `cluster-2012r2/KB3000850`."""
    return f"{source}/{kb}"


def is_article_of(name: str, sources: Iterable[str]) -> bool:
    return any(name.startswith(f"{source}/KB") for source in sources)


def linked(parsed: ParsedPage, source: str) -> list[Article]:
    """The articles a freshly parsed list links, in page order (never a list article's own)."""
    roles = {entry.kb: entry.roles for entry in parsed.entries}
    return [Article(source, kb, url, roles.get(kb, ())) for kb, url in parsed.articles
            if kb in roles and kb not in LIST_ARTICLES]


def remembered(source: str, states: Mapping[str, SourceState]) -> list[Article]:
    """The articles followed before for a list that gave no new page (304, or a failed fetch): the same
    ones, from their stored state."""
    prefix = article_source(source, "")
    return [Article(source, name[len(prefix):], state.url,
                    next((e.roles for e in state.entries), ()))
            for name, state in sorted(states.items()) if name.startswith(prefix) and state.url]


def choose(articles: list[Article], states: Mapping[str, SourceState], cap: int) -> list[Article]:
    """At most `cap` articles: never fetched first (in page order), then those checked longest ago, so
    successive refreshes go round a list longer than the cap."""
    def last_checked(article: Article) -> tuple[int, str]:
        health = states[article.name].health if article.name in states else None
        checked = health.checked_at if health is not None else None
        return (0, "") if checked is None else (1, checked.isoformat())

    unique = list({article.name: article for article in articles}.values())
    return sorted(unique, key=last_checked)[:cap]


def fetch_all(articles: list[Article], fetch_one: Callable[[Article], SourceRecord],
              progress: Callable[[int, int], None] | None = None) -> list[SourceRecord]:
    """Every article through `fetch_one`, `WORKERS` at a time; records in the order of `articles`."""
    if not articles:
        return []
    records: list[SourceRecord] = []
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kb-article") as pool:
        for done, record in enumerate(pool.map(fetch_one, articles), 1):
            records.append(record)
            if progress is not None:
                progress(done, len(articles))
    return records


def checked(record: SourceRecord, parsed: ParsedPage | None, article: Article, previous: SourceState,
            now: datetime) -> SourceRecord:
    """A fetched page that is not this KB's article (another KB's article after a redirect, a list, a
    post) is refused: the article keeps what it gave before and says why."""
    if record.entries is None or parsed is None:
        return record
    found = [entry.kb for entry in record.entries]
    if parsed.family == "kb-article" and found == [article.kb]:
        return record
    about = ", ".join(found) or "no KB"
    why = f"{article.url}: not the KB article of {article.kb} (a {parsed.family} page about {about})"
    log.warning("%s: %s", article.name, why)
    state = "degraded" if previous.entries else "failed"
    health = SourceHealth(article.name, article.url, state, now, record.health.http_status, len(previous.entries),
                          why)
    return replace(record, health=health, entries=None, includes=(), ok=False, family="",
                   etag=previous.etag, last_modified=previous.last_modified)
