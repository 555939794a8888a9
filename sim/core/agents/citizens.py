"""Citizens: one vectorised update over numpy arrays; each Citizen agent is a view on a row.

Residents use digital services, participate, trust or distrust the authority, are excluded or
included (source §3.4–3.5, §4.2). A per-agent `step()` would cost a Python call per resident per
month; instead the whole population moves in a handful of array operations, and `Citizen` agents
read their state from the arrays so that they remain inspectable Mesa agents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import mesa
import numpy as np

from sim.core.config import Parameters

AGE_GROUPS = ("15-29", "30-44", "45-59", "60-74", "75+")
AGE_SHARES = np.array([0.23, 0.24, 0.25, 0.18, 0.10])  # adults, France (INSEE, rounded)
ILLECTRONISM = np.array([0.03, 0.05, 0.10, 0.24, 0.62])  # by age group (INSEE 2021 profile)
YEAR = 12  # months: participation is reported as residents who took part in the last year


@dataclass
class CitizenOutcome:
    """What the citizens' stage hands back to the model for accounting (one month)."""

    users: float
    participation: float
    participation_year: float
    contribution_pct: float
    harm: float
    trust: float
    trust_gap: float
    illectronism: float


class Population:
    """State of all residents as arrays (index i = Citizen agent i).

    `params` gives the literacy threshold of illectronism and the spread of the participation
    propensity (the default parameters when omitted); the illectronic share of each age group is
    INSEE's whatever the threshold, since initial literacy is drawn on either side of it.
    """

    def __init__(self, n: int, rng: np.random.Generator, params: Parameters | None = None) -> None:
        params = Parameters() if params is None else params
        threshold = params.literacy_threshold
        self.age_group = rng.choice(len(AGE_GROUPS), size=n, p=AGE_SHARES).astype(np.int8)
        illectronic = rng.random(n) < ILLECTRONISM[self.age_group]
        self.literacy = np.where(
            illectronic,
            rng.uniform(0.02, threshold, n),
            threshold + (1 - threshold) * rng.beta(2.0, 2.0, n),
        )
        self.status = np.clip(0.5 * self.literacy + 0.5 * rng.random(n), 0.0, 1.0)
        self.trust = rng.beta(5.0, 5.0, n)
        # Heavy-tailed propensity (log-normal of mean 1): a few residents do most of the
        # participating (90-9-1); better-off residents participate more (the socio-economic gap
        # of participatory budgets).
        spread = params.propensity_spread
        self.base_propensity = rng.lognormal(-0.5 * spread**2, spread, n) * (0.5 + self.status)
        self.propensity = self.base_propensity.copy()
        self.privacy_concern = rng.random(n)
        self.participated = np.zeros(n, dtype=bool)
        self.last_participation = np.full(n, -YEAR, dtype=np.int32)  # month of last contribution
        order = np.argsort(self.literacy, kind="stable")
        self.literacy_quintile = np.empty(n, dtype=np.int8)
        self.literacy_quintile[order] = (np.arange(n) * 5 // n).astype(np.int8)
        self._top = np.flatnonzero(self.literacy_quintile == 4)
        self._bottom = np.flatnonzero(self.literacy_quintile == 0)

    @property
    def size(self) -> int:
        return self.literacy.size

    def step(
        self,
        rng: np.random.Generator,
        *,
        availability: float,
        digitisation: float,
        openness: float,
        platform: float,
        mediation: float,
        implementation: float,
        breaches: int,
        params: Parameters,
        fatigue: bool,
        month: int = 0,
    ) -> CitizenOutcome:
        """Stage 5 for everyone at once (see docs/ODD.md §7.5 for each equation)."""
        n = self.size
        illectronic = self.literacy < params.literacy_threshold
        users = rng.random(n) < self.literacy * availability
        harm = digitisation * (1.0 - mediation)  # felt by each illectronic resident

        # Trust moves towards experience: last month's contributors judge by the answers they
        # got, illectronic residents by how far digitisation left them behind, users by service.
        answered = self.participated
        experience = np.where(
            answered,
            implementation,
            np.where(illectronic, 0.5 * (1.0 - harm), 0.4 + 0.6 * availability),
        )
        seen = answered | illectronic | users
        self.trust += params.trust_step * seen * (experience - self.trust)
        if fatigue and answered.any():
            # Unanswered participation is worse than none: a lasting drop in propensity.
            p = self.propensity[answered]
            p *= 1.0 - params.fatigue_rate * (1.0 - implementation)
            p += params.fatigue_recovery * implementation * (self.base_propensity[answered] - p)
            self.propensity[answered] = p
        if breaches:
            # Vulnerable and privacy-minded residents lose more trust after a breach (§4.2).
            vulnerability = (0.5 + (1.0 - self.literacy)) * (0.5 + self.privacy_concern)
            drop = params.breach_trust_drop * breaches * vulnerability
            self.trust -= drop
        np.clip(self.trust, 0.0, 1.0, out=self.trust)

        pull = params.participation_scale * openness * platform
        self.participated = rng.random(n) < -np.expm1(-pull * self.propensity * self.trust)
        self.last_participation[self.participated] = month
        reached = illectronic & (rng.random(n) < params.inclusion_rate * mediation)
        self.literacy[reached] = np.minimum(1.0, self.literacy[reached] + params.literacy_boost)

        # Counts over n: bit-identical to bool.mean() (an exact integer sum, then one division).
        # Means as numpy's own sum ÷ count: bit-identical to .mean(), without its Python wrapper
        # (three means a month were a tenth of this step's time).
        count, total = np.count_nonzero, np.add.reduce
        share = count(self.participated) / n
        intensity = float(self.propensity[self.participated].sum()) / n
        top = total(self.trust[self._top]) / self._top.size
        bottom = total(self.trust[self._bottom]) / self._bottom.size
        return CitizenOutcome(
            users=count(users) / n,
            participation=share,
            participation_year=count(self.last_participation > month - YEAR) / n,
            contribution_pct=100.0 * intensity,
            harm=count(illectronic) / n * harm,
            trust=float(total(self.trust) / n),
            trust_gap=float(top - bottom),
            illectronism=count(self.literacy < params.literacy_threshold) / n,
        )


class _Populated(Protocol):
    """What a Citizen view reads of its model: the population arrays."""

    population: Population


class Citizen(mesa.Agent):
    """A resident, as a view on row `index` of the model's Population arrays."""

    model: _Populated

    def __init__(self, model: _Populated, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def age_group(self) -> str:
        return AGE_GROUPS[self.model.population.age_group[self.index]]

    @property
    def literacy(self) -> float:
        return float(self.model.population.literacy[self.index])

    @property
    def trust(self) -> float:
        return float(self.model.population.trust[self.index])

    @property
    def propensity(self) -> float:
        return float(self.model.population.propensity[self.index])

    @property
    def participated(self) -> bool:
        return bool(self.model.population.participated[self.index])

    @property
    def privacy_concern(self) -> float:
        return float(self.model.population.privacy_concern[self.index])
