"""2. The citizen rule per agent (Mesa `shuffle_do`) against the vectorised `residents.step`.

Only the citizens' stage is timed: one month of `sim.core.stages.residents.step` on one run's
residents against one month of `CitizenModel.react` (benchmarks/per_agent_citizens.py:
`shuffle_do("step")` plus the month's aggregates), from the same residents and with the same
mid-run inputs.
"""

from __future__ import annotations

import numpy as np

from benchmarks.common import Row, fmt_time, median_time, yes
from benchmarks.per_agent_citizens import CitizenModel, rule_inputs
from sim.core.config import Parameters
from sim.core.population import Population
from sim.core.stages import residents

SIZES = (1_000, 10_000, 100_000)
INPUTS = dict(  # a month after the switch to openness (values from a default run)
    availability=0.6,
    digitisation=0.7,
    openness=0.8,
    platform=0.6,
    mediation=0.5,
    implementation=0.5,
    breaches=0,
    fatigue=True,
    params=Parameters(),
)


def run(repeats: int) -> list[Row]:
    rows = []
    for n in SIZES:
        population = Population.draw(n, [np.random.default_rng(n)], [INPUTS["params"]])
        per_agent = CitizenModel(population, rng=1)
        rng = np.random.default_rng(2)
        reps_agent = max(3, repeats // 2) if n >= 100_000 else repeats
        inputs = rule_inputs(**INPUTS)  # offer, parameter columns, fatigue
        t_vec = median_time(
            lambda p=population, r=rng, i=inputs: residents.step(p, *i, [r], 0),
            repeats=max(repeats, 20),
        )
        t_agent = median_time(lambda m=per_agent: m.react(**INPUTS), repeats=reps_agent)
        ratio = t_agent / t_vec
        goal = n == 10_000
        rows.append(
            Row(
                f"2. citizen stage, vectorised, {n:,} citizens (per month)",
                fmt_time(t_vec),
                f"per-agent shuffle_do {fmt_time(t_agent)}",
                f"{ratio:.0f}× faster",
                "≥ 100×" if goal else "(context)",
                yes(ratio >= 100) if goal else "",
                f"{max(repeats, 20)} / {reps_agent}",
            )
        )
    return rows
