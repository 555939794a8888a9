"""GovernanceModel: the municipality, its five roles and the staged monthly step (docs/ODD.md §3).

The order of the stages is part of the model: the mayor sets the course, DGAs spend attention,
departments ration their hours, partners work, citizens react, stocks move, value is counted.
Behaviour lives in the agents (as in Mesa's example models); `step()` reads as the schedule and
the stages hand their results to the next as arguments. docs/ODD.md §7 gives every equation with
its parameters, and each stage names the source section it comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.core.agents import DGA, Citizen, Department, Mayor, Population, PrivatePartner
from sim.core.agents.citizens import CitizenOutcome
from sim.core.agents.department import _TASK_INDEX, Workload, ration
from sim.core.agents.department import task_weights as department_task_weights
from sim.core.agents.partner import KINDS
from sim.core.catalogue import Catalogue
from sim.core.config import ModelConfig, validate
from sim.core.governance import Course, make_trajectory
from sim.core.mean import mean
from sim.core.openness import funding, scale, staffing_effect
from sim.core.outputs import COLUMNS, REPORTERS, Recorder
from sim.core.value import account, weight_profile


def poisson_draw(mean: float, u: float) -> int:
    """A Poisson count by inversion of one uniform `u`.

    numpy's Poisson sampler consumes a varying number of uniforms, so two paired runs whose
    hazards differ would drift onto different random streams after their first breach; one
    uniform per month keeps replication k of every scenario on the same stream (common random
    numbers).
    """
    k, term = 0, math.exp(-mean)
    cumulative = term
    while u > cumulative and term > 0.0:
        k += 1
        term *= mean / k
        cumulative += term
    return k


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


@dataclass(frozen=True)
class StaffMonth:
    """What the departments did with their hours this month (stage 3)."""

    updated: int  # datasets updated
    staffing: float  # effect of the open programmes' staffing (0 below the minimum, 1 when full)
    implementation: float  # what departments could answer ÷ what residents asked, × capability
    practice: float  # open practice actually running: programmes funded and staffed, × scale
    hours_used: float  # staff hours allocated, all departments and tasks


@dataclass(frozen=True)
class Privacy:
    """This month's data exposure and its breaches (stage 5, source §4.2)."""

    exposure: float
    hazard: float
    breaches: int


