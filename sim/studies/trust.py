"""How much to trust the model: the robustness map's outputs, scenario discovery, indices.

    python -m sim +experiment=robustness study.samples=1000 study.seeds=5   # results/robustness/
    python -m sim +experiment=robustness study.model=aggregate              # the null model's map

`robustness` runs (or resumes) the map of sim.studies.robustness and writes, into its folder:
`sets.parquet` (one row per parameter set: its values, the median indicators, one true/false
column per pattern), `seeds.parquet` (one row per set × seed), `summary.csv` (per pattern: the
share of the plausible space where it holds, 95% Wilson interval), `boxes.csv` and
`discovery.md` (PRIM boxes in words: where each pattern fails), `sobol.csv` (first-order
variance-based indices of the continuous indicators), `sobol_precision.csv` (per indicator,
then for the whole map: whether the five largest indices meet issue #11's precision criterion,
and the N that would) and `robustness.png`.

The first-order indices are estimated from the map's own Latin hypercube by RBD-FAST (Tarantola,
Gatelli & Mara 2006; Plischke 2010, SALib's `rbd_fast`), which needs no dedicated Saltelli
design: the N sets already run give every parameter's first-order (Sobol) index, with an
interval from half samples sized for those N sets (sim/analysis/sensitivity.py says why not
SALib's bootstrap). Total-order indices would need a Saltelli design of N × (D + 2) sets;
the map does not estimate them.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.discovery import find_box
from sim.analysis.sensitivity import first_order
from sim.core.config import ConfigError, ModelConfig, flatten, plausible_ranges
from sim.runs.files import atomic_write, write_json
from sim.runs.tasks import batches_of, parallel_map
from sim.studies import robustness as rmap
from sim.studies.context import Context, experiment, figure, write_table

log = logging.getLogger("sim.studies.trust")

SOBOL_OUTPUTS = (
    "open_minus_proactive",
    "open_minus_proactive_gross",
    "proactive_early_lead",
    "phased_minus_open",
    "plateau_ratio",
    "plateau_ratio_no_coordination",
    "stale_share",
    "techno_inclusion_flow",
    "combined_minus_phased",
    "combined_minus_phased_tight",
    "techno_literacy_gap",  # P9
    "top1_share",  # P10
    "contributors_literacy_gap",  # P10
    "chart_months_gain",  # P11
)
ALL_INDICATORS = "all indicators"  # the row of sobol_precision.csv over the whole map
TOP = 5  # the criterion of issue #11: the five largest S1 each known to better than ± a quarter


@experiment("robustness")
def robustness(ctx: Context) -> pd.DataFrame:
    """The map, its summary, PRIM boxes, first-order indices and figure (module docstring)."""
    samples, seeds, model, executor = settings(ctx)
    start = time.perf_counter()
    table = rmap.map_sets(samples, seeds, int(ctx.data["seed"]), ctx.jobs, ctx.out, model,
                          executor, base=ctx.base, slurm=ctx.study.get("slurm"))  # fmt: skip
    wall = time.perf_counter() - start
    atomic_write(ctx.out / "sets.parquet", lambda p: table.to_parquet(p, index=False))
    ctx.tables["sets.parquet"] = list(table.columns)
    ctx.tables["seeds.parquet"] = ["set", "seed", *rmap.INDICATORS]
    summ = rmap.summary(table)
    write_table(ctx, summ, "summary.csv")
    boxes = discover(table)
    write_table(ctx, boxes, "boxes.csv")
    (ctx.out / "discovery.md").write_text(discovery_text(summ, boxes))
    indices = first_order_indices(table, int(ctx.data["seed"]))
    write_table(ctx, indices, "sobol.csv")
    write_table(ctx, precision(indices), "sobol_precision.csv")
    _figure(ctx, summ, indices)
    failed = rmap.failures(ctx.out / "shards")
    write_json(ctx.out / "map.json", {"samples": samples, "seeds": list(ctx.seeds),
               "model": model, "executor": executor, "sets_done": len(table),
               "failures": len(failed), "wall_time_s": round(wall, 1),
               "measured": _benchmark(ctx.out)})  # fmt: skip
    log.info("map of %d sets × %d seeds (%s) in %.1f s; %d failed (set, seed)",
             len(table), seeds, model, wall, len(failed))  # fmt: skip
    return summ


@experiment("docking")
def docking(ctx: Context) -> pd.DataFrame:
    """The agent model and the null model (sim/core/aggregate.py) at the defaults, side by side:
    which patterns the aggregate reproduces without agents, and the indicators behind them
    (medians over the job's seeds; the null model is deterministic, one run per case)."""
    rows, medians = {}, {}
    for model in rmap.RUNNERS:
        seeds = [int(s) for s in (ctx.seeds if model == "agents" else ctx.seeds[:1])]
        tasks = [(0, {}, tuple(part), model, dict(ctx.base))
                 for part in batches_of(seeds, ctx.jobs)]  # fmt: skip
        results = [r for part in parallel_map(rmap.measure, tasks, ctx.jobs) for r in part]
        failed = [f for _, f in results if f is not None]
        if failed:
            raise RuntimeError(f"{model}: {failed[0]['error']}")
        table = rmap.per_set(pd.DataFrame([r for r, _ in results]), pd.DataFrame({"set": [0]}))
        rows[model], medians[model] = table.iloc[0], table.iloc[0]
    out = [{"pattern": name, "criterion": criterion,
            **{m: bool(rows[m][name]) for m in rmap.RUNNERS}}
           for name, (criterion, _) in rmap.PATTERNS.items()]  # fmt: skip
    figures = [{"pattern": "", "criterion": name, **{m: medians[m][name] for m in rmap.RUNNERS}}
               for name in (*rmap.MEDIANS, "in_order_share")]  # fmt: skip
    patterns_table = pd.DataFrame(out)
    write_table(ctx, patterns_table, "patterns.csv")
    write_table(ctx, pd.DataFrame(figures).rename(columns={"criterion": "indicator"})
                .drop(columns="pattern"), "indicators.csv")  # fmt: skip
    return patterns_table


def _benchmark(out) -> dict | None:
    """The timing of these very shards when benchmarks/robustness.py computed them fresh
    (`--out` writes benchmark.json next to them): a resumed map's own wall time is seconds."""
    path = out / "benchmark.json"
    return json.loads(path.read_text()) if path.is_file() else None


def settings(ctx: Context) -> tuple[int, int, str, str]:
    """study.samples, study.seeds, study.model, study.executor, checked before any run; a model
    field the map samples may not also be set for the job (it would be silently replaced)."""
    study = ctx.study
    checks = (("samples", 1, 1_000_000), ("seeds", 1, 1000))
    for key, low, high in checks:
        value = study.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"study.{key}", value, f"a whole number in [{low}, {high}]")
    for key, allowed in (("model", tuple(rmap.RUNNERS)), ("executor", ("local", "slurm"))):
        if study.get(key) not in allowed:
            raise ConfigError(f"study.{key}", study.get(key), f"one of {list(allowed)}")
    default = flatten(ModelConfig().to_dict())
    given = flatten(ModelConfig.from_dict(ctx.base).to_dict())
    for path in plausible_ranges():
        if given[path] != default[path]:
            raise ConfigError(path, given[path], "left at its default: the robustness map "
                              "samples it over its plausible range")  # fmt: skip
    return study["samples"], study["seeds"], study["model"], study["executor"]


