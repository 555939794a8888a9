"""Stage 3: departments share their staff hours among six tasks (source §3.2–3.4; ODD §7.3).

Each department asks hours for operation and deployment, training, the open programmes, the
upkeep of its open data, its hosted partnerships and the answers owed to residents; when the
asks exceed its hours they are rationed by governance-dependent priorities. What the hours
achieve — datasets kept fresh, programmes staffed, contributions answered — is what the later
stages read. The open-data catalogue (datasets as `(runs, departments, datasets)` arrays, not
agents) is kept here: a published dataset ages a month at a time and is stale once older than
`stale_after` months ("c'est obsolète au bout de deux mois", source §3.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core import openness
from sim.core.stages.rows import ByRow, by_dga, column

if TYPE_CHECKING:
    from sim.core.stages.course import Course
    from sim.core.stages.steering import Attention
    from sim.core.state import State

# The tasks of a department's hours, in the order of every (…, tasks) array.
TASKS = ("operation", "training", "programmes", "data_upkeep", "partnerships", "answers")
OPERATION, TRAINING, PROGRAMMES, DATA_UPKEEP, PARTNERSHIPS, ANSWERS = range(len(TASKS))
TASK_INDEX = {task: i for i, task in enumerate(TASKS)}


def ration(demand: np.ndarray, weights: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Share each row's capacity among its tasks: weighted proportional water-filling.

    `demand` is (rows, tasks), `weights` (tasks,) or (rows, tasks), `capacity` (rows,). Where
    demand fits, it is met; otherwise each unmet task receives a share of the remaining hours
    ∝ weight × unmet demand, no task gets more than it asked, and the rows' hours are never
    exceeded. Rows never mix: a row's allocation is the same whatever the other rows are.
    """
    demand = np.asarray(demand, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    fits = demand.sum(axis=1) <= capacity
    if fits.all():
        return demand.copy()
    alloc = np.zeros_like(demand)
    alloc[fits] = demand[fits]
    for _ in range(demand.shape[1]):
        want = demand - alloc
        remaining = capacity - alloc.sum(axis=1)
        score = weights * want
        total = score.sum(axis=1)
        open_rows = (total > 1e-12) & (remaining > 1e-12)
        if not open_rows.any():
            break
        share = np.zeros_like(demand)
        share[open_rows] = score[open_rows] * (remaining[open_rows] / total[open_rows])[:, None]
        alloc += np.minimum(share, want)
    return alloc


def task_weights(proactivity: Any, openness: Any) -> np.ndarray:
    """Rationing priorities: proactive steering protects operations, openness the open tasks.
    (tasks,) for one point, (…, tasks) for arrays of points."""
    proactivity = np.asarray(proactivity, dtype=float)
    openness_ = np.asarray(openness, dtype=float)
    weights = np.empty((*proactivity.shape, len(TASKS)))
    weights[..., OPERATION] = 0.5 + proactivity
    weights[..., TRAINING] = 0.5
    weights[..., PROGRAMMES:] = (0.3 + openness_)[..., None]
    return weights


def partnership_need(partners: Any, res: Any, mech: Any) -> Any:
    """Host hours one partnership needs: h1 + h2 (n − 1)/2 with n partners (the pairwise
    overhead of a network, source §3.6), 0 without coordination costs."""
    pairwise = np.where(mech.pairwise_coordination,
                        res.pairwise_hours * np.maximum(partners - 1, 0) / 2.0, 0.0)  # fmt: skip
    return np.where(mech.coordination_costs, res.coordination_hours + pairwise, 0.0)


def update_cost(infrastructure: Any, res: Any, par: Any) -> Any:
    """Staff hours of one dataset update: full infrastructure automates `update_tools` of it."""
    return res.update_hours * (1.0 - par.update_tools * infrastructure)


def training_intensity(organisation_line: Any, par: Any) -> Any:
    """How fully the HR line funds training (1 at `training_budget` M€/month)."""
    return np.minimum(1.0, organisation_line / par.training_budget)


def reflex(culture: Any, institutions: Any, silo: Any, par: Any) -> Any:
    """Data-sharing reflex: culture and charters build it, attachment to one's own data erodes
    it until culture moves (source §3.2, Courmont 2019). Run columns are (runs, 1) here."""
    value = (par.base_reflex + par.reflex_culture * culture
             + par.reflex_institutions * institutions
             - par.reflex_silo * silo * (1 - culture))  # fmt: skip
    return np.minimum(1.0, np.maximum(0.0, value))


def passed_on(previous: np.ndarray, dga_of: np.ndarray, dgas: int, cross_silo: Any,
              rate: Any) -> np.ndarray:  # fmt: skip
    """The chance that a colleague's example makes a department share this month (source §3.2,
    "prêcher la bonne parole en interne"; Courmont 2019).

    Each other department that shared last month (its reflex r_e) convinces it independently
    with probability κ·r_e if they sit in one DGA's portfolio, κ·x·r_e if not, x being the
    cross-silo work the DGAs broker this month: 1 − Π_e (1 − κ w r_e). A DGA holding many
    departments exposes each to more colleagues, so one mean reflex spreads differently under
    two organisation charts. κ = 0 (`mechanisms.reflex_contagion=False`) gives 0.
    """
    kappa = column(rate)
    same = np.log1p(-kappa * previous)
    other = np.log1p(-kappa * column(cross_silo) * previous)
    rows = np.arange(previous.shape[0])[:, None]
    same_dga = by_dga(same, dga_of, dgas)[rows, dga_of] - same
    other_dga = other.sum(axis=1, keepdims=True) - by_dga(other, dga_of, dgas)[rows, dga_of]
    return -np.expm1(same_dga + other_dga)


def capability(technology: Any, culture: Any, institutions: Any) -> Any:
    """What the organisation can deliver of what residents ask: (I·C·Q)^(1/3)."""
    return np.cbrt(technology * culture * institutions)


@dataclass(frozen=True)
class StaffMonth:
    """What the departments did with their hours this month (stage 3)."""

    demand: np.ndarray  # (runs, departments, tasks)
    allocation: np.ndarray  # (runs, departments, tasks)
    shares: np.ndarray  # allocation ÷ demand (1 where nothing was asked)
    need: np.ndarray  # (runs,) host hours per partnership
    updated: np.ndarray  # (runs,) datasets updated
    staffing: np.ndarray  # effect of the programmes' staffing (0 below the minimum, 1 full)
    platform: np.ndarray  # funding of the participation platform
    outreach: np.ndarray  # funding of the partnership office
    implementation: np.ndarray  # contributions answered × capability
    practice: np.ndarray  # open practice actually running

    @property
    def totals(self) -> np.ndarray:
        """(runs, departments) hours asked."""
        return self.demand.sum(axis=2)


def work(state: State, course: Course, attention: Attention) -> StaffMonth:
    """Stage 3: reflexes and intents, demand per task, rationing, the catalogue's updates."""
    par, res, mech = state.par, state.res, state.mech
    R, D = state.runs, state.departments
    p, o, I = course.proactivity, course.openness, state.infrastructure
    col = column
    need = partnership_need(state.co_creators(), res, mech)
    cost = update_cost(I, res, par)
    own = reflex(col(state.culture), col(state.institutions), state.silo, ByRow(par))
    shown = passed_on(state.reflex, state.dga_of, state.dgas, attention.cross_silo,
                      np.where(mech.reflex_contagion, par.reflex_passing, 0.0))  # fmt: skip
    fired = own + (1.0 - own) * shown
    fired = np.where(np.isnan(col(mech.reflex_override)), fired, col(mech.reflex_override))
    state.reflex = fired
    intents = intended_updates(state, fired)
    demand = np.empty((R, D, len(TASKS)))
    deployment = res.deployment_hours * p * course.commitment
    demand[:, :, OPERATION] = col(res.operation_hours * I) + col(deployment) * attention.support
    demand[:, :, TRAINING] = col(res.training_hours * training_intensity(
        course.lines["organisation"], par))  # fmt: skip
    demand[:, :, PROGRAMMES] = col(res.programme_hours * openness.scale(o, par.open_ramp))
    demand[:, :, DATA_UPKEEP] = np.count_nonzero(intents, axis=2) * col(cost)
    demand[:, :, PARTNERSHIPS] = attention.hosted * col(need)
    demand[:, :, ANSWERS] = col(res.answer_hours * state.pending)
    allocation = ration(demand.reshape(R * D, -1), np.repeat(task_weights(p, o), D, axis=0),
                        state.hours.reshape(-1)).reshape(R, D, -1)  # fmt: skip
    shares = np.divide(allocation, demand, out=np.ones_like(demand), where=demand > 0)
    updated = keep_catalogue(state, intents, allocation[:, :, DATA_UPKEEP], cost)
    asked = demand[:, :, ANSWERS].sum(axis=1)
    given = allocation[:, :, ANSWERS].sum(axis=1)
    answered = np.divide(given, asked, out=np.ones(R), where=asked > 0)
    staffing = openness.staffing_effect(shares[:, :, PROGRAMMES].mean(axis=1), par.min_staffing)
    platform = openness.funding(0.5 * course.lines["participation"], res.programme_startup,
                                par.platform_full)  # fmt: skip
    outreach = openness.funding(course.lines["partnerships"], res.programme_startup,
                                par.outreach_full)  # fmt: skip
    implementation = answered * capability(state.technology(), state.culture, state.institutions)
    return StaffMonth(demand, allocation, shares, need, updated, staffing, platform, outreach,
                      implementation, openness.practice(o, par.open_ramp, staffing, platform,
                                                        outreach))  # fmt: skip


def intended_updates(state: State, fired: np.ndarray) -> np.ndarray:
    """Datasets each department means to update: published, changed, and its reflex fires (one
    draw per dataset from each run's generator)."""
    draws = np.stack([g.random(state.published.shape[1:]) for g in state.rngs])
    return state.published & (state.age >= 1) & (draws < fired[:, :, None])


def keep_catalogue(state: State, intents: np.ndarray, hours: np.ndarray,
                   cost: np.ndarray) -> np.ndarray:  # fmt: skip
    """Age every published dataset; the first intended ones the upkeep hours afford restart at
    age 0. Returns the datasets updated per run."""
    with np.errstate(divide="ignore", invalid="ignore"):
        affordable = np.floor(hours / cost[:, None] + 1e-9)
    affordable = np.where(cost[:, None] > 0, affordable, intents.shape[2])
    updated = intents & (np.cumsum(intents, axis=2) <= affordable[:, :, None])
    state.age[state.published] += 1
    state.age[updated] = 0
    return np.count_nonzero(updated, axis=(1, 2))


def fresh_share(published: np.ndarray, age: np.ndarray, stale_after: Any) -> np.ndarray:
    """Published and up-to-date datasets over the whole catalogue (what can be reused)."""
    size = published[0].size
    fresh = published & (age <= np.asarray(stale_after)[:, None, None])
    return np.count_nonzero(fresh, axis=(1, 2)) / size if size else np.zeros(len(published))


def stale_counts(published: np.ndarray, age: np.ndarray, stale_after: Any) -> np.ndarray:
    """Stale published datasets per run."""
    stale = published & (age > np.asarray(stale_after)[:, None, None])
    return np.count_nonzero(stale, axis=(1, 2))
