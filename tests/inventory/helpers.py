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
    collected_at: datetime | None = None,
) -> HostInventory:
    """An expected HostInventory; `updates` as (kb, date) pairs, or bare KB ids for undated formats."""
    pairs = [(item, None) if isinstance(item, str) else item for item in updates]
    return HostInventory(
        host=name, path=path, format=fmt,
        updates=tuple(InstalledUpdate(kb, day) for kb, day in pairs),
        os=os, os_caption=caption, os_version=version, roles=roles, cluster=cluster,
        collected_at=collected_at,
    )
