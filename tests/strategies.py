"""Hypothesis strategies shared by the property tests: valid configurations of small cities."""

from __future__ import annotations

from hypothesis import strategies as st

from sim.core.config import plausible_ranges

KINDS = ("proactive", "open", "phased", "combined", "custom")
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
