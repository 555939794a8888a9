"""Unit tests of the rules that make the agents matter (MODEL.md §7 P9–P11): the reflex passed
on through the organisation chart, identical residents, and value attributed to residents."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.core.batch import Batch, org_chart
from sim.core.config import ConfigError, ModelConfig
from sim.core.population import Population
from sim.core.sections import CityConfig, Parameters
from sim.core.stages import accounts, departments
from sim.core.stages.rows import ByRow, by_dga
from sim.core.value import DESTRUCTION_TO_DIMENSION, GENERATOR_TO_DIMENSION


# ---- the organisation chart ----------------------------------------------------------------------
def test_default_chart_is_in_turn_and_a_given_chart_is_used():
    assert org_chart(CityConfig(departments=5, dgas=2)).tolist() == [0, 1, 0, 1, 0]
    city = CityConfig(departments=4, dgas=2, org_chart=(1, 1, 1, 0))
    assert org_chart(city).tolist() == [1, 1, 1, 0]


@pytest.mark.parametrize(
    ("chart", "field", "allowed"),
    [
        ((0, 1, 0), "city.org_chart", "one DGA per department (4 entries)"),
        ((0, 1, 2, 0), "city.org_chart[2]", "a DGA in [0, 1]"),
        ((0, 0, 0, 0), "city.org_chart", "every DGA holds a department"),
    ],
)
def test_a_bad_chart_names_the_field_and_what_is_allowed(chart, field, allowed):
    with pytest.raises(ConfigError) as err:
        ModelConfig.from_dict({"city": {"departments": 4, "dgas": 2, "org_chart": list(chart)}})
    assert err.value.path == field and allowed in str(err.value)


def test_by_dga_sums_each_portfolio_run_by_run():
    values = np.array([[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]])
    charts = np.array([[0, 1, 0, 1], [1, 1, 1, 0]])
    assert by_dga(values, charts, 2).tolist() == [[4.0, 6.0], [40.0, 60.0]]


# ---- the reflex passed on ------------------------------------------------------------------------
def test_a_colleague_s_example_is_passed_on_within_a_dga_and_across_by_cross_silo_work():
    previous = np.array([[0.5, 0.0, 0.2]])
    chart = np.array([[0, 0, 1]])
    shown = departments.passed_on(previous, chart, 2, np.array([0.0]), np.array([0.1]))
    # department 1 sees department 0 (same DGA): 1 − (1 − 0.1·0.5); department 2 sees nobody
    np.testing.assert_allclose(shown[0], [0.0, 0.05, 0.0], atol=1e-15)
    brokered = departments.passed_on(previous, chart, 2, np.array([0.5]), np.array([0.1]))
    expected_2 = 1 - (1 - 0.1 * 0.5 * 0.5) * (1 - 0.1 * 0.5 * 0.0)
    np.testing.assert_allclose(brokered[0, 2], expected_2, rtol=1e-12)
    none = departments.passed_on(previous, chart, 2, np.array([1.0]), np.array([0.0]))
    assert (none == 0).all()


def test_more_colleagues_who_share_mean_more_exposure():
    sharing = np.full((1, 6), 0.3)
    one_dga = departments.passed_on(sharing, np.zeros((1, 6), int), 1, [0.0], [0.1])
    three = departments.passed_on(sharing, np.array([[0, 0, 1, 1, 2, 2]]), 3, [0.0], [0.1])
    assert (one_dga > three).all()


def test_without_passing_on_the_reflex_is_the_department_s_own():
    """`mechanisms.reflex_contagion=False`: each month's reflex is the own drive from the stocks
    the month starts with; with passing on it is at least that."""
    for contagion in (False, True):
        config = sim.scenario("open", months=24, mechanisms={"reflex_contagion": contagion})
        batch = Batch([config], [3])
        for _ in range(24):
            s = batch.state
            c, q = s.culture[:, None].copy(), s.institutions[:, None].copy()
            own = departments.reflex(c, q, s.silo, ByRow(s.par))
            batch.step()
            if contagion:
                assert (s.reflex >= own - 1e-12).all()
            else:
                np.testing.assert_array_equal(s.reflex, own)
        assert (s.reflex > own + 1e-6).any() == contagion


# ---- identical residents -------------------------------------------------------------------------
def test_identical_residents_keep_the_means_and_the_draws():
    rng = [np.random.default_rng(5), np.random.default_rng(5)]
    pop = Population.draw(2000, rng, [Parameters(), Parameters()], [False, True])
    for name in ("literacy", "status", "trust", "base_propensity", "privacy_concern"):
        varied, same = getattr(pop, name)
        assert np.ptp(same) == 0.0 and np.ptp(varied) > 0.0, name
        assert same[0] == pytest.approx(varied.mean(), rel=1e-12), name
    assert (pop.age_group[0] == pop.age_group[1]).all()  # same draws, same age groups


# ---- who gains and who loses ---------------------------------------------------------------------
class _Weights:
    def __init__(self, n: int, rng: np.random.Generator) -> None:
        def mean_one(x):
            return x / x.mean(axis=1, keepdims=True)

        self.used = mean_one((rng.random((2, n)) < 0.6).astype(float))
        self.contributed = mean_one(rng.random((2, n)) ** 8)
        self.excluded = mean_one((rng.random((2, n)) < 0.2).astype(float))
        self.exposed = mean_one(0.5 + rng.random((2, n)))


def test_attributed_values_average_to_the_city_s_net_value():
    rng = np.random.default_rng(1)
    made, lost = rng.random((2, 6)), rng.random((2, 4))
    weights = np.vstack([np.ones(9), np.linspace(0.5, 1.5, 9)])
    net = accounts.attribute(made, lost, weights, _Weights(1000, rng))
    city = accounts.account(made, lost, weights).net_total
    np.testing.assert_allclose(net.mean(axis=1), city, rtol=1e-12)


def test_exclusion_falls_on_the_illectronic_and_service_value_on_users():
    n = 10
    residents = _Weights(n, np.random.default_rng(2))
    residents.used = np.array([[2.0] * 5 + [0.0] * 5] * 2)
    residents.excluded = np.array([[0.0] * 5 + [2.0] * 5] * 2)
    made, lost = np.zeros((2, 6)), np.zeros((2, 4))
    made[:, 1], lost[:, 0] = 1.0, 1.0  # effectiveness and exclusion only
    net = accounts.attribute(made, lost, np.ones((2, 9)), residents)
    effectiveness = GENERATOR_TO_DIMENSION[1].sum()
    exclusion = DESTRUCTION_TO_DIMENSION[0].sum()
    assert net[0, :5].tolist() == [2.0 * effectiveness] * 5
    assert net[0, 5:].tolist() == [-2.0 * exclusion] * 5


def test_group_columns_are_group_means_and_nan_for_an_empty_group():
    values = np.array([[1.0, 2.0, 3.0, 4.0]])
    groups = np.array([[0, 0, 1, 4]])
    out = accounts.group_columns(values, groups, "lit", 5)
    assert out["net_value_per_resident_lit1"].tolist() == [1.5]
    assert out["net_value_per_resident_lit2"].tolist() == [3.0]
    assert np.isnan(out["net_value_per_resident_lit3"][0])
    assert out["net_value_per_resident_lit5"].tolist() == [4.0]
