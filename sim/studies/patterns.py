"""The patterns of docs/ODD.md §1.2 (P1–P8), each with the counterfactual that must remove it.

Each `pN(seeds)` runs what the pattern and its counterfactual need (common random numbers: the
same seed list in every scenario and every change) and returns a flat dict of named figures:
shares of seeds satisfying an inequality (with their 95% Wilson interval as `<name>_ci`),
medians, months. The pattern tests assert the criteria on these figures and
`experiments/patterns.py` prints them all, so the two never disagree. `prefetch` runs a batch in
parallel through the one task runner and fills the same cache.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.metrics import (
    crossover_month,
    early_mean_flow,
    opens_up,
    phasing_in_order,
    plateau_ratio,
    poisson_rate_ratio,
    share_with_interval,
)
from sim.core.config import ModelConfig, scenario
from sim.core.sections import parameter_rows
from sim.runs import presets
from sim.runs.runner import run
from sim.runs.tasks import completed, run_tasks
from sim.studies import boundary

PRESETS = ("proactive", "open", "phased", "combined")
PLATEAU = 0.3  # P5: a slope ratio at or below this is a plateau
NO_PLATEAU = 0.5  # P5 counterfactual: above this the flow is still rising


def level(name: str) -> dict[str, Any]:
    """A resource level file (configs/resources/) as dotted-path changes."""
    return {f"resources.{k}": v for k, v in presets.resource_level(name).items()}


TIGHT = level("tight")
NO_PREREQUISITE = {"mechanisms.technology_prerequisite": False}
NO_GATES = {"mechanisms.technology_prerequisite": False, "mechanisms.culture_prerequisite": False}
READY_INFRASTRUCTURE = {"city.initial_infrastructure": 0.8}
NO_COORDINATION = {"mechanisms.coordination_costs": False}
NO_PAIRWISE = {"mechanisms.pairwise_coordination": False}
TECHNO_PUSH = {"mechanisms.mediation": False}
FORCED_COUNTS = (0, 4, 8, 16, 32, 48)  # MODEL.md §7 rev. 3
HUMP_HOURS = (40.0, 80.0)  # staff hours at which the hump is traced (the optimum must rise)
BREACH_LEVELS = ({}, {"parameters.breach_hazard": 0.001}, {"parameters.breach_hazard": 0.02})
STAFF_LEVELS = (20.0, 40.0, 80.0)
INITIAL_STOCKS = (0.0, 0.1, 0.2, 0.3)

Change = tuple[tuple[str, Any], ...]


def _key(changes: Mapping[str, Any]) -> Change:
    return tuple(sorted(changes.items()))


def case_config(kind: str, changes: Mapping[str, Any] | Change) -> ModelConfig:
    """The default city under scenario `kind` with dotted-path changes (a case of a pattern)."""
    return scenario(kind, **dict(changes))


_RUNS: dict[tuple[str, Change, int], pd.DataFrame] = {}  # this process's runs, by case and seed


def prefetch(
    cases: Iterable[tuple[str, Mapping[str, Any]]], seeds: Sequence[int], jobs: int
) -> None:
    """Run every (scenario, changes) × seed not cached yet, in `jobs` processes."""
    wanted = dict.fromkeys((k, _key(ch), int(s)) for k, ch in cases for s in seeds)
    todo = [w for w in wanted if w not in _RUNS]
    if not todo:
        return
    tasks = [({"i": i}, case_config(k, ch), s) for i, (k, ch, s) in enumerate(todo)]
    table = completed(run_tasks(tasks, jobs)).drop(columns="config_id")
    for (_, frame), key in zip(table.groupby("i", sort=True), todo, strict=True):
        _RUNS[key] = frame.drop(columns="i").reset_index(drop=True)


def runs(kind: str, seeds: Sequence[int], **changes: Any) -> list[pd.DataFrame]:
    """Runs of one scenario with dotted-path changes, one per seed (cached within the process)."""
    out = []
    for s in seeds:
        key = (kind, _key(changes), int(s))
        if key not in _RUNS:
            _RUNS[key] = run(case_config(kind, key[1]), key[2])
        out.append(_RUNS[key])
    return out


def finals(kind: str, seeds: Sequence[int], column: str = "value_cumulative", **changes: Any):
    """Per seed: the last month's `column`, or the sum over months for a flow column."""
    if column == "value_cumulative":
        return np.array([r[column].iloc[-1] for r in runs(kind, seeds, **changes)])
    return np.array([r[column].sum() for r in runs(kind, seeds, **changes)])


