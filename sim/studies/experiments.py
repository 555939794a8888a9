"""Named experiments: one command each, a table and a figure into `results/<experiment>/`.

    python -m sim +experiment=p1            # … p2 … p8: the patterns of docs/ODD.md §1.2
    python -m sim +experiment=phase         # governance phase diagram (proactivity × openness)
    python -m sim +experiment=threshold     # resource threshold: budget × staff hours (P1, P8)
    python -m sim +experiment=plateau       # saturating-curve fit to the value flow
    python -m sim +experiment=sensitivity   # Morris, then Sobol (sim.studies.sensitivity)
    python -m sim +experiment=plateau replications=10 city=small   # any override still applies

Each file in configs/experiment/ sets `task` (the function below), its default sizes
(`replications`, `study.*`) and `hydra.run.dir: results/<task>`. P1–P7 are measured by
`sim.studies.patterns` (the same functions the pattern tests assert on, default city, serial
and cached);
P8, the threshold, the phase diagram and the plateau fits start from the job's model
configuration (city=, resources=, short forms) and run in `jobs` processes.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig
from scipy.optimize import curve_fit

from sim.analysis.metrics import (
    bootstrap_ci,
    plateau_ratio,
    share_with_interval,
)
from sim.core.config import ConfigError
from sim.runs.files import write_json
from sim.runs.jobspec import plain_data
from sim.runs.provenance import provenance
from sim.studies import (  # noqa: F401  (registers P1–P8, oat, robustness, calibration, ...)
    boundary,
    calibration,
    pattern_experiments,
    patterns,
    trust,
)
from sim.studies.context import (
    EXPERIMENTS,
    Context,
    experiment,
    figure,
    final_values,
    save,
    write_table,
)
from sim.studies.sensitivity import analyse

log = logging.getLogger("sim.studies.experiments")

# ---- resource grid: threshold (P1) and P8 --------------------------------------------------------
PAIRS = {"open_vs_proactive": ("proactive", "open"), "combined_vs_phased": ("phased", "combined")}


def resource_grid(ctx: Context, pairs: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Share of paired seeds in which the challenger beats the reference, per budget × staff."""
    budgets = [float(b) for b in ctx.study.get("budgets", [0.4, 0.7, 1.0, 1.3])]
    staff = [float(h) for h in ctx.study.get("staff_hours", [20, 30, 40, 60])]
    kinds = sorted({k for pair in pairs.values() for k in pair})
    cases = []
    for b in budgets:
        for h in staff:
            for kind in kinds:
                change = {"resources.budget": b, "resources.staff_hours": h}
                labels = {"scenario": kind, "grid_budget": b, "grid_staff": h}
                cases.append((labels, ctx.config(kind, **change)))
    finals = final_values(ctx.run(cases), ["grid_budget", "grid_staff", "scenario"])
    wide = finals.pivot_table(
        index=["grid_budget", "grid_staff", "replication"],
        columns="scenario",
        values="value_cumulative",
    )
    rows = []
    for (b, h), cell in wide.groupby(level=["grid_budget", "grid_staff"]):
        for label, (ref, challenger) in pairs.items():
            wins = (cell[challenger] > cell[ref]).to_numpy()
            share, lo, hi = share_with_interval(wins)
            rows.append(
                {
                    "comparison": label,
                    "budget": b,
                    "staff_hours": h,
                    "share_challenger_ahead": share,
                    "ci_low": lo,
                    "ci_high": hi,
                    "median_gap": float(np.median(cell[challenger] - cell[ref])),
                    "replications": len(cell),
                }
            )
    table = pd.DataFrame(rows)
    fig, axes = figure(ncols=len(pairs))
    for ax, label in zip(axes[0], pairs, strict=True):
        grid = table[table["comparison"] == label].pivot(
            index="staff_hours", columns="budget", values="share_challenger_ahead"
        )
        image = ax.imshow(grid.to_numpy(), origin="lower", cmap="RdBu", vmin=0, vmax=1)
        for (i, j), v in np.ndenumerate(grid.to_numpy()):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(len(grid.columns)), [f"{b:g}" for b in grid.columns])
        ax.set_yticks(range(len(grid.index)), [f"{h:g}" for h in grid.index])
        ax.set_xlabel("budget (M€/month)")
        ax.set_ylabel("staff hours per department per month")
        ref, challenger = pairs[label]
        ax.set_title(f"share of seeds: {challenger} > {ref}")
        fig.colorbar(image, ax=ax, shrink=0.8)
    save(ctx, table, fig)
    return table


