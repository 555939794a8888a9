"""Invariants that hold for every valid configuration (hypothesis draws small random cities)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import configs

import sim
from sim.core.config import ConfigError, ModelConfig
from sim.core.model import COLUMNS
from sim.core.value import DIMENSIONS

EPS = 1e-9
CONTRIBUTION_COLUMNS = (
    "contributions_top1_share",
    "contributions_bottom90_share",
    "contributors_literacy_gap",
)
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
    "reflex_mean",
    "reflex_min",
    "reflex_max",
)


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

    # no NaN or inf anywhere, but the contributions' shares when nobody took part for a year
    nobody = frame["participation_year"] == 0
    for column in CONTRIBUTION_COLUMNS:
        assert (frame[column].isna() == nobody).all(), column
    numeric = frame.drop(columns=list(CONTRIBUTION_COLUMNS)).select_dtypes("number")
    numeric = numeric.to_numpy(dtype=float)
    assert np.isfinite(numeric).all(), frame.columns[~np.isfinite(numeric).all(axis=0)].tolist()
    top, bottom = frame["contributions_top1_share"], frame["contributions_bottom90_share"]
    assert (top[~nobody].between(0, 1 + EPS) & bottom[~nobody].between(0, 1 + EPS)).all()
    assert (top[~nobody] + bottom[~nobody] <= 1 + EPS).all()

    # who gains and who loses adds up to the city: equal-sized quintiles average to the total
    quintiles = frame[[f"net_value_per_resident_lit{q}" for q in range(1, 6)]]
    if config.city.citizens % 5 == 0:
        np.testing.assert_allclose(quintiles.mean(axis=1), frame["value_cumulative"],
                                   rtol=1e-9, atol=1e-9)  # fmt: skip

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
