"""kbscan and WES-NG side by side: the same systeminfo files, the same definitions (issue 16, item 5).

Installs nothing. WES-NG's wes.py goes into a venv of its own, once:

    python3 -m venv benchmarks/out/wesng-venv && benchmarks/out/wesng-venv/bin/pip install wesng
    python benchmarks/systeminfo_gen.py            # (re)writes benchmarks/data/wesng-hosts/*.txt
    python benchmarks/wesng_side_by_side.py [--wes benchmarks/out/wesng-venv/bin/wes] [FILE ...]

Runs, each as a child process measured on its own (os.wait4: CPU seconds user+system, peak RSS; wall
seconds too, which grow with the load of this shared machine):
  kbscan import   `python -m scanner catalogue import definitions.zip` into an empty temporary state_dir
  kbscan scan     `python -m scanner scan FILES --at 2026-07-28 --format json` (all hosts, one process)
  wes HOST        `wes --definitions definitions.zip HOST.txt --output HOST.csv`, one per host
The definitions are used by path (../shared/data/wesng/definitions.zip, 2026-06-28), never copied.
kbscan evaluates as of 2026-07-28, a month past them; WES-NG has no as-of date: it reports every KB of
the definitions, as of their date.

How WES-NG decides "missing" (wes.py 1.03, determine_missing_patches): the rows whose AffectedProduct
contains the product name it builds from systeminfo ("Windows Server 2019", "Windows 10 Version 21H2 for
x64-based Systems"; a substring test, so "Internet Explorer 11 on Windows Server 2019" counts too) are
candidates; every KB named in the Supersedes cell of any candidate row is treated as installed (whether
or not its superseder is), and so are the installed KBs; both are followed down their Supersedes chains
and dropped. What is left is reported, junk BulletinKB values (empty, "Information") included. So WES-NG
lists the newest KB of each chain that is not installed; kbscan lists every applicable KB that no
installed KB covers (supersedes or includes), and its remediation names the one to install.

Per host this prints both sets, their Jaccard index, every difference with a named cause, and the
agreement once explained differences are removed. Causes:
  supersedence chain  kbscan: missing and superseded by a KB that is missing too; WES-NG lists only the head
  included            kbscan: covered by an installed KB whose fixes contain it (included_in, from the CVE
                      rows); WES-NG has no such relation and lists it
  covered via another product's rows
                      kbscan follows a Supersedes found in any product's rows; WES-NG only in its filter's
  product mapping     the KB's rows name the host's product for one tool and not for the other
  architecture        the KB's rows name the host's Windows version for other architectures only (x86, ARM64):
                      WES-NG filters on "for x64-based Systems", kbscan keeps architectures as notes and lists it
  junk id             WES-NG's BulletinKB is no KB id (empty, "Information", ...)
  deferral            kbscan: deferred (a package inside its window): not yet missing
  WES-NG's duplicate filter
                      wes.py drops a Windows Server row whose CVE has "Server Core" rows only under other KBs
                      (filter_duplicates): kbscan lists such a KB, WES-NG does not
  curated             a kbscan entry that is not in WES-NG's data (the embedded Hyper-V/cluster lists)
  UNEXPLAINED         none of the above: a bug in one of the two, to be looked at
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFINITIONS = REPO.parent / "shared" / "data" / "wesng" / "definitions.zip"
WES = HERE / "out" / "wesng-venv" / "bin" / "wes"
HOSTS = HERE / "data" / "wesng-hosts"
AS_OF = "2026-07-28"  # a month past the definitions of 2026-06-28
EXPLAINED = ("supersedence chain", "WES-NG's duplicate filter", "included", "covered via another product's rows",
             "product mapping", "architecture", "junk id", "deferral", "curated")


FIELDS = ("kb", "only", "cause", "detail")


class Run(NamedTuple):
    wall: float
    cpu: float
    rss_mb: float
    code: int


def measured(command: list[str], stdout: Path, cwd: Path) -> Run:
    """Run `command` to completion; its own CPU time and peak RSS from wait4 (not the sum of all children)."""
    started = time.perf_counter()
    with stdout.open("wb") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return Run(time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               child.returncode)


def kb(value: str) -> str:
    value = value.strip()
    return f"KB{value}" if value.isdigit() else f"junk:{value or '(empty)'}"


class Definitions:
    """The rows of the definitions as wes.py sees them: per KB its AffectedProducts and Supersedes."""

    def __init__(self, path: Path) -> None:
        self.products: dict[str, set[str]] = defaultdict(set)
        self.supersedes: dict[tuple[str, str], set[str]] = defaultdict(set)  # (KB, product) -> ids
        self.cves: dict[tuple[str, str], set[str]] = defaultdict(set)  # (KB, product) -> CVEs
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.startswith(("CVEs", "Custom")):
                    continue
                with archive.open(name) as raw:
                    lines = (line for line in io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
                             if not line.startswith("#"))
                    for row in csv.DictReader(lines):
                        key = kb(row["BulletinKB"])
                        product = row["AffectedProduct"]
                        self.products[key].add(product)
                        self.cves[(key, product)].add(row["CVE"])
                        if row["Supersedes"]:
                            self.supersedes[(key, product)].update(kb(s) for s in row["Supersedes"].split(";") if s)

    def dropped_as_duplicate(self, key: str, name: str) -> bool:
        """wes.py's filter_duplicates (Windows Server only): for a CVE with "Server Core" rows it keeps those
        and their non-core twins of the same KB, and drops every other row of that CVE: a KB whose rows are
        all non-core and whose CVEs have Server Core rows only under other KBs vanishes from the output."""
        if not name.startswith("Windows Server"):
            return False
        mine = [(p, c) for (k, p), c in self.cves.items() if k == key and name in p]
        if not mine or any("Server Core" in p for p, _ in mine):
            return False
        cves = set().union(*(c for _, c in mine))
        cored = {c for (k, p), cs in self.cves.items() if name in p and "Server Core" in p and k != key for c in cs}
        return cves <= cored

    def candidates(self, name: str) -> tuple[set[str], dict[str, set[str]]]:
        """WES-NG's candidates for its product name and, per KB, the candidate KBs that supersede it."""
        found = {k for k, products in self.products.items()
                 if any(name in p and f"{name} Service Pack" not in p for p in products)}
        superseded_by: dict[str, set[str]] = defaultdict(set)
        for (key, product), ids in self.supersedes.items():
            if name in product and f"{name} Service Pack" not in product:
                for old in ids:
                    superseded_by[old].add(key)
        return found, superseded_by


