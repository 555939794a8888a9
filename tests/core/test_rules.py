"""One focused specification per behavioural rule of the model (docs/ODD.md §3, §7).

Unit tests drive the stage functions (sim/core/stages/) directly — the code that computes every
table — or set a GovernanceModel's batch state by hand and call one stage; a few read the
monthly table of a short run.
"""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL_CITY, small_config
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import sim
from sim.core.agents import Department, PrivatePartner
from sim.core.config import ModelConfig, Parameters
from sim.core.model import GovernanceModel
from sim.core.stages import departments, partners, steering, stocks
from sim.core.stages.course import Course, set_course
from sim.core.stages.departments import TASKS, StaffMonth, ration, task_weights
from sim.core.stages.steering import Attention

CITY = SMALL_CITY
CO_CREATORS = 16  # partner_pool 20, vendor_share 0.2 -> 4 vendors


def make_config(**changes) -> ModelConfig:
    """A small city over two years, with dotted-path changes."""
    return ModelConfig.from_dict({"months": 24, "city": CITY}).replace(**changes)


def make_model(seed: int = 0, **changes) -> GovernanceModel:
    return GovernanceModel(make_config(**changes), rng=seed)


def run_frame(seed: int = 0, **changes) -> pd.DataFrame:
    return sim.run(make_config(**changes), seed)


def begin_month(model: GovernanceModel) -> Course:
    """Stages 1–2 of a month: the mayor sets the course, the DGAs steer (both in `model.last`)."""
    state = model.state
    state.month += 1
    course = set_course(state)
    model.last = {"course": course, "attention": steering.steer(state, course)}
    return course


def hours(**by_task: float) -> np.ndarray:
    """A department's demand or allocation row, by task name (the others 0)."""
    row = np.zeros(len(TASKS))
    for task, value in by_task.items():
        row[TASKS.index(task)] = value
    return row


def loads(model: GovernanceModel, load: float) -> np.ndarray:
    """Every department's demand, (departments, tasks): operation asks `load` × its hours."""
    return load * model.state.hours[0][:, None] * hours(operation=1.0)


def staff_month(
    model: GovernanceModel,
    demand: np.ndarray,
    allocation: np.ndarray | None = None,
    need: float = 0.0,
    staffing: float = 1.0,
) -> StaffMonth:
    """A stage-3 outcome set by hand: every department asked `demand` (a `hours(...)` row or a
    (departments, tasks) array) and received `allocation` (all it asked by default)."""
    shape = (1, model.state.departments, len(TASKS))
    demand = np.broadcast_to(demand, shape).astype(float)
    given = demand if allocation is None else np.broadcast_to(allocation, shape).astype(float)
    shares = np.divide(given, demand, out=np.ones_like(demand), where=demand > 0)
    zero = np.zeros(1)
    return StaffMonth(demand, given.copy(), shares, np.array([need]), zero,
                      np.array([staffing]), zero, zero, zero, zero)  # fmt: skip


# ---- rationing (stage 3) -------------------------------------------------------------------------

N_TASKS = len(TASKS)


@st.composite
def rationing_problems(draw):
    rows = draw(st.integers(1, 6))
    finite = {"allow_nan": False, "allow_infinity": False}
    hours = st.one_of(st.just(0.0), st.floats(1e-3, 100, **finite))  # no subnormal demands
    demand = draw(arrays(float, (rows, N_TASKS), elements=hours))
    capacity = draw(arrays(float, rows, elements=st.floats(0, 300, **finite)))
    weights = draw(arrays(float, N_TASKS, elements=st.floats(0.05, 3, **finite)))
    return demand, weights, capacity


@settings(max_examples=200, deadline=None, database=None)
@given(rationing_problems())
def test_ration_respects_capacity_and_demand(problem):
    demand, weights, capacity = problem
    alloc = ration(demand, weights, capacity)
    assert alloc.shape == demand.shape
    assert np.all(alloc >= 0)
    assert np.all(alloc <= demand + 1e-9)  # never more than a task asked
    assert np.all(alloc.sum(axis=1) <= capacity + 1e-9)  # never more than the row's hours
    fits = demand.sum(axis=1) <= capacity
    np.testing.assert_array_equal(alloc[fits], demand[fits])  # demand met exactly when it fits
    # Work-conserving: a row that cannot meet its demand uses all its hours.
    short = ~fits
    np.testing.assert_allclose(alloc[short].sum(axis=1), capacity[short], rtol=1e-9, atol=1e-9)


@settings(max_examples=200, deadline=None, database=None)
@given(rationing_problems())
def test_ration_serves_higher_weights_a_larger_fraction(problem):
    demand, weights, capacity = problem
    alloc = ration(demand, weights, capacity)
    with np.errstate(invalid="ignore", divide="ignore"):
        met = np.where(demand > 0, alloc / demand, np.nan)
    for row in met:
        for i in range(N_TASKS):
            for j in range(N_TASKS):
                if weights[i] > weights[j] and not (np.isnan(row[i]) or np.isnan(row[j])):
                    assert row[i] >= row[j] - 1e-9


def test_ration_under_scarcity_favours_the_heavier_task():
    demand = np.array([hours(operation=10.0, training=10.0)])
    alloc = ration(demand, np.array([2.0, *[1.0] * (N_TASKS - 1)]), np.array([9.0]))
    assert alloc[0, 0] > alloc[0, 1] > 0
    assert alloc[0, 0] == pytest.approx(6.0)  # shares 2:1 of 9 hours
    assert alloc[0, 1] == pytest.approx(3.0)
    assert alloc[0, 2:].sum() == 0


def test_ration_shares_in_proportion_to_weight_times_demand():
    demand = np.array([hours(operation=1.0, training=100.0)])
    alloc = ration(demand, np.ones(N_TASKS), np.array([20.0]))
    assert alloc[0, 1] / alloc[0, 0] == pytest.approx(100.0)
    assert alloc.sum() == pytest.approx(20.0)


def test_ration_redistributes_hours_a_saturated_task_does_not_need():
    # Weighted 10:1, the small task's share (50/150 of 50 h) exceeds its 5 h: the rest goes on.
    demand = np.array([hours(operation=5.0, training=100.0)])
    alloc = ration(demand, np.array([10.0, *[1.0] * (N_TASKS - 1)]), np.array([50.0]))
    assert alloc[0, 0] == pytest.approx(5.0)
    assert alloc[0, 1] == pytest.approx(45.0)


def test_ration_with_zero_capacity_gives_nothing():
    demand = np.full((3, N_TASKS), 5.0)
    alloc = ration(demand, task_weights(0.5, 0.5), np.zeros(3))
    np.testing.assert_array_equal(alloc, np.zeros_like(demand))


