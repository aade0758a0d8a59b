"""kbscan's own inventory JSON, as collector/collect-inventory.ps1 writes it (one object or a list)."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import repeat
from typing import cast

from scanner.dates import parse_datetime
from scanner.inventory.interface import Reader, load_json
from scanner.inventory.values import build_updates, clean, make_host
from scanner.models import HostInventory, InstalledUpdate

_SNIFF_UPDATES = re.compile(r'"updates"\s*:')
_SNIFF_HOST = re.compile(r'"host"\s*:')


class KbscanJsonReader(Reader):
    name = "kbscan-json"
    command = r"powershell -File collect-inventory.ps1 (writes \\share\kbscan\inventory\HOST.json)"

    def sniff(self, head: str) -> bool:
        return (head.startswith(("[", "{")) and bool(_SNIFF_HOST.search(head))
                and bool(_SNIFF_UPDATES.search(head)))

    def parse(self, text: str, path: str, *, day_first: bool | None = None) -> list[HostInventory]:
        document = load_json(self, text, path)
        if isinstance(document, dict):
            return [self._host(document, path, "")]
        if isinstance(document, list) and document:
            return [self._host(item, path, f"[{index}]") for index, item in enumerate(document)]
        raise self.fail(path, "expected a host object or a non-empty list of host objects")

    def _host(self, item: object, path: str, where: str) -> HostInventory:
        if not isinstance(item, dict):
            raise self.fail(path, f"{where or 'the document'} is not a host object")
        host = clean(item.get("host"))
        if host is None:
            raise self.fail(path, f"{where}.host is missing or empty; every host object needs its name")
        os_info = item.get("os") or {}
        if not isinstance(os_info, dict):
            raise self.fail(path, f"{where}.os must be an object with caption and version")
        return make_host(
            host, path, self.name, self._updates(item.get("updates"), path, where),
            caption=self._text(os_info.get("caption"), path, f"{where}.os.caption"),
            version=self._text(os_info.get("version"), path, f"{where}.os.version"),
            roles=self._roles(item.get("roles"), path, where),
            cluster=self._text(item.get("cluster"), path, f"{where}.cluster"),
            collected_at=self._collected_at(item.get("collected_at"), path, where),
        )

    def _text(self, value: object, path: str, key: str) -> str | None:
        if value is None or isinstance(value, str):
            return clean(value)
        raise self.fail(path, f"{key} must be a string or null, not {type(value).__name__}")

    def _roles(self, value: object, path: str, where: str) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
            raise self.fail(path, f"{where}.roles must be a list of strings such as \"hyper-v\"")
        return tuple(dict.fromkeys(role.strip().lower() for role in value if role.strip()))

    def _collected_at(self, value: object, path: str, where: str) -> datetime | None:
        text = self._text(value, path, f"{where}.collected_at")
        if text is None:
            return None
        parsed = parse_datetime(text)
        if parsed is None:
            raise self.fail(path, f"{where}.collected_at {text!r} is not an ISO 8601 time such as "
                            "2013-12-19T07:30:00Z")
        return parsed

    def _updates(self, value: object, path: str, where: str) -> tuple[InstalledUpdate, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(path, f"{where}.updates must be a list of {{\"kb\", \"installed_on\"}} objects")
        try:  # map over dict.get: no Python-level loop for the usual list of objects
            kbs: list[object] = list(map(dict.get, value, repeat("kb")))
            dates: list[object] = list(map(dict.get, value, repeat("installed_on")))
        except TypeError:  # not all objects; a bare list of KB ids is accepted too
            for index, update in enumerate(value):
                if not isinstance(update, dict | str | int):
                    raise self.fail(path, f"{where}.updates[{index}] is not an object") from None
            kbs = [update.get("kb") if isinstance(update, dict) else update for update in value]
            dates = [update.get("installed_on") if isinstance(update, dict) else None for update in value]
        if not set(map(type, dates)) <= {str, type(None)}:
            index = next(index for index, when in enumerate(dates) if not isinstance(when, str | None))
            raise self.fail(path, f"{where}.updates[{index}].installed_on must be a date string "
                            "(yyyy-MM-dd) or null")
        texts = cast(list[str], kbs) if set(map(type, kbs)) <= {str} else [
            kb if isinstance(kb, str) else str(kb) for kb in kbs]
        return build_updates(texts, cast(list[str | None], dates))  # "File 1", "Q147222" are skipped