def wes_product(output: str) -> str:
    match = re.search(r"- Name: (.+)", output)
    return match.group(1).strip() if match else "?"


def wes_missing(csv_path: Path) -> set[str]:
    if not csv_path.exists():  # wes.py writes no file when it finds nothing
        return set()
    with csv_path.open(encoding="utf-8", newline="") as handle:
        return {kb(row["BulletinKB"]) for row in csv.DictReader(handle)}


def causes(host: dict[str, Any], wes: set[str], wes_name: str, definitions: Definitions,
           catalogue: Any) -> list[tuple[str, str, str, str]]:
    """(KB, which tool lists it, cause, detail) for every KB in exactly one of the two sets."""
    status = {f["kb"]: f for f in host["findings"]}
    missing = {k for k, f in status.items() if f["status"] == "missing"}
    candidates, superseded_by = definitions.candidates(wes_name)
    found = []
    for key in sorted(missing - wes):
        entry = catalogue.get(key)
        sources = set(entry.sources) if entry else set()
        heads = sorted(superseded_by.get(key, set()))
        if entry is not None and not any(s.startswith("wesng") or s.startswith("import:") for s in sources):
            found.append((key, "kbscan", "curated", f"sources {sorted(sources)}"))
        elif key not in candidates and (base := wes_name.split(" for ")[0]) != wes_name and any(
                f"{base} for " in p for p in definitions.products.get(key, set())):
            rows = sorted(p for p in definitions.products.get(key, set()) if f"{base} for " in p)
            found.append((key, "kbscan", "architecture",
                          f"its {base} rows name other architectures only ({'; '.join(rows[:2])}); kbscan keeps "
                          "architectures as notes, not products, and lists it"))
        elif key not in candidates:
            rows = sorted(definitions.products.get(key, set()))
            found.append((key, "kbscan", "product mapping",
                          f"kbscan maps it to {host['os']}; WES-NG's '{wes_name}' matches none of its rows "
                          f"({'; '.join(rows[:2])}{' ...' if len(rows) > 2 else ''})"))
        elif heads:
            also = [h for h in heads if h in missing or h in wes]
            said = ", ".join(status[h]["status"] if h in status else "n/a" for h in heads[:3])
            if also:
                found.append((key, "kbscan", "supersedence chain",
                              f"superseded by {', '.join(also[:3])}, missing too: WES-NG lists only the chain's head"))
            elif not any(h in status for h in heads):
                found.append((key, "kbscan", "product mapping",
                              f"WES-NG drops it as superseded by {', '.join(heads[:3])}, which kbscan does not "
                              f"apply to {host['os']}"))
            else:
                found.append((key, "kbscan", "supersedence chain",
                              f"WES-NG drops it as superseded by {', '.join(heads[:3])} "
                              f"(kbscan: {said})"))
        elif definitions.dropped_as_duplicate(key, wes_name):
            found.append((key, "kbscan", "WES-NG's duplicate filter",
                          "its rows are not Server Core and its CVEs have Server Core rows under other KBs: "
                          "wes.py's filter_duplicates drops them"))
        else:
            found.append((key, "kbscan", "UNEXPLAINED", "a WES-NG candidate it does not drop, yet it does not list it"))
    for key in sorted(wes - missing):
        finding = status.get(key)
        entry = catalogue.get(key)
        if key.startswith("junk:"):
            found.append((key, "WES-NG", "junk id", "BulletinKB is no KB id"))
        elif finding and finding["status"] == "deferred":
            found.append((key, "WES-NG", "deferral", f"kbscan: deferred until {finding['due']} (not yet missing)"))
        elif finding and finding["status"] == "included":
            found.append((key, "WES-NG", "included", f"kbscan: included in {finding['via']}, which is installed"))
        elif finding and finding["status"] in ("superseded", "installed"):
            found.append((key, "WES-NG", "covered via another product's rows",
                          f"kbscan: {finding['status']} via {finding['via']}"))
        elif entry is None:
            found.append((key, "WES-NG", "product mapping",
                          f"no kbscan entry: WES-NG's substring filter '{wes_name}' matched rows of a product kbscan "
                          f"skips or tells apart "
                          f"({'; '.join(sorted(definitions.products.get(key, set()))[:2])})"))
        elif finding is None:
            found.append((key, "WES-NG", "product mapping",
                          f"kbscan: entry for {', '.join(entry.products)}, not {host['os']}; rows "
                          f"{'; '.join(sorted(definitions.products.get(key, set()))[:2])}"))
        else:
            found.append((key, "WES-NG", "UNEXPLAINED", f"kbscan: {finding['status']}"))
    return found


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help=f"systeminfo files (default: {HOSTS}/*.txt)")
    parser.add_argument("--definitions", type=Path, default=DEFINITIONS)
    parser.add_argument("--wes", type=Path, default=WES)
    parser.add_argument("--at", default=AS_OF)
    parser.add_argument("--json", type=Path, help="also write the per-host comparison here")
    args = parser.parse_args()
    files = args.files or sorted(HOSTS.glob("*.txt"))
    for needed, hint in ((args.definitions, "pass --definitions FILE"),
                         (args.wes, "python3 -m venv benchmarks/out/wesng-venv && "
                                    "benchmarks/out/wesng-venv/bin/pip install wesng"),
                         *((f, "python benchmarks/systeminfo_gen.py") for f in files)):
        if not needed.exists():
            print(f"{needed}: not found; {hint}", file=sys.stderr)
            return 2
    if not files:
        print("no systeminfo files; python benchmarks/systeminfo_gen.py", file=sys.stderr)
        return 2
    print(f"definitions {args.definitions} ({args.definitions.stat().st_size:,} bytes); kbscan --at {args.at}, "
          f"WES-NG as of the definitions; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    figures: dict[str, Run] = {}
    with tempfile.TemporaryDirectory(prefix="kbscan-vs-wesng-") as folder:
        work = Path(folder)
        config = work / "config.toml"
        # no scraped sources; every host's roles are known (none), as a [[hosts]] group states them
        config.write_text(f'state_dir = "{work / "state"}"\nsources = []\nmax_inventory_age = "7 days"\n\n'
                          '[[hosts]]\nmatch = "*"\nroles = []\n', encoding="utf-8")
        inventory = work / "inventory"
        inventory.mkdir()
        collected = datetime.fromisoformat(f"{args.at}T06:00:00+00:00").timestamp()
        for path in files:  # systeminfo has no date: the file's modification time is its collection time
            shutil.copy(path, inventory / path.name)
            os.utime(inventory / path.name, (collected, collected))
        kbscan = [sys.executable, "-m", "scanner", "--config", str(config), "-q"]
        figures["kbscan import"] = measured([*kbscan, "catalogue", "import", str(args.definitions)],
                                            work / "import.out", REPO)
        report_path = work / "report.json"
        figures["kbscan scan"] = measured([*kbscan, "scan", str(inventory), "--at", args.at, "--format", "json",
                                           "--output", str(report_path)], work / "scan.out", REPO)
        if not report_path.exists():
            print((work / "scan.out").read_text(errors="replace"), file=sys.stderr)
            return 1
        report = json.loads(report_path.read_text(encoding="utf-8"))
        wes_sets: dict[str, tuple[set[str], str]] = {}
        for path in files:
            name = path.stem
            out = work / f"{name}.wes.csv"
            run = measured([str(args.wes), "--definitions", str(args.definitions), str(inventory / path.name),
                            "--output", str(out)], work / f"{name}.wes.out", work)
            figures[f"wes {name}"] = run
            text = (work / f"{name}.wes.out").read_text(errors="replace")
            if run.code != 0:
                print(text, file=sys.stderr)
            wes_sets[name] = (wes_missing(out), wes_product(text))

        sys.path.insert(0, str(REPO))
        from scanner.config import load_config
        from scanner.pipeline import load_catalogue

        catalogue = load_catalogue(load_config(config))
        definitions = Definitions(args.definitions)

    print("\nrun                          wall s   CPU s   peak RSS MB   exit")
    for step, run in figures.items():
        print(f"{step:<28} {run.wall:7.1f} {run.cpu:7.1f} {run.rss_mb:11.0f}   {run.code}")
    wes_runs = [r for s, r in figures.items() if s.startswith("wes ")]
    print(f"{'wes, all hosts':<28} {sum(r.wall for r in wes_runs):7.1f} {sum(r.cpu for r in wes_runs):7.1f} "
          f"{max(r.rss_mb for r in wes_runs):11.0f}   (sum; max)")

    results = []
    for host in report["hosts"]:
        name = host["host"]
        stem = next((p.stem for p in files if p.stem.upper() == name.upper()), name)
        if stem not in wes_sets:
            continue
        wes, wes_name = wes_sets[stem]
        statuses = [f["status"] for f in host["findings"]]
        missing = {f["kb"] for f in host["findings"] if f["status"] == "missing"}
        deferred = sorted(f["kb"] for f in host["findings"] if f["status"] == "deferred")
        differences = causes(host, wes, wes_name, definitions, catalogue)
        explained = {k for k, _, cause, _ in differences if cause in EXPLAINED}
        agreement = jaccard(missing - explained, wes - explained)
        print(f"\n== {name}: kbscan {host['os']} ({host['status']}), WES-NG '{wes_name}'")
        version = host["os"].split("-", 1)[1].upper() if host["os"].startswith("win") and "-" in host["os"] else ""
        if version and f"Version {version} " not in wes_name:
            print(f"   product mapping: WES-NG reads this host as '{wes_name}' (wes.py 1.03's build table ends at "
                  f"19044 and 22000; a later build takes the last version below it), kbscan as {host['os']}")
        print(f"   kbscan missing {len(missing)} (+{len(deferred)} deferred, not yet missing"
              f"{': ' + ', '.join(deferred) if deferred else ''}; {statuses.count('superseded')} superseded, "
              f"{statuses.count('included')} included, {statuses.count('installed')} installed)")
        print(f"   WES-NG missing {len(wes)} ({sum(1 for k in wes if k.startswith('junk:'))} junk ids)")
        print(f"   both {len(missing & wes)}; Jaccard {jaccard(missing, wes):.3f}; "
              f"with the explained differences removed {agreement:.3f}")
        # the same question asked WES-NG's way: which KBs to install (kbscan's remediation names the newest
        # KB of each chain, as WES-NG lists it), against WES-NG's real KB ids
        install = {r["kb"] for r in host["remediation"]}
        real = {k for k in wes if not k.startswith("junk:")}
        print(f"   kbscan's remediation {len(install)} KBs to install vs WES-NG's {len(real)} real ids: "
              f"both {len(install & real)}, Jaccard {jaccard(install, real):.3f}")
        by_cause: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for key, side, cause, detail in differences:
            by_cause[(side, cause)].append((key, detail))
        for (side, cause), items in sorted(by_cause.items()):
            print(f"   only {side:<6} {len(items):4}  {cause}")
            for key, detail in items:
                print(f"       {key:<11} {detail}")
        results.append({"host": name, "kbscan_os": host["os"], "kbscan_status": host["status"], "wes_product": wes_name,
                        "kbscan_missing": sorted(missing), "kbscan_deferred": deferred, "wes_missing": sorted(wes),
                        "jaccard": round(jaccard(missing, wes), 4), "kbscan_remediation": sorted(install),
                        "remediation_jaccard": round(jaccard(install, real), 4),
                        "agreement_explained_removed": round(agreement, 4),
                        "differences": [dict(zip(FIELDS, d, strict=True)) for d in differences],
                        "wes": figures[f"wes {stem}"]._asdict()})
    if args.json:
        args.json.write_text(json.dumps({"at": args.at, "generated": datetime.now(UTC).isoformat(),
                                         "runs": {s: r._asdict() for s, r in figures.items()},
                                         "hosts": results}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
