"""Relations an article or post states in its sentences: what it replaces, what it includes, and which
sentences are prerequisites ("you must first install update 2919355"), which are never relations."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from scanner.vocabulary import (
    CAUSE,
    CAUSE_FIXED,
    CLAUSE_END,
    INCLUDES,
    NEGATION,
    PREREQUISITE,
    REPLACE_VERB,
)

# A KB number, not part of a version (6.2.9200.20870), a size (1,234,567) or a longer number.
_NUMBER = re.compile(r"(?<![\d.,])(\d{6,7})(?!\d|[.,]\d)")
_LEADING = re.compile(r"^\s*(?:KB\s?)?(\d{6,7})\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])")
_NEAR = (20, 12)  # characters before and after a verb that a negation of it is looked for in

Line = tuple[str, bool]  # a block's text and whether it is a list item or table cell


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


def is_prerequisite(sentence: str) -> bool:
    return PREREQUISITE.search(sentence) is not None


def is_cause(sentence: str) -> bool:
    """"The problem occurs after you install update rollup 2903938" names what causes the problem."""
    return CAUSE.search(sentence) is not None and CAUSE_FIXED.search(sentence) is None


def statements(texts: Iterable[str]) -> str:
    """The texts without the sentences that name a prerequisite or a cause: what the shared relation
    readers of text.py ("install update rollup 2903938") may read."""
    return " ".join(s for text in texts for s in sentences(text) if not is_prerequisite(s) and not is_cause(s))


def kb_numbers(text: str) -> list[str]:
    return list(dict.fromkeys(f"KB{n}" for n in _NUMBER.findall(text)))


def leading_kb(text: str) -> str | None:
    match = _LEADING.match(text)
    return f"KB{match.group(1)}" if match else None


def replaced(lines: Iterable[Line]) -> tuple[str, ...]:
    """KBs a replacement section says are replaced: "This hotfix replaces hotfix 2869923", "Dieser Hotfix
    ersetzt ... 2550886", and "replaces the following hotfixes:" with the items that follow."""
    return _stated(lines, _replace_clause)


def included(lines: Iterable[Line]) -> tuple[str, ...]:
    """KBs the text says its own update contains: "this update includes update 2869923 and update 2908415"."""
    return _stated(lines, _include_clause)


def _stated(lines: Iterable[Line], clause_of: Callable[[str], str | None]) -> tuple[str, ...]:
    found: list[str] = []
    listing = False  # the last sentence announced a list ("... the following hotfixes:")
    for text, is_item in lines:
        if is_item and listing:
            if kb := leading_kb(text):
                found.append(kb)
            continue
        listing = False
        for sentence in sentences(text):
            clause = None if is_prerequisite(sentence) else clause_of(sentence)
            if clause is None:
                continue
            numbers = kb_numbers(clause)
            found += numbers
            listing = not numbers and sentence.rstrip().endswith((":", "："))
    return tuple(dict.fromkeys(found))


def _replace_clause(sentence: str) -> str | None:
    """The whole sentence (word order differs between languages) when a replace verb in it is not negated."""
    for verb in REPLACE_VERB.finditer(sentence):
        before, after = _NEAR
        if not NEGATION.search(sentence[max(0, verb.start() - before):verb.end() + after]):
            return sentence
    return None


def _include_clause(sentence: str) -> str | None:
    match = INCLUDES.search(sentence)
    if match is None:
        return None
    rest = sentence[match.end():]
    end = CLAUSE_END.search(rest)
    return rest[:end.start()] if end else rest
