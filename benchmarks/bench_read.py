"""Reading benchmark: wall, parent CPU, worker CPU and peak RSS of `read_inventories` (not a test).

    python benchmarks/bench_read.py                      # 10,000 kbscan-JSON and 10,000 systeminfo hosts
    python benchmarks/bench_read.py --hosts 1000 --workers 1 --repeat 5
    python benchmarks/bench_read.py --folder DIR --config kbscan.toml   # a fleet of your own

Reading is what `kbscan scan DIR` does before evaluating: list the files, read, decode, detect, parse
(in a pool with `--workers 2`), merge hosts seen twice and fill facts from `[[hosts]]` groups (one group
per host, as issue 16's fleet has). Each run is a fresh process, so its peak RSS is its own; `parent CPU`
is that process's `time.process_time()`, `workers CPU` its children's (RUSAGE_CHILDREN), `workers RSS`
the largest child's. The machine is shared: quote the median of `--repeat` runs.

Fleets are written by fleetgen.py once into benchmarks/out/ (git-ignored) and reused: kbscan-JSON as the
collector writes it (UTF-8) and systeminfo in English and Spanish (UTF-16LE) and German and French
(cp850) in turn, each host with 150-300 KBs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

KINDS = {"kbscan-json": ("kbscan-json",),
         "systeminfo": ("systeminfo-en", "systeminfo-de", "systeminfo-fr", "systeminfo-es")}


def fleet_folder(kind: str, hosts: int) -> Path:
    import random

    import fleetgen

    folder = HERE / "out" / f"read-{kind}-{hosts}"
    marker = folder / ".complete"
    if not marker.exists():
        formats = KINDS[kind]
        rng = random.Random(13)
        folder.mkdir(parents=True, exist_ok=True)
        for index, host in enumerate(fleetgen.hosts(hosts, fleetgen.grow_catalogue(200))):
            name, data = fleetgen.render(host, formats[index % len(formats)], rng)
            (folder / name).write_bytes(data)
        marker.write_text("")
    return folder


def measure(folder: Path, config_path: Path | None, workers: int) -> dict[str, float]:
    """Runs in the child: one read of `folder`, its figures."""
    from scanner.config import Config, HostGroup, load_config
    from scanner.pipeline import gc_paused, read_inventories

    if config_path is not None:
        config = load_config(config_path)
    else:
        names = sorted(name.split(".", 1)[0].split("-", 1)[0] for name in os.listdir(folder)
                       if not name.startswith("."))
        config = Config(state_dir=HERE / "out" / "state",
                        hosts=tuple(HostGroup(name, roles=("hyper-v",)) for name in names))
    wall, cpu = time.perf_counter(), time.process_time()
    with gc_paused():  # as run_scan reads
        hosts, errors, warnings = read_inventories(config, [folder], workers=workers)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": cpu, "children": children.ru_utime + children.ru_stime,
            "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "children_rss": children.ru_maxrss / 1024, "hosts": len(hosts),
            "updates": sum(len(h.updates) for h in hosts), "errors": len(errors), "warnings": len(warnings)}


def child(folder: Path, config: Path | None, workers: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(folder), "--workers", str(workers)]
    if config is not None:
        command += ["--config", str(config)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=10_000)
    parser.add_argument("--workers", type=int, action="append", help="1, 2 (default: both)")
    parser.add_argument("--kind", action="append", choices=tuple(KINDS), help="default: both")
    parser.add_argument("--folder", type=Path, help="read this folder instead of a generated fleet")
    parser.add_argument("--config", type=Path, help="with --folder: its kbscan.toml ([[hosts]] groups)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is printed")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.config, args.workers[0])))
        return 0
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, median of {args.repeat}")
    print(f"{'fleet':<12} {'hosts':>6} {'updates':>9} {'workers':>7} {'wall s':>6} {'parent CPU s':>12} "
          f"{'workers CPU s':>13} {'parent RSS MB':>13} {'worker RSS MB':>13}")
    fleets = ([(args.folder.name, args.folder)] if args.folder else
              [(kind, fleet_folder(kind, args.hosts)) for kind in args.kind or KINDS])
    for name, folder in fleets:
        for workers in args.workers or [1, 2]:
            runs = [child(folder, args.config, workers) for _ in range(args.repeat)]
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            print(f"{name:<12} {median['hosts']:>6,.0f} {median['updates']:>9,.0f} {workers:>7} "
                  f"{median['wall']:>6.2f} {median['cpu']:>12.2f} {median['children']:>13.2f} "
                  f"{median['rss']:>13.0f} {median['children_rss']:>13.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