def test_ration_accepts_per_row_weights():
    demand = np.array([hours(operation=10.0, training=10.0)] * 2)
    weights = np.array([[3.0, 1.0, *[1.0] * (N_TASKS - 2)], [1.0, 3.0, *[1.0] * (N_TASKS - 2)]])
    alloc = ration(demand, weights, np.array([8.0, 8.0]))
    assert alloc[0, 0] > alloc[0, 1]
    assert alloc[1, 1] > alloc[1, 0]
    np.testing.assert_allclose(alloc.sum(axis=1), [8.0, 8.0])


def test_task_weights_follow_governance():
    assert task_weights(0.9, 0.1)[0] > task_weights(0.1, 0.1)[0]  # proactivity protects operation
    open_tasks = [TASKS.index(t) for t in ("programmes", "data_upkeep", "partnerships", "answers")]
    assert np.all(task_weights(0.5, 0.9)[open_tasks] > task_weights(0.5, 0.1)[open_tasks])
    assert np.all(task_weights(0.0, 0.0) > 0)


# ---- recruitment (stage 4) -----------------------------------------------------------------------


def recruits(
    seed: int, load: float, push: float, openness: float = 1.0, need: float = 100.0
) -> int:
    """Partners who join in one call of the recruitment rule, from a controlled state.

    `need` is the hours one more partnership asks; departments of 40 h at a load of 0.8 leave
    8 spare hours each, i.e. a slack of 0.08 when a partnership needs 100 h.
    """
    model = make_model(seed, **{"parameters.push": push, "parameters.recruitment_rate": 5.0})
    before = len(model.co_creation_partners)
    staff = staff_month(model, loads(model, load), need=need)  # programmes fully staffed
    partners.recruit(model.state, full_outreach(openness), staff)
    return len(model.co_creation_partners) - before


def full_outreach(openness: float) -> Course:
    """A course at (0.5, `openness`) whose partnership office is fully funded."""
    one = np.ones(1)
    lines = {"partnerships": np.array([Parameters().outreach_full])}
    return Course(0.5 * one, openness * one, one, lines, one)


def test_nobody_joins_with_openness_zero_in_the_rule():
    assert sum(recruits(seed, load=0.0, push=1.0, openness=0.0) for seed in range(10)) == 0
    assert sum(recruits(seed, load=0.0, push=1.0, openness=1.0) for seed in range(10)) > 0


def test_nobody_joins_a_closed_city_over_a_run():
    frame = run_frame(**{"trajectory.kind": "proactive", "trajectory.proactive_point": [0.9, 0.0]})
    assert (frame["openness"] == 0).all()
    assert (frame["partners"] == 0).all()


def test_more_slack_recruits_more():
    # Same seed, same draws: a higher rate admits a superset, so compare seed by seed.
    busy = [recruits(seed, load=0.8, push=0.0) for seed in range(20)]
    idle = [recruits(seed, load=0.0, push=0.0) for seed in range(20)]
    assert all(i >= b for i, b in zip(idle, busy, strict=True))
    assert sum(idle) > sum(busy) > 0


def test_push_keeps_recruiting_when_departments_are_full():
    for load in (1.0, 1.7):
        assert sum(recruits(seed, load=load, push=0.0) for seed in range(20)) == 0
        assert sum(recruits(seed, load=load, push=1.0) for seed in range(20)) > 0


def test_recruits_land_in_a_department_and_are_counted():
    model = make_model(1, **{"parameters.recruitment_rate": 10.0, "parameters.push": 1.0})
    staff = staff_month(model, loads(model, 0.0), need=12.0)
    partners.recruit(model.state, full_outreach(1.0), staff)
    active = model.co_creation_partners
    assert active
    assert all(p.host in model.departments for p in active)
    assert sum(d.partners_hosted for d in model.departments) == len(active)


# ---- partner starvation --------------------------------------------------------------------------


def join(partner: PrivatePartner, host: Department) -> None:
    """The partner enters a partnership hosted by `host`, as recruitment admits it."""
    state = partner.model.state
    state.active[0, partner.slot] = True
    state.host[0, partner.slot] = host.index
    state.months_starved[0, partner.slot] = 0


def cooperate(model: GovernanceModel, given: float = 0.0, support: float = 1.0) -> None:
    """The partners' month (stage 4): every department asked 10 partnership hours and received
    `given`, its DGA met `support` of its asks, and the whole catalogue is fresh."""
    state = model.state
    staff = staff_month(model, hours(partnerships=10.0), hours(partnerships=given))
    D = state.departments
    attention = Attention(np.zeros((1, state.dgas)), np.full((1, D), support), np.zeros(1),
                          np.zeros(1), np.zeros((1, D)))  # fmt: skip
    partners.cooperate(state, staff, attention, np.ones(1))


def set_stocks(model: GovernanceModel, **stocks: float) -> None:
    """Set the run's stocks (infrastructure, culture, institutions) by hand."""
    for name, value in stocks.items():
        getattr(model.state, name)[:] = value


def starving_partner(model: GovernanceModel) -> tuple[PrivatePartner, Department]:
    """A co-creation partner just hosted by the first department (which, with `cooperate`,
    asks for partnership hours and gets none unless told)."""
    partner = next(p for p in model.partners if p.co_creates and not p.active)
    host = model.departments[0]
    join(partner, host)
    return partner, host


def test_starved_partner_leaves_after_starvation_months_with_alignment_halved():
    model = make_model(**{"parameters.starvation_months": 3})
    set_stocks(model, infrastructure=1.0, culture=1.0)
    partner, host = starving_partner(model)
    alignment = partner.alignment
    for month in (1, 2):
        cooperate(model)
        assert partner.active and partner.months_starved == month
    cooperate(model)
    assert not partner.active
    assert partner.host is None and partner.output == 0.0
    assert host.partners_hosted == 0
    assert partner.alignment == pytest.approx(alignment * 0.5)  # parameters.burnt_alignment


def test_a_fed_partner_stays_and_its_starvation_count_resets():
    model = make_model(**{"parameters.starvation_months": 2})
    set_stocks(model, infrastructure=1.0, culture=1.0)
    partner, _ = starving_partner(model)
    cooperate(model, given=0.0, support=0.0)
    assert partner.months_starved == 1
    cooperate(model, given=10.0, support=1.0)  # all the hours it asked, full DGA support
    assert partner.active and partner.months_starved == 0
    assert partner.output == pytest.approx(partner.capability)


def test_an_idle_partner_starves_even_with_hours():
    # Productivity needs I × C: hours alone do not keep a partnership alive.
    model = make_model(**{"parameters.starvation_months": 1})
    set_stocks(model, infrastructure=0.05, culture=0.05)
    partner, _ = starving_partner(model)
    cooperate(model, given=10.0)
    assert not partner.active


