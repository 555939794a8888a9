"""The study a report is made from, and the statistics it quotes (summary.csv)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.metrics import (
    bootstrap_ci,
    crossover_month,
    paired_test,
    plateau_ratio,
    share_with_interval,
)
from sim.core.outputs import AGENT_COLUMNS
from sim.core.value import DESTRUCTIONS, DIMENSIONS
from sim.runs.presets import config_dir

HORIZONS = (24, 72, 144)  # 2, 6 and 12 years: one and two six-year mandates
BOOTSTRAP = 2000  # resamples for the 95% intervals of medians
BOOTSTRAP_SEED = 20240605  # fixed: the same runs give the same intervals
CONFIDENCE = 0.95  # level of the bootstrap intervals
PLATEAU_THRESHOLD = 0.3  # P5: last-quarter slope ≤ 0.3 × peak slope = levelled off
PLATEAU_WINDOW = 12  # months: plateau level = mean monthly flow over the final year
TREND_WINDOW = 12  # months: the gap's trend at the end is its change over the final year

GROUP_COLUMNS = tuple(c for c in AGENT_COLUMNS if c.startswith("net_value_per_resident_"))
RUNS_COLUMNS = (
    "resources",
    "scenario",
    "replication",
    "parameter_set",  # an ensemble's parameter set per replication (absent: defaults throughout)
    "seed",
    "month",
    "proactivity",
    "openness",
    "infrastructure",
    "culture",
    "institutions",
    "budget",  # what it costs (sim.report.costs): money granted, hours, attention, partners
    "hours_capacity",
    "hours_used",
    "load",
    "load_max",
    "dga_unmet",
    "partners",
    "participation",
    "trust",
    "illectronism",
    "stale_share",
    "breach_hazard",
    "breaches",
    *(f"flow_{d}" for d in DIMENSIONS),
    *(f"destruction_{k}" for k in DESTRUCTIONS),
    "value_gross",
    "value_destroyed",
    "value_flow",
    "value_cumulative",
    *GROUP_COLUMNS,  # who gains and who loses (sim.report.distribution)
)


# ---- the study -----------------------------------------------------------------------------------
@dataclass
class Study:
    """What a report is made from: the runs and how they were produced."""

    scenarios: list[str]
    resources: str  # main resource level
    runs: pd.DataFrame  # every run, with a `resources` column (main level and sensitivity levels)
    months: int
    seeds: list[int]
    sensitivity_seeds: list[int] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    base_model: dict[str, Any] = field(default_factory=dict)
    scenario_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    level_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)
    scenario_notes: dict[str, str] = field(default_factory=dict)  # the scenario files' comments
    ensemble: dict[str, Any] = field(default_factory=dict)  # ensemble= drawn from (provenance)
    scenario_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # files' `label:`
    # section -> field -> {value, low, high, scenarios}: inputs outside their plausible range
    outside_plausible: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    commune: dict[str, Any] = field(default_factory=dict)  # commune=: its profile's record
    switching: dict[str, Any] = field(default_factory=dict)  # sim.report.switching's search

    @property
    def parameter_sets(self) -> int:
        """How many parameter sets the futures draw from (1: every parameter at its default)."""
        if "parameter_set" not in self.runs.columns:
            return 1
        return int(self.runs["parameter_set"].nunique())

    def labels(self, code: str) -> tuple[tuple[str, str], ...]:
        """(scenario, label) in language `code` for the scenario files that carry a `label:`."""
        return tuple((n, t[code]) for n, t in self.scenario_labels.items() if t.get(code))

    def resources_of(self, level: str) -> dict[str, Any]:
        """The resources a level's runs used: the model section's, with the level file on top."""
        base = dict(self.base_model.get("resources", {}))
        return base if level == self.resources else base | self.level_files.get(level, {})

    @property
    def by_budget(self) -> list[str]:
        """Resource levels from the leanest budget to the largest."""
        return sorted(self.levels, key=lambda x: (self.resources_of(x).get("budget", math.inf), x))

    @property
    def levels(self) -> list[str]:
        """Resource levels in the runs: the main one first, then by budget."""
        others = [x for x in dict.fromkeys(self.runs["resources"]) if x != self.resources]
        others.sort(key=lambda x: (self.level_files.get(x, {}).get("budget", math.inf), x))
        return [self.resources, *others]

    def at_level(self, level: str) -> pd.DataFrame:
        return self.runs[self.runs["resources"] == level]

    @property
    def main(self) -> pd.DataFrame:
        return self.at_level(self.resources)

    @property
    def replications(self) -> int:
        return len(self.seeds)

    @property
    def horizons(self) -> list[int]:
        return horizons(self.months)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(itertools.combinations(self.scenarios, 2))


def scenario_note(name: str) -> str:
    """What a scenario file says about itself: its comment lines, joined."""
    path = config_dir() / "scenario" / f"{name}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    comments = [x.lstrip("#").strip() for x in lines if x.startswith("#") and "@package" not in x]
    return " ".join(c for c in comments if c)


def horizons(months: int) -> list[int]:
    """Months 24, 72 and 144, clipped to the horizon, and the horizon itself: the brief's verdict
    is read at the last month, so a horizon beyond 12 years is one more column, not a gap."""
    return sorted({min(h, months) for h in HORIZONS} | {months})


# ---- statistics ----------------------------------------------------------------------------------
def bootstrap_median_ci(values: Iterable[float], seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """Percentile-bootstrap interval (CONFIDENCE) of the median (fixed seed: reproducible)."""
    return bootstrap_ci(np.asarray(list(values), dtype=float), np.median, seed, BOOTSTRAP,
                        CONFIDENCE)  # fmt: skip


def values_at(runs: pd.DataFrame, column: str, month: int) -> pd.DataFrame:
    """`column` at `month`: one row per replication, one column per scenario."""
    part = runs[runs["month"] == month]
    return part.pivot(index="replication", columns="scenario", values=column).sort_index()


def leader_of(a_values: np.ndarray, b_values: np.ndarray, a: str, b: str) -> tuple[str, str]:
    """(leader, other): the scenario with the larger median paired difference, ties by count."""
    diff = np.asarray(b_values) - np.asarray(a_values)
    median = float(np.median(diff))
    if median > 0 or (median == 0 and (diff > 0).sum() > (diff < 0).sum()):
        return b, a
    return a, b


def pair_statistics(leader: np.ndarray, other: np.ndarray) -> dict[str, float]:
    """Paired comparison leader − other over replications (the verdict's numbers)."""
    leader, other = np.asarray(leader, dtype=float), np.asarray(other, dtype=float)
    diff = leader - other
    test = paired_test(other, leader)
    low, high = bootstrap_median_ci(diff)
    median = float(np.median(diff))
    spread = np.percentile(diff, [5, 95]) if diff.size else (math.nan, math.nan)
    return {
        "replications": float(diff.size),
        "ahead_count": float((diff > 0).sum()),
        "behind_count": float((diff < 0).sum()),
        "ahead_share": float((diff > 0).mean()) if diff.size else math.nan,
        "diff_median": median,
        "diff_p05": float(spread[0]),
        "diff_p95": float(spread[1]),
        "diff_ci_low": low,
        "diff_ci_high": high,
        "p_value": test["p_value"],
        "effect_size": test["effect_size"],
    }


def _per_run(runs: pd.DataFrame, scenario: str) -> dict[int, pd.DataFrame]:
    part = runs[runs["scenario"] == scenario].sort_values(["replication", "month"])
    return dict(tuple(part.groupby("replication")))


def crossover_statistics(runs: pd.DataFrame, leader: str, other: str) -> dict[str, float]:
    """Month from which `leader` stays ahead of `other`, over the paired futures that cross."""
    lead, oth = _per_run(runs, leader), _per_run(runs, other)
    months = [crossover_month(oth[k], lead[k]) for k in sorted(lead) if k in oth]
    found = [m for m in months if m is not None]
    low, high = bootstrap_median_ci(found)
    return {
        "crossover_count": float(len(found)),
        "crossover_replications": float(len(months)),
        "crossover_median": float(np.median(found)) if found else math.nan,
        "crossover_ci_low": low,
        "crossover_ci_high": high,
    }


def trend_statistics(runs: pd.DataFrame, leader: str, other: str, final: int) -> dict[str, float]:
    """Where the gap is heading at the end: a verdict read at the last month can be a snapshot
    just before a reversal, so the brief also reads the gap's change over the final year.

    Per paired future, the gap's slope is its change over the last TREND_WINDOW months (or the
    whole horizon, if shorter) per month: the leader's monthly value minus the other's, averaged.
    `trend_crossover_month` extends the typical gap in a straight line at the typical slope (a
    linear extrapolation, not a simulation); empty unless the leader is ahead and losing ground.
    """
    start = max(final - TREND_WINDOW, int(runs["month"].min()))
    end_values = values_at(runs, "value_cumulative", final)
    gap_end = (end_values[leader] - end_values[other]).to_numpy()
    if start >= final:
        slope = np.full(gap_end.shape, math.nan)
    else:
        start_values = values_at(runs, "value_cumulative", start)
        gap_start = (start_values[leader] - start_values[other]).to_numpy()
        slope = (gap_end - gap_start) / (final - start)
    gap, typical = float(np.median(gap_end)), float(np.median(slope))
    closing = gap > 0 and typical < 0
    return {
        "trend_months": float(final - start),
        "trend_slope_median": typical,
        "trend_closing_count": float((slope < 0).sum()),
        "trend_crossover_month": final + gap / -typical if closing else math.nan,
    }


def _plateau_ratio(run: pd.DataFrame) -> float:
    if len(run) < 2 * PLATEAU_WINDOW:
        return math.nan
    try:
        return plateau_ratio(run, PLATEAU_WINDOW)
    except (ValueError, np.linalg.LinAlgError):  # pragma: no cover (degenerate flows)
        return math.nan


def plateau_statistics(runs: pd.DataFrame, scenario: str) -> dict[str, float]:
    """Plateau level (mean flow over the final year) and how many futures have levelled off."""
    per_run = _per_run(runs, scenario)
    levels = [float(r["value_flow"].iloc[-PLATEAU_WINDOW:].mean()) for r in per_run.values()]
    ratios = np.array([_plateau_ratio(r) for r in per_run.values()])
    flat = ratios <= PLATEAU_THRESHOLD
    share, share_low, share_high = share_with_interval(flat)
    low, high = bootstrap_median_ci(levels)
    return {
        "plateau_level_median": float(np.median(levels)),
        "plateau_level_ci_low": low,
        "plateau_level_ci_high": high,
        "plateau_count": float(flat.sum()),
        "plateau_share": share,
        "plateau_share_ci_low": share_low,
        "plateau_share_ci_high": share_high,
    }


def quantiles(values: np.ndarray, prefix: str) -> dict[str, float]:
    """5th, 25th, 50th (`PREFIX_median`), 75th and 95th percentiles over the futures."""
    q = np.percentile(np.asarray(values, dtype=float), [5, 25, 50, 75, 95])
    names = ("p05", "p25", "median", "p75", "p95")
    return {f"{prefix}_{n}": float(v) for n, v in zip(names, q, strict=True)}


def check_pairing(runs: pd.DataFrame) -> None:
    """Replication k is one future: with an ensemble, one parameter set in every scenario."""
    if "parameter_set" not in runs.columns:
        return
    sets = runs.groupby(["resources", "replication"])["parameter_set"].nunique()
    if (sets > 1).any():
        resources, replication = sets[sets > 1].index[0]
        raise ValueError(
            f"runs: replication {replication} ({resources} resources) uses several parameter "
            "sets across scenarios; paired futures must share one"
        )


def distinct_sets(runs: pd.DataFrame) -> dict[str, float]:
    """How many distinct parameter sets the futures of a count drew ({} without an ensemble):
    50 futures from 35 sets are less varied than 50 sets, and the brief says which it is."""
    if "parameter_set" not in runs.columns:
        return {}
    return {"parameter_sets": float(runs["parameter_set"].nunique())}


FinalStatistics = Callable[[Study, pd.DataFrame, str], Mapping[str, float]]


def summary_table(study: Study, at_end: Sequence[FinalStatistics] = ()) -> pd.DataFrame:
    """Every number of the report, long format: resources, scenario, versus, month, statistic.

    `at_end`: more statistics of each scenario at the end under the study's resources, as
    functions of (study, its runs there, scenario) — who gains and who loses, what it costs
    (`sim.report.distribution`, `sim.report.costs`, which build on this module)."""
    check_pairing(study.runs)
    rows: list[tuple[str, str, str, int, str, float]] = []

    def add(level: str, scenario: str, versus: str, month: int, stats: Mapping[str, float]) -> None:
        rows.extend((level, scenario, versus, month, k, float(v)) for k, v in stats.items())

    for level in study.levels:
        runs = study.at_level(level)
        futures = {"replications": runs["replication"].nunique(), **distinct_sets(runs)}
        for month in study.horizons:
            table = values_at(runs, "value_cumulative", month)
            for scenario in study.scenarios:
                stats = {**futures, **quantiles(table[scenario].to_numpy(), "value")}
                add(level, scenario, "", month, stats)
            ranking = sorted(study.scenarios, key=lambda o: (-table[o].median(), o))
            for scenario in study.scenarios:
                add(level, scenario, "", month, {"rank": ranking.index(scenario) + 1})
            for a, b in study.pairs:
                lead, other = leader_of(table[a], table[b], a, b)
                stats = pair_statistics(table[lead], table[other]) | distinct_sets(runs)
                add(level, lead, other, month, stats)
        if level != study.resources:
            continue
        final = study.months
        for scenario in study.scenarios:
            totals = (
                runs[runs["scenario"] == scenario].groupby("replication").sum(numeric_only=True)
            )
            stats = {}
            for d in DIMENSIONS:
                stats |= quantiles(totals[f"flow_{d}"].to_numpy(), f"net_{d}")
            for k in DESTRUCTIONS:
                stats |= quantiles(totals[f"destruction_{k}"].to_numpy(), f"destruction_{k}")
            stats |= quantiles(totals["value_gross"].to_numpy(), "gross")
            stats |= quantiles(totals["value_destroyed"].to_numpy(), "destroyed")
            stats |= plateau_statistics(runs, scenario)
            for more in at_end:
                stats |= more(study, runs, scenario)
            add(level, scenario, "", final, stats)
        table = values_at(runs, "value_cumulative", final)
        for a, b in study.pairs:
            lead, other = leader_of(table[a], table[b], a, b)
            add(level, lead, other, final, crossover_statistics(runs, lead, other))
            add(level, lead, other, final, trend_statistics(runs, lead, other, final))
    return pd.DataFrame(
        rows, columns=["resources", "scenario", "versus", "month", "statistic", "value"]
    )
