"""The pattern experiments: P1–P8 with their counterfactuals, the ±20% table of P1 and the search
for negative net value (P7), one command each:

    python -m sim +experiment=p1        # … p8: figures of sim.studies.patterns, a table and a plot
    python -m sim +experiment=p1_oat    # net P1 under each one-at-a-time ±20% parameter change
    python -m sim +experiment=net_negative   # where, in the plausible ranges, net value < 0

They run the default city (the patterns are stated for it) with the job's seeds; runs go through
the task runner in `jobs` processes first, then the pattern functions read them from the cache.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.metrics import STOCKS, half_level_month, opens_up, share_with_interval
from sim.core.config import ModelConfig, plausible_ranges, set_paths
from sim.runs.tasks import completed, run_tasks
from sim.studies import patterns, robustness
from sim.studies.context import Context, experiment, figure, pattern_table, save

PATTERNS = ("p1", "p2", "p3", "p4", "p5", "p6", "p7")  # p8 is the resource grid (experiments)


def _boxes(ax: Any, seeds: list[int], cases: list[tuple[str, dict[str, Any]]]) -> None:
    labels, data = [], []
    for kind, change in cases:
        tag = "" if not change else " (" + ",".join(k.split(".")[-1] for k in change) + ")"
        labels.append(kind + tag)
        data.append(patterns.finals(kind, seeds, **change))
    ax.boxplot(data)
    ax.set_xticks(range(1, len(labels) + 1), labels, rotation=30, ha="right")
    ax.set_ylabel("cumulative net value at the last month")


def _draw(name: str, ax: Any, seeds: list[int], figures: dict[str, Any]) -> None:
    """One figure per pattern: what the criterion compares."""
    if name == "p1":
        _boxes(
            ax,
            seeds,
            [(k, {}) for k in patterns.PRESETS]
            + [(k, patterns.TIGHT) for k in ("proactive", "open")],
        )
    elif name == "p4":
        cases = [("phased", {}), ("open", {})]
        cases += [
            (k, c)
            for c in (patterns.NO_PREREQUISITE, patterns.READY_INFRASTRUCTURE)
            for k in ("phased", "open")
        ]
        _boxes(ax, seeds, cases)
    elif name == "p2":
        for kind in ("proactive", "open"):
            runs = patterns.runs(kind, seeds)
            ax.plot(np.mean([r["value_cumulative"].to_numpy() for r in runs], 0), label=kind)
        ax.axvline(figures["crossover_month_median"], ls=":", c="k", label="median crossover")
        ax.set_xlabel("month")
        ax.set_ylabel("mean cumulative value")
        ax.legend()
    elif name == "p3":
        opening = [r for k in patterns.PRESETS for r in patterns.runs(k, seeds) if opens_up(r)]
        for stock in STOCKS:
            ax.hist([half_level_month(r, stock) for r in opening], bins=30, alpha=0.5, label=stock)
        ax.set_xlabel("month a stock reaches half its final level")
        ax.legend()
    elif name == "p5":
        for key, label in (("hump_40h", "40 h staff"), ("hump_80h", "80 h staff"),
                           ("hump_no_coordination", "40 h, no coordination costs")):  # fmt: skip
            curve = figures[key]
            ax.plot(list(curve), list(curve.values()), marker="o", label=label)
        ax.set_xlabel("forced partner count")
        ax.set_ylabel("median cumulative value (open)")
        ax.legend()
    elif name == "p6":
        stale = figures["stale_by_reflex"]
        ax.plot(list(stale), list(stale.values()), marker="o", label="stale share")
        ax.set_xlabel("update reflex")
        ax.set_ylabel("late stale share")
    elif name == "p7":
        bars = {
            "trust gap techno-push": figures["trust_gap_techno_median"],
            "trust gap phased": figures["trust_gap_default_median"],
            "inclusion flow techno-push": figures["techno_inclusion_median"],
        }
        ax.bar(range(len(bars)), list(bars.values()))
        ax.set_xticks(range(len(bars)), list(bars), rotation=20, ha="right")


def _pattern(ctx: Context, name: str) -> pd.DataFrame:
    seeds = list(ctx.seeds)
    patterns.prefetch(patterns.cases(name), seeds, ctx.jobs)
    kwargs = {}
    if name == "p5":
        kwargs["hump_seeds"] = seeds[: int(ctx.study.get("hump_replications", len(seeds)))]
    figures = getattr(patterns, name)(seeds, **kwargs)
    table = pattern_table(figures)
    table.insert(0, "pattern", name.upper())
    table["replications"] = len(seeds)
    fig, axes = figure()
    _draw(name, axes[0, 0], seeds, figures)
    axes[0, 0].set_title(f"{name.upper()} ({len(seeds)} paired seeds, default city)")
    save(ctx, table, fig)
    return table


for _name in PATTERNS:
    experiment(_name)(lambda ctx, _n=_name: _pattern(ctx, _n))


@experiment("p1_oat")
def p1_oat(ctx: Context) -> pd.DataFrame:
    """Net P1 (open > proactive) under each one-at-a-time ±20% change of every plausible
    parameter; the criterion is a share ≥ 0.8 in every row."""
    factor = float(ctx.study.get("factor", 0.2))
    table = patterns.p1_robustness(list(ctx.seeds), factor=factor, jobs=ctx.jobs)
    table["holds"] = table["share"] >= 0.8
    fig, axes = figure(size=(7, 0.18 * len(table) + 1.5))
    ax = axes[0, 0]
    labels = [
        f"{p.split('.')[-1]} ×{m:.1f}"
        for p, m in zip(table["parameter"], table["multiplier"], strict=True)
    ]
    ax.barh(range(len(table)), table["share"], color=np.where(table["holds"], "#0072B2", "#D55E00"))
    ax.axvline(0.8, c="k", ls=":")
    ax.set_yticks(range(len(table)), labels, fontsize=6)
    ax.set_xlabel("share of paired seeds where open > proactive (net)")
    save(ctx, table, fig)
    return table


@experiment("net_negative")
def net_negative(ctx: Context) -> pd.DataFrame:
    """P7: sample the plausible ranges (Latin hypercube) for techno-push (proactive, no
    mediation) with tight resources; report the sets where cumulative net value is negative."""
    n = int(ctx.study.get("samples", 64))
    fixed = set(patterns.TIGHT)  # the resource level is the scenario, not sampled
    names = [k for k in plausible_ranges() if not k.startswith("trajectory.") and k not in fixed]
    sets = robustness.sample_sets(n, int(ctx.study.get("design_seed", 0)), names)
    base = patterns.case_config("proactive", {**patterns.TECHNO_PUSH, **patterns.TIGHT})
    tasks = []
    for i, row in sets.iterrows():
        changes = {k: robustness.plain(row[k]) for k in names}
        config = ModelConfig.from_dict(set_paths(base.to_dict(), changes))
        tasks += [({"point": int(i)}, config, int(s)) for s in ctx.seeds]
    runs = completed(run_tasks(tasks, ctx.jobs))
    last = runs[runs["month"] == runs["month"].max()]
    net = last.groupby("point")["value_cumulative"].median()
    table = sets.rename(columns={"set": "point"})
    table["net_value_median"] = net.reindex(range(n)).to_numpy()
    table["negative"] = table["net_value_median"] < 0
    share, lo, hi = share_with_interval(table["negative"].to_numpy())
    table.attrs["share_negative"] = (share, lo, hi)
    fig, axes = figure()
    axes[0, 0].hist(table["net_value_median"], bins=20)
    axes[0, 0].axvline(0, c="k", ls=":")
    axes[0, 0].set_xlabel("cumulative net value, techno-push with tight resources (median)")
    axes[0, 0].set_title(
        f"negative in {share:.0%} of {n} parameter sets (95% CI {lo:.0%}–{hi:.0%})"
    )
    save(ctx, table, fig)
    return table
