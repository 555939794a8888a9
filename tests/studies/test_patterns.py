"""Patterns P1–P8 of docs/ODD.md §1.2 over paired seeds, each with its counterfactual.

Every criterion is a share of paired seeds (common random numbers) with its 95% Wilson interval
shown on failure. The dynamics never see a scenario's name: each scenario only changes the
trajectory, and each counterfactual switches off one named rule in `mechanisms`. A pattern
counts only with its cause: the counterfactual that removes the cause must remove the pattern.
Criteria the model does not meet are marked `xfail(strict=True)` with the measured figures in
the reason: they stay specifications, and the day the model meets them the suite says so.
"""

from __future__ import annotations

import pytest

from sim.runs.runner import replication_seeds
from sim.studies import patterns

SEEDS = replication_seeds(2024, 30)  # 30 paired seeds for the comparisons
FEW = SEEDS[:10]  # for grids (initial stocks, forced partner counts, reflex levels)

pytestmark = pytest.mark.slow


def explain(figures: dict, *keys: str) -> str:
    return "; ".join(f"{k}={figures[k]!r} (95% CI {figures.get(k + '_ci')})" for k in keys)


# ---- P1 ------------------------------------------------------------------------------------------
def test_p1_open_potential_given_resources_in_gross_and_net():
    f = patterns.p1(SEEDS)
    for name in ("open_beats_proactive", "phased_beats_proactive", "combined_beats_proactive",
                 "phased_beats_proactive_gross", "combined_beats_proactive_gross"):  # fmt: skip
        assert f[name] >= 0.9, explain(f, name)


@pytest.mark.xfail(
    strict=True,
    reason="measured (30 paired seeds, 2026-12-08): open's gross value beats proactive's in 26/30 "
    "(median 196 vs 177), 30/30 before revision 3: the reinforced few contribute up to five times "
    "their disposition, the answers take departments' hours (load 0.90 against 0.85 without "
    "reinforcement) and trim open's efficiency and collaboration (docs/ODD.md §10, item 6)",
)
def test_p1_open_gross_value_beats_proactive():
    f = patterns.p1(SEEDS)
    assert f["open_beats_proactive_gross"] >= 0.9, explain(f, "open_beats_proactive_gross")


def test_p1_no_longer_holds_when_tight():
    f = patterns.p1(SEEDS)
    # Not merely below 0.9: the whole interval must lie below it.
    assert f["tight_open_beats_proactive_ci"][1] < 0.9, explain(f, "tight_open_beats_proactive")


def test_p1_robust_to_the_changes_that_flipped_it():
    """The ±20% changes that reversed P1 in the first model (infra_growth, budget_returns,
    technology_threshold): net P1 holds in ≥ 80% of seeds under each. The full table over
    every plausible parameter is `python -m sim +experiment=p1_oat`."""
    paths = (
        "parameters.infra_growth",
        "parameters.budget_returns",
        "parameters.technology_threshold",
    )
    table = patterns.p1_robustness(FEW, paths=paths)
    assert set(table["parameter"]) == set(paths)
    assert (table["share"] >= 0.8).all(), table.to_string()


# ---- P2 ------------------------------------------------------------------------------------------
def test_p2_proactive_pays_first():
    f = patterns.p2(SEEDS, initial=())
    assert f["proactive_first"] >= 0.9, explain(f, "proactive_first")
    assert f["crossover_share"] >= 0.9, f  # open catches up within the horizon
    assert 0 < f["crossover_month_median"] < 144


def test_p2_rests_on_low_initial_culture_and_institutions():
    """Reported, not a pass/fail pattern: with C0 = Q0 = 0.3 open no longer starts behind (early
    contributions are answered and culture needs no build-up); docs/ODD.md §1.2 explains it."""
    f = patterns.p2(FEW, initial=(0.0, 0.3))
    grid = f["proactive_first_by_initial_CQ"]
    assert grid["C0=0.0,Q0=0.0"] >= 0.9
    assert grid["C0=0.3,Q0=0.3"] <= 0.5, grid


# ---- P3, P4 --------------------------------------------------------------------------------------
def test_p3_phasing_order_and_its_gates():
    """I < C < Q in ≥ 95% of runs that open up; without the prerequisite gates (the source's
    hypothesis, coded as gates) the order breaks in ≥ 50%."""
    f = patterns.p3(SEEDS)
    assert f["runs_that_open_up"] == 3 * len(SEEDS)
    assert f["in_order"] >= 0.95, explain(f, "in_order")
    assert f["no_gates_in_order"] <= 0.5, explain(f, "no_gates_in_order")


def test_p4_prerequisites_cause_the_phasing():
    f = patterns.p4(SEEDS)
    assert f["phased_beats_open"] >= 0.9, explain(f, "phased_beats_open")
    for label in ("no_prerequisite", "ready_infra"):  # the gap vanishes or reverses
        assert f[f"{label}_phased_beats_open"] <= 0.5, explain(f, f"{label}_phased_beats_open")
        assert f[f"{label}_median_gap"] <= 0, f


# ---- P5 ------------------------------------------------------------------------------------------
def test_p5_plateau_under_resource_tension():
    f = patterns.p5(SEEDS)
    assert f["plateau"] >= 0.9, explain(f, "plateau") + f"; ratio={f['plateau_ratio_median']}"


def test_p5_late_flow_rises_with_staff_hours():
    f = patterns.p5(SEEDS)
    assert f["late_flow_rises_with_hours"] >= 0.9, explain(f, "late_flow_rises_with_hours")


