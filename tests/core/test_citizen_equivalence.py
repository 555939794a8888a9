"""The per-agent baseline (benchmarks/per_agent_citizens.py) and the vectorised residents' rule
(`sim.core.stages.residents.step`) compute the same rule.

Same draws: both are fed the same pre-drawn uniforms, an (n, 4) array whose row i holds citizen
i's draws for service use, participation, mediation reach and the answer to last month's
contribution. The vectorised rule takes its draws as one (4, n) array per run, the per-agent
rule four per citizen, so one shared generator would hand them different numbers; with
`activation="do"` row i goes to citizen i and every state array, every monthly aggregate and
every per-resident weight must then be bit-identical over several months, with reinforcement
and fatigue each on and off.

Same distribution: with independent generators and Mesa's `shuffle_do`, the monthly aggregates
of the two agree within sampling error (fixed seeds, so the check is deterministic).
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.core.config import Parameters
from sim.core.population import Population
from sim.core.stages.residents import Outcome

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.per_agent_citizens import CitizenModel, vectorised

MONTHS = (  # varied inputs: breaches, reinforcement and fatigue on/off, no mediation, saturation
    dict(availability=0.3, digitisation=0.4, openness=0.1, platform=0.2, mediation=0.0,
         implementation=0.9, breaches=0, reinforcement=True, fatigue=True),
    dict(availability=0.6, digitisation=0.7, openness=0.8, platform=0.5, mediation=0.4,
         implementation=0.5, breaches=1, reinforcement=True, fatigue=True),
    dict(availability=0.9, digitisation=0.9, openness=1.0, platform=1.0, mediation=1.0,
         implementation=0.1, breaches=2, reinforcement=True, fatigue=False),
    dict(availability=0.8, digitisation=0.8, openness=0.9, platform=0.9, mediation=0.7,
         implementation=0.2, breaches=0, reinforcement=False, fatigue=True),
    dict(availability=0.7, digitisation=0.6, openness=0.7, platform=0.8, mediation=0.3,
         implementation=0.6, breaches=0, reinforcement=False, fatigue=False),
)  # fmt: skip
PARAMS = dataclasses.replace(Parameters(), inclusion_rate=0.3, participation_scale=2.0)
STATE = ("literacy", "trust", "propensity", "participated", "last_participation", "contributions")


class ScriptedDraws:
    """Stands in for a run's generator in `residents.step`: hands out the pre-drawn uniforms
    as the one (4, n) array the rule draws (use, participation, inclusion, answer)."""

    def __init__(self, draws: np.ndarray) -> None:
        self._draws = draws
        self._used = False

    def random(self, size: tuple[int, int]) -> np.ndarray:
        assert not self._used, "the rule draws once a month"
        self._used = True
        assert size == self._draws.T.shape
        return self._draws.T.copy()


def _residents(n: int, seed: int) -> Population:
    return Population.draw(n, [np.random.default_rng(seed)], [PARAMS])


def _state(population: Population) -> dict[str, np.ndarray]:
    row = population.rows(0)
    return {name: getattr(row, name) for name in STATE}


def assert_identical(got: Outcome, expected: Outcome) -> None:
    """Every field bit-identical: arrays element by element, scalars with == (NaN = NaN)."""
    for name in Outcome.__dataclass_fields__:
        a, b = getattr(got, name), getattr(expected, name)
        if isinstance(b, np.ndarray):
            assert isinstance(a, np.ndarray) and a.shape == b.shape, name
            np.testing.assert_array_equal(a, b, err_msg=name, strict=True)
        else:
            assert isinstance(a, float) and isinstance(b, float), name
            assert a == b or (math.isnan(a) and math.isnan(b)), (name, a, b)


@pytest.mark.parametrize("n", [200, 2_000])
def test_same_draws_give_bit_identical_citizens_and_aggregates(n):
    population = _residents(n, n)
    per_agent = CitizenModel(population.rows(0), rng=0, activation="do")
    draws = np.random.default_rng(n + 1)
    for month, inputs in enumerate(MONTHS * 3, start=1):
        uniforms = draws.random((n, 4))
        inputs = {**inputs, "params": PARAMS, "month": month}
        expected = vectorised(population, ScriptedDraws(uniforms), **inputs)
        got = per_agent.react(draws=uniforms, **inputs)
        assert_identical(got, expected)
        for name, array in per_agent.arrays().items():
            np.testing.assert_array_equal(array, _state(population)[name], err_msg=name)
        assert expected.contributed.shape == (n,)
        assert math.isfinite(expected.top1_share)  # someone contributed in the last year
    assert population.participated.any() and (population.literacy > 0.3).any()
    moved = population.propensity != population.base_propensity
    assert moved.any()  # the learning did something to compare


def test_a_silent_year_gives_nan_shares_in_both():
    n = 200
    population = _residents(n, 3)
    per_agent = CitizenModel(population.rows(0), rng=0, activation="do")
    uniforms = np.random.default_rng(4).random((n, 4))
    inputs = {**MONTHS[0], "openness": 0.0, "params": PARAMS, "month": 1}  # nobody joins
    expected = vectorised(population, ScriptedDraws(uniforms), **inputs)
    got = per_agent.react(draws=uniforms, **inputs)
    assert_identical(got, expected)
    assert math.isnan(expected.top1_share) and math.isnan(expected.literacy_gap)
    assert not expected.contributed.any()


def test_independent_draws_give_the_same_distribution():
    n = 20_000
    vectorised_population = _residents(n, 5)
    per_agent = CitizenModel(vectorised_population.rows(0), rng=6)  # shuffle_do, its own draws
    rng = np.random.default_rng(7)
    for month, inputs in enumerate(MONTHS, start=1):
        inputs = {**inputs, "params": PARAMS, "month": month}
        a = vectorised(vectorised_population, rng, **inputs)
        b = per_agent.react(**inputs)
        for share in ("users", "participation"):
            pa, pb = getattr(a, share), getattr(b, share)
            se = np.sqrt(max(pa * (1 - pa), 1e-9) * 2 / n)
            assert abs(pa - pb) < 5 * se, share
        assert abs(a.trust - b.trust) < 0.01
        assert abs(a.illectronism - b.illectronism) < 0.01
