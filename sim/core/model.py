"""GovernanceModel: the municipality, its five roles and the staged monthly step (docs/ODD.md §3).

The order of the stages is part of the model: the mayor sets the course, DGAs spend attention,
departments ration their hours, partners work, citizens react, stocks move, value is counted.
Each stage is a short method that names the source section it comes from; docs/ODD.md gives the
equations with their parameters.
"""

from __future__ import annotations

import math
from statistics import fmean

import mesa
import numpy as np
import pandas as pd

from sim.core.agents import DGA, Citizen, Department, Mayor, Population, PrivatePartner
from sim.core.agents.citizens import MEDIATION_NEED, PARTICIPATION_CHANNEL
from sim.core.agents.department import (
    DEPLOYMENT_HOURS,
    OPERATION_HOURS,
    TASKS,
    TRAINING_BUDGET,
    TRAINING_HOURS,
    ration,
    task_weights,
)
from sim.core.agents.partner import KINDS
from sim.core.catalogue import Catalogue
from sim.core.config import ModelConfig, validate
from sim.core.governance import make_trajectory
from sim.core.value import DESTRUCTIONS, DIMENSIONS, GENERATORS, account, weight_profile

INSTITUTION_BUDGET = 0.15  # M€/month that fully funds charters and frameworks (assumption)
PARTNERSHIP_BUDGET = 0.15  # M€/month of partnership budget that funds full outreach (assumption)
PARTICIPATION_REFERENCE = 0.04  # participation share that saturates the generator (PB turnout ≈ 4%)
PARTNER_REFERENCE = 8.0  # partner output that equals one unit of collaboration (assumption)
PRIVACY_EXPOSURE = 0.1  # monthly privacy harm per unit of data exposure (assumption)
BREACH_HARM = 0.5  # value destroyed in the month of a breach (assumption)
STALE_HARM = 0.5  # value destroyed by a fully stale catalogue per month (assumption)

COLUMNS = (
    "month",
    "proactivity",
    "openness",
    "infrastructure",
    "culture",
    "institutions",
    "budget",
    "budget_spent",
    "hours_capacity",
    "hours_used",
    "load",
    "load_max",
    "dga_unmet",
    "commitment",
    "legitimacy",
    "turnover",
    "partners",
    "partner_output",
    "users",
    "participation",
    "implementation",
    "trust",
    "trust_gap",
    "illectronism",
    "mediation",
    "published_share",
    "stale_share",
    "dataset_updates",
    "breach_hazard",
    "breaches",
    *(f"generator_{g}" for g in GENERATORS),
    *(f"gross_{d}" for d in DIMENSIONS),
    *(f"destroyed_{d}" for d in DIMENSIONS),
    *(f"flow_{d}" for d in DIMENSIONS),
    *(f"destruction_{k}" for k in DESTRUCTIONS),
    "value_gross",
    "value_destroyed",
    "value_flow",
    "value_cumulative",
)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