def _share(out: dict[str, Any], name: str, successes: Iterable[bool]) -> None:
    share, lo, hi = share_with_interval(np.asarray(list(successes), dtype=bool))
    out[name], out[f"{name}_ci"] = share, (lo, hi)


# ---- P1 ------------------------------------------------------------------------------------------
def p1(seeds: Sequence[int]) -> dict[str, Any]:
    """Open governance has the greater potential, given resources (source §3.5, §4.1).

    In gross value created as well as net; and with tight resources it no longer holds.
    """
    prefetch(cases("p1"), seeds, 1)  # stepped together: faster per run
    out: dict[str, Any] = {}
    net = {k: finals(k, seeds) for k in PRESETS}
    gross = {k: finals(k, seeds, "value_gross") for k in PRESETS}
    for k in ("open", "phased", "combined"):
        _share(out, f"{k}_beats_proactive", net[k] > net["proactive"])
        _share(out, f"{k}_beats_proactive_gross", gross[k] > gross["proactive"])
    for k in PRESETS:
        out[f"median_{k}"] = float(np.median(net[k]))
        out[f"median_gross_{k}"] = float(np.median(gross[k]))
    tight = {k: finals(k, seeds, **TIGHT) for k in ("proactive", "open")}
    _share(out, "tight_open_beats_proactive", tight["open"] > tight["proactive"])
    return out


def oat_changes(factor: float = 0.2) -> list[tuple[str, float, Any]]:
    """(path, multiplier, value) for a one-at-a-time ±factor change of every plausible parameter.

    Values are clipped to the field's allowed bounds; integer fields are rounded, and a change
    that rounds back to the default is left out.
    """
    out = []
    for row in parameter_rows():
        base, (lo, hi) = row["default"], row["allowed"]
        for mult in (1.0 - factor, 1.0 + factor):
            value = base * mult
            value = min(
                hi if hi is not None else value, max(lo if lo is not None else value, value)
            )
            if isinstance(base, int):
                value = round(value)
            if value != base:
                out.append((row["path"], mult, value))
    return out


def p1_robustness(
    seeds: Sequence[int],
    factor: float = 0.2,
    paths: Sequence[str] | None = None,
    jobs: int = 1,
) -> pd.DataFrame:
    """Net P1 (open > proactive) under each one-at-a-time ±factor parameter change.

    Runs are not cached (thousands of them): each change's open and proactive runs go through
    the task runner and only their final values are kept.
    """
    changes = [c for c in oat_changes(factor) if paths is None or c[0] in paths]
    tasks = [
        ({"change": i, "scenario": kind}, case_config(kind, _key({path: value})), int(seed))
        for i, (path, _, value) in enumerate(changes)
        for kind in ("open", "proactive")
        for seed in seeds
    ]
    table = completed(run_tasks(tasks, jobs))
    last = table[table["month"] == table["month"].max()]
    final = last.set_index(["change", "scenario", "seed"])["value_cumulative"]
    rows = []
    for i, (path, mult, value) in enumerate(changes):
        gap = final.loc[(i, "open")].to_numpy() - final.loc[(i, "proactive")].to_numpy()
        share, lo, hi = share_with_interval(gap > 0)
        rows.append(
            {
                "parameter": path,
                "multiplier": mult,
                "value": value,
                "share": share,
                "low": lo,
                "high": hi,
                "median_gap": float(np.median(gap)),
            }
        )
    return pd.DataFrame(rows)


# ---- P2 ------------------------------------------------------------------------------------------
def p2(seeds: Sequence[int], initial: Sequence[float] = INITIAL_STOCKS) -> dict[str, Any]:
    """Proactive pays first (mean flow over the first 20% of months); crossover month; and how
    the lead depends on the initial culture and institutions."""
    grid = [{"city.initial_culture": c, "city.initial_institutions": q}
            for c in initial for q in initial]  # fmt: skip
    prefetch([(k, ch) for k in ("proactive", "open") for ch in ({}, *grid)], seeds, 1)
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
    grid = {}
    for c in initial:
        for q in initial:
            change = {"city.initial_culture": c, "city.initial_institutions": q}
            a, b = runs("proactive", seeds, **change), runs("open", seeds, **change)
            wins = [early_mean_flow(x) > early_mean_flow(y) for x, y in zip(a, b, strict=True)]
            grid[f"C0={c},Q0={q}"] = float(np.mean(wins))
    out["proactive_first_by_initial_CQ"] = grid
    return out


