"""WES-NG definitions as a catalogue: import, load and a scan against it (not a test; well under 2 minutes).

    python benchmarks/bench_wesng.py                       # ../shared/data/wesng/definitions.zip
    python benchmarks/bench_wesng.py --definitions FILE --profile

Prints, each step in a fresh subprocess so its peak RSS is its own:
  import   `kbscan catalogue import definitions.zip` into an empty state_dir (parse, merge, store)
  reimport the same again (every entry compared with the stored catalogue)
  load     load_catalogue (SQLite -> entries) and Catalogue(...) (indexes and cover closures), and per Server
           product how many entries a host with only the newest monthly package still misses
  scan     Server 2016/2019/2022 hosts whose newest cumulative update is a year old, as of a month past the
           definitions: missing/deferred counts and the remediation headline per host
  fleet    with --hosts N: N hosts, Server 2008 R2 to 2022 (--fleet scattered|waves), scanned through the CLI
           to a JSON report with --findings action --workers 2 (the target of issue 16: < 10 s, < 300 MB)
With --profile, the top functions of Catalogue construction (cProfile), for the lead's catalogue.py.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFINITIONS = REPO.parent / "shared" / "data" / "wesng" / "definitions.zip"
AS_OF = "2026-07-28"  # a month past the definitions of 2026-06-28
# host -> (product, the one cumulative update it has: each product's of June 2025)
HOSTS = {"HV16": ("ws2016", "KB5061010"), "HV19": ("ws2019", "KB5060531"), "HV22": ("ws2022", "KB5060526")}


def child(step: str, state: Path, definitions: Path, profile: bool) -> dict[str, object]:
    sys.path.insert(0, str(REPO))
    config_path = state / "config.toml"
    if step in ("import", "reimport"):
        from scanner.cli import main

        started = time.perf_counter()
        code = main(["--config", str(config_path), "-q", "catalogue", "import", str(definitions)], out=sys.stderr)
        return {"seconds": time.perf_counter() - started, "exit": code}
    from scanner.catalogue import Catalogue
    from scanner.config import load_config
    from scanner.store.catalogue import load_catalogue
    from scanner.store.db import connected

    config = load_config(config_path)
    if step == "load":
        started = time.perf_counter()
        with connected(config.database, readonly=True) as db:
            stored = load_catalogue(db)
        loaded = time.perf_counter()
        assert stored is not None
        entries = list(stored.entries.values())
        built_at = time.perf_counter()
        Catalogue(entries, stored.info)
        built = time.perf_counter() - built_at
        figures: dict[str, object] = {"load_and_build_seconds": loaded - started, "entries": len(entries),
                                      "rebuild_seconds": built}
        figures["newest_package_leaves"] = _floor(stored)
        if profile:
            import cProfile
            import io
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(Catalogue, entries, stored.info)
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(6)
            figures["profile"] = text.getvalue()
        return figures
    if step == "fleet":  # the target: JSON report with --findings action, both cores
        from scanner.cli import main

        started, cpu = time.perf_counter(), time.process_time()
        code = main(["--config", str(config_path), "-q", "scan", str(state / "fleet"), "--at", AS_OF,
                     "--format", "json", "--findings", "action", "--workers", "2",
                     "--output", str(state / "fleet.json")], out=sys.stderr)
        return {"seconds": round(time.perf_counter() - started, 2), "exit": code,
                "parent_cpu_seconds": round(time.process_time() - cpu, 2)}
    from datetime import date

    from scanner.pipeline import run_scan
    from scanner.remediation import headline

    started = time.perf_counter()
    report = run_scan(config, [state / "inventory"], as_of=date.fromisoformat(AS_OF))
    seconds = time.perf_counter() - started
    hosts = {h.host: {"status": h.status.value, "findings": len(h.findings), "missing": h.count("missing"),
                      "deferred": h.count("deferred"), "headline": headline(h)} for h in report.hosts}
    return {"seconds": seconds, "hosts": hosts}


def _floor(catalogue: Any) -> dict[str, str]:
    """Per Server product: of its entries, how many a host with only the newest monthly package would still
    miss (at a date past every deferral): where the data's supersedence chain has gaps, this is the floor of
    false "missing" a fully patched host shows."""
    found = {}
    for product in ("ws2008r2", "ws2012", "ws2012r2", "ws2016", "ws2019", "ws2022", "ws2025"):
        entries = catalogue.for_product(product)
        packages = [e for e in entries if e.kind.value in ("cumulative-update", "update-rollup") and e.released]
        if not packages:
            continue
        newest = max(packages, key=lambda e: (e.released, e.kb))
        left = sum(1 for e in entries if e.kb != newest.kb and newest.kb not in {c.kb for c in catalogue.covers(e.kb)})
        found[product] = f"{left} of {len(entries)} ({newest.kb} {newest.released})"
    return found


def prepare(state: Path) -> None:
    (state / "config.toml").write_text(
        f'state_dir = "{state}"\nsources = []\n\n'
        + "".join(f'[[hosts]]\nmatch = "{host}"\nos = "{product}"\nroles = []\n\n'
                  for host, (product, _) in HOSTS.items()), encoding="utf-8")
    folder = state / "inventory"
    folder.mkdir()
    for host, (_, kb) in HOSTS.items():
        document = {"host": host, "collected_at": f"{AS_OF}T06:00:00Z", "updates": [{"kb": kb}]}
        (folder / f"{host}.json").write_text(json.dumps(document), encoding="utf-8")


FLEET_PRODUCTS = ("ws2008r2", "ws2012", "ws2012r2", "ws2016", "ws2019", "ws2022")


def write_fleet(state: Path, hosts: int, shape: str = "scattered") -> None:
    """`hosts` kbscan JSON files, Server 2008 R2 to 2022 in turn, collected on AS_OF (seeded, so runs compare).

    scattered: every host differs, the worst case for sharing: one of its product's monthly packages, any
      month, and a random tenth of its other KBs; a `[[hosts]]` group per host.
    waves: a fleet patched in waves, as WSUS or Cluster-Aware Updating leave one: each host at one of its
      product's last six monthly packages (40, 25, 15, 10, 5, 5 % of hosts, newest first) over the image of
      its level (the same tenth of the older KBs for every host of that level); one host in five has one
      more KB of its own. Host names carry the product (`WS2019-00042`), one glob group per product."""
    import random

    sys.path.insert(0, str(REPO))
    from scanner.config import load_config
    from scanner.pipeline import load_catalogue

    catalogue = load_catalogue(load_config(state / "config.toml"))
    rng = random.Random(16)
    folder = state / "fleet"
    folder.mkdir()
    groups = []
    images: dict[tuple[str, str], set[str]] = {}
    for index in range(hosts):
        product = FLEET_PRODUCTS[index % len(FLEET_PRODUCTS)]
        entries = catalogue.for_product(product)
        packages = [e for e in entries if e.kind.value in ("cumulative-update", "update-rollup")]
        if shape == "scattered":
            installed = {rng.choice(packages).kb} | {e.kb for e in entries if rng.random() < 0.1}
            name = f"FL{index:05d}"
            groups.append(f'[[hosts]]\nmatch = "{name}"\nos = "{product}"\nroles = []\n\n')
        else:
            dated = sorted((e for e in packages if e.released and e.released.isoformat() <= AS_OF),
                           key=lambda e: (e.released, e.kb))
            level = rng.choices(dated[-6:][::-1], weights=(40, 25, 15, 10, 5, 5)[:len(dated[-6:])])[0]
            image = images.get((product, level.kb))
            if image is None:
                image = images[(product, level.kb)] = {level.kb} | {
                    e.kb for e in entries if e.released and e.released < level.released and rng.random() < 0.1}
            installed = image | ({rng.choice(entries).kb} if rng.random() < 0.2 else set())
            name = f"{product.upper()}-{index:05d}"
        document = {"host": name, "collected_at": f"{AS_OF}T06:00:00Z",
                    "updates": [{"kb": kb} for kb in sorted(installed)]}
        (folder / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")
    if shape == "waves":
        groups = [f'[[hosts]]\nmatch = "{p.upper()}-*"\nos = "{p}"\nroles = []\n\n' for p in FLEET_PRODUCTS]
    with (state / "config.toml").open("a", encoding="utf-8") as config:
        config.write("".join(groups))


def _report_figures(path: Path) -> dict[str, object]:
    """The fleet report's summary and size, read after the scan's process ended (its peak RSS is the scan's
    own), line by line: hosts and findings are one line each."""
    findings, head = 0, []
    with path.open(encoding="utf-8") as report:
        for line in report:
            head.append(line)
            if line.startswith('  "hosts": '):
                break
        for line in report:
            findings += line.startswith('      {"kb": ')
    text = "".join(head)
    summary = json.loads(text[text.index('"summary": ') + 11:].split("}", 1)[0] + "}")
    return {"summary": summary, "action_findings": findings, "report_bytes": f"{path.stat().st_size:,}"}


def run_child(step: str, state: Path, definitions: Path, profile: bool) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", step, "--state", str(state), "--definitions", str(definitions)]
    if profile:
        command.append("--profile")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures: dict[str, object] = json.loads(done.stdout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the whole child (interpreter start and imports too): on a machine shared with other
    # work the wall-clock seconds above grow with the load, these do not
    figures["cpu_seconds"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)
    if done.stderr.strip():
        figures["output"] = done.stderr.strip()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--definitions", type=Path, default=DEFINITIONS)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--hosts", type=int, default=0, help="also scan a fleet of this many hosts (JSON report)")
    parser.add_argument("--fleet", choices=("scattered", "waves"), default="scattered",
                        help="how the fleet's hosts differ (see write_fleet)")
    parser.add_argument("--child")
    parser.add_argument("--state", type=Path)
    args = parser.parse_args()
    if args.child:
        figures = child(args.child, args.state, args.definitions, args.profile)
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        pool = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the scan's inventory readers, if any
        if pool:
            figures["peak_rss_mb_of_a_pool_worker"] = round(pool / 1024, 1)
        print(json.dumps(figures))
        return 0
    if not args.definitions.is_file():
        print(f"{args.definitions}: not found; pass --definitions FILE (WES-NG's definitions.zip)", file=sys.stderr)
        return 2
    print(f"definitions {args.definitions} ({args.definitions.stat().st_size:,} bytes), "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="kbscan-wesng-") as folder:
        state = Path(folder)
        prepare(state)
        for step in ("import", "reimport", "load", "scan", *(("fleet",) if args.hosts else ())):
            if step == "fleet":
                write_fleet(state, args.hosts, args.fleet)
            figures = run_child(step, state, args.definitions, args.profile)
            profile = figures.pop("profile", None)
            if step == "import":
                size = (state / "kbscan.db").stat().st_size
                figures["database_bytes"] = f"{size:,}"
            if step == "fleet":
                figures.update(_report_figures(state / "fleet.json"))
            print(f"{step:<9} {json.dumps(figures, indent=None)}")
            if profile:
                print(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
