"""Stage 6: the phasing of prerequisites — infrastructure I, culture C, institutions Q — the
staff's maturity and the catalogue's publication (source §3.3, §3.6; docs/ODD.md §7.6).

Culture grows only once technology works, institutions only once culture has moved (sigmoid
gates, switched off by `mechanisms.technology_prerequisite` / `culture_prerequisite`). Every
function here works on numbers and on arrays of runs: the null model calls them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core.stages.departments import OPERATION, TRAINING, training_intensity
from sim.core.stages.rows import ByRow

if TYPE_CHECKING:
    from sim.core.stages.course import Course
    from sim.core.stages.departments import StaffMonth
    from sim.core.stages.steering import Attention
    from sim.core.state import State


def gate(on: Any, stock: Any, threshold: Any, width: Any) -> Any:
    """A prerequisite's sigmoid gate in the stock (1 where the prerequisite is knocked out)."""
    with np.errstate(over="ignore"):
        sigmoid = 1.0 / (1.0 + np.exp(-(stock - threshold) / width))
    return np.where(on, sigmoid, 1.0)


def clamp(x: Any) -> Any:
    return np.minimum(1.0, np.maximum(0.0, x))


def infrastructure_change(line: Any, push: Any, quality: Any, I: Any, par: Any) -> Any:
    """dI = growth × line^β × vendor quality × (½ + ½ push) × (1 − I) − decay × I: deployment
    goes faster when the DGAs push it and departments have the hours (source §3.2)."""
    grown = par.infra_growth * np.power(line, par.budget_returns) * quality
    return grown * (0.5 + 0.5 * push) * (1 - I) - par.infra_decay * I


def culture_change(drive: Any, gate_i: Any, C: Any, par: Any) -> Any:
    """dC = growth × drive × gate(I) × (1 − C) − decay × C."""
    return par.culture_growth * drive * gate_i * (1 - C) - par.culture_decay * C


def culture_drive(organisation_line: Any, practice: Any, cross_silo: Any, par: Any) -> Any:
    """What moves culture, in M€/month of HR line: the line, open practice, brokered work."""
    return (organisation_line + par.culture_drive_practice * practice
            + par.culture_drive_cross_silo * cross_silo)  # fmt: skip


def institutions_change(practice: Any, C: Any, funded: Any, gate_c: Any, Q: Any,
                        par: Any) -> Any:  # fmt: skip
    """dQ = growth × practice × C × funding × gate(C) × (1 − Q) − decay × Q."""
    grown = par.institution_growth * practice * C * funded * gate_c * (1 - Q)
    return grown - par.institution_decay * Q


def maturity_change(trained: Any, infrastructure: Any, maturity: Any, par: Any) -> Any:
    """Staff learn from training actually given and from using the tools; skills fade."""
    learning = trained + par.tools_learning * infrastructure
    return par.maturity_growth * learning * (1 - maturity) - par.maturity_decay * maturity


def move(state: State, course: Course, staff: StaffMonth, attention: Attention) -> np.ndarray:
    """Stage 6 for every run. Returns the transversal work brokered (culture and value read it)."""
    par, mech, lines = state.par, state.mech, course.lines
    I, C, Q = state.infrastructure, state.culture, state.institutions
    push = (attention.support * staff.shares[:, :, OPERATION]).mean(axis=1)
    push = push * (course.proactivity * course.commitment)
    dI = infrastructure_change(lines["infrastructure"], push, state.vendor_quality, I, par)
    gate_i = gate(mech.technology_prerequisite, I, par.technology_threshold,
                  par.prerequisite_width)  # fmt: skip
    cross_silo = attention.cross_silo * staff.staffing
    drive = culture_drive(lines["organisation"], staff.practice, cross_silo, par)
    dC = culture_change(drive, gate_i, C, par)
    gate_c = gate(mech.culture_prerequisite, C, par.culture_threshold, par.prerequisite_width)
    funded = np.minimum(1.0, lines["institutions"] / par.institution_budget)
    dQ = institutions_change(staff.practice, C, funded, gate_c, Q, par)
    state.infrastructure, state.culture = clamp(I + dI), clamp(C + dC)
    state.institutions = clamp(Q + dQ)
    intensity = training_intensity(lines["organisation"], par)
    trained = staff.shares[:, :, TRAINING] * intensity[:, None]
    change = maturity_change(trained, state.infrastructure[:, None], state.maturity,
                             ByRow(par))  # fmt: skip
    state.maturity = clamp(state.maturity + change)
    publish(state, par.publish_rate * staff.practice * state.technology())
    return cross_silo


def publish(state: State, probability: np.ndarray) -> None:
    """Each unpublished dataset is released with `probability` this month, fresh on release
    (one draw per dataset from each run's generator)."""
    draws = np.stack([g.random(state.published.shape[1:]) for g in state.rngs])
    new = ~state.published & (draws < probability[:, None, None])
    state.published |= new
    state.age[new] = 0
