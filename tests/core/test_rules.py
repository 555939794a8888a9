"""One focused specification per behavioural rule of the model (docs/ODD.md §3, §7).

Unit tests drive the rules directly (ration, Catalogue, trajectories, the mayor's formulas) or set
a GovernanceModel's state by hand and call one stage; a few read the monthly table of a short run.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL_CITY, small_config
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import sim
from sim.core.agents import DGA, Citizen, Department, Mayor, PrivatePartner
from sim.core.agents.citizens import AGE_GROUPS, ILLECTRONISM
from sim.core.agents.department import TASKS, ration, task_weights
from sim.core.catalogue import Catalogue
from sim.core.config import ModelConfig, Parameters
from sim.core.governance import (
    Constant,
    Course,
    Phased,
    Waypoints,
    budget_shares,
    make_trajectory,
)
from sim.core.model import GovernanceModel
from sim.core.value import (
    DESTRUCTION_TO_DIMENSION,
    DESTRUCTIONS,
    DIMENSIONS,
    GENERATOR_TO_DIMENSION,
    GENERATORS,
    account,
    weight_profile,
)

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
    """Stages 1–2 of a month: the mayor sets the course, the DGAs steer."""
    model.month += 1
    course = model.mayor.set_course(model.month, model.infrastructure, model.culture)
    model.course = course
    for dga in model.dgas:
        dga.steer(course)
    return course


def hours(**by_task: float) -> np.ndarray:
    """A department's demand or allocation row, by task name (the others 0)."""
    row = np.zeros(len(TASKS))
    for task, value in by_task.items():
        row[TASKS.index(task)] = value
    return row


