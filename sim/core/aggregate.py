"""The null (docking) model: the agent model's mechanisms with every population made one number.

A docking study (Axtell, Axelrod, Epstein & Cohen 1996, "Aligning simulation models") runs two
models of one system on the same inputs and asks which results they share. This one keeps all of
the agent model that needs no agents, by calling the same equations (sim/core/stages/) —
trajectories, budget shares, resources, the stock
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
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from sim.core import openness
from sim.core.config import ModelConfig, validate
from sim.core.outputs import COLUMNS, Recorder
from sim.core.population import AGE_SHARES, ILLECTRONISM, YEAR
from sim.core.stages import accounts, course, departments, partners, residents, steering, stocks
from sim.core.stages.course import Course, Trajectories, budget_shares
from sim.core.value import weight_profile

# Means of the agent model's initial distributions (docs/ODD.md §5), one number per population:
# illectronism by age × age structure; literacy uniform(0.02, threshold) below the threshold and
# threshold + (1 − threshold) Beta(2, 2) above; trust Beta(5, 5); maturity uniform(0.1, 0.3);
# silo uniform(0.5, 1.5); privacy concern uniform(0, 1); co-creators' kinds in rotation.
ILLECTRONIC_SHARE = float(AGE_SHARES @ ILLECTRONISM)
INITIAL_TRUST, INITIAL_MATURITY, SILO, PRIVACY_CONCERN = 0.5, 0.2, 1.0, 0.5
CO_CREATOR_APPETITE = float(np.mean([partners.DATA_APPETITE[k] for k in partners.KINDS[1:]]))
# Propensity: log-normal of mean 1 × (0.5 + status), status = literacy/2 + uniform(0, 1)/2.
TASKS = len(departments.TASKS)


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


def _f(x: Any) -> float:
    return float(np.asarray(x).reshape(-1)[0])


class AggregateModel:
    """The agent model's monthly step on aggregate quantities; deterministic (see module doc)."""

    def __init__(self, config: ModelConfig) -> None:
        validate(config)
        self.config, city = config, config.city
        self.infrastructure = city.initial_infrastructure
        self.culture, self.institutions = city.initial_culture, city.initial_institutions
        self.trajectories = Trajectories([config.trajectory])
        self.month, self.commitment, self.legitimacy = 0, 1.0, INITIAL_TRUST
        self.maturity, self.cumulative_value = INITIAL_MATURITY, 0.0
        self.weights = weight_profile(config.weights)[None, :]
        size = city.departments * city.datasets_per_department
        self.catalogue = Catalogue(size, config.parameters.stale_after)
        self.vendors = round(city.partner_pool * city.vendor_share)
        self.candidates = city.partner_pool - self.vendors
        self.streak = np.zeros(config.parameters.starvation_months)  # partners by bad months
        self.burnt = 0.0  # inactive candidates who left disappointed
        if config.mechanisms.forced_partners is not None:
            self.streak[0] = config.mechanisms.forced_partners
        self.p, self.r, self.m = config.parameters, config.resources, config.mechanisms
        self.illectronic_literacy, literacy, self.mean_propensity = literacies(
            self.p.literacy_threshold
        )
        self.illectronic, self.literacy = ILLECTRONIC_SHARE, literacy
        self.propensity = self.mean_propensity
        self.trust, self.participated, self.pending = INITIAL_TRUST, 0.0, 0.0
        self.recent: deque[float] = deque(maxlen=YEAR)
        self.recorder = Recorder(config.months)

    @property
    def partners(self) -> float:
        return float(self.streak.sum())

    @property
    def technology(self) -> float:
        """I, or 1 when the technology prerequisite is knocked out (as in the agent model)."""
        return self.infrastructure if self.m.technology_prerequisite else 1.0

    @property
    def skills(self) -> float:
        return 1 - self.p.maturity_share + self.p.maturity_share * self.maturity

    def run(self) -> pd.DataFrame:
        """Step to the horizon; one row per month with the agent model's columns."""
        while self.month < self.config.months:
            self.step()
        frame = self.recorder.frame(self.month)
        for column in ("partners", "breaches", "dataset_updates"):
            frame[column] = self.recorder.column(column, self.month).copy()
        return frame[list(COLUMNS)]

    def step(self) -> None:
        """One month, in the agent model's stage order (docs/ODD.md §3)."""
        self.month += 1
        before = self.infrastructure
        plan = self._course()  # 1.
        hours = self._hours(plan)  # 2.–3.
        output = self._partners_work(plan, hours)  # 4.
        exposure = self._exposure()  # 5.
        breaches = self.p.breach_hazard * exposure
        people = self._residents_react(plan, hours, breaches)
        self._move_stocks(plan, hours)  # 6.
        self._account(plan, hours, people, exposure, breaches, output, before)  # 7.
        if self.m.elections and self.month % self.config.election_interval == 0:
            self.recorder.set(self.month, "turnover", 0.0 if self._face_election() else 1.0)

    def _course(self) -> Course:
        """Stage 1, the mayor's rule: trajectory point, legitimacy-scaled budget, its lines."""
        I, C = np.array([self.infrastructure]), np.array([self.culture])
        p, o = self.trajectories.points(self.month, I, C)[0]
        money = _f(course.budget(self.r.budget, self.legitimacy, self.p.budget_floor,
                                 self.p.budget_legitimacy, self.m.legitimacy_budget))  # fmt: skip
        self.commitment = min(1.0, self.commitment + self.p.commitment_recovery)
        lines = {k: float(share) * money for k, share in budget_shares(p, o).items()}
        return Course(float(p), float(o), money, lines, self.commitment)  # type: ignore[arg-type]

    def _per_partner(self) -> float:
        """Host hours one partnership needs: h1 + h2 (n − 1)/2, so n of them h1 n + h2 n(n−1)/2."""
        return _f(departments.partnership_need(self.partners, self.r, self.m))

    def _support(self, plan: Course) -> tuple[float, float]:
        """Stage 2 on one pool of DGA attention: (support, unmet hours)."""
        d = self.config.city.departments
        asked = steering.attention_demand(
            SimpleNamespace(
                **{
                    k: np.array([getattr(plan, k)])
                    for k in ("proactivity", "openness", "commitment")
                }
            ),
            _Columns(self.r),
            _Columns(self.p),
            _Columns(self.m),
            d,
            self.partners,
        )
        support, unmet = steering.served(
            asked, np.array([[self.config.city.dgas * self.r.dga_hours]])
        )
        return _f(support), _f(unmet)

    def _reflex(self) -> float:
        """The data-sharing reflex of a department with the mean silo factor (or the override)."""
        override = self.m.reflex_override
        if override is not None:
            return override
        return _f(departments.reflex(self.culture, self.institutions, SILO, self.p))

    def _hours(self, plan: Course) -> Hours:
        """Stages 2–3: pooled demand per task, rationed once by the departments' priorities."""
        res, d = self.r, self.config.city.departments
        support, unmet = self._support(plan)
        reflex = self._reflex()
        cost = _f(departments.update_cost(self.infrastructure, res, self.p))
        deployment = res.deployment_hours * plan.proactivity * plan.commitment * support
        funded = _f(departments.training_intensity(plan.lines["organisation"], self.p))
        demand = np.array([
            d * (res.operation_hours * self.infrastructure + deployment),
            d * res.training_hours * funded,
            d * res.programme_hours * _f(openness.scale(plan.openness, self.p.open_ramp)),
            self.catalogue.intended(reflex) * cost,
            self.partners * self._per_partner(),
            d * res.answer_hours * self.pending,
        ])  # fmt: skip
        capacity = d * res.staff_hours
        weights = departments.task_weights(plan.proactivity, plan.openness)
        allocation = departments.ration(demand[None, :], weights, np.array([capacity]))[0]
        served = np.divide(allocation, demand, out=np.ones(TASKS), where=demand > 0)
        affordable = allocation[3] / cost if cost > 0 else math.inf
        updated = self.catalogue.update(reflex, affordable)
        capability = _f(departments.capability(self.technology, self.culture, self.institutions))
        staffing = _f(openness.staffing_effect(served[2], self.p.min_staffing))
        lines, startup = plan.lines, res.programme_startup
        platform = _f(openness.funding(0.5 * lines["participation"], startup, self.p.platform_full))
        outreach = _f(openness.funding(lines["partnerships"], startup, self.p.outreach_full))
        practice = _f(openness.practice(plan.openness, self.p.open_ramp, staffing, platform,
                                        outreach))  # fmt: skip
        return Hours(support, unmet, demand, served, capacity, float(allocation.sum()), updated,
                     staffing, platform, outreach, served[5] * capability, practice,
                     plan.openness * support * staffing)  # fmt: skip

    def _partners_work(self, plan: Course, hours: Hours) -> float:
        """Stage 4: the partners produce or starve; the mayor recruits with spare capacity."""
        share = min(hours.served[4], hours.support)
        made = _f(partners.productivity(share, self.technology, self.culture,
                                        self.catalogue.fresh, self.p.data_reuse))  # fmt: skip
        output = self.partners * made  # mean capability 1 (uniform 0.5–1.5)
        if self.m.forced_partners is not None:
            return output
        if share < self.p.starved_below or made < self.p.idle_below:
            self.burnt += self.streak[-1]  # those at the end of their patience leave, burnt
            self.streak = np.concatenate(([0.0], self.streak[:-1]))
        else:
            self.streak = np.concatenate(([self.partners], np.zeros(self.streak.size - 1)))
        self._recruit(plan, hours)
        return output

    def _recruit(self, plan: Course, hours: Hours) -> None:
        """Expected joins (the agents' rule), with slack = spare hours per department over one
        partnership's need; drawn on the candidates' alignment (burnt ones count less)."""
        if self.candidates <= 0:
            return
        need, spare = self._per_partner(), max(0.0, hours.capacity - float(hours.demand.sum()))
        slack = min(1.0, spare / self.config.city.departments / need) if need > 0 else 1.0
        staff = SimpleNamespace(staffing=hours.staffing)
        expected = _f(partners.expected_joins(plan, staff, slack, self.p, self.r))
        fresh = max(0.0, self.candidates - self.partners - self.burnt)
        from_fresh = fresh * min(1.0, expected / self.candidates)
        from_burnt = self.burnt * min(1.0, expected * self.p.burnt_alignment / self.candidates)
        self.burnt -= from_burnt
        self.streak[0] += from_fresh + from_burnt

    def _exposure(self) -> float:
        """Data exposure: I × (floor + mean appetite of active partners) × circle × charters."""
        active = self.vendors + self.partners
        appetites = self.vendors * partners.DATA_APPETITE["vendor"]
        appetite = (appetites + self.partners * CO_CREATOR_APPETITE) / active if active else 0.0
        return _f(residents.exposure(self.infrastructure, appetite, self.partners,
                                     self.institutions, self.p))  # fmt: skip

    def _residents_react(self, plan: Course, hours: Hours, breaches: float) -> dict[str, float]:
        """Stage 5 for one representative resident per group (see docs/ODD.md §7.5)."""
        params, I = self.p, self.infrastructure
        mediation = _f(residents.mediation(plan, params, self.m))
        platform = self.technology * hours.platform * hours.staffing
        availability = I * self.skills
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
        if self.m.fatigue:
            tired = self.propensity * (1.0 - params.fatigue_rate * (1.0 - hours.implementation))
            tired += params.fatigue_recovery * hours.implementation * (self.mean_propensity - tired)
            self.propensity += answered * (tired - self.propensity)
        vulnerability = (0.5 + 1.0 - self.literacy) * (0.5 + PRIVACY_CONCERN)
        self.trust -= params.breach_trust_drop * breaches * vulnerability
        self.trust = min(1.0, max(0.0, self.trust))
        pull = params.participation_scale * plan.openness * platform
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

    def _move_stocks(self, plan: Course, hours: Hours) -> None:
        """Stage 6: the agent model's equations for I, C, Q, maturity and publication."""
        params, mech, lines = self.p, self.m, plan.lines
        I, C, Q = self.infrastructure, self.culture, self.institutions
        push = hours.support * hours.served[0] * plan.proactivity * plan.commitment
        dI = stocks.infrastructure_change(lines["infrastructure"], push, 1.0, I, params)
        gate_i = stocks.gate(mech.technology_prerequisite, I, params.technology_threshold,
                             params.prerequisite_width)  # fmt: skip
        drive = stocks.culture_drive(lines["organisation"], hours.practice, hours.cross_silo,
                                     params)  # fmt: skip
        dC = stocks.culture_change(drive, gate_i, C, params)
        gate_c = stocks.gate(mech.culture_prerequisite, C, params.culture_threshold,
                             params.prerequisite_width)  # fmt: skip
        funded = min(1.0, lines["institutions"] / params.institution_budget)
        dQ = stocks.institutions_change(hours.practice, C, funded, gate_c, Q, params)
        self.infrastructure = _f(stocks.clamp(I + dI))
        self.culture = _f(stocks.clamp(C + dC))
        self.institutions = _f(stocks.clamp(Q + dQ))
        intensity = _f(departments.training_intensity(lines["organisation"], params))
        change = stocks.maturity_change(hours.served[1] * intensity, self.infrastructure,
                                        self.maturity, params)  # fmt: skip
        self.maturity = _f(stocks.clamp(self.maturity + change))
        self.catalogue.publish(params.publish_rate * hours.practice * self.technology)

    def _account(self, plan, hours, people, exposure, breaches, output, before) -> None:
        """Stage 7: the agent model's generators and destruction on the aggregate state."""
        params, cat = self.p, self.catalogue
        I, C, skills = self.infrastructure, self.culture, self.skills
        year = people["participation_year"]
        made = accounts.generators(
            I,
            C,
            skills,
            hours.served[0],
            people["users"],
            people["mediation"],
            cat.fresh,
            year,
            hours.implementation,
            output,
            hours.cross_silo,
            self.technology,
            params,
        )[None]
        lost = accounts.destruction(
            people["harm"], skills, exposure, breaches, I, before, float(cat.bins[-1]), params
        )[None]
        values = accounts.account(made, lost, self.weights)
        self.cumulative_value += float(values.net_total[0])
        load = float(hours.demand.sum()) / hours.capacity
        state = {
            "proactivity": plan.proactivity, "openness": plan.openness,
            "infrastructure": I, "culture": C, "institutions": self.institutions,
            "budget": plan.budget, "budget_spent": sum(plan.lines.values()),
            "hours_capacity": hours.capacity, "hours_used": hours.used,
            "load": load, "load_max": load, "dga_unmet": hours.dga_unmet,
            "programme_staffing": hours.staffing, "commitment": plan.commitment,
            "legitimacy": self.legitimacy, "partners": self.partners, "partner_output": output,
            "users": people["users"], "participation": people["participation"],
            "participation_year": year, "implementation": hours.implementation,
            "trust": self.trust, "trust_gap": math.nan, "illectronism": self.illectronic,
            "mediation": people["mediation"], "published_share": cat.published,
            "stale_share": cat.stale_share, "dataset_updates": hours.updated,
            "breach_hazard": breaches, "breaches": breaches,
            "value_cumulative": self.cumulative_value,
        }  # fmt: skip
        self.recorder.month(self.month, generators=made, destruction=lost, values=values,
                            state={k: np.array([v]) for k, v in state.items()})  # fmt: skip

    def _face_election(self) -> bool:
        """The mayor's rule with its more likely outcome: re-elected when Pr(re-election) ≥ ½."""
        chance = course.reelection_probability(self.legitimacy, self.p.reelection_midpoint,
                                               self.p.reelection_spread)  # fmt: skip
        if chance >= 0.5:
            return True
        self.commitment = self.p.new_mayor_commitment
        after = self.config.trajectory.after_turnover
        if after:
            self.trajectories.set_kind(0, after)
        return False


class _Columns:
    """A config section read as (1, 1) columns (what the DGAs' equation broadcasts over)."""

    def __init__(self, section: Any) -> None:
        self._section = section

    def __getattr__(self, name: str) -> Any:
        return np.array([getattr(self._section, name)])


__all__ = ["AggregateModel"]
