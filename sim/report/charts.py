"""The report's charts (matplotlib, SVG), drawn once and shown by the HTML and the PDF alike.

Rules the charts follow: categories (dimensions, resource levels, scenarios) are compared with
dots or bars, never lines joining them; lines only follow time or a path; titles live in the
page's captions (no title cut by the figure's edge), panel titles stay short; the colours are the
Okabe–Ito palette, distinguishable with the common colour-vision deficiencies; every label comes
from the catalogue, in the report's language. SVG output is deterministic (fixed hash salt, no
date), so reruns give byte-identical files.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.metrics import crossover_month
from sim.core.value import DESTRUCTIONS, DIMENSIONS
from sim.report.lang import Lang
from sim.report.study import Study, _per_run
from sim.report.tags import Numbers

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008): a palette for colour-blind readers. Fixed per shipped scenario, so a
# scenario keeps its colour across reports; other scenario files take the spare ones in order.
OKABE_ITO = {
    "proactive": "#0072B2",  # blue
    "open": "#D55E00",  # vermillion
    "phased": "#009E73",  # bluish green
    "combined": "#CC79A7",  # reddish purple
    "status_quo": "#000000",  # black: the reference, grey where banded
}
SPARE = ("#E69F00", "#56B4E9", "#000000", "#F0E442")  # orange, sky blue, black, yellow
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))
HORIZON_MARKERS = ("o", "s", "^", "D")
PATHS_SHOWN = 15  # individual realised paths drawn per scenario
WIDTH = 7.0  # inches: the PDF's text width (A4 less margins)


def colours(scenarios: Sequence[str]) -> dict[str, str]:
    """Colour of each scenario: its own if shipped, else the next spare one."""
    taken = {OKABE_ITO[n] for n in scenarios if n in OKABE_ITO}
    free = [c for c in SPARE if c not in taken] or list(SPARE)
    spare = iter(free * (1 + len(scenarios) // len(free)))
    return {name: OKABE_ITO.get(name) or next(spare) for name in scenarios}


def _rc() -> dict[str, Any]:
    return {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.titlesize": 8.5,
        "axes.labelsize": 8,
        "legend.fontsize": 7.5,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "svg.hashsalt": "govsim",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number_axis(ax: Axes, lang: Lang, axis: str = "y") -> None:
    """Tick labels as matplotlib chooses them, in the report's number format (0,5 in French)."""
    from matplotlib.ticker import ScalarFormatter

    class Formatter(ScalarFormatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            text = super().__call__(x, pos)
            return text.replace(".", ",") if lang.code == "fr" else text

    formatter = Formatter(useOffset=False)
    formatter.set_scientific(False)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _title(ax: Axes, text: str, width: int = 52) -> None:
    """A panel title, wrapped once more to its panel's width when drawn (`_fit_titles`)."""
    ax.set_title(textwrap.fill(text, width))


def _fit_titles(fig: Figure) -> None:
    """Rewrap each panel title until it is no wider than its panel: never cut by the edge."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        title = ax.title
        words = " ".join(title.get_text().split())
        width = len(words)
        while width > 12 and title.get_window_extent(renderer).width > ax.bbox.width * 1.02:
            width -= 4
            title.set_text(textwrap.fill(words, width))


def _year_axis(ax: Axes, lang: Lang, months: int, horizons: Sequence[int]) -> None:
    step = 24 if months > 48 else 12
    ticks = list(range(0, months + 1, step))
    ax.set_xticks(ticks, [lang.number(t / 12, 0) for t in ticks])
    ax.set_xlim(0, months)
    ax.set_xlabel(lang.t("chart.years"))
    for m in horizons:
        ax.axvline(m, color="#999999", lw=0.6, ls=":", zorder=0)


def _bands(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    q = runs.groupby(["scenario", "month"])[column].quantile([0.05, 0.25, 0.5, 0.75, 0.95])
    out = q.unstack()
    out.columns = ["p05", "p25", "p50", "p75", "p95"]
    return out.reset_index()


def _band(ax: Axes, table: pd.DataFrame, colour: str, label: str, style: Any = "-") -> None:
    ax.fill_between(table["month"], table["p05"], table["p95"], color=colour, alpha=0.12, lw=0)
    ax.fill_between(table["month"], table["p25"], table["p75"], color=colour, alpha=0.28, lw=0)
    ax.plot(table["month"], table["p50"], color=colour, lw=1.6, ls=style, label=label)


def _legend(fig: Figure, handles: list[Any], labels: list[str], ncol: int | None = None) -> None:
    fig.legend(
        handles,
        labels,
        loc="outside upper center",
        ncol=ncol or min(len(labels), 3),
        frameon=False,
    )


def ranked(study: Study, numbers: Numbers) -> list[str]:
    """Scenarios from first to last at the end (the order of the tables and legends)."""
    return numbers.ranking(study.resources, study.scenarios, study.months)


def style(study: Study, name: str) -> Any:
    """A scenario's line style: fixed by its place in the study, like its colour."""
    return LINESTYLES[study.scenarios.index(name) % len(LINESTYLES)]


def chart_value(fig: Figure, study: Study, numbers: Numbers, lang: Lang) -> None:
    """Cumulative value over time per scenario, and the lead the recommended one opens."""
    runs, colour, order = study.main, colours(study.scenarios), ranked(study, numbers)
    ax1, ax2 = fig.subplots(1, 2)
    table = _bands(runs, "value_cumulative")
    for name in order:
        part = table[table["scenario"] == name]
        _band(ax1, part, colour[name], lang.scenario(name), style(study, name))
    ax1.set_ylabel(lang.t("chart.value.y"))
    _title(ax1, lang.t("chart.value.left"))
    rec = order[0]
    wide = runs.pivot_table(
        index=["replication", "month"], columns="scenario", values="value_cumulative"
    )
    for name in order[1:]:  # the recommended scenario's lead: its colour, the other's line style,
        gap = (wide[rec] - wide[name]).rename("gap").reset_index()  # and the other named at
        gap["scenario"] = name  # the line's end (in the other's colour, the legend would say
        bands = _bands(gap, "gap")  # it was the other scenario's own line)
        _band(ax2, bands, colour[rec], "", style(study, name))
        end = bands.iloc[-1]
        ax2.annotate(
            lang.t("chart.value.over", name=lang.scenario(name)), (end["month"], end["p50"]),
            xytext=(-2, 3), textcoords="offset points", ha="right", va="bottom", fontsize=7,
            color="#333333",
        )  # fmt: skip
    ax2.axhline(0, color="black", lw=0.8)
    ax2.set_ylabel(lang.t("chart.value.gap_y"))
    _title(ax2, lang.t("chart.value.right", rec=lang.scenario(rec)))
    for ax in (ax1, ax2):
        _year_axis(ax, lang, study.months, study.horizons)
        _number_axis(ax, lang)
    handles, labels = ax1.get_legend_handles_labels()
    _legend(fig, handles, labels)


def chart_dimensions(fig: Figure, study: Study, numbers: Numbers, lang: Lang) -> None:
    """Net value by dimension and value destroyed by kind: bars with 90% whiskers."""
    colour, level, m = colours(study.scenarios), study.resources, study.months
    grid = fig.add_gridspec(1, 2, width_ratios=[1.35, 1])
    ax1, ax2 = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    height = 0.8 / len(study.scenarios)
    for axis, keys, prefix, label, title in (
        (ax1, DIMENSIONS, "net", "dimension.{}", "chart.dims.left"),
        (ax2, DESTRUCTIONS, "destruction", "destruction.{}.short", "chart.dims.right"),
    ):
        y = np.arange(len(keys))
        for i, name in enumerate(ranked(study, numbers)):
            med, lo, hi = (
                np.array([numbers.get(level, name, "", m, f"{prefix}_{k}_{q}") for k in keys])
                for q in ("median", "p05", "p95")
            )
            pos = y - 0.4 + height * (i + 0.5)
            axis.barh(pos, med, height=height * 0.9, color=colour[name], label=lang.scenario(name))
            axis.errorbar(med, pos, xerr=[med - lo, hi - med], fmt="none", ecolor="#333333", lw=0.6)
        axis.set_yticks(y, [_capital(lang.t(label.format(k))) for k in keys])
        axis.invert_yaxis()
        axis.axvline(0, color="black", lw=0.6)
        _title(axis, lang.t(title), 40)
        axis.set_xlabel(lang.t("chart.dims.x", horizon=lang.years(m)))
        _number_axis(axis, lang, "x")
    handles, labels = ax1.get_legend_handles_labels()
    _legend(fig, handles, labels)


def chart_resources(fig: Figure, study: Study, numbers: Numbers, lang: Lang) -> None:
    """Cumulative value at the end under each resource level: dots and 90% whiskers, no lines."""
    colour, m, levels = colours(study.scenarios), study.months, study.by_budget
    ax = fig.subplots()
    n = len(study.scenarios)
    width = min(0.6, 0.18 * n)
    for i, name in enumerate(ranked(study, numbers)):
        x = np.arange(len(levels)) - width / 2 + width * (i + 0.5) / n
        med = np.array([numbers.get(lv, name, "", m, "value_median") for lv in levels])
        lo = np.array([numbers.get(lv, name, "", m, "value_p05") for lv in levels])
        hi = np.array([numbers.get(lv, name, "", m, "value_p95") for lv in levels])
        ax.errorbar(
            x,
            med,
            yerr=[med - lo, hi - med],
            fmt="o",
            color=colour[name],
            label=lang.scenario(name),
            capsize=2.5,
            lw=1.1,
            ms=5,
        )
    ticks = []
    for lv in levels:
        futures = numbers.get(lv, study.scenarios[0], "", m, "replications")
        tick = lang.t("chart.res.tick", level=lang.level(lv), n=lang.count(futures))
        ticks.append(tick.replace("|", "\n"))
    ax.set_xticks(range(len(levels)), ticks)
    ax.set_xlim(-0.6, len(levels) - 0.4)
    ax.set_ylabel(lang.t("chart.res.y", horizon=lang.years(m)))
    ax.grid(axis="y", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    _number_axis(ax, lang)
    handles, labels = ax.get_legend_handles_labels()
    _legend(fig, handles, labels)


def _plane(ax: Axes, study: Study, lang: Lang) -> dict[str, pd.DataFrame]:
    """Median course per scenario in the plane, single futures thin, markers at the horizons."""
    runs, colour, medians = study.main, colours(study.scenarios), {}
    ax.set_aspect("equal")
    # later scenarios drawn thinner and on top, so courses that share a stretch stay visible
    for i, name in enumerate(study.scenarios):
        part = runs[runs["scenario"] == name]
        for k in sorted(part["replication"].unique())[:PATHS_SHOWN]:
            r = part[part["replication"] == k]
            ax.plot(r["proactivity"], r["openness"], color=colour[name], lw=0.4, alpha=0.2)
        med = medians[name] = part.groupby("month")[["proactivity", "openness"]].median()
        lw = 3.2 - 2.2 * i / max(1, len(study.scenarios) - 1)
        ax.plot(*med.to_numpy().T, color=colour[name], lw=lw, ls=style(study, name), zorder=2 + i)
        # nested markers (the latest horizon largest, underneath): a scenario that stays put
        # still shows every horizon
        for j, month in enumerate(study.horizons):
            marker = HORIZON_MARKERS[j % len(HORIZON_MARKERS)]
            size = 4.5 + 2.5 * j
            ax.plot(*med.loc[month], marker, color=colour[name], mec="black", mew=0.5, ms=size,
                    zorder=20 + 5 * i - j)  # fmt: skip
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(lang.t("chart.paths.x"))
    ax.set_ylabel(textwrap.fill(lang.t("chart.paths.y"), 30))  # the square panel is short
    _title(ax, lang.t("chart.paths.left"), 40)
    return medians


def chart_paths(fig: Figure, study: Study, numbers: Numbers, lang: Lang) -> None:
    """The course each scenario actually took in the proactivity × openness plane, and in time."""
    from matplotlib.lines import Line2D

    colour = colours(study.scenarios)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.25])
    medians = _plane(ax1, study, lang)
    for name, med in medians.items():
        ax2.plot(med.index, med["openness"], color=colour[name], lw=1.6, ls=style(study, name))
        ax2.plot(med.index, med["proactivity"], color=colour[name], lw=0.9,
                 ls=style(study, name), alpha=0.55)  # fmt: skip
    ax2.set_ylim(0, 1)
    _title(ax2, lang.t("chart.paths.right"))
    ax2.set_ylabel(lang.t("chart.paths.level"))
    _year_axis(ax2, lang, study.months, study.horizons)
    for ax, axis in ((ax1, "x"), (ax1, "y"), (ax2, "y")):
        _number_axis(ax, lang, axis)
    order = ranked(study, numbers)
    groups = [
        [(Line2D([], [], color=colour[n], lw=1.8, ls=style(study, n)), lang.scenario(n))
         for n in order],
        [(Line2D([], [], marker=HORIZON_MARKERS[j % len(HORIZON_MARKERS)], color="white",
                 mec="black", ms=5.5, ls=""), lang.t("chart.paths.marker", horizon=lang.years(m)))
         for j, m in enumerate(study.horizons)],
        [(Line2D([], [], color="#555555", lw=1.6), lang.t("chart.paths.openness")),
         (Line2D([], [], color="#555555", lw=0.9, alpha=0.55),
          lang.t("chart.paths.proactivity"))],
    ]  # fmt: skip
    rows = max(len(g) for g in groups)
    blank = (Line2D([], [], ls="", marker=""), "")
    entries = [e for g in groups for e in [*g, *[blank] * (rows - len(g))]]  # one group a column
    _legend(fig, [h for h, _ in entries], [t for _, t in entries], ncol=len(groups))


