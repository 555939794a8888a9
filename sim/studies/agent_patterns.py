"""The patterns only agents can show (MODEL.md §7 revision 3, docs/ODD.md §1.2): P9–P11.

P9 who gains and who loses, P10 unequal participation that learns, P11 the data-sharing reflex
spreading through the organisation chart. Like `sim.studies.patterns` (whose cache and shares
they reuse), each `pN(seeds)` returns a flat dict of figures over paired seeds, with each
pattern's counterfactual; the pattern tests and `experiments/patterns.py` read the same figures.
The null model cannot produce any of them (one representative resident, one pooled department):
`docking()` says so from its own table, where these columns are NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.studies.patterns import TECHNO_PUSH, _share, prefetch, runs

LOWEST, HIGHEST = "net_value_per_resident_lit1", "net_value_per_resident_lit5"
IDENTICAL = {"mechanisms.identical_residents": True}
MORE_MEDIATION = {"parameters.mediation_full": 0.05}  # the same money reaches twice as many
NO_REINFORCEMENT = {"mechanisms.reinforcement": False}
NO_CONTAGION = {"mechanisms.reflex_contagion": False}


def chart(dgas: int, dga_hours: float = 60.0, base_dgas: int = 4) -> dict[str, Any]:
    """P11's organisation charts: the city's departments held by `dgas` DGAs, with the DGA
    hours of the city's `base_dgas` shared among them (the attention per department stays the
    same, so only the chart differs)."""
    return {"city.dgas": dgas, "resources.dga_hours": dga_hours * base_dgas / dgas}


# Two DGAs of five departments, or five DGAs of two, 240 DGA hours in all.
CONCENTRATED, SPLIT = chart(2), chart(5)
STALE_TARGET = 0.3  # P11: a catalogue "mostly fresh" once its stale share stays below this
YEAR = 12


def quintile_gap(table: pd.DataFrame) -> float:
    """Net value per resident, highest literacy quintile minus lowest, at the last month."""
    return float(table[HIGHEST].iloc[-1] - table[LOWEST].iloc[-1])


def exclusion_harm(table: pd.DataFrame) -> float:
    """The population's cumulative exclusion harm (value points)."""
    return float(table["destruction_exclusion"].sum())


# ---- P9 ------------------------------------------------------------------------------------------
def p9(seeds: Sequence[int]) -> dict[str, Any]:
    """Who gains and who loses (source §4.2, §3.5): techno-push leaves the least literate behind,
    open governance with mediation less so, more mediation less still; identical residents
    close the gap and change the population's exclusion harm (harm is not linear in literacy)."""
    prefetch(cases("p9"), seeds, 1)  # stepped together: batches are faster per run
    techno = runs("proactive", seeds, **TECHNO_PUSH)
    proactive = runs("proactive", seeds)
    more = runs("proactive", seeds, **MORE_MEDIATION)
    opened = runs("open", seeds)
    same = runs("proactive", seeds, **{**TECHNO_PUSH, **IDENTICAL})
    gaps = {name: np.array([quintile_gap(t) for t in tables]) for name, tables in
            (("techno", techno), ("proactive", proactive), ("more_mediation", more),
             ("open", opened), ("identical", same))}  # fmt: skip
    out: dict[str, Any] = {f"gap_{k}_median": float(np.median(v)) for k, v in gaps.items()}
    _share(out, "techno_lowest_below_highest", gaps["techno"] > 0)
    _share(out, "techno_gap_wider_than_open", gaps["techno"] > gaps["open"])
    _share(out, "mediation_narrows_gap", gaps["proactive"] > gaps["more_mediation"])
    _share(out, "some_mediation_narrows_gap", gaps["techno"] > gaps["proactive"])
    out["gap_identical_mean"] = float(gaps["identical"].mean())
    out["gap_identical_over_techno"] = float(
        np.abs(gaps["identical"]).mean() / np.abs(gaps["techno"]).mean()
    )
    harm = np.array([exclusion_harm(t) for t in techno])
    harm_same = np.array([exclusion_harm(t) for t in same])
    out["exclusion_harm_techno_median"] = float(np.median(harm))
    out["exclusion_harm_identical_median"] = float(np.median(harm_same))
    out["exclusion_harm_change"] = float(abs(harm_same.sum() - harm.sum()) / harm.sum())
    return out