@experiment("threshold")
def threshold(ctx: Context) -> pd.DataFrame:
    """Where open starts to beat proactive (P1) and combined beats phased (P8)."""
    return resource_grid(ctx, PAIRS)


@experiment("p8")
def p8(ctx: Context) -> pd.DataFrame:
    """P8: where `combined` beats `phased` over budget × staff hours."""
    return resource_grid(ctx, {"combined_vs_phased": PAIRS["combined_vs_phased"]})


# ---- phase diagram -------------------------------------------------------------------------------


@experiment("phase")
def phase(ctx: Context) -> pd.DataFrame:
    """Long-run cumulative value over constant (proactivity, openness) points, two resource
    levels."""
    n = int(ctx.study.get("grid", 6))
    levels = list(ctx.study.get("levels", ["tight", "adequate"]))
    axis = np.round(np.linspace(0.05, 0.95, n), 3)
    cases = []
    for level in levels:
        for p in axis:
            for o in axis:
                change = {
                    **patterns.level(level),
                    "trajectory.waypoints": [[0, float(p), float(o)]],
                }
                config = ctx.config("custom_example", **change)
                cases.append(({"scenario": "custom", "level": level, "p": p, "o": o}, config))
    finals = final_values(ctx.run(cases), ["level", "p", "o"])
    table = (
        finals.groupby(["level", "p", "o"])["value_cumulative"]
        .agg(median="median", p05=lambda x: x.quantile(0.05), p95=lambda x: x.quantile(0.95))
        .reset_index()
    )
    table["replications"] = len(ctx.seeds)
    fig, axes = figure(ncols=len(levels))
    vmin, vmax = table["median"].min(), table["median"].max()
    for ax, level in zip(axes[0], levels, strict=True):
        grid = table[table["level"] == level].pivot(index="o", columns="p", values="median")
        image = ax.imshow(grid.to_numpy(), origin="lower", cmap="viridis", vmin=vmin, vmax=vmax)
        best = table[table["level"] == level].sort_values("median").iloc[-1]
        ax.set_xticks(range(n), [f"{v:.2f}" for v in grid.columns], rotation=45)
        ax.set_yticks(range(n), [f"{v:.2f}" for v in grid.index])
        ax.set_xlabel("proactivity")
        ax.set_ylabel("openness")
        ax.set_title(f"{level}: best p={best['p']:.2f}, o={best['o']:.2f}")
        fig.colorbar(image, ax=ax, shrink=0.8, label="median cumulative value")
    save(ctx, table, fig)
    return table


def phase_headline(table: pd.DataFrame) -> str:
    """One sentence: where each resource level's value peaks, and the corner values."""
    parts = []
    for level, grid in table.groupby("level", sort=False):
        best = grid.sort_values("median").iloc[-1]
        lo, hi = grid["p"].min(), grid["p"].max()

        def at(p, o, grid=grid):
            return float(grid[(grid["p"] == p) & (grid["o"] == o)]["median"].iloc[0])

        parts.append(
            f"{level}: peak {best['median']:.0f} at p={best['p']:.2f}, o={best['o']:.2f} "
            f"(proactive corner {at(hi, lo):.0f}, open corner {at(lo, hi):.0f}, "
            f"combined corner {at(hi, hi):.0f})"
        )
    return "; ".join(parts)


# ---- plateau detection ---------------------------------------------------------------------------
def saturating(t: np.ndarray, base: float, level: float, t0: float, tau: float) -> np.ndarray:
    """A logistic rise from `base` to `level`, centred at t0 with time scale tau."""
    return base + (level - base) / (1.0 + np.exp(-(t - t0) / tau))


REACH = math.log(19.0)  # logistic: 95% of the rise at t0 + tau·ln 19


def fit_plateau(flow: np.ndarray) -> dict[str, float]:
    """Fit `saturating` to a monthly value flow (scipy curve_fit): level, month reached, fit ok."""
    t = np.arange(flow.size, dtype=float)
    smooth = pd.Series(flow).rolling(6, min_periods=1).mean().to_numpy()
    lo, hi = float(smooth.min()), float(smooth.max())
    span = max(hi - lo, 1e-9)
    guess = [float(smooth[:6].mean()), float(smooth[-12:].mean()), flow.size / 3, 10.0]
    bounds = (
        [lo - span, lo - span, -flow.size, 0.5],
        [hi + span, hi + span, 2 * flow.size, flow.size / 2],
    )  # the level stays within the range the flow visits (plus its span): no wild extrapolation
    guess = list(np.clip(guess, bounds[0], bounds[1]))
    try:
        params, _ = curve_fit(saturating, t, flow, p0=guess, bounds=bounds, maxfev=20000)
    except (RuntimeError, ValueError):
        return {"level": math.nan, "month_reached": math.nan, "reached": False, "params": None}
    _, level, t0, tau = params
    month = t0 + tau * REACH
    return {
        "level": float(level),
        "month_reached": float(month),
        "reached": bool(month <= flow.size - 1),
        "params": tuple(float(x) for x in params),
    }