# ---- P3, P4 --------------------------------------------------------------------------------------
def p3(seeds: Sequence[int]) -> dict[str, Any]:
    """Phasing order I, then C, then Q (source §3.6) — coded as prerequisite gates, and gone
    without them."""
    prefetch(cases("p3"), seeds, 1)  # stepped together: faster per run
    out: dict[str, Any] = {}
    opening = [r for k in PRESETS for r in runs(k, seeds) if opens_up(r)]
    _share(out, "in_order", [phasing_in_order(r) for r in opening])
    out["runs_that_open_up"] = len(opening)
    ungated = [r for k in PRESETS for r in runs(k, seeds, **NO_GATES) if opens_up(r)]
    _share(out, "no_gates_in_order", [phasing_in_order(r) for r in ungated])
    return out


def p4(seeds: Sequence[int]) -> dict[str, Any]:
    """Prerequisites cause the phasing: phased beats open, unless technology is no prerequisite
    or is already there."""
    prefetch(cases("p4"), seeds, 1)  # stepped together: faster per run
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


# ---- P5 ------------------------------------------------------------------------------------------
def hump(kind: str, seeds: Sequence[int], counts: Sequence[int], **changes: Any) -> np.ndarray:
    """Cumulative value at month 144 per seed (rows) and forced partner count (columns)."""
    return np.column_stack(
        [finals(kind, seeds, **{"mechanisms.forced_partners": n, **changes}) for n in counts]
    )


def p5(
    seeds: Sequence[int],
    hump_seeds: Sequence[int] | None = None,
    counts: Sequence[int] = FORCED_COUNTS,
) -> dict[str, Any]:
    """Plateau from resource tension when partnerships multiply (source §3.6: "on atteint un
    certain plateau"), tested where the cause acts: on the partner axis (MODEL rev. 3).

    With coordination costs, value against a forced partner count is hump-shaped in each seed
    (an interior optimum that rises with staff hours); without them the largest count is best,
    the late flow is higher and more partners are active at the end. The plateau in time is
    reported with its decomposition: part of it is the stocks' saturation, which coordination
    costs do not cause, so it is measured, not required of the counterfactual.
    """
    hump_seeds = seeds if hump_seeds is None else hump_seeds
    staff = [{"resources.staff_hours": h} for h in STAFF_LEVELS]
    prefetch([("open", ch) for ch in ({}, NO_COORDINATION, *staff)], seeds, 1)
    forced = [{"mechanisms.forced_partners": n} for n in counts]
    prefetch([("open", {**f, "resources.staff_hours": h}) for h in HUMP_HOURS for f in forced]
             + [("open", {**f, **NO_COORDINATION}) for f in forced], hump_seeds, 1)  # fmt: skip
    out: dict[str, Any] = {}
    _plateau_in_time(out, seeds)
    _late_flow(out, seeds)
    last = len(counts) - 1
    for hours in HUMP_HOURS:
        values = hump("open", hump_seeds, counts, **{"resources.staff_hours": hours})
        best = values.argmax(axis=1)
        _share(out, f"interior_optimum_{int(hours)}h", (best > 0) & (best < last))
        out[f"hump_{int(hours)}h"] = dict(
            zip(counts, np.median(values, axis=0).tolist(), strict=True)
        )
        out[f"optimum_{int(hours)}h"] = float(np.median(np.asarray(counts)[best]))
    free = hump("open", hump_seeds, counts, **NO_COORDINATION)
    _share(out, "no_coordination_optimum_at_largest", free.argmax(axis=1) == last)
    out["hump_no_coordination"] = dict(zip(counts, np.median(free, axis=0).tolist(), strict=True))
    return out


