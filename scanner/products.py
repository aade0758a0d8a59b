"""Windows product ids from OS captions, version strings and builds (DESIGN.md section 2).

Version strings are compared with `packaging.version` (`10.0.19045` against the first build of Windows 11),
the way pip compares them, rather than by hand-split integers.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.version import Version

# build number -> (client product, server product); None where that build has no such Windows
_BUILDS: dict[int, tuple[str | None, str | None]] = {
    6000: ("vista", "ws2008"),
    6001: ("vista", "ws2008"),
    6002: ("vista", "ws2008"),
    6003: ("vista", "ws2008"),
    7600: ("win7", "ws2008r2"),
    7601: ("win7", "ws2008r2"),
    9200: ("win8", "ws2012"),
    9600: ("win81", "ws2012r2"),
    14393: ("win10-1607", "ws2016"),
    17763: ("win10-1809", "ws2019"),
    20348: (None, "ws2022"),  # server only (Windows 10 21H2 is 19044, Windows 11 21H2 22000)
    26100: ("win11-24h2", "ws2025"),
}
# Windows 10 and 11 versions by build: a client host gets its version's id, so that definitions naming a
# version ("Windows 10 Version 1809 for x64-based Systems") match it; the family's entries apply too.
_CLIENT_VERSIONS: dict[int, str] = {
    10240: "win10-1507", 10586: "win10-1511", 14393: "win10-1607", 15063: "win10-1703", 16299: "win10-1709",
    17134: "win10-1803", 17763: "win10-1809", 18362: "win10-1903", 18363: "win10-1909", 19041: "win10-2004",
    19042: "win10-20h2", 19043: "win10-21h1", 19044: "win10-21h2", 19045: "win10-22h2",
    22000: "win11-21h2", 22621: "win11-22h2", 22631: "win11-23h2", 26100: "win11-24h2", 26200: "win11-25h2",
}
# A build kbscan does not know gives the family id only where the caption names that family and the
# version lies in its range; otherwise no product (unknown, failing closed).
_FAMILIES: tuple[tuple[str, re.Pattern[str], str, str | None], ...] = (
    ("win10", re.compile(r"\bwindows\s+10\b", re.IGNORECASE), "10.0.10240", "10.0.22000"),
    ("win11", re.compile(r"\bwindows\s+11\b", re.IGNORECASE), "10.0.22000", None),
)
_DOTTED = re.compile(r"\b(\d+\.\d+\.\d{4,5})\b")

# Server SKUs whose caption does not say "Server": their own build -> the Windows Server they are
# serviced with. A build not listed (Azure Stack HCI 20H2 17784, 22H2 20349, 23H2 25398, each with
# its own updates) gives no product: unknown, never a client.
_SERVER_SKUS: tuple[tuple[re.Pattern[str], dict[int, str]], ...] = (
    (re.compile(r"\bazure\s+(?:stack\s+hci|local)\b", re.IGNORECASE), {20348: "ws2022"}),  # 21H2
)
# A client caption names its Windows ("Windows 10 Pro", "Windows 7 Professionnel", "Windows Vista",
# "Windows Embedded Standard"); a caption that says neither this nor "Server" gives no product.
_CLIENT = re.compile(r"\bwindows\b.*?\b(?:vista|7|8|8\.1|10|11|rt|embedded|thin\s+pc)\b", re.IGNORECASE)

# Caption names, most specific first; captions are English in every Windows language.
_CAPTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), product)
    for pattern, product in (
        (r"server\s+2025", "ws2025"),
        (r"server\s+2022", "ws2022"),
        (r"server\s+2019", "ws2019"),
        (r"server\s+2016", "ws2016"),
        (r"server\s+2012\s*r2", "ws2012r2"),
        (r"server\s+2012", "ws2012"),
        (r"server\s+2008\s*r2", "ws2008r2"),
        (r"server\s+2008", "ws2008"),
        (r"windows\s+8\.1", "win81"),
        (r"windows\s+8\b", "win8"),
        (r"windows\s+7\b", "win7"),
        (r"windows\s+vista", "vista"),
        (r"windows\s+11\b", "win11"),
        (r"windows\s+10\b", "win10"),
    )
)

# Trademark signs as captions carry them (`Microsoft® Windows Server® 2008`, `Windows Vista™`,
# `Microsoft(R) Windows(R) Server 2003`) and as cmd or an ASCII conversion leaves them (`Serverr`, `Server?`).
# `Windows Vista™` comes out of a code page without ™ as `VistaT`: `Microsoftr Windows VistaT Enterprise`.
_MARKS = re.compile(r"\b(Microsoft|Windows|Server|Vista)(?:®|™|\(R\)|\(TM\)|r\b|T\b|\?)", re.IGNORECASE)
_VERSION_BUILD = re.compile(r"\b(?:\d+\.\d+\.)(\d{4,5})\b")
_TRAILING_BUILD = re.compile(r"(\d{4,5})\s*$")


def build_from_version(version: str | None) -> int | None:
    """`6.3.9600 N/A Build 9600`, `6.3.9600 Nicht zutreffend Build 9600`, `6.1.7601 Service Pack 1
    version 7601`, `6.2.9200` and a bare `9600` all give the build; anything else gives None."""
    if not version:
        return None
    match = _VERSION_BUILD.search(version) or _TRAILING_BUILD.search(version.strip())
    return int(match.group(1)) if match else None


def is_server(caption: str) -> bool:
    """A Windows Server caption: it says "Server" (also "Serverr" as cmd prints "Server®", "Hyper-V
    Server", "Storage Server", "Server Essentials") or names a server SKU that does not (Azure Stack HCI)."""
    return "server" in caption.lower() or _server_sku(caption) is not None


def _server_sku(caption: str) -> dict[int, str] | None:
    return next((builds for pattern, builds in _SERVER_SKUS if pattern.search(caption)), None)


def product_from(caption: str | None, version: str | None = None) -> str | None:
    """The product id for an OS caption and version/build, or None when it cannot be told.

    The build decides the generation and the caption decides server vs client: a server caption
    (`is_server`) gives the build's Windows Server, a caption naming a client Windows the build's
    client, anything else nothing, so an unfamiliar SKU is unknown rather than taken for a client.
    Server SKUs without "Server" in their name map by their own builds (Azure Stack HCI 21H2, 20348:
    ws2022). Without a usable build the caption's own name is used ("Microsoft Windows Server 2012 R2
    Datacenter"). Hyper-V Server (the free SKU) counts as the matching Windows Server.
    """
    build = build_from_version(version)
    caption = _MARKS.sub(r"\1", (caption or "").strip())
    sku = _server_sku(caption)
    if sku is not None:
        return sku.get(build) if build is not None else None
    if build is not None and caption:
        pair = _BUILDS.get(build)
        if is_server(caption):
            if pair is not None:
                return pair[1]
        elif not _CLIENT.search(caption):
            return None
        elif build >= 10240:  # a server-only build (20348) has no client: none rather than a guess
            return None if pair is not None and pair[0] is None else _client_version(caption, version or "", build)
        elif pair is not None:
            return pair[0]
    if caption:
        normalised = caption.replace("Hyper-V Server", "Windows Server")
        for pattern, product in _CAPTIONS:
            if pattern.search(normalised):
                return product
    return None


def _client_version(caption: str, version: str, build: int) -> str | None:
    """A Windows 10/11 client's product: its version's id when the build is known and the caption does
    not name the other family; else the family the caption names when the version lies in its range."""
    known = _CLIENT_VERSIONS.get(build)
    named = [(family, low, high) for family, pattern, low, high in _FAMILIES if pattern.search(caption)]
    if known is not None:
        return known if not named or known.startswith(named[0][0] + "-") else None
    dotted = _DOTTED.search(version)
    number = _version(dotted.group(1) if dotted else f"10.0.{build}")
    if number is None:
        return None
    return next((family for family, low, high in named
                 if _bound(low) <= number and (high is None or number < _bound(high))), None)


def _bound(text: str) -> Version:
    bound = _version(text)
    assert bound is not None, text  # the bounds above are versions
    return bound


@cache
def _version(text: str) -> Version | None:
    """`packaging.version.Version(text)`, None when it is none; imported here, not at start-up (a scan of
    Server hosts never needs it, and `kbscan check` starts for every Nagios poll)."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text)
    except InvalidVersion:
        return None
