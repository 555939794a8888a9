"""First-order indices and their interval (sim/analysis/sensitivity.py) on a function whose
indices are known: y = Σ a_i (x_i − ½) + ε with independent uniform inputs, so
S_i = (a_i² / 12) / Var(y)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import rbd_fast
from scipy.stats import qmc

from sim.analysis.sensitivity import first_order
from sim.studies.trust import precision

TRUTH = np.array([0.35, 0.20, 0.10, 0.05, 0.0])  # the noise carries the remaining 0.30
SLOPES = np.sqrt(12 * TRUTH)
NOISE = np.sqrt(1 - TRUTH.sum())


def sample(seed: int, n: int = 800) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = qmc.LatinHypercube(d=TRUTH.size, seed=rng).random(n)
    return x, (x - 0.5) @ SLOPES + rng.normal(0.0, NOISE, n)


@pytest.fixture(scope="module")
def replicates() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """40 independent designs: (estimate, half-width, SALib's half-width) each."""
    out = []
    for seed in range(40):
        x, y = sample(seed)
        s1, half = first_order(x, y, seed=seed, halves=30)
        problem = {"num_vars": TRUTH.size, "names": list("abcde"), "bounds": [[0, 1]] * 5}
        salib = np.asarray(rbd_fast.analyze(problem, x, y, seed=seed)["S1_conf"])
        out.append((s1, half, salib))
    return out


def test_the_estimates_find_the_known_indices(replicates) -> None:
    mean = np.mean([s for s, _, _ in replicates], axis=0)
    assert mean == pytest.approx(TRUTH, abs=0.02)


def test_the_95_interval_covers_the_truth_about_95_percent_of_the_time(replicates) -> None:
    covered = np.mean([np.abs(s - TRUTH) <= h for s, h, _ in replicates], axis=0)
    # 40 designs: a true 95% coverage falls below 0.85 with probability under 1%.
    assert (covered >= 0.85).all(), covered


def test_the_interval_is_sized_for_the_whole_sample_not_half_of_it(replicates) -> None:
    """SALib's bootstrap spreads estimates from N/2 points: about √2 too wide for the large
    indices, whose spread over independent designs the half-sample interval matches."""
    ours = np.mean([h for _, h, _ in replicates], axis=0)
    salib = np.mean([h for _, _, h in replicates], axis=0)
    spread = 1.96 * np.std([s for s, _, _ in replicates], axis=0, ddof=1)
    assert (ours[:2] < 0.85 * salib[:2]).all(), (ours, salib)
    assert ours[:2] == pytest.approx(spread[:2], rel=0.35)


def test_same_seed_same_result_and_too_few_points_refused() -> None:
    x, y = sample(1, 200)
    first, second = first_order(x, y, seed=3), first_order(x, y, seed=3)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    with pytest.raises(ValueError, match="at least 40 points"):
        first_order(x[:30], y[:30], seed=0)


def test_precision_reads_the_top_indices_and_the_sets_they_would_need() -> None:
    indices = pd.DataFrame(
        {
            "indicator": ["gap"] * 3,
            "parameter": ["a", "b", "c"],
            "S1": [0.4, 0.2, 0.1],
            "S1_conf": [0.05, 0.04, 0.05],  # narrow needs conf < S1 / 4: yes, yes, no
            "rank": [1, 2, 3],
            "sets": [1000] * 3,
        }
    )
    indices["narrow"] = indices["S1_conf"] < indices["S1"] / 4
    row = precision(indices, top=3).iloc[0]
    assert (row["top"], row["narrow_of_top"], row["smallest_of_top"]) == (3, 2, 0.1)
    assert row["sets_needed"] == 4000  # c: 0.05 / 0.025 = 2, so 2² × 1000


def test_precision_reads_the_largest_indices_of_the_whole_map_too() -> None:
    indices = pd.DataFrame(
        {
            "indicator": ["gap", "gap", "flow", "flow"],
            "parameter": ["a", "b", "a", "b"],
            "S1": [0.4, 0.05, 0.3, 0.2],
            "S1_conf": [0.05, 0.04, 0.05, 0.1],  # narrow: yes, no, yes, no
            "rank": [1, 2, 1, 2],
            "sets": [1000] * 4,
        }
    )
    indices["narrow"] = indices["S1_conf"] < indices["S1"] / 4
    table = precision(indices, top=2).set_index("indicator")
    assert list(table.index) == ["gap", "flow", "all indicators"]
    overall = table.loc["all indicators"]  # 0.4 (gap, a) and 0.3 (flow, a); not gap's 0.05
    assert (overall["narrow_of_top"], overall["smallest_of_top"]) == (2, 0.3)
    assert overall["sets_needed"] == 445  # 0.3: 0.05 / 0.075 = 2/3, (2/3)² × 1000 = 444.4