def _plateau_in_time(out: dict[str, Any], seeds: Sequence[int]) -> None:
    """The time plateau and how much of its flattening the coordination costs explain."""
    ratios = np.array([plateau_ratio(r) for r in runs("open", seeds)])
    free = np.array([plateau_ratio(r) for r in runs("open", seeds, **NO_COORDINATION)])
    _share(out, "plateau", ratios <= PLATEAU)
    _share(out, "no_coordination_no_plateau", free > NO_PLATEAU)
    out["plateau_ratio_median"] = float(np.median(ratios))
    out["no_coordination_ratio_median"] = float(np.median(free))
    # Flattening is 1 − ratio; the share coordination costs cause is what removing them undoes.
    flattening = 1.0 - out["plateau_ratio_median"]
    undone = out["no_coordination_ratio_median"] - out["plateau_ratio_median"]
    out["flattening_share_from_coordination"] = float(undone / flattening)
    out["late_load_median"] = float(
        np.median([r["load"].iloc[-36:].mean() for r in runs("open", seeds)])
    )


def _late_flow(out: dict[str, Any], seeds: Sequence[int]) -> None:
    """Late flow (last 24 months) against staff hours, and with coordination costs removed."""
    late = {
        h: np.array([r["value_flow"].iloc[-24:].mean() for r in runs("open", seeds, **ch)])
        for h, ch in ((h, {"resources.staff_hours": h}) for h in STAFF_LEVELS)
    }
    out["late_flow_by_staff_hours"] = {h: float(np.median(v)) for h, v in late.items()}
    _share(out, "late_flow_rises_with_hours", (late[20.0] < late[40.0]) & (late[40.0] < late[80.0]))
    base, free = runs("open", seeds), runs("open", seeds, **NO_COORDINATION)
    flow = [np.array([r["value_flow"].iloc[-24:].mean() for r in rs]) for rs in (base, free)]
    partners = [np.array([r["partners"].iloc[-1] for r in rs]) for rs in (base, free)]
    _share(out, "no_coordination_higher_late_flow", flow[1] > flow[0])
    _share(out, "no_coordination_more_partners", partners[1] > partners[0])
    out["partners_at_end_median"] = float(np.median(partners[0]))
    out["no_coordination_partners_at_end_median"] = float(np.median(partners[1]))


# ---- P6 ------------------------------------------------------------------------------------------
def p6(seeds: Sequence[int], reflexes: Sequence[float] = (0.0, 0.15, 0.5, 1.0)) -> dict[str, Any]:
    """Data detachment (source §3.2): without the update reflex the catalogue goes stale; more
    partnership push crowds out the upkeep."""
    levels = [{"mechanisms.reflex_override": r} for r in (*reflexes, 0.0)]
    pushes = [{"parameters.push": v} for v in (0.0, 1.0)]
    prefetch([("open", ch) for ch in (*levels, *pushes)], seeds, 1)
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


# ---- P7 ------------------------------------------------------------------------------------------
def p7(seeds: Sequence[int]) -> dict[str, Any]:
    """Value destruction (source §4.2): techno-push excludes, mediation repairs, breaches follow
    exposure (tested as an input rule by Poisson regression)."""
    prefetch(cases("p7"), seeds, 1)  # stepped together: faster per run
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
    techno_tight = finals("proactive", seeds, **{**TECHNO_PUSH, **TIGHT})
    out["techno_tight_net_median"] = float(np.median(techno_tight))
    _share(out, "techno_tight_net_negative", techno_tight < 0)
    out.update(breach_exposure(seeds))
    return out


def breach_exposure(seeds: Sequence[int]) -> dict[str, Any]:
    """Poisson regression of monthly breaches on log exposure (the month's hazard), pooled over
    the scenarios at three base hazards across the plausible range (breaches are rare: the
    spread gives the regression its power): the input rule says the rate is proportional to
    exposure, i.e. a log-exposure coefficient of 1."""
    cases = [(k, ch) for k in PRESETS for ch in BREACH_LEVELS]
    frames = pd.concat([r for k, ch in cases for r in runs(k, seeds, **ch)], ignore_index=True)
    frames = frames[frames["breach_hazard"] > 0]
    coef, low, high = poisson_rate_ratio(
        frames["breaches"].to_numpy(), np.log(frames["breach_hazard"].to_numpy())
    )
    return {
        "breach_exposure_coef": coef,
        "breach_exposure_ci": (low, high),
        "breaches": int(frames["breaches"].sum()),
    }


