"""Figures of a run table (the tidy DataFrame of `sim.runs.runner` / `python -m sim`).

Pure functions: each takes the runs table (columns scenario, replication, month and the model
columns) and returns a matplotlib Figure; `save_figures` writes them all as PNG. Matplotlib is
imported lazily, with the non-interactive Agg backend, so `import sim` stays light and no display
is needed. Figures are built with `matplotlib.figure.Figure` (not pyplot), so nothing accumulates in
pyplot's global state when many figures are made in one process.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.core.value import DIMENSIONS
from sim.runs.files import atomic_write

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Fixed colours for the presets, so a scenario looks the same in every figure and report.
SCENARIO_COLOURS = {
    "proactive": "#1f77b4",
    "open": "#d62728",
    "phased": "#2ca02c",
    "combined": "#9467bd",
    "custom": "#ff7f0e",
}
_FALLBACK = ("#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
STOCK_LABELS = {"infrastructure": "I", "culture": "C", "institutions": "Q"}
FIGURES = ("value_over_time", "dimensions", "governance_paths", "stocks", "who_gains")


def new_figure(**kwargs) -> Figure:
    """A matplotlib Figure with the non-interactive Agg backend (no display, no pyplot state:
    safe in worker processes and in the app's threads)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    """Colour of each scenario: the preset's own, else the next fallback colour."""
    out, spare = {}, iter(_FALLBACK * (1 + len(names) // len(_FALLBACK)))
    for name in names:
        out[name] = SCENARIO_COLOURS.get(name) or next(spare)
    return out


def _scenarios(runs: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(runs["scenario"]))  # order of first appearance


def bands(runs: pd.DataFrame, column: str, low: float = 0.05, high: float = 0.95) -> pd.DataFrame:
    """Median and [low, high] quantiles of `column` over replications, per scenario and month."""
    grouped = runs.groupby(["scenario", "month"], sort=False)[column]
    out = grouped.quantile([low, 0.5, high]).unstack()
    out.columns = ["low", "median", "high"]
    return out.reset_index()


def _band_plot(ax: Axes, runs: pd.DataFrame, column: str, colours: dict[str, str]) -> None:
    table = bands(runs, column)
    for name in _scenarios(runs):
        part = table[table["scenario"] == name]
        colour = colours[name]
        ax.fill_between(part["month"], part["low"], part["high"], color=colour, alpha=0.15, lw=0)
        ax.plot(part["month"], part["median"], color=colour, lw=1.8, label=name)


def _title_suffix(runs: pd.DataFrame) -> str:
    n = runs.groupby("scenario")["replication"].nunique().min()
    return f"median and 5–95% range over {n} paired replications"


def value_over_time(runs: pd.DataFrame) -> Figure:
    """Net public value flow per month and cumulative value, per scenario (median, 5–95% band)."""
    fig = new_figure(figsize=(12, 4.8), layout="constrained")
    axes = fig.subplots(1, 2)
    colours = scenario_colours(_scenarios(runs))
    for ax, column, label in (
        (axes[0], "value_flow", "Net value flow (per month)"),
        (axes[1], "value_cumulative", "Cumulative net value"),
    ):
        _band_plot(ax, runs, column, colours)
        ax.axhline(0.0, color="0.6", lw=0.8, zorder=0)
        ax.set_xlabel("Month")
        ax.set_ylabel(label)
        ax.set_title(label)
        ax.grid(alpha=0.3)
    axes[0].legend(title="Scenario", loc="upper left")
    fig.suptitle(f"Public value by governance scenario ({_title_suffix(runs)})")
    return fig


def dimensions(runs: pd.DataFrame) -> Figure:
    """The nine net value dimensions (gross − destroyed) over time, one panel each."""
    fig = new_figure(figsize=(13, 10), layout="constrained")
    axes = fig.subplots(3, 3, sharex=True).ravel()
    colours = scenario_colours(_scenarios(runs))
    for ax, dim in zip(axes, DIMENSIONS, strict=True):
        _band_plot(ax, runs, f"flow_{dim}", colours)
        ax.axhline(0.0, color="0.4", lw=0.8, zorder=0)
        ax.set_title(dim.replace("_", " ").capitalize())
        ax.grid(alpha=0.3)
    for ax in axes[6:]:
        ax.set_xlabel("Month")
    for ax in axes[::3]:
        ax.set_ylabel("Net flow (per month)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, title="Scenario", loc="outside right center")
    fig.suptitle(f"Net value flow by public-value dimension ({_title_suffix(runs)})")
    return fig


def governance_paths(runs: pd.DataFrame) -> Figure:
    """Realised paths in the proactivity × openness plane (the source's Figure 21).

    Thin lines: each replication's path; bold line: the month-by-month median, with a hollow circle
    at the start and an arrow at the end. A scenario that never moves is a large square. Labels
    name each scenario. No jitter: overlapping paths are genuinely the same.
    """
    from matplotlib.lines import Line2D

    fig = new_figure(figsize=(8, 7.5), layout="constrained")
    ax = fig.subplots()
    names = _scenarios(runs)
    colours = scenario_colours(names)
    for x, y, text in (
        (0.25, 0.25, "closed and reactive"),
        (0.75, 0.25, "closed and proactive\n(techno-push)"),
        (0.25, 0.75, "open and reactive"),
        (0.75, 0.75, "open and proactive"),
    ):
        ax.text(x, y, text, ha="center", va="center", color="0.7", fontsize=10, zorder=0)
    ax.axhline(0.5, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0.5, color="0.85", lw=0.8, zorder=0)
    handles = []
    for i, name in enumerate(names):
        part = runs[runs["scenario"] == name]
        colour = colours[name]
        med = part.groupby("month", sort=True)[["proactivity", "openness"]].median()
        p, o = med["proactivity"].to_numpy(), med["openness"].to_numpy()
        spread = part[["proactivity", "openness"]].max() - part[["proactivity", "openness"]].min()
        if float(spread.max()) < 1e-9:  # a fixed point: one square, sized so overlaps show
            ax.plot(p[0], o[0], "s", color=colour, ms=22 - 4 * (i % 3), zorder=2 + i)
            below = o[0] < 0.5
            ax.annotate(
                f"{name} (fixed)",
                (p[0], o[0]),
                xytext=(0, -22 if below else 22),
                textcoords="offset points",
                ha="right" if p[0] > 0.8 else "left" if p[0] < 0.2 else "center",
                va="top" if below else "bottom",
                color=colour,
                fontsize=11,
                fontweight="bold",
            )
            handles.append(Line2D([], [], color=colour, marker="s", ls="", ms=9, label=name))
            continue
        for _, rep in part.groupby("replication", sort=True):
            ax.plot(rep["proactivity"], rep["openness"], color=colour, lw=0.6, alpha=0.2)
        ax.plot(p, o, color=colour, lw=2.4, zorder=3 + i)
        ax.plot(p[0], o[0], "o", color=colour, ms=9, mfc="white", mew=2.2, zorder=20)
        months = med.index.to_numpy()
        moved = np.flatnonzero(np.hypot(p - p[-1], o - o[-1]) > 1e-6)
        left = np.flatnonzero(np.hypot(p - p[0], o - o[0]) > 1e-6)
        if moved.size and left.size:  # arrow into the end from the median's last distinct point
            k = moved[-1]
            ax.annotate(
                "",
                xy=(p[-1], o[-1]),
                xytext=(p[k], o[k]),
                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.4, "mutation_scale": 22},
                zorder=20,
            )
            mid = (left[0] + k + 1) // 2
            label = f"{name}\n(moves in months {months[left[0]]}–{months[k + 1]})"
        else:  # the replications move, their median does not
            ax.plot(p[-1], o[-1], "s", color=colour, ms=10, zorder=20)
            mid, label = 0, f"{name} (median fixed)"
        right = p[mid] > 0.6  # keep the label inside the axes
        ax.annotate(
            label,
            (p[mid], o[mid]),
            xytext=(-10 if right else 10, 10),
            textcoords="offset points",
            ha="right" if right else "left",
            color=colour,
            fontsize=11,
            fontweight="bold",
        )
        handles.append(Line2D([], [], color=colour, lw=2.4, marker="o", mfc="white", label=name))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("Proactivity p (0 = reactive, 1 = proactive)")
    ax.set_ylabel("Openness o (0 = closed, 1 = open)")
    ax.set_title("Realised governance paths (○ start, ▶ end, ■ fixed; thin lines: replications)")
    ax.legend(handles=handles, title="Scenario", loc="center left")
    ax.grid(alpha=0.2)
    return fig


def stocks(runs: pd.DataFrame) -> Figure:
    """Infrastructure I, culture C and institutions Q over time, per scenario (5–95% band)."""
    fig = new_figure(figsize=(14, 4.6), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    colours = scenario_colours(_scenarios(runs))
    for ax, (column, letter) in zip(axes, STOCK_LABELS.items(), strict=True):
        _band_plot(ax, runs, column, colours)
        ax.set_title(f"{column.capitalize()} ({letter})")
        ax.set_xlabel("Month")
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("Stock level (0–1)")
    axes[0].legend(title="Scenario", loc="upper left")
    fig.suptitle(f"Capability stocks by scenario ({_title_suffix(runs)})")
    return fig


def who_gains(runs: pd.DataFrame) -> Figure:
    """Cumulative net value per resident of each digital-literacy quintile, one panel per
    scenario (median over replications): who gains and who loses (MODEL.md §7 P9)."""
    names = _scenarios(runs)
    fig = new_figure(figsize=(3.6 * len(names) + 1.5, 4.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(names), sharey=True))
    from matplotlib import colormaps

    shades = colormaps["viridis"](np.linspace(0.0, 0.85, 5))
    for ax, name in zip(axes, names, strict=True):
        part = runs[runs["scenario"] == name]
        for q, colour in enumerate(shades, start=1):
            median = part.groupby("month")[f"net_value_per_resident_lit{q}"].median()
            label = {1: "1 (lowest literacy)", 5: "5 (highest)"}.get(q, str(q))
            ax.plot(median.index, median.to_numpy(), color=colour, lw=1.8, label=label)
        ax.axhline(0.0, color="0.6", lw=0.8, zorder=0)
        ax.set_title(name)
        ax.set_xlabel("Month")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("Cumulative net value per resident")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, title="Literacy quintile", loc="outside right center")
    n = runs.groupby("scenario")["replication"].nunique().min()
    fig.suptitle(f"Who gains and who loses: net value per resident by digital-literacy quintile "
                 f"(median over {n} paired replications)")  # fmt: skip
    return fig


def save_figures(runs: pd.DataFrame, directory: str | os.PathLike[str]) -> list[Path]:
    """Write every figure as `<name>.png` into `directory` (atomically); return the paths."""
    directory = Path(directory)
    paths = []
    makers = {
        "value_over_time": value_over_time,
        "dimensions": dimensions,
        "governance_paths": governance_paths,
        "stocks": stocks,
        "who_gains": who_gains,
    }
    for name in FIGURES:
        fig = makers[name](runs)
        path = directory / f"{name}.png"
        atomic_write(path, lambda p, fig=fig: fig.savefig(p, format="png", dpi=120))
        paths.append(path)
    return paths
