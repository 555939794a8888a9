"""Deputy directors-general: finite attention spent on their departments (source §3.2, §3.6).

A `DGA` agent views its column of the month's attention (stage 2,
sim/core/stages/steering.py)."""

from __future__ import annotations

import mesa

from sim.core.agents.city import City
from sim.core.agents.department import Department


class DGA(mesa.Agent):
    """Administrative steering of a portfolio of departments (Bitterman & Koliba 2020)."""

    model: City

    def __init__(self, model: City, index: int, portfolio: list[Department]) -> None:
        super().__init__(model)
        self.index = index
        self.portfolio = portfolio

    @property
    def hours(self) -> float:
        return float(self.model.state.res.dga_hours[0])

    @property
    def demand(self) -> float:
        """Hours of attention asked this month."""
        attention = self.model.last.get("attention")
        return 0.0 if attention is None else float(attention.demand[0, self.index])

    @property
    def unmet(self) -> float:
        return max(0.0, self.demand - self.hours)

    @property
    def support(self) -> float:
        """Share of the asks met: every request gets the same fraction."""
        demand = self.demand
        return min(demand, self.hours) / demand if demand > 0 else 1.0
