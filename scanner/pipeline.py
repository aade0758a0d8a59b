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


def policy_for(config: Config, as_of: date | None, now: datetime | None = None) -> Policy:
    """`--at DATE` puts the clock at the end of that day; without it, today and now (UTC)."""
    now = now or datetime.now(UTC)
    kwargs = {"deferral": config.deferral, "exemptions": config.exemptions,
              "max_inventory_age": config.max_inventory_age, "clock": now}
    if as_of is not None:
        return Policy.at(as_of, **kwargs)
    return Policy(as_of=now.date(), now=now, **kwargs)  # type: ignore[arg-type]


def read_inventories(config: Config, paths: Sequence[Path],
                     progress: Callable[[int, int], None] | None = None,
                     cache: InventoryCache | None = None, workers: int | None = None,
                     ) -> tuple[list[HostInventory], list[InventoryError], list[str]]:
    """Read every file (through the cache when one is given), merge hosts seen twice and fill facts
    from [[hosts]] groups."""
    if cache is not None:
        found, errors = read_paths_cached(paths, max_bytes=config.inventory.max_bytes, cache=cache,
                                          progress=progress)
    else:
        found, errors = inventory.read_paths(paths, max_bytes=config.inventory.max_bytes, progress=progress,
                                             workers=workers)
    combined, warnings = combine(found, config.hosts, config.max_inventory_age)
    return combined, errors, warnings


def run_scan(config: Config, paths: Sequence[Path], as_of: date | None = None,
             catalogue: Catalogue | None = None,
             progress: Callable[[int, int], None] | None = None,
             cache: InventoryCache | None = None, remediation: bool = True,
             workers: int | None = None) -> Report:
    started = time.monotonic()
    generated_at = datetime.now(UTC)
    policy = policy_for(config, as_of, generated_at)
    catalogue = catalogue or load_catalogue(config)
    with gc_paused():
        hosts, errors, warnings = read_inventories(config, paths, progress, cache, workers)
        report = evaluate_fleet(catalogue, hosts, errors, policy, generated_at, (*catalogue.warnings, *warnings))
        if remediation:
            report = with_remediation(report, catalogue)
    return replace(report, duration_seconds=time.monotonic() - started)


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
