"""The rules of revision 2 that make openness cost before it yields (source §3.6, §4.1), the
DGA's attention demand, data reuse by partners, the recruitment's reputation cost and the
breach draw that keeps paired runs on one random stream."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from conftest import small_config
from hypothesis import given
from hypothesis import strategies as st

from sim.core.config import Parameters
from sim.core.model import GovernanceModel
from sim.core.openness import funding, scale, staffing_effect
from sim.core.stages import departments, partners, steering
from sim.core.stages.course import Course
from sim.core.stages.departments import TASKS
from sim.core.stages.residents import poisson_draw

unit = st.floats(0.0, 1.0, allow_nan=False)
OUTREACH_FULL = Parameters().outreach_full  # a partnership line that funds full outreach


# ---- start-up costs ------------------------------------------------------------------------------
def test_a_line_below_the_startup_buys_nothing():
    assert funding(0.019, 0.02, 0.075) == 0.0
    assert funding(0.02, 0.02, 0.075) == 0.0
    assert funding(0.075, 0.02, 0.075) == 1.0
    assert funding(0.0475, 0.02, 0.075) == pytest.approx(0.5)


@given(st.floats(0, 2), st.floats(0, 0.1), st.floats(0.1, 1))
def test_funding_is_a_share_and_rises_with_the_line(amount, startup, full):
    f = funding(amount, startup, full)
    assert 0.0 <= f <= 1.0
    assert funding(amount + 0.01, startup, full) >= f


@pytest.mark.parametrize("ramp", [0.25, 0.5, 0.75])
def test_programmes_scale_with_openness_up_to_the_ramp(ramp):
    assert scale(0.0, ramp) == 0.0
    assert scale(ramp / 2, ramp) == pytest.approx(0.5)
    assert scale(ramp, ramp) == scale(1.0, ramp) == 1.0


@given(unit, st.floats(0.0, 0.95))
def test_a_programme_below_minimum_staffing_yields_nothing(staffed, minimum):
    effect = staffing_effect(staffed, minimum)
    assert 0.0 <= effect <= 1.0
    if staffed <= minimum:
        assert effect == 0.0
    assert staffing_effect(1.0, minimum) == 1.0


def _lines(budget: float) -> dict[str, float]:
    return {k: budget * s for k, s in {"infrastructure": 0.4, "organisation": 0.2,
            "institutions": 0.1, "participation": 0.15, "partnerships": 0.15}.items()}  # fmt: skip


def _course(p: float, o: float, lines: dict[str, float] | None = None) -> Course:
    """A course of a batch of one: point (p, o), budget 1, full commitment."""
    lines = _lines(1.0) if lines is None else lines
    one = lambda x: np.array([float(x)])  # noqa: E731
    return Course(one(p), one(o), one(1.0), {k: one(v) for k, v in lines.items()}, one(1.0))


def _month(model: GovernanceModel, course: Course) -> dict:
    """Stages 2–3 of the model's run under `course`; the agents' views read the result."""
    attention = steering.steer(model.state, course)
    staff = departments.work(model.state, course, attention)
    model.last = {"course": course, "attention": attention, "staff": staff}
    return model.last


def test_programme_hours_are_a_department_task_that_scales_with_openness():
    model = GovernanceModel(small_config(**{"resources.programme_hours": 8.0}), rng=0)
    d = model.departments[0]
    i = TASKS.index("programmes")
    _month(model, _course(0.9, 0.0))
    closed = d.demand.copy()
    _month(model, _course(0.5, 0.9))
    opened = d.demand.copy()
    assert closed[i] == 0.0
    assert opened[i] == pytest.approx(8.0)


def test_starved_programmes_stall_open_practice():
    """With one staff hour per department, the programmes get under half their start-up: no
    practice, so no publication and no institutions, whatever the plan says."""
    frame = _run(**{"trajectory.kind": "open", "resources.staff_hours": 1.0})
    assert (frame["programme_staffing"] == 0.0).all()
    assert frame["published_share"].max() == 0.0
    assert frame["institutions"].max() == 0.0


def test_ample_hours_staff_the_programmes():
    frame = _run(**{"trajectory.kind": "open", "resources.staff_hours": 500.0})
    assert (frame["programme_staffing"] == 1.0).all()


def _run(**changes):
    from sim.runs.runner import run

    return run(small_config(months=24, **changes), 3)


# ---- DGA attention -------------------------------------------------------------------------------
@pytest.mark.parametrize("push, silo", [(6.0, 6.0), (3.0, 9.0)])
def test_dga_demand_adds_push_brokering_and_committees(push, silo):
    changes = {"resources.dga_hours": 1000.0, "resources.push_hours": push,
               "resources.cross_silo_hours": silo}  # fmt: skip
    model = GovernanceModel(small_config(**changes), rng=0)
    dga = model.dgas[0]
    n = len(dga.portfolio)
    model.last = {"attention": steering.steer(model.state, _course(0.8, 0.6))}
    res = model.config.resources
    expected = 0.8 * push * n + 0.6 * silo * n + res.programme_attention * n
    assert dga.demand == pytest.approx(expected)
    assert dga.support == 1.0 and dga.unmet == 0.0


def test_dga_attention_binds_and_every_request_gets_the_same_share():
    model = GovernanceModel(small_config(**{"resources.dga_hours": 5.0}), rng=0)
    dga = model.dgas[0]
    model.last = {"attention": steering.steer(model.state, _course(0.9, 0.9))}
    assert dga.support == pytest.approx(5.0 / dga.demand)
    assert dga.unmet == pytest.approx(dga.demand - 5.0)
    assert all(d.dga_support == dga.support for d in dga.portfolio)


def test_without_coordination_costs_partners_cost_no_dga_time():
    model = GovernanceModel(small_config(**{"mechanisms.coordination_costs": False}), rng=0)
    dga = model.dgas[0]
    state, host = model.state, dga.portfolio[0]
    state.active[0, :10] = True  # ten partnerships hosted by the portfolio's first department
    state.host[0, :10] = host.index
    assert host.partners_hosted == 10
    course = _course(0.0, 1.0)
    model.last = {"attention": steering.steer(state, course)}
    with_partners = dga.demand
    state.active[0, :] = False
    model.last = {"attention": steering.steer(state, course)}
    assert with_partners == dga.demand


# ---- partners: data reuse, reputation ---------------------------------------------------------
@pytest.mark.parametrize("reuse", [0.25, 0.5])
def test_partners_produce_less_from_a_stale_catalogue(reuse):
    model = GovernanceModel(small_config(**{"parameters.data_reuse": reuse}), rng=0)
    state = model.state
    state.infrastructure[:] = state.culture[:] = 1.0
    partner = next(p for p in model.partners if p.co_creates)
    state.active[0, partner.slot] = True  # joins the first department
    state.host[0, partner.slot] = model.departments[0].index
    last = _month(model, _course(0.5, 0.9))
    partners.cooperate(state, last["staff"], last["attention"], fresh=np.array([1.0]))
    fresh = partner.output
    partners.cooperate(state, last["staff"], last["attention"], fresh=np.array([0.0]))
    assert partner.output == pytest.approx(fresh * (1.0 - reuse))


def _staff(model: GovernanceModel, **fields) -> departments.StaffMonth:
    """This month's staff of the model's run, with some of its fields set by hand."""
    staff = _month(model, _course(0.5, 1.0))["staff"]
    return dataclasses.replace(staff, **{k: np.asarray(v, dtype=float) for k, v in fields.items()})


def test_burnt_partners_lower_the_citys_draw_on_the_pool():
    """Same draws, same expected joins: a pool whose alignment was burnt recruits fewer."""
    joined = []
    for burn in (False, True):
        model = GovernanceModel(small_config(**{"parameters.recruitment_rate": 5.0}), rng=4)
        state = model.state
        if burn:
            state.alignment[:] = 0.5 * state.base_alignment
        staff = _staff(model, staffing=[1.0], need=[0.0])
        course = _course(0.5, 1.0, {"partnerships": OUTREACH_FULL})
        partners.recruit(state, course, staff)
        joined.append(len(model.co_creation_partners))
    assert joined[1] < joined[0]


def test_spare_coordination_capacity_is_the_slack():
    """No spare hours and no push: nobody joins; spare hours for one partnership: they do."""
    counts = []
    for load in (1.0, 0.0):
        model = GovernanceModel(
            small_config(**{"parameters.recruitment_rate": 5.0, "parameters.push": 0.0}), rng=2
        )
        state = model.state
        demand = np.zeros((1, state.departments, len(TASKS)))
        demand[0, :, 0] = load * state.hours[0]
        staff = _staff(model, demand=demand, staffing=[1.0], need=[12.0])
        course = _course(0.5, 1.0, {"partnerships": OUTREACH_FULL})
        partners.recruit(state, course, staff)
        counts.append(len(model.co_creation_partners))
    assert counts[0] == 0 < counts[1]


# ---- the breach draw ---------------------------------------------------------------------------
@given(st.floats(0.0, 5.0), unit)
def test_poisson_draw_is_monotone_in_the_uniform(mean, u):
    k = poisson_draw(mean, u)
    assert k >= 0
    assert poisson_draw(mean, min(1.0, u + 0.1)) >= k


def test_poisson_draw_has_the_poisson_mean_and_zero_probability():
    rng = np.random.default_rng(0)
    for mean in (0.01, 0.7, 4.0):
        draws = np.array([poisson_draw(mean, rng.random()) for _ in range(40_000)])
        assert draws.mean() == pytest.approx(mean, rel=0.05, abs=0.002)
        assert (draws == 0).mean() == pytest.approx(math.exp(-mean), abs=0.01)
