"""Stage 5: data exposure and breaches, then every resident at once (source §3.4–3.5, §4.2;
docs/ODD.md §7.5).

Residents use digital services if literate enough and the services exist, trust or distrust
the authority from what they experience, participate through the platform in proportion to a
heavy-tailed propensity and their trust, tire when their contributions go unanswered, and are
included by mediation. The whole population moves in a handful of array operations over
`(runs, residents)`, a block of runs at a time so the arrays stay in the cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core import openness
from sim.core.population import YEAR, Population
from sim.core.stages.partners import DATA_APPETITE
from sim.core.stages.rows import column

if TYPE_CHECKING:
    from sim.core.stages.course import Course
    from sim.core.stages.departments import StaffMonth
    from sim.core.state import State

BLOCK = 40_000  # residents moved per array operation (several runs' worth for small cities)


@dataclass(frozen=True)
class Privacy:
    """This month's data exposure and its breaches (source §4.2)."""

    exposure: np.ndarray
    hazard: np.ndarray
    breaches: np.ndarray


@dataclass(frozen=True)
class Reach:
    """What the city offers its residents this month (inputs of the residents' rule)."""

    availability: np.ndarray  # services usable: I × skills
    digitisation: np.ndarray  # I: how far services moved online
    openness: np.ndarray
    platform: np.ndarray  # the participation channel: technology × funding × staffing
    mediation: np.ndarray  # share of the illectronic reached by mediation's funding
    implementation: np.ndarray  # contributions answered × capability
    breaches: np.ndarray


@dataclass(frozen=True)
class Outcome:
    """What the residents' stage hands to the accounts (one month, every run)."""

    users: np.ndarray
    participation: np.ndarray
    participation_year: np.ndarray
    contribution_pct: np.ndarray
    harm: np.ndarray
    trust: np.ndarray
    trust_gap: np.ndarray
    illectronism: np.ndarray
    top1_share: np.ndarray  # contributions of the last 12 months by the most active 1%
    bottom90_share: np.ndarray  # ... by the least active 90%
    literacy_gap: np.ndarray  # contributors' mean literacy − residents' (last 12 months)
    # Who receives and who bears the month's value (runs, residents), each of mean 1 in its run
    # (P9; docs/ODD.md §7.7): users, contributors, the excluded, the exposed.
    used: np.ndarray
    contributed: np.ndarray
    excluded: np.ndarray
    exposed: np.ndarray


def exposure(infrastructure: Any, appetite: Any, partners: Any, institutions: Any,
             par: Any) -> Any:  # fmt: skip
    """Privacy exposure: data collected (I) × appetite of those who see it × what charters
    leave, I (floor + ē)(1 + n/circle)(1 − charters·Q): each active co-creation partner widens
    the circle that handles the data and brings its appetite (source §4.2)."""
    circle = 1.0 + partners / par.privacy_circle
    return (infrastructure * (par.appetite_floor + appetite) * circle
            * (1.0 - par.privacy_charters * institutions))  # fmt: skip


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


def privacy(state: State) -> Privacy:
    """Exposure from the active partners' mean appetite (vendors included), breaches Poisson
    with hazard ∝ exposure, one uniform per run."""
    vendor = DATA_APPETITE["vendor"]
    active = np.count_nonzero(state.active, axis=1)
    appetites = np.array(list(DATA_APPETITE.values()))[state.kind]
    total = state.vendors * vendor + np.where(state.active, appetites, 0.0).sum(axis=1)
    partners = state.vendors + active
    appetite = np.divide(total, partners, out=np.zeros(state.runs), where=partners > 0)
    exposed = exposure(state.infrastructure, appetite, active, state.institutions, state.par)
    hazard = state.par.breach_hazard * exposed
    breaches = np.array([poisson_draw(h, float(g.random()))
                         for h, g in zip(hazard.tolist(), state.rngs, strict=True)])  # fmt: skip
    return Privacy(exposed, hazard, breaches)


def mediation(course: Course, par: Any, mech: Any) -> np.ndarray:
    """Mediation's reach: the participation line's second half, funded from 0 to
    `mediation_full` M€/month (none where the mechanism is switched off)."""
    half = 0.5 * course.lines["participation"]
    return np.where(mech.mediation, openness.funding(half, 0.0, par.mediation_full), 0.0)


