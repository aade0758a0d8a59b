"""The scan pipeline the CLI and the daemon share: catalogue -> inventories -> evaluate -> Report."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from scanner import inventory
from scanner.catalogue import Catalogue
from scanner.config import Config
from scanner.embedded import load_embedded
from scanner.evaluate import Policy, evaluate_fleet, with_remediation
from scanner.fleet import combine
from scanner.inventory_cache import InventoryCache, read_paths_cached
from scanner.models import CatalogueInfo, HostInventory, InventoryError, Report

log = logging.getLogger(__name__)


def embedded_catalogue() -> Catalogue:
    entries, _ = load_embedded()
    return Catalogue(entries, CatalogueInfo(origin="embedded", entries=len(entries)))


def load_catalogue(config: Config) -> Catalogue:
    """The stored catalogue when `state_dir` holds one, else the embedded one (works offline)."""
    if config.database.exists():
        from scanner.store.catalogue import load_catalogue as load_stored
        from scanner.store.db import connected

        with connected(config.database, readonly=True) as db:
            stored = load_stored(db)
        if stored is not None:
            return stored
        log.debug("%s holds no catalogue yet; using the embedded one", config.database)
    return embedded_catalogue()


def catalogue_version(config: Config) -> str | None:
    """What load_catalogue would load, as a cheap token: "embedded" while `state_dir` stores none, else the
    stored catalogue's version (store/catalogue.py); None when it cannot say (load it again)."""
    if not config.database.exists():
        return "embedded"
    from scanner.store.catalogue import catalogue_stored
    from scanner.store.catalogue import catalogue_version as stored_version
    from scanner.store.db import connected

    with connected(config.database, readonly=True) as db:
        return stored_version(db) if catalogue_stored(db) else "embedded"


def policy_for(config: Config, as_of: date | None, now: datetime | None = None) -> Policy:
    """`--at DATE` puts the clock at the end of that day; without it, today and now (UTC)."""
    now = now or datetime.now(UTC)
    kwargs = {"deferral": config.deferral, "exemptions": config.exemptions,
              "max_inventory_age": config.max_inventory_age, "clock": now}
    if as_of is not None:
        return Policy.at(as_of, **kwargs)
    return Policy(as_of=now.date(), now=now, **kwargs)  # type: ignore[arg-type]


def _read(config: Config, paths: Sequence[Path], progress: Callable[[int, int], None] | None,
          cache: InventoryCache | None, workers: int | None) -> tuple[list[HostInventory], list[InventoryError]]:
    if cache is not None:
        return read_paths_cached(paths, max_bytes=config.inventory.max_bytes, cache=cache, progress=progress)
    return inventory.read_paths(paths, max_bytes=config.inventory.max_bytes, progress=progress, workers=workers)


def run_scan(config: Config, paths: Sequence[Path], as_of: date | None = None,
             catalogue: Catalogue | None = None,
             progress: Callable[[int, int], None] | None = None,
             cache: InventoryCache | None = None, remediation: bool = True,
             workers: int | None = None) -> Report:
    started = time.monotonic()
    generated_at = datetime.now(UTC)
    catalogue = catalogue or load_catalogue(config)
    with gc_paused():
        found, errors = _read(config, paths, progress, cache, workers)
    report = evaluate_read(config, found, errors, catalogue, as_of, generated_at, remediation)  # pauses it itself
    return replace(report, duration_seconds=time.monotonic() - started)


def evaluate_read(config: Config, found: Sequence[HostInventory], errors: Sequence[InventoryError],
                  catalogue: Catalogue, as_of: date | None, generated_at: datetime, remediation: bool = True,
                  ) -> Report:
    """The verdicts for inventories as read (not yet merged): merge hosts seen twice, fill facts from
    [[hosts]] groups, evaluate at `as_of` (None: generated_at's day and time), add remediation."""
    with gc_paused():
        hosts, warnings = combine(found, config.hosts, config.max_inventory_age)
        policy = policy_for(config, as_of, generated_at)
        report = evaluate_fleet(catalogue, hosts, errors, policy, generated_at, (*catalogue.warnings, *warnings))
        return with_remediation(report, catalogue) if remediation else report


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a scan builds millions of objects that form no cycles:
    its repeated full passes over them cost seconds at 10,000 hosts (BENCHMARKS.md). The state it had
    comes back afterwards, also on an error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
