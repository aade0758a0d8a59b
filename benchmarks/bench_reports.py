"""Report size and time for a generated fleet: every writer on one in-memory report (not a test).

    python benchmarks/bench_reports.py                          # 10,000 hosts x 111 entries (the embedded catalogue)
    python benchmarks/bench_reports.py --hosts 10000 --entries 200
    python benchmarks/bench_reports.py --hosts 1000 --wesng          # bench_wesng.py's fleet, WES-NG's definitions

The hosts are fleetgen's (same products, role sets and installed KBs), built as inventories in memory
(no files are parsed: that is run.py's job) in clusters of four nodes, evaluated as of 2013-12-20 with
remediation, as `kbscan scan` does for JSON and HTML. Prints bytes and seconds per format.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

AS_OF = date(2013, 12, 20)


def build_report(hosts: int, entries: int, missing: float, unknown: float):  # type: ignore[no-untyped-def]
    """fleetgen's hosts install every applicable entry of a small catalogue; a share `missing` of them
    lose one to three catalogue KBs (noncompliant), a share `unknown` has no known product."""
    import random

    import fleetgen

    from scanner.evaluate import Policy, evaluate_fleet, with_remediation
    from scanner.models import HostInventory, InstalledUpdate

    rng = random.Random(17)
    catalogue = fleetgen.grow_catalogue(entries)
    inventories = []
    for index, host in enumerate(fleetgen.hosts(hosts, catalogue)):
        kbs = list(host.kbs)
        if rng.random() < missing:
            known = [kb for kb in kbs if catalogue.get(kb) is not None]
            for kb in rng.sample(known, k=min(len(known), rng.randint(1, 3))):
                kbs.remove(kb)
        product = None if rng.random() < unknown else host.product
        inventories.append(HostInventory(host.name, f"/srv/kbscan/inventory/{host.name}.json", "kbscan-json",
                                         tuple(InstalledUpdate(kb) for kb in kbs), os=product,
                                         os_caption=host.caption, os_version=host.version, roles=host.roles,
                                         cluster=f"CLU{index // 4}",
                                         collected_at=datetime(2013, 12, 19, 7, 30, tzinfo=UTC)))
    report = evaluate_fleet(catalogue, inventories, [], Policy.at(AS_OF), datetime(2013, 12, 20, 8, tzinfo=UTC))
    return with_remediation(report, catalogue)


def wesng_report(hosts: int):  # type: ignore[no-untyped-def]
    """bench_wesng.py's fleet (Server 2008 R2 to 2022, one monthly package and a tenth of the other KBs
    each) against WES-NG's definitions, imported into a temporary state_dir, with remediation."""
    import io
    import tempfile

    import bench_wesng

    from scanner.cli import main as kbscan
    from scanner.config import load_config
    from scanner.pipeline import run_scan

    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        bench_wesng.prepare(state)
        kbscan(["--config", str(state / "config.toml"), "-q", "catalogue", "import", str(bench_wesng.DEFINITIONS)],
               out=io.StringIO())
        bench_wesng.write_fleet(state, hosts)
        config = load_config(state / "config.toml")
        return run_scan(config, [state / "fleet"], as_of=date.fromisoformat(bench_wesng.AS_OF))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=111)
    parser.add_argument("--missing", type=float, default=0.3, help="share of hosts missing 1-3 KBs (default 0.3)")
    parser.add_argument("--stream", action="store_true",
                        help="also stream the JSON (all and action) under tracemalloc for its peak allocation")
    parser.add_argument("--unknown", type=float, default=0.02, help="share of hosts of unknown product (0.02)")
    parser.add_argument("--wesng", action="store_true",
                        help="bench_wesng.py's fleet of --hosts hosts against WES-NG's definitions instead")
    args = parser.parse_args()

    from scanner.reports import WRITERS
    from scanner.reports import json as json_report
    from scanner.reports.findings import FindingsFilter

    if args.wesng:
        report = wesng_report(args.hosts)
    else:
        report = build_report(args.hosts, args.entries, args.missing, args.unknown)
    findings = sum(len(h.findings) for h in report.hosts)
    statuses = ", ".join(f"{report.hosts_with(s)} {s}" for s in ("compliant", "noncompliant", "unknown"))
    entries = "WES-NG's" if args.wesng else args.entries
    print(f"# {args.hosts} hosts ({statuses}), {entries} entries, {findings} findings")
    print(f"{'format':<12} {'MB':>8} {'seconds':>8}")
    writers = {**WRITERS, "json action": lambda r: json_report.render(r, FindingsFilter.ACTION)}
    for name, writer in writers.items():
        start = time.perf_counter()
        text = writer(report)
        seconds = time.perf_counter() - start
        print(f"{name:<12} {len(text.encode('utf-8')) / 1e6:>8.2f} {seconds:>8.2f}", flush=True)
    # The JSON as kbscan scan --format json writes it: streamed, one host at a time. Its peak is the
    # memory the writer allocates on top of the report (tracemalloc: several times slower, so opt-in).
    if args.stream:
        print(f"{'json stream':<12} {'MB':>8} {'seconds':>8} {'peak MB':>8}")
    for which in FindingsFilter if args.stream else ():
        tracemalloc.start()
        start = time.perf_counter()
        size = 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for chunk in json_report.chunks(report, which):
                size += len(chunk.encode("utf-8"))
                sink.write(chunk)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{which:<12} {size / 1e6:>8.2f} {seconds:>8.2f} {peak / 1e6:>8.2f}", flush=True)
    if os.environ.get("KBSCAN_BENCH_KEEP"):  # write the HTML somewhere to look at it
        Path(os.environ["KBSCAN_BENCH_KEEP"]).write_text(WRITERS["html"](report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
