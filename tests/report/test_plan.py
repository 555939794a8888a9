"""A comparison's plan: everything validated before any run (`sim.report.plan`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reporting import SMALL

import sim.report.plan
from sim.cli.compare import compare, compose_config
from sim.core.config import ConfigError
from sim.report.plan import plan


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("scenarios=[phased,nosuchoption]", "'nosuchoption'"),
        ("scenarios=[phased]", "scenarios"),
        ("model.resources.staff_hours=-5", "model.resources.staff_hours"),
        ("model.trajectory.readiness_threshold=7", "model.trajectory.readiness_threshold"),
        ("sensitivity_resources=[tight,lavish]", "'lavish'"),
        ("replications=0", "replications"),
        ("language=de", "language"),
    ],
)
def test_invalid_setting_fails_before_any_run(
    override: str, named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run started")

    monkeypatch.setattr(sim.report.plan, "simulate", no_run)
    with pytest.raises(ConfigError) as info:
        compare([*SMALL, override], tmp_path / "out")
    assert named in str(info.value)
    assert not (tmp_path / "out").exists()


def test_language_error_names_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"language.*'de'.*\['en', 'fr'\]"):
        plan(compose_config([*SMALL, "language=de"]))


def test_unknown_model_field_is_refused_by_hydra() -> None:
    with pytest.raises(Exception, match="bogus"):
        compose_config([*SMALL, "model.parameters.bogus=1"])


def test_sensitivity_skips_the_main_level() -> None:
    cfg = compose_config(
        [
            "resources=tight",
            "replications=30",
            "months=24",
            "sensitivity_resources=[tight,generous]",
        ]
    )
    p = plan(cfg)
    assert p.resources == "tight"
    assert list(p.sensitivity) == ["adequate", "generous"]  # the level above tight, always
    assert len(p.sensitivity_seeds) == 20 and p.sensitivity_seeds == p.seeds[:20]


@pytest.mark.parametrize(
    ("base", "others"),
    [("tight", ["adequate", "generous"]), ("adequate", ["tight", "generous"]),
     ("generous", ["tight", "adequate"])],
)  # fmt: skip
def test_by_default_every_other_level_is_checked(base: str, others: list[str]) -> None:
    """With tight as the base the check once reran only generous, never adequate (issue #25)."""
    p = plan(compose_config([f"resources={base}", "replications=4", "months=12"]))
    assert list(p.sensitivity) == others


def test_english_is_the_default_language() -> None:
    assert plan(compose_config(SMALL)).language == "en"
    assert plan(compose_config([*SMALL, "language=fr"])).language == "fr"


@pytest.mark.parametrize(
    ("overrides", "checked"),
    [
        (["resources=generous", "sensitivity_resources=[tight]"], ["tight", "adequate"]),
        (["resources=adequate", "sensitivity_resources=[]"], ["tight", "generous"]),
        (["resources=tight", "sensitivity_resources=[generous]"], ["adequate", "generous"]),
        (["resources.staff_hours=10", "sensitivity_resources=[]"], ["tight", "adequate",
                                                                    "generous"]),
        (["resources.budget=0.7", "sensitivity_resources=[]"], ["tight", "adequate"]),
    ],
)  # fmt: skip
def test_an_explicit_resource_check_still_includes_the_levels_either_side(
    overrides: list[str], checked: list[str]
) -> None:
    """The levels on either side of the base are always rerun (issue #25); a custom base has the
    nearest level below and above its budget, and the level of the same budget."""
    p = plan(compose_config([*overrides, "replications=4", "months=12"]))
    assert list(p.sensitivity) == checked


def test_a_value_outside_its_plausible_range_is_recorded_for_the_caveat() -> None:
    """resources.staff_hours=10 is allowed (1 to 1000) but below the plausible 20 to 160: the
    run goes ahead and the brief's caveats say so (issue #25)."""
    from sim.report.plan import outside_plausible

    p = plan(compose_config(["resources.staff_hours=10", "replications=4", "months=12"]))
    found = outside_plausible(p.configs)
    assert found == {
        "resources": {
            "staff_hours": {"value": 10.0, "low": 20.0, "high": 160.0,
                            "scenarios": ["status_quo", "phased", "combined"]},
        }
    }  # fmt: skip
    assert outside_plausible(plan(compose_config(SMALL)).configs) == {}
