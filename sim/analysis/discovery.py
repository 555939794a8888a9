"""Scenario discovery: which parameter ranges make a pattern fail, as a PRIM box in words.

The Patient Rule Induction Method (Friedman & Fisher 1999), as used for scenario discovery by
Bryant & Lempert (2010), peels the sampled space down to a box where the outcome of interest (a
pattern failing) is dense, trading *coverage* (share of all failures inside the box) against
*density* (share of the box's sets that fail). We use the EMA Workbench's implementation
(Kwakkel 2017) rather than the stand-alone `prim` package: it is the maintained one (the `prim`
package is a port of the same code frozen in 2024), and it reports each restriction's quasi
p-value, which lets the rule keep only restrictions that are not chance.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_CASES = 5  # fewer cases of interest than this: no box is worth reporting
SIGNIFICANT = 0.05  # a restriction whose quasi p-value is above this is dropped from the rule
MIN_DENSITY, MIN_LIFT = 0.5, 1.25  # a reported box: at least half cases, 1.25 × their base rate
FEATURES = 4  # PRIM peels along the parameters that best separate the cases (see top_features)


@dataclass(frozen=True)
class Box:
    """One PRIM box: its rule in words, the restricted ranges, and its quality."""

    rule: str
    restrictions: dict[str, tuple[float, float]]
    coverage: float  # share of all cases of interest that fall inside the box
    density: float  # share of the box's sets that are cases of interest
    mass: float  # share of all sets inside the box
    cases: int  # number of cases of interest in the whole sample


def find_box(
    x: pd.DataFrame,
    interest: np.ndarray,
    bounds: Mapping[str, tuple[float, float]],
    min_density: float = 0.8,
) -> Box | None:
    """The PRIM box of the cases of `interest` (True) among the sets `x`, or None if there are
    fewer than MIN_CASES cases or no others, or if no restriction of the box is significant (no
    parameter range tells those cases apart better than chance).

    Coverage, density and mass are those of the box as its rule states it: the restrictions
    whose quasi p-value is significant, the others dropped (so the words and the figures agree);
    a stated box whose density is under MIN_DENSITY or under MIN_LIFT × the cases' base rate is
    not reported.

    On the peeling trajectory, the box chosen is the one of highest coverage among those of
    density ≥ `min_density` (the densest one if none reaches it). `bounds` are the sampled
    ranges: a restriction is a limit that moved inside them.
    """
    interest = np.asarray(interest, dtype=bool)
    cases = int(interest.sum())
    if cases < MIN_CASES or cases == interest.size:
        return None
    # EMA's PRIM stores its box limits in a frame of x's dtypes and peels to midpoints: with an
    # integer parameter (parameters.stale_after) current pandas refuses 2.5 in an int64 column.
    x = x.reset_index(drop=True).astype(float)
    prim = _prim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(x[top_features(x, interest)], interest, mass_min=0.05).find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= min_density]
    i = int(dense["coverage"].idxmax() if len(dense) else trajectory["density"].idxmax())
    limits = _significant_limits(box, i)
    rule = rule_text(limits, bounds)
    if not rule:
        return None
    inside = np.ones(len(x), dtype=bool)  # the box as its rule states it (significant limits)
    for name, (low, high) in limits.items():
        inside &= (x[name].to_numpy() >= low) & (x[name].to_numpy() <= high)
    density = float(interest[inside].mean())
    if density < max(MIN_DENSITY, MIN_LIFT * cases / interest.size):
        return None  # the stated box concentrates the cases too little to be worth words
    return Box(
        rule=rule,
        restrictions=limits,
        coverage=float(interest[inside].sum() / cases),
        density=density,
        mass=float(inside.mean()),
        cases=cases,
    )


def top_features(x: pd.DataFrame, interest: np.ndarray, k: int = FEATURES) -> list[str]:
    """The k parameters that best separate the cases (extra-trees feature scores, the EMA
    Workbench's usual first step): PRIM on every one of 85 dimensions peels along chance
    differences and yields boxes whose density does not survive dropping their chance limits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("EMA").setLevel(logging.ERROR)
        from ema_workbench.analysis import feature_scoring

        scores, _ = feature_scoring.get_ex_feature_scores(
            x, interest.astype(int), nr_trees=200, random_state=0
        )
    return [str(name) for name in scores.index[:k]]


def _prim():
    """The EMA Workbench's PRIM, imported quietly (it warns about optional parallel back ends)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("EMA").setLevel(logging.ERROR)
        from ema_workbench.analysis import prim
    return prim


def _significant_limits(box, i: int) -> dict[str, tuple[float, float]]:
    """The restricted dimensions of box `i` whose quasi p-value is below SIGNIFICANT."""
    _, table = box.inspect(i, style="data")[0]
    out = {}
    for name, row in table.iterrows():
        p_low, p_high = row.iloc[2], row.iloc[3]
        p = np.nanmin([p_low, p_high]) if not (np.isnan(p_low) and np.isnan(p_high)) else 1.0
        if p < SIGNIFICANT:
            out[str(name)] = (float(row.iloc[0]), float(row.iloc[1]))
    return out


def rule_text(
    limits: Mapping[str, tuple[float, float]], bounds: Mapping[str, tuple[float, float]]
) -> str:
    """A box as words: 'staff_hours < 24.3 and push > 0.61' (field names without their section;
    a limit within 2% of the sampled range's end is no limit)."""
    parts = []
    for path, (low, high) in limits.items():
        lo, hi = bounds[path]
        slack = 0.02 * (hi - lo)
        name = path.split(".")[-1]
        lower, upper = low > lo + slack, high < hi - slack
        if lower and upper:
            parts.append(f"{_num(low)} < {name} < {_num(high)}")
        elif lower:
            parts.append(f"{name} > {_num(low)}")
        elif upper:
            parts.append(f"{name} < {_num(high)}")
    return " and ".join(parts)


def _num(value: float) -> str:
    return f"{value:.3g}"
