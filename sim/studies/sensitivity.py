"""Global sensitivity analysis with SALib 1.6: Morris screening, then Sobol on the top parameters.

    python -m sim +experiment=sensitivity                       # results/sensitivity/
    python -m sim +experiment=sensitivity study.morris_trajectories=10 replications=3

The parameters and their ranges are `sim.core.config.plausible_ranges()` (every field of the config
schema that carries a plausible interval: resources, trajectory and behavioural parameters), never
a second list. Each design point is run with the SAME seeds (common random numbers) and its outputs
are averaged over them:

* `value_cumulative`: cumulative net value at the last month;
* `plateau_level`: mean value flow over the last 12 months (the level the flow settles at).

Designs go through the chunked machinery of `sim.runs.sweep`: the design is a Parquet table (point,
scenario, replication, seed, one column per parameter), run chunk by chunk, each chunk writing one
shard (rerunning resumes). The same table can be sent to a cluster with
`python -m sim --multirun design=results/sensitivity/morris_design.parquet chunks=8
'chunk=range(0,8)' hydra/launcher=submitit_slurm` (see results/README.md).
"""

from __future__ import annotations

import logging
import typing
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.config import CityConfig, Parameters, ResourceConfig, TrajectoryConfig
from sim.core.config import plausible_ranges as schema_ranges
from sim.runs.files import atomic_write, digest
from sim.runs.jobspec import job_tasks
from sim.runs.tasks import completed, run_tasks
from sim.studies.context import write_table
from sim.viz.plots import new_figure

log = logging.getLogger("sim.studies.sensitivity")

OUTPUTS = ("value_cumulative", "plateau_level")
SECTIONS = {
    "city": CityConfig,
    "resources": ResourceConfig,
    "trajectory": TrajectoryConfig,
    "parameters": Parameters,
}


def is_integer_field(path: str) -> bool:
    """Whether the model field at dotted `path` is an integer (stale_after, starvation_months)."""
    section, name = path.split(".", 1)
    return typing.get_type_hints(SECTIONS[section])[name] is int


def problem(names: list[str] | None = None) -> dict[str, Any]:
    """SALib problem over `names` (default: every parameter with a plausible range)."""
    ranges = schema_ranges()
    names = list(ranges) if names is None else list(names)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(ranges[n][0]), float(ranges[n][1])] for n in names],
    }


def design_table(prob: dict[str, Any], X: np.ndarray, seeds: list[int], scenario: str):
    """One row per (design point, seed): the same seeds at every point (CRN)."""
    points = pd.DataFrame(X, columns=prob["names"])
    for name in prob["names"]:
        if is_integer_field(name):
            points[name] = points[name].round().astype(int)
    points.insert(0, "point", np.arange(len(points)))
    rows = points.loc[points.index.repeat(len(seeds))].reset_index(drop=True)
    rows.insert(1, "scenario", scenario)
    rows.insert(2, "replication", np.tile(np.arange(len(seeds)), len(points)))
    rows.insert(3, "seed", np.tile(np.asarray(seeds, dtype=np.int64), len(points)))
    return rows


def run_design(
    design: pd.DataFrame, path: Path, base: dict[str, Any], chunks: int, jobs: int
) -> pd.DataFrame:
    """Run a design table chunk by chunk (one shard per chunk, resumable, as the sweeps do)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or not pd.read_parquet(path).equals(design):
        atomic_write(path, lambda p: design.to_parquet(p, index=False))
    shards = path.parent / "shards"
    frames = []
    chunks = max(1, min(chunks, len(design)))
    data = {"model": base, "design": str(path), "chunks": chunks, "inject_failure": None}
    for chunk in range(chunks):
        spec, tasks = job_tasks({**data, "chunk": chunk})
        shard = shards / f"{digest(spec)}.parquet"
        if not shard.exists():
            runs = completed(run_tasks(tasks, jobs))
            atomic_write(shard, lambda p, runs=runs: runs.to_parquet(p, index=False))
        frames.append(pd.read_parquet(shard))
        log.info("%s: chunk %d/%d done", path.stem, chunk + 1, chunks)
    return pd.concat(frames, ignore_index=True)


def outputs(runs: pd.DataFrame, n_points: int) -> pd.DataFrame:
    """Per design point: the outputs averaged over its seeds (indexed 0..n_points-1)."""
    runs = runs.sort_values(["point", "replication", "month"])
    per_run = runs.groupby(["point", "replication"]).agg(
        value_cumulative=("value_cumulative", "last"),
        plateau_level=("value_flow", lambda x: x.iloc[-12:].mean()),
    )
    out = per_run.groupby("point").mean().reindex(range(n_points))
    if out.isna().any().any():
        raise RuntimeError("some design points have no result")
    return out


def morris(ctx, prob: dict[str, Any]) -> pd.DataFrame:
    """Morris elementary effects (μ*, σ, μ* 95% CI) for each output."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    levels = int(ctx.study.get("morris_levels", 4))
    trajectories = int(ctx.study.get("morris_trajectories", 6))
    X = morris_sample.sample(prob, N=trajectories, num_levels=levels, seed=int(ctx.data["seed"]))
    scenario = str(ctx.study.get("scenario", "phased"))
    design = design_table(prob, X, ctx.seeds, scenario)
    chunks = int(ctx.study.get("chunks", 8))
    runs = run_design(design, ctx.out / "morris_design.parquet", ctx.base, chunks, ctx.jobs)
    Y = outputs(runs, len(X))
    # the integer parameters were rounded: analyse the values actually run
    X_run = design.drop_duplicates("point")[prob["names"]].to_numpy(dtype=float)
    rows = []
    for output in OUTPUTS:
        Si = morris_analyze.analyze(
            prob, X_run, Y[output].to_numpy(), num_levels=levels, seed=int(ctx.data["seed"])
        )
        for i, name in enumerate(prob["names"]):
            rows.append(
                {
                    "output": output,
                    "parameter": name,
                    "mu": float(Si["mu"][i]),
                    "mu_star": float(Si["mu_star"][i]),
                    "mu_star_conf": float(Si["mu_star_conf"][i]),
                    "sigma": float(Si["sigma"][i]),
                }
            )
    table = pd.DataFrame(rows)
    table["rank"] = table.groupby("output")["mu_star"].rank(ascending=False).astype(int)
    table["runs"] = len(design)
    return table.sort_values(["output", "rank"]).reset_index(drop=True)


