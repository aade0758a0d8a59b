"""Helpers for the inventory tests: fixture bytes and expected HostInventory values."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from scanner.models import HostInventory, InstalledUpdate

DATA = Path(__file__).resolve().parent.parent / "data" / "inventory"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def host(
    name: str, path: str, fmt: str, updates: list[tuple[str, date | None]] | list[str], *,
    os: str | None = None, caption: str | None = None, version: str | None = None,
    roles: tuple[str, ...] | None = None, cluster: str | None = None,
    collected_at: datetime | None = None, announced: int | None = None, listed: int | None = None,
    warnings: tuple[str, ...] = (),
) -> HostInventory:
    """An expected HostInventory; `updates` as (kb, date) pairs, or bare KB ids for undated formats.

    systeminfo formats state a hotfix count: unless given, `announced` and `listed` are the number of
    updates (the fixtures list exactly what their header announces, KB ids only)."""
    pairs = [(item, None) if isinstance(item, str) else item for item in updates]
    if fmt.startswith("systeminfo"):
        announced = len(pairs) if announced is None else announced
        listed = len(pairs) if listed is None else listed
    return HostInventory(
        host=name, path=path, format=fmt,
        updates=tuple(InstalledUpdate(kb, day) for kb, day in pairs),
        os=os, os_caption=caption, os_version=version, roles=roles, cluster=cluster,
        collected_at=collected_at, announced=announced, listed=listed, warnings=warnings,
    )
