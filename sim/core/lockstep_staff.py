"""Stages 2–4 of the lockstep (`sim.core.lockstep`): DGAs, departments and partners over runs.

The staff side of `GovernanceModel.step` — DGAs spend attention (`DGA.steer`), departments
plan and ration their hours and keep the catalogue (`Department.plan`, `ration`,
`Catalogue.update`), co-creation partners produce, starve and are recruited
(`PrivatePartner.cooperate`, `Mayor.recruit`) — for every run at once: departments are
`(runs, departments)` arrays, partners `(runs, candidates)`, the catalogue
`(runs, departments, datasets)`. `Lockstep` holds the state; this class holds the rules.
"""

from __future__ import annotations

import numpy as np

from sim.core.agents.department import (
    ANSWERS,
    DATA_UPKEEP,
    OPERATION,
    PARTNERSHIPS,
    PROGRAMMES,
    TASKS,
    TRAINING,
    ration,
    task_weights,
)
from sim.core.runwise import Columns, fsum_rows, funding_v, python_sums, scale_v


class StaffStages:
    """The staff stages of `Lockstep` (its state is declared there)."""

    runs: int
    D: int
    G: int
    par: Columns
    res: Columns
    mech: Columns
    rngs: list[np.random.Generator]
    I: np.ndarray  # stocks, (runs,)
    C: np.ndarray
    Q: np.ndarray
    pending: np.ndarray  # % of residents awaiting an answer, (runs,)
    published: np.ndarray  # the catalogue, (runs, departments, datasets)
    age: np.ndarray
    silo: np.ndarray  # departments, (runs, departments)
    hours: np.ndarray  # staff hours of each department, (runs,)
    dga_of: np.ndarray  # each department's DGA, (departments,)
    portfolio: np.ndarray  # departments per DGA, (dgas,)
    override: np.ndarray  # reflex overridden, (runs,), and its value, (runs, 1)
    override_value: np.ndarray
    active: np.ndarray  # co-creation candidates, (runs, candidates)
    host: np.ndarray
    starved: np.ndarray
    output: np.ndarray
    capability: np.ndarray
    alignment: np.ndarray
    base_alignment: np.ndarray
    reputation: np.ndarray  # the pool's initial alignment, (runs,)

    def technology(self) -> np.ndarray:
        """I, or 1 where the technology prerequisite is knocked out (model.technology)."""
        return np.where(self.mech.technology_prerequisite, self.I, 1.0)

    def fresh_share(self) -> np.ndarray:
        """Catalogue.fresh_share of every run."""
        size = self.published[0].size
        if not size:
            return np.zeros(self.runs)
        fresh = self.published & (self.age <= self.par.stale_after[:, None, None])
        return fresh.sum(axis=(1, 2)) / size

    def _steer(self, course: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Stage 2: every DGA of every run (DGA.steer); each department's support from its DGA."""
        R, D, res = self.runs, self.D, self.res
        flat = (np.arange(R)[:, None] * D + self.host)[self.active]
        self.hosted = np.bincount(flat, minlength=R * D).reshape(R, D)
        hosted_g = np.stack([self.hosted[:, g :: self.G].sum(axis=1) for g in range(self.G)], 1)
        n = self.portfolio
        p, o, c = course["p"][:, None], course["o"][:, None], course["commitment"][:, None]
        per_partner = np.where(self.mech.coordination_costs, res.dga_partner_hours, 0.0)[:, None]
        push = p * c * res.push_hours[:, None] * n
        broker = o * (res.cross_silo_hours[:, None] * n + per_partner * hosted_g)
        committees = scale_v(o, self.par.open_ramp[:, None]) * res.programme_attention[:, None]
        committees = committees * n
        demand = push + broker + committees
        used = np.minimum(demand, res.dga_hours[:, None])
        support = np.divide(used, demand, out=np.ones_like(demand), where=demand > 0)
        return {
            "support": support[:, self.dga_of],
            "unmet": python_sums(demand - used),
            "cross_silo": np.array(fsum_rows(o * support)),
        }

    def _allocate_staff_hours(self, course: dict, dgas: dict) -> dict:
        """Stage 3: workload, reflexes, intents, demand, rationing, the catalogue's updates."""
        R, D, res, par, mech = self.runs, self.D, self.res, self.par, self.mech
        p, o, commit = course["p"], course["o"], course["commitment"]
        # model._workload
        pairs = np.maximum(self.active.sum(axis=1) - 1, 0)
        need = np.where(
            mech.pairwise_coordination,
            res.coordination_hours + res.pairwise_hours * pairs / 2.0,
            res.coordination_hours,
        )
        self.need = np.where(mech.coordination_costs, need, 0.0)
        update_cost = res.update_hours * (1.0 - par.update_tools * self.I)
        training = res.training_hours * np.minimum(
            1.0, course["organisation"] / par.training_budget
        )
        # Department.reflex and Catalogue.intents
        C, Q = self.C[:, None], self.Q[:, None]
        reflex = (
            par.base_reflex[:, None]
            + par.reflex_culture[:, None] * C
            + par.reflex_institutions[:, None] * Q
            - par.reflex_silo[:, None] * self.silo * (1 - C)
        )
        reflex = np.minimum(1.0, np.maximum(0.0, reflex))
        reflex = np.where(self.override[:, None], self.override_value, reflex)
        draws = np.stack([g.random(self.published.shape[1:]) for g in self.rngs])
        intents = self.published & (self.age >= 1) & (draws < reflex[:, :, None])
        # Department.plan, then the rationing
        deployment = res.deployment_hours * p * commit
        tasks = len(TASKS)
        demand = np.empty((R, D, tasks))
        demand[:, :, OPERATION] = (res.operation_hours * self.I)[:, None] + deployment[
            :, None
        ] * dgas["support"]
        demand[:, :, TRAINING] = training[:, None]
        demand[:, :, PROGRAMMES] = (res.programme_hours * scale_v(o, par.open_ramp))[:, None]
        demand[:, :, DATA_UPKEEP] = intents.sum(axis=2) * update_cost[:, None]
        demand[:, :, PARTNERSHIPS] = self.hosted * self.need[:, None]
        demand[:, :, ANSWERS] = (res.answer_hours * self.pending)[:, None]
        allocation = ration(
            demand.reshape(R * D, tasks),
            np.repeat(task_weights(p, o), D, axis=0),
            np.repeat(self.hours, D),
        ).reshape(R, D, tasks)
        shares = np.divide(allocation, demand, out=np.ones_like(demand), where=demand > 0)
        # Catalogue.update: age every published dataset, reset the first affordable intents
        positive = update_cost > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            per_cost = np.floor(allocation[:, :, DATA_UPKEEP] / update_cost[:, None] + 1e-9)
        affordable = np.where(positive[:, None], per_cost, self.published.shape[2])
        updated = intents & (np.cumsum(intents, axis=2) <= affordable[:, :, None])
        self.age[self.published] += 1
        self.age[updated] = 0
        # What the month's hours achieved (model._allocate_staff_hours, model._practice)
        asked = np.ascontiguousarray(demand[:, :, ANSWERS]).sum(axis=1)
        given = np.ascontiguousarray(allocation[:, :, ANSWERS]).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            answered = np.where(asked > 0, given / asked, 1.0)
        product = (self.technology() * self.C * self.Q).tolist()
        capability = np.array([x ** (1.0 / 3.0) for x in product])
        staffed = np.array(fsum_rows(shares[:, :, PROGRAMMES])) / D
        minimum = par.min_staffing
        staffing = np.minimum(1.0, np.maximum(0.0, (staffed - minimum) / (1.0 - minimum)))
        startup = res.programme_startup
        platform = funding_v(0.5 * course["participation"], startup, par.platform_full)
        outreach = funding_v(course["partnerships"], startup, par.outreach_full)
        practice = scale_v(o, par.open_ramp) * staffing * 0.5 * (platform + outreach)
        return {
            "updated": updated.sum(axis=(1, 2)),
            "staffing": staffing,
            "implementation": answered * capability,
            "practice": practice,
            "hours_used": python_sums(allocation.sum(axis=2)),
            "shares": shares,
            "totals": demand.sum(axis=2),
        }

    def _partners_work(self, course: dict, staff: dict, dgas: dict) -> np.ndarray:
        """Stage 4: co-creation partners produce or starve (PrivatePartner.cooperate), the mayor
        solicits more (Mayor.recruit). Returns the partners' output."""
        R, par = self.runs, self.par
        rows = np.arange(R)[:, None]
        fresh = self.fresh_share()[:, None]
        active = self.active
        hours_share = np.minimum(
            staff["shares"][rows, self.host, PARTNERSHIPS], dgas["support"][rows, self.host]
        )
        data_reuse = par.data_reuse[:, None]
        reuse = (1.0 - data_reuse) + data_reuse * fresh
        productivity = (
            np.minimum(1.0, hours_share) * self.technology()[:, None] * self.C[:, None] * reuse
        )
        starved = (hours_share < par.starved_below[:, None]) | (
            productivity < par.idle_below[:, None]
        )
        self.output = np.where(active, self.capability * productivity, self.output)
        self.starved = np.where(active, np.where(starved, self.starved + 1, 0), self.starved)
        leave = active & (self.starved >= par.starvation_months[:, None])
        burnt = par.burnt_alignment[:, None] * self.base_alignment
        self.alignment = np.where(leave, burnt, self.alignment)
        self.active = active & ~leave
        self.output[leave] = 0.0
        # Mayor.recruit: two draws per candidate, whatever happens
        P = self.active.shape[1]
        draws = np.stack([g.random(P) for g in self.rngs])
        hosts = np.stack([g.integers(0, self.D, P) for g in self.rngs])
        spare = np.maximum(0.0, self.hours[:, None] - staff["totals"])
        with np.errstate(divide="ignore", invalid="ignore"):
            room = np.minimum(1.0, spare / self.need[:, None])
        slack = np.where(self.need <= 0.0, 1.0, np.array(fsum_rows(room)) / self.D)
        outreach = funding_v(course["partnerships"], self.res.programme_startup, par.outreach_full)
        outreach = outreach * staff["staffing"]
        expected = par.recruitment_rate * course["o"] * outreach
        expected = expected * (par.push + (1.0 - par.push) * slack)
        soliciting = (expected > 0.0) & (self.reputation > 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            chance = expected[:, None] * self.alignment / self.reputation[:, None]
        joins = soliciting[:, None] & ~self.active & (draws < chance)
        self.active |= joins
        self.host = np.where(joins, hosts, self.host)
        self.starved = np.where(joins, 0, self.starved)
        return np.array([sum(x[a].tolist()) for x, a in zip(self.output, self.active, strict=True)])