@experiment("plateau")
def plateau(ctx: Context) -> pd.DataFrame:
    """Per scenario: fitted plateau level of the value flow, month reached (95%), 95% CIs."""
    scenarios = list(ctx.study.get("scenarios", ["proactive", "open", "phased", "combined"]))
    runs = ctx.run([({"scenario": s}, ctx.config(s)) for s in scenarios])
    rows, per_run = [], []
    for (scenario, k), run in runs.groupby(["scenario", "replication"], sort=False):
        fit = fit_plateau(run["value_flow"].to_numpy())
        fit.pop("params")
        per_run.append({"scenario": scenario, "replication": k, **fit, "ratio": plateau_ratio(run)})
    fits = pd.DataFrame(per_run)
    for scenario in scenarios:
        f = fits[fits["scenario"] == scenario]
        level, month = f["level"].to_numpy(), f["month_reached"].to_numpy()
        rows.append(
            {
                "scenario": scenario,
                "asymptote": float(np.nanmean(level)),
                "asymptote_ci_low": bootstrap_ci(level, np.mean)[0],
                "asymptote_ci_high": bootstrap_ci(level, np.mean)[1],
                "month_reached": float(np.nanmean(month)),
                "month_ci_low": bootstrap_ci(month, np.mean)[0],
                "month_ci_high": bootstrap_ci(month, np.mean)[1],
                "share_reached_in_horizon": float(f["reached"].mean()),
                "share_fitted": float(np.isfinite(level).mean()),
                "plateau_ratio_median": float(np.median(f["ratio"])),
                "replications": len(f),
            }
        )
    table = pd.DataFrame(rows)
    write_table(ctx, fits, "plateau_fits.csv")
    fig, axes = figure(size=(8, 4.5))
    ax = axes[0, 0]
    for i, scenario in enumerate(scenarios):
        flows = np.stack(
            [
                r["value_flow"].to_numpy()
                for _, r in runs[runs["scenario"] == scenario].groupby("replication")
            ]
        )
        mean = flows.mean(axis=0)
        fit = fit_plateau(mean)
        t = np.arange(mean.size)
        ax.plot(t, mean, c=f"C{i}", alpha=0.5, lw=1, label=f"{scenario} (mean flow)")
        if np.isfinite(fit["level"]):
            ax.plot(t, saturating(t, *fit["params"]), c=f"C{i}", lw=2)
            row = table[table["scenario"] == scenario].iloc[0]
            ax.axvline(row["month_reached"], c=f"C{i}", ls=":", lw=1)
    ax.set_xlabel("month")
    ax.set_ylabel("net value flow")
    ax.set_title("value flow, fitted saturating curve, month 95% of plateau is reached (dotted)")
    ax.legend(fontsize=7)
    save(ctx, table, fig)
    return table


# ---- entry point ---------------------------------------------------------------------------------
@experiment("sensitivity")
def sensitivity(ctx: Context) -> pd.DataFrame:
    return analyse(ctx)


def run_experiment(cfg: DictConfig | Mapping[str, Any], out: Path) -> pd.DataFrame:
    """Run the experiment named by `task`; write its table, figure and provenance into `out`."""

    data = plain_data(cfg)
    name = data["task"]
    if name not in EXPERIMENTS:
        raise ConfigError("task", name, f"'main' or one of the experiments {sorted(EXPERIMENTS)}")
    ctx = Context(cfg, out)
    start = time.perf_counter()
    log.info(
        "experiment %s: %d replications, %d processes -> %s", name, len(ctx.seeds), ctx.jobs, out
    )
    table = EXPERIMENTS[name](ctx)
    wall = time.perf_counter() - start
    record = provenance(
        {k: v for k, v in data.items() if k != "hydra"},
        {"root": int(data["seed"]), "replications": ctx.seeds},
    )
    record["experiment"] = name
    record["wall_time_s"] = round(wall, 2)
    write_json(out / "provenance.json", record)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        log.info("%s (%.1f s):\n%s", name, wall, table.head(40).to_string(index=False))
    if name == "phase":
        log.info("headline: %s", phase_headline(table))
    return table


__all__ = ["EXPERIMENTS", "fit_plateau", "phase_headline", "run_experiment"]