class GovernanceModel(mesa.Model):
    """A local authority's smart-city policy over `config.months` months.

    Args:
        config: a validated ModelConfig (defaults: the default city, adequate resources, phased).
        rng: integer seed of the model's numpy Generator; every random draw comes from it.
        citizen_agents: create one `Citizen` agent per resident, as views on the population
            arrays (for inspection, the browser app). Batch runs that only need the monthly table
            skip them: they hold no state and draw no random numbers, so results are identical.
    """

    def __init__(
        self,
        config: ModelConfig | None = None,
        rng: int | None = None,
        *,
        citizen_agents: bool = True,
    ) -> None:
        config = config or ModelConfig()
        validate(config)
        super().__init__(rng=rng)
        self.config = config
        city = config.city
        self.month = 0
        self.infrastructure = city.initial_infrastructure
        self.culture = city.initial_culture
        self.institutions = city.initial_institutions
        self.proactivity = self.openness = 0.0
        self.budget = 0.0
        self.budget_lines: dict[str, float] = {}
        self.pending_contributions = 0.0  # % of residents' contributions awaiting an answer
        self.implementation = 1.0
        self.weights = weight_profile(config.weights)
        self.cumulative_value = 0.0

        self.population = Population(city.citizens, self.rng)
        if citizen_agents:
            Citizen.create_agents(self, city.citizens, index=np.arange(city.citizens))
        self.departments = [
            Department(self, i, maturity=float(self.rng.uniform(0.1, 0.3)), silo=float(s))
            for i, s in enumerate(self.rng.uniform(0.5, 1.5, city.departments))
        ]
        self.dgas = [DGA(self, self.departments[g :: city.dgas]) for g in range(city.dgas)]
        self.partners = self._partner_pool()
        self.vendors = [p for p in self.partners if not p.co_creates]
        self.cocreators = [p for p in self.partners if p.co_creates]
        # Mean capability of the vendors under contract (1.0 when the city has none).
        self.vendor_quality = fmean([p.capability for p in self.vendors]) if self.vendors else 1.0
        self.mayor = Mayor(
            self, make_trajectory(config.trajectory), legitimacy=float(self.population.trust.mean())
        )
        self.catalogue = Catalogue(city.departments, city.datasets_per_department)
        self._force_partner_count()
        self._record = {c: np.zeros(config.months) for c in COLUMNS}
        self.running = True

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
    def co_creation_partners(self) -> list[PrivatePartner]:
        return [p for p in self.cocreators if p.active]

    @property
    def technology(self) -> float:
        """How much openness can lean on technology: I, or 1 when the prerequisite is knocked out.

        Seed §3.6: technology is the prerequisite of organisational change and co-creation. The
        knock-out `mechanisms.technology_prerequisite=False` is a world where open practices work
        whatever the infrastructure (culture grows ungated, partners and answers need no I).
        """
        return self.infrastructure if self.config.mechanisms.technology_prerequisite else 1.0

    # ---- the monthly step ------------------------------------------------------------------------
    def step(self) -> None:
        self.month += 1
        previous_infrastructure = self.infrastructure
        self.mayor.set_course()  # 1. §3.2 political steering
        for dga in self.dgas:  # 2. §3.2, §3.6 administrative steering
            dga.steer()
        updated = self._allocate_staff_hours()  # 3. §3.2–3.4 departments
        self._partners_work()  # 4. §3.6 partnerships
        citizens, breaches, hazard = self._citizens_react()  # 5. §3.4–3.5, §4.2
        self._move_stocks()  # 6. §3.6 phasing of prerequisites
        self._account(citizens, breaches, hazard, updated, previous_infrastructure)  # 7. §1.4, §4.2
        if self.config.mechanisms.elections and self.month % self.config.election_interval == 0:
            self._record["turnover"][self.month - 1] = 0.0 if self.mayor.face_election() else 1.0
        if self.month >= self.config.months:
            self.running = False

    def _allocate_staff_hours(self) -> int:
        """Stage 3: each department's demand per task, rationed under governance priorities."""
        res, p, o = self.config.resources, self.proactivity, self.openness
        reflex = np.array([d.reflex() for d in self.departments])
        intents = self.catalogue.intents(reflex, self.rng)
        update_cost = res.update_hours * (1.0 - 0.5 * self.infrastructure)
        n = len(self.co_creation_partners)
        per_partner = res.coordination_hours
        if self.config.mechanisms.pairwise_coordination:
            per_partner += res.pairwise_hours * max(n - 1, 0) / 2.0
        training = TRAINING_HOURS * min(1.0, self.budget_lines["organisation"] / TRAINING_BUDGET)
        demand = np.empty((len(self.departments), len(TASKS)))
        for i, d in enumerate(self.departments):
            demand[i] = (
                OPERATION_HOURS * self.infrastructure
                + DEPLOYMENT_HOURS * p * self.mayor.commitment * d.dga_support,
                training,
                intents[i].sum() * update_cost,
                d.partners_hosted * per_partner,
                res.answer_hours * self.pending_contributions,
            )
        capacity = np.array([d.hours for d in self.departments])
        allocation = ration(demand, task_weights(p, o), capacity)
        for i, d in enumerate(self.departments):
            d.demand, d.allocation = demand[i], allocation[i]
        if update_cost > 0:
            affordable = np.floor(allocation[:, 2] / update_cost + 1e-9).astype(int)
        else:
            affordable = np.full(len(self.departments), self.catalogue.published.shape[1])
        updated = int(self.catalogue.update(intents, affordable).sum())
        asked = demand[:, 4].sum()
        answered = allocation[:, 4].sum() / asked if asked > 0 else 1.0
        capability = (self.technology * self.culture * self.institutions) ** (1.0 / 3.0)
        self.implementation = answered * capability
        return updated

    def _partners_work(self) -> None:
        """Stage 4: co-creation partners produce or starve; the mayor keeps soliciting."""
        for partner in self.partners:
            partner.cooperate()
        if self.config.mechanisms.forced_partners is not None:
            self._force_partner_count()
            return
        self._recruit()

    def _recruit(self) -> None:
        """New partners join ∝ o × outreach × alignment × (push + (1 − push) · slack) (§3.6).

        Slack is spare coordination capacity (1 − mean department load); the political push
        keeps soliciting even when there is none ("on essaye de multiplier les partenariats").
        """
        params = self.config.parameters
        # One draw per member of the pool, active or not, so that paired runs of different
        # scenarios stay on the same random stream (common random numbers).
        draws = self.rng.random(len(self.cocreators))
        hosts = self.rng.integers(0, len(self.departments), len(self.cocreators))
        load = fmean([d.load for d in self.departments])
        slack = min(1.0, max(0.0, 1.0 - load))
        outreach = min(1.0, self.budget_lines["partnerships"] / PARTNERSHIP_BUDGET)
        base = params.recruitment_rate * self.openness * outreach
        rate = base * (params.push + (1.0 - params.push) * slack)
        for partner, draw, host in zip(self.cocreators, draws, hosts, strict=True):
            if not partner.active and draw < rate * partner.alignment:
                partner.join(self.departments[host])

    def _force_partner_count(self) -> None:
        """Knock-in for the hump experiment: exactly N co-creation partners, most aligned first."""
        target = self.config.mechanisms.forced_partners
        if target is None:
            return
        pool = sorted(self.cocreators, key=lambda p: (-p.alignment, p.unique_id))
        for rank, partner in enumerate(pool):
            if rank < target and not partner.active:
                partner.join(self.departments[rank % len(self.departments)])
            elif rank >= target and partner.active:
                partner.leave()

    def _citizens_react(self):
        """Stage 5: breaches are drawn, then the whole population updates at once."""
        params, mech = self.config.parameters, self.config.mechanisms
        lines = self.budget_lines
        self._exposure = self.data_exposure()
        hazard = params.breach_hazard * self._exposure
        breaches = int(self.rng.poisson(hazard))
        mediation = (
            min(1.0, 0.5 * lines["participation"] / MEDIATION_NEED) if mech.mediation else 0.0
        )
        maturity = fmean([d.maturity for d in self.departments])
        channel = min(1.0, 0.5 * lines["participation"] / (0.5 * PARTICIPATION_CHANNEL))
        result = self.population.step(
            self.rng,
            availability=self.infrastructure * (0.5 + 0.5 * maturity),
            digitisation=self.infrastructure,
            openness=self.openness,
            platform=self.infrastructure * (0.3 + 0.7 * channel),
            mediation=mediation,
            implementation=self.implementation,
            breaches=breaches,
            params=params,
            fatigue=mech.fatigue,
        )
        self.pending_contributions = result.contribution_pct
        self.mayor.update_legitimacy(result.trust)
        self._mediation = mediation
        return result, breaches, hazard

    def data_exposure(self) -> float:
        """Privacy exposure: data collected (I) × appetite of the partners who see it × (1 − 0.7 Q).

        More sensors collect more; each active partner widens the circle that handles the data
        (+10% each) and brings its appetite (0.5 + mean appetite); data-governance charters (Q)
        remove up to 70% of the exposure.
        """
        active = [p for p in self.partners if p.active]
        appetite = fmean([p.appetite for p in active]) if active else 0.0
        circle = 1.0 + len(self.co_creation_partners) / 10
        return self.infrastructure * (0.5 + appetite) * circle * (1.0 - 0.7 * self.institutions)

    def breach_hazard(self) -> float:
        """Expected breaches this month: the hazard rate times the data exposure (source §4.2)."""
        return self.config.parameters.breach_hazard * self.data_exposure()

    def _move_stocks(self) -> None:
        """Stage 6: I, C, Q and the catalogue. C needs technology, Q needs culture (source §3.6)."""
        params, lines = self.config.parameters, self.budget_lines
        I, C, Q, o = self.infrastructure, self.culture, self.institutions, self.openness
        # Deployment goes faster when the DGAs push it and departments have the hours (§3.2).
        push = fmean([d.dga_support * d.fraction("operation") for d in self.departments])
        push *= self.proactivity * self.mayor.commitment
        dI = (
            params.infra_growth
            * lines["infrastructure"] ** params.budget_returns
            * self.vendor_quality
        )
        dI = dI * (0.5 + 0.5 * push) * (1 - I) - params.infra_decay * I
        gate_I = 1.0
        if self.config.mechanisms.technology_prerequisite:
            gate_I = sigmoid((I - params.technology_threshold) / params.prerequisite_width)
        cross_silo = fmean([g.cross_silo for g in self.dgas])
        drive_C = lines["organisation"] + 0.3 * o + 0.2 * cross_silo
        dC = params.culture_growth * drive_C * gate_I * (1 - C) - params.culture_decay * C
        gate_C = sigmoid((C - params.culture_threshold) / params.prerequisite_width)
        funded = min(1.0, lines["institutions"] / INSTITUTION_BUDGET)
        dQ = params.institution_growth * o * C * funded * gate_C * (1 - Q)
        dQ -= params.institution_decay * Q
        self.infrastructure = min(1.0, max(0.0, I + dI))
        self.culture = min(1.0, max(0.0, C + dC))
        self.institutions = min(1.0, max(0.0, Q + dQ))
        intensity = min(1.0, lines["organisation"] / TRAINING_BUDGET)
        for d in self.departments:
            d.learn(intensity)
        self.catalogue.publish(params.publish_rate * o * I, self.rng)
        self._cross_silo = cross_silo

    def _account(self, citizens, breaches: int, hazard: float, updated: int, prev_I: float) -> None:
        """Stage 7: generators -> dimensions, destruction, and the month's record."""
        params, cat = self.config.parameters, self.catalogue
        I, C, Q = self.infrastructure, self.culture, self.institutions
        maturity = fmean([d.maturity for d in self.departments])
        operation = fmean([d.fraction("operation") for d in self.departments])
        stale = cat.stale(params.stale_after)
        fresh_share = float((cat.published & ~stale).sum() / cat.size) if cat.size else 0.0
        partner_output = float(sum(p.output for p in self.co_creation_partners))
        generators = np.array(
            [
                I * (0.5 + 0.5 * maturity) * operation,
                citizens.users * (0.5 + 0.5 * maturity),
                I * (0.6 * C + 0.4 * self._mediation),
                fresh_share * (0.3 + 0.7 * I),
                min(1.0, citizens.participation / PARTICIPATION_REFERENCE) * self.implementation,
                partner_output / PARTNER_REFERENCE + self._cross_silo * C * self.technology,
            ]
        )
        destruction = np.array(
            [
                params.exclusion_harm * citizens.harm,
                PRIVACY_EXPOSURE * self._exposure + BREACH_HARM * breaches,
                params.footprint_operating * I + params.footprint_embodied * max(0.0, I - prev_I),
                STALE_HARM * (float(stale.sum()) / cat.size if cat.size else 0.0),
            ]
        )
        gross, destroyed, net, v_gross, v_destroyed, v_net = account(
            generators, destruction, self.weights
        )
        self.cumulative_value += v_net
        loads = [d.load for d in self.departments]
        row = {
            "month": self.month,
            "proactivity": self.proactivity,
            "openness": self.openness,
            "infrastructure": I,
            "culture": C,
            "institutions": Q,
            "budget": self.budget,
            "budget_spent": sum(self.budget_lines.values()),
            "hours_capacity": sum(d.hours for d in self.departments),
            "hours_used": sum(float(d.allocation.sum()) for d in self.departments),
            "load": fmean(loads),
            "load_max": max(loads),
            "dga_unmet": sum(g.unmet for g in self.dgas),
            "commitment": self.mayor.commitment,
            "legitimacy": self.mayor.legitimacy,
            "partners": len(self.co_creation_partners),
            "partner_output": partner_output,
            "users": citizens.users,
            "participation": citizens.participation,
            "implementation": self.implementation,
            "trust": citizens.trust,
            "trust_gap": citizens.trust_gap,
            "illectronism": citizens.illectronism,
            "mediation": self._mediation,
            "published_share": float(cat.published.mean()) if cat.size else 0.0,
            "stale_share": cat.stale_share(params.stale_after),
            "breach_hazard": hazard,
            "breaches": breaches,
            "value_gross": v_gross,
            "value_destroyed": v_destroyed,
            "value_flow": v_net,
            "value_cumulative": self.cumulative_value,
        }
        t = self.month - 1
        for name, value in row.items():
            self._record[name][t] = value
        for k, name in enumerate(GENERATORS):
            self._record[f"generator_{name}"][t] = generators[k]
        for k, name in enumerate(DIMENSIONS):
            self._record[f"gross_{name}"][t] = gross[k]
            self._record[f"destroyed_{name}"][t] = destroyed[k]
            self._record[f"flow_{name}"][t] = net[k]
        for k, name in enumerate(DESTRUCTIONS):
            self._record[f"destruction_{name}"][t] = destruction[k]
        self._record["dataset_updates"][t] = updated

    # ---- results ---------------------------------------------------------------------------------
    def run(self) -> pd.DataFrame:
        """Step to the horizon and return the monthly table."""
        while self.running:
            self.step()
        return self.dataframe()

    def dataframe(self) -> pd.DataFrame:
        """One row per month stepped so far (built once, from preallocated arrays)."""
        frame = pd.DataFrame({c: v[: self.month] for c, v in self._record.items()})
        for c in ("month", "partners", "breaches", "turnover", "dataset_updates"):
            frame[c] = frame[c].astype(np.int64)
        return frame
