"""5. Sweeps: N default runs on 2 workers through the chunked sweep machinery vs one plain loop.

The N runs are the four presets × N/4 paired seeds on the default city (144 months). The sweep is
`python -m sim --multirun design=... chunks=C 'chunk=range(0,C)' hydra/launcher=joblib`; the
loop is `sim.run(config, seed)` for every row, in this process. Both must give the same numbers.
Parallel efficiency = loop time / (sweep time × workers). Hydra's overhead per job is estimated
from K trivial jobs (one month, small city) against one.

    python -m benchmarks --only sweeps           # 1,000 runs (≈ 2 × 2 min on 2 cores)
    python -m benchmarks.sweeps 200 --chunks 10  # a smaller design, JSON output
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.common import Row
from sim.runs.presets import build
from sim.runs.runner import replication_seeds
from sim.runs.runner import run as simulate

PRESETS = ("proactive", "open", "phased", "combined")


def design(n: int) -> pd.DataFrame:
    """Four presets × n/4 paired seeds: one row per run."""
    seeds = replication_seeds(0, max(1, n // len(PRESETS)))
    rows = [
        {"point": i, "scenario": s, "replication": k, "seed": seed}
        for i, s in enumerate(PRESETS)
        for k, seed in enumerate(seeds)
    ]
    return pd.DataFrame(rows)


def hydra(out: Path, *overrides: str) -> float:
    """Wall time of one `python -m sim --multirun` into `out`."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sim", "--multirun", *overrides, f"hydra.sweep.dir={out}"],
        check=True,
        cwd=out.parent,
        capture_output=True,
    )
    return time.perf_counter() - start


def measure(runs: int = 1000, chunks: int = 20, workers: int = 2, trivial_jobs: int = 30) -> dict:
    with tempfile.TemporaryDirectory(prefix="govsim-bench-") as tmp:
        out = Path(tmp)
        table = design(runs)
        path = out / "design.parquet"
        table.to_parquet(path, index=False)
        sweep = hydra(
            out / "sweep",
            f"design={path}",
            f"chunks={chunks}",
            f"chunk=range(0,{chunks})",
            "hydra/launcher=joblib",
            f"hydra.launcher.n_jobs={workers}",
        )
        gathered = pd.read_parquet(out / "sweep" / "runs.parquet")

        start = time.perf_counter()
        finals = [
            simulate(build(row.scenario), int(row.seed))["value_cumulative"].iloc[-1]
            for row in table.itertuples(index=False)
        ]
        loop = time.perf_counter() - start
        last = gathered.sort_values("month").groupby(["point", "replication"]).tail(1)
        swept = last.sort_values(["point", "replication"])["value_cumulative"].to_list()

        trivial = ["months=1", "replications=1", "city=small", "scenario=open", "figures=false"]
        one = hydra(out / "trivial-1", *trivial, "seed=0")
        many = hydra(out / "trivial-k", *trivial, f"seed=range(0,{trivial_jobs})")
        shutil.rmtree(out, ignore_errors=True)
    return {
        "runs": len(table),
        "chunks": chunks,
        "workers": workers,
        "sweep_wall_s": round(sweep, 1),
        "plain_loop_wall_s": round(loop, 1),
        "parallel_efficiency": round(loop / (sweep * workers), 2),
        "identical_final_values": swept == finals,
        "hydra_overhead_per_job_s": round((many - one) / (trivial_jobs - 1), 3),
    }


def run(repeats: int) -> list[Row]:
    """The table's rows: one measurement (a 1,000-run sweep is its own median); 200 if --quick."""
    r = measure(1000 if repeats > 2 else 200)
    return [
        Row(
            f"5. sweeps: {r['runs']} default runs, {r['workers']} workers, {r['chunks']} chunks",
            f"{r['sweep_wall_s']} s (same numbers: {r['identical_final_values']})",
            f"plain loop, 1 process: {r['plain_loop_wall_s']} s",
            f"efficiency {r['parallel_efficiency']}",
            "efficiency ≥ 0.8",
            "yes" if r["parallel_efficiency"] >= 0.8 else "no",
            "1",
        ),
        Row(
            "5. Hydra overhead per job",
            f"{r['hydra_overhead_per_job_s']} s",
            "one trivial job",
            "",
            "(context)",
            "",
            "1",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=int, nargs="?", default=1000)
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(measure(args.runs, args.chunks, args.workers), indent=1))


if __name__ == "__main__":
    main()
