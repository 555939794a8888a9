"""The null (docking) model: each aggregate rule, its invariants, its determinism, its table.

`sim.core.aggregate.AggregateModel` keeps the agent model's mechanisms on aggregate quantities;
these tests check each rule on short runs of the default or small city, and that the table has
the agent model's columns.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL_CITY
from hypothesis import HealthCheck, given, settings
from strategies import configs

from sim.core.aggregate import AggregateModel, Catalogue
from sim.core.config import ConfigError, ModelConfig, Parameters
from sim.core.outputs import AGENT_COLUMNS, COLUMNS
from sim.core.value import DIMENSIONS
from sim.runs.runner import run, run_aggregate

REELECTION_MIDPOINT = Parameters().reelection_midpoint
BURNT_ALIGNMENT = Parameters().burnt_alignment
STOCKS = ("infrastructure", "culture", "institutions")
UNIT = (
    *STOCKS,
    "proactivity",
    "openness",
    "commitment",
    "legitimacy",
    "users",
    "participation",
    "participation_year",
    "implementation",
    "trust",
    "illectronism",
    "mediation",
    "published_share",
    "stale_share",
    "programme_staffing",
)
# One trust level has no literacy quintiles; the null model has no agents for P9–P11's columns.
NAN_COLUMNS = ("trust_gap", *AGENT_COLUMNS)
EPS = 1e-9


def config(months: int = 60, **changes) -> ModelConfig:
    """The default city over `months`, with dotted-path changes."""
    return ModelConfig.from_dict({"months": months}).replace(**changes)


def table(months: int = 60, **changes) -> pd.DataFrame:
    return AggregateModel(config(months, **changes)).run()


# ---- the table ---------------------------------------------------------------------------------
def test_table_has_the_agent_models_columns_in_order():
    frame = table(24)
    assert list(frame.columns) == list(COLUMNS)
    assert frame["month"].tolist() == list(range(1, 25))
    assert frame["trust_gap"].isna().all()
    np.testing.assert_array_equal(frame["load_max"], frame["load"])


def test_run_aggregate_has_runs_shape_and_ignores_the_seed():
    c = config(24, **{"city.citizens": 50})
    a, b = run_aggregate(c, 0), run_aggregate(c, 12345)
    assert list(a.columns) == list(run(c, 0).columns) == ["seed", *COLUMNS]
    assert (a["seed"] == 0).all() and (b["seed"] == 12345).all()
    pd.testing.assert_frame_equal(a.drop(columns="seed"), b.drop(columns="seed"))


def test_same_config_gives_an_identical_table():
    c = config(72, **{"trajectory.kind": "phased"})
    pd.testing.assert_frame_equal(AggregateModel(c).run(), AggregateModel(c).run())


def test_bad_input_is_rejected_before_any_work():
    with pytest.raises(ConfigError, match=r"resources\.staff_hours"):
        run_aggregate({"resources": {"staff_hours": 0}})
    with pytest.raises(ValueError, match="seed"):
        run_aggregate({"months": 6}, seed=-1)


# ---- the same inputs as the agent model --------------------------------------------------------
@pytest.mark.parametrize("kind", ["proactive", "open", "combined"])
def test_constant_trajectories_give_the_agent_models_points_and_budget_lines(kind):
    c = ModelConfig.from_dict(
        {"months": 24, "city": SMALL_CITY, "mechanisms": {"legitimacy_budget": False}}
    ).replace(**{"trajectory.kind": kind})
    agg, agents = AggregateModel(c).run(), run(c, 3)
    for column in ("proactivity", "openness", "budget", "budget_spent", "commitment"):
        np.testing.assert_allclose(agg[column], agents[column], rtol=0, atol=1e-12)


def test_phased_switches_when_its_own_readiness_is_reached():
    frame = table(144, **{"trajectory.kind": "phased"})
    threshold = ModelConfig().trajectory.readiness_threshold
    readiness = frame["infrastructure"] * frame["culture"] ** 0.5
    opened = int(np.argmax(frame["openness"].to_numpy() > frame["openness"].iloc[0]))
    assert opened > 0, "the phased trajectory never opened"
    # the switch month (openness still at its start) is the first after readiness was reached
    assert readiness.iloc[opened - 2] >= threshold > readiness.iloc[: opened - 2].max()


# ---- stocks ------------------------------------------------------------------------------------
def test_no_spending_means_no_infrastructure_growth():
    broke = table(60, **{"resources.budget": 0.0, "trajectory.kind": "proactive"})
    assert (np.diff(broke["infrastructure"]) <= EPS).all()
    funded = table(60, **{"trajectory.kind": "proactive"})
    assert funded["infrastructure"].iloc[-1] > funded["infrastructure"].iloc[0] + 0.2


def test_technology_prerequisite_blocks_culture_while_infrastructure_is_low():
    low_I = {"parameters.infra_growth": 0.0, "trajectory.kind": "combined"}
    gated = table(72, **low_I)
    assert gated["infrastructure"].max() < 0.06
    assert gated["culture"].iloc[-1] - ModelConfig().city.initial_culture < 0.01
    ungated = table(72, **low_I, **{"mechanisms.technology_prerequisite": False})
    assert ungated["culture"].iloc[-1] > 0.3


def test_culture_prerequisite_blocks_institutions_while_culture_is_low():
    no_culture = {"parameters.culture_growth": 0.0, "trajectory.kind": "open"}
    assert table(72, **no_culture)["institutions"].max() < 0.01
    ungated = table(72, **no_culture, **{"mechanisms.culture_prerequisite": False})
    assert ungated["institutions"].iloc[-1] > 0.01


# ---- partnerships ------------------------------------------------------------------------------
def test_without_coordination_costs_partnerships_cost_no_hours():
    quiet = {"parameters.breach_hazard": 0.0, "trajectory.kind": "open"}  # partners leave trust be
    free = {**quiet, "mechanisms.coordination_costs": False}
    none = table(36, **free, **{"mechanisms.forced_partners": 0})
    many = table(36, **free, **{"mechanisms.forced_partners": 30})
    np.testing.assert_allclose(many["hours_used"], none["hours_used"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(many["load"], none["load"], rtol=0, atol=1e-12)
    costly = table(36, **quiet, **{"mechanisms.forced_partners": 30})
    assert (costly["load"] > none["load"] + 0.5).all()


def test_coordination_need_is_h1_n_plus_h2_pairs():
    c = config(1, **{"mechanisms.forced_partners": 10})
    model = AggregateModel(c)
    res = c.resources
    assert model.partners * model._per_partner() == pytest.approx(
        res.coordination_hours * 10 + res.pairwise_hours * 10 * 9 / 2
    )


def test_idle_partners_leave_after_starvation_months():
    idle = {
        "city.initial_infrastructure": 0.0,
        "parameters.infra_growth": 0.0,
        "trajectory.kind": "open",
    }
    for months in (1, 3):
        frame = table(60, **idle, **{"parameters.starvation_months": months})
        joins = ModelConfig().parameters.recruitment_rate  # at most this many a month
        assert frame["partners"].max() <= joins * months + EPS
    model = AggregateModel(config(60, **idle))
    model.run()
    assert model.burnt > 1.0  # those who left are the burnt candidates
    working = table(60, **{"city.initial_infrastructure": 0.8, "trajectory.kind": "open"})
    assert working["partners"].iloc[-1] > 3


def test_partners_who_left_disappointed_are_drawn_at_half_their_alignment():
    model = AggregateModel(config(1, **{"trajectory.kind": "open"}))
    course = model._course()
    hours = model._hours(course)
    model._recruit(course, hours)
    fresh_joins = model.partners
    assert fresh_joins > 0
    model = AggregateModel(config(1, **{"trajectory.kind": "open"}))
    model.burnt = float(model.candidates)  # every candidate left once, disappointed
    model._recruit(course, hours)
    assert model.partners == pytest.approx(BURNT_ALIGNMENT * fresh_joins)
    assert model.burnt == pytest.approx(model.candidates - model.partners)


# ---- open data ---------------------------------------------------------------------------------
def test_catalogue_dataset_is_stale_past_stale_after_months_without_updates():
    cat = Catalogue(size=10, stale_after=2)
    cat.publish(1.0)
    for _ in range(2):
        cat.update(reflex=0.0, affordable=math.inf)
    assert cat.stale_share == 0.0 and cat.fresh == 1.0
    cat.update(reflex=0.0, affordable=math.inf)
    assert cat.stale_share == 1.0 and cat.fresh == 0.0


def test_catalogue_intends_only_datasets_published_a_month_ago():
    cat = Catalogue(size=10, stale_after=2)
    cat.publish(0.5)
    assert cat.intended(reflex=1.0) == 0.0
    assert cat.update(reflex=1.0, affordable=math.inf) == 0.0
    assert cat.intended(reflex=1.0) == pytest.approx(5.0)


def test_catalogue_updates_are_capped_by_the_hours():
    cat = Catalogue(size=10, stale_after=2)
    cat.publish(1.0)
    cat.update(0.0, 0.0)  # one month old: all ten intended at reflex 1
    assert cat.update(reflex=1.0, affordable=4.0) == pytest.approx(4.0)
    assert cat.bins[0] == pytest.approx(0.4)


def test_without_reflex_the_catalogue_goes_stale():
    frame = table(144, **{"trajectory.kind": "open", "mechanisms.reflex_override": 0.0})
    assert frame["stale_share"].iloc[-12:].min() >= 0.95
    assert (frame["dataset_updates"] == 0).all()
    keen = table(144, **{"trajectory.kind": "open", "mechanisms.reflex_override": 1.0})
    assert keen["stale_share"].iloc[-12:].max() < 0.5


# ---- residents, breaches, elections ------------------------------------------------------------
def test_mediation_reduces_illectronism_and_its_absence_keeps_it():
    off = table(72, **{"mechanisms.mediation": False, "trajectory.kind": "open"})
    on = table(72, **{"trajectory.kind": "open"})
    assert off["illectronism"].nunique() == 1 and (off["mediation"] == 0).all()
    assert on["illectronism"].iloc[-1] < off["illectronism"].iloc[-1]


def test_breaches_are_their_expected_count():
    frame = table(48, **{"trajectory.kind": "open"})
    np.testing.assert_array_equal(frame["breaches"], frame["breach_hazard"])
    assert (frame["breaches"] > 0).any()


def test_election_turns_the_mayor_out_exactly_when_legitimacy_is_below_the_midpoint():
    frame = table(144, **{"election_interval": 6, "parameters.breach_hazard": 0.2})
    held = frame[frame["month"] % 6 == 0]
    expected = (held["legitimacy"] < REELECTION_MIDPOINT).astype(int)
    np.testing.assert_array_equal(held["turnover"], expected)
    assert held["turnover"].nunique() == 2  # both outcomes occur in this run


# ---- accounting --------------------------------------------------------------------------------
def test_net_is_gross_minus_destruction_every_month():
    frame = table(72, **{"trajectory.kind": "combined"})
    for d in DIMENSIONS:
        np.testing.assert_allclose(
            frame[f"gross_{d}"] - frame[f"destroyed_{d}"], frame[f"flow_{d}"], rtol=0, atol=EPS
        )
    np.testing.assert_allclose(
        frame["value_gross"] - frame["value_destroyed"], frame["value_flow"], rtol=0, atol=EPS
    )
    np.testing.assert_allclose(frame["value_cumulative"], frame["value_flow"].cumsum(), atol=1e-9)


# ---- any valid configuration -------------------------------------------------------------------
@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=configs())
def test_any_valid_configuration_gives_finite_bounded_outputs(data):
    c = ModelConfig.from_dict(data)
    frame = AggregateModel(c).run()
    assert len(frame) == c.months
    numeric = frame.drop(columns=list(NAN_COLUMNS)).to_numpy(dtype=float)
    assert np.isfinite(numeric).all()
    for column in UNIT:
        assert frame[column].between(-EPS, 1.0 + EPS).all(), column
    assert (frame["hours_used"] <= frame["hours_capacity"] + 1e-6).all()
    candidates = c.city.partner_pool - round(c.city.partner_pool * c.city.vendor_share)
    assert frame["partners"].between(-EPS, candidates + EPS).all()
    if c.mechanisms.forced_partners is not None:
        np.testing.assert_allclose(frame["partners"], c.mechanisms.forced_partners)
    assert (frame["breaches"] >= 0).all() and (frame["dga_unmet"] >= -EPS).all()


def test_the_null_model_cannot_produce_what_only_agents_show():
    """Docking (MODEL.md §7 P9–P11): one representative resident and one pooled department
    have no literacy quintiles, no contributions to rank and no organisation chart, so the null
    model's P9–P11 columns are NaN, never a number that could be mistaken for a result."""
    frame = AggregateModel(ModelConfig(months=24)).run()
    assert frame[list(AGENT_COLUMNS)].isna().all().all()
