"""Wall time of an N-run sweep through the chunked machinery against one plain loop; Hydra's
overhead per job.

    python experiments/bench_sweep.py 1000 --chunks 20 --workers 2     # writes results/bench/

The N runs are the four presets × N/4 paired seeds on the default city (144 months). The sweep
is `python -m sim --multirun design=... chunks=C 'chunk=range(0,C)' hydra/launcher=joblib`;
the loop is `sim.run(config, seed)` for every row, in this process. The script checks that both
give the same numbers, then times K trivial Hydra jobs (one month, small city) against one to
estimate the overhead per job.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from sim.runner import replication_seeds, run
from sim.scenarios import build

ROOT = Path(__file__).resolve().parent.parent
PRESETS = ("proactive", "open", "phased", "combined")


def design(n: int) -> pd.DataFrame:
    reps = max(1, n // len(PRESETS))
    seeds = replication_seeds(0, reps)
    rows = [
        {"point": i, "scenario": s, "replication": k, "seed": seed}
        for i, s in enumerate(PRESETS)
        for k, seed in enumerate(seeds)
    ]
    return pd.DataFrame(rows)


def hydra(out: Path, *overrides: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sim", "--multirun", *overrides, f"hydra.sweep.dir={out}"],
        check=True,
        cwd=out.parent,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", type=int, nargs="?", default=1000)
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--trivial-jobs", type=int, default=50)
    parser.add_argument("--out", default=str(ROOT / "results" / "bench"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table = design(args.runs)
    path = out / "design.parquet"
    table.to_parquet(path, index=False)

    sweep_dir = out / f"sweep-{len(table)}"
    subprocess.run(["rm", "-rf", str(sweep_dir)], check=True)
    chunked = hydra(
        sweep_dir,
        f"design={path}",
        f"chunks={args.chunks}",
        f"chunk=range(0,{args.chunks})",
        "hydra/launcher=joblib",
        f"hydra.launcher.n_jobs={args.workers}",
    )
    gathered = pd.read_parquet(sweep_dir / "runs.parquet")

    start = time.perf_counter()
    finals = []
    for row in table.itertuples(index=False):
        frame = run(build(row.scenario), int(row.seed))
        finals.append(frame["value_cumulative"].iloc[-1])
    loop = time.perf_counter() - start
    last = gathered.sort_values("month").groupby(["point", "replication"]).tail(1)
    swept = last.sort_values(["point", "replication"])["value_cumulative"].to_list()
    identical = swept == finals

    trivial = ["months=1", "replications=1", "city=small", "scenario=open", "figures=false"]
    one = hydra(out / "trivial-1", *trivial, "seed=0")
    many = hydra(out / "trivial-k", *trivial, f"seed=range(0,{args.trivial_jobs})")
    overhead = (many - one) / (args.trivial_jobs - 1)

    result = {
        "runs": len(table),
        "chunks": args.chunks,
        "workers": args.workers,
        "sweep_wall_s": round(chunked, 1),
        "plain_loop_wall_s": round(loop, 1),
        "ratio_loop_over_sweep": round(loop / chunked, 2),
        "identical_final_values": identical,
        "hydra_overhead_per_job_s": round(overhead, 3),
        "trivial_jobs": args.trivial_jobs,
    }
    (out / "bench.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