def test_forced_partners_never_starve_out():
    model = make_model(**{"mechanisms.forced_partners": 3, "parameters.starvation_months": 1})
    assert len(model.co_creation_partners) == 3
    partner = model.co_creation_partners[0]
    for _ in range(3):
        cooperate(model, given=0.0)  # its host asks for partnership hours and gets none
    assert partner.active


@pytest.mark.parametrize("forced", [0, 5, CO_CREATORS])
def test_forced_partners_keeps_exactly_n_active(forced):
    frame = run_frame(**{"mechanisms.forced_partners": forced, "resources.staff_hours": 10.0})
    assert (frame["partners"] == forced).all()


def test_forced_partners_are_the_most_aligned():
    model = make_model(**{"mechanisms.forced_partners": 5})
    pool = sorted((p for p in model.partners if p.co_creates), key=lambda p: -p.alignment)
    assert {p.unique_id for p in model.co_creation_partners} == {p.unique_id for p in pool[:5]}


@pytest.mark.parametrize("starvation", [1, 2, 4])
def test_no_partnership_outlives_starvation_in_a_run(starvation):
    # One staff hour per department: partnerships never get half their hours, so every partner
    # is starved each month and must leave once starved for `starvation_months` months.
    model = make_model(
        **{
            "months": 36,
            "trajectory.kind": "open",
            "resources.staff_hours": 1.0,
            "resources.programme_hours": 0.0,  # outreach needs no staffed start-up here
            "parameters.starvation_months": starvation,
            "parameters.push": 1.0,
            "parameters.recruitment_rate": 0.5,
        }
    )
    initial = {p.unique_id: p.alignment for p in model.partners}
    while model.running:
        model.step()
        for partner in model.co_creation_partners:
            assert partner.months_starved < starvation
    burnt = [p for p in model.partners if p.alignment < initial[p.unique_id]]
    assert burnt, "no partner ever left"
    for p in burnt:  # halved once, however often it left
        assert p.alignment == pytest.approx(0.5 * initial[p.unique_id])


@pytest.mark.parametrize("burnt", [0.25, 0.5])
def test_burnt_alignment_does_not_compound(burnt):
    model = make_model(**{"parameters.starvation_months": 1, "parameters.burnt_alignment": burnt})
    set_stocks(model, infrastructure=1.0, culture=1.0)
    partner, host = starving_partner(model)
    base = partner.alignment
    cooperate(model)
    assert not partner.active
    join(partner, host)
    cooperate(model)
    assert not partner.active
    assert partner.alignment == pytest.approx(burnt * base)


# ---- open-data freshness -------------------------------------------------------------------------


def catalogue(departments_: int, datasets: int, seed: int = 0) -> SimpleNamespace:
    """One run's open-data catalogue: the state arrays (runs, departments, datasets) that
    stage 3 keeps and stage 6 publishes into, with the run's generator."""
    shape = (1, departments_, datasets)
    return SimpleNamespace(published=np.zeros(shape, bool), age=np.zeros(shape, np.int32),
                           rngs=[np.random.default_rng(seed)])  # fmt: skip


def publish(cat: SimpleNamespace, probability: float) -> int:
    """Stage 6's release of datasets; returns how many were published."""
    before = int(cat.published.sum())
    stocks.publish(cat, np.array([probability]))  # type: ignore[arg-type]
    return int(cat.published.sum()) - before


def update(cat: SimpleNamespace, intents=None, affordable=None) -> int:
    """A month of stage 3's upkeep: `intents` (departments, datasets), at most `affordable`
    updates per department (update cost 1 h, so hours = updates). Returns the updates."""
    shape = cat.published.shape[1:]
    intents = np.zeros(shape, bool) if intents is None else np.asarray(intents)
    affordable = np.zeros(shape[0]) if affordable is None else np.asarray(affordable, float)
    return int(departments.keep_catalogue(cat, intents[None], affordable[None], np.ones(1))[0])


def stale_count(cat: SimpleNamespace, stale_after: int) -> int:
    return int(departments.stale_counts(cat.published, cat.age, np.array([stale_after]))[0])


def stale_share(cat: SimpleNamespace, stale_after: int) -> float:
    """Stale published datasets over published ones, 0 while nothing is published (the
    `stale_share` column of stage 7)."""
    published = int(cat.published.sum())
    return stale_count(cat, stale_after) / published if published else 0.0


def intents(cat: SimpleNamespace, reflex) -> np.ndarray:
    """Stage 3's update intents, (departments, datasets), for each department's reflex."""
    return departments.intended_updates(cat, np.asarray(reflex, float)[None])[0]


def test_published_dataset_goes_stale_after_stale_after_months_without_updates():
    cat = catalogue(1, 1)
    assert publish(cat, 1.0) == 1
    stale = []
    for _ in range(4):
        update(cat)  # nothing intended, nothing affordable
        stale.append(stale_count(cat, 2) == 1)
    assert stale == [False, False, True, True]  # age 3 > stale_after=2 at the 3rd month
    assert stale_share(cat, 2) == 1.0


def test_an_update_resets_the_age():
    cat = catalogue(1, 2)
    publish(cat, 1.0)
    for _ in range(5):
        update(cat)
    assert stale_share(cat, 2) == 1.0
    assert update(cat, [[True, False]], [5]) == 1
    assert (cat.age[0] == 0).tolist() == [[True, False]]  # the intended one was updated
    assert cat.age[0].tolist() == [[0, 6]]
    assert stale_share(cat, 2) == 0.5


def test_updates_are_capped_by_what_is_affordable():
    cat = catalogue(2, 4)
    publish(cat, 1.0)
    update(cat)
    update(cat, np.ones((2, 4), bool), [1, 3])
    assert (cat.age[0] == 0).sum(axis=1).tolist() == [1, 3]


def test_intents_need_a_published_aged_dataset_and_the_reflex():
    cat = catalogue(2, 50, seed=1)
    assert not intents(cat, np.ones(2)).any()  # nothing published
    publish(cat, 1.0)
    assert not intents(cat, np.ones(2)).any()  # fresh on release: no change yet
    update(cat)
    due = intents(cat, [0.0, 1.0])
    assert not due[0].any() and due[1].all()


def test_stale_share_is_zero_with_nothing_published():
    cat = catalogue(3, 4)
    for _ in range(10):
        update(cat)
    assert stale_share(cat, 2) == 0.0
    assert stale_share(catalogue(0, 0), 2) == 0.0


def test_unpublished_datasets_do_not_age():
    cat = catalogue(1, 3)
    for _ in range(5):
        update(cat)
    assert (cat.age == 0).all()


