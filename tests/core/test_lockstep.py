"""Runs stepped in lockstep (sim/core/lockstep.py) are the model's runs, bit for bit.

`Lockstep` is a second implementation of `GovernanceModel.step` over arrays of runs; the model
is the reference. Every column of every month must be identical, not close: the robustness map's
figures come from the lockstep, the pattern tests' from the model.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.config import ModelConfig
from sim.core.lockstep import Lockstep, run_lockstep, supports
from sim.core.model import GovernanceModel
from sim.studies import robustness as rmap
from tests.strategies import configs


def model_runs(configs: list[ModelConfig], seeds: list[int]) -> list[pd.DataFrame]:
    return [
        GovernanceModel(c, rng=s, citizen_agents=False).run()
        for c, s in zip(configs, seeds, strict=True)
    ]


def assert_same(got: list[pd.DataFrame], want: list[pd.DataFrame]) -> None:
    assert len(got) == len(want)
    for run, (a, b) in enumerate(zip(got, want, strict=True)):
        assert list(a.columns) == list(b.columns), run
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=f"run {run}")


def test_the_maps_cases_are_the_models_runs_bit_for_bit() -> None:
    """Two sets of the plausible space and the defaults, the nine cases, two paired seeds: the
    mix the robustness map steps together (different mechanisms, resources and trajectories)."""
    sets = rmap.sample_sets(2, root=5)
    changes = [{}] + [{k: rmap.plain(v) for k, v in row.items() if k != "set"}
                      for _, row in sets.iterrows()]  # fmt: skip
    cases = [rmap.case_config(case, c, {}) for c in changes for case in rmap.CASES]
    cfgs, seeds = [c for c in cases for _ in (0, 1)], [s for _ in cases for s in (3, 4)]
    assert supports(cfgs)
    assert_same(Lockstep(cfgs, seeds).run(), model_runs(cfgs, seeds))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(configs(), min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_any_runs_of_one_city_are_the_models_runs(dicts, seed) -> None:
    """Small cities (no partners, no datasets, one department…), every mechanism switch, custom
    trajectories, elections with a change of course: lockstep or not, the same tables."""
    for d in dicts[1:]:
        d["city"], d["months"] = dicts[0]["city"], dicts[0]["months"]
    for d in dicts:
        d["mechanisms"]["forced_partners"] = None
    cfgs = [ModelConfig.from_dict(d) for d in dicts]
    seeds = [seed + i for i in range(len(cfgs))]
    assert supports(cfgs)
    assert_same(Lockstep(cfgs, seeds).run(), model_runs(cfgs, seeds))


def test_other_mixes_run_one_at_a_time_with_the_same_tables() -> None:
    forced = ModelConfig.from_dict({"months": 24, "mechanisms": {"forced_partners": 3}})
    small = ModelConfig.from_dict({"months": 24, "city": {"citizens": 300}})
    for mix in ([forced], [ModelConfig.from_dict({"months": 24}), small]):
        assert not supports(mix)
        assert_same(run_lockstep(mix, [1] * len(mix)), model_runs(mix, [1] * len(mix)))
    with pytest.raises(ValueError, match="one city"):
        Lockstep([forced], [1])
    with pytest.raises(ValueError, match="one seed per config"):
        Lockstep([small], [1, 2])
