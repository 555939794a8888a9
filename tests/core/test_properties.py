"""Invariants that hold for every valid configuration (hypothesis draws small random cities)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.core.config import ConfigError, ModelConfig, plausible_ranges
from sim.core.model import COLUMNS
from sim.core.value import DIMENSIONS

KINDS = ("proactive", "open", "phased", "combined", "custom")
EPS = 1e-9
UNIT_COLUMNS = (
    "proactivity",
    "openness",
    "infrastructure",
    "culture",
    "institutions",
    "commitment",
    "legitimacy",
    "users",
    "participation",
    "implementation",
    "trust",
    "illectronism",
    "mediation",
    "published_share",
    "stale_share",
)
finite = {"allow_nan": False, "allow_infinity": False}
unit = st.floats(0.0, 1.0, **finite)
# Task hours and behavioural coefficients: anywhere in their plausible ranges (the space the
# sensitivity and robustness analyses sample), unless a field is drawn wider below.
TASK_HOURS = ("push_hours", "cross_silo_hours", "operation_hours", "deployment_hours",
              "training_hours")  # fmt: skip
PLAUSIBLE = {
    path: bounds
    for path, bounds in plausible_ranges().items()
    if path.startswith("parameters.") or path.split(".")[1] in TASK_HOURS
}


def plausible(draw, section: str) -> dict:
    """Every plausible field of `section`, drawn from its plausible range."""
    out = {}
    for path, (lo, hi) in PLAUSIBLE.items():
        prefix, name = path.split(".")
        if prefix == section:
            out[name] = draw(st.integers(lo, hi) if isinstance(lo, int) else st.floats(lo, hi))
    return out


@st.composite
def waypoints(draw):
    months = sorted(draw(st.sets(st.integers(0, 60), min_size=1, max_size=4)))
    return [[m, draw(unit), draw(unit)] for m in months]


@st.composite
def configs(draw) -> dict:
    """A valid config dict: resources from the allowed range, behaviour from plausible ranges."""
    departments = draw(st.integers(1, 12))
    partner_pool = draw(st.integers(0, 40))
    vendor_share = draw(st.sampled_from([0.0, 0.2, 0.5, 1.0]))
    co_creators = partner_pool - round(partner_pool * vendor_share)
    kind = draw(st.sampled_from(KINDS))
    trajectory = {
        "kind": kind,
        "switch_rule": draw(st.sampled_from(["readiness", "month"])),
        "switch_month": draw(st.integers(0, 48)),
        "transition_months": draw(st.integers(0, 24)),
        "readiness_threshold": draw(st.floats(0.2, 0.6)),
        "after_turnover": draw(st.sampled_from(["", "proactive", "open", "phased", "combined"])),
    }
    if kind == "custom":
        trajectory["waypoints"] = draw(waypoints())
    return {
        "months": draw(st.integers(12, 48)),
        "election_interval": draw(st.integers(6, 72)),
        "weights": draw(st.sampled_from(["equal", "green", "app", "socially_sensitive"])),
        "city": {
            "departments": departments,
            "dgas": draw(st.integers(1, min(departments, 10))),
            "citizens": draw(st.integers(50, 400)),
            "partner_pool": partner_pool,
            "vendor_share": vendor_share,
            "datasets_per_department": draw(st.integers(0, 12)),
            "initial_infrastructure": draw(st.floats(0.0, 0.9)),
            "initial_culture": draw(st.floats(0.0, 0.9)),
            "initial_institutions": draw(st.floats(0.0, 0.5)),
        },
        "resources": {
            **plausible(draw, "resources"),
            "budget": draw(st.floats(0.0, 3.0)),
            # staff_hours ≥ 1: a department needs some hours for its load to be defined
            "staff_hours": draw(st.floats(1.0, 200.0)),
            "dga_hours": draw(st.floats(0.0, 200.0)),
            "pairwise_hours": draw(st.floats(0.0, 5.0)),
            "update_hours": draw(st.floats(0.0, 5.0)),
            "answer_hours": draw(st.floats(0.0, 3.0)),
        },
        "trajectory": trajectory,
        "mechanisms": {
            "technology_prerequisite": draw(st.booleans()),
            "pairwise_coordination": draw(st.booleans()),
            "reflex_override": draw(st.none() | unit),
            "mediation": draw(st.booleans()),
            "elections": draw(st.booleans()),
            "legitimacy_budget": draw(st.booleans()),
            "fatigue": draw(st.booleans()),
            "forced_partners": draw(st.none() | st.integers(0, co_creators)),
        },
        "parameters": {
            **plausible(draw, "parameters"),
            "push": draw(unit),
            "base_reflex": draw(st.floats(0.0, 0.3)),
            "recruitment_rate": draw(st.floats(0.05, 0.3)),
            "starvation_months": draw(st.integers(1, 6)),
            "stale_after": draw(st.integers(1, 4)),
            "breach_hazard": draw(st.floats(0.0, 0.05)),
            "budget_returns": draw(st.floats(0.5, 1.0)),
        },
    }


@settings(
    max_examples=35,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=configs(), seed=st.integers(0, 2**32 - 1))
def test_invariants_of_any_valid_run(data, seed):
    config = ModelConfig.from_dict(data)
    frame = sim.run(config, seed)

    # shape and bookkeeping
    assert list(frame.columns) == ["seed", *COLUMNS]
    assert len(frame) == config.months
    assert frame["month"].tolist() == list(range(1, config.months + 1))

    # no NaN or inf anywhere
    numeric = frame.select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(numeric).all(), frame.columns[~np.isfinite(numeric).all(axis=0)].tolist()

    # shares, stocks and probabilities in [0, 1]
    for column in UNIT_COLUMNS:
        values = frame[column]
        assert values.between(0.0, 1.0).all(), (column, values.min(), values.max())

    # resources: hours and budget never overspent, never negative
    assert (frame["hours_used"] >= 0).all()
    assert (frame["hours_used"] <= frame["hours_capacity"] + EPS).all()
    np.testing.assert_allclose(
        frame["hours_capacity"], config.resources.staff_hours * config.city.departments
    )
    assert (frame["budget"] >= 0).all()
    assert (frame["budget_spent"] >= 0).all()
    assert (frame["budget_spent"] <= frame["budget"] + EPS).all()
    assert (frame["load"] >= 0).all() and (frame["load_max"] >= frame["load"] - EPS).all()
    assert (frame["dga_unmet"] >= -EPS).all()

    # partners and events are counts within their pools
    co_creators = config.city.partner_pool - round(
        config.city.partner_pool * config.city.vendor_share
    )
    assert frame["partners"].between(0, co_creators).all()
    if config.mechanisms.forced_partners is not None:
        assert (frame["partners"] == config.mechanisms.forced_partners).all()
    assert (frame["breaches"] >= 0).all() and (frame["breach_hazard"] >= 0).all()
    assert set(frame["turnover"].unique()) <= {0, 1}
    if config.mechanisms.elections:
        assert (frame.loc[frame["month"] % config.election_interval != 0, "turnover"] == 0).all()
    else:
        assert (frame["turnover"] == 0).all()

    # accounting: gross − destruction = net, dimension by dimension and in total
    for d in DIMENSIONS:
        np.testing.assert_allclose(
            frame[f"gross_{d}"] - frame[f"destroyed_{d}"], frame[f"flow_{d}"], rtol=0, atol=EPS
        )
        assert (frame[f"gross_{d}"] >= -EPS).all() and (frame[f"destroyed_{d}"] >= -EPS).all()
    np.testing.assert_allclose(
        frame["value_gross"] - frame["value_destroyed"], frame["value_flow"], rtol=0, atol=EPS
    )
    np.testing.assert_allclose(
        frame["value_cumulative"], frame["value_flow"].cumsum(), rtol=0, atol=1e-9
    )


def test_zero_staff_hours_is_rejected():
    """A department without digital staff hours has no defined load: staff_hours must be ≥ 1."""
    with pytest.raises(ConfigError, match=r"resources\.staff_hours"):
        sim.run({"months": 6, "city": {"citizens": 50}, "resources": {"staff_hours": 0}}, 0)