def crossover_months(study: Study, lead: str, other: str) -> np.ndarray:
    """Per paired future, the month from which `lead` stays ahead (futures where it ends ahead)."""
    lead_runs, other_runs = _per_run(study.main, lead), _per_run(study.main, other)
    months = [crossover_month(other_runs[k], lead_runs[k]) for k in sorted(lead_runs)]
    return np.array([x for x in months if x is not None], dtype=float)


def chart_crossover(fig: Figure, study: Study, numbers: Numbers, lang: Lang) -> None:
    """Crossover months per future for each pair whose leader was behind at first (annex)."""
    level, m = study.resources, study.months
    ax = fig.subplots()
    labels = []
    for i, (a, b) in enumerate(study.pairs):
        lead, other, _ = numbers.pair(level, a, b, m, "crossover_median")
        found = crossover_months(study, lead, other)
        if found.size:
            offsets = np.linspace(-0.25, 0.25, found.size)
            ax.plot(found, i + offsets, "o", color=colours(study.scenarios)[lead], ms=3, alpha=0.6)
        pair = lang.t("chart.cross.pair", lead=lang.scenario(lead), other=lang.scenario(other))
        labels.append(pair.replace("|", "\n"))
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    _year_axis(ax, lang, m, study.horizons)
    ax.set_xlabel(lang.t("chart.cross.x"))


def svg(draw: Callable[[Figure], None], height: float) -> str:
    """The chart as a base64 SVG data URI, `WIDTH` × `height` inches, deterministic bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(WIDTH, height), layout="constrained")
        FigureCanvasAgg(fig)  # measures text, so titles can be fitted
        draw(fig)
        _fit_titles(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