def test_without_reflex_a_long_run_ends_with_a_stale_catalogue():
    stale = run_frame(
        **{"months": 144, "trajectory.kind": "open", "mechanisms.reflex_override": 0.0}
    )
    assert stale["stale_share"].iloc[-1] >= 0.95
    assert stale["published_share"].iloc[-1] > 0.5
    fresh = run_frame(
        **{"months": 144, "trajectory.kind": "open", "mechanisms.reflex_override": 1.0}
    )
    assert fresh["stale_share"].iloc[-1] < 0.5


# ---- implementation ratio ------------------------------------------------------------------------


def implementation_after_stage_3(model: GovernanceModel, pending: float) -> float:
    course = begin_month(model)
    model.state.pending[:] = pending
    staff = departments.work(model.state, course, model.last["attention"])
    return float(staff.implementation[0])


def test_implementation_is_zero_without_institutions():
    model = make_model()
    set_stocks(model, infrastructure=1.0, culture=1.0, institutions=0.0)
    assert implementation_after_stage_3(model, pending=2.0) == 0.0


def test_implementation_is_zero_in_the_first_month_of_a_city_without_institutions():
    frame = run_frame(**{"city.initial_institutions": 0.0})
    assert frame["implementation"].iloc[0] == 0.0


def test_implementation_is_full_with_full_stocks_and_ample_hours():
    model = make_model(**{"resources.staff_hours": 1000.0})
    set_stocks(model, infrastructure=1.0, culture=1.0, institutions=1.0)
    assert implementation_after_stage_3(model, pending=5.0) == pytest.approx(1.0)


def test_implementation_falls_when_answer_hours_are_rationed():
    values = []
    for hours in (1000.0, 20.0, 5.0, 1.0):
        model = make_model(3, **{"resources.staff_hours": hours})
        set_stocks(model, infrastructure=1.0, culture=1.0, institutions=1.0)
        values.append(implementation_after_stage_3(model, pending=30.0))
    assert values[0] == pytest.approx(1.0)
    assert values[0] > values[1] > values[2] > values[3] >= 0.0


def test_implementation_stays_within_unit_interval_in_a_run():
    frame = run_frame(**{"months": 60, "trajectory.kind": "open"})
    assert frame["implementation"].between(0.0, 1.0).all()
    assert frame["implementation"].max() > 0.0


# ---- legitimacy and budget -----------------------------------------------------------------------


@pytest.mark.parametrize("base", [0.4, 1.0, 2.5])
def test_budget_follows_last_months_legitimacy(base):
    config = make_config(**{"resources.budget": base})
    initial = GovernanceModel(config, rng=5).mayor.legitimacy
    frame = sim.run(config, 5)
    previous = np.concatenate([[initial], frame["legitimacy"].to_numpy()[:-1]])
    np.testing.assert_allclose(frame["budget"], base * (0.6 + 0.8 * previous), rtol=1e-12)
    np.testing.assert_allclose(frame["budget_spent"], frame["budget"], rtol=1e-12)


def test_budget_is_the_base_without_the_legitimacy_link():
    frame = run_frame(**{"mechanisms.legitimacy_budget": False, "resources.budget": 0.7})
    assert (frame["budget"] == 0.7).all()


def test_legitimacy_smooths_mean_trust():
    from sim.core.stages import residents

    def residents_trusting(model: GovernanceModel, trust: float) -> None:
        """Stage 5 with every resident at `trust`, which this month's experience leaves alone."""
        state = model.state
        state.population.trust[:] = trust
        state.par.trust_step[:] = 0.0
        none = np.zeros(1)
        residents.react(state, residents.Reach(none, none, none, none, none, none, none))

    model = make_model(**{"parameters.legitimacy_smoothing": 0.25})
    model.state.legitimacy[0] = 0.2
    residents_trusting(model, 0.6)
    assert model.mayor.legitimacy == pytest.approx(0.3)
    residents_trusting(model, 0.1)
    assert model.mayor.legitimacy == pytest.approx(0.3 + 0.25 * (0.1 - 0.3))
    frozen = make_model(**{"parameters.legitimacy_smoothing": 0.0})
    frozen.state.legitimacy[0] = 0.4
    residents_trusting(frozen, 0.9)
    assert frozen.mayor.legitimacy == 0.4


def test_legitimacy_in_a_run_moves_towards_recorded_trust():
    config = make_config(**{"parameters.legitimacy_smoothing": 0.3})
    initial = GovernanceModel(config, rng=2).mayor.legitimacy
    frame = sim.run(config, 2)
    before = np.concatenate([[initial], frame["legitimacy"].to_numpy()[:-1]])
    expected = before + 0.3 * (frame["trust"].to_numpy() - before)
    np.testing.assert_allclose(frame["legitimacy"], expected, rtol=1e-12)


def test_initial_legitimacy_is_mean_trust():
    model = make_model(4)
    assert model.mayor.legitimacy == pytest.approx(model.population.trust.mean())


# ---- elections -----------------------------------------------------------------------------------


def test_reelection_probability_rises_with_legitimacy():
    model = make_model()
    probabilities = []
    for legitimacy in np.linspace(0.0, 1.0, 11):
        model.state.legitimacy[0] = float(legitimacy)
        probabilities.append(model.mayor.reelection_probability())
    assert all(0.0 < p < 1.0 for p in probabilities)
    assert all(b > a for a, b in itertools.pairwise(probabilities))
    assert probabilities[0] < 0.05 and probabilities[-1] > 0.95


def reelection_chance(monkeypatch, chance: float) -> None:
    """Every election of stage 8 re-elects the mayor with probability `chance`."""
    from sim.core.stages import course

    monkeypatch.setattr(
        course, "reelection_probability", lambda legitimacy, *_: np.full_like(legitimacy, chance)
    )


def election_day(model: GovernanceModel) -> bool:
    """Stage 8 in an election month; True when the mayor keeps office."""
    from sim.core.stages import course

    model.state.month = model.config.election_interval
    return not course.elections(model.state)[0]


def test_turnover_resets_commitment(monkeypatch):
    model = make_model(**{"parameters.new_mayor_commitment": 0.3})
    assert model.mayor.commitment == 1.0
    reelection_chance(monkeypatch, 0.0)
    assert election_day(model) is False
    assert model.mayor.commitment == 0.3
    assert model.mayor.turnovers == 1 and model.mayor.terms == 1


def test_reelection_keeps_commitment_and_counts_terms(monkeypatch):
    model = make_model()
    model.state.commitment[0] = 0.8
    reelection_chance(monkeypatch, 1.0)
    assert election_day(model) is True
    assert model.mayor.commitment == 0.8
    assert model.mayor.terms == 2 and model.mayor.turnovers == 0


