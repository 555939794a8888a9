"""Stage 7: the month's public value — six generators shared over nine dimensions, minus four
kinds of destruction — and the month's row (source §1.4, §4.2; docs/ODD.md §7.7).

The generators are Harrison et al.'s (2012), the dimensions Csukás & Szabó's (2021), the
destruction the source's §4.2 (illectronism, privacy, footprint) plus stale open data; the
matrices that join them are in sim/core/value.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core.outputs import QUINTILES
from sim.core.population import AGE_GROUPS
from sim.core.stages import departments
from sim.core.stages.departments import OPERATION
from sim.core.value import DESTRUCTION_TO_DIMENSION, GENERATOR_TO_DIMENSION, Accounts

if TYPE_CHECKING:
    from sim.core.stages.course import Course
    from sim.core.stages.departments import StaffMonth
    from sim.core.stages.residents import Outcome, Privacy
    from sim.core.stages.steering import Attention
    from sim.core.state import State


def generators(I: Any, C: Any, skills: Any, operation: Any, users: Any, mediation: Any,
               fresh: Any, participation_year: Any, implementation: Any, partner_output: Any,
               cross_silo: Any, technology: Any, par: Any) -> np.ndarray:  # fmt: skip
    """(runs, 6): efficiency, effectiveness, intrinsic, transparency, participation,
    collaboration (Harrison et al. 2012), from this month's state."""
    return np.stack(np.broadcast_arrays(
        I * skills * operation,
        users * skills,
        I * (par.intrinsic_culture * C + par.intrinsic_mediation * mediation),
        fresh * (par.transparency_base + (1 - par.transparency_base) * I),
        np.minimum(1.0, participation_year / par.participation_reference) * implementation,
        par.co_creation_value * partner_output + cross_silo * C * technology,
    ), axis=-1)  # fmt: skip


def destruction(harm: Any, skills: Any, exposure: Any, breaches: Any, I: Any,
                before: Any, stale: Any, par: Any) -> np.ndarray:  # fmt: skip
    """(runs, 4): exclusion (loss-averse, Tversky & Kahneman 1992), privacy and breaches, the
    footprint (operating and embodied, ADEME/Arcep), a stale catalogue."""
    return np.stack(np.broadcast_arrays(
        par.exclusion_harm * harm * skills,
        par.privacy_harm * exposure + par.breach_harm * breaches,
        par.footprint_operating * I + par.footprint_embodied * np.maximum(0.0, I - before),
        par.stale_harm * stale,
    ), axis=-1)  # fmt: skip


def account(made: np.ndarray, lost: np.ndarray, weights: np.ndarray) -> Accounts:
    """Every run's accounts: gross − destroyed == net per dimension and in total. Sums run term
    by term in a fixed order (no matrix product), so a run's figures never depend on its batch."""
    gross = sum(made[:, k, None] * GENERATOR_TO_DIMENSION[k] for k in range(made.shape[1]))
    destroyed = sum(lost[:, k, None] * DESTRUCTION_TO_DIMENSION[k] for k in range(lost.shape[1]))
    net = gross - destroyed
    total_gross = (gross * weights).sum(axis=1)
    total_destroyed = (destroyed * weights).sum(axis=1)
    return Accounts(gross, destroyed, net, total_gross, total_destroyed,
                    total_gross - total_destroyed)  # fmt: skip


# Who receives each generator and who bears each destruction (P9; docs/ODD.md §7.7): "all"
# shares it equally, a name takes the residents' weights the residents' stage hands over.
RECEIVERS = ("all", "used", "all", "all", "contributed", "all")  # GENERATORS order
BEARERS = ("excluded", "exposed", "all", "all")  # DESTRUCTIONS order


def attribute(made: np.ndarray, lost: np.ndarray, weights: np.ndarray,
              residents: Outcome) -> np.ndarray:  # fmt: skip
    """(runs, residents): each resident's net value this month, in the city's weighted value
    points. A public good (efficiency, open data, culture, collaboration; the footprint, a
    stale catalogue) is shared equally; a service's effectiveness goes to its users,
    participation's value to contributors in proportion to their contributions, exclusion to
    the illectronic and privacy harm to residents by vulnerability. Every weight has mean 1 in
    its run, so the residents' mean is the city's net value."""
    terms = [(who, made[:, k] * (GENERATOR_TO_DIMENSION[k] * weights).sum(axis=1))
             for k, who in enumerate(RECEIVERS)]  # fmt: skip
    terms += [(who, -lost[:, j] * (DESTRUCTION_TO_DIMENSION[j] * weights).sum(axis=1))
              for j, who in enumerate(BEARERS)]  # fmt: skip
    common = sum(value for who, value in terms if who == "all")
    net = np.repeat(common[:, None], residents.used.shape[1], axis=1)
    for who, value in terms:
        if who != "all":
            net += value[:, None] * getattr(residents, who)
    return net