def test_p5_partner_hump_has_an_interior_optimum_that_rises_with_hours():
    """MODEL.md §7 rev. 3: value against the forced partner count (0, 4, 8, 16, 32, 48) peaks at
    an interior count in ≥ 90% of seeds, each seed judged on its own curve."""
    f = patterns.p5(SEEDS)
    assert f["interior_optimum_80h"] >= 0.9, explain(f, "interior_optimum_80h") + str(f["hump_80h"])
    assert f["optimum_80h"] > f["optimum_40h"], (f["hump_40h"], f["hump_80h"])


@pytest.mark.xfail(
    strict=True,
    reason="measured (30 paired seeds, 2026-12-08): at the default 40 h the optimum is interior in "
    "10/30 seeds (4 partners), at 0 in 20/30 (median values 184, 184, 175, 94, 25, 12 for 0, 4, 8, "
    "16, 32, 48): answering the reinforced few (up to 5x their disposition; revision 2's fatigue "
    "only lowered it) keeps open's departments at load 1.33 over the last three years (1.08 "
    "before), so the first partners' coordination hours cost as much as they bring; at 80 h the "
    "hump is interior in 30/30 (optimum 16). Not tuned: docs/ODD.md §10, item 1",
)
def test_p5_partner_hump_interior_at_default_staff_hours():
    f = patterns.p5(SEEDS)
    assert f["interior_optimum_40h"] >= 0.9, explain(f, "interior_optimum_40h") + str(f["hump_40h"])


def test_p5_counterfactual_without_coordination_costs_more_partners_always_pay():
    """Coordination costs removed: the largest forced count is best in ≥ 90% of seeds, the late
    flow is higher and more partners are active at month 144 in ≥ 90% of paired seeds."""
    f = patterns.p5(SEEDS)
    for name in ("no_coordination_optimum_at_largest", "no_coordination_higher_late_flow",
                 "no_coordination_more_partners"):  # fmt: skip
        assert f[name] >= 0.9, explain(f, name)


def test_p5_time_plateau_is_decomposed_not_required_of_the_counterfactual():
    """Revision 3 reports how much of the time plateau coordination costs cause (the rest is the
    stocks' saturation): the share lies in [0, 1] and removing the costs flattens less."""
    f = patterns.p5(SEEDS)
    assert f["no_coordination_ratio_median"] > f["plateau_ratio_median"], f
    assert 0.0 < f["flattening_share_from_coordination"] < 1.0, f


# ---- P6 ------------------------------------------------------------------------------------------
def test_p6_data_detachment():
    f = patterns.p6(FEW)
    stale = list(f["stale_by_reflex"].values())
    knowledge = list(f["knowledge_by_reflex"].values())
    assert stale == sorted(stale, reverse=True), f["stale_by_reflex"]
    assert knowledge == sorted(knowledge), f["knowledge_by_reflex"]
    assert f["no_reflex_all_stale"] == 1.0, f
    assert f["stale_by_reflex"][0.0] >= 0.98


def test_p6_partnership_push_crowds_out_data_upkeep():
    f = patterns.p6(SEEDS, reflexes=(0.15,))
    assert f["push_raises_staleness"] >= 0.75, explain(f, "push_raises_staleness")


# ---- P7 ------------------------------------------------------------------------------------------
def test_p7_value_destruction():
    f = patterns.p7(SEEDS)
    assert f["techno_inclusion_negative"] >= 0.9, explain(f, "techno_inclusion_negative")
    assert f["techno_wider_trust_gap"] >= 0.9, explain(f, "techno_wider_trust_gap")
    assert f["mediation_reduces_exclusion"] >= 0.9, explain(f, "mediation_reduces_exclusion")


def test_p7_breaches_follow_exposure_as_the_input_rule_says():
    """The breach rule is an input (Poisson, hazard ∝ exposure): a Poisson regression of the
    monthly breaches on the hazard recovers a positive coefficient whose interval excludes 0."""
    f = patterns.p7(SEEDS)
    low, _ = f["breach_exposure_ci"]
    assert f["breach_exposure_coef"] > 0 and low > 0, f


# ---- P8 ------------------------------------------------------------------------------------------
def test_p8_combined_beats_phased_with_adequate_resources():
    f = patterns.p8(SEEDS)
    assert f["adequate_combined_beats_phased"] >= 0.9, explain(f, "adequate_combined_beats_phased")


def test_p8_phased_at_least_combined_short_of_staff_hours():
    """MODEL.md §7 rev. 3: at budget 0.4 and 30 h per DGA, 12 h per department lies below the
    boundary: phased ≥ combined in ≥ 70% of paired seeds."""
    f = patterns.p8(SEEDS)
    name = "under_resourced_phased_at_least_combined"
    assert f[name] >= 0.7, explain(f, name)


def test_p8_counterfactual_without_openness_costs_combined_wins_there_too():
    """Openness's own costs removed (programme hours, programme attention, start-up budget 0):
    combined > phased in ≥ 90% of paired seeds at the same 12 h."""
    f = patterns.p8(SEEDS)
    name = "open_costs_removed_combined_beats_phased"
    assert f[name] >= 0.9, explain(f, name)


def test_p8_boundary_located_above_ten_hours_and_above_twelve():
    """h* at budget 0.4 by bisection over the paired seeds (one switch level per seed): at
    least 10 h per department, with 12 h below it."""
    f = patterns.p8(SEEDS, locate_boundary=True)
    assert 12.0 < f["h_star_at_0.4"] < 160.0, explain(f, "h_star_at_0.4")
