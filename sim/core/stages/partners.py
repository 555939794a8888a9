"""Stage 4: co-creation partners produce, starve, leave, and are recruited (source §3.6; ODD §7.4).

Vendors are under contract and turn the infrastructure budget into I (their mean capability is
the `vendor_quality` of deployment). Co-creation candidates (start-ups, associations,
universities, utilities) join when solicited and aligned, need hours of their host department
and their DGA's attention, and contribute capability × min(1, hours received ÷ needed) × I × C ×
data reuse. One starved or idle for `starvation_months` leaves, and is harder to win back ("ça
demande énormément de temps", source §3.6; "on essaye de multiplier les partenariats").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core import openness
from sim.core.stages.departments import PARTNERSHIPS

KINDS = ("vendor", "start-up", "association", "university", "utility")
# Appetite for data (drives privacy exposure): vendors and start-ups monetise data (assumption).
DATA_APPETITE = {
    "vendor": 0.8,
    "start-up": 0.7,
    "association": 0.2,
    "university": 0.3,
    "utility": 0.5,
}

if TYPE_CHECKING:
    from sim.core.stages.course import Course
    from sim.core.stages.departments import StaffMonth
    from sim.core.stages.steering import Attention
    from sim.core.state import State


def productivity(hours_share: Any, technology: Any, culture: Any, fresh: Any, reuse: Any) -> Any:
    """Share of its capability a partner yields: min(1, hours share) × I × C × data reuse, data
    reuse = (1 − r) + r × the catalogue's fresh share (co-created services reuse the city's
    data, r = `parameters.data_reuse`)."""
    return np.minimum(1.0, hours_share) * technology * culture * ((1.0 - reuse) + reuse * fresh)


def expected_joins(course: Course, staff: StaffMonth, slack: Any, par: Any, res: Any) -> Any:
    """Partnerships the mayor's solicitation brings this month: rate × o × outreach ×
    (push + (1 − push) × slack); outreach is the partnership office's funding × staffing."""
    outreach = openness.funding(course.lines["partnerships"], res.programme_startup,
                                par.outreach_full) * staff.staffing  # fmt: skip
    expected = par.recruitment_rate * course.openness * outreach
    return expected * (par.push + (1.0 - par.push) * slack)


def slack(hours: np.ndarray, asked: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Spare coordination capacity: how far a department could take one more partnership, its
    unused hours over one partnership's need, capped at 1, averaged over departments (1 where
    partnerships cost no hours: capacity never runs out)."""
    spare = np.maximum(0.0, hours - asked)
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.minimum(1.0, spare / need[:, None])
    return np.where(need <= 0.0, 1.0, room.mean(axis=1))


def cooperate(state: State, staff: StaffMonth, attention: Attention, fresh: np.ndarray) -> None:
    """Active partners produce with the hours their host gave; the starved ones count months
    and, after `starvation_months`, leave with their alignment burnt (once: it does not
    compound). Forced partner counts (the hump experiment) never leave."""
    par, rows, host = state.par, np.arange(state.runs)[:, None], state.host
    active = state.active
    share = np.minimum(staff.shares[rows, host, PARTNERSHIPS], attention.support[rows, host])
    made = productivity(share, state.technology()[:, None], state.culture[:, None],
                        fresh[:, None], par.data_reuse[:, None])  # fmt: skip
    starved = (share < par.starved_below[:, None]) | (made < par.idle_below[:, None])
    state.hours_share = np.where(active, share, state.hours_share)
    state.output = np.where(active, state.capability * made, state.output)
    state.months_starved = np.where(active, np.where(starved, state.months_starved + 1, 0),
                                    state.months_starved)  # fmt: skip
    free = np.isnan(state.mech.forced_partners)[:, None]
    leave = free & active & (state.months_starved >= par.starvation_months[:, None])
    state.alignment = np.where(leave, par.burnt_alignment[:, None] * state.base_alignment,
                               state.alignment)  # fmt: skip
    state.active = active & ~leave
    state.output = np.where(leave, 0.0, state.output)


def recruit(state: State, course: Course, staff: StaffMonth) -> None:
    """The mayor solicits: each inactive candidate joins with probability expected × its
    alignment ÷ the pool's initial alignment, hosted by a department drawn at random. Two draws
    per candidate, joined or not, so paired runs stay on the same random stream; runs with a
    forced partner count draw nothing."""
    free = np.isnan(state.mech.forced_partners)
    P = state.active.shape[1]
    draws, hosts = np.zeros(state.active.shape), np.zeros(state.active.shape, dtype=np.int64)
    for r in np.flatnonzero(free):
        draws[r] = state.rngs[r].random(P)
        hosts[r] = state.rngs[r].integers(0, state.departments, P)
    expected = expected_joins(course, staff, slack(state.hours, staff.totals, staff.need),
                              state.par, state.res)  # fmt: skip
    soliciting = free & (expected > 0.0) & (state.reputation > 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        chance = expected[:, None] * state.alignment / state.reputation[:, None]
    joins = soliciting[:, None] & ~state.active & (draws < chance)
    state.active = state.active | joins
    state.host = np.where(joins, hosts, state.host)
    state.months_starved = np.where(joins, 0, state.months_starved)


def work(state: State, course: Course, staff: StaffMonth, attention: Attention,
         fresh: np.ndarray) -> np.ndarray:  # fmt: skip
    """Stage 4: the partners work, then the mayor recruits. Returns the partners' output."""
    cooperate(state, staff, attention, fresh)
    recruit(state, course, staff)
    return np.where(state.active, state.output, 0.0).sum(axis=1)
