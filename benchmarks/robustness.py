"""The robustness map (issue #11): N sets × K seeds through the map vs the same runs in a loop.

The map runs each set's nine cases × K seeds together, as one batch (`sim.core.batch`), in
`jobs` worker processes, reduces each (set, seed) to its indicators in the worker and writes one
shard per 25 sets. The baseline is the plain loop a
researcher would write first: every case of every (set, seed) with `sim.runs.runner.run`, one
after the other in this process, keeping the monthly tables and computing the indicators at the
end. Both are timed on the same first `--paired` sets in the same sitting (and must agree to
the last digit); the full map is then timed alone, fresh, against the goal of 15 minutes for
1,000 sets × 5 seeds on this 2-core machine.

    python -m benchmarks.robustness                       # 1,000 × 5, paired on 20 sets
    python -m benchmarks.robustness 200 3 --paired 10     # smaller
    python -m benchmarks.robustness --out results/robustness   # keep the shards (the experiment
                                                               # then resumes from them)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from sim.core.config import ModelConfig
from sim.runs.runner import replication_seeds, run
from sim.studies import robustness as rmap

GOAL_S = 15 * 60
GOAL_RUNS = 1000 * 5 * len(rmap.CASES)  # the goal's map: 1,000 sets × 5 seeds × the cases


def plain_loop(sets: pd.DataFrame, seeds: list[int]) -> pd.DataFrame:
    """Every case of every (set, seed), serially, full tables kept; indicators at the end."""
    base = ModelConfig().to_dict()
    tables = {}
    for _, row in sets.iterrows():
        changes = {c: rmap.plain(row[c]) for c in sets.columns if c != "set"}
        for seed in seeds:
            for case in rmap.CASES:
                tables[(int(row["set"]), seed, case)] = run(
                    rmap.case_config(case, changes, base), seed
                )
    rows = []
    for s in sets["set"]:
        for seed in seeds:
            runs = {case: tables[(int(s), seed, case)] for case in rmap.CASES}
            rows.append({"set": int(s), "seed": seed, **rmap.indicators(runs)})
    return pd.DataFrame(rows)


def mapped(samples: int, seeds: int, jobs: int, out: Path, names=None) -> float:
    start = time.perf_counter()
    rmap.map_sets(samples, seeds, 0, jobs, out, names=names)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("samples", type=int, nargs="?", default=1000)
    parser.add_argument("seeds", type=int, nargs="?", default=5)
    parser.add_argument("--paired", type=int, default=20, help="sets timed against the loop")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=None, help="keep the full map's shards here")
    args = parser.parse_args(argv)
    seeds = replication_seeds(0, args.seeds)
    work = Path(tempfile.mkdtemp(prefix="govsim-robustness-"))
    try:
        sets = rmap.sample_sets(args.samples, 0).iloc[: args.paired]
        start = time.perf_counter()
        loop = plain_loop(sets, seeds)
        loop_s = time.perf_counter() - start
        start = time.perf_counter()
        paths = rmap.run_chunks(rmap.chunks_of(sets), rmap.Work(tuple(seeds), "agents",
                                ModelConfig().to_dict(), work / "paired"), args.jobs)  # fmt: skip
        map_s = time.perf_counter() - start
        fast = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
        pd.testing.assert_frame_equal(loop, fast[loop.columns], check_dtype=False)
        out = args.out or work / "full"
        if args.out:
            shutil.rmtree(args.out / "shards", ignore_errors=True)
        full_s = mapped(args.samples, args.seeds, args.jobs, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    runs = args.samples * args.seeds * len(rmap.CASES)
    result = {
        "sets": args.samples, "seeds": args.seeds, "runs": runs, "jobs": args.jobs,
        "paired_sets": len(sets), "loop_s": round(loop_s, 1), "map_s": round(map_s, 1),
        "speedup": round(loop_s / map_s, 2),
        "full_map_s": round(full_s, 1),
        "loop_estimate_s": round(loop_s / len(sets) * args.samples, 1),
        "runs_per_s": round(runs / full_s, 1),
        "goal_projected_s": round(GOAL_RUNS / (runs / full_s), 1),  # 1,000 sets × 5 seeds
        "goal_s": GOAL_S, "met": GOAL_RUNS / (runs / full_s) <= GOAL_S,
        "load_average": os.getloadavg(),
        "command": " ".join(["python -m benchmarks.robustness", *(argv or sys.argv[1:])]),
    }  # fmt: skip
    print(json.dumps(result, indent=2))
    if args.out:  # the map's folder keeps how long its shards took (results/robustness/map.json)
        (args.out / "benchmark.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
