"""Text for terminals and one-line outputs: characters that would act instead of print are shown escaped.

Host names, file names, page titles and server messages come from other machines and people. An ESC
sequence in one of them must not repaint the admin's terminal or a journal viewer, a bidi override must
not reorder a line (so it reads as something else), and a stray NUL must not cut a line short.
"""

from __future__ import annotations

import logging
import re

# C0/C1 controls (ESC sequences), zero-width characters and bidi overrides ("Trojan Source"); tab and
# newline are not here. sources/text.py drops the same characters from titles.
ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with control, bidi and zero-width characters escaped (`\\x1b`, `\\u202e`); newlines and tabs
    are kept."""
    return ACTING.sub(_escape, text)


class PrintableFormatter(logging.Formatter):
    """Log lines with such characters (from file names, hosts or servers) shown escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))
