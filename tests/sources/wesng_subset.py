"""Small definitions.zip files built from real rows of the shared WES-NG definitions (never copied into the
repository: DESIGN.md 7a, ../shared/data/wesng/README.md)."""

from __future__ import annotations

import csv
import io
import zipfile
from functools import cache
from pathlib import Path

from tests.needs import require

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "wesng" / "definitions.zip"
HEADER = ('"DatePosted","CVE","BulletinKB","Title","AffectedProduct","AffectedComponent","Severity","Impact",'
          '"Supersedes","Exploits"')

# The rows the tests use, by KB: Windows Server 2019 / Windows 10 1809 cumulative updates of January to April
# 2024 (a supersedence chain), Windows Server 2012 R2's May 2019 monthly rollup, the April rollup it
# supersedes, and May's security-only update.
WS2019_CUS = ("5034127", "5034768", "5035849", "5036896")
WS2012R2_MAY_2019 = ("4493446", "4499151", "4499165")
# Rows no entry comes from: no KB id (empty BulletinKB for Server 2019 in March 2024, "Information"), a
# KB for a semi-annual Windows Server release, and a KB for a product kbscan does not scan ("#": any KB id).
OTHER = (("", "Windows Server 2019", "202403"), ("Information", "", ""),
         ("#", "Windows Server, version 20H2 (Server Core Installation)", ""),
         ("#", "Microsoft Office 2016 (64-bit edition)", ""))
PER_OTHER = 3


def definitions() -> Path:
    require(SHARED.is_file(), f"{SHARED} (the shared WES-NG definitions; see DESIGN.md 7a)")
    return SHARED


@cache
def real_rows() -> tuple[dict[str, list[str]], list[str], str]:
    """CSV lines of the shared CVEs file for the KBs above (by KB), lines of the OTHER kinds, and the
    whole Custom_*.csv text. Read once per test session (the CVEs file is 136 MB)."""
    wanted = set(WS2019_CUS + WS2012R2_MAY_2019)
    by_kb: dict[str, list[str]] = {kb: [] for kb in wanted}
    other: dict[int, list[str]] = {i: [] for i in range(len(OTHER))}
    markers = tuple(f'"{kb}"'.encode() for kb in wanted)
    other_markers = tuple(f'"{product or bulletin}'.encode() for bulletin, product, _ in OTHER)
    with zipfile.ZipFile(definitions()) as archive:
        cves = next(n for n in archive.namelist() if n.startswith("CVEs_"))
        custom = next(n for n in archive.namelist() if n.startswith("Custom_"))
        with archive.open(cves) as raw:
            for line in raw:
                if not any(m in line for m in markers) and not _maybe_other(line, other_markers, other):
                    continue
                text = line.decode("utf-8").rstrip("\r\n")
                row = next(csv.reader([text]))
                if len(row) < 10:
                    continue
                if row[2] in wanted:
                    by_kb[row[2]].append(text)
                for index, (bulletin, product, month) in enumerate(OTHER):
                    kb_ok = row[2].isdigit() if bulletin == "#" else row[2] == bulletin
                    if (len(other[index]) < PER_OTHER and kb_ok and row[4].startswith(product)
                            and row[0].startswith(month)):
                        other[index].append(text)
        custom_text = archive.read(custom).decode("utf-8")
    return by_kb, [line for lines in other.values() for line in lines], custom_text


def _maybe_other(line: bytes, markers: tuple[bytes, ...], other: dict[int, list[str]]) -> bool:
    return any(len(other[index]) < PER_OTHER and marker in line for index, marker in enumerate(markers))


def build_zip(path: Path, kbs: tuple[str, ...], *, other: bool = False, custom: bool = False,
              extra: tuple[str, ...] = ()) -> Path:
    """A definitions.zip at `path` with the real rows of `kbs` (plus, on request, the OTHER rows, the real
    Custom_*.csv and `extra` lines) and a Version file, as WES-NG packs it."""
    by_kb, others, custom_text = real_rows()
    lines = [HEADER, *(line for kb in kbs for line in by_kb[kb]), *(others if other else ()), *extra]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CVEs_20260628.csv", "\n".join(lines) + "\n")
        archive.writestr("Custom_20190321.csv", custom_text if custom else HEADER + "\n")
        archive.writestr("Version_0.94.txt", "This definition file requires you to at least use wes version 0.94\n")
    return path


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
