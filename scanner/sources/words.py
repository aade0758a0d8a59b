"""Reading update-list words: column headers, title months, localized dates (the words are in vocabulary.py).

Microsoft translates KB 2920151-style lists (de-de "Titel", fr-fr "Titre", ja-jp "タイトル"); the words live
in vocabulary.py, and every language's words apply on every page (a header word names its column whatever the
page's language). Latin words match whole words (a trailing `*` allows endings: "comment*" is also
"Comments"), so "update" never matches inside "Last updated"; Japanese words, written without spaces,
match anywhere in the header.
"""

from __future__ import annotations

import re

from scanner.vocabulary import COLUMN_WORDS, LOCAL_INCLUDED_IN, LOCAL_INCLUDES, MONTH_WORD, month_number

_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff]")
_LETTERS = re.compile(r"[^\W\d_]+")


def _phrase(word: str) -> str:
    if _CJK.search(word):
        return re.escape(word)
    body = r"\s+".join(re.escape(part) for part in word.rstrip("*").split())
    ending = r"\w*" if word.endswith("*") else ""
    return rf"(?<!\w){body}{ending}(?!\w)"


_COLUMN_PATTERNS = tuple((meaning, re.compile("|".join(_phrase(w) for words in langs.values() for w in words)))
                         for meaning, langs in COLUMN_WORDS.items())


def column_meaning(header: str) -> str | None:
    """What a column holds, from its header's words: `kb`, `kb_weak`, `title`, `released`, `added`,
    `updated`, `why`, `notes`, `supersedes`, `superseded_by`, `includes`, `kind`, `fix_for`, `component`,
    `wu`, `download`; None for a header of no known meaning."""
    words = " ".join(_LETTERS.findall(header.lower()))
    return next((meaning for meaning, pattern in _COLUMN_PATTERNS if pattern.search(words)), None) if words else None


_NUMBER = re.compile(r"[0-9]{6,7}")


def _kbs(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    found = (f"KB{n}" for m in pattern.finditer(text) for group in m.groups() if group for n in _NUMBER.findall(group))
    return tuple(dict.fromkeys(found))


def local_includes(text: str) -> tuple[str, ...]:
    """"enthält die Hotfixes 2996928 und 2995478", "inclut les correctifs 2996928 et 2995478"."""
    return _kbs(LOCAL_INCLUDES, text)


def local_included_in(text: str) -> tuple[str, ...]:
    """"Um dieses Problem zu beheben, installieren Sie das Updaterollup 3013769", "est inclus dans ..."."""
    return _kbs(LOCAL_INCLUDED_IN, text)


# Dates that parse_date does not read: year first (ja-jp `2015/04/14`, `2015年4月14日`) and month names
# in other languages (`14. Mai 2015`, `14 mai 2015`, `14 de mayo de 2015`).
_YEAR_FIRST = re.compile(r"^\s*(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?\s*$")
_TITLE_MONTH = re.compile(rf"\b({MONTH_WORD})\.?\s+(?:de\s+)?(\d{{4}})\b|(\d{{4}})\s*年\s*(\d{{1,2}})\s*月",
                          re.IGNORECASE)


def title_month(title: str) -> tuple[int, int] | None:
    """(year, month) a title names: "update rollup: December 2013", "Updaterollup ...: Dezember 2014",
    "décembre 2014", "diciembre de 2014", "2014 年 12 月"."""
    match = _TITLE_MONTH.search(title)
    if match is None:
        return None
    if match[3]:
        return int(match[3]), int(match[4])
    month = month_number(match[1])
    return (int(match[2]), month) if month else None


_DAY_MONTH_NAME = re.compile(r"^\s*(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?\s+(?:de\s+)?(\d{4})\s*$")


def iso_date(text: str) -> str:
    """`text` as an ISO date when it is written year first or with a German, French or Spanish month
    name; otherwise unchanged, for parse_date."""
    if match := _YEAR_FIRST.match(text):
        return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    if (match := _DAY_MONTH_NAME.match(text)) and (month := month_number(match[2])):
        return f"{match[3]}-{month:02d}-{int(match[1]):02d}"
    return text


# Languages that write a numeric date month first (12/10/2013): US English; year-first languages never
# reach the slash form (see iso_date). Every other language writes the day first.
_MONTH_FIRST = frozenset({"en", "en-us", "en-ph", "en-ca"})
_LANGUAGE = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{2,4}))?$")


def day_first(language: str | None) -> bool:
    """Whether the page's language writes `05/03/2014` for 5 March: `de-de`, `fr-fr`, `en-gb` do; `en-us`
    (and a page of unknown language) does not."""
    match = _LANGUAGE.match((language or "").strip().lower())
    if not match:
        return False
    return match.group(0).replace("_", "-") not in _MONTH_FIRST and match.group(1) not in ("ja", "zh", "ko")
