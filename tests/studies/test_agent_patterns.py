"""Patterns P9–P11 (MODEL.md §7 revision 3; docs/ODD.md §1.2): what only the agents show, each
with the counterfactual that removes its cause, over 30 paired seeds (common random numbers).

The null model's verdict on each (it cannot produce them: NaN columns) is
tests/core/test_aggregate.py::test_the_null_model_cannot_produce_what_only_agents_show.
Criteria the model does not meet are `xfail(strict=True)` with the measured figures.
"""

from __future__ import annotations

import pytest

from sim.runs.runner import replication_seeds
from sim.studies import agent_patterns

SEEDS = replication_seeds(2024, 30)

pytestmark = pytest.mark.slow


def explain(figures: dict, *keys: str) -> str:
    return "; ".join(f"{k}={figures[k]!r} (95% CI {figures.get(k + '_ci')})" for k in keys)


# ---- P9 ------------------------------------------------------------------------------------------
def test_p9_techno_push_leaves_the_least_literate_behind():
    f = agent_patterns.p9(SEEDS)
    assert f["techno_lowest_below_highest"] >= 0.9, explain(f, "techno_lowest_below_highest")
    assert f["techno_gap_wider_than_open"] >= 0.9, explain(f, "techno_gap_wider_than_open")


def test_p9_more_mediation_narrows_the_gap():
    f = agent_patterns.p9(SEEDS)
    assert f["some_mediation_narrows_gap"] >= 0.9, explain(f, "some_mediation_narrows_gap")
    assert f["mediation_narrows_gap"] >= 0.9, explain(f, "mediation_narrows_gap")


def test_p9_counterfactual_identical_residents():
    """Every resident at the population's mean: the gap is noise around 0 (under 5% of the
    techno-push gap), and the population's exclusion harm changes by ≥ 10% — the mean
    resident is literate enough, so nobody is left behind: harm is not linear in literacy."""
    f = agent_patterns.p9(SEEDS)
    assert f["gap_identical_over_techno"] < 0.05, f
    assert f["exclusion_harm_change"] >= 0.1, f


# ---- P10 -----------------------------------------------------------------------------------------
def test_p10_participation_is_unequal_and_unrepresentative():
    f = agent_patterns.p10(SEEDS)
    assert f["top1_at_least_20pct"] >= 0.9, explain(f, "top1_at_least_20pct")
    assert f["bottom90_at_most_20pct"] >= 0.9, explain(f, "bottom90_at_most_20pct")
    assert f["contributors_more_literate"] >= 0.9, explain(f, "contributors_more_literate")
    assert f["mediation_narrows_literacy_gap"] >= 0.9, explain(f, "mediation_narrows_literacy_gap")


def test_p10_reinforcement_concentrates_participation():
    """Removing reinforcement lowers the top 1%'s share in ≥ 90% of paired seeds."""
    f = agent_patterns.p10(SEEDS)
    assert f["reinforcement_concentrates"] >= 0.9, explain(f, "reinforcement_concentrates")


@pytest.mark.xfail(
    strict=True,
    reason="measured (30 paired seeds, 2026-12-08): without reinforcement the top 1%'s share "
    "falls from 0.96 to 0.92 (ratio 0.96), and the yearly participation rate moves 6%, not 10%. "
    "Halving is out of reach by arithmetic: with 3–4% of residents taking part in a year, the "
    "top 1% of residents are a quarter or more of the contributors, so their share cannot fall "
    "below about 25% whatever the propensities; and the dispositions' log-normal spread (σ = 2, "
    "fitted in the first version to 90-9-1 without learning) already concentrates the rest "
    "(docs/ODD.md §10)",
)
def test_p10_counterfactual_no_reinforcement_halves_the_top_share():
    f = agent_patterns.p10(SEEDS)
    assert f["top1_ratio_without"] <= 0.5, f
    assert f["participation_change"] >= 0.1, f


# ---- P11 -----------------------------------------------------------------------------------------
def test_p11_the_organisation_chart_shapes_the_catalogue():
    """Two DGAs of five settle below a 0.3 stale share earlier than five DGAs of two, the
    departments and DGA hours being the same, in ≥ 80% of paired seeds (under `proactive`,
    where no cross-silo work is brokered)."""
    f = agent_patterns.p11(SEEDS)
    name = "proactive_concentrated_earlier"
    assert f[name] >= 0.8, explain(f, name) + f"; months {f['proactive_months_median']}"


def test_p11_counterfactual_no_passing_on_no_chart_effect():
    """Each department's reflex from its own C, Q and silo only: the two charts give the same
    catalogue (the attention per department is equal, so exactly the same)."""
    f = agent_patterns.p11(SEEDS)
    for kind in ("proactive", "phased", "open"):
        assert f[f"{kind}_no_contagion_months_equal"] == 1.0, f
        assert f[f"{kind}_no_contagion_stale_difference_mean"] == 0.0, f
