"""The classroom app's views: matplotlib figures built from a run's monthly table.

Every figure is a pure function of data (a model or its `dataframe()`), so the same code draws the
live views, the Compare tab and the PNG export, and the fast tests can call it without a browser.
Figures are `matplotlib.figure.Figure` objects (no pyplot: no global state shared between the
browser sessions, which run in threads of one server process).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.core.agents.citizens import LITERACY_THRESHOLD
from sim.core.config import TrajectoryConfig
from sim.core.value import DIMENSIONS

FIGSIZE = (5.6, 3.5)
DPI = 80
RUN_COLORS = ("#1f77b4", "#d62728")
STOCK_COLORS = {"infrastructure": "#7f7f7f", "culture": "#2ca02c", "institutions": "#9467bd"}
STOCK_LETTERS = {"infrastructure": "I", "culture": "C", "institutions": "Q"}
DIMENSION_COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
)


@dataclass(frozen=True)
class Series:
    """One run to draw: a label, its monthly table and a colour."""

    label: str
    frame: pd.DataFrame
    color: str = RUN_COLORS[0]


def _figure(
    title: str, ncols: int = 1, width_ratios: Sequence[float] | None = None, bottom: float = 0.15
):
    # Fixed margins rather than a layout engine: redrawing six figures every month is the app's
    # main cost, and constrained layout makes each savefig about 1.5 times slower.
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    axes = fig.subplots(1, ncols, width_ratios=width_ratios)
    fig.subplots_adjust(left=0.13, right=0.86, bottom=bottom, top=0.83, wspace=0.4)
    fig.suptitle(title, fontsize=11)
    return fig, axes


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes (what the browser shows and what the PNG export downloads)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _no_data(ax, text: str = "press Step or ▶ to start") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.5")


# ---- the governance plane (the source's Figure 21) ---------------------------------------------
def path_figure(runs: Sequence[Series], presets: TrajectoryConfig | None = None) -> Figure:
    """Realised path in the proactivity × openness plane, with the current point of each run."""
    fig, ax = _figure("Governance path (proactivity × openness)")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="proactivity p", ylabel="openness o")
    ax.set_aspect("equal")
    ax.axhline(0.5, color="0.85", lw=0.8)
    ax.axvline(0.5, color="0.85", lw=0.8)
    if presets is not None:
        for name, (p, o) in (
            ("proactive", presets.proactive_point),
            ("open", presets.open_point),
            ("combined", presets.combined_point),
        ):
            ax.plot(p, o, marker="s", color="0.7", ms=6, zorder=1)
            ax.annotate(name, (p, o), xytext=(4, 4), textcoords="offset points", fontsize=8)
    for run in runs:
        frame = run.frame
        if frame.empty:
            continue
        ax.plot(frame["proactivity"], frame["openness"], color=run.color, lw=1.5, alpha=0.8)
        last = frame.iloc[-1]
        ax.plot(
            last["proactivity"],
            last["openness"],
            marker="o",
            ms=11,
            color=run.color,
            mec="black",
            label=f"{run.label}: month {int(last['month'])}",
        )
    if any(not r.frame.empty for r in runs):
        ax.legend(fontsize=8, loc="lower left")
    else:
        _no_data(ax)
    return fig


# ---- value ---------------------------------------------------------------------------------------
def value_figure(runs: Sequence[Series]) -> Figure:
    """Monthly net value flow (solid, left axis) and cumulative value (dashed, right axis)."""
    fig, ax = _figure("Public value: monthly flow and cumulative")
    twin = ax.twinx()
    ax.set(xlabel="month", ylabel="net flow / month")
    twin.set_ylabel("cumulative (dashed)")
    ax.axhline(0, color="0.8", lw=0.8)
    drawn = False
    for run in runs:
        frame = run.frame
        if frame.empty:
            continue
        drawn = True
        ax.plot(frame["month"], frame["value_flow"], color=run.color, lw=1.5, label=run.label)
        twin.plot(frame["month"], frame["value_cumulative"], color=run.color, lw=1.2, ls="--")
    if drawn:
        ax.legend(fontsize=8, loc="upper left")
    else:
        _no_data(ax)
    return fig


def dimensions_figure(frame: pd.DataFrame) -> Figure:
    """Nine value dimensions stacked above zero (gross), their destruction stacked below."""
    fig, ax = _figure("Nine value dimensions: created (up) and destroyed (down)")
    ax.set(xlabel="month", ylabel="value / month")
    if frame.empty:
        _no_data(ax)
        return fig
    months = frame["month"].to_numpy()
    gross = [frame[f"gross_{d}"].to_numpy() for d in DIMENSIONS]
    destroyed = [-frame[f"destroyed_{d}"].to_numpy() for d in DIMENSIONS]
    labels = [d.replace("_", " ") for d in DIMENSIONS]
    ax.stackplot(months, gross, colors=DIMENSION_COLORS, labels=labels, alpha=0.85)
    ax.stackplot(months, destroyed, colors=DIMENSION_COLORS, alpha=0.55)
    ax.plot(months, frame["value_flow"], color="black", lw=1.2, label="net")
    ax.axhline(0, color="black", lw=0.6)
    ax.legend(fontsize=6, ncol=2, loc="upper left", framealpha=0.6)
    return fig


# ---- stocks and the phasing order ------------------------------------------------------------
def half_months(frame: pd.DataFrame) -> dict[str, int | None]:
    """Month at which each stock first reached half of its level so far (docs/ODD.md §1.2, P3)."""
    out: dict[str, int | None] = {}
    for name in STOCK_COLORS:
        values = frame[name].to_numpy()
        final = values[-1] if len(values) else 0.0
        if len(values) < 2 or final - values[0] < 0.05:  # has not really moved yet
            out[name] = None
            continue
        out[name] = int(frame["month"].to_numpy()[np.argmax(values >= 0.5 * final)])
    return out


def phasing_order(frame: pd.DataFrame) -> str:
    """E.g. 'I → C → Q' (stocks that have not moved yet are left out)."""
    reached = [(m, STOCK_LETTERS[n]) for n, m in half_months(frame).items() if m is not None]
    return " → ".join(letter for _, letter in sorted(reached)) or "–"


def stocks_figure(frame: pd.DataFrame) -> Figure:
    """Infrastructure I, culture C, institutions Q; ticks where each reached half its level."""
    fig, ax = _figure("Stocks I, C, Q (phasing order)")
    ax.set(xlabel="month", ylabel="level", ylim=(0, 1))
    if frame.empty:
        _no_data(ax)
        return fig
    for name, color in STOCK_COLORS.items():
        ax.plot(frame["month"], frame[name], color=color, lw=1.8, label=STOCK_LETTERS[name])
    for name, month in half_months(frame).items():
        if month is not None:
            ax.axvline(month, color=STOCK_COLORS[name], ls=":", lw=1)
    ax.set_title(f"order of reaching half level: {phasing_order(frame)}", fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    return fig


# ---- the plateau's cause: hours and partners ------------------------------------------------
def load_figure(names: Sequence[str], loads: Sequence[float], frame: pd.DataFrame) -> Figure:
    """Department load now (bars, 1 = all staff hours used) and partnerships over time."""
    fig, (bars, line) = _figure("Department load and partnerships", 2, (1.3, 1), bottom=0.26)
    x = np.arange(len(names))
    loads = np.asarray(loads, dtype=float)
    colors = np.where(loads >= 1.0, "#d62728", np.where(loads >= 0.9, "#ff7f0e", "#1f77b4"))
    bars.bar(x, loads, color=colors)
    bars.axhline(1.0, color="black", ls="--", lw=0.8)
    bars.set_xticks(x, [n[:10] for n in names], rotation=60, fontsize=7, ha="right")
    bars.set(ylabel="load (demand / hours)", ylim=(0, max(1.5, float(loads.max(initial=0)) * 1.1)))
    line.set(xlabel="month", ylabel="partners")
    if frame.empty:
        _no_data(line, "–")
    else:
        line.plot(frame["month"], frame["partners"], color="#2ca02c", lw=1.5)
        line.set_title(f"partners now: {int(frame['partners'].iloc[-1])}", fontsize=9)
    return fig


def citizens_figure(
    quintile: np.ndarray, trust: np.ndarray, participated: np.ndarray, literacy: np.ndarray
) -> Figure:
    """Participation (this month) and mean trust by digital-literacy quintile."""
    fig, ax = _figure("Citizens by digital-literacy quintile", bottom=0.18)
    groups = np.arange(5)
    part = np.array(
        [participated[quintile == q].mean() if (quintile == q).any() else 0.0 for q in groups]
    )
    tr = np.array([trust[quintile == q].mean() if (quintile == q).any() else 0.0 for q in groups])
    width = 0.38
    ax.bar(groups - width / 2, tr, width, color="#9467bd", label="mean trust")
    twin = ax.twinx()
    twin.bar(groups + width / 2, 100 * part, width, color="#ff7f0e", label="participating %")
    ax.set_xticks(groups, ["Q1\nlowest", "Q2", "Q3", "Q4", "Q5\nhighest"], fontsize=8)
    ax.set(ylim=(0, 1), ylabel="mean trust (purple)")
    twin.set_ylabel("participating this month, % (orange)")
    twin.set_ylim(0, max(1.0, 100 * float(part.max()) * 1.2))
    illectronic = float((literacy < LITERACY_THRESHOLD).mean())
    ax.set_title(f"illectronism now: {100 * illectronic:.1f}% of residents", fontsize=9)
    return fig