def test_a_new_mayor_rebuilds_commitment_in_the_run():
    config = make_config(
        **{"months": 72, "election_interval": 12, "parameters.new_mayor_commitment": 0.3}
    )
    seen = 0
    for seed in range(3):
        model = GovernanceModel(config, rng=seed)
        frame = model.run()
        for month in frame.loc[frame["turnover"] == 1, "month"]:
            if month < config.months:
                # recorded after next month's set_course, which adds one month of recovery
                after = frame.loc[frame["month"] == month + 1, "commitment"].item()
                assert after == pytest.approx(0.3 + config.parameters.commitment_recovery)
                seen += 1
    assert seen > 0


@pytest.mark.parametrize("seed", range(3))
def test_elections_happen_only_every_election_interval(seed, monkeypatch):
    config = make_config(**{"months": 72, "election_interval": 12})
    model = GovernanceModel(config, rng=seed)
    reelection_chance(monkeypatch, 0.0)  # every election brings a new mayor
    frame = model.run()
    assert set(frame["turnover"].unique()) <= {0, 1}
    off_cycle = frame["month"] % 12 != 0
    assert (frame.loc[off_cycle, "turnover"] == 0).all()
    assert frame["turnover"].sum() == model.mayor.turnovers == 72 // 12


def test_elections_switched_off_never_change_the_mayor(monkeypatch):
    model = make_model(**{"months": 48, "election_interval": 6, "mechanisms.elections": False})
    reelection_chance(monkeypatch, 0.0)
    frame = model.run()
    assert (frame["turnover"] == 0).all()
    assert model.mayor.turnovers == 0


def test_turnover_brings_the_after_turnover_trajectory(monkeypatch):
    model = make_model(
        **{
            "months": 30,
            "election_interval": 12,
            "trajectory.kind": "proactive",
            "trajectory.after_turnover": "open",
        }
    )
    reelection_chance(monkeypatch, 0.0)
    frame = model.run()
    proactive, open_ = model.config.trajectory.proactive_point, model.config.trajectory.open_point
    assert frame["turnover"].tolist() == [int(m % 12 == 0) for m in range(1, 31)]
    first = frame["month"] <= 12
    assert (frame.loc[first, "openness"] == proactive[1]).all()
    assert (frame.loc[~first, "openness"] == open_[1]).all()
    assert (frame.loc[~first, "proactivity"] == open_[0]).all()


def test_by_default_the_trajectory_survives_turnover(monkeypatch):
    model = make_model(**{"months": 30, "election_interval": 12, "trajectory.kind": "proactive"})
    reelection_chance(monkeypatch, 0.0)
    frame = model.run()
    assert frame["turnover"].sum() == 2
    assert (frame["openness"] == model.config.trajectory.proactive_point[1]).all()


# ---- governance: budget shares and trajectories --------------------------------------------------


@pytest.mark.parametrize("p", np.linspace(0, 1, 6))
@pytest.mark.parametrize("o", np.linspace(0, 1, 6))
def test_budget_shares_sum_to_one(p, o):
    from sim.core.stages.course import budget_shares

    shares = budget_shares(p, o)
    assert set(shares) == {
        "infrastructure",
        "organisation",
        "institutions",
        "participation",
        "partnerships",
    }
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)
    assert all(v > 0 for v in shares.values())


def test_infrastructure_share_rises_with_proactivity_and_openness_buys_openness():
    from sim.core.stages.course import budget_shares

    for o in (0.0, 0.5, 1.0):
        infra = [budget_shares(p, o)["infrastructure"] for p in np.linspace(0, 1, 11)]
        assert all(b > a for a, b in itertools.pairwise(infra))
    for p in (0.0, 0.5, 1.0):
        part = [budget_shares(p, o)["participation"] for o in np.linspace(0, 1, 11)]
        assert all(b > a for a, b in itertools.pairwise(part))


def test_budget_shares_match_the_documented_corners():
    # "about .64/.17/.11/.04/.04 for (0.9, 0.1) and .18/.22/.16/.22/.22 for (0.2, 0.9)"
    from sim.core.stages.course import budget_shares

    proactive = list(budget_shares(0.9, 0.1).values())
    assert proactive == pytest.approx([0.64, 0.17, 0.11, 0.04, 0.04], abs=0.01)
    open_ = list(budget_shares(0.2, 0.9).values())
    assert open_ == pytest.approx([0.18, 0.22, 0.16, 0.22, 0.22], abs=0.01)


def phased(**fields):
    """A one-run phased trajectory from (0.9, 0.1) to (0.2, 0.9), with TrajectoryConfig fields."""
    from sim.core.sections import TrajectoryConfig
    from sim.core.stages.course import Trajectories

    start, end = (0.9, 0.1), (0.2, 0.9)
    config = TrajectoryConfig(kind="phased", proactive_point=start, open_point=end, **fields)
    return Trajectories([config])


def point_at(trajectories, month: int, infrastructure: float, culture: float):
    """The one run's (p, o) this month, as a tuple."""
    points = trajectories.points(month, np.array([infrastructure]), np.array([culture]))
    return tuple(float(x) for x in points[0])


def test_phased_switches_when_readiness_fires():
    t = phased(readiness_threshold=0.4, transition_months=10)
    assert point_at(t, 1, 0.3, 1.0) == (0.9, 0.1)  # readiness I·√C = 0.3 < 0.4
    assert point_at(t, 100, 0.5, 0.25) == (0.9, 0.1)  # 0.25 < 0.4, whatever the month
    assert point_at(t, 101, 0.8, 0.25) == (0.9, 0.1)  # fires now: 0.4 >= 0.4, share 0
    assert t.switched_at[0] == 101
    mid = point_at(t, 106, 0.0, 0.0)  # latched: readiness no longer matters
    assert mid == pytest.approx((0.55, 0.5))
    assert point_at(t, 111, 0.0, 0.0) == pytest.approx((0.2, 0.9))
    assert point_at(t, 500, 0.0, 0.0) == pytest.approx((0.2, 0.9))


def test_phased_switches_by_month_with_the_month_rule():
    t = phased(switch_rule="month", switch_month=24, transition_months=4)
    assert point_at(t, 23, 1.0, 1.0) == (0.9, 0.1)  # ready by readiness, but the rule is the month
    assert point_at(t, 24, 0.0, 0.0) == (0.9, 0.1)
    assert point_at(t, 26, 0.0, 0.0) == pytest.approx((0.55, 0.5))
    assert point_at(t, 28, 0.0, 0.0) == pytest.approx((0.2, 0.9))


def test_phased_without_transition_jumps():
    t = phased(switch_rule="month", switch_month=5, transition_months=0)
    assert point_at(t, 4, 0, 0) == (0.9, 0.1)
    assert point_at(t, 5, 0, 0) == pytest.approx((0.2, 0.9))


