"""How much the patterns depend on the parameters: a robustness map over the plausible space.

    python -m sim +experiment=robustness study.samples=1000 study.seeds=5     # results/robustness/

Every pattern test of docs/ODD.md §1.2 is run at the defaults; a reviewer asks next whether the
patterns survive the parametric uncertainty, not only seed noise. The map draws `samples`
parameter sets by Latin hypercube over every plausible range of the configuration
(`sim.core.config.plausible_ranges`, the one list SALib and the ±20% study read), runs each set
over `seeds` paired seeds (the same seeds in every set and every case: common random numbers),
and reduces each (set, seed) to the continuous indicators behind the patterns in the worker, so
a 45,000-run map keeps a few hundred kilobytes, not gigabytes of monthly rows.

Each set runs the nine cases of `CASES`: the four presets, and the counterfactuals that the map
can afford per set (no coordination costs for P5, no update reflex for P6, techno-push for P7,
tight resources for P8). "Tight" scales the set's own resources by the tight/adequate ratios
of configs/resources (budget × 0.4, staff and DGA hours × 0.5), so at the default point it is
the tight level of the pattern tests. P1's "tight" clause and P2's dependence on initial stocks are
not in the map (they need their own runs; the pattern tests cover them at the defaults).

A pattern holds for a set when its criterion holds on the medians over the set's seeds (the
pooled share for P3); `summary.csv` gives, per pattern, the share of the plausible space where
it holds with its 95% Wilson interval. A set's 9 × `seeds` runs are one task and move in
one batch (`sim.core.batch`: the same tables as one run at a time, in less time). Work is
cut into chunks of sets, one shard each under `shards/` (named by the digest of what it runs):
rerunning the command resumes, and `study.executor=slurm` sends the missing chunks to a SLURM
cluster as one job array (submitit).
"""

from __future__ import annotations

import functools
import json
import logging
import math
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.analysis.metrics import (
    crossover_month,
    early_mean_flow,
    opens_up,
    phasing_in_order,
    plateau_ratio,
    share_with_interval,
)
from sim.core.config import ModelConfig, plausible_ranges
from sim.core.sections import parameter_rows
from sim.runs import presets, runner
from sim.runs.files import atomic_write, digest, write_json
from sim.runs.tasks import parallel_map
from sim.studies.agent_patterns import chart, quintile_gap, settles_below

log = logging.getLogger("sim.studies.robustness")

PRESETS = ("proactive", "open", "phased", "combined")
TIGHT = "tight"  # a case marker: the set's resources scaled to the tight level
CHART = "chart"  # a case marker: the set's DGA hours shared by another organisation chart
CHARTS = {"proactive_concentrated": 2, "proactive_split": 5}
CASES: dict[str, tuple[str, Mapping[str, Any] | str]] = {
    "proactive": ("proactive", {}),
    "open": ("open", {}),
    "phased": ("phased", {}),
    "combined": ("combined", {}),
    "open_no_coordination": ("open", {"mechanisms.coordination_costs": False}),
    "open_no_reflex": ("open", {"mechanisms.reflex_override": 0.0}),
    "techno_push": ("proactive", {"mechanisms.mediation": False}),
    "phased_tight": ("phased", TIGHT),
    "combined_tight": ("combined", TIGHT),
    "proactive_concentrated": ("proactive", CHART),  # P11: two DGAs of five ...
    "proactive_split": ("proactive", CHART),  # ... or five of two, same DGA hours in all
}
INDICATORS = (  # the columns `indicators` returns, in order (a test holds the two together)
    *(f"value_{k}" for k in PRESETS),
    "open_minus_proactive",
    "open_minus_proactive_gross",
    "proactive_early_lead",
    "crossover_month",
    "opening_runs",
    "in_order_runs",
    "phased_minus_open",
    "plateau_ratio",
    "plateau_ratio_no_coordination",
    "stale_share",
    "stale_share_no_reflex",
    "techno_inclusion_flow",
    "techno_extra_exclusion",
    "combined_minus_phased",
    "combined_minus_phased_tight",
    "participation_year",
    "illectronism_decline",
    "techno_literacy_gap",
    "open_literacy_gap",
    "top1_share",
    "bottom90_share",
    "contributors_literacy_gap",
    "chart_months_gain",
)
MEDIANS = tuple(c for c in INDICATORS if not c.endswith("_runs"))  # per set: median over seeds
SETS_PER_CHUNK = 25
PLATEAU, NO_PLATEAU = 0.3, 0.5  # P5's slope-ratio thresholds (sim.studies.patterns)


