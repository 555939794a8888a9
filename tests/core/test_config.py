"""Configuration: every bad value is rejected up front with a ConfigError naming its field path."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.core.config import (
    CityConfig,
    ConfigError,
    MechanismConfig,
    ModelConfig,
    Parameters,
    ResourceConfig,
    TrajectoryConfig,
    field_bounds,
    plausible_ranges,
    scenario,
    validate,
)
from sim.core.model import GovernanceModel

NAN, INF = float("nan"), float("inf")

# (id, data given to ModelConfig.from_dict, field path the error must name)
BAD_CONFIGS = [
    # wrong types
    ("string-for-number", {"resources": {"staff_hours": "40"}}, "resources.staff_hours"),
    ("non-integral-float-for-int", {"months": 12.5}, "months"),
    ("float-for-int-nested", {"city": {"citizens": 99.9}}, "city.citizens"),
    ("bool-for-float", {"resources": {"budget": True}}, "resources.budget"),
    ("bool-for-int", {"city": {"departments": False}}, "city.departments"),
    ("list-for-scalar", {"resources": {"budget": [1.0]}}, "resources.budget"),
    ("dict-for-scalar", {"parameters": {"push": {"value": 0.2}}}, "parameters.push"),
    ("string-for-bool", {"mechanisms": {"elections": "yes"}}, "mechanisms.elections"),
    ("int-for-bool", {"mechanisms": {"mediation": 1}}, "mechanisms.mediation"),
    ("number-for-string", {"trajectory": {"kind": 3}}, "trajectory.kind"),
    ("none-for-int", {"months": None}, "months"),
    ("none-for-float", {"resources": {"budget": None}}, "resources.budget"),
    ("none-for-bool", {"mechanisms": {"fatigue": None}}, "mechanisms.fatigue"),
    ("non-mapping-section-scalar", {"resources": 5}, "resources"),
    ("non-mapping-section-list", {"city": [10, 4]}, "city"),
    (
        "float-for-optional-int",
        {"mechanisms": {"forced_partners": 2.5}},
        "mechanisms.forced_partners",
    ),
    (
        "string-for-optional-float",
        {"mechanisms": {"reflex_override": "0.5"}},
        "mechanisms.reflex_override",
    ),
    ("string-for-waypoints", {"trajectory": {"waypoints": "0,0.5,0.5"}}, "trajectory.waypoints"),
    # out of range
    ("negative-hours", {"resources": {"staff_hours": -1}}, "resources.staff_hours"),
    ("negative-dga-hours", {"resources": {"dga_hours": -0.5}}, "resources.dga_hours"),
    ("negative-budget", {"resources": {"budget": -0.1}}, "resources.budget"),
    ("months-zero", {"months": 0}, "months"),
    ("election-interval-zero", {"election_interval": 0}, "election_interval"),
    ("citizens-5", {"city": {"citizens": 5}}, "city.citizens"),
    ("departments-zero", {"city": {"departments": 0}}, "city.departments"),
    ("probability-above-1", {"parameters": {"publish_rate": 1.2}}, "parameters.publish_rate"),
    ("share-above-1", {"city": {"vendor_share": 1.01}}, "city.vendor_share"),
    ("reflex-override-1.5", {"mechanisms": {"reflex_override": 1.5}}, "mechanisms.reflex_override"),
    (
        "reflex-override-negative",
        {"mechanisms": {"reflex_override": -0.1}},
        "mechanisms.reflex_override",
    ),
    (
        "starvation-months-zero",
        {"parameters": {"starvation_months": 0}},
        "parameters.starvation_months",
    ),
    ("nan-float", {"resources": {"budget": NAN}}, "resources.budget"),
    ("inf-float", {"resources": {"dga_hours": INF}}, "resources.dga_hours"),
    ("minus-inf-float", {"parameters": {"push": -INF}}, "parameters.push"),
    ("nan-int", {"months": NAN}, "months"),
    ("inf-int", {"city": {"citizens": INF}}, "city.citizens"),
    # unknown keys
    ("unknown-top-level", {"mont": 12}, "mont"),
    ("unknown-nested-typo", {"resources": {"staf_hours": 40}}, "resources.staf_hours"),
    ("unknown-next-to-known", {"parameters": {"push": 0.2, "pushh": 1}}, "parameters.pushh"),
    ("unknown-section", {"ressources": {"budget": 1}}, "ressources"),
    # names that must be one of a list
    ("unknown-trajectory-kind", {"trajectory": {"kind": "anarchic"}}, "trajectory.kind"),
    ("unknown-weights-profile", {"weights": "blue"}, "weights"),
    ("bad-switch-rule", {"trajectory": {"switch_rule": "never"}}, "trajectory.switch_rule"),
    (
        "after-turnover-unknown",
        {"trajectory": {"after_turnover": "chaos"}},
        "trajectory.after_turnover",
    ),
    (
        "after-turnover-custom",
        {"trajectory": {"after_turnover": "custom"}},
        "trajectory.after_turnover",
    ),
    # trajectory points and waypoints
    ("custom-without-waypoints", {"trajectory": {"kind": "custom"}}, "trajectory.waypoints"),
    (
        "waypoints-decreasing",
        {"trajectory": {"kind": "custom", "waypoints": [[10, 0.5, 0.5], [5, 0.5, 0.5]]}},
        "trajectory.waypoints[1]",
    ),
    (
        "waypoints-repeated-month",
        {"trajectory": {"kind": "custom", "waypoints": [[0, 0.5, 0.5], [0, 0.6, 0.6]]}},
        "trajectory.waypoints[1]",
    ),
    (
        "waypoint-negative-month",
        {"trajectory": {"kind": "custom", "waypoints": [[-1, 0.5, 0.5]]}},
        "trajectory.waypoints[0]",
    ),
    (
        "waypoint-two-numbers",
        {"trajectory": {"kind": "custom", "waypoints": [[0, 0.5]]}},
        "trajectory.waypoints[0]",
    ),
    (
        "waypoint-four-numbers",
        {"trajectory": {"kind": "custom", "waypoints": [[0, 0.5, 0.5], [6, 0.5, 0.5, 0.5]]}},
        "trajectory.waypoints[1]",
    ),
    (
        "waypoint-p-above-1",
        {"trajectory": {"kind": "custom", "waypoints": [[0, 1.5, 0.5]]}},
        "trajectory.waypoints[0]",
    ),
    (
        "waypoint-o-negative",
        {"trajectory": {"kind": "custom", "waypoints": [[0, 0.5, 0.5], [12, 0.5, -0.1]]}},
        "trajectory.waypoints[1]",
    ),
    (
        "waypoint-nan-month",
        {"trajectory": {"kind": "custom", "waypoints": [[NAN, 0.5, 0.5]]}},
        "trajectory.waypoints[0]",
    ),
    ("point-too-short", {"trajectory": {"proactive_point": [0.9]}}, "trajectory.proactive_point"),
    ("point-too-long", {"trajectory": {"open_point": [0.2, 0.9, 0.1]}}, "trajectory.open_point"),
    (
        "point-out-of-range",
        {"trajectory": {"combined_point": [0.5, 1.2]}},
        "trajectory.combined_point",
    ),
    ("point-not-a-list", {"trajectory": {"open_point": 0.5}}, "trajectory.open_point"),
    # relations between fields
    (
        "forced-partners-above-pool",
        {"mechanisms": {"forced_partners": 97}},  # default pool 120, 24 vendors -> 96 candidates
        "mechanisms.forced_partners",
    ),
    (
        "forced-partners-without-pool",
        {"city": {"partner_pool": 0}, "mechanisms": {"forced_partners": 1}},
        "mechanisms.forced_partners",
    ),
    ("dgas-above-departments", {"city": {"departments": 4, "dgas": 5}}, "city.dgas"),
]


@pytest.mark.parametrize(
    ("data", "path"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_is_rejected_naming_the_field(data, path):
    with pytest.raises(ConfigError) as info:
        ModelConfig.from_dict(data)
    err = info.value
    assert path in str(err)
    # The error's own path is that field (or an element of it), not a parent or a sibling
    # (a trailing dot on a section is tolerated here; test_error_path_is_exact covers it).
    assert err.path.rstrip(".") == path or err.path.startswith(path + "[")
    assert "allowed" in str(err)


def test_bad_config_table_is_large_enough():
    assert len(BAD_CONFIGS) >= 25
    assert len({c[0] for c in BAD_CONFIGS}) == len(BAD_CONFIGS)


# (id, dotted changes for ModelConfig().replace, path the error must name)
BAD_REPLACEMENTS = [
    ("typo-in-leaf", {"resources.staf_hours": 40}, "resources.staf_hours"),
    ("typo-in-section", {"citi.citizens": 100}, "citi.citizens"),
    ("path-through-a-leaf", {"months.value": 12}, "months.value"),
    ("negative-hours", {"resources.staff_hours": -5.0}, "resources.staff_hours"),
    ("string-for-int", {"city.citizens": "many"}, "city.citizens"),
    ("custom-without-waypoints", {"trajectory.kind": "custom"}, "trajectory.waypoints"),
    ("dgas-above-departments", {"city.departments": 3}, "city.dgas"),  # 4 DGAs by default
    ("probability-above-1", {"parameters.breach_hazard": 2.0}, "parameters.breach_hazard"),
]


@pytest.mark.parametrize(
    ("changes", "path"), [c[1:] for c in BAD_REPLACEMENTS], ids=[c[0] for c in BAD_REPLACEMENTS]
)
def test_bad_replace_is_rejected_naming_the_field(changes, path):
    base = ModelConfig()
    with pytest.raises(ConfigError) as info:
        base.replace(**changes)
    assert path in str(info.value)
    assert base == ModelConfig()  # the original is untouched


EXACT_PATHS = [
    # (id, data, the exact path the error should carry)
    (
        "waypoint-proactivity",  # proactivity is element 1 of [month, p, o]
        {"trajectory": {"kind": "custom", "waypoints": [[0, 1.5, 0.5]]}},
        "trajectory.waypoints[0][1]",
    ),
    (
        "waypoint-openness",  # openness is element 2
        {"trajectory": {"kind": "custom", "waypoints": [[0, 0.5, -0.5]]}},
        "trajectory.waypoints[0][2]",
    ),
    ("non-mapping-section", {"city": [10, 4]}, "city"),
]


@pytest.mark.parametrize(
    ("data", "path"), [c[1:] for c in EXACT_PATHS], ids=[c[0] for c in EXACT_PATHS]
)
def test_error_path_is_exact(data, path):
    with pytest.raises(ConfigError) as info:
        ModelConfig.from_dict(data)
    assert info.value.path == path


@pytest.mark.parametrize(
    "data", [[], "", 0, False], ids=["empty-list", "empty-str", "zero", "false"]
)
def test_falsy_non_mapping_root_is_rejected(data):
    with pytest.raises(ConfigError) as info:
        ModelConfig.from_dict(data)
    assert info.value.path == "<root>"


@pytest.mark.parametrize(
    ("config", "path"),
    [
        (ModelConfig(resources=ResourceConfig(budget=NAN)), "resources.budget"),
        (ModelConfig(months="12"), "months"),
    ],
    ids=["nan", "string"],
)
def test_validate_rejects_a_directly_built_bad_config(config, path):
    with pytest.raises(ConfigError) as info:
        validate(config)
    assert info.value.path == path


def test_validate_rejects_a_directly_built_out_of_range_config():
    with pytest.raises(ConfigError, match=r"city\.citizens"):
        validate(ModelConfig(city=CityConfig(citizens=5)))
    with pytest.raises(ConfigError, match=r"city\.citizens"):
        GovernanceModel(ModelConfig(city=CityConfig(citizens=5)), rng=0)


def test_non_mapping_root_is_rejected():
    with pytest.raises(ConfigError, match="<root>"):
        ModelConfig.from_dict([1, 2])


# ---- what is accepted -------------------------------------------------------------------------


def test_defaults_are_valid():
    config = ModelConfig()
    assert ModelConfig.from_dict({}) == config
    assert ModelConfig.from_dict(None) == config
    assert ModelConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize("kind", ["proactive", "open", "phased", "combined"])
def test_every_preset_is_valid(kind):
    assert scenario(kind).trajectory.kind == kind


def test_custom_scenario_needs_waypoints():
    with pytest.raises(ConfigError, match=r"trajectory\.waypoints"):
        scenario("custom")
    config = scenario("custom", **{"trajectory.waypoints": [[0, 0.9, 0.1], [60, 0.2, 0.9]]})
    assert config.trajectory.waypoints == ((0.0, 0.9, 0.1), (60.0, 0.2, 0.9))


def test_round_trip_of_a_non_default_config():
    config = ModelConfig.from_dict(
        {
            "months": 60,
            "election_interval": 24,
            "weights": "green",
            "city": {"citizens": 300, "departments": 6, "dgas": 2, "partner_pool": 10},
            "resources": {"budget": 0.4, "staff_hours": 25},
            "trajectory": {
                "kind": "custom",
                "waypoints": [[0, 0.9, 0.1], [24, 0.5, 0.5], [48, 0.2, 0.9]],
                "after_turnover": "open",
                "switch_rule": "month",
            },
            "mechanisms": {"reflex_override": 0.3, "forced_partners": 5, "elections": False},
            "parameters": {"push": 0.7, "starvation_months": 4},
        }
    )
    data = config.to_dict()
    json.dumps(data)  # plain data only
    assert isinstance(data["trajectory"]["waypoints"], list)
    assert ModelConfig.from_dict(data) == config
    assert ModelConfig.from_dict(json.loads(json.dumps(data))) == config


def test_ints_are_accepted_for_floats():
    config = ModelConfig.from_dict(
        {"resources": {"budget": 2, "staff_hours": 80}, "trajectory": {"open_point": [0, 1]}}
    )
    assert config.resources.budget == 2.0 and type(config.resources.budget) is float
    assert type(config.resources.staff_hours) is float
    assert config.trajectory.open_point == (0.0, 1.0)
    assert all(type(v) is float for v in config.trajectory.open_point)


def test_integral_floats_are_accepted_for_ints():
    config = ModelConfig.from_dict({"months": 24.0, "city": {"citizens": 100.0}})
    assert config.months == 24 and type(config.months) is int
    assert type(config.city.citizens) is int


def test_optional_fields_accept_none_and_values():
    assert ModelConfig.from_dict({"mechanisms": {"reflex_override": None}}) == ModelConfig()
    config = ModelConfig.from_dict({"mechanisms": {"reflex_override": 0, "forced_partners": 32}})
    assert config.mechanisms.reflex_override == 0.0
    assert config.mechanisms.forced_partners == 32  # exactly the co-creation pool: allowed


def test_bounds_are_inclusive():
    lo = ModelConfig.from_dict({"months": 1, "resources": {"budget": 0, "staff_hours": 1}})
    assert lo.months == 1 and lo.resources.budget == 0.0
    hi = ModelConfig.from_dict({"mechanisms": {"reflex_override": 1}, "city": {"vendor_share": 1}})
    assert hi.mechanisms.reflex_override == 1.0


def test_replace_applies_dotted_changes_and_is_validated():
    base = ModelConfig()
    changed = base.replace(**{"resources.budget": 0.4, "trajectory.kind": "open", "months": 12})
    assert changed.resources.budget == 0.4
    assert changed.trajectory.kind == "open"
    assert changed.months == 12
    assert base.resources.budget == 1.0  # frozen original
    assert dataclasses.replace(changed, months=144).months == 144
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.months = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "section", [CityConfig, ResourceConfig, TrajectoryConfig, MechanismConfig, Parameters]
)
def test_defaults_lie_within_their_bounds(section):
    default = section()
    for name, (lo, hi) in field_bounds(section).items():
        value = getattr(default, name)
        if value is None:
            continue
        assert lo is None or value >= lo, name
        assert hi is None or value <= hi, name


def test_plausible_ranges_lie_within_allowed_bounds():
    sections = {
        "resources": ResourceConfig,
        "trajectory": TrajectoryConfig,
        "parameters": Parameters,
    }
    ranges = plausible_ranges()
    assert ranges  # the sensitivity analysis has something to vary
    for path, (p_lo, p_hi) in ranges.items():
        section, name = path.split(".")
        lo, hi = field_bounds(sections[section])[name]
        assert p_lo <= p_hi, path
        assert lo is None or p_lo >= lo, path
        assert hi is None or p_hi <= hi, path
        default = getattr(sections[section](), name)
        assert p_lo <= default <= p_hi, f"{path}: default {default} outside its plausible range"


# ---- sim.run's own arguments ------------------------------------------------------------------

SMALL = {"months": 6, "city": {"citizens": 50, "departments": 3, "dgas": 1, "partner_pool": 5}}


def test_run_accepts_a_dict_config():
    frame = sim.run(SMALL, seed=3)
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == 6
    assert (frame["seed"] == 3).all()
    assert frame["month"].tolist() == [1, 2, 3, 4, 5, 6]
    pd.testing.assert_frame_equal(frame, sim.run(ModelConfig.from_dict(SMALL), seed=3))


def test_run_validates_a_dict_config():
    with pytest.raises(ConfigError, match=r"resources\.staf_hours"):
        sim.run({"resources": {"staf_hours": 1}}, seed=0)


def test_run_accepts_numpy_integer_seeds():
    pd.testing.assert_frame_equal(sim.run(SMALL, seed=np.int64(4)), sim.run(SMALL, seed=4))


@pytest.mark.parametrize("seed", [-1, 1.5, 2.0, "3", None, True, math.nan])
def test_run_rejects_a_bad_seed_naming_it(seed):
    with pytest.raises(ValueError, match="seed") as info:
        sim.run(SMALL, seed=seed)
    assert repr(seed) in str(info.value)


def test_a_value_outside_its_plausible_range_is_named_but_allowed() -> None:
    """10 staff hours is a valid input (bounds) but below the evidence (plausible 20-160)."""
    from sim.core.config import outside_plausible

    assert outside_plausible(ModelConfig()) == []
    lines = outside_plausible(ModelConfig().replace(**{"resources.staff_hours": 10}))
    assert lines == [
        "resources.staff_hours=10 lies outside its plausible range [20, 160] "
        "(docs/parameters.md gives its source): results there are extrapolation"
    ]
