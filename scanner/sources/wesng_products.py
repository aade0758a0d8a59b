"""WES-NG's AffectedProduct names -> kbscan product ids, with the architecture, the component of Windows
a row is about ("Internet Explorer 11 on Windows Server 2012 R2"), or why the name gives no product."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner.models import PRODUCTS

_ARCH = (("32-bit", "x86"), ("x64", "x64"), ("arm64", "arm64"), ("itanium", "ia64"), ("arm", "arm"))
_FOR = r"(?:\s+for\s+(?P<arch>32-bit|x64-based|x64|arm64-based|arm|itanium-based)\s+systems)"
_TAIL = r"(?:\s+service\s+pack\s+\d)?(?:\s*\(server\s+core\s+installation\))?(?:\s+-\s+extra)?\s*$"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), product) for pattern, product in (
        (r"^windows\s+server\s+2008\s+r2" + _FOR + _TAIL, "ws2008r2"),
        (r"^windows\s+server\s+2008" + _FOR + _TAIL, "ws2008"),
        (r"^windows\s+server\s+2012\s+r2" + _TAIL, "ws2012r2"),
        (r"^windows\s+server\s+(?P<year>2012|2016|2019|2022|2025)" + _TAIL, "ws{year}"),
        (r"^windows\s+10\s+version\s+(?P<version>\w+)" + _FOR + _TAIL, "win10-{version}"),
        (r"^windows\s+10" + _FOR + _TAIL, "win10-1507"),
        (r"^windows\s+11\s+version\s+(?P<version>\w+)" + _FOR + _TAIL, "win11-{version}"),
        (r"^windows\s+11" + _FOR + _TAIL, "win11"),
        (r"^windows\s+8\.1" + _FOR + _TAIL, "win81"),
        (r"^windows\s+8" + _FOR + _TAIL, "win8"),
        (r"^windows\s+7" + _FOR + _TAIL, "win7"),
        (r"^windows\s+vista(?P<arch>\s+x64)?(?:\s+edition)?" + _TAIL, "vista"),
    ))
# Windows Server's semi-annual and annual channel releases ("Windows Server, version 1903 (Server Core
# installation)", "Windows Server 2022, 23H2 Edition"): builds of their own with their own updates, for which
# kbscan has no product id; their rows are counted and skipped rather than credited to a neighbour.
_CHANNEL = re.compile(r"^windows\s+server(?:,\s+version\s+\w+|\s+20\d\d,\s+\w+\s+edition)", re.IGNORECASE)
# "Internet Explorer 11 on Windows 10 Version 1607 for x64-based Systems": a component of that Windows.
_ON_WINDOWS = re.compile(r"^(?P<component>.+?)\s+on\s+(?P<os>(?:microsoft\s+)?windows\s.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Product:
    """What one AffectedProduct names: a product id (None: not one kbscan scans), its architecture
    (None when unstated), the component on that Windows ("Internet Explorer 11"), and why it was skipped."""

    product: str | None
    arch: str | None = None
    component: str | None = None
    skipped: str = ""


def product(name: str) -> Product:
    """The kbscan product an AffectedProduct names (one of models.PRODUCTS), else why not."""
    text = " ".join(name.split())
    component = None
    on = _ON_WINDOWS.match(text)
    if on is not None:
        component, text = on.group("component"), on.group("os")
    if _CHANNEL.match(text):
        return Product(None, component=component, skipped="channel")
    for pattern, template in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        found = template.format(version=(groups.get("version") or "").lower(), year=groups.get("year") or "")
        if found not in PRODUCTS:  # a version kbscan has no id for yet ("Windows 11 Version 27H2")
            return Product(None, component=component, skipped="not-scanned")
        return Product(found, _arch(groups.get("arch"), found), component)
    return Product(None, component=component, skipped="not-scanned")


def _arch(text: str | None, found: str) -> str | None:
    if found == "vista":
        return "x64" if text else "x86"
    lowered = (text or "").lower()
    return next((arch for word, arch in _ARCH if lowered.startswith(word)), None)


_NAMES = {"vista": "Windows Vista", "win7": "Windows 7", "win8": "Windows 8", "win81": "Windows 8.1",
          "win10": "Windows 10", "win11": "Windows 11"}


def display_name(product_id: str) -> str:
    """ws2008r2 -> "Windows Server 2008 R2", win10-1809 -> "Windows 10 Version 1809"."""
    if product_id.startswith("ws"):
        return f"Windows Server {product_id[2:6]}{' R2' if product_id.endswith('r2') else ''}"
    family, _, version = product_id.partition("-")
    return f"{_NAMES.get(family, family)}{f' Version {version.upper()}' if version else ''}"
