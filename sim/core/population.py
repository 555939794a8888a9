"""The residents of every run of a batch, as arrays `(runs, residents)` (docs/ODD.md §2, §5).

Residents are not Python objects: a per-agent step would cost a Python call per resident per
month. Their state lives here and their rule in sim/core/stages/residents.py; a `Citizen` agent
(sim/core/agents/citizens.py) is a view on one row of these arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.core.sections import Parameters

AGE_GROUPS = ("15-29", "30-44", "45-59", "60-74", "75+")
AGE_SHARES = np.array([0.23, 0.24, 0.25, 0.18, 0.10])  # adults, France (INSEE, rounded)
ILLECTRONISM = np.array([0.03, 0.05, 0.10, 0.24, 0.62])  # by age group (INSEE 2021 profile)
YEAR = 12  # months: participation is reported as residents who took part in the last year


@dataclass
class Population:
    """Every resident's attributes; row r is run r, column i resident i (Citizen agent i)."""

    age_group: np.ndarray
    literacy: np.ndarray
    status: np.ndarray
    trust: np.ndarray
    base_propensity: np.ndarray
    propensity: np.ndarray
    privacy_concern: np.ndarray
    participated: np.ndarray
    last_participation: np.ndarray
    literacy_quintile: np.ndarray
    contributions: np.ndarray  # (runs, YEAR, residents): each of the last 12 months' contributions
    net_value: np.ndarray  # cumulative net public value attributed to each resident (stage 7)

    @classmethod
    def draw(
        cls,
        n: int,
        rngs: Sequence[np.random.Generator],
        params: Sequence[Parameters],
        identical: Sequence[bool] | None = None,
        ages: Sequence[Sequence[float]] | None = None,
    ) -> Population:
        """`n` residents for each run, from that run's generator and parameters; where
        `identical[r]`, run r's residents all take its population's mean attributes; `ages[r]`
        are run r's age shares (empty: the national mix)."""
        identical = identical or [False] * len(rngs)
        ages = ages or [()] * len(rngs)
        each = zip(rngs, params, identical, ages, strict=True)
        rows = [_residents(n, g, p, same, shares) for g, p, same, shares in each]
        return cls(*(np.array(column) for column in zip(*rows, strict=True)))

    @property
    def size(self) -> int:
        return self.literacy.shape[-1]

    def rows(self, runs: slice) -> Population:
        """The residents of some runs (views: writing them writes this population)."""
        return Population(*(getattr(self, f)[runs] for f in self.__dataclass_fields__))


def _residents(n: int, rng: np.random.Generator, params: Parameters, identical: bool = False,
               ages: Sequence[float] = ()) -> tuple[np.ndarray, ...]:  # fmt: skip
    """One run's residents at month 0 (docs/ODD.md §5).

    The illectronic share of each age group is INSEE's whatever the literacy threshold: initial
    literacy is drawn below the threshold for the illectronic, above it for the others.
    `identical` (P9's counterfactual, `mechanisms.identical_residents`) draws the same numbers,
    then gives every resident the population's mean of each attribute: the means, the random
    streams and the age groups are kept, the differences between residents are gone.
    """
    threshold = params.literacy_threshold
    shares = AGE_SHARES if not len(ages) else np.asarray(ages, dtype=float) / sum(ages)
    age_group = rng.choice(len(AGE_GROUPS), size=n, p=shares).astype(np.int8)
    illectronic = rng.random(n) < ILLECTRONISM[age_group]
    literacy = np.where(
        illectronic,
        rng.uniform(0.02, threshold, n),
        threshold + (1 - threshold) * rng.beta(2.0, 2.0, n),
    )
    status = np.clip(0.5 * literacy + 0.5 * rng.random(n), 0.0, 1.0)
    trust = rng.beta(5.0, 5.0, n)
    # Heavy-tailed propensity (log-normal of mean 1): a few residents do most of the
    # participating (90-9-1); better-off residents participate more (the socio-economic gap of
    # participatory budgets).
    spread = params.propensity_spread
    base_propensity = rng.lognormal(-0.5 * spread**2, spread, n) * (0.5 + status)
    privacy_concern = rng.random(n)
    if identical:
        literacy, status, trust, base_propensity, privacy_concern = (
            np.full(n, x.mean())
            for x in (literacy, status, trust, base_propensity, privacy_concern)
        )
    order = np.argsort(literacy, kind="stable")
    quintile = np.empty(n, dtype=np.int8)
    quintile[order] = (np.arange(n) * 5 // n).astype(np.int8)
    return (age_group, literacy, status, trust, base_propensity, base_propensity.copy(),
            privacy_concern, np.zeros(n, dtype=bool), np.full(n, -YEAR, dtype=np.int32),
            quintile, np.zeros((YEAR, n)), np.zeros(n))  # fmt: skip
