"""Terminal captures: the prompt and command lines around an inventory pasted or redirected from a console.

Admins paste what their console showed, or a writeup quotes it: the prompt and the command come before
the output (`C:\\> wmic qfe`, `PS C:\\Users\\adm> Get-HotFix`, `kali@kali:~$ cat q`, a bare `cat q` or
`systeminfo`), wmic's first-run banner `Please wait while WMIC is being installed.` may stand before its
header (glued to it when the console did not end the line), and a prompt may follow the output. Before
the format is detected these lines are blanked (their line breaks kept, so error messages keep the
file's line numbers); the output itself is untouched. Only the lines before the first output line and
after the last are looked at: a prompt in the middle of a file (joined captures) is the format's to
judge (a CSV row that does not fit its header is an error, never a silent host).

A command line is recognised by its first word (`cat`, `type`, `more`, `gc`, `Get-Content`,
`systeminfo`, `wmic`, `Get-HotFix`, `Get-WmiObject`, `gwmi`, `Get-CimInstance`, `powershell`, `pwsh`,
`osqueryi`), so `wmic qfe get Caption,Description,HotFixID,InstalledOn` is never read as a CSV header.
"""

from __future__ import annotations

import re

# A shell prompt, with or without a command after it: cmd `C:\>`, `C:\htb>`; PowerShell `PS C:\Users\adm>`,
# `PS>`; a Unix shell `kali@kali:~$`, `root@host:/tmp#`, `$ `, `> `.
_PROMPT = r"(?:PS(?: [^\r\n>]*)?>|[A-Za-z]:\\[^\r\n>]*>|[\w.-]+@[\w.-]+(?::[^\r\n$#]*)?[$#]|[$%>](?=[ \t]))"
_COMMAND = (r"(?:cat|type|more|gc|get-content|systeminfo(?:\.exe)?|wmic(?:\.exe)?|get-hotfix|get-wmiobject|gwmi|"
            r"get-ciminstance|powershell(?:\.exe)?|pwsh|osqueryi)(?=[ \t\r\n]|$)")
_CAPTURE_LINE = re.compile(rf"[ \t]*(?:{_PROMPT}|{_COMMAND})", re.IGNORECASE)
_TRAILING = re.compile(rf"[ \t]*{_PROMPT}", re.IGNORECASE)
_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")
BANNER = "Please wait while WMIC is being installed."
_HEAD_LINES = 20  # prompts and commands before the output: a few lines at most
_TAIL = 1024  # a trailing prompt is in the last few lines


def strip_capture(text: str) -> str:
    """`text` with the prompt, command and wmic banner lines before and after the output made blank."""
    if BANNER in text[:4096]:
        text = text.replace(BANNER, "", 1)
    end = _leading_end(text)
    if end:
        text = _NOT_LINE_BREAK.sub("", text[:end]) + text[end:]
    return _strip_trailing(text)


def _leading_end(text: str) -> int:
    """Where the prompt and command lines (and blank lines among them) before the output end; 0: none."""
    end = position = 0
    for _ in range(_HEAD_LINES):
        line_end = text.find("\n", position)
        line_end = len(text) if line_end < 0 else line_end + 1
        if text[position:line_end].strip():
            if not _CAPTURE_LINE.match(text, position):
                break
            end = line_end
        position = line_end
        if position >= len(text):
            break
    return end


def _strip_trailing(text: str) -> str:
    tail = text[-_TAIL:]
    lines = tail.splitlines(keepends=True)
    cut = len(lines)
    while cut > 1 and (not lines[cut - 1].strip() or _TRAILING.match(lines[cut - 1])):
        cut -= 1
    if cut == len(lines) or not any(_TRAILING.match(line) for line in lines[cut:]):
        return text
    return text[: len(text) - len(tail)] + "".join(lines[:cut])
