"""Pattern metrics over run tables: crossover, phasing order, plateau, paired comparisons.

All functions take the tidy tables that `sim.runs.runner` produces (one row per month) and return
plain numbers, so the pattern tests, the CLI summary and the reports compute a figure one way.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

STOCKS = ("infrastructure", "culture", "institutions")


def early_mean_flow(run: pd.DataFrame, share: float = 0.2) -> float:
    """Mean value flow over the first `share` of the months (P2 uses 20%)."""
    n = max(1, math.ceil(len(run) * share))
    return float(run["value_flow"].iloc[:n].mean())


def crossover_month(first: pd.DataFrame, second: pd.DataFrame) -> int | None:
    """First month from which `second`'s cumulative value stays above `first`'s (None: never)."""
    a = first["value_cumulative"].to_numpy()
    b = second["value_cumulative"].to_numpy()
    ahead = b > a
    if not ahead[-1]:
        return None
    behind = np.flatnonzero(~ahead)
    start = 0 if behind.size == 0 else behind[-1] + 1
    return int(first["month"].iloc[start])


def half_level_month(run: pd.DataFrame, column: str) -> int:
    """First month at which a stock reaches half its final level (P3's phasing clock)."""
    values = run[column].to_numpy()
    return int(run["month"].iloc[int(np.argmax(values >= values[-1] / 2.0))])


def phasing_in_order(run: pd.DataFrame) -> bool:
    """True when I reaches half its final level before C, and C before Q (source §3.6)."""
    months = [half_level_month(run, c) for c in STOCKS]
    return months[0] < months[1] < months[2]


def opens_up(run: pd.DataFrame, threshold: float = 0.5) -> bool:
    """A run 'opens up' when its openness reaches `threshold` at some month."""
    return bool((run["openness"] >= threshold).any())


def plateau_ratio(run: pd.DataFrame, window: int = 12) -> float:
    """Last-quarter slope of the smoothed flow over its peak slope (P5: ≤ 0.3 is a plateau).

    The flow (never the cumulative sum) is smoothed with a trailing `window`-month mean; the
    last-quarter slope is a least-squares line through the final quarter; the peak slope is the
    largest month-to-month change of the smoothed flow.
    """
    smooth = run["value_flow"].rolling(window).mean().to_numpy()
    slope = np.diff(smooth)
    peak = np.nanmax(slope)
    q = len(smooth) * 3 // 4
    tail = smooth[q:]
    last = np.polyfit(np.arange(tail.size), tail, 1)[0]
    return float(last / peak) if peak > 0 else math.inf


def share_with_interval(successes: np.ndarray) -> tuple[float, float, float]:
    """Share of True and its 95% Wilson interval (the pattern tests' statistical criterion)."""
    successes = np.asarray(successes, dtype=bool)
    n = successes.size
    if n == 0:
        return math.nan, math.nan, math.nan
    p = successes.mean()
    z = 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(p), float(max(0.0, centre - half)), float(min(1.0, centre + half))


def paired_test(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Wilcoxon signed-rank test of b − a over paired seeds, with a rank-biserial effect size."""
    diff = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    nonzero = diff[diff != 0]
    if nonzero.size == 0:
        return {"median_difference": 0.0, "p_value": 1.0, "effect_size": 0.0, "share_b_ahead": 0.0}
    ranks = stats.rankdata(np.abs(nonzero))
    positive, negative = ranks[nonzero > 0].sum(), ranks[nonzero < 0].sum()
    result = stats.wilcoxon(nonzero)
    return {
        "median_difference": float(np.median(diff)),
        "p_value": float(result.pvalue),
        "effect_size": float((positive - negative) / ranks.sum()),
        "share_b_ahead": float((diff > 0).mean()),
    }


def summarise(runs: pd.DataFrame, reference: str = "proactive") -> pd.DataFrame:
    """Per scenario: cumulative value median and 5–95% range, crossover month vs `reference`
    (median over paired replications, in months), and final I, C, Q medians."""
    rows = []
    groups = dict(tuple(runs.groupby("scenario", sort=False)))
    ref = groups.get(reference)
    for name, frame in groups.items():
        per_run = dict(tuple(frame.groupby("replication")))
        finals = np.array([r["value_cumulative"].iloc[-1] for r in per_run.values()])
        row = {
            "scenario": name,
            "replications": len(per_run),
            "value_median": float(np.median(finals)),
            "value_p05": float(np.percentile(finals, 5)),
            "value_p95": float(np.percentile(finals, 95)),
        }
        crossings = []
        if ref is not None and name != reference:
            ref_runs = dict(tuple(ref.groupby("replication")))
            for k, r in per_run.items():
                if k in ref_runs:
                    crossings.append(crossover_month(ref_runs[k], r))
        found = [c for c in crossings if c is not None]
        row["crossover_month"] = float(np.median(found)) if found else math.nan
        row["crossover_share"] = len(found) / len(crossings) if crossings else math.nan
        for stock in STOCKS:
            row[f"final_{stock}"] = float(np.median([r[stock].iloc[-1] for r in per_run.values()]))
        rows.append(row)
    return pd.DataFrame(rows)


def poisson_rate_ratio(counts: np.ndarray, covariate: np.ndarray) -> tuple[float, float, float]:
    """Poisson regression of event counts on one covariate (log link, with an intercept).

    Returns the covariate's coefficient and its 95% interval: > 0 with an interval above 0 means
    events become more frequent as the covariate rises (P7's breach rule, source §4.2; with log
    exposure as covariate, a rate proportional to exposure gives a coefficient of 1).
    """
    import statsmodels.api as sm

    X = sm.add_constant(np.asarray(covariate, dtype=float))
    fit = sm.GLM(np.asarray(counts, dtype=float), X, family=sm.families.Poisson()).fit()
    low, high = fit.conf_int()[1]
    return float(fit.params[1]), float(low), float(high)


def bootstrap_ci(
    values: np.ndarray,
    statistic=np.median,
    seed: int = 0,
    resamples: int = 2000,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """Percentile-bootstrap interval of `statistic` over finite `values` (fixed seed: the same
    values give the same interval). One value: a zero-width interval; none: NaN."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan, math.nan
    if x.size == 1:
        return float(x[0]), float(x[0])
    rng = np.random.default_rng(seed)
    stats_ = statistic(x[rng.integers(0, x.size, size=(resamples, x.size))], axis=1)
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(stats_, [tail, 100 - tail])
    return float(low), float(high)
