"""P8's boundary finder (sim/studies/boundary.py): the bisection and the order statistic, on
gap functions whose answer is known, and the experiment end to end at a small size."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import CONFIG_DIR
from hydra import compose, initialize_config_dir

from sim.studies import boundary
from sim.studies.experiments import run_experiment


def linear_gap(truth: np.ndarray):
    """combined − phased = h − truth per line (lines repeat when the gap is asked for 2n)."""

    def gap(staff: np.ndarray) -> np.ndarray:
        return staff - np.resize(truth, staff.size)

    return gap


def test_bisection_finds_each_lines_switch_within_its_resolution():
    truth = np.array([11.0, 15.5, 37.0, 90.0, 159.0])
    found = boundary.bisect(linear_gap(truth), truth.size, steps=7)
    resolution = (boundary.HIGH / boundary.LOW) ** (1 / 2**7)
    assert np.all(np.abs(np.log(found / truth)) <= np.log(resolution))


def test_a_switch_outside_the_bracket_is_reported_as_infinite_not_clipped():
    truth = np.array([5.0, 400.0, 20.0])
    found = boundary.bisect(linear_gap(truth), truth.size, steps=4)
    assert found[0] == -np.inf and found[1] == np.inf and np.isfinite(found[2])


def test_each_line_can_have_its_own_bracket_and_known_ends():
    """The comparison's switching values bisect each side of a commune's level (one bracket per
    line) and know the gap at the level already: the ends given are not run again."""
    truth = np.array([25.0, 60.0, 90.0, 150.0])
    low, high = np.array([20.0, 40.0, 40.0, 100.0]), np.array([40.0, 160.0, 160.0, 160.0])
    calls = []

    def gap(staff: np.ndarray) -> np.ndarray:
        calls.append(staff.size)
        return staff - truth

    ends = (low - truth, high - truth)
    found = boundary.bisect(gap, truth.size, low, high, steps=6, ends=ends)
    assert calls == [truth.size] * 6  # only the steps
    assert np.all(np.abs(np.log(found / truth)) <= np.log(high / low) / 2**6)
    same = boundary.bisect(linear_gap(truth), truth.size, low, high, steps=6)
    assert np.array_equal(found, same)


def test_phasing_holds_in_at_least_the_share_below_h_star_and_not_above_it():
    rng = np.random.default_rng(3)
    for n in (5, 20, 30, 101):
        switch = np.exp(rng.uniform(np.log(10), np.log(160), n))
        row = boundary.boundary(switch)
        h = row["h_star"]
        assert np.mean(switch >= h) >= boundary.SHARE
        above = switch[switch > h].min()
        assert np.mean(switch >= above) < boundary.SHARE
        assert row["ci_low"] <= h <= row["ci_high"]


def test_the_interval_narrows_with_more_futures():
    rng = np.random.default_rng(4)
    widths = []
    for n in (20, 200, 2000):
        row = boundary.boundary(rng.uniform(10, 160, n))
        widths.append(row["ci_high"] - row["ci_low"])
    assert widths[0] > widths[1] > widths[2]


def test_censored_futures_are_counted():
    row = boundary.boundary(np.array([-np.inf, 12.0, 20.0, np.inf]))
    assert row["share_below_bracket"] == 0.25 and row["share_above_bracket"] == 0.25


def test_boundary_experiment_writes_h_star_per_source_and_budget(tmp_path):
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=["+experiment=boundary", "city=small", "months=36",
                                           "replications=3", "jobs=1", "study.budgets=[0.4]",
                                           "study.steps=2"])  # fmt: skip
    table = run_experiment(cfg, tmp_path / "boundary")
    assert list(table["futures_from"]) == ["default", "open_costs_removed", "ensemble:default"]
    switches = pd.read_csv(tmp_path / "boundary" / "switches.csv")
    assert len(switches) == 3 * 3  # sources × futures at one budget
    assert (switches.groupby("futures_from")["seed"].apply(list).map(len) == 3).all()
    described = pd.read_csv(tmp_path / "boundary" / "columns.csv")
    assert set(table.columns) | set(switches.columns) <= set(described["column"])
