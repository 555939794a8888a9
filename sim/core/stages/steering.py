"""Stage 2: DGAs spend finite attention on their portfolios (source §3.2, §3.6; ODD §7.2).

Under proactivity a DGA pushes deployment; under openness it brokers partnerships and cross-silo
projects and sits on the open programmes' committees. When the asks exceed its hours, every
request gets the same fraction and the unmet hours are recorded (Bitterman & Koliba 2020:
capacity is the bottleneck of collaborative governance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core.openness import scale
from sim.core.stages.rows import by_dga, column

if TYPE_CHECKING:
    from sim.core.stages.course import Course
    from sim.core.state import State


@dataclass(frozen=True)
class Attention:
    """What the DGAs gave this month: support per department, unmet hours, brokered work."""

    demand: np.ndarray  # (runs, DGAs) hours asked
    support: np.ndarray  # (runs, departments): the share of its asks its DGA met
    unmet: np.ndarray  # (runs,) hours asked and not given, all DGAs
    cross_silo: np.ndarray  # (runs,) transversal work brokered, mean over DGAs of o × support
    hosted: np.ndarray  # (runs, departments) partnerships each department hosts


def attention_demand(course: Course, res: Any, par: Any, mech: Any, portfolio: Any,
                     hosted: Any) -> Any:  # fmt: skip
    """Hours a DGA is asked for: push p·κ·h_push·n + brokering o(h_x·n + h_p·hosted) +
    committees scale(o)·h_c·n, for a portfolio of n departments hosting `hosted` partnerships.
    Arrays are (runs, DGAs); the run columns broadcast."""
    col = column
    per_partner = np.where(mech.coordination_costs, res.dga_partner_hours, 0.0)
    p, o = col(course.proactivity), col(course.openness)
    push = p * col(course.commitment) * col(res.push_hours) * portfolio
    broker = o * (col(res.cross_silo_hours) * portfolio + col(per_partner) * hosted)
    committees = scale(o, col(par.open_ramp)) * col(res.programme_attention) * portfolio
    return push + broker + committees


def served(demand: Any, hours: Any) -> tuple[Any, Any]:
    """(support, unmet): the share of the asks met within the hours, and what is left unmet."""
    used = np.minimum(demand, hours)
    support = np.divide(used, demand, out=np.ones_like(demand), where=demand > 0)
    return support, demand - used


def steer(state: State, course: Course) -> Attention:
    """Stage 2 for every DGA of every run; each department inherits its DGA's support."""
    R, D = state.runs, state.departments
    flat = (np.arange(R)[:, None] * D + state.host)[state.active]
    hosted = np.bincount(flat, minlength=R * D).reshape(R, D)
    portfolio = by_dga(np.ones((R, D)), state.dga_of, state.dgas)
    hosted_by_dga = by_dga(hosted, state.dga_of, state.dgas)
    demand = attention_demand(course, state.res, state.par, state.mech, portfolio, hosted_by_dga)
    support, unmet = served(demand, state.res.dga_hours[:, None])
    brokered = (course.openness[:, None] * support).mean(axis=1)
    mine = np.take_along_axis(support, state.dga_of, axis=1)
    return Attention(demand, mine, unmet.sum(axis=1), brokered, hosted)
