"""GovernanceModel: the municipality as a Mesa model — a batch of one run (docs/ODD.md §3).

The month is written once, as stages over a state whose first axis is the run
(sim/core/stages/, sim/core/batch.py); this model is that batch with one run, dressed as Mesa
expects: `step()` runs the schedule, the agents (`model.departments[i].maturity`,
`model.agents_by_type[Department]`, citizens, DGAs, partners, the mayor) are views on the
run's rows, and `datacollector` gathers the headline series. The tables of `sim.run`, the
sweeps and the studies come from the same stages, so what a user inspects here is what
computed them.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.core.agents import DGA, Citizen, Department, Mayor, Population, PrivatePartner
from sim.core.batch import Batch
from sim.core.config import ModelConfig, validate
from sim.core.outputs import COLUMNS, REPORTERS
from sim.core.stages.course import Course
from sim.core.stages.partners import KINDS
from sim.core.state import State


class GovernanceModel(mesa.Model):
    """A local authority's smart-city policy over `config.months` months.

    Args:
        config: a validated ModelConfig (defaults: the default city, adequate resources, phased).
        rng: integer seed of the model's numpy Generator; every random draw comes from it.
        citizen_agents: create one `Citizen` agent per resident, as views on the population
            arrays (for inspection). Runs that only need the monthly table skip them: they hold
            no state and draw no random numbers, so results are identical.
        **fields: model fields by dotted path, set on `config` (the Mesa way of passing model
            parameters: `GovernanceModel(**{"trajectory.kind": "open", "resources.budget": 0.4})`,
            and so `mesa.batch_run(GovernanceModel, parameters={"resources.budget": [0.4, 1.0]})`
            and SolaraViz's `model_params`). An unknown field or a value out of range fails
            naming it, before anything is built.

    `datacollector` is a `mesa.DataCollector` of the headline series (REPORTERS), collected at
    month 0 and after every step; `dataframe()` is the full monthly table.
    """

    def __init__(
        self,
        config: ModelConfig | None = None,
        rng: int | None = None,
        *,
        citizen_agents: bool = True,
        **fields: Any,
    ) -> None:
        config = config or ModelConfig()
        if fields:
            config = config.replace(**fields)
        validate(config)
        super().__init__(rng=rng)
        self.batch = Batch([config], [self.rng])
        self.state: State = self.batch.state
        self.last: dict[str, Any] = {}
        self.population = self.state.population.rows(0)  # type: ignore[arg-type]
        city = config.city
        if citizen_agents:
            Citizen.create_agents(self, city.citizens, index=np.arange(city.citizens))
        self.departments = [Department(self, i) for i in range(city.departments)]
        self.dgas = [
            DGA(self, g, [d for d in self.departments if d.dga == g]) for g in range(city.dgas)
        ]
        self.vendors = [PrivatePartner(self, KINDS[0], vendor=v) for v in range(self.state.vendors)]
        self.co_creators = [
            PrivatePartner(self, KINDS[k], slot=i) for i, k in enumerate(self.state.kind)
        ]
        self.partners = self.vendors + self.co_creators
        self.mayor = Mayor(self)
        self.running = True
        self.datacollector = mesa.DataCollector(model_reporters=dict(REPORTERS))
        self.datacollector.collect(self)

    # ---- configuration: lives once, in the batch state -----------------------------------------
    @property
    def config(self) -> ModelConfig:
        return self.state.configs[0]

    @config.setter
    def config(self, config: ModelConfig) -> None:
        """A new configuration from next month on (the app's levers): validated, then read."""
        validate(config)
        self.state.configs[0] = config
        self.state.refresh()

    # ---- views ---------------------------------------------------------------------------------
    @property
    def month(self) -> int:
        return self.state.month

    @property
    def course(self) -> Course | None:
        return self.last.get("course")

    @property
    def proactivity(self) -> float:
        return float(self.course.proactivity[0]) if self.course else 0.0

    @property
    def openness(self) -> float:
        return float(self.course.openness[0]) if self.course else 0.0

    @property
    def infrastructure(self) -> float:
        return float(self.state.infrastructure[0])

    @property
    def culture(self) -> float:
        return float(self.state.culture[0])

    @property
    def institutions(self) -> float:
        return float(self.state.institutions[0])

    @property
    def technology(self) -> float:
        """I, or 1 when the technology prerequisite is knocked out (source §3.6)."""
        return float(self.state.technology()[0])

    @property
    def maturity(self) -> float:
        return float(self.state.maturity[0].mean())

    def skills(self) -> float:
        return float(self.state.skills()[0])

    @property
    def cumulative_value(self) -> float:
        return float(self.state.cumulative_value[0])

    @property
    def pending_contributions(self) -> float:
        """% of residents whose contributions await an answer."""
        return float(self.state.pending[0])

    @property
    def co_creation_partners(self) -> list[PrivatePartner]:
        return [p for p in self.co_creators if p.active]

    # ---- the monthly step ----------------------------------------------------------------------
    def step(self) -> None:
        """One month of the schedule (docs/ODD.md §3; sim/core/batch.py `Batch.step`)."""
        if self.month >= self.config.months:  # the tables hold `months` rows, no more
            raise RuntimeError(
                f"the model has reached its horizon (months={self.config.months}; "
                "model.running is False): build it with a longer horizon, e.g. "
                f"ModelConfig.from_dict({{'months': {2 * self.config.months}}}), to step further"
            )
        self.batch.step()
        self.last = self.batch.last
        if self.month >= self.config.months:
            self.running = False
        self.datacollector.collect(self)

    # ---- results -------------------------------------------------------------------------------
    def run(self) -> pd.DataFrame:
        """Step to the horizon and return the monthly table."""
        while self.running:
            self.step()
        return self.dataframe()

    def series(self, column: str) -> np.ndarray:
        """One column of the monthly table for the months stepped so far (a read-only view)."""
        return self.batch.recorder.column(column, self.month)

    def dataframe(self) -> pd.DataFrame:
        """One row per month stepped so far."""
        return self.batch.recorder.frame(self.month)


__all__ = ["COLUMNS", "GovernanceModel", "Population"]
