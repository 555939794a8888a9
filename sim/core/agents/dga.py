"""Deputy directors-general: finite attention spent on their departments (source §3.2, §3.6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.core.openness import scale

if TYPE_CHECKING:
    from sim.core.agents.city import City
    from sim.core.agents.department import Department
    from sim.core.governance import Course


class DGA(mesa.Agent):
    """Administrative steering of a portfolio of departments.

    Under proactivity a DGA pushes deployment; under openness it brokers partnerships and
    cross-silo projects and sits on the open programmes' committees. Attention is finite: when
    demand exceeds the hours, every request gets the same fraction and the unmet hours are recorded
    (Bitterman & Koliba 2020: capacity is the bottleneck of collaborative governance).
    """

    model: City

    def __init__(self, model: City, portfolio: list[Department]) -> None:
        super().__init__(model)
        self.portfolio = portfolio
        self.hours = model.config.resources.dga_hours
        self.demand = 0.0
        self.support = 1.0
        self.unmet = 0.0
        self.openness = 0.0

    def steer(self, course: Course) -> None:
        """Stage 2: spread attention over push, brokering and committees; set support."""
        config = self.model.config
        res, mech = config.resources, config.mechanisms
        n = len(self.portfolio)
        hosted = sum(d.partners_hosted for d in self.portfolio)
        per_partner = res.dga_partner_hours if mech.coordination_costs else 0.0
        push = course.proactivity * course.commitment * res.push_hours * n
        broker = course.openness * (res.cross_silo_hours * n + per_partner * hosted)
        committees = scale(course.openness, config.parameters.open_ramp) * res.programme_attention
        committees *= n
        self.demand = push + broker + committees
        used = min(self.demand, self.hours)
        self.support = used / self.demand if self.demand > 0 else 1.0
        self.unmet = self.demand - used
        self.openness = course.openness
        for department in self.portfolio:
            department.dga_support = self.support

    @property
    def cross_silo(self) -> float:
        """Transversal work actually brokered this month, in [0, 1]."""
        return self.openness * self.support
