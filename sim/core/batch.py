"""The monthly schedule over a batch of runs, and many runs as few batches (docs/ODD.md §3).

`Batch.step` is the month: each stage (sim/core/stages/) is one function over the state of
every run, in the order the source's logic sets — the mayor sets the course, DGAs spend
attention, departments ration their hours, partners work, breaches happen and residents react,
stocks move, value is counted, elections are held. A run draws only from its own generator, in
the same order within a month whatever its batch, so replication k of every scenario sees the
same random numbers (common random numbers) and a run's table does not depend on its batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.core.config import CityConfig, ModelConfig
from sim.core.outputs import Recorder
from sim.core.population import Population
from sim.core.stages import accounts, course, departments, partners, residents, steering, stocks
from sim.core.stages.course import Trajectories
from sim.core.stages.partners import KINDS
from sim.core.state import State, shape_of, vendor_count

RESIDENTS = 1_000_000  # at most this many residents, all runs together, in one batch


class Batch:
    """Runs of cities of one shape (config i with generator i), stepped month by month together."""

    def __init__(
        self, configs: Sequence[ModelConfig], rngs: Sequence[np.random.Generator | int]
    ) -> None:
        if len(configs) != len(rngs) or not configs:
            raise ValueError("one seed or generator per config, and at least one run")
        generators = [g if isinstance(g, np.random.Generator) else np.random.default_rng(int(g))
                      for g in rngs]  # fmt: skip
        self.state: State = initial_state(configs, generators)
        self.horizon = max(c.months for c in configs)
        self.months = np.array([c.months for c in configs])
        self.recorder = Recorder(self.horizon, len(configs))

    @property
    def month(self) -> int:
        return self.state.month

    def step(self) -> None:
        """One month of every run (docs/ODD.md §3, stages 1–8)."""
        s = self.state
        s.month += 1
        before = s.infrastructure.copy()
        plan = course.set_course(s)  # 1. §3.1–3.2
        attention = steering.steer(s, plan)  # 2. §3.2, §3.6
        staff = departments.work(s, plan, attention)  # 3. §3.2–3.4
        fresh = departments.fresh_share(s.published, s.age, s.par.stale_after)
        output = partners.work(s, plan, staff, attention, fresh)  # 4. §3.6
        privacy = residents.privacy(s)  # 5. §4.2 ...
        offer = residents.reach(s, plan, staff, privacy.breaches)
        outcome = residents.react(s, offer)  # ... and §3.4–3.5
        cross_silo = stocks.move(s, plan, staff, attention)  # 6. §3.3, §3.6
        row = accounts.count(s, plan, attention, staff, privacy, outcome, offer.mediation,
                             cross_silo, output, before)  # 7. §1.4, §4.2  # fmt: skip
        self.recorder.month(s.month, **row)
        self.recorder.set(s.month, "turnover", course.elections(s))  # 8. §3.2
        self.last = {"course": plan, "attention": attention, "staff": staff}

    def run(self) -> list[pd.DataFrame]:
        """Step to the longest horizon; each run's table holds its own `months` rows."""
        while self.month < self.horizon:
            self.step()
        return [self.recorder.frame(int(m), r) for r, m in enumerate(self.months)]


def run_batches(
    configs: Sequence[ModelConfig], seeds: Sequence[int], residents: int = RESIDENTS
) -> list[pd.DataFrame]:
    """The monthly table of `configs[i]` with seed `seeds[i]`, for every i.

    Runs whose cities have one shape move together, in batches of at most `residents`
    residents (memory); a run's table is the same whatever else is in its batch.
    """
    groups: dict[tuple, list[int]] = {}
    for i, config in enumerate(configs):
        groups.setdefault(shape_of(config.city), []).append(i)
    frames: list[pd.DataFrame | None] = [None] * len(configs)
    for members in groups.values():
        size = max(1, residents // configs[members[0]].city.citizens)
        for start in range(0, len(members), size):
            part = members[start : start + size]
            batch = Batch([configs[i] for i in part], [int(seeds[i]) for i in part])
            for i, frame in zip(part, batch.run(), strict=True):
                frames[i] = frame
    return frames  # type: ignore[return-value]


def initial_state(configs: Sequence[ModelConfig], rngs: Sequence[np.random.Generator]) -> State:
    """The month-0 state of every run, each drawn from its own generator in a fixed order
    (residents, departments, partners), so run k starts the same in any batch."""
    city = configs[0].city
    if any(shape_of(c.city) != shape_of(city) for c in configs):
        raise ValueError("the runs of one batch need cities of one shape (sim.core.batch groups)")
    population = Population.draw(city.citizens, rngs, [c.parameters for c in configs],
                                 [c.mechanisms.identical_residents for c in configs],
                                 [c.city.age_shares for c in configs])  # fmt: skip
    rows = [_organisation(c.city, g) for c, g in zip(configs, rngs, strict=True)]
    silo, maturity, vendor_cap, capability, alignment = (
        np.array(x) for x in zip(*rows, strict=True)
    )
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
        dga_of=np.array([org_chart(c.city) for c in configs]),
        reflex=np.zeros((R, D)),
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
    for r, config in enumerate(
        configs
    ):  # a commune's existing partnerships (city.initial_partners)
        _activate(state, r, config.city.initial_partners)
    force_partner_count(state)
    return state


def _activate(state: State, r: int, count: int) -> None:
    """Run r's `count` most aligned co-creation candidates active, hosted in turn by the
    departments (no random draw: paired runs stay paired)."""
    order = np.argsort(-state.alignment[r], kind="stable")
    chosen = order[:count]
    state.active[r] = False
    state.active[r, chosen] = True
    state.host[r, chosen] = np.arange(chosen.size) % state.departments


def org_chart(city: CityConfig) -> np.ndarray:
    """The DGA holding each department: `city.org_chart`, or in turn (d mod dgas)."""
    if city.org_chart:
        return np.array(city.org_chart, dtype=np.int64)
    return np.arange(city.departments) % city.dgas


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
        _activate(state, r, int(target[r]))
