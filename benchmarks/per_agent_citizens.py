"""The baseline a Mesa user would write: one `Citizen` agent per resident with its own `step()`.

The rule is exactly `sim.core.stages.residents.step` (docs/ODD.md §7.5), written per agent and
activated with `AgentSet.shuffle_do("step")`; the month's aggregates are read back with
`AgentSet.agg` / `AgentSet.get`, as Mesa users do. It is kept here as the reference the
vectorised rule is measured (benchmarks.citizens) and checked
(tests/core/test_citizen_equivalence.py) against.

Each citizen keeps its own ring of the last 12 months' contributions (as the population's
`contributions`) and sums it itself; the measures that rank or compare residents
(the 90-9-1 shares, the contributors' literacy gap, the per-resident weights of mean 1) need the
whole population, so `react` gathers the citizens' values and hands them to the vectorised
rule's own `residents.concentration`, `residents.literacy_gap` and `residents.per_mean`.

Random draws: each agent draws its four uniforms (service use, participation, mediation reach,
whether last month's contribution is answered) from the model's generator, one `rng.random(4)`
per agent. The vectorised rule draws the four as one `(4, residents)` array per run, so the
same generator gives the two versions different numbers; the equivalence test therefore feeds
both the same pre-drawn uniforms (and checks the distribution separately with independent
draws).

`vectorised(population, rng, month, **inputs)` calls the vectorised rule on a one-run
`sim.core.population.Population` (arrays (1, residents)) with the same keyword inputs as
`CitizenModel.react`, and returns its Outcome as floats and 1-D arrays (comparable with the
per-agent one).
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.core.population import YEAR, Population
from sim.core.sections import MechanismConfig
from sim.core.stages import residents
from sim.core.stages.residents import Outcome, Reach
from sim.core.state import Columns

OFFER = tuple(Reach.__dataclass_fields__)  # availability, digitisation, …, breaches


def rule_inputs(**inputs) -> tuple[Reach, Columns, Columns]:
    """`CitizenModel.react`'s keyword inputs as the vectorised rule's (offer, par, mechanisms);
    `reinforcement` and `fatigue` default to on, as in `MechanismConfig`."""
    offer = Reach(**{k: np.array([inputs[k]], dtype=float) for k in OFFER})
    mechanisms = MechanismConfig(
        reinforcement=bool(inputs.get("reinforcement", True)),
        fatigue=bool(inputs.get("fatigue", True)),
    )
    return offer, Columns([inputs["params"]]), Columns([mechanisms])


def vectorised(population: Population, rng, month: int = 0, **inputs) -> Outcome:
    """One month of `residents.step` on a one-run population (floats and 1-D arrays)."""
    offer, par, mechanisms = rule_inputs(**inputs)
    return scalars(residents.step(population, offer, par, mechanisms, [rng], month))


def scalars(outcome: Outcome) -> Outcome:
    """A one-run Outcome with floats in place of its (1,) arrays and 1-D arrays in place of its
    (1, residents) arrays."""
    fields = (getattr(outcome, f) for f in outcome.__dataclass_fields__)
    return Outcome(*(float(x[0]) if x.ndim == 1 else x[0] for x in fields))


class Citizen(mesa.Agent):
    """One resident with its own state and a per-agent version of the residents' rule."""

    model: CitizenModel

    def __init__(self, model: CitizenModel, index: int, population: Population) -> None:
        super().__init__(model)
        self.index = index
        self.literacy = float(population.literacy[index])
        self.trust = float(population.trust[index])
        self.propensity = float(population.propensity[index])
        self.base_propensity = float(population.base_propensity[index])
        self.participated = bool(population.participated[index])
        self.last_participation = int(population.last_participation[index])
        self.quintile = int(population.literacy_quintile[index])
        self.privacy_concern = float(population.privacy_concern[index])
        # the last 12 months' contributions, slot month % 12
        self.contributions = [float(x) for x in population.contributions[:, index]]
        self.year = 0.0  # the ring's total, recomputed each step
        self.used = False
        self.illectronic = False
        self.vulnerability = 0.0

    def step(self) -> None:
        m = self.model
        inputs, params = m.inputs, m.inputs["params"]
        u_use, u_participate, u_reach, u_answer = m.draw()
        availability = inputs["availability"]
        implementation = inputs["implementation"]
        illectronic = self.literacy < params.literacy_threshold
        self.illectronic = illectronic
        self.used = u_use < self.literacy * availability
        harm = inputs["digitisation"] * (1.0 - inputs["mediation"])
        answered = self.participated  # last month's contributors
        if answered:
            experience = implementation
        elif illectronic:
            experience = 0.5 * (1.0 - harm)
        else:
            experience = 0.4 + 0.6 * availability
        seen = answered or illectronic or self.used
        self.trust += params.trust_step * seen * (experience - self.trust)
        self.learn(u_answer, implementation, params, inputs)
        if inputs["breaches"]:
            vulnerability = (0.5 + (1.0 - self.literacy)) * (0.5 + self.privacy_concern)
            drop = params.breach_trust_drop * inputs["breaches"] * vulnerability
            self.trust -= drop
        self.trust = min(1.0, max(0.0, self.trust))
        pull = params.participation_scale * inputs["openness"] * inputs["platform"]
        self.participated = u_participate < -math.expm1(-pull * self.propensity * self.trust)
        month = inputs.get("month", 0)
        if self.participated:
            self.last_participation = month
        self.contributions[month % YEAR] = self.propensity if self.participated else 0.0
        year = 0.0  # summed slot by slot (not sum(), which compensates since Python 3.12)
        for contribution in self.contributions:
            year += contribution
        self.year = year
        if illectronic and u_reach < params.inclusion_rate * inputs["mediation"]:
            self.literacy = min(1.0, self.literacy + params.literacy_boost)
        self.vulnerability = (0.5 + (1.0 - self.literacy)) * (0.5 + self.privacy_concern)

    def learn(self, u_answer: float, implementation: float, params, inputs: dict) -> None:
        """`residents.learn` for one citizen: answered contributions pull the propensity towards
        the ceiling, ignored ones tire it (if fatigue is on), then it drifts back to base."""
        if not inputs.get("reinforcement", True):
            return
        p, base = self.propensity, self.base_propensity
        if self.participated:
            if u_answer < implementation:
                p += params.reinforcement_gain * (params.propensity_ceiling * base - p)
            elif inputs.get("fatigue", True):
                p *= 1.0 - params.fatigue_rate
        p += params.fatigue_recovery * (base - p)
        self.propensity = p