# ---- P8 ------------------------------------------------------------------------------------------
UNDER_RESOURCED = {"resources.budget": 0.4, "resources.dga_hours": 30.0,
                   "resources.staff_hours": 12.0}  # P8 rev. 3: a level below h*  # fmt: skip
COSTLESS = {**UNDER_RESOURCED, **boundary.OPEN_COSTS_REMOVED}  # P8's counterfactual there


def p8(seeds: Sequence[int], locate_boundary: bool = False) -> dict[str, Any]:
    """The recommendation (source §4.1): combine from the start *giving openness the resources
    it needs*. With adequate resources combining wins; short of staff hours (budget 0.4, 30 h
    per DGA, 12 h per department) phasing does at least as well, and only because of
    openness's own costs: without them combining wins there too. `locate_boundary` also finds
    h* at budget 0.4 (sim/studies/boundary.py; `+experiment=boundary` does every budget)."""
    prefetch(cases("p8"), seeds, 1)
    out: dict[str, Any] = {}
    adequate = finals("combined", seeds) - finals("phased", seeds)
    tight = finals("combined", seeds, **TIGHT) - finals("phased", seeds, **TIGHT)
    short = finals("combined", seeds, **UNDER_RESOURCED) - finals(
        "phased", seeds, **UNDER_RESOURCED
    )
    costless = finals("combined", seeds, **COSTLESS) - finals("phased", seeds, **COSTLESS)
    _share(out, "adequate_combined_beats_phased", adequate > 0)
    _share(out, "tight_phased_at_least_combined", tight <= 0)
    _share(out, "under_resourced_phased_at_least_combined", short <= 0)
    _share(out, "open_costs_removed_combined_beats_phased", costless > 0)
    out["adequate_median_gap"] = float(np.median(adequate))
    out["tight_median_gap"] = float(np.median(tight))
    out["under_resourced_median_gap"] = float(np.median(short))
    out["open_costs_removed_median_gap"] = float(np.median(costless))
    if locate_boundary:
        futures = [({}, int(s)) for s in seeds]
        table, _ = boundary.locate(futures, lambda k, **ch: case_config(k, ch), 1, (0.4,))
        row = table.iloc[0]
        out["h_star_at_0.4"] = float(row["h_star"])
        out["h_star_at_0.4_ci"] = (float(row["ci_low"]), float(row["ci_high"]))
    return out


def cases(name: str) -> list[tuple[str, dict[str, Any]]]:
    """The (scenario, changes) a pattern runs, for `prefetch`."""
    base = [(k, {}) for k in PRESETS]
    extra: dict[str, list[tuple[str, dict[str, Any]]]] = {
        "p1": [(k, TIGHT) for k in ("proactive", "open")],
        "p2": [
            (k, {"city.initial_culture": c, "city.initial_institutions": q})
            for k in ("proactive", "open")
            for c in INITIAL_STOCKS
            for q in INITIAL_STOCKS
        ],
        "p3": [(k, NO_GATES) for k in PRESETS],
        "p4": [
            (k, ch) for k in ("phased", "open") for ch in (NO_PREREQUISITE, READY_INFRASTRUCTURE)
        ],
        "p5": [("open", NO_COORDINATION)]
        + [("open", {"resources.staff_hours": h}) for h in STAFF_LEVELS]
        + [
            ("open", {"mechanisms.forced_partners": n, **ch})
            for n in FORCED_COUNTS
            for ch in (*({"resources.staff_hours": h} for h in HUMP_HOURS), NO_COORDINATION)
        ],
        "p6": [("open", {"mechanisms.reflex_override": r}) for r in (0.0, 0.15, 0.5, 1.0)]
        + [("open", {"parameters.push": v}) for v in (0.0, 1.0)],
        "p7": [("proactive", TECHNO_PUSH), ("proactive", {**TECHNO_PUSH, **TIGHT})]
        + [(k, ch) for k in PRESETS for ch in BREACH_LEVELS],
        "p8": [
            (k, ch) for k in ("combined", "phased") for ch in (TIGHT, UNDER_RESOURCED, COSTLESS)
        ],
    }
    return base + extra.get(name, [])
