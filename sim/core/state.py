"""The state of a batch of runs: one row per run, the month's stages read and write it.

A run is one municipality with its own random generator. A batch holds several runs of cities
of the same shape (departments, DGAs, residents, candidate partners, datasets) so that every
stage is one array operation over all of them: the stocks are `(runs,)`, the departments
`(runs, departments)`, the co-creation candidates `(runs, candidates)`, the catalogue
`(runs, departments, datasets)`, the residents `(runs, residents)`; the parameters are
`(runs,)` columns (`Columns`). A single Mesa run is a batch of one (sim/core/model.py).

Every value of a run depends only on that run's row and generator: no stage mixes rows, so a
run gives the same table alone or in any batch (tests/core/test_batch.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.config import CityConfig, ModelConfig
from sim.core.population import Population
from sim.core.value import weight_profile


class Columns:
    """One configuration section across runs: `columns.name` is an array, one entry per run.

    A field that may be None (e.g. `mechanisms.reflex_override`) becomes a float array with NaN
    where it is None; read it with `np.isnan`.
    """

    def __init__(self, sections: Sequence[object]) -> None:
        for f in dataclasses.fields(sections[0]):
            values = [getattr(s, f.name) for s in sections]
            if any(v is None for v in values) or f.name in ("reflex_override", "forced_partners"):
                setattr(self, f.name, np.array([np.nan if v is None else v for v in values]))
            else:
                setattr(self, f.name, np.array(values))


def shape_of(city: CityConfig) -> tuple[int, ...]:
    """What runs must share to move in one batch: the sizes of every population."""
    return (city.departments, city.dgas, city.citizens, city.partner_pool,
            vendor_count(city), city.datasets_per_department)  # fmt: skip


def vendor_count(city: CityConfig) -> int:
    return round(city.partner_pool * city.vendor_share)


@dataclass
class State:
    """Everything that persists from one month to the next, for every run of a batch."""

    configs: list[ModelConfig]
    rngs: list[np.random.Generator]
    # the stocks and the mayor, (runs,)
    infrastructure: np.ndarray
    culture: np.ndarray
    institutions: np.ndarray
    legitimacy: np.ndarray
    commitment: np.ndarray
    terms: np.ndarray
    turnovers: np.ndarray
    pending: np.ndarray  # % of residents whose contributions await an answer
    cumulative_value: np.ndarray
    trajectories: Any  # sim.core.stages.course.Trajectories
    # the organisation: departments (runs, departments), DGAs by department
    maturity: np.ndarray
    silo: np.ndarray
    hours: np.ndarray  # staff hours of each department a month
    dga_of: np.ndarray  # (runs, departments): the DGA whose portfolio holds each department
    reflex: np.ndarray  # (runs, departments): last month's data-sharing reflex
    # partners: vendors (runs, vendors), co-creation candidates (runs, candidates)
    vendor_capability: np.ndarray
    kind: np.ndarray  # (candidates,) index into KINDS
    capability: np.ndarray
    alignment: np.ndarray
    base_alignment: np.ndarray
    active: np.ndarray
    host: np.ndarray
    months_starved: np.ndarray
    output: np.ndarray
    hours_share: np.ndarray
    # the open-data catalogue (runs, departments, datasets)
    published: np.ndarray
    age: np.ndarray
    population: Population
    month: int = 0

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the configurations into columns (again after a config changes mid-run)."""
        self.par = Columns([c.parameters for c in self.configs])
        self.res = Columns([c.resources for c in self.configs])
        self.mech = Columns([c.mechanisms for c in self.configs])
        self.weights = np.array([weight_profile(c.weights) for c in self.configs])
        self.election_interval = np.array([c.election_interval for c in self.configs])
        self.hours = np.repeat(self.res.staff_hours.astype(float)[:, None], self.departments, 1)
        self.vendor_quality = (
            self.vendor_capability.mean(axis=1)
            if self.vendor_capability.shape[1]
            else np.ones(self.runs)
        )
        self.reputation = self.base_alignment.sum(axis=1)

    @property
    def runs(self) -> int:
        return self.infrastructure.shape[0]

    @property
    def departments(self) -> int:
        return self.maturity.shape[1]

    @property
    def dgas(self) -> int:
        return self.configs[0].city.dgas

    @property
    def vendors(self) -> int:
        return self.vendor_capability.shape[1]

    def technology(self) -> np.ndarray:
        """How much openness can lean on technology: I, or 1 where the prerequisite is knocked
        out (`mechanisms.technology_prerequisite=False`, source §3.6)."""
        return np.where(self.mech.technology_prerequisite, self.infrastructure, 1.0)

    def skills(self) -> np.ndarray:
        """How much of a tool's value the staff's maturity releases: 1 − s + s·m̄, s =
        `parameters.maturity_share` (half of a tool's value rests on its users' skills)."""
        share = self.par.maturity_share
        return 1 - share + share * self.maturity.mean(axis=1)

    def co_creators(self) -> np.ndarray:
        """Active co-creation partners per run."""
        return np.count_nonzero(self.active, axis=1)
