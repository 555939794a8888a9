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

from sim.core import lockstep
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


def test_a_mix_moves_city_by_city_in_groups_of_bounded_residents(monkeypatch) -> None:
    """Runs of one city move together, at most `residents` residents at a time; a forced partner
    count runs alone; the tables come back in the order asked, each the model's."""
    a = ModelConfig.from_dict({"months": 24, "city": {"citizens": 300}})
    b = ModelConfig.from_dict(
        {"months": 24, "city": {"citizens": 200, "departments": 3, "dgas": 2}}
    )
    forced = a.replace(**{"mechanisms.forced_partners": 3})
    mix, seeds = [a, b, forced, a, b, a, b], [1, 2, 3, 4, 5, 6, 7]
    assert not supports(mix)
    sizes = []

    class Counted(lockstep.Lockstep):
        def __init__(self, configs, seeds) -> None:
            sizes.append([c.city.citizens for c in configs])
            super().__init__(configs, seeds)

    monkeypatch.setattr(lockstep, "Lockstep", Counted)
    assert_same(run_lockstep(mix, seeds, residents=600), model_runs(mix, seeds))
    assert sizes == [[300, 300], [200, 200, 200]]  # the third `a` alone, as a model


def test_lockstep_needs_one_city_and_one_seed_per_run() -> None:
    forced = ModelConfig.from_dict({"months": 24, "mechanisms": {"forced_partners": 3}})
    small = ModelConfig.from_dict({"months": 24, "city": {"citizens": 300}})
    with pytest.raises(ValueError, match="one city"):
        Lockstep([forced], [1])
    with pytest.raises(ValueError, match="one seed per config"):
        Lockstep([small], [1, 2])
