"""Departments: digital staff hours shared among five tasks, with rationing (source §3.2–3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.core.openness import scale

if TYPE_CHECKING:
    from sim.core.agents.city import City
    from sim.core.governance import Course

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
# The tasks a department's staff hours go to, in the order of every (…, tasks) array: the one
# list the model, the lockstep and the null model index by.
TASKS = ("operation", "training", "programmes", "data_upkeep", "partnerships", "answers")
OPERATION, TRAINING, PROGRAMMES, DATA_UPKEEP, PARTNERSHIPS, ANSWERS = range(len(TASKS))
_TASK_INDEX = {task: i for i, task in enumerate(TASKS)}


def ration(demand: np.ndarray, weights: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Share each row's capacity among its tasks: weighted proportional water-filling.

    `demand` is (departments, tasks), `weights` (tasks,) or (departments, tasks), `capacity`
    (departments,). Where demand fits, it is met; otherwise each unmet task receives a share of
    the remaining hours ∝ weight × unmet demand, no task gets more than it asked, and the rows'
    hours are never exceeded.
    """
    demand = np.asarray(demand, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    fits = demand.sum(axis=1) <= capacity
    if fits.all():  # every row fits: the loop below would stop at once with alloc == demand
        return demand.copy()
    alloc = np.zeros_like(demand)
    alloc[fits] = demand[fits]
    for _ in range(demand.shape[1]):
        want = demand - alloc
        remaining = capacity - alloc.sum(axis=1)
        score = weights * want
        total = score.sum(axis=1)
        open_rows = (total > 1e-12) & (remaining > 1e-12)
        if not open_rows.any():
            break
        share = np.zeros_like(demand)
        share[open_rows] = score[open_rows] * (remaining[open_rows] / total[open_rows])[:, None]
        alloc += np.minimum(share, want)
    return alloc


def task_weights(proactivity: float | np.ndarray, openness: float | np.ndarray) -> np.ndarray:
    """Rationing priorities: proactive steering protects operations, openness the open tasks.

    For one governance point (tasks,); for arrays of points (…, tasks), one row per point (the
    lockstep's runs)."""
    proactivity = np.asarray(proactivity, dtype=float)
    openness = np.asarray(openness, dtype=float)
    weights = np.empty((*proactivity.shape, len(TASKS)))
    weights[..., OPERATION] = 0.5 + proactivity
    weights[..., TRAINING] = 0.5
    weights[..., PROGRAMMES:] = (0.3 + openness)[..., None]
    return weights


@dataclass(frozen=True)
class Workload:
    """What this month asks of every department, apart from its own state (stage 3)."""

    update_cost: float  # staff hours per dataset update
    per_partner: float  # host hours per hosted partnership (incl. the pairwise overhead)
    training: float  # training hours the HR line funds
    pending: float  # % of residents whose contributions await an answer


class Department(mesa.Agent):
    """A service (water, roads, social action, …) with digital staff hours for smart-city work.

    State: maturity (digital skills of the staff, source §3.3), a silo factor (how attached it is to
    its data, Courmont 2019), and this month's demand, allocation and load per task.
    """

    model: City

    def __init__(self, model: City, index: int, maturity: float, silo: float) -> None:
        super().__init__(model)
        self.index = index
        self.name = NAMES[index % len(NAMES)] + ("" if index < len(NAMES) else f" {index}")
        self.hours = model.config.resources.staff_hours
        self.maturity = maturity
        self.silo = silo
        self.dga_support = 1.0
        self.partners_hosted = 0
        self._demand = np.zeros(len(TASKS))
        self._allocation = np.zeros(len(TASKS))
        self._shares: list[float] | None = None  # allocation ÷ demand per task, when known
        self._total: float | None = None  # hours asked in all, when known

    @property
    def demand(self) -> np.ndarray:
        """Hours asked this month, per task (the order of TASKS)."""
        return self._demand

    @demand.setter
    def demand(self, hours: np.ndarray) -> None:
        self._demand, self._shares, self._total = hours, None, None

    @property
    def demand_total(self) -> float:
        """Hours asked this month, all tasks together."""
        if self._total is None:
            self._total = float(self._demand.sum())
        return self._total

    @property
    def allocation(self) -> np.ndarray:
        """Hours received this month, per task, after rationing."""
        return self._allocation

    @allocation.setter
    def allocation(self, hours: np.ndarray) -> None:
        self._allocation, self._shares = hours, None

    @property
    def load(self) -> float:
        """Demand over capacity (can exceed 1: that is the point of recording it)."""
        total = self.demand_total
        if self.hours <= 0:
            return 0.0 if total == 0 else float("inf")
        return total / self.hours

    @property
    def spare(self) -> float:
        """Hours this month's demand leaves unused (0 when the department is overloaded)."""
        return max(0.0, self.hours - self.demand_total)

    def fraction(self, task: str) -> float:
        """Share of a task's demand that received hours this month (1 when nothing was asked)."""
        if self._shares is None:
            self._shares = [
                float(a / d) if d > 0 else 1.0
                for a, d in zip(self._allocation, self._demand, strict=True)
            ]
        return self._shares[_TASK_INDEX[task]]

    def receive(self, allocation: np.ndarray, shares: list[float], total: float) -> None:
        """This month's rationed hours per task, their shares of the demand, and the demand's
        total (stage 3).

        The model computes these for all departments at once; `fraction`, `load` and `spare`
        read them (partners, DGAs, the mayor and the stocks ask many times a month).
        """
        self._allocation, self._shares, self._total = allocation, shares, total

    def plan(self, course: Course, work: Workload, updates_intended: int) -> np.ndarray:
        """This month's demand for hours, task by task (the order of TASKS)."""
        m = self.model
        res = m.config.resources
        deployment = res.deployment_hours * course.proactivity * course.commitment
        deployment *= self.dga_support
        self.demand = np.array(
            [
                res.operation_hours * m.infrastructure + deployment,
                work.training,
                res.programme_hours * scale(course.openness, m.config.parameters.open_ramp),
                updates_intended * work.update_cost,
                self.partners_hosted * work.per_partner,
                res.answer_hours * work.pending,
            ]
        )
        return self.demand

    def reflex(self) -> float:
        """Data-sharing reflex r_d: culture and charters build it, silos erode it (source §3.2,
        Courmont 2019)."""
        override = self.model.config.mechanisms.reflex_override
        if override is not None:
            return override
        m = self.model
        params = m.config.parameters
        value = (
            params.base_reflex
            + params.reflex_culture * m.culture
            + params.reflex_institutions * m.institutions
            - params.reflex_silo * self.silo * (1 - m.culture)
        )
        return min(1.0, max(0.0, value))

    def learn(self, training_intensity: float) -> None:
        """Maturity grows with training hours actually given, and with the tools in use."""
        m = self.model
        params = m.config.parameters
        trained = self.fraction("training") * training_intensity
        learning = trained + params.tools_learning * m.infrastructure
        growth = params.maturity_growth * learning * (1 - self.maturity)
        decay = params.maturity_decay * self.maturity
        self.maturity = min(1.0, max(0.0, self.maturity + growth - decay))