# ---- the sample ----------------------------------------------------------------------------------
def sample_sets(samples: int, root: int = 0, names: Sequence[str] | None = None) -> pd.DataFrame:
    """`samples` parameter sets, a Latin hypercube over the plausible ranges (integer fields
    rounded). Columns: `set`, then one dotted path per parameter. Same arguments, same table."""
    ranges = plausible_ranges()
    names = list(ranges) if names is None else list(names)
    unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(root)).random(samples)
    low = np.array([ranges[n][0] for n in names], dtype=float)
    high = np.array([ranges[n][1] for n in names], dtype=float)
    table = pd.DataFrame(qmc.scale(unit, low, high), columns=names)
    integers = {r["path"] for r in parameter_rows() if isinstance(r["default"], int)}
    for name in names:
        if name in integers:
            table[name] = table[name].round().astype(int)
    table.insert(0, "set", np.arange(samples))
    return table


def tight(changes: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The set's resources (else the base model's) scaled by the tight/adequate ratios of
    configs/resources."""
    adequate, low = presets.resource_level("adequate"), presets.resource_level(TIGHT)
    resources = ModelConfig.from_dict(dict(base or {})).resources
    out = {}
    for name, value in low.items():
        path = f"resources.{name}"
        level = changes.get(path, getattr(resources, name))
        out[path] = float(level) * float(value) / float(adequate[name])
    return out


def case_config(case: str, changes: Mapping[str, Any], base: Mapping[str, Any]) -> ModelConfig:
    """One case of a parameter set: its scenario file on the job's base model, the set's values
    and the case's own changes on top."""
    kind, extra = CASES[case]
    if extra == CHART:
        model = ModelConfig.from_dict(dict(base)).replace(**changes)
        extra = chart(CHARTS[case], model.resources.dga_hours, model.city.dgas)
    extra = tight(changes, base) if extra == TIGHT else dict(extra)
    return _scenario(kind, json.dumps(dict(base), sort_keys=True)).replace(**{**changes, **extra})


@functools.lru_cache(maxsize=32)
def _scenario(kind: str, base: str) -> ModelConfig:
    """A scenario file on the base model, read once per worker (it is the same for every set)."""
    return presets.build(kind, json.loads(base))


