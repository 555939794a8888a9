"""The report's charts (matplotlib), drawn once for the HTML and the PDF."""

from __future__ import annotations

import base64
import io
import itertools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.metrics import crossover_month
from sim.core.value import DESTRUCTIONS, DIMENSIONS
from sim.report.study import (
    DESTRUCTION_LABELS,
    DIMENSION_LABELS,
    PLATEAU_WINDOW,
    Study,
    _per_run,
    leader_of,
    values_at,
)
from sim.report.words import Numbers, fmt_count

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


PATHS_SHOWN = 15  # individual realised paths drawn per option


# ---- figures -------------------------------------------------------------------------------------
def _colours(options: Sequence[str]) -> dict[str, str]:
    from sim.viz.plots import scenario_colours

    return scenario_colours(list(options))


def _rc() -> dict[str, Any]:
    return {
        "font.size": 8.5,
        "axes.titlesize": 9.5,
        "axes.labelsize": 8.5,
        "legend.fontsize": 7.5,
        "svg.hashsalt": "govsim",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _bands(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    q = runs.groupby(["scenario", "month"])[column].quantile([0.05, 0.25, 0.5, 0.75, 0.95])
    out = q.unstack()
    out.columns = ["p05", "p25", "p50", "p75", "p95"]
    return out.reset_index()


def _band(ax: Any, table: pd.DataFrame, colour: str, label: str) -> None:
    ax.fill_between(table["month"], table["p05"], table["p95"], color=colour, alpha=0.13, lw=0)
    ax.fill_between(table["month"], table["p25"], table["p75"], color=colour, alpha=0.3, lw=0)
    ax.plot(table["month"], table["p50"], color=colour, lw=1.8, label=label)


Rect = tuple[float, float, float, float]  # left, bottom, right, top in figure fraction
FULL: Rect = (0.0, 0.0, 1.0, 1.0)


def _grid(fig: Figure, rect: Rect = FULL, ncols: int = 2, **kw: Any) -> list[Any]:
    """`ncols` axes side by side inside `rect`; margins in `kw` are fractions of the rect."""
    spec = {"left": 0.09, "right": 0.98, "bottom": 0.13, "top": 0.88, "wspace": 0.28} | kw
    x0, y0, x1, y1 = rect
    grid = fig.add_gridspec(
        1,
        ncols,
        left=x0 + spec["left"] * (x1 - x0),
        right=x0 + spec["right"] * (x1 - x0),
        bottom=y0 + spec["bottom"] * (y1 - y0),
        top=y0 + spec["top"] * (y1 - y0),
        wspace=spec["wspace"],
    )
    return [fig.add_subplot(grid[0, i]) for i in range(ncols)]


def chart_value(sub: Figure, study: Study, rect: Rect = FULL) -> None:
    runs, colours = study.main, _colours(study.options)
    ax1, ax2 = _grid(sub, rect)
    table = _bands(runs, "value_cumulative")
    for option in study.options:
        _band(ax1, table[table["scenario"] == option], colours[option], option)
    for ax in (ax1, ax2):
        for month in study.horizons:
            ax.axvline(month, color="#999999", lw=0.7, ls=":")
        ax.set_xlabel("month (12 = one year)")
    ax1.set_ylabel("cumulative net public value (model units)")
    ax1.set_title("Value over time: median, 50% and 90% bands")
    ax1.legend(loc="upper left", frameon=False)
    final = values_at(runs, "value_cumulative", study.months)
    pair_colours = itertools.cycle(["#444444", "#8c564b", "#17becf", "#bcbd22", "#e377c2"])
    for (a, b), colour in zip(study.pairs, pair_colours, strict=False):
        lead, other = leader_of(final[a], final[b], a, b)
        wide = runs.pivot_table(
            index=["replication", "month"], columns="scenario", values="value_cumulative"
        )
        gap = (wide[lead] - wide[other]).rename("gap").reset_index()
        gap["scenario"] = "gap"
        _band(ax2, _bands(gap, "gap"), colour, f"{lead} − {other}")
    ax2.axhline(0, color="black", lw=0.8)
    ax2.set_ylabel("paired gap (leader − other)")
    ax2.set_title("Gap between options in the same futures")
    ax2.legend(loc="upper left", frameon=False)


def chart_dimensions(sub: Figure, study: Study, numbers: Numbers, rect: Rect = FULL) -> None:
    colours, level, m = _colours(study.options), study.resources, study.months
    ax1, ax2 = _grid(sub, rect, left=0.25, wspace=0.85, bottom=0.1)
    n = len(study.options)
    height = 0.8 / n
    for axis, keys, prefix, labels, title in (
        (ax1, DIMENSIONS, "net", DIMENSION_LABELS, "Net value by dimension"),
        (ax2, DESTRUCTIONS, "destruction", DESTRUCTION_LABELS, "Value destroyed, by kind"),
    ):
        y = np.arange(len(keys))
        for i, option in enumerate(study.options):
            med = np.array(
                [numbers.get(level, option, "", m, f"{prefix}_{k}_median") for k in keys]
            )
            lo = np.array([numbers.get(level, option, "", m, f"{prefix}_{k}_p05") for k in keys])
            hi = np.array([numbers.get(level, option, "", m, f"{prefix}_{k}_p95") for k in keys])
            pos = y - 0.4 + height * (i + 0.5)
            axis.barh(pos, med, height=height * 0.9, color=colours[option], label=option)
            axis.errorbar(med, pos, xerr=[med - lo, hi - med], fmt="none", ecolor="#333333", lw=0.7)
        axis.set_yticks(y, [labels[k] for k in keys])
        axis.invert_yaxis()
        axis.axvline(0, color="black", lw=0.7)
        axis.set_title(title)
        axis.set_xlabel(f"sum over {m} months (median, 90% range)")
    ax1.legend(loc="lower right", frameon=False)


def chart_paths(sub: Figure, study: Study, rect: Rect = FULL) -> None:
    runs, colours = study.main, _colours(study.options)
    ax1, ax2 = _grid(sub, rect, wspace=0.3)
    ax1.set_aspect("equal")
    for option in study.options:
        part = runs[runs["scenario"] == option]
        for k in sorted(part["replication"].unique())[:PATHS_SHOWN]:
            r = part[part["replication"] == k]
            ax1.plot(r["proactivity"], r["openness"], color=colours[option], lw=0.5, alpha=0.25)
        med = part.groupby("month")[["proactivity", "openness"]].median()
        ax1.plot(med["proactivity"], med["openness"], color=colours[option], lw=2, label=option)
        for month in study.horizons:
            ax1.plot(*med.loc[month], "o", color=colours[option], ms=4)
            ax1.annotate(
                f"m{month}", med.loc[month], fontsize=6.5, xytext=(3, 3), textcoords="offset points"
            )
        ax2.plot(med.index, med["openness"], color=colours[option], lw=1.8, label=option)
        ax2.plot(med.index, med["proactivity"], color=colours[option], lw=1.2, ls="--")
    ax1.set_xlim(0, 1)
    ax1.set_ylim(0, 1)
    ax1.set_xlabel("proactivity (steering by the maire, the COPIL, the DGA)")
    ax1.set_ylabel("openness (across silos, residents, partners)")
    ax1.set_title("Realised paths (median bold, individual futures thin)")
    ax1.legend(loc="lower left", frameon=False)
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("month")
    ax2.set_title("Openness (solid) and proactivity (dashed), medians")


def chart_crossover(sub: Figure, study: Study, numbers: Numbers, rect: Rect = FULL) -> None:
    runs, colours, level, m = study.main, _colours(study.options), study.resources, study.months
    ax1, ax2 = _grid(sub, rect, left=0.16, wspace=0.45)
    labels = []
    for i, (a, b) in enumerate(study.pairs):
        lead, other, _ = numbers.pair(level, a, b, m, "crossover_median")
        lead_runs, other_runs = _per_run(runs, lead), _per_run(runs, other)
        months = [crossover_month(other_runs[k], lead_runs[k]) for k in sorted(lead_runs)]
        found = np.array([x for x in months if x is not None], dtype=float)
        if found.size:
            offsets = np.linspace(-0.25, 0.25, found.size)
            ax1.plot(found, i + offsets, "o", color=colours[lead], ms=3, alpha=0.6)
        med = numbers.get(level, lead, other, m, "crossover_median")
        lo = numbers.get(level, lead, other, m, "crossover_ci_low")
        hi = numbers.get(level, lead, other, m, "crossover_ci_high")
        if math.isfinite(med):
            ax1.errorbar([med], [i], xerr=[[med - lo], [hi - med]], fmt="D", color="black", ms=5)
        labels.append(f"{lead}\nstays ahead of\n{other}")
    ax1.set_yticks(range(len(labels)), labels)
    ax1.set_xlim(0, m + 1)
    ax1.set_xlabel("crossover month (dots: futures; diamond: median, 95% interval)")
    ax1.set_title("When the leader takes the lead for good")
    for i, option in enumerate(study.options):
        per_run = _per_run(runs, option)
        levels = np.array([r["value_flow"].iloc[-PLATEAU_WINDOW:].mean() for r in per_run.values()])
        offsets = np.linspace(-0.25, 0.25, levels.size)
        ax2.plot(levels, i + offsets, "o", color=colours[option], ms=3, alpha=0.6)
        med = numbers.get(level, option, "", m, "plateau_level_median")
        lo = numbers.get(level, option, "", m, "plateau_level_ci_low")
        hi = numbers.get(level, option, "", m, "plateau_level_ci_high")
        ax2.errorbar([med], [i], xerr=[[med - lo], [hi - med]], fmt="D", color="black", ms=5)
    ax2.set_yticks(range(len(study.options)), study.options)
    ax2.set_xlabel("mean monthly value over the final year")
    ax2.set_title("Plateau level (dots: futures; diamond: median, 95% interval)")


def chart_sensitivity(sub: Figure, study: Study, numbers: Numbers, rect: Rect = FULL) -> None:
    colours, m = _colours(study.options), study.months
    (ax,) = _grid(sub, rect, ncols=1, left=0.1, right=0.75)
    levels = study.levels
    n = len(study.options)
    for i, option in enumerate(study.options):
        x = np.arange(len(levels)) + (i - (n - 1) / 2) * 0.08
        med = np.array([numbers.get(lv, option, "", m, "value_median") for lv in levels])
        lo = np.array([numbers.get(lv, option, "", m, "value_p05") for lv in levels])
        hi = np.array([numbers.get(lv, option, "", m, "value_p95") for lv in levels])
        ax.errorbar(
            x,
            med,
            yerr=[med - lo, hi - med],
            fmt="o-",
            color=colours[option],
            label=option,
            capsize=2,
            lw=1.2,
            ms=4,
        )
    ticks = []
    for lv in levels:
        n_runs = numbers.get(lv, study.options[0], "", m, "replications")
        ticks.append(f"{lv}\n({fmt_count(n_runs)} futures)")
    ax.set_xticks(range(len(levels)), ticks)
    ax.set_ylabel(f"cumulative net value at month {m}")
    ax.set_title("Resource sensitivity: median and 90% range per option")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)


def _figure(size: tuple[float, float]) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=size)


def _png(draw: Callable[[Figure], None], size: tuple[float, float] = (10, 4.4)) -> str:
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig = _figure(size)
        draw(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")
