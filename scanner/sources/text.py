"""Facts from free text: KB ids, products, roles, kinds and relations as pages and lists word them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from scanner.models import Kind, kb_sort_key, try_kb_id
from scanner.printable import ACTING
from scanner.vocabulary import KIND_PATTERNS, KIND_STEMS, ROLE_PATTERNS

_KB_TEXT = re.compile(r"\bKB[\s-]?([0-9]{6,7})\b", re.IGNORECASE)  # ASCII digits: an id is written KB + 0-9
# Every form support links have had: /kb/2883200, /kb/KB2883200, /help/2883200, ?kbid=, kb.aspx?id=,
# support(2).microsoft.com/?id= and default.aspx?id=, scid=kb;en-us;2883200 (also %3b-escaped), and
# /topic/ slugs that carry the id (`.../topic/july-14-2020-kb4565351-...`).
_KB_LINK = re.compile(
    r"(?:/kb/(?:kb)?|[?&]kbid=|/help/(?:kb)?|/kb\.aspx\?id=|support\d?\.microsoft\.com/(?:[a-z]{2}-[a-z]{2}/)?"
    r"(?:default\.aspx)?\?(?:[^#]*?&)?id=|[?&]scid=kb(?:;|%3b)[a-z-]+(?:;|%3b)|/topic/[^?#]*?\bkb-?)([0-9]{6,7})\b",
    re.IGNORECASE)
# The number a KB cell starts with; what follows it is a note ("2919355 (x64)", "2919394*", "KB-2934016").
_BARE_NUMBER = re.compile(r"^[\s(\[]*(?:KB[\s:#-]{0,2})?([0-9]{6,7})(?![0-9])", re.IGNORECASE)

# Product names as pages write them, most specific first (2012 R2 before 2012).
_PRODUCT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), product) for pattern, product in (
        (r"\b(?:windows|hyper-v)\s+server\s+2012\s*r2\b|\bws\s?2012\s?r2\b|\bw2k12\s?r2\b", "ws2012r2"),
        (r"\b(?:windows|hyper-v)\s+server\s+2012(?!\s*r2)\b|\bws\s?2012(?!\s?r2)\b|\bw2k12(?!\s?r2)\b", "ws2012"),
        (r"\b(?:windows|hyper-v)\s+server\s+2008\s*r2\b|\bws\s?2008\s?r2\b|\bw2k8\s?r2\b", "ws2008r2"),
        (r"\bwindows\s+server\s+2008(?!\s*r2)\b|\bws\s?2008(?!\s?r2)\b", "ws2008"),
        (r"\bwindows\s+8\.1\b|\bwin\s?8\.1\b", "win81"),
        (r"\bwindows\s+8(?![.\d])\b|\bwin\s?8(?![.\d])\b", "win8"),
        (r"\bwindows\s+7\b|\bwin\s?7\b", "win7"),
        (r"\bwindows\s+vista\b|\bvista\b", "vista"),
    )
)
_WS_SHORTHAND = re.compile(r"\bWS\s?2012\s?R2\s*(?:&|and|/)\s*(?:WS\s?)?2012\b", re.IGNORECASE)
# One KB in a list, with the noun pages repeat: "hotfix 2996928, hotfix 2995478 and hotfix 3002130".
_ITEM = r"(?:(?:the\s+)?(?:update\s+rollup|cumulative\s+update|updates?|hotfix(?:es)?|fix(?:es)?)\s+)?(?:KB\s?)?\d{6,7}"
_KB_LIST = rf"((?:{_ITEM})(?:\s*(?:,|\band\b|&|\bas\s+well\s+as\b)\s*(?:{_ITEM}))*)"
_PACKAGE = (r"(?:the\s+)?(?:latest\s+)?(?:[A-Z][a-z]+\s+\d{4}\s+)?"  # "the December 2014 update rollup (KB3013769)"
            r"(?:update\s+rollup|cumulative\s+update|update|rollup)?\s*")
# "To resolve this issue, install update rollup 2903938": the fix ships only in that package.
_INSTALL_PACKAGE = re.compile(r"\binstall(?:ing)?\s+" + _PACKAGE + r"\(?(?:KB\s?)?(\d{6,7})\b", re.IGNORECASE)
_INCLUDED_IN = re.compile(r"\b(?:(?:is|are|was|were)\s+(?:also\s+)?)?(?:included|contained)\s+in\s+" + _PACKAGE
                          + r"\(?(?:KB\s?)?(\d{6,7})\b", re.IGNORECASE)
# "To apply this hotfix, you must first install update 2919355": a prerequisite, not the package of the fix.
_PREREQUISITE = re.compile(r"\b(?:must|first|prerequisites?|before|requires?|required|need(?:s|ed)?|have\s+to|"
                           r"apply\s+this|in\s+order\s+to\s+(?:apply|install)|should\s+(?:already|also))\b"
                           # a cause, not a remedy: "This issue occurs after you install update rollup 2903938"
                           r"|\b(?:occurs?|occurred|happens?|after|when|if|once|since)\b", re.IGNORECASE)
_FIRST = re.compile(r"\b(?:first|before|beforehand|prior)\b", re.IGNORECASE)  # "install KB2919355 first"
_NEGATED = re.compile(r"\b(?:not|never|no\s+longer)\s+(?:be\s+)?$|n't\s+$", re.IGNORECASE)
# Not ':' ("Prerequisite: install update 2919355" is one sentence); "2013.This update" is two.
_SENTENCE_END = re.compile(r"[.!?;]\s|\n|(?<=[a-z0-9)][.!?])(?=[A-Z][a-z])")
_INCLUDES = re.compile(r"\binclude[sd]?\b(?:\s+also)?(?:\s+the\s+following(?:\s+(?:updates?|hotfix(?:es)?|fix(?:es)?))?"
                       r")?\s*:?\s*" + _KB_LIST, re.IGNORECASE)
_REPLACES = re.compile(r"\b(?:replace[sd]?|supersede[sd]?)\b(?:\s+(?:the\s+)?(?:previously\s+released\s+|following\s+)?"
                       r"(?:updates?|hotfix(?:es)?|fix(?:es)?))?\s*:?\s*" + _KB_LIST, re.IGNORECASE)
_REPLACED_BY = re.compile(r"\b(?:superseded|replaced)\s+by\s+" + _PACKAGE + r"(?:hotfix\s+)?\(?(?:KB\s?)?(\d{6,7})\b",
                          re.IGNORECASE)
_NUMBER = re.compile(r"\d{6,7}")


def kb_ids_in_text(text: str) -> list[str]:
    """`KB2779069` / `KB 2779069` mentions in order, without duplicates."""
    return _unique(f"KB{m}" for m in _KB_TEXT.findall(text))


def kb_from_cell(text: str) -> str | None:
    """The KB a table cell names: the number it starts with (`2883200`, `KB 2883200`, `2883200 (x64)`,
    `2919394*`; full-width digits and soft hyphens as a reader sees them), else its first `KB` mention.
    A note after the number ("2919355 (install KB2919442 first)") never wins over it."""
    text = unicodedata.normalize("NFKC", text.replace("\u00ad", ""))
    match = _BARE_NUMBER.match(text)
    if match:
        return try_kb_id(match.group(1))
    found = kb_ids_in_text(text)
    return found[0] if found else None


def kb_from_link(href: str) -> str | None:
    """`/kb/2883200`, `?kbid=2883200`, `/help/2883200`, `support.microsoft.com/?id=2883200`, ... (see _KB_LINK)."""
    match = _KB_LINK.search(href)
    return f"KB{match.group(1)}" if match else None


def products_in(text: str) -> tuple[str, ...]:
    found = [product for pattern, product in _PRODUCT_PATTERNS if pattern.search(text)]
    if _WS_SHORTHAND.search(text) and "ws2012" not in found:
        found.append("ws2012")
    return tuple(sorted(set(found), key=_product_order))


def roles_in(text: str) -> tuple[str, ...]:
    """The roles a text names, in any language of the word table ("Hyper-V", "virtual machines",
    "Failovercluster", "clúster", "仮想マシン")."""
    return tuple(role for role, pattern in ROLE_PATTERNS if pattern.search(text))


_INSTALLED_CLAUSE = re.compile(r"\b(?:after|when|if|once|before)\s+(?:you\s+)?(?:install|apply)(?:ing)?\b.*$|"
                               r"\b(?:after|when)\s+(?:installing|applying)\b.*$", re.IGNORECASE)


def _may_name_kind(lowered: str) -> bool:
    """Whether a lower-cased title holds a stem of a kind word (`in` tests: most titles hold none)."""
    if "update" in lowered or "rollup" in lowered or "hotfix" in lowered or "ms" in lowered:
        return True
    if lowered.isascii():
        return "umulati" in lowered or "service pack" in lowered or "paquete" in lowered
    return any(stem in lowered for stem in KIND_STEMS)


def kind_from_title(title: str, default: Kind = Kind.HOTFIX) -> Kind:
    """The kind a title says, in any language of the word table: "... update rollup: December 2013" and
    "Ensemble de mises à jour ..." are rollups, "累積更新" a cumulative update; "Cluster fails after you
    install update rollup 2903938" is a hotfix for a rollup's side effect (the clause is not read)."""
    lowered = title.lower()
    if "install" in lowered or "apply" in lowered:  # the regex only where it can match ("applying" too)
        title = _INSTALLED_CLAUSE.sub("", title)
        lowered = title.lower()
    if not _may_name_kind(lowered):
        return default
    for kind, pattern in KIND_PATTERNS:
        if pattern.search(title):
            return kind
    return default


