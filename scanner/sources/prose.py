"""The sentence rules for relations, shared by articles, posts and list cells: what a text says its own
update replaces and includes, and which sentences are prerequisites ("you must first install update
2919355"), causes or the other direction ("is replaced by"), which are never relations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scanner.vocabulary import (
    CAUSE,
    CAUSE_FIXED,
    CLAUSE_END,
    INCLUDE_VERB,
    INCLUDES,
    INCLUDES_BARE,
    NEGATION,
    PREREQUISITE,
    REPLACE_VERB,
    REPLACED_BY,
)

# A KB number, not part of a version (6.2.9200.20870), a size (1,234,567) or a longer number.
_NUMBER = re.compile(r"(?<![\d.,])(\d{6,7})(?!\d|[.,]\d)")
_LEADING = re.compile(r"^\s*(?:KB\s?)?(\d{6,7})\b", re.IGNORECASE)
# A sentence ends at . ! ? and white space, at a Japanese full stop, and where pages join two sentences
# without a space ("This update is dated December 2013.This update replaces update 2870270").
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])|(?<=[a-z0-9)][.!?])(?=[A-Z][a-z])")
_NEAR = (20, 12)  # characters before and after a verb that a negation of it is looked for in
_DIGITS = re.compile(r"\d{6}")

Line = tuple[str, bool]  # a block's text and whether it is a list item or table cell


@dataclass(frozen=True)
class Stated:
    """What a text says of its own update: the KBs it replaces and the KBs it includes, and whether it
    says it replaces nothing ("This update does not replace any previously released update")."""

    replaces: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    denies_replacing: bool = False


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


def stated(lines: Iterable[Line], own: str | None = None) -> Stated:
    """Relations a text states of its own update (`own`), wherever they stand: "This update replaces
    update 2870270, which is used to ...", "replaces the following updates:" and the list items after it,
    "Also, this update includes update 2869923 and update 2908415", "Includes the fix from 3123538", "This
    rollup includes improvements and fixes from June 2016 update rollup KB 3161606 and ...". Never from a
    prerequisite sentence, a negated verb ("does not replace"), the other direction ("is replaced by"), or
    a sentence whose subject is another KB ("Update 3000850 replaces ...": not this one's relation)."""
    replaces: list[str] = []
    includes: list[str] = []
    denies = False
    listing: list[str] | None = None  # the relation the last sentence announced a list for ("... following:")
    for text, is_item in lines:
        if is_item and listing is not None:
            if kb := leading_kb(text):
                listing.append(kb)
            continue
        listing = None
        if not _DIGITS.search(text) and not text.rstrip().endswith((":", "：")) and REPLACE_VERB.search(text) is None:
            continue  # no number, no list to announce, no denial: nothing to read (the common case)
        for sentence in sentences(text):
            if is_prerequisite(sentence):
                continue
            for found, clause in ((replaces, _replace_clause(sentence, own)), (includes, _include_clause(sentence))):
                if clause is None:
                    continue
                numbers = [kb for kb in kb_numbers(clause) if kb != own]
                found += numbers
                if not numbers and sentence.rstrip().endswith((":", "：")):
                    listing = found
            denies = denies or _denies_replacing(sentence)
    return Stated(tuple(dict.fromkeys(replaces)), tuple(dict.fromkeys(includes)), denies)


def replaced(lines: Iterable[Line], own: str | None = None) -> tuple[str, ...]:
    """KBs a text says its update replaces (see `stated`)."""
    return stated(lines, own).replaces


def _replace_clause(sentence: str, own: str | None) -> str | None:
    """What a replace verb in the sentence replaces, when it is not negated, does not say the other
    direction, and no other KB stands before the verb as its subject: the clause after the verb,
    or before it in Japanese (verb last); a German subordinate clause ("..., das 2550000 ersetzt") is not
    read, which only leaves a replacement out."""
    if REPLACED_BY.search(sentence):
        return None
    for verb in REPLACE_VERB.finditer(sentence):
        before, after = _NEAR
        if NEGATION.search(sentence[max(0, verb.start() - before):verb.end() + after]):
            continue
        if verb.group().startswith("置き換え"):  # Japanese: the object stands before the verb
            return sentence[:verb.start()]
        if any(kb != own for kb in kb_numbers(sentence[:verb.start()])):  # another KB is the subject
            return None
        return _until_next_verb(sentence[verb.end():], INCLUDE_VERB)
    return None


def _until_next_verb(rest: str, other: re.Pattern[str]) -> str:
    """A clause up to the other relation's verb or a clause end ("but", "except"): "replaces update 2975719
    and includes hotfixes 2996928 and 2995478" replaces 2975719 only."""
    ends = [m.start() for m in (other.search(rest), CLAUSE_END.search(rest)) if m]
    return rest[:min(ends)] if ends else rest


def _denies_replacing(sentence: str) -> bool:
    """"This update does not replace any previously released update": a negated replace verb, no KB."""
    return not _NUMBER.search(sentence) and any(
        NEGATION.search(sentence[max(0, verb.start() - _NEAR[0]):verb.end() + _NEAR[1]])
        for verb in REPLACE_VERB.finditer(sentence))


def _include_clause(sentence: str) -> str | None:
    """What follows "this update includes" (or a cell's "Includes ...") up to the end of the clause."""
    match = INCLUDES.search(sentence) or INCLUDES_BARE.search(sentence)
    if match is None or NEGATION.search(sentence[max(0, match.start() - _NEAR[0]):match.end()]):
        return None
    if match.group().endswith("が含まれ"):  # Japanese: the list stands before the verb
        return sentence[:match.start()]
    return _until_next_verb(sentence[match.end():], REPLACE_VERB)
