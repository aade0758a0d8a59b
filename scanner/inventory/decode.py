"""Inventory bytes to text: byte-order marks, BOM-less UTF-16, UTF-8 and the cmd code pages.

The order, first match wins:

1. A byte-order mark: UTF-8 (``EF BB BF``), UTF-16LE (``FF FE``), UTF-16BE (``FE FF``). PowerShell 5
   redirects (``>``, ``Out-File``) and wmic write UTF-16LE with a BOM. Bytes that do not fit the marked
   encoding become U+FFFD (with a warning) rather than losing the whole file.
2. BOM-less UTF-16, recognised by its NUL pattern: most odd bytes NUL -> LE, most even bytes NUL -> BE.
3. Trailing NUL padding (a file cut short by a crash) is dropped; any other NUL means binary data, an error.
4. Strict UTF-8 (PowerShell 7, the kbscan collector, plain ASCII).
5. The legacy code pages cmd.exe and Windows PowerShell's ``Set-Content`` write: cp850 (OEM, Western
   Europe), cp1252 (ANSI) and cp437 (OEM, US). Each is scored by how much its non-ASCII characters read
   like accented letters inside words (``système``, ``Größe``, ``Versión``); the best score wins and ties go
   in that order. cp437 and cp850 agree on every accented letter systeminfo writes in English, German,
   French or Spanish, so cp850 is the tie-break; cp437 wins only when it reads strictly more letters.

Text with many control characters after decoding is reported as binary.
"""

from __future__ import annotations

import codecs
import logging
import re

from scanner.errors import InventoryReadError

logger = logging.getLogger(__name__)

LEGACY_CODEPAGES: tuple[str, ...] = ("cp850", "cp1252", "cp437")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 64 * 1024
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
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


def _score(text: str) -> int:
    """Higher when the non-ASCII characters look like letters inside words of a Latin alphabet."""
    score = 0
    last = len(text) - 1
    for match in _NON_ASCII.finditer(text):
        char = match.group()
        if char == "\xa0":  # no-break space: French thousands separator in cp850, neutral
            continue
        index = match.start()
        before = text[index - 1] if index > 0 else " "
        after = text[index + 1] if index < last else " "
        if char.isalpha() and "\u00c0" <= char <= "\u024f":
            if char.islower():
                score += 2 if (before.isalpha() or after.isalpha()) else -1
            else:
                score += -2 if before.islower() else 2
        else:
            score -= 1
    return score


def _legacy(data: bytes) -> tuple[str, str]:
    """Decode with the best-scoring legacy code page; returns (text, codec)."""
    sample = data[:_SAMPLE]
    best_codec, best_score = "", 0
    for codec in LEGACY_CODEPAGES:
        try:
            score = _score(sample.decode(codec))
        except UnicodeDecodeError:
            continue
        if not best_codec or score > best_score:
            best_codec, best_score = codec, score
    best_codec = best_codec or "cp850"  # cp850 decodes every byte
    return data.decode(best_codec, errors="replace"), best_codec


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
