"""The null (docking) model: the agent model's mechanisms with every population made one number.

A docking study (Axtell, Axelrod, Epstein & Cohen 1996, "Aligning simulation models") runs two
models of one system on the same inputs and asks which results they share. This one keeps all of
`GovernanceModel` that needs no agents — trajectories, budget shares, resources, the stock
equations and their gates, the open programmes' start-up, the value generators and weights — and
makes each population one quantity: the departments one pool of hours rationed once among the
same tasks, the DGAs one pool of attention; the co-creation partners a continuous count (held by
months of consecutive starvation, so the departure rule is the agents' own); the residents one
illectronic share, mean literacy, trust, propensity and participation share; the catalogue the
published share by age in months; breaches their expected count; an election its more likely
outcome. Where the agents draw an attribute from a distribution, its mean is used; the model is
deterministic. Patterns that survive here need no agents (docs/ODD.md, "The null model").

Columns: `COLUMNS`, same names, meanings and order; `partners`, `dataset_updates`, `breaches` are
expected counts (reals), `load_max` equals `load` (one pool), `trust_gap` is NaN (no quintiles).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core import model, openness
from sim.core.agents import citizens, department, partner
from sim.core.config import ModelConfig, validate
from sim.core.governance import Course, budget_shares, make_trajectory
from sim.core.outputs import COLUMNS, Recorder
from sim.core.value import account, weight_profile

# Means of the agent model's initial distributions (docs/ODD.md §5), one number per population:
# illectronism by age × age structure; literacy uniform(0.02, threshold) below the threshold and
# threshold + (1 − threshold) Beta(2, 2) above; trust Beta(5, 5); maturity uniform(0.1, 0.3);
# silo uniform(0.5, 1.5); privacy concern uniform(0, 1); co-creators' kinds in rotation.
ILLECTRONIC_SHARE = float(citizens.AGE_SHARES @ citizens.ILLECTRONISM)
INITIAL_TRUST, INITIAL_MATURITY, SILO, PRIVACY_CONCERN = 0.5, 0.2, 1.0, 0.5
CO_CREATOR_APPETITE = float(np.mean([partner.DATA_APPETITE[k] for k in partner.KINDS[1:]]))
# Propensity: log-normal of mean 1 × (0.5 + status), status = literacy/2 + uniform(0, 1)/2.
TASKS = len(department.TASKS)


@dataclass(frozen=True)
class Hours:
    """What the pooled departments and DGAs did with their hours this month (stages 2–3)."""

    support: float  # DGA attention given ÷ asked
    dga_unmet: float
    demand: np.ndarray  # (TASKS,) hours asked
    served: np.ndarray  # (TASKS,) share of each task's demand that received hours
    capacity: float
    used: float
    updated: float  # datasets updated (expected)
    staffing: float
    platform: float  # funding of the participation platform, and of the partnership office
    outreach: float
    implementation: float
    practice: float
    cross_silo: float


class Catalogue:
    """The published share of the catalogue by age: bins 0 … stale_after, then one stale bin."""

    def __init__(self, size: int, stale_after: int) -> None:
        self.size = size
        self.bins = np.zeros(stale_after + 2)

    @property
    def published(self) -> float:
        return float(self.bins.sum())

    @property
    def fresh(self) -> float:
        """Published and not stale, over the whole catalogue (what partners and users reuse)."""
        return float(self.bins[:-1].sum())

    @property
    def stale_share(self) -> float:
        """Stale over published (0 while nothing is published), as the agent catalogue reports."""
        return float(self.bins[-1] / self.published) if self.published > 0 else 0.0

    def intended(self, reflex: float) -> float:
        """Datasets the reflex means to update: published for at least a month."""
        return reflex * float(self.bins[1:].sum()) * self.size

    def update(self, reflex: float, affordable: float) -> float:
        """Age every dataset a month; the intended ones the hours afford restart at age 0."""
        intended = self.intended(reflex)
        done = 1.0 if intended <= 0 else min(1.0, affordable / intended)
        updated = self.bins * reflex * done
        updated[0] = 0.0
        kept = self.bins - updated
        self.bins = np.concatenate(([updated.sum()], kept[:-2], [kept[-2] + kept[-1]]))
        return float(updated.sum()) * self.size

    def publish(self, probability: float) -> None:
        """Each unpublished dataset is released with `probability` (an empty catalogue stays so)."""
        if self.size:
            self.bins[0] += (1.0 - self.published) * probability


def literacies(threshold: float) -> tuple[float, float, float]:
    """Mean literacy of the illectronic (the midpoint of their range), of the whole population,
    and the mean participation propensity that implies."""
    illectronic = (0.02 + threshold) / 2
    literate = threshold + (1 - threshold) * 0.5
    mean = ILLECTRONIC_SHARE * illectronic + (1 - ILLECTRONIC_SHARE) * literate
    return illectronic, mean, 0.5 + 0.5 * mean + 0.25


class AggregateModel:
    """The agent model's monthly step on aggregate quantities; deterministic (see module doc)."""

    def __init__(self, config: ModelConfig) -> None:
        validate(config)
        self.config, city = config, config.city
        self.infrastructure = city.initial_infrastructure
        self.culture, self.institutions = city.initial_culture, city.initial_institutions
        self.trajectory = make_trajectory(config.trajectory)
        self.month, self.commitment, self.legitimacy = 0, 1.0, INITIAL_TRUST
        self.maturity, self.cumulative_value = INITIAL_MATURITY, 0.0
        self.weights = weight_profile(config.weights)
        size = city.departments * city.datasets_per_department
        self.catalogue = Catalogue(size, config.parameters.stale_after)
        self.vendors = round(city.partner_pool * city.vendor_share)
        self.candidates = city.partner_pool - self.vendors
        self.streak = np.zeros(config.parameters.starvation_months)  # partners by bad months
        self.burnt = 0.0  # inactive candidates who left disappointed
        if config.mechanisms.forced_partners is not None:
            self.streak[0] = config.mechanisms.forced_partners
        self.p, self.r = config.parameters, config.resources
        self.illectronic_literacy, literacy, self.mean_propensity = literacies(
            self.p.literacy_threshold
        )
        self.illectronic, self.literacy = ILLECTRONIC_SHARE, literacy
        self.propensity = self.mean_propensity
        self.trust, self.participated, self.pending = INITIAL_TRUST, 0.0, 0.0
        self.recent: deque[float] = deque(maxlen=citizens.YEAR)
        self.recorder = Recorder(config.months)

    @property
    def partners(self) -> float:
        return float(self.streak.sum())

    @property
    def technology(self) -> float:
        """I, or 1 when the technology prerequisite is knocked out (as in the agent model)."""
        return self.infrastructure if self.config.mechanisms.technology_prerequisite else 1.0

    def run(self) -> pd.DataFrame:
        """Step to the horizon; one row per month with the agent model's columns."""
        while self.month < self.config.months:
            self.step()
        frame = pd.DataFrame({c: self.recorder.column(c, self.month) for c in COLUMNS})
        for column in ("month", "turnover"):
            frame[column] = frame[column].astype(np.int64)
        return frame

    def step(self) -> None:
        """One month, in the agent model's stage order (docs/ODD.md §3)."""
        self.month += 1
        before = self.infrastructure
        course = self._course()  # 1.
        hours = self._hours(course)  # 2.–3.
        output = self._partners_work(course, hours)  # 4.
        exposure = self._exposure()  # 5.
        breaches = self.config.parameters.breach_hazard * exposure
        residents = self._residents_react(course, hours, breaches)
        self._move_stocks(course, hours)  # 6.
        self._account(course, hours, residents, exposure, breaches, output, before)  # 7.
        if self.config.mechanisms.elections and self.month % self.config.election_interval == 0:
            self.recorder.set(self.month, "turnover", 0.0 if self._face_election() else 1.0)

    def _course(self) -> Course:
        """Stage 1, the mayor's rule: trajectory point, legitimacy-scaled budget, its lines."""
        p, o = self.trajectory.point(self.month, self.infrastructure, self.culture)
        budget = self.config.resources.budget
        if self.config.mechanisms.legitimacy_budget:
            budget *= self.p.budget_floor + self.p.budget_legitimacy * self.legitimacy
        self.commitment = min(1.0, self.commitment + self.p.commitment_recovery)
        lines = {k: share * budget for k, share in budget_shares(p, o).items()}
        return Course(p, o, budget, lines, self.commitment)

    def _per_partner(self) -> float:
        """Host hours one partnership needs: h1 + h2 (n − 1)/2, so n of them h1 n + h2 n(n−1)/2."""
        res, mech = self.config.resources, self.config.mechanisms
        if not mech.coordination_costs:
            return 0.0
        pairwise = res.pairwise_hours * max(self.partners - 1.0, 0.0) / 2.0
        return res.coordination_hours + (pairwise if mech.pairwise_coordination else 0.0)

    def _support(self, course: Course) -> tuple[float, float]:
        """Stage 2 on one pool of DGA attention: (support, unmet hours)."""
        res, d = self.config.resources, self.config.city.departments
        per_partner = res.dga_partner_hours if self.config.mechanisms.coordination_costs else 0.0
        asked = course.proactivity * course.commitment * self.r.push_hours * d
        asked += course.openness * (self.r.cross_silo_hours * d + per_partner * self.partners)
        asked += openness.scale(course.openness, self.p.open_ramp) * res.programme_attention * d
        used = min(asked, self.config.city.dgas * res.dga_hours)
        return (used / asked if asked > 0 else 1.0), asked - used

    def _reflex(self) -> float:
        """The data-sharing reflex of a department with the mean silo factor (or the override)."""
        override = self.config.mechanisms.reflex_override
        if override is not None:
            return override
        C, Q, d = self.culture, self.institutions, self.p
        value = d.reflex_culture * C + d.reflex_institutions * Q - d.reflex_silo * SILO * (1 - C)
        return min(1.0, max(0.0, self.config.parameters.base_reflex + value))

    def _hours(self, course: Course) -> Hours:
        """Stages 2–3: pooled demand per task, rationed once by the departments' priorities."""
        res, d = self.config.resources, self.config.city.departments
        support, unmet = self._support(course)
        reflex = self._reflex()
        update_cost = res.update_hours * (1.0 - self.p.update_tools * self.infrastructure)
        deployment = self.r.deployment_hours * course.proactivity * course.commitment * support
        funded = min(1.0, course.lines["organisation"] / self.p.training_budget)
        demand = np.array([
            d * (self.r.operation_hours * self.infrastructure + deployment),
            d * self.r.training_hours * funded,
            d * res.programme_hours * openness.scale(course.openness, self.p.open_ramp),
            self.catalogue.intended(reflex) * update_cost,
            self.partners * self._per_partner(),
            d * res.answer_hours * self.pending,
        ])  # fmt: skip
        capacity = d * res.staff_hours
        weights = department.task_weights(course.proactivity, course.openness)
        allocation = department.ration(demand[None, :], weights, np.array([capacity]))[0]
        served = np.divide(allocation, demand, out=np.ones(TASKS), where=demand > 0)
        affordable = allocation[3] / update_cost if update_cost > 0 else math.inf
        updated = self.catalogue.update(reflex, affordable)
        capability = (self.technology * self.culture * self.institutions) ** (1.0 / 3.0)
        staffing = openness.staffing_effect(served[2], self.p.min_staffing)
        lines, startup = course.lines, res.programme_startup
        platform = openness.funding(0.5 * lines["participation"], startup, self.p.platform_full)
        outreach = openness.funding(lines["partnerships"], startup, self.p.outreach_full)
        practice = (
            openness.scale(course.openness, self.p.open_ramp)
            * staffing
            * 0.5
            * (platform + outreach)
        )
        return Hours(support, unmet, demand, served, capacity, float(allocation.sum()), updated,
                     staffing, platform, outreach, served[5] * capability, practice,
                     course.openness * support * staffing)  # fmt: skip

    def _partners_work(self, course: Course, hours: Hours) -> float:
        """Stage 4: the partners produce or starve; the mayor recruits with spare capacity."""
        share = min(hours.served[4], hours.support)
        reuse = (1.0 - self.p.data_reuse) + self.p.data_reuse * self.catalogue.fresh
        productivity = min(1.0, share) * self.technology * self.culture * reuse
        output = self.partners * productivity  # mean capability 1 (uniform 0.5–1.5)
        if self.config.mechanisms.forced_partners is not None:
            return output
        if share < self.p.starved_below or productivity < self.p.idle_below:
            self.burnt += self.streak[-1]  # those at the end of their patience leave, burnt
            self.streak = np.concatenate(([0.0], self.streak[:-1]))
        else:
            self.streak = np.concatenate(([self.partners], np.zeros(self.streak.size - 1)))
        self._recruit(course, hours)
        return output

    def _recruit(self, course: Course, hours: Hours) -> None:
        """Expected joins E = β o ω (γ + (1 − γ) slack), slack = spare hours per department over
        one partnership's need; drawn on the candidates' alignment (burnt ones count half)."""
        params = self.config.parameters
        if self.candidates <= 0:
            return
        need, spare = self._per_partner(), max(0.0, hours.capacity - float(hours.demand.sum()))
        slack = min(1.0, spare / self.config.city.departments / need) if need > 0 else 1.0
        expected = params.recruitment_rate * course.openness * hours.outreach * hours.staffing
        expected *= params.push + (1.0 - params.push) * slack
        fresh = max(0.0, self.candidates - self.partners - self.burnt)
        from_fresh = fresh * min(1.0, expected / self.candidates)
        from_burnt = self.burnt * min(1.0, expected * self.p.burnt_alignment / self.candidates)
        self.burnt -= from_burnt
        self.streak[0] += from_fresh + from_burnt

    def _exposure(self) -> float:
        """Data exposure: I × (floor + mean appetite of active partners) × circle × charters."""
        active = self.vendors + self.partners
        appetites = self.vendors * partner.DATA_APPETITE["vendor"]
        appetite = (appetites + self.partners * CO_CREATOR_APPETITE) / active if active else 0.0
        circle = 1.0 + self.partners / self.p.privacy_circle
        charters = 1.0 - self.p.privacy_charters * self.institutions
        return self.infrastructure * (self.p.appetite_floor + appetite) * circle * charters

    def _residents_react(self, course: Course, hours: Hours, breaches: float) -> dict[str, float]:
        """Stage 5 for one representative resident per group (see docs/ODD.md §7.5)."""
        params, mech, I = self.config.parameters, self.config.mechanisms, self.infrastructure
        half = 0.5 * course.lines["participation"]
        mediation = openness.funding(half, 0.0, self.p.mediation_full) if mech.mediation else 0.0
        platform = self.technology * hours.platform * hours.staffing
        availability = I * (1 - self.p.maturity_share + self.p.maturity_share * self.maturity)
        z, answered, harm = self.illectronic, self.participated, I * (1.0 - mediation)
        users = min(1.0, self.literacy * availability)
        literate_users = min(1.0 - z, max(0.0, self.literacy - z * self.illectronic_literacy)
                             * availability)  # fmt: skip
        pulls = (
            answered * (hours.implementation - self.trust)
            + (1 - answered) * z * (0.5 * (1.0 - harm) - self.trust)
            + (1 - answered) * literate_users * (0.4 + 0.6 * availability - self.trust)
        )
        self.trust += params.trust_step * pulls
        if mech.fatigue:
            tired = self.propensity * (1.0 - params.fatigue_rate * (1.0 - hours.implementation))
            tired += params.fatigue_recovery * hours.implementation * (self.mean_propensity - tired)
            self.propensity += answered * (tired - self.propensity)
        vulnerability = (0.5 + 1.0 - self.literacy) * (0.5 + PRIVACY_CONCERN)
        self.trust -= params.breach_trust_drop * breaches * vulnerability
        self.trust = min(1.0, max(0.0, self.trust))
        pull = params.participation_scale * course.openness * platform
        self.participated = -math.expm1(-pull * self.propensity * self.trust)
        self.recent.append(self.participated)
        self.pending = 100.0 * self.participated * self.propensity
        reached = z * min(1.0, params.inclusion_rate * mediation)
        self.illectronic = z - reached  # one boost lifts the mean illectronic resident over
        self.literacy = min(1.0, self.literacy + self.p.literacy_boost * reached)
        self.legitimacy += params.legitimacy_smoothing * (self.trust - self.legitimacy)
        year = 1.0 - float(np.prod(1.0 - np.array(self.recent)))
        return {"users": users, "participation": self.participated, "participation_year": year,
                "harm": z * harm, "mediation": mediation}  # fmt: skip

    def _move_stocks(self, course: Course, hours: Hours) -> None:
        """Stage 6: the agent model's equations for I, C, Q, maturity and publication."""
        params, mech, lines = self.config.parameters, self.config.mechanisms, course.lines
        I, C, Q = self.infrastructure, self.culture, self.institutions
        push = hours.support * hours.served[0] * course.proactivity * course.commitment
        dI = params.infra_growth * lines["infrastructure"] ** params.budget_returns
        dI = dI * (0.5 + 0.5 * push) * (1 - I) - params.infra_decay * I  # vendor capability 1
        gate_I = 1.0
        if mech.technology_prerequisite:
            gate_I = model.sigmoid((I - params.technology_threshold) / params.prerequisite_width)
        drive_C = (
            lines["organisation"]
            + self.p.culture_drive_practice * hours.practice
            + self.p.culture_drive_cross_silo * hours.cross_silo
        )
        dC = params.culture_growth * drive_C * gate_I * (1 - C) - params.culture_decay * C
        gate_C = 1.0
        if mech.culture_prerequisite:
            gate_C = model.sigmoid((C - params.culture_threshold) / params.prerequisite_width)
        funded = min(1.0, lines["institutions"] / self.p.institution_budget)
        dQ = params.institution_growth * hours.practice * C * funded * gate_C * (1 - Q)
        dQ -= params.institution_decay * Q
        self.infrastructure = min(1.0, max(0.0, I + dI))
        self.culture = min(1.0, max(0.0, C + dC))
        self.institutions = min(1.0, max(0.0, Q + dQ))
        intensity = min(1.0, lines["organisation"] / self.p.training_budget)
        learning = hours.served[1] * intensity + self.p.tools_learning * self.infrastructure
        m = self.maturity
        m += params.maturity_growth * learning * (1 - m) - self.p.maturity_decay * m
        self.maturity = min(1.0, max(0.0, m))
        self.catalogue.publish(params.publish_rate * hours.practice * self.technology)

    def _account(self, course, hours, residents, exposure, breaches, output, before) -> None:
        """Stage 7: the agent model's generators and destruction on the aggregate state."""
        params, cat = self.config.parameters, self.catalogue
        I, C, mediation = self.infrastructure, self.culture, residents["mediation"]
        skills = 1 - self.p.maturity_share + self.p.maturity_share * self.maturity
        year = residents["participation_year"]
        generators = np.array([
            I * skills * hours.served[0],
            residents["users"] * skills,
            I * (self.p.intrinsic_culture * C + self.p.intrinsic_mediation * mediation),
            cat.fresh * (self.p.transparency_base + (1 - self.p.transparency_base) * I),
            min(1.0, year / self.p.participation_reference) * hours.implementation,
            params.co_creation_value * output + hours.cross_silo * C * self.technology,
        ])  # fmt: skip
        destruction = np.array([
            params.exclusion_harm * residents["harm"] * skills,
            params.privacy_harm * exposure + params.breach_harm * breaches,
            params.footprint_operating * I + params.footprint_embodied * max(0.0, I - before),
            params.stale_harm * float(cat.bins[-1]),  # stale datasets over the catalogue
        ])  # fmt: skip
        values = account(generators, destruction, self.weights)
        self.cumulative_value += values.net_total
        load = float(hours.demand.sum()) / hours.capacity
        state = {
            "proactivity": course.proactivity, "openness": course.openness,
            "infrastructure": I, "culture": C, "institutions": self.institutions,
            "budget": course.budget, "budget_spent": course.spent,
            "hours_capacity": hours.capacity, "hours_used": hours.used,
            "load": load, "load_max": load, "dga_unmet": hours.dga_unmet,
            "programme_staffing": hours.staffing, "commitment": course.commitment,
            "legitimacy": self.legitimacy, "partners": self.partners, "partner_output": output,
            "users": residents["users"], "participation": residents["participation"],
            "participation_year": year, "implementation": hours.implementation,
            "trust": self.trust, "trust_gap": math.nan, "illectronism": self.illectronic,
            "mediation": mediation, "published_share": cat.published,
            "stale_share": cat.stale_share, "dataset_updates": hours.updated,
            "breach_hazard": breaches, "breaches": breaches,
            "value_cumulative": self.cumulative_value,
        }  # fmt: skip
        self.recorder.month(self.month, generators=generators, destruction=destruction,
                            values=values, state=state)  # fmt: skip

    def _face_election(self) -> bool:
        """The mayor's rule with its more likely outcome: re-elected when Pr(re-election) ≥ ½."""
        odds = (self.legitimacy - self.p.reelection_midpoint) / self.p.reelection_spread
        if 1.0 / (1.0 + math.exp(-odds)) >= 0.5:
            return True
        self.commitment = self.config.parameters.new_mayor_commitment
        after = self.config.trajectory.after_turnover
        if after:
            self.trajectory = make_trajectory(self.config.trajectory, after)
        return False


__all__ = ["AggregateModel"]