# ---- P10 -----------------------------------------------------------------------------------------
def p10(seeds: Sequence[int]) -> dict[str, Any]:
    """Participation unequal and unrepresentative (§3.4; 90-9-1): under `open`, the last year's
    contributions, who makes them, and what reinforcement adds."""
    prefetch(cases("p10"), seeds, 1)
    opened = runs("open", seeds)
    flat = runs("open", seeds, **NO_REINFORCEMENT)
    unmediated = runs("open", seeds, **TECHNO_PUSH)
    named = (("open", opened), ("no_reinforcement", flat), ("no_mediation", unmediated))
    last = {name: pd.DataFrame([t.iloc[-1] for t in tables]) for name, tables in named}
    top, bottom = (
        last["open"]["contributions_top1_share"],
        last["open"]["contributions_bottom90_share"],
    )
    out: dict[str, Any] = {
        "top1_share_median": float(top.median()),
        "bottom90_share_median": float(bottom.median()),
        "top1_share_no_reinforcement_median": float(
            last["no_reinforcement"]["contributions_top1_share"].median()
        ),
    }
    _share(out, "top1_at_least_20pct", top >= 0.2)
    _share(out, "bottom90_at_most_20pct", bottom <= 0.2)
    gap = last["open"]["contributors_literacy_gap"].to_numpy()
    _share(out, "contributors_more_literate", gap > 0)
    out["literacy_gap_median"] = float(np.median(gap))
    wider = last["no_mediation"]["contributors_literacy_gap"].to_numpy()
    _share(out, "mediation_narrows_literacy_gap", gap < wider)
    out["literacy_gap_no_mediation_median"] = float(np.median(wider))
    no_top = last["no_reinforcement"]["contributions_top1_share"].to_numpy()
    _share(out, "reinforcement_concentrates", top.to_numpy() > no_top)
    out["top1_ratio_without"] = float(np.median(no_top / top.to_numpy()))
    rate = np.array([t["participation_year"].iloc[YEAR:].mean() for t in opened])
    rate_flat = np.array([t["participation_year"].iloc[YEAR:].mean() for t in flat])
    out["participation_year_median"] = float(np.median(rate))
    out["participation_year_no_reinforcement_median"] = float(np.median(rate_flat))
    out["participation_change"] = float(abs(rate.mean() - rate_flat.mean()) / rate_flat.mean())
    return out


# ---- P11 -----------------------------------------------------------------------------------------
def settles_below(stale: pd.Series, level: float = STALE_TARGET) -> int:
    """The month from which the 12-month trailing stale share stays below `level` (a month
    after the horizon if it never does)."""
    smooth = stale.rolling(YEAR, min_periods=1).mean().to_numpy()
    above = np.flatnonzero(~(smooth < level))
    return int(above[-1] + 2) if above.size else 1


def p11(seeds: Sequence[int], kind: str = "proactive") -> dict[str, Any]:
    """Silos and a reflex that spreads (§3.2): with one mean reflex, two DGAs of five departments
    settle below a 0.3 stale share earlier than five DGAs of two; without the passing-on the
    charts give the same catalogue. Under `proactive`, where no cross-silo work is brokered, the
    chart is the only path between departments; `phased` and `open` are reported."""
    prefetch(cases("p11"), seeds, 1)
    out: dict[str, Any] = {}
    for k in (kind, "phased", "open"):
        for suffix, cause in (("", {}), ("_no_contagion", NO_CONTAGION)):
            big = runs(k, seeds, **{**CONCENTRATED, **cause})
            small = runs(k, seeds, **{**SPLIT, **cause})
            a = np.array([settles_below(t["stale_share"]) for t in big])
            b = np.array([settles_below(t["stale_share"]) for t in small])
            name = f"{k}{suffix}"
            _share(out, f"{name}_concentrated_earlier", a < b)
            out[f"{name}_months_median"] = (float(np.median(a)), float(np.median(b)))
            out[f"{name}_months_equal"] = float(np.mean(a == b))
            stale_a = np.array([t["stale_share"].mean() for t in big])
            stale_b = np.array([t["stale_share"].mean() for t in small])
            out[f"{name}_stale_difference_mean"] = float(np.mean(stale_b - stale_a))
            out[f"{name}_reflex_mean"] = (
                float(np.mean([t["reflex_mean"].mean() for t in big])),
                float(np.mean([t["reflex_mean"].mean() for t in small])),
            )
    return out


def cases(name: str) -> list[tuple[str, dict[str, Any]]]:
    """The (scenario, changes) a pattern runs, for `sim.studies.patterns.prefetch`."""
    if name == "p9":
        return [("proactive", TECHNO_PUSH), ("proactive", {}), ("proactive", MORE_MEDIATION),
                ("open", {}), ("proactive", {**TECHNO_PUSH, **IDENTICAL})]  # fmt: skip
    if name == "p10":
        return [("open", {}), ("open", NO_REINFORCEMENT), ("open", TECHNO_PUSH)]
    if name == "p11":
        return [(k, {**chart, **cause}) for k in ("proactive", "phased", "open")
                for chart in (CONCENTRATED, SPLIT) for cause in ({}, NO_CONTAGION)]  # fmt: skip
    return []