def group_columns(values: np.ndarray, groups: np.ndarray, prefix: str,
                  k: int) -> dict[str, np.ndarray]:  # fmt: skip
    """`net_value_per_resident_<prefix><g>` for g = 1…k: the mean of `values` over each of the
    k groups' residents, run by run (NaN for an empty group)."""
    runs = groups.shape[0]
    flat = (np.arange(runs)[:, None] * k + groups).ravel()
    sums = np.bincount(flat, weights=values.ravel(), minlength=runs * k).reshape(runs, k)
    counts = np.bincount(flat, minlength=runs * k).reshape(runs, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    return {f"net_value_per_resident_{prefix}{g + 1}": means[:, g] for g in range(k)}


def count(state: State, course: Course, attention: Attention, staff: StaffMonth,
          privacy: Privacy, residents: Outcome, mediation: np.ndarray, cross_silo: np.ndarray,
          partner_output: np.ndarray, before: np.ndarray) -> dict[str, Any]:  # fmt: skip
    """Stage 7: the month's value of every run, added to the cumulative; returns the row."""
    par, I, C = state.par, state.infrastructure, state.culture
    skills = state.skills()
    size = state.published[0].size
    stale = departments.stale_counts(state.published, state.age, par.stale_after)
    published = np.count_nonzero(state.published, axis=(1, 2))
    fresh = departments.fresh_share(state.published, state.age, par.stale_after)
    made = generators(I, C, skills, staff.shares[:, :, OPERATION].mean(axis=1), residents.users,
                      mediation, fresh, residents.participation_year, staff.implementation,
                      partner_output, cross_silo, state.technology(), par)  # fmt: skip
    lost = destruction(residents.harm, skills, privacy.exposure, privacy.breaches, I, before,
                       stale / size if size else np.zeros(state.runs), par)  # fmt: skip
    values = account(made, lost, state.weights)
    state.cumulative_value = state.cumulative_value + values.net_total
    pop = state.population
    pop.net_value += attribute(made, lost, state.weights, residents)
    loads = staff.totals / state.hours
    row = {
        "proactivity": course.proactivity,
        "openness": course.openness,
        "infrastructure": I,
        "culture": C,
        "institutions": state.institutions,
        "budget": course.budget,
        "budget_spent": course.spent,
        "hours_capacity": state.hours.sum(axis=1),
        "hours_used": staff.allocation.sum(axis=(1, 2)),
        "load": loads.mean(axis=1),
        "load_max": loads.max(axis=1),
        "dga_unmet": attention.unmet,
        "programme_staffing": staff.staffing,
        "commitment": course.commitment,
        "legitimacy": state.legitimacy,
        "partners": state.co_creators(),
        "partner_output": partner_output,
        "users": residents.users,
        "participation": residents.participation,
        "participation_year": residents.participation_year,
        "implementation": staff.implementation,
        "trust": residents.trust,
        "trust_gap": residents.trust_gap,
        "illectronism": residents.illectronism,
        "mediation": mediation,
        "published_share": published / size if size else np.zeros(state.runs),
        "stale_share": np.divide(stale, published, out=np.zeros(state.runs), where=published > 0),
        "dataset_updates": staff.updated,
        "breach_hazard": privacy.hazard,
        "breaches": privacy.breaches,
        "value_cumulative": state.cumulative_value,
        "reflex_mean": state.reflex.mean(axis=1),
        "reflex_min": state.reflex.min(axis=1),
        "reflex_max": state.reflex.max(axis=1),
        "contributions_top1_share": residents.top1_share,
        "contributions_bottom90_share": residents.bottom90_share,
        "contributors_literacy_gap": residents.literacy_gap,
        **group_columns(pop.net_value, pop.literacy_quintile, "lit", QUINTILES),
        **group_columns(pop.net_value, pop.age_group, "age", len(AGE_GROUPS)),
    }
    return {"generators": made, "destruction": lost, "values": values, "state": row}
