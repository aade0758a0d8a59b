"""The long fuzzing campaign of RELIABILITY.md (not a test): N mutated inputs per target, the targets and
mutations of tests/fuzzing.py (every inventory reader and page parser, called directly).

    python benchmarks/fuzz_campaign.py                       # 100,000 inputs per target, both cores
    python benchmarks/fuzz_campaign.py --inputs 2000 --target inventory:systeminfo --seed 7

Prints one row per target: inputs, seconds, crashes (anything but the documented error, or a result of
the wrong shape), distinct crash signatures, and inputs slower than 2 s. Each crashing input is saved to
benchmarks/out/fuzz-crashes/ to replay. Exit code 1 if anything crashed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
CRASHES = HERE / "out" / "fuzz-crashes"
SLOW = 2.0


def campaign(name: str, inputs: int, seed: int) -> dict[str, object]:
    import logging

    from tests.fuzzing import mutate, targets

    logging.disable(logging.CRITICAL)  # the readers' warnings about bad input are expected here
    target = next(t for t in targets() if t.name == name)
    rng = random.Random(f"{seed}:{name}")
    crashes, slow = 0, 0
    signatures: dict[str, int] = {}
    started = time.perf_counter()
    for index in range(inputs):
        data = mutate(rng, target.seeds)
        began = time.perf_counter()
        try:
            target.run(data)
        except target.allowed:
            pass
        except Exception as error:  # a crash is what this looks for
            crashes += 1
            frame = traceback.extract_tb(error.__traceback__)[-1]
            signature = f"{type(error).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            signatures[signature] = signatures.get(signature, 0) + 1
            if signatures[signature] <= 3:
                CRASHES.mkdir(parents=True, exist_ok=True)
                (CRASHES / f"{name.replace(':', '-')}-{index}.bin").write_bytes(data)
        if time.perf_counter() - began > SLOW:
            slow += 1
    return {"target": name, "inputs": inputs, "seconds": time.perf_counter() - started, "crashes": crashes,
            "signatures": signatures, "slow": slow}


def main() -> int:
    from tests.fuzzing import targets

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs per target (default 100,000)")
    parser.add_argument("--target", action="append", help="only these targets (repeatable)")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    names = [t.name for t in targets() if not args.target or t.name in args.target]
    print(f"# {len(names)} targets x {args.inputs:,} inputs, seed {args.seed}, {args.jobs} processes", flush=True)
    print(f"{'target':<28} {'inputs':>9} {'seconds':>8} {'inputs/s':>8} {'crashes':>7} {'slow':>4}  signatures",
          flush=True)
    total, crashed = 0, 0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(campaign, name, args.inputs, args.seed) for name in names]
        for future in futures:
            row = future.result()
            seconds, inputs, crashes = float(row["seconds"]), int(row["inputs"]), int(row["crashes"])  # type: ignore[call-overload]
            total += inputs
            crashed += crashes
            signatures = "; ".join(f"{s} x{n}" for s, n in row["signatures"].items()) or "-"  # type: ignore[attr-defined]
            print(f"{row['target']:<28} {inputs:>9,} {seconds:>8.1f} {inputs / seconds:>8.0f} {crashes:>7} "
                  f"{row['slow']:>4}  {signatures}", flush=True)
    print(f"# total: {total:,} inputs, {crashed} crashes", flush=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
