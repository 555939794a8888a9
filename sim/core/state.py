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

import numpy as np

from sim.core.stages.partners import DATA_APPETITE, KINDS
from sim.core.population import Population
from sim.core.config import CityConfig, ModelConfig
from sim.core.stages.course import Trajectories
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
    trajectories: Trajectories
    # the organisation: departments (runs, departments), DGAs by department
    maturity: np.ndarray
    silo: np.ndarray
    hours: np.ndarray  # staff hours of each department a month
    dga_of: np.ndarray  # (departments,): the DGA whose portfolio holds each department
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
        appetite = np.array(list(DATA_APPETITE.values()))
        self.appetite = appetite[self.kind]
        self.reputation = self.base_alignment.sum(axis=1)

    @property
    def runs(self) -> int:
        return self.infrastructure.shape[0]

    @property
    def departments(self) -> int:
        return self.maturity.shape[1]

    @property
    def dgas(self) -> int:
        return int(self.dga_of.max()) + 1

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


def initial_state(configs: Sequence[ModelConfig], rngs: Sequence[np.random.Generator]) -> State:
    """The month-0 state of every run, each drawn from its own generator in a fixed order
    (residents, departments, partners), so run k starts the same in any batch."""
    city = configs[0].city
    if any(shape_of(c.city) != shape_of(city) for c in configs):
        raise ValueError("the runs of one batch need cities of one shape (sim.core.batch groups)")
    population = Population.draw(city.citizens, rngs, [c.parameters for c in configs])
    rows = [_organisation(c.city, g) for c, g in zip(configs, rngs, strict=True)]
    silo, maturity, vendor_cap, capability, alignment = (np.array(x) for x in zip(*rows))
    vendors = vendor_count(city)
    kind = np.array([1 + i % (len(KINDS) - 1) for i in range(city.partner_pool - vendors)],
                    dtype=np.int64)  # fmt: skip
    R, D, K = len(configs), city.departments, city.datasets_per_department
    stocks = {
        name: np.array([getattr(c.city, f"initial_{name}") for c in configs])
        for name in ("infrastructure", "culture", "institutions")
    }
    state = State(
        configs=list(configs),
        rngs=list(rngs),
        **stocks,
        legitimacy=population.trust.mean(axis=1),
        commitment=np.ones(R),
        terms=np.ones(R, dtype=np.int64),
        turnovers=np.zeros(R, dtype=np.int64),
        pending=np.zeros(R),
        cumulative_value=np.zeros(R),
        trajectories=Trajectories([c.trajectory for c in configs]),
        maturity=maturity,
        silo=silo,
        hours=np.zeros((R, D)),
        dga_of=np.arange(D) % city.dgas,  # department d in DGA d mod G's portfolio
        vendor_capability=vendor_cap,
        kind=kind,
        capability=capability,
        alignment=alignment,
        base_alignment=alignment.copy(),
        active=np.zeros(capability.shape, dtype=bool),
        host=np.zeros(capability.shape, dtype=np.int64),
        months_starved=np.zeros(capability.shape, dtype=np.int64),
        output=np.zeros(capability.shape),
        hours_share=np.ones(capability.shape),
        published=np.zeros((R, D, K), dtype=bool),
        age=np.zeros((R, D, K), dtype=np.int32),
        population=population,
    )
    force_partner_count(state)
    return state


def _organisation(city: CityConfig, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """One run's departments (silo factor, maturity) and partner pool (vendors first)."""
    silo = rng.uniform(0.5, 1.5, city.departments)
    maturity = rng.uniform(0.1, 0.3, city.departments)
    vendors = vendor_count(city)
    is_vendor = np.arange(city.partner_pool) < vendors
    capability = np.where(
        is_vendor,
        rng.uniform(0.8, 1.2, city.partner_pool),
        rng.uniform(0.5, 1.5, city.partner_pool),
    )
    alignment = rng.random(city.partner_pool)
    return silo, maturity, capability[:vendors], capability[vendors:], alignment[vendors:]


def force_partner_count(state: State) -> None:
    """Knock-in for the hump experiment (`mechanisms.forced_partners=N`): exactly N co-creation
    partners, the most aligned first, hosted in turn by the departments; they never leave."""
    target = state.mech.forced_partners
    for r in np.flatnonzero(~np.isnan(target)):
        order = np.argsort(-state.alignment[r], kind="stable")
        chosen = order[: int(target[r])]
        state.active[r] = False
        state.active[r, chosen] = True
        state.host[r, chosen] = np.arange(chosen.size) % state.departments
