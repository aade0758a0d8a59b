"""Fleet-scale benchmark: prints scan, bare-parse, rescan, report and memory figures (not a test).

    python benchmarks/run.py                    # N = 1,000 and 10,000 hosts, M = 200 and 5,000 entries
    python benchmarks/run.py --hosts 1000 --entries 200
    python benchmarks/run.py --workers 1        # parsing in this process only (no process pool)

Each measurement runs in a fresh subprocess so peak RSS is its own. Fleets are generated once into
benchmarks/out/ (git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

AS_OF = date(2013, 12, 20)


def fleet_folder(hosts: int, entries: int) -> Path:
    import fleetgen

    folder = HERE / "out" / f"fleet-{hosts}-{entries}"
    marker = folder / ".complete"
    if not marker.exists():
        catalogue = fleetgen.grow_catalogue(entries)
        size = fleetgen.write_fleet(folder, fleetgen.hosts(hosts, catalogue))
        marker.write_text(str(size))
    return folder


def measure(kind: str, hosts: int, entries: int, workers: int | None) -> dict[str, float]:
    """Runs in the child: one measurement, returns its figures."""
    import fleetgen

    from scanner import inventory
    from scanner.config import Config
    from scanner.evaluate import with_remediation
    from scanner.inventory_cache import InventoryCache
    from scanner.pipeline import run_scan
    from scanner.reports import json as json_report
    from scanner.reports import table as table_report

    folder = fleet_folder(hosts, entries)
    catalogue = fleetgen.grow_catalogue(entries)
    config = Config(state_dir=HERE / "out" / "state", hosts=fleetgen.HOST_GROUPS)
    figures: dict[str, float] = {}
    if kind == "parse":
        start = time.perf_counter()
        count = 0
        for path in inventory.iter_files([folder]):
            count += len(inventory.parse_bytes(path.read_bytes(), str(path)))
        figures["seconds"] = time.perf_counter() - start
        figures["hosts"] = count
    elif kind == "scan":
        start = time.perf_counter()
        report = run_scan(config, [folder], as_of=AS_OF, catalogue=catalogue, remediation=False, workers=workers)
        figures["seconds"] = time.perf_counter() - start
        figures["hosts"] = len(report.hosts)
        figures["findings"] = sum(len(h.findings) for h in report.hosts)
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        report = with_remediation(report, catalogue)
        figures["remediation_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        size = 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for chunk in json_report.chunks(report):
                size += len(chunk)
                sink.write(chunk)
        figures["json_seconds"] = time.perf_counter() - start
        figures["json_mb"] = size / 1e6
        start = time.perf_counter()
        figures["table_mb"] = len(table_report.render(report)) / 1e6
        figures["table_seconds"] = time.perf_counter() - start
        return figures
    else:  # rescan: the daemon's case, a second scan through the inventory cache with nothing changed
        cache = InventoryCache()
        run_scan(config, [folder], as_of=AS_OF, catalogue=catalogue, remediation=False, cache=cache)
        start = time.perf_counter()
        run_scan(config, [folder], as_of=AS_OF, catalogue=catalogue, remediation=False, cache=cache)
        figures["seconds"] = time.perf_counter() - start
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def child(kind: str, hosts: int, entries: int, workers: int | None) -> dict[str, float]:
    fleet_folder(hosts, entries)  # generate outside the measured process
    command = [sys.executable, __file__, "--child", kind, "--hosts", str(hosts), "--entries", str(entries)]
    if workers is not None:
        command += ["--workers", str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, action="append")
    parser.add_argument("--entries", type=int, action="append")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--child", choices=("parse", "scan", "rescan"))
    parser.add_argument("--skip", action="append", default=[], choices=("parse", "scan", "rescan"),
                        help="leave a measurement out (its columns print as -)")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.hosts[0], args.entries[0], args.workers)))
        return 0
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'hosts':>6} {'entries':>7} {'scan s':>7} {'hosts/s':>8} {'parse s':>7} {'ratio':>5} {'rescan s':>8} "
          f"{'RSS MB':>7} {'remed s':>7} {'json s':>6} {'json MB':>7} {'table s':>7} {'findings':>9}")
    nan = float("nan")
    for hosts in args.hosts or [1000, 10000]:
        for entries in args.entries or [200, 5000]:
            figures = {kind: child(kind, hosts, entries, args.workers) if kind not in args.skip else {}
                       for kind in ("parse", "scan", "rescan")}
            parse, scan, rescan = (figures[k] for k in ("parse", "scan", "rescan"))
            scan_s, parse_s = scan.get("seconds", nan), parse.get("seconds", nan)
            print(f"{hosts:>6} {entries:>7} {scan_s:>7.2f} {hosts / scan_s:>8.0f} "
                  f"{parse_s:>7.2f} {scan_s / parse_s:>5.2f} {rescan.get('seconds', nan):>8.2f} "
                  f"{scan.get('peak_rss_mb', nan):>7.0f} {scan.get('remediation_seconds', nan):>7.2f} "
                  f"{scan.get('json_seconds', nan):>6.2f} {scan.get('json_mb', nan):>7.1f} "
                  f"{scan.get('table_seconds', nan):>7.2f} {scan.get('findings', nan):>9.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