def test_phased_month_rule_in_a_run():
    frame = run_frame(
        **{
            "months": 40,
            "trajectory.kind": "phased",
            "trajectory.switch_rule": "month",
            "trajectory.switch_month": 20,
            "trajectory.transition_months": 10,
        }
    )
    o = frame["openness"].to_numpy()
    assert (o[:20] == 0.1).all()  # months 1..20
    np.testing.assert_allclose(o[20:30], 0.1 + 0.8 * np.arange(1, 11) / 10)
    assert o[29:] == pytest.approx(0.9)


def test_waypoints_interpolate_and_hold_flat():
    from sim.core.stages.course import CUSTOM, Trajectories

    t = Trajectories(
        [
            make_config(
                **{
                    "trajectory.kind": "custom",
                    "trajectory.waypoints": [[6, 1.0, 0.0], [16, 0.0, 1.0]],
                }
            ).trajectory
        ]
    )
    assert t.kind[0] == CUSTOM
    assert point_at(t, 0, 0, 0) == (1.0, 0.0)
    assert point_at(t, 6, 0, 0) == (1.0, 0.0)
    assert point_at(t, 11, 0, 0) == pytest.approx((0.5, 0.5))
    assert point_at(t, 16, 0, 0) == (0.0, 1.0)
    assert point_at(t, 99, 0, 0) == (0.0, 1.0)


def test_presets_are_constant_points():
    from sim.core.stages.course import CONSTANT, Trajectories

    config = make_config().trajectory
    for kind, point in (
        ("proactive", config.proactive_point),
        ("open", config.open_point),
        ("combined", config.combined_point),
    ):
        t = Trajectories([config])
        t.set_kind(0, kind)
        assert t.kind[0] == CONSTANT
        assert point_at(t, 1, 0, 0) == point_at(t, 999, 1, 1) == point


def test_the_mayor_applies_the_trajectory_each_month():
    frame = run_frame(**{"trajectory.kind": "combined"})
    assert (frame["proactivity"] == 0.85).all() and (frame["openness"] == 0.85).all()


# ---- value accounting ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def accounting_runs() -> list[pd.DataFrame]:
    return [
        run_frame(seed, **{"months": 60, "trajectory.kind": kind, "weights": weights})
        for seed, kind, weights in (
            (0, "open", "equal"),
            (1, "phased", "green"),
            (2, "proactive", "participatory"),
        )
    ]


def test_gross_minus_destroyed_is_net_per_dimension(accounting_runs):
    from sim.core import value

    for frame in accounting_runs:
        for d in value.DIMENSIONS:
            np.testing.assert_allclose(
                frame[f"gross_{d}"] - frame[f"destroyed_{d}"], frame[f"flow_{d}"], rtol=0, atol=1e-9
            )


def test_value_totals_are_consistent(accounting_runs):
    for frame in accounting_runs:
        np.testing.assert_allclose(
            frame["value_gross"] - frame["value_destroyed"], frame["value_flow"], atol=1e-9
        )
        np.testing.assert_allclose(
            frame["value_cumulative"], frame["value_flow"].cumsum(), rtol=0, atol=1e-9
        )


def test_value_totals_are_the_weighted_dimension_sums():
    from sim.core import value

    for profile in ("equal", "app"):
        frame = run_frame(**{"weights": profile})
        w = value.weight_profile(profile)
        gross = frame[[f"gross_{d}" for d in value.DIMENSIONS]].to_numpy() @ w
        flow = frame[[f"flow_{d}" for d in value.DIMENSIONS]].to_numpy() @ w
        np.testing.assert_allclose(frame["value_gross"], gross, atol=1e-9)
        np.testing.assert_allclose(frame["value_flow"], flow, atol=1e-9)


def test_dimensions_are_the_generators_and_destructions_mapped():
    from sim.core import value

    frame = run_frame(**{"trajectory.kind": "open"})
    generators = frame[[f"generator_{g}" for g in value.GENERATORS]].to_numpy()
    destructions = frame[[f"destruction_{k}" for k in value.DESTRUCTIONS]].to_numpy()
    gross = frame[[f"gross_{d}" for d in value.DIMENSIONS]].to_numpy()
    destroyed = frame[[f"destroyed_{d}" for d in value.DIMENSIONS]].to_numpy()
    np.testing.assert_allclose(gross, generators @ value.GENERATOR_TO_DIMENSION, atol=1e-12)
    np.testing.assert_allclose(destroyed, destructions @ value.DESTRUCTION_TO_DIMENSION, atol=1e-12)
    assert (generators >= 0).all() and (destructions >= 0).all()


