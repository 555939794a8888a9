"""Departments: digital staff hours shared among six tasks (source §3.2–3.4).

A `Department` is a Mesa agent that *views* its row of the batch state (sim/core/state.py): its
rule is stage 3 (sim/core/stages/departments.py), written once for every department of every
run, so reading an agent's state and computing the tables are the same code.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.core.agents.city import City
from sim.core.stages.departments import TASK_INDEX, TASKS

NAMES = (
    "water",
    "green spaces",
    "roads",
    "lighting",
    "waste",
    "social action",
    "culture",
    "urban planning",
    "IT",
    "citizen relations",
)


class Department(mesa.Agent):
    """A service (water, roads, social action, …) with digital staff hours for smart-city work.

    State: maturity (digital skills of the staff, source §3.3), a silo factor (attachment to its
    data, Courmont 2019), and this month's demand, allocation and load per task (TASKS order).
    """

    model: City

    def __init__(self, model: City, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.name = NAMES[index % len(NAMES)] + ("" if index < len(NAMES) else f" {index}")

    @property
    def hours(self) -> float:
        """Staff hours a month for smart-city work (`resources.staff_hours`)."""
        return float(self.model.state.hours[0, self.index])

    @property
    def maturity(self) -> float:
        return float(self.model.state.maturity[0, self.index])

    @property
    def silo(self) -> float:
        return float(self.model.state.silo[0, self.index])

    @property
    def dga(self) -> int:
        """Index of the DGA whose portfolio holds this department."""
        return int(self.model.state.dga_of[0, self.index])

    @property
    def reflex(self) -> float:
        """This month's data-sharing reflex: the chance a changed dataset gets updated."""
        return float(self.model.state.reflex[0, self.index])

    @property
    def partners_hosted(self) -> int:
        s = self.model.state
        return int(np.count_nonzero(s.active[0] & (s.host[0] == self.index)))

    def _month(self, name: str) -> np.ndarray:
        staff = self.model.last.get("staff")
        if staff is None:
            return np.zeros(len(TASKS))
        return getattr(staff, name)[0, self.index]

    @property
    def demand(self) -> np.ndarray:
        """Hours asked this month, per task (the order of TASKS)."""
        return self._month("demand")

    @property
    def allocation(self) -> np.ndarray:
        """Hours received this month, per task, after rationing."""
        return self._month("allocation")

    @property
    def dga_support(self) -> float:
        """Share of its asks its DGA met this month."""
        attention = self.model.last.get("attention")
        return 1.0 if attention is None else float(attention.support[0, self.index])

    @property
    def load(self) -> float:
        """Demand over capacity (can exceed 1: that is the point of recording it)."""
        return float(self.demand.sum()) / self.hours

    @property
    def spare(self) -> float:
        """Hours this month's demand leaves unused (0 when the department is overloaded)."""
        return max(0.0, self.hours - float(self.demand.sum()))

    def fraction(self, task: str) -> float:
        """Share of a task's demand that received hours this month (1 when nothing was asked)."""
        staff = self.model.last.get("staff")
        return 1.0 if staff is None else float(staff.shares[0, self.index, TASK_INDEX[task]])