def discover(table: pd.DataFrame) -> pd.DataFrame:
    """PRIM boxes per pattern: where it fails, and where it holds when it fails in most sets."""
    ranges = plausible_ranges()
    names = [c for c in table.columns if c in ranges]
    x = table[names].astype(float)
    rows = []
    for pattern in rmap.PATTERNS:
        holds = table[pattern].to_numpy(dtype=bool)
        outcomes = [("fails", ~holds)] + ([("holds", holds)] if holds.mean() < 0.5 else [])
        for outcome, interest in outcomes:
            box = find_box(x, interest, ranges)
            if box is None:
                continue
            rows.append({"pattern": pattern, "outcome": outcome, "rule": box.rule,
                         "coverage": box.coverage, "density": box.density, "mass": box.mass,
                         "cases": box.cases})  # fmt: skip
    columns = ["pattern", "outcome", "rule", "coverage", "density", "mass", "cases"]
    return pd.DataFrame(rows, columns=columns)


def discovery_text(summ: pd.DataFrame, boxes: pd.DataFrame) -> str:
    """The boxes as a paragraph per pattern, in plain words."""
    lines = ["# Where the patterns hold, and where they fail", ""]
    for row in summ.itertuples():
        head = (f"**{row.pattern}** ({row.criterion}) holds in {row.share:.0%} of the plausible "
                f"space (95% CI {row.low:.0%}–{row.high:.0%}, {row.sets} sets).")  # fmt: skip
        said = []
        for b in boxes[boxes["pattern"] == row.pattern].itertuples():
            said.append(
                f"It {'fails' if b.outcome == 'fails' else 'holds'} mostly where {b.rule}: "
                f"that box holds {b.coverage:.0%} of the sets where it {b.outcome[:-1]}s "
                f"(coverage), {b.density:.0%} of the sets inside it {b.outcome[:-1]} "
                f"(density), and it is {b.mass:.0%} of the space."
            )
        if not said and row.share < 1:
            said.append("No PRIM box: no parameter range tells its failures apart from chance.")
        lines += [" ".join([head, *said]), ""]
    return "\n".join(lines)


