"""3. Floor and profile: the citizens' rule against bare numpy, and where a month goes.

Floor: one month of the residents' rule (`sim.core.stages.residents.step`, one run's residents)
is replayed as bare numpy, with no model around it. A census (an ndarray subclass that counts
what the rule does to the population arrays) records every
numpy operation of the rule and the size of its largest operand: elementwise ufuncs, reductions,
gathers/scatters by mask or index, `np.where`, and the random draws. The floor performs the same
number of operations of each kind on float64 arrays of the same sizes (`np.multiply(a, b, out=)`,
`np.add.reduce`, `np.take`/`np.put`, `np.where`, `rng.random(out=)`), one Python call each.

Profile: a default run with `time.perf_counter` wrappers around each stage function of
sim/core/stages/ (module attributes, restored afterwards; the model code is not touched) and the
recorder of the model's batch. Times are exclusive: "departments" excludes `ration` and the
catalogue, "citizens (other)" excludes the vectorised rule, and so on; "Mesa step machinery" is
the run loop minus all stages.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import ClassVar

import numpy as np

from benchmarks.citizens import INPUTS
from benchmarks.common import Row, fmt_time, median_time, yes
from benchmarks.per_agent_citizens import rule_inputs
from sim import scenario
from sim.core.model import GovernanceModel
from sim.core.population import Population
from sim.core.stages import accounts, course, departments, partners, residents, steering, stocks

CITIZENS = 5_000
STATE = ("literacy", "trust", "propensity", "base_propensity", "participated",
         "last_participation", "literacy_quintile", "privacy_concern")  # fmt: skip
RULE = "citizens: residents.step (the rule)"


class _Counted(np.ndarray):
    """An ndarray that records each numpy operation applied to it (kind, largest operand)."""

    log: ClassVar[list[tuple[str, int]]] = []
    depth = 0

    @staticmethod
    def _plain(x):
        if isinstance(x, list | tuple):  # np.stack's sequence of arrays
            return type(x)(_Counted._plain(i) for i in x)
        return x.view(np.ndarray) if isinstance(x, _Counted) else x

    @staticmethod
    def _size(*xs) -> int:
        flat = [i for x in xs for i in (x if isinstance(x, list | tuple) else (x,))]
        return max((x.size for x in flat if isinstance(x, np.ndarray)), default=1)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        if _Counted.depth == 0:
            kind = "reduce" if method == "reduce" else "elementwise"
            _Counted.log.append((kind, self._size(*inputs, *(out or ()))))
        args = [self._plain(x) for x in inputs]
        if out is not None:
            kwargs["out"] = tuple(self._plain(o) for o in out)
        _Counted.depth += 1
        try:
            result = getattr(ufunc, method)(*args, **kwargs)
        finally:
            _Counted.depth -= 1
        if out is not None:
            return out[0] if len(out) == 1 else out
        return result.view(_Counted) if isinstance(result, np.ndarray) else result

    def __array_function__(self, func, types, args, kwargs):
        if _Counted.depth == 0:
            kind = "where" if func is np.where else "elementwise"
            _Counted.log.append((kind, self._size(*args)))
        _Counted.depth += 1
        try:
            plain = [self._plain(a) for a in args]
            result = func(*plain, **{k: self._plain(v) for k, v in kwargs.items()})
        finally:
            _Counted.depth -= 1
        return result.view(_Counted) if isinstance(result, np.ndarray) else result

    def __getitem__(self, key):
        if isinstance(key, np.ndarray) and _Counted.depth == 0:
            _Counted.log.append(("gather", max(key.size, self._size(self))))
        return super().__getitem__(self._plain(key))

    def __setitem__(self, key, value):
        if isinstance(key, np.ndarray) and _Counted.depth == 0:
            _Counted.log.append(("scatter", max(key.size, self._size(self))))
        super().__setitem__(self._plain(key), self._plain(value))


class _CountedRng:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def random(self, size):
        _Counted.log.append(("random", int(np.prod(size))))
        return self.rng.random(size).view(_Counted)


def census(n: int = CITIZENS) -> list[tuple[str, int]]:
    """The numpy operations one month of the citizens' rule performs (kind, operand size)."""
    population = Population.draw(n, [np.random.default_rng(0)], [INPUTS["params"]])
    inputs = rule_inputs(**INPUTS)  # offer, parameter columns, fatigue
    # a month in: some residents participated
    residents.step(population, *inputs, [np.random.default_rng(2)], 1)
    for name in STATE:
        setattr(population, name, getattr(population, name).view(_Counted))
    _Counted.log = []
    residents.step(population, *inputs, [_CountedRng(np.random.default_rng(1))], 2)
    return list(_Counted.log)


def floor_kernel(ops: list[tuple[str, int]]) -> Callable[[], None]:
    """Bare numpy: the census's operations on float64 arrays of the same sizes, no model."""
    size = max(s for _, s in ops)
    rng = np.random.default_rng(3)
    a, b, c = rng.random(size), rng.random(size), np.empty(size)
    mask = a < 0.5
    index = np.arange(size)
    calls: list[Callable[[], object]] = []
    for kind, s in ops:
        if kind == "elementwise":
            calls.append(lambda s=s: np.multiply(a[:s], b[:s], out=c[:s]))
        elif kind == "reduce":
            calls.append(lambda s=s: np.add.reduce(a[:s]))
        elif kind == "where":
            calls.append(lambda s=s: np.where(mask[:s], a[:s], b[:s]))
        elif kind == "gather":
            calls.append(lambda s=s: np.take(a, index[:s]))
        elif kind == "scatter":
            calls.append(lambda s=s: np.put(c, index[:s], b[:s]))
        elif kind == "random":
            calls.append(lambda s=s: rng.random(s, out=c[:s]))

    def kernel() -> None:
        for call in calls:
            call()

    return kernel