# ---- one set: nine runs per seed reduced to indicators -------------------------------------------
def indicators(runs: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """The continuous figures behind P1–P8 and the calibration statistics, from one seed's cases.

    Differences are challenger − reference, so a positive value is the pattern's direction
    (P8 tight excepted: there the pattern is a gap ≤ 0).
    """
    final = {k: float(r["value_cumulative"].iloc[-1]) for k, r in runs.items()}
    gross = {k: float(r["value_gross"].sum()) for k, r in runs.items()}
    pro, ope = runs["proactive"], runs["open"]
    crossing = crossover_month(pro, ope)
    opening = [runs[k] for k in PRESETS if opens_up(runs[k])]
    years = len(ope) / 12.0
    return {
        **{f"value_{k}": final[k] for k in PRESETS},
        "open_minus_proactive": final["open"] - final["proactive"],
        "open_minus_proactive_gross": gross["open"] - gross["proactive"],
        "proactive_early_lead": early_mean_flow(pro) - early_mean_flow(ope),
        "crossover_month": math.nan if crossing is None else float(crossing),
        "opening_runs": float(len(opening)),
        "in_order_runs": float(sum(phasing_in_order(r) for r in opening)),
        "phased_minus_open": final["phased"] - final["open"],
        "plateau_ratio": plateau_ratio(ope),
        "plateau_ratio_no_coordination": plateau_ratio(runs["open_no_coordination"]),
        "stale_share": float(ope["stale_share"].iloc[-12:].mean()),
        "stale_share_no_reflex": float(runs["open_no_reflex"]["stale_share"].iloc[-12:].mean()),
        "techno_inclusion_flow": float(runs["techno_push"]["flow_inclusion"].mean()),
        "techno_extra_exclusion": float(
            runs["techno_push"]["destruction_exclusion"].sum() - pro["destruction_exclusion"].sum()
        ),
        "combined_minus_phased": final["combined"] - final["phased"],
        "combined_minus_phased_tight": final["combined_tight"] - final["phased_tight"],
        "participation_year": float(ope["participation_year"].iloc[24:].mean()),
        "illectronism_decline": float(
            (ope["illectronism"].iloc[0] - ope["illectronism"].iloc[-1]) / years * 100
        ),
        "techno_literacy_gap": quintile_gap(runs["techno_push"]),
        "open_literacy_gap": quintile_gap(ope),
        "top1_share": float(ope["contributions_top1_share"].iloc[-1]),
        "bottom90_share": float(ope["contributions_bottom90_share"].iloc[-1]),
        "contributors_literacy_gap": float(ope["contributors_literacy_gap"].iloc[-1]),
        "chart_months_gain": float(
            settles_below(runs["proactive_split"]["stale_share"])
            - settles_below(runs["proactive_concentrated"]["stale_share"])
        ),
    }


def _aggregate_many(configs: Sequence[ModelConfig], seeds: Sequence[int]) -> list[pd.DataFrame]:
    return [runner.run_aggregate(c, s) for c, s in zip(configs, seeds, strict=True)]


RUNNERS: dict[str, Callable[..., list[pd.DataFrame]]] = {
    "agents": runner.run_many,  # the set's cases × seeds as one batch (sim/core/batch.py)
    "aggregate": _aggregate_many,  # the null model (sim/core/aggregate.py)
}
Result = tuple[dict | None, dict | None]  # (indicators row, None) or (None, failure)


def measure(task: tuple[int, dict[str, Any], tuple[int, ...], str, dict]) -> list[Result]:
    """One set: every case over every seed, reduced to one indicators row per seed.

    The set's 9 × K runs move together (`runner.run_many`); if anything fails, the seeds are
    retried one by one, so the failure is recorded against its own seed and the others are kept.
    """
    set_id, changes, seeds, model, base = task
    try:
        configs = [case_config(case, changes, base) for case in CASES]
        tables = RUNNERS[model]([c for _ in seeds for c in configs],
                                [s for s in seeds for _ in configs])  # fmt: skip
        per_seed = [tables[i : i + len(CASES)] for i in range(0, len(tables), len(CASES))]
        return [
            ({"set": set_id, "seed": seed, **indicators(dict(zip(CASES, runs, strict=True)))}, None)
            for seed, runs in zip(seeds, per_seed, strict=True)
        ]
    except Exception as err:  # recorded; the other sets (and seeds) go on
        if len(seeds) > 1:
            return [r for seed in seeds for r in measure((set_id, changes, (seed,), model, base))]
        return [(None, {
            "set": set_id,
            "seed": seeds[0],
            "error": f"{type(err).__name__}: {err}",
            "traceback": traceback.format_exc(),
            "config": json.dumps(changes, default=str),
        })]  # fmt: skip


# ---- chunks, shards, resuming --------------------------------------------------------------------
def chunks_of(sets: pd.DataFrame, per_chunk: int = SETS_PER_CHUNK) -> list[pd.DataFrame]:
    """The sets cut into contiguous chunks (the unit of a shard and of a cluster job)."""
    return [sets.iloc[i : i + per_chunk] for i in range(0, len(sets), per_chunk)]


@dataclass(frozen=True)
class Work:
    """What every chunk of one map shares: the paired seeds, the model and the job's base."""

    seeds: tuple[int, ...]
    model: str
    base: Mapping[str, Any]
    shards: Path

    def key(self, chunk: pd.DataFrame) -> str:
        """A chunk's shard name: the digest of what it runs (sets, seeds, model, base)."""
        return digest({"sets": chunk.to_dict("records"), "seeds": list(self.seeds),
                       "model": self.model, "base": dict(self.base)})  # fmt: skip

    def shard(self, chunk: pd.DataFrame) -> Path:
        return self.shards / f"{self.key(chunk)}.parquet"

    def sidecar(self, chunk: pd.DataFrame) -> Path:
        return self.shards / f"{self.key(chunk)}.failures.json"

    def done(self, chunk: pd.DataFrame) -> bool:
        return self.shard(chunk).exists() and not self.sidecar(chunk).exists()


def run_chunk(chunk: pd.DataFrame, work: Work, jobs: int) -> Path:
    """Run one chunk (unless its shard exists) and write its shard; returns the shard's path.

    A SLURM array element runs one chunk this way. Failures go to a sidecar
    `<key>.failures.json` next to a shard of the sets that succeeded; a chunk with failures is
    retried when the command is rerun.
    """
    if not work.done(chunk):
        results = parallel_map(measure, tasks_of(chunk, work), jobs)
        write_shard(chunk, work, [r for per_set in results for r in per_set])
    return work.shard(chunk)


def tasks_of(chunk: pd.DataFrame, work: Work) -> list[tuple[int, dict, tuple, str, dict]]:
    """The chunk's tasks, one per set with all its seeds, as `measure` takes them."""
    params = [c for c in chunk.columns if c != "set"]
    return [
        (int(row["set"]), {p: plain(row[p]) for p in params}, work.seeds, work.model,
         dict(work.base))
        for _, row in chunk.iterrows()
    ]  # fmt: skip


def write_shard(chunk: pd.DataFrame, work: Work, results: list[Result]) -> None:
    """The chunk's indicator rows as its shard, and its failures (if any) beside it."""
    target, sidecar = work.shard(chunk), work.sidecar(chunk)
    rows = [r for r, _ in results if r is not None]
    failed = [f for _, f in results if f is not None]
    work.shards.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows, columns=["set", "seed", *INDICATORS])
    atomic_write(target, lambda p: frame.to_parquet(p, index=False))
    if failed:
        write_json(sidecar, failed)
    else:
        sidecar.unlink(missing_ok=True)