def top_parameters(morris_table: pd.DataFrame, k: int) -> list[str]:
    """The k most influential: μ* normalised by each output's largest μ*, best over outputs."""
    norm = morris_table.assign(
        score=morris_table["mu_star"] / morris_table.groupby("output")["mu_star"].transform("max")
    )
    return list(norm.groupby("parameter")["score"].max().sort_values(ascending=False).index[:k])


def sobol(ctx, names: list[str]) -> pd.DataFrame:
    """First and total order Sobol indices with 95% CIs, the other parameters at defaults."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    prob = problem(names)
    n = int(ctx.study.get("sobol_n", 32))
    X = sobol_sample.sample(prob, n, calc_second_order=False, seed=int(ctx.data["seed"]))
    scenario = str(ctx.study.get("scenario", "phased"))
    design = design_table(prob, X, ctx.seeds, scenario)
    chunks = int(ctx.study.get("chunks", 8))
    runs = run_design(design, ctx.out / "sobol_design.parquet", ctx.base, chunks, ctx.jobs)
    Y = outputs(runs, len(X))
    rows = []
    for output in OUTPUTS:
        Si = sobol_analyze.analyze(
            prob, Y[output].to_numpy(), calc_second_order=False, seed=int(ctx.data["seed"])
        )
        for i, name in enumerate(names):
            rows.append(
                {
                    "output": output,
                    "parameter": name,
                    "S1": float(Si["S1"][i]),
                    "S1_conf": float(Si["S1_conf"][i]),
                    "ST": float(Si["ST"][i]),
                    "ST_conf": float(Si["ST_conf"][i]),
                }
            )
    table = pd.DataFrame(rows)
    table["runs"] = len(design)
    return table


def _figures(ctx, morris_table: pd.DataFrame, sobol_table: pd.DataFrame | None) -> None:
    fig = new_figure(figsize=(13, 5.5))
    for ax, output in zip(fig.subplots(1, len(OUTPUTS)), OUTPUTS, strict=True):
        t = morris_table[morris_table["output"] == output]
        ax.errorbar(t["mu_star"], t["sigma"], xerr=t["mu_star_conf"], fmt="o", ms=4, alpha=0.7)
        for r in t.nsmallest(8, "rank").itertuples():
            ax.annotate(r.parameter.split(".")[-1], (r.mu_star, r.sigma), fontsize=7)
        ax.set_xlabel("μ* (mean |elementary effect|)")
        ax.set_ylabel("σ")
        ax.set_title(f"Morris: {output} ({int(t['runs'].iloc[0])} runs)")
    fig.tight_layout()
    fig.savefig(ctx.out / "morris.png", dpi=120)
    if sobol_table is None:
        return
    fig = new_figure(figsize=(13, 4.5))
    for ax, output in zip(fig.subplots(1, len(OUTPUTS)), OUTPUTS, strict=True):
        t = sobol_table[sobol_table["output"] == output]
        x = np.arange(len(t))
        ax.bar(x - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], label="first order S1")
        ax.bar(x + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], label="total order ST")
        ax.set_xticks(x, [p.split(".")[-1] for p in t["parameter"]], rotation=30, ha="right")
        ax.set_title(f"Sobol: {output} ({int(t['runs'].iloc[0])} runs, 95% CI)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(ctx.out / "sobol.png", dpi=120)


def analyse(ctx) -> pd.DataFrame:
    """Morris over every plausible-range parameter, then Sobol on the top `sobol_top`."""
    names = ctx.study.get("parameters")  # a subset for tiny designs (tests); default: all
    prob = problem(list(names) if names else None)
    m = morris(ctx, prob)
    write_table(ctx, m, "morris.csv")
    top = int(ctx.study.get("sobol_top", 5))
    s = None
    if top > 0:
        s = sobol(ctx, top_parameters(m, top))
        write_table(ctx, s, "sobol.csv")
    _figures(ctx, m, s)
    head = m[m["rank"] <= 5][["output", "rank", "parameter", "mu_star", "mu_star_conf"]]
    log.info("Morris top 5:\n%s", head.to_string(index=False))
    if s is not None:
        log.info("Sobol:\n%s", s.to_string(index=False))
    return m
