"""Switching values: the staff level and the budget at which the recommendation reverses.

An appraisal's switching value (HM Treasury's Green Book; the French *valeur de basculement*)
is the value of an input at which the preferred option stops being preferred. Here, for the
recommended scenario against the runner-up, over the commune's two resources an advisor can
argue about: `resources.staff_hours` (h per department a month) and `resources.budget` (M€ a
month), each searched within its plausible range (`sim.core.config.plausible_ranges`), the other
resources staying at the commune's own levels.

What a switching value is. Future k of the comparison is (seed k, parameter set k of the
ensemble), the same future the brief counts. In future k the leader's gap over the runner-up at
the horizon (cumulative net value, leader − runner-up) changes sign at some level of the
resource; that level is future k's switch. The brief reports where the recommendation reverses
for the *typical* future: the median of the futures' switches (share 0.5), an order statistic,
with the order statistics' distribution-free 95% interval for that median
(`sim.studies.boundary.boundary`, the estimator of P8's staff-hour boundary). The median of
levels rather than the level at which the median gap crosses zero because it needs no model of
how the gap varies between futures, each future's switch is found exactly by its own bisection,
and a future whose switch lies outside the range is simply counted beyond it (censored), so the
statement "below X the runner-up does at least as well in half the futures" holds as written.

The search. The current value c comes from the comparison's model (a commune profile sets it);
each side of c is searched separately: below it, where the leader may stop winning as the
resource shrinks, and above it. First the gap at both ends of the range is run for every future
and both resources (one batch; the gap at c is read from the comparison's own runs when those
ran the same configurations); then a side is bisected only in the futures whose sign flips
between c and that end, by geometric bisection (`sim.studies.boundary.bisect`: a resource level
matters by its ratio), STEPS steps, each step one batch of every future, side and resource
through the task runner. A future where the leader still wins at the end of a side never
reverses on it (−inf below, +inf above); one where the runner-up already does at least as well
at c has reversed already. When at least half the futures searched have reversed already, the
switching value is c itself ("at your level…"). When both sides reverse, `switching_X` is the
nearer one (by ratio) and `switching_X_below`, `switching_X_above` hold each.

Cost. `switching_replications` futures (default min(replications, CAP)): 2 scenarios × 2
resources × 2 ends per future, plus 2 scenarios × STEPS per future and side whose sign flips —
150 to 200 runs beside the default comparison's 270 (about 15 s on 2 cores), in 1 + STEPS
batches. The first futures of the comparison, so the search stays paired with the brief's
counts; few steps, as the futures' spread is wider than the resolution. Assumes one change of
sign per side (the ends are checked, not the inside); a scenario that sets its own level of the
resource (the status quo's budget) keeps it, as in the resource check.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.core.config import ConfigError, ModelConfig, plausible_ranges
from sim.report.layout import Section, Table
from sim.report.study import values_at
from sim.report.tags import Numbers, Tagger, scenario
from sim.runs import presets
from sim.runs.tasks import completed, run_tasks
from sim.studies.boundary import bisect, boundary

if TYPE_CHECKING:  # pragma: no cover
    from sim.report.study import Study
    from sim.runs.ensemble import Draw

CAP = 12  # default futures searched: min(replications, CAP), about a third of the default's cost
STEPS = 4  # geometric halvings per side: [20, 160] h to within ±6.7%, [0.3, 1.8] M€ within ±5.8%
SHARE = 0.5  # the typical future: the median of the futures' switches
CONFIDENCE = 95  # %, the order-statistic interval of that median (sim.studies.boundary.boundary)
VARIABLES = ("staff_hours", "budget")  # model.resources fields searched
SIDES = ("below", "above")
SETTING = "switching_replications"

# (variable, future, level) points -> the leader's gap over the runner-up at each
Evaluate = Callable[[Sequence[tuple[str, int, float]]], np.ndarray]


def futures_searched(data: Mapping[str, Any]) -> int:
    """How many futures the search uses: `switching_replications`, null = min(replications,
    CAP), 0 = no search; ConfigError naming the field otherwise. At most `replications`: the
    futures searched are the comparison's own first futures (paired with the brief's counts)."""
    n = int(data["replications"])
    value = data.get(SETTING)
    if value is None:
        return min(n, CAP)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= n:
        raise ConfigError(SETTING, value, f"null or an integer from 0 to replications ({n})")
    return value


def ranges() -> dict[str, tuple[float, float]]:
    """The plausible range of each resource searched."""
    found = plausible_ranges()
    return {v: tuple(float(x) for x in found[f"resources.{v}"]) for v in VARIABLES}


Searches = dict[str, dict[str, Any]]  # variable -> its search (see `locate`)


def locate(evaluate: Evaluate, futures: int, current: Mapping[str, float],
           known: Mapping[str, np.ndarray] | None = None, steps: int = STEPS,
           bounds: Mapping[str, tuple[float, float]] | None = None) -> Searches:  # fmt: skip
    """Each variable's search: range, pivot (c clipped to the range), how many futures have the
    leader ahead at the pivot, and each side's per-future switches (None: no such side).

    `known`: the gap at the pivot per future, already run (the comparison's runs)."""
    bounds = dict(bounds or ranges())
    known = dict(known or {})
    pivot = {v: min(max(float(current[v]), bounds[v][0]), bounds[v][1]) for v in current}
    levels = {v: sorted({bounds[v][0], pivot[v], bounds[v][1]}) for v in current}
    points = [(v, k, x) for v in current for k in range(futures) for x in levels[v]
              if not (x == pivot[v] and v in known)]  # fmt: skip
    gaps = dict(zip(points, evaluate(points), strict=True)) if points else {}
    for v, values in known.items():
        gaps |= {(v, k, pivot[v]): float(g) for k, g in enumerate(values[:futures])}
    lines, low, high, ends0, ends1 = [], [], [], [], []
    for v in current:
        lo, hi, p = bounds[v][0], bounds[v][1], pivot[v]
        for side, (a, b) in zip(SIDES, ((lo, p), (p, hi)), strict=True):
            if a >= b:
                continue
            for k in range(futures):
                lines.append((v, k, side))
                low.append(a)
                high.append(b)
                ends0.append(sign(side, gaps[v, k, a]))
                ends1.append(sign(side, gaps[v, k, b]))
    e0, e1 = np.array(ends0), np.array(ends1)
    active = (e0 <= 0) & (e1 > 0)  # the sign flips on this side: bisect it

    def gap(level: np.ndarray) -> np.ndarray:
        out = np.zeros(len(lines))
        which = np.flatnonzero(active)
        if which.size:
            found = evaluate([(lines[i][0], lines[i][1], float(level[i])) for i in which])
            out[which] = [sign(lines[i][2], g) for i, g in zip(which, found, strict=True)]
        return out

    switch = bisect(gap, len(lines), np.array(low), np.array(high), steps, (e0, e1))
    out: Searches = {}
    for v in current:
        ahead = sum(gaps[v, k, pivot[v]] > 0 for k in range(futures))
        record = {"current": float(current[v]), "pivot": pivot[v], "low": bounds[v][0],
                  "high": bounds[v][1], "ahead_at_pivot": int(ahead)}  # fmt: skip
        for side in SIDES:
            at = [i for i, line in enumerate(lines) if line[0] == v and line[2] == side]
            record[side] = [float(switch[i]) for i in at] if at else None
        out[v] = record
    return out


def sign(side: str, gap: float) -> float:
    """Positive where the bisection's "gap" is: below c, the leader ahead (the level rises into
    its lead); above c, the leader no longer ahead (the level rises out of it). Only the sign
    is read, so ties count as the runner-up doing at least as well on both sides."""
    return (0.5 if gap > 0 else -0.5) * (1 if side == "below" else -1)


# ---- the comparison's model --------------------------------------------------------------------
def model_evaluate(pair: tuple[str, str], base_model: Mapping[str, Any], seeds: Sequence[int],
                   draw: Draw | None, jobs: int) -> Evaluate:  # fmt: skip
    """Gaps from the model: each point runs both scenarios of future k (seed k, set k) with the
    commune's resource set to the level (scenario files on top, as in the resource check); all
    points of a call are one batch through the task runner."""
    built: dict[tuple[str, str, float], ModelConfig] = {}

    def config(name: str, variable: str, level: float, k: int) -> ModelConfig:
        key = (name, variable, level)
        if key not in built:
            base = presets.merge(dict(base_model), {"resources": {variable: level}})
            built[key] = presets.build(name, base)
        return built[key] if draw is None else draw.apply(built[key], k)

    def evaluate(points: Sequence[tuple[str, int, float]]) -> np.ndarray:
        tasks = [({"i": i, "scenario": name}, config(name, v, x, k), int(seeds[k]))
                 for i, (v, k, x) in enumerate(points) for name in pair]  # fmt: skip
        table = completed(run_tasks(tasks, jobs))
        last = table[table["month"] == table["month"].max()]
        value = last.pivot(index="i", columns="scenario", values="value_cumulative")
        return (value[pair[0]] - value[pair[1]]).to_numpy()

    return evaluate


def leader_and_runner(runs: pd.DataFrame, scenarios: Sequence[str], month: int) -> list[str]:
    """The first two at `month`, ranked as the summary ranks them (median, then name)."""
    table = values_at(runs, "value_cumulative", month)
    return sorted(scenarios, key=lambda o: (-table[o].median(), o))[:2]


def search(main: pd.DataFrame, scenarios: Sequence[str], configs: Mapping[str, ModelConfig],
           base_model: Mapping[str, Any], seeds: Sequence[int], draw: Draw | None, futures: int,
           jobs: int, progress: Callable[[str], None] | None = None) -> dict[str, Any]:  # fmt: skip
    """The switching values' search on the comparison's main runs (`main`); {} when off."""
    if futures <= 0:
        return {}
    months = int(main["month"].max())
    pair = tuple(leader_and_runner(main, scenarios, months))
    current = {v: float(base_model["resources"][v]) for v in VARIABLES}
    same = all(configs[x].to_dict() == presets.build(x, dict(base_model)).to_dict() for x in pair)
    known = {}
    if same:  # the comparison ran these futures at the current level: its gaps are reused
        table = values_at(main, "value_cumulative", months)
        gaps = (table[pair[0]] - table[pair[1]]).to_numpy()[:futures]
        known = {v: gaps for v, (lo, hi) in ranges().items() if lo <= current[v] <= hi}
    start = time.perf_counter()
    if progress:
        progress(f"switching values: {futures} futures, {' and '.join(VARIABLES)}")
    evaluate = model_evaluate(pair, base_model, seeds, draw, jobs)
    runs = [0]

    def counted(points: Sequence[tuple[str, int, float]]) -> np.ndarray:
        runs[0] += 2 * len(points)
        return evaluate(points)

    found = locate(counted, futures, current, known)
    if progress:
        elapsed = time.perf_counter() - start
        progress(f"switching values: {runs[0]} runs done ({elapsed:.1f} s elapsed)")
    return {"scenarios": list(pair), "futures": futures, "steps": STEPS, "share": SHARE,
            "variables": found}  # fmt: skip


# ---- statistics ---------------------------------------------------------------------------------
def side_statistics(levels: Sequence[float] | None, side: str, bracket: tuple[float, float]
                    ) -> tuple[float, float, float]:  # fmt: skip
    """(typical switch, 95% interval) on one side; NaN when the typical future does not reverse
    there within the range. Above c the order is reversed (the smallest level with half the
    futures reversed), so the same estimator runs on the negated levels."""
    if not levels:
        return math.nan, math.nan, math.nan
    s = np.asarray(levels, dtype=float)
    if side == "below":
        row = boundary(s, SHARE)
        x, low, high = row["h_star"], row["ci_low"], row["ci_high"]
    else:
        row = boundary(-s, SHARE)
        x, low, high = -row["h_star"], -row["ci_high"], -row["ci_low"]
    if not math.isfinite(x):
        return math.nan, math.nan, math.nan
    a, b = bracket
    return float(x), float(min(max(low, a), b)), float(min(max(high, a), b))


def statistics(record: Mapping[str, Any]) -> dict[str, float]:
    """The summary's `switching_*` statistics of one search (see the module's docstring)."""
    futures = record["futures"]
    out: dict[str, float] = {"switching_futures": float(futures)}
    for v, r in record["variables"].items():
        name, p = f"switching_{v}", r["pivot"]
        sides = {side: side_statistics(r[side], side, (r["low"], p) if side == "below"
                                       else (p, r["high"])) for side in SIDES}  # fmt: skip
        for side, (x, low, high) in sides.items():
            out |= {f"{name}_{side}": x, f"{name}_{side}_ci_low": low,
                    f"{name}_{side}_ci_high": high}  # fmt: skip
        found = [t for t in sides.values() if math.isfinite(t[0])]
        nearest = min(found, key=lambda t: abs(math.log(t[0] / p)), default=(math.nan,) * 3)
        if reversed_already(futures, r["ahead_at_pivot"]):
            nearest = (p, math.nan, math.nan)  # the typical future has reversed at the pivot
        out |= {name: nearest[0], f"{name}_ci_low": nearest[1], f"{name}_ci_high": nearest[2],
                f"{name}_ahead_count": float(r["ahead_at_pivot"])}  # fmt: skip
    return out


def reversed_already(futures: int, ahead: float) -> bool:
    """Whether at least half the futures searched have the runner-up doing at least as well at
    the current level: then both sides' medians sit at it (the order statistics agree)."""
    return futures - ahead >= math.ceil(SHARE * futures - 1e-9)


def summary_rows(study: Study) -> pd.DataFrame:
    """The search's statistics as summary rows: (main level, leader, runner-up, final month)."""
    record = study.switching
    rows = []
    if record:
        lead, other = record["scenarios"]
        rows = [(study.resources, lead, other, study.months, k, float(v))
                for k, v in statistics(record).items()]  # fmt: skip
    return pd.DataFrame(rows, columns=["resources", "scenario", "versus", "month", "statistic",
                                       "value"])  # fmt: skip


def configuration(study: Study) -> dict[str, Any]:
    """What scenarios.yaml records of the search (the inputs its sentences quote)."""
    record = study.switching
    out: dict[str, Any] = {"scenarios": record["scenarios"], "futures": record["futures"],
                           "steps": record["steps"], "share": record["share"],
                           "confidence_percent": CONFIDENCE}  # fmt: skip
    for v, r in record["variables"].items():
        ratio = max(r["pivot"] / r["low"], r["high"] / r["pivot"])
        resolution = 100 * (ratio ** (1 / 2 ** (record["steps"] + 1)) - 1)
        out[v] = {"field": f"resources.{v}", "current": r["current"], "low": r["low"],
                  "high": r["high"], "resolution_percent": round(resolution, 1)}  # fmt: skip
    return out


# ---- the brief's sentences ----------------------------------------------------------------------
def sentences(study: Study, numbers: Numbers, tags: Tagger, rec: str, runner: str) -> list[str]:
    """One sentence for page 1, compact (page 1 is full): the pair, then one clause per resource
    with the commune's current value beside it and the interval; [] when the search was off."""
    lang, level, final = tags.lang, study.resources, study.months
    if not study.switching or study.switching["scenarios"] != [rec, runner]:
        return []

    def num(stat: str) -> str:
        return tags.num(level, rec, runner, final, stat)

    def get(stat: str) -> float:
        return numbers.get(level, rec, runner, final, stat)

    names = {"rec": scenario(lang, rec), "runner": scenario(lang, runner)}
    n = num("switching_futures")
    items = []
    for v in VARIABLES:
        stat = f"switching_{v}"
        common = {"unit": lang.h(f"switch.unit.{v}"), "now": tags.inp(f"model.resources.{v}"),
                  "level": tags.inp("switching.confidence_percent")}  # fmt: skip
        if reversed_already(int(get("switching_futures")), get(f"{stat}_ahead_count")):
            count = num(f"{stat}_ahead_count")
            items.append(lang.h("switch.at_current", count=count, n=n, rec=names["rec"],
                                **common))  # fmt: skip
            continue
        sides = [s for s in SIDES if math.isfinite(get(f"{stat}_{s}"))]
        found = [(num(f"{stat}_{s}"), num(f"{stat}_{s}_ci_low"), num(f"{stat}_{s}_ci_high"))
                 for s in sides]  # fmt: skip
        if len(found) == 2:
            (x, low, high), (y, low2, high2) = found
            items.append(lang.h("switch.two", x=x, y=y, low=low, high=high, low2=low2,
                                high2=high2, **common))  # fmt: skip
        elif found:
            (x, low, high), side = found[0], lang.h(f"switch.side.{sides[0]}")
            items.append(lang.h("switch.one", side=side, x=x, low=low, high=high, **common))
        else:
            low, high = (tags.inp(f"switching.{v}.{end}") for end in ("low", "high"))
            items.append(lang.h("switch.none", low=low, high=high, **common))
    title = f"<strong>{lang.h('switch.title')}</strong>"
    items_html = lang.semicolons(items)
    return [lang.h("switch.intro", title=title, n=n, items=items_html, runner=names["runner"])]


def annex_section(study: Study, numbers: Numbers, tags: Tagger) -> Section | None:
    """The analysts' view: each side's typical switch and interval, how it was searched."""
    if not study.switching:
        return None
    lang, level, final = tags.lang, study.resources, study.months
    rec, runner = study.switching["scenarios"]

    def num(stat: str) -> str:
        return tags.num(level, rec, runner, final, stat)

    head = [lang.h(f"annex.switch.{k}") for k in ("variable", "below", "above")]
    rows = []
    for v in VARIABLES:
        cells = [lang.h(f"annex.switch.{v}")]
        for s in SIDES:
            stat = f"switching_{v}_{s}"
            shown = math.isfinite(numbers.get(level, rec, runner, final, stat))
            cells.append(lang.h("annex.tests.interval", x=num(stat), low=num(f"{stat}_ci_low"),
                                high=num(f"{stat}_ci_high")) if shown else "—")  # fmt: skip
        rows.append(cells)
    text = lang.h(
        "annex.switch.text",
        rec=scenario(lang, rec),
        runner=scenario(lang, runner),
        n=num("switching_futures"),
        steps=tags.inp("switching.steps"),
        staff=tags.inp("switching.staff_hours.resolution_percent"),
        budget=tags.inp("switching.budget.resolution_percent"),
    )
    table = Table(head, rows, lang.h("annex.switch.caption"), "numbers")
    return Section("annex-switching", lang.t("sec.annex.switching"), [text], tables=[table],
                   cls="annex")  # fmt: skip