def included_in_from_text(text: str) -> tuple[str, ...]:
    """Packages a text says carry this KB: "To resolve this issue, install update rollup 2903938", "is
    included in KB2911101", "This fix is included in the December 2014 update rollup (KB3013769)".
    An install in a sentence that words a prerequisite ("To apply this hotfix, you must first install
    update 2919355") is not one: that KB must be there as well, it does not carry this one."""
    found = [m for m in _INSTALL_PACKAGE.finditer(text)
             if not _PREREQUISITE.search(_sentence_before(text, m.start()))
             and not _FIRST.search(_sentence_after(text, m.end()))]
    found += _INCLUDED_IN.finditer(text)
    return tuple(_unique(f"KB{m.group(1)}" for m in sorted(found, key=lambda m: m.start())
                         if not _NEGATED.search(text, max(0, m.start() - 16), m.start())))


def _sentence_before(text: str, end: int) -> str:
    """The part of the sentence holding position `end` that comes before it."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, end - 300), end)), default=max(0, end - 300))
    return text[start:end]


def _sentence_after(text: str, start: int) -> str:
    """The rest of the sentence from position `start`."""
    end = _SENTENCE_END.search(text, start)
    return text[start:end.start() if end else len(text)][:300]


def replaced_by_from_text(text: str) -> tuple[str, ...]:
    """KBs a text says replace this one: "Superseded by KB2919394", "replaced by update 2919355"."""
    return tuple(_unique(f"KB{m.group(1)}" for m in _REPLACED_BY.finditer(text)))


def includes_from_text(text: str) -> tuple[str, ...]:
    """KBs a package's note says it contains: "Includes KB2898774", "include also updates KB1, KB2"."""
    return tuple(_unique(f"KB{n}" for m in _INCLUDES.finditer(text) for n in _NUMBER.findall(m.group(1))))


def replaces_from_text(text: str) -> tuple[str, ...]:
    """KBs a text says this one replaces: "This update replace update KB2870270", "replaces hotfix 2870270"."""
    return tuple(_unique(f"KB{n}" for m in _REPLACES.finditer(text) for n in _NUMBER.findall(m.group(1))))


def clean(text: str) -> str:
    """Collapse white space (including non-breaking spaces) the way a reader sees it, without the
    characters a reader does not see (printable.ACTING: ESC sequences would reach terminals through
    `kbscan catalogue list`, bidi overrides and zero-width characters make text read other than it is)."""
    return " ".join(ACTING.sub(_unseen, text).split())


def _unseen(match: re.Match[str]) -> str:
    return " " if match.group().isspace() else ""  # a control that separates (CR, FF, NEL) still does


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def sort_kbs(kbs: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(kbs), key=kb_sort_key))


def _product_order(product: str) -> int:
    from scanner.models import PRODUCTS

    return PRODUCTS.index(product)
