"""The patterns of docs/ODD.md §1.2 as measurements over paired seeds.

Each `pN(seeds)` runs what the pattern needs (common random numbers: the same seed list in every
scenario) and returns a flat dict of named figures: shares of seeds satisfying an inequality (with
their 95% Wilson interval as `<name>_ci`), medians, months. The pattern tests assert criteria on
these figures and `experiments/patterns.py` prints them all, so the two never disagree.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.metrics import (
    crossover_month,
    early_mean_flow,
    opens_up,
    phasing_in_order,
    plateau_ratio,
    share_with_interval,
)
from sim.core.config import scenario
from sim.runs import presets
from sim.runs.runner import run

PRESETS = ("proactive", "open", "phased", "combined")


def level(name: str) -> dict[str, Any]:
    """A resource level file (configs/resources/) as dotted-path changes."""
    return {f"resources.{k}": v for k, v in presets.resource_level(name).items()}


TIGHT = level("tight")
NO_PREREQUISITE = {"mechanisms.technology_prerequisite": False}
READY_INFRASTRUCTURE = {"city.initial_infrastructure": 0.8}
NO_PAIRWISE = {"mechanisms.pairwise_coordination": False}
TECHNO_PUSH = {"mechanisms.mediation": False}
FORCED_COUNTS = (0, 4, 8, 12, 16, 20, 24, 32)


@functools.lru_cache(maxsize=4096)
def _cached(kind: str, changes: tuple[tuple[str, Any], ...], seed: int) -> pd.DataFrame:
    return run(scenario(kind, **dict(changes)), seed)


def runs(kind: str, seeds, **changes: Any) -> list[pd.DataFrame]:
    """Runs of one preset with dotted-path changes, one per seed (cached within the process)."""
    key = tuple(sorted(changes.items()))
    return [_cached(kind, key, int(s)) for s in seeds]


def finals(kind: str, seeds, **changes: Any) -> np.ndarray:
    return np.array([r["value_cumulative"].iloc[-1] for r in runs(kind, seeds, **changes)])


def _share(out: dict[str, Any], name: str, successes) -> None:
    share, lo, hi = share_with_interval(np.asarray(successes))
    out[name], out[f"{name}_ci"] = share, (lo, hi)


def p1(seeds) -> dict[str, Any]:
    """Open governance has the greater potential, given resources (source §3.5, §4.1)."""
    out: dict[str, Any] = {}
    adequate = {k: finals(k, seeds) for k in PRESETS}
    tight = {k: finals(k, seeds, **TIGHT) for k in ("proactive", "open")}
    for k in ("open", "phased", "combined"):
        _share(out, f"{k}_beats_proactive", adequate[k] > adequate["proactive"])
        out[f"median_{k}"] = float(np.median(adequate[k]))
    out["median_proactive"] = float(np.median(adequate["proactive"]))
    _share(out, "tight_open_beats_proactive", tight["open"] > tight["proactive"])
    return out


def p2(seeds) -> dict[str, Any]:
    """Proactive pays first: mean flow over the first 20% of months, and the crossover month."""
    out: dict[str, Any] = {}
    pro, ope = runs("proactive", seeds), runs("open", seeds)
    _share(
        out,
        "proactive_first",
        [early_mean_flow(a) > early_mean_flow(b) for a, b in zip(pro, ope, strict=True)],
    )
    months = [crossover_month(a, b) for a, b in zip(pro, ope, strict=True)]
    found = [m for m in months if m is not None]
    out["crossover_month_median"] = float(np.median(found)) if found else float("nan")
    out["crossover_share"] = len(found) / len(months)
    return out


def p3(seeds) -> dict[str, Any]:
    """Phasing order: I, then C, then Q reach half their final level (source §3.6)."""
    out: dict[str, Any] = {}
    opening = [r for k in PRESETS for r in runs(k, seeds) if opens_up(r)]
    _share(out, "in_order", [phasing_in_order(r) for r in opening])
    out["runs_that_open_up"] = len(opening)
    return out


def p4(seeds) -> dict[str, Any]:
    """Prerequisites cause the phasing: phased beats open, unless technology is no prerequisite."""
    out: dict[str, Any] = {}
    _share(out, "phased_beats_open", finals("phased", seeds) > finals("open", seeds))
    for label, change in (
        ("no_prerequisite", NO_PREREQUISITE),
        ("ready_infra", READY_INFRASTRUCTURE),
    ):
        gap = finals("phased", seeds, **change) - finals("open", seeds, **change)
        _share(out, f"{label}_phased_beats_open", gap > 0)
        out[f"{label}_median_gap"] = float(np.median(gap))
    return out


def p5(seeds, hump_seeds=None, counts=FORCED_COUNTS) -> dict[str, Any]:
    """Plateau from resource tension (source §3.6: "on atteint un certain plateau")."""
    out: dict[str, Any] = {}
    opened = runs("open", seeds)
    ratios = np.array([plateau_ratio(r) for r in opened])
    loads = np.array([r["load"].iloc[len(r) * 3 // 4 :].mean() for r in opened])
    _share(out, "plateau", (ratios <= 0.3) & (loads >= 0.9))
    out["plateau_ratio_median"] = float(np.median(ratios))
    out["late_load_median"] = float(np.median(loads))
    hump_seeds = seeds if hump_seeds is None else hump_seeds
    for hours in (40.0, 80.0):
        curve = [
            float(
                np.median(
                    finals(
                        "open",
                        hump_seeds,
                        **{"mechanisms.forced_partners": n, "resources.staff_hours": hours},
                    )
                )
            )
            for n in counts
        ]
        out[f"hump_{int(hours)}h"] = dict(zip(counts, curve, strict=True))
        out[f"optimum_{int(hours)}h"] = counts[int(np.argmax(curve))]
    base, knocked = runs("open", seeds), runs("open", seeds, **NO_PAIRWISE)
    late = slice(-36, None)
    _share(
        out,
        "no_pairwise_more_value",
        [
            k["value_flow"].iloc[late].mean() > b["value_flow"].iloc[late].mean()
            for b, k in zip(base, knocked, strict=True)
        ],
    )
    _share(
        out,
        "no_pairwise_more_partners",
        [
            k["partners"].iloc[late].mean() > b["partners"].iloc[late].mean()
            for b, k in zip(base, knocked, strict=True)
        ],
    )
    return out


def p6(seeds, reflexes=(0.0, 0.15, 0.5, 1.0)) -> dict[str, Any]:
    """Data detachment (source §3.2): without the update reflex the catalogue goes stale."""
    out: dict[str, Any] = {}
    stale, knowledge = [], []
    for r in reflexes:
        rs = runs("open", seeds, **{"mechanisms.reflex_override": r})
        stale.append(float(np.median([x["stale_share"].iloc[-12:].mean() for x in rs])))
        knowledge.append(float(np.median([x["flow_knowledge"].iloc[-12:].mean() for x in rs])))
    out["stale_by_reflex"] = dict(zip(reflexes, stale, strict=True))
    out["knowledge_by_reflex"] = dict(zip(reflexes, knowledge, strict=True))
    no_reflex = runs("open", seeds, **{"mechanisms.reflex_override": 0.0})
    _share(
        out, "no_reflex_all_stale", [x["stale_share"].iloc[-12:].min() >= 0.95 for x in no_reflex]
    )
    calm = runs("open", seeds, **{"parameters.push": 0.0})
    pushed = runs("open", seeds, **{"parameters.push": 1.0})
    _share(
        out,
        "push_raises_staleness",
        [
            p["stale_share"].iloc[-72:].mean() > c["stale_share"].iloc[-72:].mean()
            for c, p in zip(calm, pushed, strict=True)
        ],
    )
    return out


def p7(seeds) -> dict[str, Any]:
    """Value destruction (source §4.2): exclusion, privacy, footprint, stale data."""
    out: dict[str, Any] = {}
    techno = runs("proactive", seeds, **TECHNO_PUSH)
    default = runs("phased", seeds)
    proactive = runs("proactive", seeds)
    _share(out, "techno_inclusion_negative", [r["flow_inclusion"].mean() < 0 for r in techno])
    out["techno_inclusion_median"] = float(np.median([r["flow_inclusion"].mean() for r in techno]))
    gaps = [
        (t["trust_gap"].iloc[-12:].mean(), d["trust_gap"].iloc[-12:].mean())
        for t, d in zip(techno, default, strict=True)
    ]
    _share(out, "techno_wider_trust_gap", [t > d for t, d in gaps])
    out["trust_gap_techno_median"] = float(np.median([t for t, _ in gaps]))
    out["trust_gap_default_median"] = float(np.median([d for _, d in gaps]))
    _share(
        out,
        "mediation_reduces_exclusion",
        [
            m["destruction_exclusion"].sum() < t["destruction_exclusion"].sum()
            for m, t in zip(proactive, techno, strict=True)
        ],
    )
    out.update(breach_exposure(seeds))
    return out


def breach_exposure(seeds) -> dict[str, Any]:
    """Breach rate in months of high vs low exposure I × (1 − Q), pooled over the presets."""
    frames = pd.concat([r for k in PRESETS for r in runs(k, seeds)], ignore_index=True)
    exposure = frames["infrastructure"] * (1 - frames["institutions"])
    high = exposure > exposure.median()
    rate_high = float(frames.loc[high, "breaches"].mean())
    rate_low = float(frames.loc[~high, "breaches"].mean())
    return {"breach_rate_high_exposure": rate_high, "breach_rate_low_exposure": rate_low}