class CitizenModel(mesa.Model):
    """Holds the Citizen agents; `react(**inputs)` runs the residents' stage (an `Outcome` of
    floats and 1-D per-resident arrays).

    Built from a one-run `Population` (its 1-D rows, `population.rows(0)`, or the (1, n) arrays)
    so that both implementations start from the same residents. `draws`, if given, replaces the
    generator by pre-drawn uniforms: an (n, 4) array consumed in activation order (use
    `activation="do"` so that row i goes to citizen i).
    """

    def __init__(
        self, population: Population, rng: int | None = None, *, activation: str = "shuffle_do"
    ) -> None:
        super().__init__(rng=rng)
        if population.literacy.ndim == 2:
            population = population.rows(0)
        self.n = population.literacy.shape[0]
        self.activation = activation
        self.inputs: dict = {}
        self._scripted = None
        Citizen.create_agents(self, self.n, index=list(range(self.n)), population=population)

    def draw(self):
        return self.rng.random(4) if self._scripted is None else next(self._scripted)

    def react(self, draws: np.ndarray | None = None, **inputs) -> Outcome:
        self.inputs = inputs
        self._scripted = None if draws is None else iter(draws)
        getattr(self.agents, self.activation)("step")
        agents, n, threshold = self.agents, self.n, inputs["params"].literacy_threshold
        participated = np.array(agents.get("participated"))
        propensity = np.array(agents.get("propensity"))
        trust = np.array(agents.get("trust"))
        quintile = np.array(agents.get("quintile"))
        top, bottom = quintile == 4, quintile == 0
        harm = inputs["digitisation"] * (1.0 - inputs["mediation"])
        intensity = np.where(participated, propensity, 0.0).sum()
        month = inputs.get("month", 0)
        recent = np.array(agents.get("last_participation")) > month - YEAR
        # measures over the whole population, on the citizens' values gathered as one row
        year = np.array([agents.get("year")])
        literacy = np.array([agents.get("literacy")])
        top1, bottom90 = residents.concentration(year)
        return Outcome(
            users=float(agents.agg("used", np.mean)),
            participation=float(np.mean(participated)),
            participation_year=float(np.mean(recent)),
            contribution_pct=float(100.0 * intensity / n),
            harm=float(agents.agg("illectronic", np.mean)) * harm,
            trust=float(trust.sum() / n),
            trust_gap=float(
                np.where(top, trust, 0.0).sum() / np.count_nonzero(top)
                - np.where(bottom, trust, 0.0).sum() / np.count_nonzero(bottom)
            ),
            illectronism=float(np.mean([a.literacy < threshold for a in agents])),
            top1_share=float(top1[0]),
            bottom90_share=float(bottom90[0]),
            literacy_gap=float(residents.literacy_gap(year > 0, literacy)[0]),
            used=residents.per_mean([agents.get("used")])[0],
            contributed=residents.per_mean(year)[0],
            excluded=residents.per_mean([agents.get("illectronic")])[0],
            exposed=residents.per_mean([agents.get("vulnerability")])[0],
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """Citizens' state as arrays in index order (to compare with a Population's row)."""
        state = {
            name: np.array(self.agents.get(name))
            for name in ("literacy", "trust", "propensity", "participated", "last_participation")
        }
        ring = np.array(self.agents.get("contributions"))  # (residents, 12)
        state["contributions"] = ring.T
        return state
