"""P8's staff-hour boundary: below h*, phasing does at least as well as combining (MODEL.md §7).

The source's recommendation (§4.1) is to combine proactive and open governance from the start
*given the resources openness needs*: its programmes take staff hours, DGA attention and a
start-up budget before they yield. Where staff hours are short, those costs come first and
`phased` — which opens only once the infrastructure works — does at least as well. h* is where
that stops, at a given budget.

How it is found. For each paired future k (one seed, and under the calibrated ensemble one
parameter set), the gap combined − phased at month 144 is computed at a staff level; a
geometric bisection on its sign gives the level h_k at which combining starts to win in that
future (phasing ≥ combining below it). The share of futures where phasing does at least as well
at h is then the share with h_k ≥ h, so the level below which it holds in ≥ 70% of futures is
an order statistic of the h_k, and its interval is the order statistics' distribution-free 95%
interval for that quantile. One bisection per future, all futures and budgets stepped together.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.core.config import ModelConfig
from sim.runs import ensemble
from sim.runs.tasks import completed, run_tasks
from sim.studies.context import Context, experiment, figure, save, write_table

log = logging.getLogger("sim.studies.boundary")

LOW, HIGH = 10.0, 160.0  # the bracket: MODEL's floor for h*, the top of the plausible staff range
STEPS = 7  # geometric halvings of [10, 160]: 16^(1/128) ≈ 2% resolution
SHARE = 0.7  # P8: phasing ≥ combining in ≥ 70% of paired futures below h*
BUDGETS = (0.4, 0.7, 1.0, 1.6)  # M€/month, MODEL.md §7 rev. 3
DGA_HOURS = 30.0  # h/DGA/month: the tight level at which P8's boundary is stated
PAIR = ("phased", "combined")
OPEN_COSTS_REMOVED = {  # P8's counterfactual: openness's own costs set to zero
    "resources.programme_hours": 0.0,
    "resources.programme_attention": 0.0,
    "resources.programme_startup": 0.0,
}

Gap = Callable[[np.ndarray], np.ndarray]  # staff level per line -> combined − phased per line


def bisect(gap: Gap, lines: int, low: float | np.ndarray = LOW, high: float | np.ndarray = HIGH,
           steps: int = STEPS,
           ends: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:  # fmt: skip
    """Per line, the staff level at which `gap` turns positive (combining starts to win).

    −inf where combining already wins at `low`, +inf where phasing still does at least as well
    at `high` (the boundary lies outside the bracket); otherwise the geometric midpoint of the
    last bracket. Assumes one crossing per line, as a rising staff level helps openness more
    than phasing (the bracket's ends are checked, not assumed).

    `low` and `high` may be one bracket for every line or one per line (the comparison's
    switching values search each side of a commune's own level: sim.report.switching). `ends`:
    the gap already known at each line's `low` and `high`, so they are not run again. Only the
    sign of `gap` is read. Geometric midpoints because a resource level matters by its ratio
    (20 → 40 h doubles a department's time, 140 → 160 h barely changes it): the resolution is
    the same relative step, (high/low)^(1/2^steps), wherever the boundary lies.
    """
    lo = np.broadcast_to(np.asarray(low, dtype=float), (lines,)).copy()
    hi = np.broadcast_to(np.asarray(high, dtype=float), (lines,)).copy()
    if ends is None:
        both = gap(np.concatenate([lo, hi]))
        ends = both[:lines], both[lines:]
    below, above = np.asarray(ends[0]) > 0, np.asarray(ends[1]) <= 0
    for _ in range(steps):
        mid = np.sqrt(lo * hi)
        phased_holds = gap(mid) <= 0
        lo, hi = np.where(phased_holds, mid, lo), np.where(phased_holds, hi, mid)
    found = np.sqrt(lo * hi)
    return np.where(below, -np.inf, np.where(above, np.inf, found))


def boundary(switch: np.ndarray, share: float = SHARE) -> dict[str, float]:
    """h* from the futures' switch levels: the largest h with phasing ≥ combining in ≥ `share`
    of them, and its distribution-free 95% interval (order statistics of the quantile)."""
    h = np.sort(np.asarray(switch, dtype=float))
    n = h.size
    need = math.ceil(share * n - 1e-9)  # futures that must still favour phasing
    rank = n - need  # 0-based: h[rank] is the need-th largest
    q = 1.0 - share
    low = int(stats.binom.ppf(0.025, n, q)) - 1
    high = int(stats.binom.ppf(0.975, n, q))
    return {
        "h_star": float(h[rank]),
        "ci_low": float(h[max(low, 0)]) if low >= 0 else -math.inf,
        "ci_high": float(h[min(high, n - 1)]),
        "futures": n,
        "share_below_bracket": float(np.mean(np.isneginf(h))),
        "share_above_bracket": float(np.mean(np.isposinf(h))),
    }


def model_gap(futures: Sequence[tuple[Mapping[str, Any], int]], budgets: Sequence[float],
              build: Callable[..., ModelConfig], jobs: int) -> Gap:  # fmt: skip
    """The gap function over lines (budget × future, budget-major): each call runs both
    scenarios of every line at its staff level, in one batch through the task runner. A
    future's values (its parameter set, or a counterfactual's changes) go under the levels."""
    lines = [(b, f) for b in budgets for f in futures]

    def gap(staff: np.ndarray) -> np.ndarray:
        n = len(lines)
        tasks = []
        for i, h in enumerate(staff):
            budget, (values, seed) = lines[i % n]
            level = {"resources.budget": float(budget), "resources.dga_hours": DGA_HOURS,
                     "resources.staff_hours": float(h)}  # fmt: skip
            change = {**values, **level}
            tasks += [({"i": i, "scenario": k}, build(k, **change), seed) for k in PAIR]
        table = completed(run_tasks(tasks, jobs))
        last = table[table["month"] == table["month"].max()]
        value = last.pivot(index="i", columns="scenario", values="value_cumulative")
        return (value["combined"] - value["phased"]).to_numpy()

    return gap


def locate(futures: Sequence[tuple[Mapping[str, Any], int]], build: Callable[..., ModelConfig],
           jobs: int, budgets: Sequence[float] = BUDGETS, label: str = "default",
           steps: int = STEPS) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """h* per budget (one row each) and every future's switch level (one row per future)."""
    gap = model_gap(futures, budgets, build, jobs)
    switch = bisect(gap, len(budgets) * len(futures), steps=steps).reshape(len(budgets), -1)
    rows = [{"futures_from": label, "budget": b, "dga_hours": DGA_HOURS, **boundary(s)}
            for b, s in zip(budgets, switch, strict=True)]  # fmt: skip
    each = [
        {"futures_from": label, "budget": b, "future": k, "seed": futures[k][1], "switch": v}
        for b, s in zip(budgets, switch, strict=True)
        for k, v in enumerate(s)
    ]
    return pd.DataFrame(rows), pd.DataFrame(each)


# ---- the experiment ------------------------------------------------------------------------------
@experiment("boundary")
def boundary_experiment(ctx: Context) -> pd.DataFrame:
    """h* at each budget over the paired seeds (default parameters), over the calibrated
    ensemble (one parameter set per future), and with openness's own costs removed."""
    budgets = [float(b) for b in ctx.study.get("budgets", BUDGETS)]
    steps = int(ctx.study.get("steps", STEPS))
    seeds = list(ctx.seeds)
    sources: list[tuple[str, list[tuple[Mapping[str, Any], int]]]] = [
        ("default", [({}, s) for s in seeds]),
        ("open_costs_removed", [(OPEN_COSTS_REMOVED, s) for s in seeds]),
    ]
    name = ctx.study.get("ensemble", "default")
    if name:
        draw = ensemble.draw(str(name), int(ctx.data["seed"]), len(seeds))
        sources.append((f"ensemble:{name}", [(draw.values(k), s) for k, s in enumerate(seeds)]))
    tables, switches = [], []
    for label, futures in sources:
        log.info("boundary: %s, %d futures x %d budgets", label, len(futures), len(budgets))
        table, each = locate(futures, ctx.config, ctx.jobs, budgets, label, steps)
        tables.append(table)
        switches.append(each)
    table = pd.concat(tables, ignore_index=True)
    write_table(ctx, pd.concat(switches, ignore_index=True), "switches.csv")
    save(ctx, table, _figure(table))
    return table


LABELS = {
    "default": "paired seeds, default parameters",
    "open_costs_removed": "openness's own costs removed (at 10: none found)",
}


def _figure(table: pd.DataFrame) -> Any:
    """h* against the budget, one line per source of futures, with its 95% interval; a
    boundary outside the bracket is drawn at the bracket's edge."""
    fig, axes = figure()
    ax = axes[0, 0]
    for label, rows in table.groupby("futures_from", sort=False):
        clip = rows[["h_star", "ci_low", "ci_high"]].clip(LOW, HIGH)
        name = LABELS.get(str(label), str(label).replace("ensemble:", "calibrated ensemble "))
        ax.plot(rows["budget"], clip["h_star"], marker="o", label=name)
        ax.fill_between(rows["budget"], clip["ci_low"], clip["ci_high"], alpha=0.2)
    ax.set_yscale("log")
    ticks = [10, 15, 20, 30, 40, 80, 160]
    ax.set_yticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_ylim(LOW * 0.95, HIGH * 1.05)
    ax.set_xlabel("budget (M€/month)")
    ax.set_ylabel("h*: staff hours per department per month")
    ax.set_title(f"P8: below h*, phased ≥ combined in ≥ {SHARE:.0%} of futures "
                 f"({DGA_HOURS:g} h per DGA; 95% intervals)", fontsize=10)  # fmt: skip
    ax.legend(fontsize=8)
    return fig
