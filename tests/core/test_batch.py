"""A run's table is the same alone or in any batch (sim/core/batch.py): batch invariance.

The month is written once over a run axis; no stage mixes rows and each run draws from its own
generator, so any mix of runs — cities, horizons, mechanisms, forced partner counts — gives
every run the table it has alone.
"""

from __future__ import annotations

import pandas as pd
from conftest import SMALL_CITY

from sim.core.batch import run_batches
from sim.core.config import ModelConfig

MIX = [
    {"months": 30, "trajectory.kind": "phased"},
    {"months": 18, "trajectory.kind": "open", "mechanisms.coordination_costs": False},
    {"months": 30, "trajectory.kind": "combined", "mechanisms.forced_partners": 12},
    {"months": 24, "trajectory.kind": "proactive", "mechanisms.reflex_override": 0.9},
    {
        "months": 30,
        "trajectory.kind": "custom",
        "trajectory.waypoints": [[0, 0.9, 0.1], [20, 0.3, 0.8]],
    },
    {"months": 30, "election_interval": 6, "trajectory.after_turnover": "open"},
    {
        "months": 24,
        "trajectory.kind": "open",
        "city.initial_partners": 6,
        "city.age_shares": [0.1, 0.15, 0.2, 0.3, 0.25],
    },  # a commune profile's fields
]


def configs() -> list[ModelConfig]:
    base = ModelConfig.from_dict({"city": SMALL_CITY})
    return [base.replace(**changes) for changes in MIX] + [ModelConfig.from_dict({"months": 12})]


def test_every_run_is_the_same_alone_and_in_a_mixed_batch() -> None:
    cfgs, seeds = configs(), [3, 3, 5, 8, 13, 21, 34, 55]
    together = run_batches(cfgs, seeds)
    for config, seed, frame in zip(cfgs, seeds, together, strict=True):
        alone = run_batches([config], [seed])[0]
        pd.testing.assert_frame_equal(frame, alone, check_exact=True)
        assert len(frame) == config.months


def test_order_in_the_batch_does_not_matter() -> None:
    cfgs, seeds = configs(), [1, 2, 3, 4, 5, 6, 7, 8]
    forward = run_batches(cfgs, seeds)
    backward = run_batches(cfgs[::-1], seeds[::-1])[::-1]
    for a, b in zip(forward, backward, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
