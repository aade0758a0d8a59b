"""Inventory bytes to text: byte-order marks, BOM-less UTF-16, UTF-8 and the cmd code pages.

The order, first match wins:

1. A byte-order mark: UTF-8 (``EF BB BF``), UTF-16LE (``FF FE``), UTF-16BE (``FE FF``). PowerShell 5
   redirects (``>``, ``Out-File``) and wmic write UTF-16LE with a BOM. Bytes that do not fit the marked
   encoding become U+FFFD (with a warning) rather than losing the whole file.
2. BOM-less UTF-16, recognised by its NUL pattern: most odd bytes NUL -> LE, most even bytes NUL -> BE.
3. Trailing NUL padding (a file cut short by a crash) is dropped; any other NUL means binary data, an error.
4. Strict UTF-8 (PowerShell 7, the kbscan collector, plain ASCII).
5. The legacy code pages cmd.exe and Windows PowerShell's ``Set-Content`` write:

   a. When the file states its system locale (systeminfo's ``System Locale: ru;Russian``, list or CSV:
      the first ``xx;`` / ``xx-yy;`` value), that locale's OEM code page (what cmd writes) and then its
      ANSI one (``Set-Content``), `LOCALE_CODEPAGES`: ``ru`` -> cp866, cp1251; ``pl`` -> cp852,
      cp1250; ``de`` -> cp850, cp1252; ``en-us`` -> cp437, cp1252; ``ja`` -> cp932. The one that
      decodes and scores better wins, the OEM page on a tie.
   b. Otherwise (no locale, or none of its pages decodes), every page of `LEGACY_CODEPAGES`: cp850 (OEM,
      Western Europe), cp1252 (ANSI), cp437 (OEM, US), then cp852 and cp1250 (Central Europe), cp866
      and cp1251 (Cyrillic) and cp857 (Turkish). The best score wins; ties go in that order, so text
      that reads alike in several pages (German umlauts are the same in cp850, cp437, cp852 and
      cp857) keeps the Western reading kbscan always had, and cp437 wins over cp850 only when it
      reads strictly better.

   The score (`_score`) counts the non-ASCII characters of words that read as words, letters of one
   script (Latin, Greek or Cyrillic; ASCII letters are Latin) in lower case, upper case or
   capitalised (``système``, ``Größe``, ``ŁÓDŹ``, ``Русский``), minus those of words that do not
   (``systŐme``, ``GrФсe``, ``ØÓDì``, box-drawing signs).

Text with many control characters after decoding is reported as binary.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator

from scanner.errors import InventoryReadError

logger = logging.getLogger(__name__)

LEGACY_CODEPAGES: tuple[str, ...] = ("cp850", "cp1252", "cp437", "cp852", "cp1250", "cp866", "cp1251", "cp857")
_WESTERN = ("cp850", "cp1252")
# System locale (a full tag, else its language) -> (OEM code page cmd writes, ANSI code page); a locale
# not listed (Hebrew, Arabic, Thai...) falls back to scoring every page of LEGACY_CODEPAGES.
LOCALE_CODEPAGES: dict[str, tuple[str, ...]] = {
    "en-us": ("cp437", "cp1252"),
    **dict.fromkeys(("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "nn", "fi", "is", "ca",
                     "eu", "gl"), _WESTERN),
    **dict.fromkeys(("pl", "cs", "sk", "hu", "sl", "hr", "ro", "sq", "bs"), ("cp852", "cp1250")),
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "kk"), ("cp866", "cp1251")),
    **dict.fromkeys(("tr", "az"), ("cp857", "cp1254")),
    "el": ("cp737", "cp1253"),
    **dict.fromkeys(("lt", "lv", "et"), ("cp775", "cp1257")),
    "ja": ("cp932",),
    **dict.fromkeys(("zh-cn", "zh-sg"), ("cp936",)),
    **dict.fromkeys(("zh-tw", "zh-hk", "zh-mo"), ("cp950",)),
    "ko": ("cp949",),
}
# systeminfo's `System Locale:` value (list or CSV), the first `xx;` or `xx-yy;` value in the file.
_LOCALE = re.compile(rb'(?:: +|,")([a-z]{2,3}(?:-[a-z]{2,4})?);')
# Words that hold a non-ASCII character: found from their non-ASCII characters (a cheap scan), then
# widened to the letters around them; a no-break space (the French thousands separator) is neutral.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTERS_AFTER = re.compile(r"[^\W\d_]*")
# Letters of one script: Latin (ASCII and U+00C0-U+024F without × and ÷; group 1), Cyrillic, Greek.
_ONE_SCRIPT = re.compile("([A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+)|[\u0400-\u04ff]+|[\u0386-\u03ce]+")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f\ufffd]")


def _utf16_without_bom(data: bytes) -> str | None:
    """`utf-16-le`/`utf-16-be` when the NUL pattern of the first bytes says so, else None."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls >= 0.4 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.4 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _plausible(word: str, non_ascii: int) -> bool:
    """Letters of one script, in lower case, upper case or capitalised (`Größe`, `ŁÓDŹ`, `Русский`).
    A Latin word of accented letters only (`Èìÿ`, `ÆÀÉÉÀÉ`) is what Cyrillic in the wrong page looks
    like: Latin words keep some ASCII letters (`été`, `Größe`), so it needs one or a single letter."""
    match = _ONE_SCRIPT.fullmatch(word)
    if not match or not (word.islower() or word.isupper() or word.istitle()):
        return False
    return not match[1] or non_ascii < len(word) or len(word) == 1


