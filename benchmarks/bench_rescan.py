"""The daemon's scan job at fleet size: a first scan, a rescan with nothing changed, a rescan after one file changed.

    python benchmarks/bench_rescan.py --hosts 10000                 # builds a state: WES-NG import + write_fleet
    python benchmarks/bench_rescan.py --from /tmp/wprof/state10k     # a copy of a state bench_wesng.py built

Each state is a temporary copy (the --from folder is only read). The config the job runs with points at the
copy, with `max_inventory_age = "3650 days"` so the fleet's inventories (collected on bench_wesng.AS_OF) carry
verdicts at today's date, as the daemon evaluates (the real clock, no --at). All scans run in one process, as in
the daemon: the inventory cache loaded from the state database, then scan_job again and again with one Runtime.
Prints per scan: wall and CPU seconds, peak RSS so far and current RSS (MB), and the job's log line.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

from bench_wesng import DEFINITIONS, write_fleet  # noqa: E402


def _rss_mb() -> tuple[float, float]:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return round(peak, 1), round(pages * resource.getpagesize() / 2**20, 1)


def build(state: Path, hosts: int, definitions: Path) -> None:
    (state / "config.toml").write_text(f'state_dir = "{state}"\nsources = []\n\n', encoding="utf-8")
    subprocess.run([sys.executable, "-m", "scanner", "--config", str(state / "config.toml"), "-q", "catalogue",
                    "import", str(definitions)], check=True, cwd=REPO)
    write_fleet(state, hosts)


def configure(state: Path, findings: str) -> Path:
    """The state's config with state_dir, inventory paths, age and report filter for this copy; its [[hosts]]
    groups (the fleet's products) are kept."""
    text = (state / "config.toml").read_text(encoding="utf-8")
    groups = text[text.index("[[hosts]]"):] if "[[hosts]]" in text else ""
    head = (f'state_dir = "{state}"\nreports_dir = "{state / "reports"}"\nsources = []\n'
            f'max_inventory_age = "3650 days"\n\n[inventory]\npaths = ["{state / "fleet"}"]\n\n'
            f'[report]\nfindings = "{findings}"\n\n')
    (state / "config.toml").write_text(head + groups, encoding="utf-8")
    return state / "config.toml"


def touch_one(state: Path) -> Path:
    """One host's file with new content, as a collector run would write it: one of its missing KBs installed."""
    path = sorted((state / "fleet").glob("*.json"))[0]
    document = json.loads(path.read_text(encoding="utf-8"))
    report = json.loads((state / "reports" / "hosts" / path.name).read_text(encoding="utf-8"))
    document["updates"].append({"kb": next(f["kb"] for f in report["findings"] if f["status"] == "missing")})
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def measure(name: str, job: object) -> dict[str, object]:
    from scanner.jobs import Runtime, scan_job

    assert isinstance(job, Runtime)
    job.cache.parsed = job.cache.reused = 0
    wall, cpu = time.perf_counter(), time.process_time()
    line = scan_job(job)
    figures: dict[str, object] = {"wall_s": round(time.perf_counter() - wall, 3),
                                  "cpu_s": round(time.process_time() - cpu, 3)}
    figures["peak_rss_mb"], figures["rss_mb"] = _rss_mb()
    figures["line"] = re.sub(r"\s+", " ", line)
    print(f"{name:<22} {json.dumps(figures)}", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, help="copy this state (config.toml, kbscan.db, fleet/)")
    parser.add_argument("--hosts", type=int, default=10000, help="without --from: build a fleet of this many")
    parser.add_argument("--definitions", type=Path, default=DEFINITIONS)
    parser.add_argument("--findings", choices=("all", "action"), default="all", help="[report] findings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kbscan-rescan-") as folder:
        state = Path(folder) / "state"
        started = time.perf_counter()
        if args.source:
            state.mkdir()
            for name in ("config.toml", "kbscan.db"):
                shutil.copy2(args.source / name, state / name)
            shutil.copytree(args.source / "fleet", state / "fleet")
        else:
            state.mkdir()
            build(state, args.hosts, args.definitions)
        config_path = configure(state, args.findings)
        print(f"state ready in {time.perf_counter() - started:.1f} s: {len(list((state / 'fleet').iterdir()))} "
              f"files, [report] findings = {args.findings}", flush=True)

        from scanner.config import load_config
        from scanner.inventory_cache import load_cache
        from scanner.jobs import Runtime

        config = load_config(config_path)
        runtime = Runtime(config)
        runtime.cache = load_cache(config.database)  # as Daemon.run does
        time.sleep(2.1)  # files written this instant are hashed again by the next scan (the cache's settle time)
        measure("first scan", runtime)
        measure("nothing changed", runtime)
        measure("nothing changed again", runtime)
        changed = touch_one(state)
        time.sleep(2.1)  # past the inventory cache's settle time, as a file written between two scans is
        print(f"changed {changed.name}", flush=True)
        measure("one file changed", runtime)
        measure("nothing changed after", runtime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
