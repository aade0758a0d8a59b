"""Windows product ids from OS captions, version strings and builds (DESIGN.md section 2)."""

from __future__ import annotations

import re

# build number -> (client product, server product)
_BUILDS: dict[int, tuple[str, str]] = {
    6000: ("vista", "ws2008"),
    6001: ("vista", "ws2008"),
    6002: ("vista", "ws2008"),
    6003: ("vista", "ws2008"),
    7600: ("win7", "ws2008r2"),
    7601: ("win7", "ws2008r2"),
    9200: ("win8", "ws2012"),
    9600: ("win81", "ws2012r2"),
    14393: ("win10", "ws2016"),
    17763: ("win10", "ws2019"),
    20348: ("win10", "ws2022"),
    26100: ("win11", "ws2025"),
}

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
        (r"server\s*\(?r\)?\s+2008", "ws2008"),
        (r"server\s+2008", "ws2008"),
        (r"windows\s+8\.1", "win81"),
        (r"windows\s+8\b", "win8"),
        (r"windows\s+7\b", "win7"),
        (r"windows\s+vista", "vista"),
        (r"windows\s+11\b", "win11"),
        (r"windows\s+10\b", "win10"),
    )
)

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
    return "server" in caption.lower()


def product_from(caption: str | None, version: str | None = None) -> str | None:
    """The product id for an OS caption and version/build, or None when it cannot be told.

    The build decides the generation and "Server" in the caption decides server vs client; without a
    usable build the caption's own name is used ("Microsoft Windows Server 2012 R2 Datacenter").
    Hyper-V Server (the free SKU) counts as the matching Windows Server.
    """
    build = build_from_version(version)
    caption = (caption or "").strip()
    if build is not None and caption:
        pair = _BUILDS.get(build)
        if pair is not None:
            server = is_server(caption)
            return pair[1] if server else pair[0]
    if caption:
        normalised = caption.replace("Hyper-V Server", "Windows Server")
        for pattern, product in _CAPTIONS:
            if pattern.search(normalised):
                return product
    return None