class StageTimer:
    """Exclusive perf_counter time per stage, by wrapping bound methods of one model instance."""

    def __init__(self) -> None:
        self.exclusive: Counter[str] = Counter()
        self._stack: list[float] = []

    def wrap(self, owner, attr: str, label: str) -> None:
        inner = getattr(owner, attr)
        timer = self

        def wrapper(*args, **kwargs):
            timer._stack.append(0.0)
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                children = timer._stack.pop()
                timer.exclusive[label] += elapsed - children
                if timer._stack:
                    timer._stack[-1] += elapsed

        setattr(owner, attr, wrapper)


STAGES = (  # (module, function, label): the stage functions of sim/core/batch.py's month
    (course, "set_course", "mayor"),
    (course, "elections", "mayor"),
    (steering, "steer", "DGAs"),
    (departments, "work", "departments: demand, bookkeeping"),
    (departments, "ration", "departments: ration()"),
    (departments, "intended_updates", "catalogue (intents, update, freshness)"),
    (departments, "keep_catalogue", "catalogue (intents, update, freshness)"),
    (departments, "fresh_share", "catalogue (intents, update, freshness)"),
    (partners, "work", "partners (cooperate, recruit)"),
    (residents, "privacy", "citizens: breaches, inputs, legitimacy"),
    (residents, "reach", "citizens: breaches, inputs, legitimacy"),
    (residents, "react", "citizens: breaches, inputs, legitimacy"),
    (residents, "step", RULE),
    (stocks, "move", "stocks (I, C, Q, learning)"),
    (accounts, "count", "accounting + recording"),
)


def profile_run(seed: int = 1) -> tuple[Counter[str], float, float, float]:
    """Stage times of one default run: (exclusive per stage, build, run loop, table) in s."""
    timer = StageTimer()
    originals = [(module, name, getattr(module, name)) for module, name, _ in STAGES]
    start = time.perf_counter()
    model = GovernanceModel(scenario("phased"), rng=seed, citizen_agents=False)
    build = time.perf_counter() - start
    try:
        for module, name, label in STAGES:
            timer.wrap(module, name, label)
        timer.wrap(model.batch.recorder, "month", "accounting + recording")
        timer.wrap(model.batch.recorder, "set", "accounting + recording")
        start = time.perf_counter()
        while model.running:
            model.step()
        loop = time.perf_counter() - start
        start = time.perf_counter()
        model.dataframe()
        table = time.perf_counter() - start
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    return timer.exclusive, build, loop, table


def profile(repeats: int) -> tuple[dict[str, float], int]:
    """Median per-stage times over `repeats` profiled runs; 'Mesa step machinery' = the rest."""
    runs = []
    for seed in range(1, repeats + 1):
        stages, build, loop, table = profile_run(seed)
        stages = dict(stages)
        stages["Mesa step machinery (loop − stages)"] = loop - sum(stages.values())
        stages["model construction"] = build
        stages["DataFrame at the end"] = table
        runs.append(stages)
    keys = list(runs[0])
    return {k: float(np.median([r.get(k, 0.0) for r in runs])) for k in keys}, repeats


def run(repeats: int) -> tuple[list[Row], dict[str, float], Counter[str]]:
    ops = census(CITIZENS)
    kinds = Counter(kind for kind, _ in ops)
    kernel = floor_kernel(ops)
    population = Population.draw(CITIZENS, [np.random.default_rng(0)], [INPUTS["params"]])
    inputs = rule_inputs(**INPUTS)
    rng = np.random.default_rng(1)
    reps = max(50, repeats * 10)
    t_floor = median_time(kernel, reps)
    t_rule = median_time(lambda: residents.step(population, *inputs, [rng], 1), reps)
    stages, nprof = profile(repeats)
    in_model = stages[RULE] / 144
    step = sum(v for k, v in stages.items() if k not in ("model construction",)) / 144
    rows = [
        Row(
            f"3. floor: bare numpy, {len(ops)} ops on ≤{max(n for _, n in ops):,} elements",
            fmt_time(t_floor),
            "",
            "",
            "",
            "",
            str(reps),
        ),
        Row(
            "3. citizens' rule in a run (per month)",
            fmt_time(in_model),
            f"floor {fmt_time(t_floor)}",
            f"{in_model / t_floor:.1f}× floor",
            "≤ 5× floor",
            yes(in_model <= 5 * t_floor),
            f"{nprof} runs",
        ),
        Row(
            "3. citizens' rule standalone (per month)",
            fmt_time(t_rule),
            f"floor {fmt_time(t_floor)}",
            f"{t_rule / t_floor:.1f}× floor",
            "≤ 5× floor",
            yes(t_rule <= 5 * t_floor),
            str(reps),
        ),
        Row(
            "3. whole month (all stages, per month)",
            fmt_time(step),
            f"citizens' rule {fmt_time(in_model)}",
            f"rule = {in_model / step:.0%} of a month",
            "(context)",
            "",
            f"{nprof} runs",
        ),
    ]
    return rows, stages, kinds
