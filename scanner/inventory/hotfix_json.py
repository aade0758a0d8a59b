"""Get-HotFix | ConvertTo-Json: PowerShell 5 `/Date(ms)/` objects, PowerShell 7 ISO strings, bare objects."""

from __future__ import annotations

import re

from scanner.inventory.interface import Reader, load_json
from scanner.inventory.values import build_updates, clean, day_first_from, make_host
from scanner.models import HostInventory

_SNIFF = re.compile(r'"HotFixID"\s*:', re.IGNORECASE)
HOST_KEYS = ("CSName", "PSComputerName", "Source")


def _items(document: object) -> list[object]:
    """The hotfix objects: an array, a bare object (one hotfix) or PowerShell's {"value": [...], "Count"}."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        value = document.get("value")
        if isinstance(value, list) and "Count" in document:
            return value
        return [document]
    return []


def _date_text(value: object) -> str:
    """InstalledOn as text: PS5 wraps it as {"value": "/Date(ms)/", "DateTime": "..."}."""
    if isinstance(value, dict):
        value = value.get("value")
    return value.strip() if isinstance(value, str) else ""


class HotfixJsonReader(Reader):
    name = "hotfix-json"
    command = "Get-HotFix | ConvertTo-Json > %COMPUTERNAME%.json"

    def sniff(self, head: str) -> bool:
        return head.startswith(("[", "{")) and bool(_SNIFF.search(head))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        items = _items(load_json(self, text, path))
        if not items:
            raise self.fail(path, "the JSON holds no hotfix objects")
        per_host: dict[str, list[tuple[str, str]]] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(path, f"item {index} is {type(item).__name__}, not a hotfix object")
            fields = {str(key).casefold(): value for key, value in item.items()}
            if "hotfixid" not in fields:
                raise self.fail(path, f"item {index} has no HotFixID")
            host = next((name for key in HOST_KEYS if (name := clean(fields.get(key.casefold())))), "")
            kb = fields["hotfixid"]
            per_host.setdefault(host, []).append(
                (kb if isinstance(kb, str) else str(kb), _date_text(fields.get("installedon"))))
        first = day_first_from({when for pairs in per_host.values() for _, when in pairs}, day_first)
        hosts = []
        for host, pairs in per_host.items():
            updates = build_updates([kb for kb, _ in pairs], [when for _, when in pairs], first)
            warnings = () if updates else (f"its {len(pairs)} hotfix objects hold no KB id (such as "
                                           f"{pairs[0][0][:40]!r})",)
            hosts.append(make_host(host, path, self.name, updates, warnings=warnings))
        if not any(host.updates for host in hosts):
            raise self.fail(path, f"none of its {len(items)} hotfix objects holds a KB id (HotFixID "
                            f"{next(iter(per_host.values()))[0][0][:40]!r}); export Get-HotFix again or use "
                            "the collector")
        return hosts