class GovernanceModel(mesa.Model):
    """A local authority's smart-city policy over `config.months` months.

    Args:
        config: a validated ModelConfig (defaults: the default city, adequate resources, phased).
        rng: integer seed of the model's numpy Generator; every random draw comes from it.
        citizen_agents: create one `Citizen` agent per resident, as views on the population
            arrays (for inspection, the browser app). Batch runs that only need the monthly table
            skip them: they hold no state and draw no random numbers, so results are identical.
        **fields: model fields by dotted path, set on `config` (the Mesa way of passing model
            parameters: `GovernanceModel(**{"trajectory.kind": "open", "resources.budget": 0.4})`,
            and so `mesa.batch_run(GovernanceModel, parameters={"resources.budget": [0.4, 1.0]})`
            and SolaraViz's `model_params`, whose Reset rebuilds the model from them). An unknown
            field or a value out of range fails naming it, before anything is built.

    `datacollector` is a `mesa.DataCollector` of the headline series (REPORTERS), collected at
    month 0 and after every step, for Mesa's tools; `dataframe()` is the full monthly table.
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
        self.config = config
        city = config.city
        self.month = 0
        self.infrastructure = city.initial_infrastructure
        self.culture = city.initial_culture
        self.institutions = city.initial_institutions
        self.course: Course | None = None
        self.pending_contributions = 0.0  # % of residents' contributions awaiting an answer
        self.weights = weight_profile(config.weights)
        self.cumulative_value = 0.0

        self.population = Population(city.citizens, self.rng, config.parameters)
        if citizen_agents:
            Citizen.create_agents(self, city.citizens, index=np.arange(city.citizens))
        self.departments = [
            Department(self, i, maturity=float(self.rng.uniform(0.1, 0.3)), silo=float(s))
            for i, s in enumerate(self.rng.uniform(0.5, 1.5, city.departments))
        ]
        self.dgas = [DGA(self, self.departments[g :: city.dgas]) for g in range(city.dgas)]
        self.partners = self._partner_pool()
        self.vendors = [p for p in self.partners if not p.co_creates]
        self.co_creators = [p for p in self.partners if p.co_creates]
        # Mean capability of the vendors under contract (1.0 when the city has none).
        self.vendor_quality = mean([p.capability for p in self.vendors]) if self.vendors else 1.0
        self.mayor = Mayor(
            self, make_trajectory(config.trajectory), legitimacy=float(self.population.trust.mean())
        )
        self.catalogue = Catalogue(city.departments, city.datasets_per_department)
        self._force_partner_count()
        self.recorder = Recorder(config.months)
        self.running = True
        self.datacollector = mesa.DataCollector(model_reporters=dict(REPORTERS))
        self.datacollector.collect(self)

    # ---- construction ----------------------------------------------------------------------------
    def _partner_pool(self) -> list[PrivatePartner]:
        city = self.config.city
        vendors = round(city.partner_pool * city.vendor_share)
        kinds = ["vendor"] * vendors + [
            KINDS[1 + i % (len(KINDS) - 1)] for i in range(city.partner_pool - vendors)
        ]
        capability = np.where(
            np.array(kinds) == "vendor",
            self.rng.uniform(0.8, 1.2, len(kinds)),
            self.rng.uniform(0.5, 1.5, len(kinds)),
        )
        alignment = self.rng.random(len(kinds))
        return [
            PrivatePartner(self, k, float(c), float(a))
            for k, c, a in zip(kinds, capability, alignment, strict=True)
        ]

    # ---- views -----------------------------------------------------------------------------------
    @property
    def proactivity(self) -> float:
        return self.course.proactivity if self.course else 0.0

    @property
    def openness(self) -> float:
        return self.course.openness if self.course else 0.0

    @property
    def co_creation_partners(self) -> list[PrivatePartner]:
        return [p for p in self.co_creators if p.active]

    @property
    def technology(self) -> float:
        """How much openness can lean on technology: I, or 1 when the prerequisite is knocked out.

        Source §3.6: technology is the prerequisite of organisational change and co-creation. The
        knock-out `mechanisms.technology_prerequisite=False` is a world where open practices work
        whatever the infrastructure (culture grows ungated, partners and answers need no I).
        """
        return self.infrastructure if self.config.mechanisms.technology_prerequisite else 1.0

    @property
    def maturity(self) -> float:
        return mean([d.maturity for d in self.departments])

    def skills(self) -> float:
        """How much of a tool's value the staff's maturity releases: 1 − s + s·m̄, where s is
        `parameters.maturity_share` (half of a tool's value rests on the skills of its users)."""
        share = self.config.parameters.maturity_share
        return 1 - share + share * self.maturity

    # ---- the monthly step ------------------------------------------------------------------------
    def step(self) -> None:
        if self.month >= self.config.months:  # the tables hold `months` rows, no more
            raise RuntimeError(
                f"the model has reached its horizon (months={self.config.months}; "
                "model.running is False): build it with a longer horizon, e.g. "
                f"ModelConfig.from_dict({{'months': {2 * self.config.months}}}), to step further"
            )
        self.month += 1
        before = self.infrastructure
        course = self.mayor.set_course(self.month, self.infrastructure, self.culture)  # 1. §3.2
        self.course = course
        for dga in self.dgas:  # 2. §3.2, §3.6 administrative steering
            dga.steer(course)
        work = self._workload(course)
        staff = self._allocate_staff_hours(course, work)  # 3. §3.2–3.4 departments
        partner_output = self._partners_work(course, staff, work.per_partner)  # 4. §3.6
        privacy = self._privacy()  # 5. §4.2 breaches ...
        citizens, mediation = self._citizens_react(course, staff, privacy)  # ... and residents
        cross_silo = self._move_stocks(course, staff)  # 6. §3.6 phasing of prerequisites
        self._account(  # 7. §1.4, §4.2
            course, staff, citizens, privacy, mediation, cross_silo, partner_output, before
        )
        if self.config.mechanisms.elections and self.month % self.config.election_interval == 0:
            self.recorder.set(self.month, "turnover", 0.0 if self.mayor.face_election() else 1.0)
        if self.month >= self.config.months:
            self.running = False
        self.datacollector.collect(self)

    def _workload(self, course: Course) -> Workload:
        res, mech, params = self.config.resources, self.config.mechanisms, self.config.parameters
        n = len(self.co_creation_partners)
        per_partner = 0.0
        if mech.coordination_costs:
            per_partner = res.coordination_hours
            if mech.pairwise_coordination:
                per_partner += res.pairwise_hours * max(n - 1, 0) / 2.0
        return Workload(
            update_cost=res.update_hours * (1.0 - params.update_tools * self.infrastructure),
            per_partner=per_partner,
            training=res.training_hours
            * min(1.0, course.lines["organisation"] / params.training_budget),
            pending=self.pending_contributions,
        )

    def _allocate_staff_hours(self, course: Course, work: Workload) -> StaffMonth:
        """Stage 3: each department plans its demand per task; hours are rationed by priority."""
        reflex = np.array([d.reflex() for d in self.departments])
        intents = self.catalogue.intents(reflex, self.rng)
        intended = intents.sum(axis=1).tolist()
        demand = np.array(
            [d.plan(course, work, n) for d, n in zip(self.departments, intended, strict=True)]
        )
        capacity = np.array([d.hours for d in self.departments])
        allocation = ration(demand, department_task_weights(course.proactivity, course.openness),
                            capacity)  # fmt: skip
        shares = np.divide(allocation, demand, out=np.ones_like(demand), where=demand > 0)
        totals = demand.sum(axis=1).tolist()
        for d, hours, share, total in zip(
            self.departments, allocation, shares.tolist(), totals, strict=True
        ):
            d.receive(hours, share, total)
        if work.update_cost > 0:
            affordable = np.floor(allocation[:, 3] / work.update_cost + 1e-9).astype(int)
        else:
            affordable = np.full(len(self.departments), self.catalogue.published.shape[1])
        updated = int(self.catalogue.update(intents, affordable).sum())
        asked = demand[:, 5].sum()
        answered = allocation[:, 5].sum() / asked if asked > 0 else 1.0
        capability = (self.technology * self.culture * self.institutions) ** (1.0 / 3.0)
        staffed = mean(shares[:, _TASK_INDEX["programmes"]].tolist())
        staffing = staffing_effect(staffed, self.config.parameters.min_staffing)
        return StaffMonth(
            updated,
            staffing,
            answered * capability,
            self._practice(course, staffing),
            sum(allocation.sum(axis=1).tolist()),
        )

    def _practice(self, course: Course, staffing: float) -> float:
        """Open practice this month: the programmes' scale × their funding × their staffing.

        Openness written in a plan changes nothing by itself: practice is what a funded, staffed
        platform and partnership office actually do (source §4.1: openness with the resources).
        """
        startup, params = self.config.resources.programme_startup, self.config.parameters
        platform = funding(0.5 * course.lines["participation"], startup, params.platform_full)
        outreach = funding(course.lines["partnerships"], startup, params.outreach_full)
        return scale(course.openness, params.open_ramp) * staffing * 0.5 * (platform + outreach)

    def _partners_work(self, course: Course, staff: StaffMonth, need: float) -> float:
        """Stage 4: co-creation partners produce or starve; the mayor keeps soliciting."""
        fresh = self.catalogue.fresh_share(self.config.parameters.stale_after)
        for partner in self.co_creation_partners:  # vendors and idle candidates do not produce
            partner.cooperate(fresh)
        if self.config.mechanisms.forced_partners is not None:
            self._force_partner_count()
        else:
            self.mayor.recruit(course, self.co_creators, self.departments, staff.staffing, need)
        return float(sum(p.output for p in self.co_creation_partners))

    def _force_partner_count(self) -> None:
        """Knock-in for the hump experiment: exactly N co-creation partners, most aligned first."""
        target = self.config.mechanisms.forced_partners
        if target is None:
            return
        pool = sorted(self.co_creators, key=lambda p: (-p.alignment, p.unique_id))
        for rank, partner in enumerate(pool):
            if rank < target and not partner.active:
                partner.join(self.departments[rank % len(self.departments)])
            elif rank >= target and partner.active:
                partner.leave()

    def _privacy(self) -> Privacy:
        """Breaches: Poisson with hazard ∝ data exposure (source §4.2)."""
        exposure = self.data_exposure()
        hazard = self.config.parameters.breach_hazard * exposure
        return Privacy(exposure, hazard, poisson_draw(hazard, float(self.rng.random())))

    def _citizens_react(
        self, course: Course, staff: StaffMonth, privacy: Privacy
    ) -> tuple[CitizenOutcome, float]:
        """Stage 5: the whole population updates at once (source §3.4–3.5, §4.2)."""
        params, mech = self.config.parameters, self.config.mechanisms
        half = 0.5 * course.lines["participation"]  # platform half, mediation half
        mediation = funding(half, 0.0, params.mediation_full) if mech.mediation else 0.0
        startup = self.config.resources.programme_startup
        channel = funding(half, startup, params.platform_full) * staff.staffing
        result = self.population.step(
            self.rng,
            availability=self.infrastructure * self.skills(),
            digitisation=self.infrastructure,
            openness=course.openness,
            platform=self.technology * channel,
            mediation=mediation,
            implementation=staff.implementation,
            breaches=privacy.breaches,
            params=params,
            fatigue=mech.fatigue,
            month=self.month,
        )
        self.pending_contributions = result.contribution_pct
        self.mayor.update_legitimacy(result.trust)
        return result, mediation

    def data_exposure(self) -> float:
        """Privacy exposure: data collected (I) × appetite of those who see it × what charters
        leave, I (0.5 + ē)(1 + n/10)(1 − 0.7 Q) by default.

        More sensors collect more; each active co-creation partner widens the circle that handles
        the data (`privacy_circle` partners double it) and brings its appetite; data-governance
        charters (Q) remove up to `privacy_charters` of it.
        """
        params = self.config.parameters
        active = [p for p in self.partners if p.active]
        appetite = mean([p.appetite for p in active]) if active else 0.0
        circle = 1.0 + len(self.co_creation_partners) / params.privacy_circle
        return (
            self.infrastructure
            * (params.appetite_floor + appetite)
            * circle
            * (1.0 - params.privacy_charters * self.institutions)
        )

    def _move_stocks(self, course: Course, staff: StaffMonth) -> float:
        """Stage 6: I, C, Q and the catalogue. C needs technology, Q needs culture (source §3.6).

        Returns the transversal work the DGAs brokered (it drives culture and collaboration).
        """
        params, mech, lines = self.config.parameters, self.config.mechanisms, course.lines
        I, C, Q = self.infrastructure, self.culture, self.institutions
        # Deployment goes faster when the DGAs push it and departments have the hours (§3.2).
        push = mean([d.dga_support * d.fraction("operation") for d in self.departments])
        push *= course.proactivity * course.commitment
        dI = params.infra_growth * lines["infrastructure"] ** params.budget_returns
        dI = dI * self.vendor_quality * (0.5 + 0.5 * push) * (1 - I) - params.infra_decay * I
        gate_I = 1.0
        if mech.technology_prerequisite:
            gate_I = sigmoid((I - params.technology_threshold) / params.prerequisite_width)
        cross_silo = mean([g.cross_silo for g in self.dgas]) * staff.staffing
        drive_C = (
            lines["organisation"]
            + params.culture_drive_practice * staff.practice
            + params.culture_drive_cross_silo * cross_silo
        )
        dC = params.culture_growth * drive_C * gate_I * (1 - C) - params.culture_decay * C
        gate_C = 1.0
        if mech.culture_prerequisite:
            gate_C = sigmoid((C - params.culture_threshold) / params.prerequisite_width)
        funded = min(1.0, lines["institutions"] / params.institution_budget)
        dQ = params.institution_growth * staff.practice * C * funded * gate_C * (1 - Q)
        dQ -= params.institution_decay * Q
        self.infrastructure = min(1.0, max(0.0, I + dI))
        self.culture = min(1.0, max(0.0, C + dC))
        self.institutions = min(1.0, max(0.0, Q + dQ))
        intensity = min(1.0, lines["organisation"] / params.training_budget)
        for d in self.departments:
            d.learn(intensity)
        self.catalogue.publish(params.publish_rate * staff.practice * self.technology, self.rng)
        return cross_silo

    def _account(
        self,
        course: Course,
        staff: StaffMonth,
        citizens: CitizenOutcome,
        privacy: Privacy,
        mediation: float,
        cross_silo: float,
        partner_output: float,
        before: float,
    ) -> None:
        """Stage 7: generators -> dimensions, destruction, and the month's record."""
        params, cat = self.config.parameters, self.catalogue
        I, C = self.infrastructure, self.culture
        skills = self.skills()
        operation = mean([d.fraction("operation") for d in self.departments])
        stale_share_all = float(cat.stale(params.stale_after).sum() / cat.size) if cat.size else 0.0
        generators = np.array(
            [
                I * skills * operation,
                citizens.users * skills,
                I * (params.intrinsic_culture * C + params.intrinsic_mediation * mediation),
                cat.fresh_share(params.stale_after)
                * (params.transparency_base + (1 - params.transparency_base) * I),
                min(1.0, citizens.participation_year / params.participation_reference)
                * staff.implementation,
                params.co_creation_value * partner_output + cross_silo * C * self.technology,
            ]
        )
        destruction = np.array(
            [
                params.exclusion_harm * citizens.harm * skills,
                params.privacy_harm * privacy.exposure + params.breach_harm * privacy.breaches,
                params.footprint_operating * I + params.footprint_embodied * max(0.0, I - before),
                params.stale_harm * stale_share_all,
            ]
        )
        values = account(generators, destruction, self.weights)
        self.cumulative_value += values.net_total
        loads = [d.load for d in self.departments]
        self.recorder.month(
            self.month,
            generators=generators,
            destruction=destruction,
            values=values,
            state={
                "proactivity": course.proactivity,
                "openness": course.openness,
                "infrastructure": I,
                "culture": C,
                "institutions": self.institutions,
                "budget": course.budget,
                "budget_spent": course.spent,
                "hours_capacity": sum(d.hours for d in self.departments),
                "hours_used": staff.hours_used,
                "load": mean(loads),
                "load_max": max(loads),
                "dga_unmet": sum(g.unmet for g in self.dgas),
                "programme_staffing": staff.staffing,
                "commitment": course.commitment,
                "legitimacy": self.mayor.legitimacy,
                "partners": len(self.co_creation_partners),
                "partner_output": partner_output,
                "users": citizens.users,
                "participation": citizens.participation,
                "participation_year": citizens.participation_year,
                "implementation": staff.implementation,
                "trust": citizens.trust,
                "trust_gap": citizens.trust_gap,
                "illectronism": citizens.illectronism,
                "mediation": mediation,
                "published_share": float(cat.published.mean()) if cat.size else 0.0,
                "stale_share": cat.stale_share(params.stale_after),
                "dataset_updates": staff.updated,
                "breach_hazard": privacy.hazard,
                "breaches": privacy.breaches,
                "value_cumulative": self.cumulative_value,
            },
        )

    # ---- results ---------------------------------------------------------------------------------
    def run(self) -> pd.DataFrame:
        """Step to the horizon and return the monthly table."""
        while self.running:
            self.step()
        return self.dataframe()

    def series(self, column: str) -> np.ndarray:
        """One column of the monthly table for the months stepped so far, without building the
        table (a read-only view: the app redraws one month at a time)."""
        return self.recorder.column(column, self.month)

    def dataframe(self) -> pd.DataFrame:
        """One row per month stepped so far (built once, from preallocated arrays)."""
        return self.recorder.frame(self.month)


__all__ = ["COLUMNS", "GovernanceModel"]
