"""Citizens: each `Citizen` agent is a view on one resident of the model's population arrays.

Residents move all at once in stage 5 (sim/core/stages/residents.py); their state lives in
sim/core/population.py. A `Citizen` reads its row, so it remains an inspectable Mesa agent
without a Python call per resident per month.
"""

from __future__ import annotations

from typing import Protocol

import mesa

from sim.core.population import AGE_GROUPS, Population


class _Populated(Protocol):
    """What a Citizen view reads of its model: the population arrays of its run."""

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