def _words(text: str) -> Iterator[str]:
    """Each word of `text` that holds a non-ASCII character (or sign), once."""
    end = 0
    for char in _NON_ASCII.finditer(text):
        start = char.start()
        if start < end or char[0] == "\xa0":  # inside a word already given, or neutral
            continue
        end = start + 1
        floor = max(0, start - 32)
        while start > floor and text[start - 1].isalpha():  # a loop over a few letters beats a regex search
            start -= 1
        if end < len(text) and text[end].isalpha():
            after = _LETTERS_AFTER.match(text, end)
            end = after.end() if after else end
        yield text[start:end]


def _score(text: str) -> int:
    """The non-ASCII characters in plausible words minus those in implausible ones."""
    score = 0
    for word in _words(text):
        count = len(word) - sum(map(str.isascii, word))
        score += count if _plausible(word, count) else -count
    return score


def locale_codepages(sample: bytes) -> tuple[str, ...]:
    """The code pages of the system locale the file states (OEM first), or () when it states none."""
    match = _LOCALE.search(sample)
    if not match:
        return ()
    tag = match[1].decode("ascii")
    return LOCALE_CODEPAGES.get(tag) or LOCALE_CODEPAGES.get(tag.split("-", 1)[0], ())


def _best(sample: bytes, pages: tuple[str, ...], whole: bool) -> str | None:
    """The best-scoring code page that decodes `sample` (ties: the earlier one), or None. A sample
    that is not the `whole` file may end inside a multi-byte character; that is not a mismatch."""
    best_codec, best_score = None, 0
    for codec in pages:
        try:
            text = codecs.getincrementaldecoder(codec)().decode(sample, final=whole)
        except UnicodeDecodeError:
            continue
        score = _score(text) if len(pages) > 1 else 0
        if best_codec is None or score > best_score:
            best_codec, best_score = codec, score
    return best_codec


def _legacy(data: bytes) -> tuple[str, str]:
    """Decode with the locale's code pages, else the best-scoring legacy one; returns (text, codec)."""
    sample, whole = data[:_SAMPLE], len(data) <= _SAMPLE
    codec = (_best(sample, locale_codepages(sample), whole) or _best(sample, LEGACY_CODEPAGES, whole)
             or "cp850")  # cp850 decodes every byte
    return data.decode(codec, errors="replace"), codec


def _decode_marked(data: bytes, codec: str, path: str) -> str:
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd")
    if bad:
        logger.warning("%s: %d byte(s) are not valid %s; they were replaced", path, bad, codec)
    return text


def decode(data: bytes, path: str) -> tuple[str, str]:
    """(text, codec) for an inventory file's bytes, or InventoryReadError naming the path."""
    if not data.strip(b"\x00 \t\r\n"):
        raise InventoryReadError(f"{path}: the file is empty; re-run the command that produces it")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _check_text(_decode_marked(data[len(bom):], codec, path), path), codec
    codec16 = _utf16_without_bom(data)
    if codec16:
        return _check_text(_decode_marked(data, codec16, path), path), codec16
    stripped = data.rstrip(b"\x00")
    if b"\x00" in stripped:
        raise InventoryReadError(
            f"{path}: the file contains NUL bytes and looks binary, not an inventory; "
            "check that it is the output of one of the commands in docs/inventory-formats.md"
        )
    try:
        return _check_text(stripped.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    text, codec = _legacy(stripped)
    return _check_text(text, path), codec


def _check_text(text: str, path: str) -> str:
    text = text.lstrip("\ufeff").rstrip("\x00\x1a")
    sample = text[:2048]  # binary shows at once; a small sample keeps this cheap on 10,000 files
    if not sample.strip():
        raise InventoryReadError(f"{path}: the file is empty; re-run the command that produces it")
    controls = len(_CONTROL.findall(sample))
    if controls > max(2, len(sample) // 100):
        raise InventoryReadError(
            f"{path}: the file is mostly control characters and looks binary, not an inventory; "
            "check that it is the output of one of the commands in docs/inventory-formats.md"
        )
    return text
