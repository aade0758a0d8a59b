"""Windows product ids from OS captions, version strings and builds (DESIGN.md section 2)."""

from __future__ import annotations

import re

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
    14393: ("win10", "ws2016"),
    17763: ("win10", "ws2019"),
    20348: (None, "ws2022"),  # server only (Windows 10 21H2 is 19044, Windows 11 21H2 22000)
    26100: ("win11", "ws2025"),
}

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
_MARKS = re.compile(r"\b(Microsoft|Windows|Server|Vista)(?:®|™|\(R\)|\(TM\)|r\b|\?)", re.IGNORECASE)
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
        if pair is not None:
            if is_server(caption):
                return pair[1]
            return pair[0] if _CLIENT.search(caption) else None
    if caption:
        normalised = caption.replace("Hyper-V Server", "Windows Server")
        for pattern, product in _CAPTIONS:
            if pattern.search(normalised):
                return product
    return None