def set_loads(model: GovernanceModel, load: float) -> None:
    for d in model.departments:
        d.demand = hours(operation=load * d.hours)


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

    `need` is the hours one more partnership asks; with four departments of 40 h, a mean load
    of 0.8 leaves 32 spare hours, i.e. a slack of 0.32 when a partnership needs 100 h.
    """
    model = make_model(seed, **{"parameters.push": push, "parameters.recruitment_rate": 5.0})
    course = Course(
        0.5, openness, 1.0, {"partnerships": Parameters().outreach_full}, 1.0
    )  # full outreach
    set_loads(model, load)
    before = len(model.co_creation_partners)
    model.mayor.recruit(course, model.co_creators, model.departments, 1.0, need)
    return len(model.co_creation_partners) - before


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
    course = Course(0.5, 1.0, 1.0, {"partnerships": Parameters().outreach_full}, 1.0)
    set_loads(model, 0.0)
    model.mayor.recruit(course, model.co_creators, model.departments, 1.0, 12.0)
    active = model.co_creation_partners
    assert active
    assert all(p.host in model.departments for p in active)
    assert sum(d.partners_hosted for d in model.departments) == len(active)


# ---- partner starvation --------------------------------------------------------------------------


def starving_partner(model: GovernanceModel) -> tuple[PrivatePartner, Department]:
    partner = next(p for p in model.partners if p.co_creates and not p.active)
    host = model.departments[0]
    partner.join(host)
    host.demand = hours(partnerships=10.0)  # asked for partnership hours ...
    host.allocation = np.zeros(N_TASKS)  # ... and got none
    return partner, host


def test_starved_partner_leaves_after_starvation_months_with_alignment_halved():
    model = make_model(**{"parameters.starvation_months": 3})
    model.infrastructure = model.culture = 1.0
    partner, host = starving_partner(model)
    alignment = partner.alignment
    for month in (1, 2):
        partner.cooperate(fresh_data=1.0)
        assert partner.active and partner.months_starved == month
    partner.cooperate(fresh_data=1.0)
    assert not partner.active
    assert partner.host is None and partner.output == 0.0
    assert host.partners_hosted == 0
    assert partner.alignment == pytest.approx(alignment * 0.5)  # parameters.burnt_alignment


def test_a_fed_partner_stays_and_its_starvation_count_resets():
    model = make_model(**{"parameters.starvation_months": 2})
    model.infrastructure = model.culture = 1.0
    partner, host = starving_partner(model)
    partner.cooperate(fresh_data=1.0)
    assert partner.months_starved == 1
    host.allocation = host.demand.copy()
    host.dga_support = 1.0
    partner.cooperate(fresh_data=1.0)
    assert partner.active and partner.months_starved == 0
    assert partner.output == pytest.approx(partner.capability)


def test_an_idle_partner_starves_even_with_hours():
    # Productivity needs I × C: hours alone do not keep a partnership alive.
    model = make_model(**{"parameters.starvation_months": 1})
    model.infrastructure, model.culture = 0.05, 0.05
    partner, host = starving_partner(model)
    host.allocation = host.demand.copy()
    partner.cooperate(fresh_data=1.0)
    assert not partner.active


def test_forced_partners_never_starve_out():
    model = make_model(**{"mechanisms.forced_partners": 3, "parameters.starvation_months": 1})
    assert len(model.co_creation_partners) == 3
    partner = model.co_creation_partners[0]
    partner.host.demand = hours(partnerships=10.0)
    partner.host.allocation = np.zeros(N_TASKS)
    for _ in range(3):
        partner.cooperate(fresh_data=1.0)
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
    model.infrastructure = model.culture = 1.0
    partner, host = starving_partner(model)
    base = partner.alignment
    partner.cooperate(fresh_data=1.0)
    assert not partner.active
    partner.join(host)
    partner.cooperate(fresh_data=1.0)
    assert not partner.active
    assert partner.alignment == pytest.approx(burnt * base)


# ---- open-data freshness -------------------------------------------------------------------------


def test_published_dataset_goes_stale_after_stale_after_months_without_updates():
    cat = Catalogue(1, 1)
    rng = np.random.default_rng(0)
    assert cat.publish(1.0, rng) == 1
    nothing, none_affordable = np.zeros((1, 1), bool), np.zeros(1, int)
    stale = []
    for _ in range(4):
        cat.update(nothing, none_affordable)
        stale.append(bool(cat.stale(2)[0, 0]))
    assert stale == [False, False, True, True]  # age 3 > stale_after=2 at the 3rd month
    assert cat.stale_share(2) == 1.0


def test_an_update_resets_the_age():
    cat = Catalogue(1, 2)
    cat.publish(1.0, np.random.default_rng(0))
    for _ in range(5):
        cat.update(np.zeros((1, 2), bool), np.zeros(1, int))
    assert cat.stale_share(2) == 1.0
    updated = cat.update(np.array([[True, False]]), np.array([5]))
    assert updated.tolist() == [[True, False]]
    assert cat.age.tolist() == [[0, 6]]
    assert cat.stale_share(2) == 0.5


def test_updates_are_capped_by_what_is_affordable():
    cat = Catalogue(2, 4)
    cat.publish(1.0, np.random.default_rng(0))
    cat.update(np.zeros((2, 4), bool), np.zeros(2, int))
    updated = cat.update(np.ones((2, 4), bool), np.array([1, 3]))
    assert updated.sum(axis=1).tolist() == [1, 3]


def test_intents_need_a_published_aged_dataset_and_the_reflex():
    cat = Catalogue(2, 50)
    rng = np.random.default_rng(1)
    assert not cat.intents(np.ones(2), rng).any()  # nothing published
    cat.publish(1.0, rng)
    assert not cat.intents(np.ones(2), rng).any()  # fresh on release: no change yet
    cat.update(np.zeros((2, 50), bool), np.zeros(2, int))
    intents = cat.intents(np.array([0.0, 1.0]), rng)
    assert not intents[0].any() and intents[1].all()


def test_stale_share_is_zero_with_nothing_published():
    cat = Catalogue(3, 4)
    for _ in range(10):
        cat.update(np.zeros((3, 4), bool), np.zeros(3, int))
    assert cat.stale_share(2) == 0.0
    assert Catalogue(0, 0).stale_share(2) == 0.0


def test_unpublished_datasets_do_not_age():
    cat = Catalogue(1, 3)
    for _ in range(5):
        cat.update(np.zeros((1, 3), bool), np.zeros(1, int))
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
    model.pending_contributions = pending
    return model._allocate_staff_hours(course, model._workload(course)).implementation


def test_implementation_is_zero_without_institutions():
    model = make_model()
    model.infrastructure = model.culture = 1.0
    model.institutions = 0.0
    assert implementation_after_stage_3(model, pending=2.0) == 0.0


def test_implementation_is_zero_in_the_first_month_of_a_city_without_institutions():
    frame = run_frame(**{"city.initial_institutions": 0.0})
    assert frame["implementation"].iloc[0] == 0.0


def test_implementation_is_full_with_full_stocks_and_ample_hours():
    model = make_model(**{"resources.staff_hours": 1000.0})
    model.infrastructure = model.culture = model.institutions = 1.0
    assert implementation_after_stage_3(model, pending=5.0) == pytest.approx(1.0)


def test_implementation_falls_when_answer_hours_are_rationed():
    values = []
    for hours in (1000.0, 20.0, 5.0, 1.0):
        model = make_model(3, **{"resources.staff_hours": hours})
        model.infrastructure = model.culture = model.institutions = 1.0
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
    model = make_model(**{"parameters.legitimacy_smoothing": 0.25})
    model.mayor.legitimacy = 0.2
    model.mayor.update_legitimacy(0.6)
    assert model.mayor.legitimacy == pytest.approx(0.3)
    model.mayor.update_legitimacy(0.1)
    assert model.mayor.legitimacy == pytest.approx(0.3 + 0.25 * (0.1 - 0.3))
    frozen = make_model(**{"parameters.legitimacy_smoothing": 0.0})
    frozen.mayor.legitimacy = 0.4
    frozen.mayor.update_legitimacy(0.9)
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
    mayor = make_model().mayor
    probabilities = []
    for legitimacy in np.linspace(0.0, 1.0, 11):
        mayor.legitimacy = float(legitimacy)
        probabilities.append(mayor.reelection_probability())
    assert all(0.0 < p < 1.0 for p in probabilities)
    assert all(b > a for a, b in itertools.pairwise(probabilities))
    assert probabilities[0] < 0.05 and probabilities[-1] > 0.95


def test_turnover_resets_commitment(monkeypatch):
    model = make_model(**{"parameters.new_mayor_commitment": 0.3})
    assert model.mayor.commitment == 1.0
    monkeypatch.setattr(model.mayor, "reelection_probability", lambda: 0.0)
    assert model.mayor.face_election() is False
    assert model.mayor.commitment == 0.3
    assert model.mayor.turnovers == 1 and model.mayor.terms == 1


def test_reelection_keeps_commitment_and_counts_terms(monkeypatch):
    model = make_model()
    model.mayor.commitment = 0.8
    monkeypatch.setattr(model.mayor, "reelection_probability", lambda: 1.0)
    assert model.mayor.face_election() is True
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
def test_elections_happen_only_every_election_interval(seed):
    config = make_config(**{"months": 72, "election_interval": 12})
    model = GovernanceModel(config, rng=seed)
    model.mayor.reelection_probability = lambda: 0.0  # every election brings a new mayor
    frame = model.run()
    assert set(frame["turnover"].unique()) <= {0, 1}
    off_cycle = frame["month"] % 12 != 0
    assert (frame.loc[off_cycle, "turnover"] == 0).all()
    assert frame["turnover"].sum() == model.mayor.turnovers == 72 // 12


def test_elections_switched_off_never_change_the_mayor(monkeypatch):
    model = make_model(**{"months": 48, "election_interval": 6, "mechanisms.elections": False})
    monkeypatch.setattr(model.mayor, "reelection_probability", lambda: 0.0)
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
    monkeypatch.setattr(model.mayor, "reelection_probability", lambda: 0.0)
    frame = model.run()
    proactive, open_ = model.config.trajectory.proactive_point, model.config.trajectory.open_point
    assert frame["turnover"].tolist() == [int(m % 12 == 0) for m in range(1, 31)]
    first = frame["month"] <= 12
    assert (frame.loc[first, "openness"] == proactive[1]).all()
    assert (frame.loc[~first, "openness"] == open_[1]).all()
    assert (frame.loc[~first, "proactivity"] == open_[0]).all()


def test_by_default_the_trajectory_survives_turnover(monkeypatch):
    model = make_model(**{"months": 30, "election_interval": 12, "trajectory.kind": "proactive"})
    monkeypatch.setattr(model.mayor, "reelection_probability", lambda: 0.0)
    frame = model.run()
    assert frame["turnover"].sum() == 2
    assert (frame["openness"] == model.config.trajectory.proactive_point[1]).all()


# ---- governance: budget shares and trajectories --------------------------------------------------


@pytest.mark.parametrize("p", np.linspace(0, 1, 6))
@pytest.mark.parametrize("o", np.linspace(0, 1, 6))
def test_budget_shares_sum_to_one(p, o):
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
    for o in (0.0, 0.5, 1.0):
        infra = [budget_shares(p, o)["infrastructure"] for p in np.linspace(0, 1, 11)]
        assert all(b > a for a, b in itertools.pairwise(infra))
    for p in (0.0, 0.5, 1.0):
        part = [budget_shares(p, o)["participation"] for o in np.linspace(0, 1, 11)]
        assert all(b > a for a, b in itertools.pairwise(part))


def test_budget_shares_match_the_documented_corners():
    # "about .64/.17/.11/.04/.04 for (0.9, 0.1) and .18/.22/.16/.22/.22 for (0.2, 0.9)"
    proactive = list(budget_shares(0.9, 0.1).values())
    assert proactive == pytest.approx([0.64, 0.17, 0.11, 0.04, 0.04], abs=0.01)
    open_ = list(budget_shares(0.2, 0.9).values())
    assert open_ == pytest.approx([0.18, 0.22, 0.16, 0.22, 0.22], abs=0.01)


def test_phased_switches_when_readiness_fires():
    t = Phased(start=(0.9, 0.1), end=(0.2, 0.9), threshold=0.4, transition_months=10)
    assert t.point(1, 0.3, 1.0) == (0.9, 0.1)  # readiness I·√C = 0.3 < 0.4
    assert t.point(100, 0.5, 0.25) == (0.9, 0.1)  # 0.25 < 0.4, whatever the month
    assert t.point(101, 0.8, 0.25) == (0.9, 0.1)  # fires now: 0.4 >= 0.4, share 0
    assert t.switched_at == 101
    mid = t.point(106, 0.0, 0.0)  # latched: readiness no longer matters
    assert mid == pytest.approx((0.55, 0.5))
    assert t.point(111, 0.0, 0.0) == pytest.approx((0.2, 0.9))
    assert t.point(500, 0.0, 0.0) == pytest.approx((0.2, 0.9))


def test_phased_switches_by_month_with_the_month_rule():
    t = Phased(start=(0.9, 0.1), end=(0.2, 0.9), rule="month", switch_month=24, transition_months=4)
    assert t.point(23, 1.0, 1.0) == (0.9, 0.1)  # ready by readiness, but the rule is the month
    assert t.point(24, 0.0, 0.0) == (0.9, 0.1)
    assert t.point(26, 0.0, 0.0) == pytest.approx((0.55, 0.5))
    assert t.point(28, 0.0, 0.0) == pytest.approx((0.2, 0.9))


def test_phased_without_transition_jumps():
    t = Phased(start=(0.9, 0.1), end=(0.2, 0.9), rule="month", switch_month=5, transition_months=0)
    assert t.point(4, 0, 0) == (0.9, 0.1)
    assert t.point(5, 0, 0) == pytest.approx((0.2, 0.9))


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
    t = make_trajectory(
        make_config(
            **{"trajectory.kind": "custom", "trajectory.waypoints": [[6, 1.0, 0.0], [16, 0.0, 1.0]]}
        ).trajectory
    )
    assert isinstance(t, Waypoints)
    assert t.point(0, 0, 0) == (1.0, 0.0)
    assert t.point(6, 0, 0) == (1.0, 0.0)
    assert t.point(11, 0, 0) == pytest.approx((0.5, 0.5))
    assert t.point(16, 0, 0) == (0.0, 1.0)
    assert t.point(99, 0, 0) == (0.0, 1.0)


def test_presets_are_constant_points():
    config = make_config().trajectory
    for kind, point in (
        ("proactive", config.proactive_point),
        ("open", config.open_point),
        ("combined", config.combined_point),
    ):
        t = make_trajectory(config, kind)
        assert isinstance(t, Constant)
        assert t.point(1, 0, 0) == t.point(999, 1, 1) == point


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
    for frame in accounting_runs:
        for d in DIMENSIONS:
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
    for profile in ("equal", "app"):
        frame = run_frame(**{"weights": profile})
        w = weight_profile(profile)
        gross = frame[[f"gross_{d}" for d in DIMENSIONS]].to_numpy() @ w
        flow = frame[[f"flow_{d}" for d in DIMENSIONS]].to_numpy() @ w
        np.testing.assert_allclose(frame["value_gross"], gross, atol=1e-9)
        np.testing.assert_allclose(frame["value_flow"], flow, atol=1e-9)


def test_dimensions_are_the_generators_and_destructions_mapped():
    frame = run_frame(**{"trajectory.kind": "open"})
    generators = frame[[f"generator_{g}" for g in GENERATORS]].to_numpy()
    destructions = frame[[f"destruction_{k}" for k in DESTRUCTIONS]].to_numpy()
    gross = frame[[f"gross_{d}" for d in DIMENSIONS]].to_numpy()
    destroyed = frame[[f"destroyed_{d}" for d in DIMENSIONS]].to_numpy()
    np.testing.assert_allclose(gross, generators @ GENERATOR_TO_DIMENSION, atol=1e-12)
    np.testing.assert_allclose(destroyed, destructions @ DESTRUCTION_TO_DIMENSION, atol=1e-12)
    assert (generators >= 0).all() and (destructions >= 0).all()


def test_mapping_matrices_share_out_without_multiplying():
    assert GENERATOR_TO_DIMENSION.shape == (len(GENERATORS), len(DIMENSIONS))
    assert DESTRUCTION_TO_DIMENSION.shape == (len(DESTRUCTIONS), len(DIMENSIONS))
    np.testing.assert_allclose(GENERATOR_TO_DIMENSION.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(DESTRUCTION_TO_DIMENSION.sum(axis=1), 1.0, atol=1e-12)
    assert (GENERATOR_TO_DIMENSION >= 0).all() and (DESTRUCTION_TO_DIMENSION >= 0).all()
    assert (GENERATOR_TO_DIMENSION.sum(axis=0) > 0).all()  # every dimension can be created


@pytest.mark.parametrize(
    "profile", ["equal", "green", "app", "socially_sensitive", "participatory"]
)
def test_weight_profiles_have_mean_one(profile):
    w = weight_profile(profile)
    assert w.shape == (len(DIMENSIONS),)
    assert w.mean() == pytest.approx(1.0)
    assert (w > 0).all()
    if profile == "equal":
        np.testing.assert_array_equal(w, np.ones(len(DIMENSIONS)))
    else:
        assert w.max() == pytest.approx(2 * w.min())


def test_account_identity_on_arbitrary_inputs():
    rng = np.random.default_rng(0)
    for _ in range(20):
        g, k = rng.random(len(GENERATORS)), rng.random(len(DESTRUCTIONS))
        w = weight_profile("socially_sensitive")
        gross, destroyed, net, tg, td, tn = account(g, k, w)
        np.testing.assert_allclose(gross - destroyed, net, atol=1e-12)
        assert tg - td == pytest.approx(tn, abs=1e-12)
        assert tg == pytest.approx(gross @ w)
        assert gross.sum() == pytest.approx(g.sum())  # rows sum to 1: nothing multiplied


# ---- citizens ------------------------------------------------------------------------------------


def test_citizens_are_mesa_agents_viewing_the_population_arrays():
    model = make_model(7)
    citizens = list(model.agents_by_type[Citizen])
    assert len(citizens) == model.config.city.citizens == model.population.size
    assert sorted(int(c.index) for c in citizens) == list(range(len(citizens)))
    for c in citizens[:25]:
        i = c.index
        assert c.model is model
        assert c.literacy == model.population.literacy[i]
        assert c.trust == model.population.trust[i]
        assert c.propensity == model.population.propensity[i]
        assert c.participated == bool(model.population.participated[i])
        assert c.privacy_concern == model.population.privacy_concern[i]
        assert c.age_group in AGE_GROUPS
    for _ in range(3):
        model.step()
    c = citizens[0]
    assert c.trust == model.population.trust[c.index]  # a view, not a copy


def test_the_five_roles_are_agents():
    model = make_model()
    by_type = model.agents_by_type
    for role in (Mayor, DGA, Department, PrivatePartner, Citizen):
        assert role in by_type
    assert len(by_type[Mayor]) == 1
    assert len(by_type[DGA]) == CITY["dgas"]
    assert len(by_type[Department]) == CITY["departments"]
    assert len(by_type[PrivatePartner]) == CITY["partner_pool"]
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
    model = make_model(11, **{"city.citizens": 5000, "parameters.literacy_threshold": threshold})
    literacy, age = model.population.literacy, model.population.age_group
    share = float((literacy < threshold).mean())
    assert 0.12 <= share <= 0.18
    by_age = [(literacy[age == g] < threshold).mean() for g in range(len(AGE_GROUPS))]
    assert by_age[-1] > 0.5 > by_age[0]  # 62% of the 75+, 3% of the 15-29 (INSEE 2019)
    assert by_age == sorted(by_age)
    assert ILLECTRONISM[-1] == 0.62


def test_first_month_illectronism_is_recorded():
    frame = run_frame(3, **{"city.citizens": 3000})
    assert 0.12 <= frame["illectronism"].iloc[0] <= 0.18


def test_participation_is_heavily_unequal():
    model = make_model(**{"city.citizens": 5000})
    p = np.sort(model.population.base_propensity)[::-1]
    assert p.mean() == pytest.approx(1.0, rel=0.15)  # documented mean 1
    assert p[: len(p) // 10].sum() / p.sum() > 0.3  # the top tenth carries a large share


def test_breaches_cut_trust():
    model = make_model()
    begin_month(model)
    trust_before = model.population.trust.copy()
    rng_a = np.random.default_rng(0)
    common = dict(
        availability=0.0,
        digitisation=0.0,
        openness=0.0,
        platform=0.0,
        mediation=0.0,
        implementation=0.0,
        params=model.config.parameters,
        fatigue=True,
    )
    quiet = model.population.step(rng_a, breaches=0, **common)
    model.population.trust[:] = trust_before
    hit = model.population.step(np.random.default_rng(0), breaches=2, **common)
    assert hit.trust < quiet.trust
    assert math.isfinite(hit.trust) and 0.0 <= hit.trust <= 1.0


def test_trust_stays_in_unit_interval_for_every_resident():
    model = make_model()
    params = model.config.parameters
    rng = np.random.default_rng(0)
    for breaches, implementation in ((40, 0.0), (0, 1.0), (0, 1.0)):
        model.population.step(
            rng,
            availability=1.0,
            digitisation=1.0,
            openness=1.0,
            platform=1.0,
            mediation=1.0,
            implementation=implementation,
            breaches=breaches,
            params=params,
            fatigue=True,
        )
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