def test_mapping_matrices_share_out_without_multiplying():
    from sim.core import value

    to_dimension, from_destruction = value.GENERATOR_TO_DIMENSION, value.DESTRUCTION_TO_DIMENSION
    assert to_dimension.shape == (len(value.GENERATORS), len(value.DIMENSIONS))
    assert from_destruction.shape == (len(value.DESTRUCTIONS), len(value.DIMENSIONS))
    np.testing.assert_allclose(to_dimension.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(from_destruction.sum(axis=1), 1.0, atol=1e-12)
    assert (to_dimension >= 0).all() and (from_destruction >= 0).all()
    assert (to_dimension.sum(axis=0) > 0).all()  # every dimension can be created


@pytest.mark.parametrize(
    "profile", ["equal", "green", "app", "socially_sensitive", "participatory"]
)
def test_weight_profiles_have_mean_one(profile):
    from sim.core import value

    w = value.weight_profile(profile)
    assert w.shape == (len(value.DIMENSIONS),)
    assert w.mean() == pytest.approx(1.0)
    assert (w > 0).all()
    if profile == "equal":
        np.testing.assert_array_equal(w, np.ones(len(value.DIMENSIONS)))
    else:
        assert w.max() == pytest.approx(2 * w.min())


def test_account_identity_on_arbitrary_inputs():
    from sim.core import value
    from sim.core.stages.accounts import account

    rng = np.random.default_rng(0)
    for _ in range(20):  # one run's month at a time: made (1, 6), lost (1, 4), weights (1, 9)
        g, k = rng.random((1, len(value.GENERATORS))), rng.random((1, len(value.DESTRUCTIONS)))
        w = value.weight_profile("socially_sensitive")[None]
        gross, destroyed, net, tg, td, tn = account(g, k, w)
        np.testing.assert_allclose(gross - destroyed, net, atol=1e-12)
        assert tg[0] - td[0] == pytest.approx(tn[0], abs=1e-12)
        assert tg[0] == pytest.approx(gross[0] @ w[0])
        assert gross.sum() == pytest.approx(g.sum())  # rows sum to 1: nothing multiplied


# ---- citizens ------------------------------------------------------------------------------------


def test_citizens_are_mesa_agents_viewing_the_population_arrays():
    from sim.core import agents, population

    model = make_model(7)
    citizens = list(model.agents_by_type[agents.Citizen])
    assert len(citizens) == model.config.city.citizens == model.state.population.size
    assert sorted(int(c.index) for c in citizens) == list(range(len(citizens)))
    for c in citizens[:25]:
        i = c.index
        assert c.model is model
        assert c.literacy == model.population.literacy[i]
        assert c.trust == model.population.trust[i]
        assert c.propensity == model.population.propensity[i]
        assert c.participated == bool(model.population.participated[i])
        assert c.privacy_concern == model.population.privacy_concern[i]
        assert c.age_group in population.AGE_GROUPS
    for _ in range(3):
        model.step()
    c = citizens[0]
    assert c.trust == model.population.trust[c.index]  # a view, not a copy


def test_the_five_roles_are_agents():
    from sim.core import agents

    model = make_model()
    by_type = model.agents_by_type
    for role in (agents.Mayor, agents.DGA, agents.Department, agents.PrivatePartner,
                 agents.Citizen):  # fmt: skip
        assert role in by_type
    assert len(by_type[agents.Mayor]) == 1
    assert len(by_type[agents.DGA]) == CITY["dgas"]
    assert len(by_type[agents.Department]) == CITY["departments"]
    assert len(by_type[agents.PrivatePartner]) == CITY["partner_pool"]
    assert len(model.agents) == 1 + 2 + 4 + 20 + 200


def test_dgas_cover_every_department_once():
    model = make_model(**{"city.departments": 7, "city.dgas": 3})
    covered = [d.index for dga in model.dgas for d in dga.portfolio]
    assert sorted(covered) == list(range(7))


def test_participation_under_open_governance_after_ten_years():
    """Calibration target: 2–8% of residents take part in a year at full channel (participatory
    budgets: median turnout ≈ 4% a year)."""
    shares = []
    for seed in range(2):
        config = ModelConfig().replace(**{"trajectory.kind": "open", "city.citizens": 2000})
        frame = sim.run(config, seed)
        shares.append(frame["participation_year"].iloc[-12:].mean())
    assert all(0.02 <= s <= 0.08 for s in shares), shares


@pytest.mark.parametrize("threshold", [0.15, 0.3, 0.45])
def test_initial_illectronism_matches_insee(threshold):
    """Whatever the literacy threshold of illectronism, INSEE's shares hold at the start."""
    from sim.core.population import AGE_GROUPS, ILLECTRONISM

    model = make_model(11, **{"city.citizens": 5000, "parameters.literacy_threshold": threshold})
    literacy, age = model.population.literacy, model.population.age_group
    share = float((literacy < threshold).mean())
    assert 0.12 <= share <= 0.18
    by_age = [(literacy[age == g] < threshold).mean() for g in range(len(AGE_GROUPS))]
    assert by_age[-1] > 0.5 > by_age[0]  # 62% of the 75+, 3% of the 15-29 (INSEE 2019)
    assert by_age == sorted(by_age)
    assert ILLECTRONISM[-1] == 0.62


def test_a_communes_age_shares_set_who_its_residents_are():
    """city.age_shares (a commune profile's INSEE mix) draws the residents' age groups: each
    group's share within sampling noise, and an older city starts with more illectronism."""
    from sim.core.population import ILLECTRONISM

    older = (0.10, 0.15, 0.20, 0.30, 0.25)
    model = make_model(11, **{"city.citizens": 5000, "city.age_shares": older})
    counts = np.bincount(model.population.age_group, minlength=5) / 5000
    assert np.allclose(counts, older, atol=0.02)
    national = make_model(11, **{"city.citizens": 5000}).population
    share = float((model.population.literacy < 0.3).mean())  # the default literacy threshold
    assert share > float((national.literacy < 0.3).mean())
    assert share == pytest.approx(float(np.dot(older, ILLECTRONISM)), abs=0.02)


@pytest.mark.parametrize("bad", [[0.5, 0.5], [0.3, 0.3, 0.3, 0.3, -0.2], [0.3] * 5])
def test_age_shares_are_refused_unless_one_per_group_summing_to_one(bad):
    from sim.core.config import ConfigError

    with pytest.raises(ConfigError, match=r"city\.age_shares"):
        make_model(1, **{"city.age_shares": bad})


def test_a_communes_existing_partners_are_active_at_the_start_and_free_to_leave():
    """city.initial_partners: the most aligned candidates start active, hosted in turn; unlike
    the hump's forced count they leave when starved like any partner."""
    model = make_model(4, **{"city.initial_partners": 6, "trajectory.kind": "open"})
    state = model.state
    assert int(state.active[0].sum()) == 6
    chosen = np.flatnonzero(state.active[0])
    assert set(chosen) == set(np.argsort(-state.alignment[0], kind="stable")[:6])
    assert sorted(state.host[0, chosen]) == sorted(np.arange(6) % state.departments)
    frame = run_frame(4, **{"city.initial_partners": 6, "trajectory.kind": "open",
                            "months": 24})  # fmt: skip
    assert frame["partners"].iloc[0] >= 1 and frame["partners"].min() < 6


def test_initial_partners_beyond_the_candidates_are_refused():
    from sim.core.config import ConfigError

    with pytest.raises(ConfigError, match=r"city\.initial_partners"):
        make_model(1, **{"city.initial_partners": 500})


def test_first_month_illectronism_is_recorded():
    frame = run_frame(3, **{"city.citizens": 3000})
    assert 0.12 <= frame["illectronism"].iloc[0] <= 0.18


def test_participation_is_heavily_unequal():
    model = make_model(**{"city.citizens": 5000})
    p = np.sort(model.population.base_propensity)[::-1]
    assert p.mean() == pytest.approx(1.0, rel=0.15)  # documented mean 1
    assert p[: len(p) // 10].sum() / p.sum() > 0.3  # the top tenth carries a large share


def offer_to_residents(breaches: int, **levels: float):
    """Stage 5's input for one run: what the city offers (0 unless given) and its breaches."""
    from sim.core.stages import residents

    names = ("availability", "digitisation", "openness", "platform", "mediation", "implementation")
    return residents.Reach(
        **{name: np.array([float(levels.get(name, 0.0))]) for name in names},
        breaches=np.array([breaches]),
    )


def test_breaches_cut_trust():
    from sim.core.stages import course, residents, steering

    model = make_model()
    state = model.state
    state.month += 1  # stages 1-2 of a month: the mayor sets the course, the DGAs steer
    steering.steer(state, course.set_course(state))
    trust_before = state.population.trust.copy()
    mechanisms = state.mech  # the run's switches: reinforcement and fatigue on
    quiet = residents.step(state.population, offer_to_residents(0), state.par, mechanisms,
                           [np.random.default_rng(0)], state.month)  # fmt: skip
    state.population.trust[:] = trust_before
    hit = residents.step(state.population, offer_to_residents(2), state.par, mechanisms,
                         [np.random.default_rng(0)], state.month)  # fmt: skip
    assert hit.trust[0] < quiet.trust[0]
    assert math.isfinite(hit.trust[0]) and 0.0 <= hit.trust[0] <= 1.0


def test_trust_stays_in_unit_interval_for_every_resident():
    from sim.core.stages import residents

    model = make_model()
    state = model.state
    rng = np.random.default_rng(0)
    for breaches, implementation in ((40, 0.0), (0, 1.0), (0, 1.0)):
        offer = offer_to_residents(
            breaches,
            availability=1.0,
            digitisation=1.0,
            openness=1.0,
            platform=1.0,
            mediation=1.0,
            implementation=implementation,
        )
        residents.step(state.population, offer, state.par, state.mech, [rng], state.month)
        trust = model.population.trust
        assert trust.min() >= 0.0 and trust.max() <= 1.0
    assert model.population.trust.min() < 0.5  # the breaches did bite


def test_stepping_past_the_horizon_says_so() -> None:
    """A Mesa user's loop that steps once too often gets the reason, not an IndexError."""
    model = GovernanceModel(small_config(months=2), rng=1)
    model.step()
    model.step()
    assert not model.running
    with pytest.raises(RuntimeError, match=r"reached its horizon \(months=2"):
        model.step()


# ---- residents: learning, concentration, who speaks, who receives --------------------------------


def test_learn_answers_reinforce_ignored_contributions_tire_and_switches_stop_both():
    """`residents.learn` on four runs of three residents (propensity 2, disposition 1): an
    answered contributor, an ignored one, one who did not contribute; runs (reinforcement,
    fatigue) = (on, on), (on, off), (off, on), (off, off)."""
    from sim.core.stages import residents

    def learnt(recovery: float, months: int = 1, reinforcement=(True, True, False, False)):
        runs = len(reinforcement)
        pop = SimpleNamespace(
            propensity=np.full((runs, 3), 2.0),
            base_propensity=np.ones((runs, 3)),
            participated=np.tile([True, True, False], (runs, 1)),
        )
        rates = dict(reinforcement_gain=0.2, propensity_ceiling=10.0, fatigue_rate=0.15,
                     fatigue_recovery=recovery)  # fmt: skip
        par = SimpleNamespace(**{name: np.full(runs, value) for name, value in rates.items()})
        fatigue = np.array([True, False, True, False][:runs])
        mechanisms = SimpleNamespace(reinforcement=np.array(reinforcement), fatigue=fatigue)
        u_answer = np.tile([0.0, 0.99, 0.0], (runs, 1))  # implementation 0.5: first answered
        for _ in range(months):
            residents.learn(pop, u_answer, np.full(runs, 0.5), par, mechanisms)
        return pop.propensity

    p = learnt(recovery=0.0)
    assert p[0] == pytest.approx([2.0 + 0.2 * (10.0 - 2.0), 2.0 * (1.0 - 0.15), 2.0])
    assert p[1] == pytest.approx([3.6, 2.0, 2.0])  # fatigue off: the ignored keep theirs
    assert (p[2:] == 2.0).all()  # reinforcement off: nothing moves, fatigue or not
    many = learnt(recovery=0.0, months=60)
    assert 9.99 < many[0, 0] <= 10.0  # towards the ceiling × disposition, never past it
    assert many[0, 1] == pytest.approx(2.0 * 0.85**60)
    drifting = learnt(recovery=0.02)  # then every propensity drifts back to its disposition
    assert drifting[0] == pytest.approx([3.6 + 0.02 * (1 - 3.6), 1.7 + 0.02 * (1 - 1.7), 1.98])
    assert drifting[1] == pytest.approx([3.548, 1.98, 1.98])
    assert (drifting[2:] == 2.0).all()
    off = learnt(recovery=0.02, reinforcement=(False,))  # no run learns: the early return
    assert (off == 2.0).all()


def test_concentration_shares_of_the_top_1_and_bottom_90_percent():
    from sim.core.stages import residents

    n = 200  # the top 1% is 2 residents, the bottom 90% is 180
    year = np.zeros((3, n))
    year[0] = np.random.default_rng(0).permutation(np.arange(1.0, n + 1))  # 1, 2, …, 200
    year[2, 17] = 5.0  # a single contributor
    top1, bottom90 = residents.concentration(year)
    total = n * (n + 1) / 2
    assert top1[0] == pytest.approx((199 + 200) / total)
    assert bottom90[0] == pytest.approx(180 * 181 / 2 / total)
    assert np.isnan(top1[1]) and np.isnan(bottom90[1])  # nobody contributed
    assert top1[2] == 1.0 and bottom90[2] == 0.0
    small = np.zeros((1, 50))  # n // 100 = 0: the top is still one resident; the bottom 45
    small[0, [3, 10, 20, 30, 40, 49]] = [1.0, 2.0, 3.0, 4.0, 5.0, 15.0]
    small_top, small_bottom = residents.concentration(small)
    assert small_top[0] == 15.0 / 30.0
    assert small_bottom[0] == pytest.approx(1.0 / 30.0)  # all but the 5 largest


def test_literacy_gap_is_contributors_mean_literacy_minus_everyone_s():
    from sim.core.stages import residents

    literacy = np.tile([0.2, 0.4, 0.6, 0.8], (3, 1))
    contributors = np.array([[False, False, True, True], [False] * 4, [True] * 4])
    gap = residents.literacy_gap(contributors, literacy)
    assert gap[0] == pytest.approx(0.7 - 0.5)
    assert np.isnan(gap[1])  # nobody contributed
    assert gap[2] == pytest.approx(0.0)


def test_per_mean_scales_each_run_to_mean_one_with_zeros_where_the_total_is_zero():
    from sim.core.stages import residents

    x = np.array([[0.0, 1.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [2.0, 2.0, 2.0, 2.0]])
    weights = residents.per_mean(x)
    np.testing.assert_allclose(weights[0], [0.0, 0.5, 1.5, 2.0])
    assert (weights[1] == 0.0).all()
    assert (weights[2] == 1.0).all()
    np.testing.assert_allclose(weights[[0, 2]].mean(axis=1), 1.0)
    flags = residents.per_mean(np.array([[True, False, False, True]]))  # booleans too
    assert flags.dtype == np.float64 and flags.tolist() == [[2.0, 0.0, 0.0, 2.0]]