def reach(state: State, course: Course, staff: StaffMonth, breaches: np.ndarray) -> Reach:
    """What this month's city offers its residents."""
    return Reach(
        availability=state.infrastructure * state.skills(),
        digitisation=state.infrastructure,
        openness=course.openness,
        platform=state.technology() * (staff.platform * staff.staffing),
        mediation=mediation(course, state.par, state.mech),
        implementation=staff.implementation,
        breaches=breaches,
    )


def react(state: State, offer: Reach) -> Outcome:
    """Stage 5 for every resident of every run; then the mayor's legitimacy follows trust."""
    runs_per_block = max(1, BLOCK // state.population.size)
    parts = []
    for start in range(0, state.runs, runs_per_block):
        rows = slice(start, start + runs_per_block)
        parts.append(step(state.population.rows(rows), _rows(offer, rows), _rows(state.par, rows),
                          _rows(state.mech, rows), state.rngs[rows], state.month))  # fmt: skip
    outcome = Outcome(*(np.concatenate(x) for x in zip(*(_fields(p) for p in parts), strict=True)))
    state.pending = outcome.contribution_pct
    state.legitimacy = state.legitimacy + state.par.legitimacy_smoothing * (
        outcome.trust - state.legitimacy
    )
    return outcome


def learn(pop: Population, u_answer: np.ndarray, implementation: Any, par: Any,
          mechanisms: Any) -> None:  # fmt: skip
    """Reinforcement: a contribution answered raises its author's propensity, one ignored lowers
    it, and every propensity drifts back to the resident's disposition (source §3.4; Bush &
    Mosteller's linear operator; Sjoberg, Mellon & Peixoto 2017: residents whose first report
    was fixed report again more often).

    Last month's contributors are answered with probability `implementation`, one uniform each;
    the answered learn towards `propensity_ceiling` × their disposition at rate
    `reinforcement_gain`, the ignored lose `fatigue_rate` of it. The rich-get-richer loop this
    closes — who contributes more is answered more — turns a moderate spread of dispositions
    into the concentration of 90-9-1.
    """
    learning = np.asarray(mechanisms.reinforcement)
    if not learning.any():
        return
    p, base = pop.propensity, pop.base_propensity
    r, i = np.nonzero(pop.participated & learning[:, None])  # last month's contributors: few
    if r.size:
        rate = np.broadcast_to(implementation, learning.shape)[r]
        answered = u_answer[r, i] < rate
        ignored = ~answered & np.asarray(mechanisms.fatigue)[r]
        gain = par.reinforcement_gain[r] * (par.propensity_ceiling[r] * base[r, i] - p[r, i])
        moved = p[r, i] + np.where(answered, gain, 0.0)
        p[r, i] = moved * np.where(ignored, 1.0 - par.fatigue_rate[r], 1.0)
    drift = column(par.fatigue_recovery)
    if learning.all():
        p += drift * (base - p)
    else:
        rows = np.flatnonzero(learning)
        p[rows] += drift[rows] * (base[rows] - p[rows])


def step(pop: Population, offer: Reach, par: Any, mechanisms: Any,
         rngs: list[np.random.Generator], month: int) -> Outcome:  # fmt: skip
    """The residents' rule (docs/ODD.md §7.5) on some runs' residents, in place."""
    n = pop.size
    c = column
    u_use, u_join, u_reach, u_answer = np.stack([g.random((4, n)) for g in rngs], axis=1)
    illectronic = pop.literacy < c(par.literacy_threshold)
    users = u_use < pop.literacy * c(offer.availability)
    harm = offer.digitisation * (1.0 - offer.mediation)  # felt by each illectronic resident
    # Trust moves towards experience: last month's contributors judge by the answers they got,
    # the illectronic by how far digitisation left them behind, users by the service.
    answered = pop.participated
    experience = np.where(answered, c(offer.implementation),
                          np.where(illectronic, c(0.5 * (1.0 - harm)),
                                   c(0.4 + 0.6 * offer.availability)))  # fmt: skip
    seen = answered | illectronic | users
    pop.trust += c(par.trust_step) * seen * (experience - pop.trust)
    learn(pop, u_answer, offer.implementation, par, mechanisms)
    if offer.breaches.any():  # vulnerable and privacy-minded residents lose more trust (§4.2)
        pop.trust -= c(par.breach_trust_drop * offer.breaches) * vulnerability(pop)
    np.clip(pop.trust, 0.0, 1.0, out=pop.trust)
    pull = par.participation_scale * offer.openness * offer.platform
    pop.participated[...] = u_join < -np.expm1(-c(pull) * pop.propensity * pop.trust)
    pop.last_participation[pop.participated] = month
    pop.contributions[:, month % YEAR] = np.where(pop.participated, pop.propensity, 0.0)
    year = pop.contributions.sum(axis=1)
    reached = illectronic & (u_reach < c(par.inclusion_rate * offer.mediation))
    pop.literacy[...] = np.where(reached, np.minimum(1.0, pop.literacy + c(par.literacy_boost)),
                                 pop.literacy)  # fmt: skip
    top, bottom = pop.literacy_quintile == 4, pop.literacy_quintile == 0
    count = _count_rows
    top1, bottom90 = concentration(year)
    return Outcome(
        users=count(users) / n,
        participation=count(pop.participated) / n,
        participation_year=count(pop.last_participation > month - YEAR) / n,
        contribution_pct=100.0 * np.where(pop.participated, pop.propensity, 0.0).sum(axis=1) / n,
        harm=count(illectronic) / n * harm,
        trust=pop.trust.sum(axis=1) / n,
        trust_gap=np.where(top, pop.trust, 0.0).sum(axis=1) / count(top)
        - np.where(bottom, pop.trust, 0.0).sum(axis=1) / count(bottom),
        illectronism=count(pop.literacy < c(par.literacy_threshold)) / n,
        top1_share=top1,
        bottom90_share=bottom90,
        literacy_gap=literacy_gap(year > 0, pop.literacy),
        used=per_mean(users),
        contributed=per_mean(year),
        excluded=per_mean(illectronic),
        exposed=per_mean(vulnerability(pop)),
    )


def vulnerability(pop: Population) -> np.ndarray:
    """How hard a breach hits each resident: more for the less literate and the privacy-minded
    (source §4.2); also the weight by which privacy harm is attributed (stage 7)."""
    return (0.5 + (1.0 - pop.literacy)) * (0.5 + pop.privacy_concern)


def concentration(year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares of the last 12 months' contributions made by the most active 1% of residents
    and by the least active 90% (NaN where nobody contributed): 90-9-1 (Nielsen 2006).

    Only the few who contributed are ranked: their contributions, sorted run by run in
    decreasing order, are summed per run by `bincount` in that order (a run's sums never
    depend on its batch)."""
    runs, n = year.shape
    r, i = np.nonzero(year)
    values = year[r, i]
    order = np.lexsort((-values, r))
    r, values = r[order], values[order]
    rank = np.arange(r.size) - np.searchsorted(r, r)  # 0 for each run's largest contribution
    total = np.bincount(r, weights=values, minlength=runs)
    top = np.bincount(r, weights=np.where(rank < max(1, n // 100), values, 0.0), minlength=runs)
    rest = np.bincount(r, weights=np.where(rank >= n // 10, values, 0.0), minlength=runs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(total > 0, top / total, np.nan),
                np.where(total > 0, rest / total, np.nan))  # fmt: skip


def literacy_gap(contributors: np.ndarray, literacy: np.ndarray) -> np.ndarray:
    """Contributors' mean literacy minus all residents' (NaN where nobody contributed): who
    speaks for the city (participatory budgets draw the better-off, §3.4)."""
    runs = contributors.shape[0]
    r, i = np.nonzero(contributors)
    many = np.bincount(r, minlength=runs)
    spoken = np.bincount(r, weights=literacy[r, i], minlength=runs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(many > 0, spoken / many, np.nan) - literacy.mean(axis=1)


def per_mean(x: np.ndarray) -> np.ndarray:
    """Each resident's part of a run's total, scaled to mean 1 (0 where the total is 0)."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=1, keepdims=True)
    return np.divide(x, mean, out=np.zeros_like(x), where=mean > 0)


class _Sliced:
    def __init__(self, source: Any, rows: slice) -> None:
        self._source, self._rows = source, rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)[self._rows]


def _rows(source: Any, rows: slice) -> Any:
    """Some runs' rows of a Reach or of the parameter columns."""
    if isinstance(source, Reach):
        return Reach(*(getattr(source, f)[rows] for f in source.__dataclass_fields__))
    return _Sliced(source, rows)


def _fields(outcome: Outcome) -> list[np.ndarray]:
    return [getattr(outcome, f) for f in outcome.__dataclass_fields__]


def _count_rows(mask: np.ndarray) -> np.ndarray:
    """True entries per row (np.count_nonzero row by row: without `axis` it counts bits, far
    faster than its `axis=` form, which sums a cast copy)."""
    return np.array([np.count_nonzero(row) for row in mask])