def run_local(todo: Sequence[pd.DataFrame], work: Work, jobs: int) -> None:
    """Every chunk in `todo` through one pool of `jobs` processes, one set at a time.

    One pool for the whole map, rather than one per chunk, so no worker idles at the end of
    each chunk and none is started twice; each shard is written as soon as its chunk's last
    task is back, in chunk order. An interrupted map cancels the tasks not yet started (rather
    than waiting for the whole queue) and resumes from the shards written.
    """
    if jobs <= 1:
        for i, chunk in enumerate(todo):
            run_chunk(chunk, work, 1)
            log.info("chunk %d/%d done", i + 1, len(todo))
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending = [(c, [pool.submit(measure, t) for t in tasks_of(c, work)]) for c in todo]
        try:
            for i, (chunk, futures) in enumerate(pending):
                write_shard(chunk, work, [r for f in futures for r in f.result()])
                log.info("chunk %d/%d done", i + 1, len(todo))
        except BaseException:  # Ctrl-C, a dead worker: stop now, keep the shards written
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def plain(value: Any) -> Any:
    """numpy scalars as Python numbers (the config validation and digests want plain values)."""
    return value.item() if isinstance(value, np.generic) else value


def run_chunks(
    chunks: Sequence[pd.DataFrame],
    work: Work,
    jobs: int,
    executor: str = "local",
    slurm: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Every chunk's shard: computed here (`local`, `jobs` processes) or as one SLURM job array
    (`slurm`, through submitit; each array element runs one chunk with `jobs` processes)."""
    todo = [c for c in chunks if not work.done(c)]
    log.info("%d of %d chunks to run (%s)", len(todo), len(chunks), executor)
    if todo and executor == "slurm":
        import submitit

        pool = submitit.AutoExecutor(folder=work.shards.parent / "slurm" / "%j", cluster="slurm")
        pool.update_parameters(**dict(slurm or {}))
        array = pool.map_array(run_chunk, todo, [work] * len(todo), [jobs] * len(todo))
        for job in array:
            job.result()  # raises with the job's own traceback if a whole element died
    elif todo:
        run_local(todo, work, jobs)
    return [work.shard(c) for c in chunks]


def failures(shards: Path) -> list[dict[str, Any]]:
    """Every failure recorded by the shards in `shards`."""
    out: list[dict[str, Any]] = []
    for sidecar in sorted(shards.glob("*.failures.json")):
        out.extend(json.loads(sidecar.read_text()))
    return out


# ---- per set: medians over seeds and the patterns ------------------------------------------------
def _p5(m: pd.Series) -> bool:
    return m["plateau_ratio"] <= PLATEAU and m["plateau_ratio_no_coordination"] > NO_PLATEAU


def _p8(m: pd.Series) -> bool:
    return m["combined_minus_phased"] > 0 and m["combined_minus_phased_tight"] <= 0


PATTERNS: dict[str, tuple[str, Callable[[pd.Series], bool]]] = {
    "P1": (
        "open > proactive at the last month, in net and in gross value",
        lambda m: m["open_minus_proactive"] > 0 and m["open_minus_proactive_gross"] > 0,
    ),
    "P2": (
        "proactive's mean flow over the first 20% of months > open's",
        lambda m: m["proactive_early_lead"] > 0,
    ),
    "P3": (
        "half-level months I < C < Q in ≥ 95% of the runs that open up",
        lambda m: m["in_order_share"] >= 0.95,
    ),
    "P4": ("phased > open", lambda m: m["phased_minus_open"] > 0),
    "P5": (
        "plateau under open (slope ratio ≤ 0.3) and none without coordination costs (> 0.5)",
        _p5,
    ),
    "P5 plateau only": (
        "plateau under open (slope ratio ≤ 0.3), whatever its cause",
        lambda m: m["plateau_ratio"] <= PLATEAU,
    ),
    "P6": (
        "without the update reflex the catalogue goes stale (≥ 0.95) and the reflex lowers it",
        lambda m: (
            m["stale_share_no_reflex"] >= 0.95 and m["stale_share"] < m["stale_share_no_reflex"]
        ),
    ),
    "P7": (
        "techno-push: negative inclusion flow and more exclusion harm than with mediation",
        lambda m: m["techno_inclusion_flow"] < 0 and m["techno_extra_exclusion"] > 0,
    ),
    "P8": ("combined > phased with the set's resources, phased ≥ combined when tight", _p8),
    "P8 adequate only": (
        "combined > phased with the set's resources",
        lambda m: m["combined_minus_phased"] > 0,
    ),
    "P9": (
        "techno-push: the lowest literacy quintile's net value per resident below the highest's, "
        "by more than under open",
        lambda m: m["techno_literacy_gap"] > max(0.0, m["open_literacy_gap"]),
    ),
    "P10": (
        "open: top 1% make ≥ 20% of the year's contributions, the bottom 90% ≤ 20%, "
        "contributors more literate than residents",
        lambda m: (
            m["top1_share"] >= 0.2
            and m["bottom90_share"] <= 0.2
            and m["contributors_literacy_gap"] > 0
        ),
    ),
    "P11": (
        "proactive: two DGAs of five settle below a 0.3 stale share before five DGAs of two",
        lambda m: m["chart_months_gain"] > 0,
    ),
}


def per_set(seed_rows: pd.DataFrame, sets: pd.DataFrame) -> pd.DataFrame:
    """One row per set: its parameters, the median of each indicator over its seeds, the pooled
    P3 share, `seeds_done`, and one true/false column per pattern."""
    grouped = seed_rows.groupby("set")
    medians = grouped[list(MEDIANS)].median()
    runs = grouped[["opening_runs", "in_order_runs"]].sum()
    medians["in_order_share"] = runs["in_order_runs"] / runs["opening_runs"].replace(0, np.nan)
    medians["seeds_done"] = grouped.size()
    for name, (_, holds) in PATTERNS.items():
        medians[name] = medians.apply(lambda m, holds=holds: bool(holds(m)), axis=1)
    return sets.merge(medians.reset_index(), on="set", how="inner")


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per pattern: the share of sets where it holds, with its 95% Wilson interval."""
    rows = []
    for name, (criterion, _) in PATTERNS.items():
        share, low, high = share_with_interval(table[name].to_numpy(dtype=bool))
        rows.append({"pattern": name, "share": share, "low": low, "high": high,
                     "sets": len(table), "criterion": criterion})  # fmt: skip
    return pd.DataFrame(rows)


def map_sets(
    samples: int,
    seeds: int,
    root: int = 0,
    jobs: int = 1,
    out_dir: Path | str = "results/robustness",
    model: str = "agents",
    executor: str = "local",
    names: Sequence[str] | None = None,
    base: Mapping[str, Any] | None = None,
    slurm: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The robustness map's per-set table (see `per_set`), computing only the missing shards.

    Also writes `seeds.parquet` (one row per set × seed) into `out_dir`.
    """
    out = Path(out_dir)
    sets = sample_sets(samples, root, names)
    seed_list = tuple(runner.replication_seeds(root, seeds))
    resolved = ModelConfig.from_dict(dict(base or {})).to_dict()  # one key per configuration
    work = Work(seed_list, model, resolved, out / "shards")
    paths = run_chunks(chunks_of(sets), work, jobs, executor, slurm)
    rows = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    rows = rows.sort_values(["set", "seed"], kind="stable").reset_index(drop=True)
    atomic_write(out / "seeds.parquet", lambda p: rows.to_parquet(p, index=False))
    return per_set(rows, sets)