def first_order_indices(table: pd.DataFrame, seed: int) -> pd.DataFrame:
    """RBD-FAST first-order indices of each continuous indicator, with 95% intervals sized for
    the map's N sets (sim.analysis.sensitivity); `narrow` says the interval is narrower than half
    the index (S1_conf < S1 / 4)."""
    names = [c for c in table.columns if c in plausible_ranges()]
    rows = []
    for output in SOBOL_OUTPUTS:
        y = table[output].to_numpy(dtype=float)
        keep = np.isfinite(y)
        if keep.sum() < 2 * len(names) or np.ptp(y[keep]) == 0:
            continue
        x = table.loc[keep, names].to_numpy(dtype=float)
        s1, conf = first_order(x, y[keep], seed=seed)
        frame = pd.DataFrame({"indicator": output, "parameter": names, "S1": s1, "S1_conf": conf})
        frame["rank"] = frame["S1"].rank(ascending=False, method="first").astype(int)
        frame["narrow"] = frame["S1_conf"] < frame["S1"] / 4
        frame["sets"] = int(keep.sum())
        rows.append(frame.sort_values("rank"))
    columns = ["indicator", "parameter", "S1", "S1_conf", "rank", "narrow", "sets"]
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)


def precision(indices: pd.DataFrame, top: int = TOP) -> pd.DataFrame:
    """Issue #11's criterion: are the `top` largest indices each known to within a quarter of
    themselves (95% interval narrower than half the index)?

    One row per indicator (its own largest indices), then a row `all indicators` for the
    largest indices of the whole map, whatever their indicator: the reading of the criterion
    that asks which parameters matter most for the patterns. `sets_needed` is the map size at
    which all of them would be narrow, with half-widths shrinking as 1/√N.
    """
    groups = list(indices.groupby("indicator", sort=False))
    rows = [_precision_row(name, group.nsmallest(top, "rank")) for name, group in groups]
    if groups:
        rows.append(_precision_row(ALL_INDICATORS, indices.nlargest(top, "S1")))
    columns = ["indicator", "sets", "top", "narrow_of_top", "smallest_of_top", "sets_needed"]
    return pd.DataFrame(rows, columns=columns)


def _precision_row(indicator: str, best: pd.DataFrame) -> dict[str, Any]:
    sets = int(best["sets"].iloc[0])
    ratio = (best["S1_conf"] / (best["S1"].clip(lower=1e-9) / 4)).max()
    return {"indicator": indicator, "sets": sets, "top": len(best),
            "narrow_of_top": int(best["narrow"].sum()),
            "smallest_of_top": float(best["S1"].min()),
            "sets_needed": int(np.ceil(sets * max(ratio, 0.0) ** 2))}  # fmt: skip


def _figure(ctx: Context, summ: pd.DataFrame, indices: pd.DataFrame) -> None:
    """Left: share of the plausible space per pattern; right: the top first-order indices."""
    fig, axes = figure(ncols=2, size=(6.5, 4.6))
    ax = axes[0, 0]
    y = np.arange(len(summ))[::-1]
    err = np.clip([summ["share"] - summ["low"], summ["high"] - summ["share"]], 0, None)
    ax.barh(y, summ["share"], xerr=err, color="#0072B2", capsize=3)
    ax.set_yticks(y, summ["pattern"])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the plausible space where the pattern holds (95% CI)")
    ax.set_title(f"{int(summ['sets'].iloc[0])} parameter sets × {len(ctx.seeds)} seeds")
    ax = axes[0, 1]
    top = indices[indices["rank"] <= 3]
    labels = [f"{i} · {p.split('.')[-1]}" for i, p in zip(top["indicator"], top["parameter"],
                                                          strict=True)]  # fmt: skip
    y = np.arange(len(top))[::-1]
    ax.barh(y, top["S1"], xerr=top["S1_conf"], color="#E69F00", capsize=2)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlabel("first-order index S1 (RBD-FAST, 95% CI)")
    ax.set_title("three largest S1 per indicator")
    fig.tight_layout()
    fig.savefig(ctx.out / "robustness.png", dpi=120)
