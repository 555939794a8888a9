"""One precedence rule: the command line wins over a scenario file, or the job is refused.

The three sweeps of issue #13 that reported values they never used — each must now give one
run per value, labelled with the value the run actually used (read from its configuration) and
showing its effect in the model's own columns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import compose_config

from sim.cli.command import run
from sim.core.config import ConfigError
from sim.runs.jobspec import build_configs

SMALL = ["replications=1", "city=small", "jobs=1"]  # city=small: 6 departments


def sweep(out: Path, *overrides: str) -> pd.DataFrame:
    """A real multirun, in-process; its gathered table."""
    assert run(["--multirun", *overrides, *SMALL, f"hydra.sweep.dir={out}"]) == 0
    return pd.read_parquet(out / "runs.parquet")


def opening_month(frame: pd.DataFrame) -> int:
    """First month the governance point leaves the proactive corner (openness above 0.1)."""
    return int(frame.loc[frame["openness"] > 0.1 + 1e-9, "month"].min())


def per_job(runs: pd.DataFrame, column: str) -> dict:
    assert runs.groupby("job_key")[column].nunique().eq(1).all()
    return {value: frame for value, frame in runs.groupby(column)}


def test_swept_staff_hours_win_over_the_scenario_file(tmp_path: Path) -> None:
    """combined_more_staff sets 48 h; the swept 20 and 80 are what runs and what is labelled."""
    runs = sweep(tmp_path / "s", "scenario=combined_more_staff", "resources.staff_hours=20,80",
                 "months=12", "figures=true")  # fmt: skip
    assert runs["job_key"].nunique() == 2  # two jobs, two shards: nothing merged
    jobs = per_job(runs, "resources.staff_hours")
    assert sorted(jobs) == [20.0, 80.0]
    for hours, frame in jobs.items():
        assert (frame["hours_capacity"] == 6 * hours).all()  # what the model actually had
    summary = pd.read_csv(tmp_path / "s" / "summary.csv")
    assert sorted(summary["resources.staff_hours"]) == [20.0, 80.0]
    assert (tmp_path / "s" / "value_over_time.png").stat().st_size > 10_000  # figures=true


def test_swept_switch_month_wins_over_the_scenario_file(tmp_path: Path) -> None:
    """phased_month48 opens at month 48; swept 24 and 72 are two runs opening at 24 and 72."""
    runs = sweep(tmp_path / "s", "scenario=phased_month48",
                 "model.trajectory.switch_month=24,72", "months=84")  # fmt: skip
    assert runs["job_key"].nunique() == 2
    jobs = per_job(runs, "trajectory.switch_month")
    assert sorted(jobs) == [24, 72]
    for month, frame in jobs.items():
        assert opening_month(frame) in (month, month + 1)


def test_switch_rule_on_the_command_line_is_not_reset_by_the_file(tmp_path: Path) -> None:
    """phased.yaml says readiness; switch_rule=month on the command line is what runs."""
    runs = sweep(tmp_path / "s", "scenarios=[phased]", "model.trajectory.switch_month=24",
                 "model.trajectory.switch_rule=month,readiness", "months=60")  # fmt: skip
    assert runs["job_key"].nunique() == 2
    jobs = per_job(runs, "trajectory.switch_rule")
    assert sorted(jobs) == ["month", "readiness"]
    assert opening_month(jobs["month"]) in (24, 25)  # the switch_month given
    assert opening_month(jobs["readiness"]) != opening_month(jobs["month"])


def _configs(*overrides: str, notes: list[str] | None = None):
    return build_configs(compose_config(list(overrides), hydra_node=True), notes=notes)


def test_each_replaced_value_gives_a_note() -> None:
    notes: list[str] = []
    config = _configs("scenario=combined_more_staff", "resources.staff_hours=20", notes=notes)
    assert config["combined_more_staff"].resources.staff_hours == 20
    assert notes == [
        "resources.staff_hours=20 from the command line replaces 48.0 from scenario "
        "'combined_more_staff'"
    ]
    notes.clear()  # a level chosen on the command line, replaced by the file: said too
    config = _configs("scenarios=[combined_more_staff,open]", "resources=tight", notes=notes)
    assert config["combined_more_staff"].resources.staff_hours == 48
    assert config["open"].resources.staff_hours == 20
    assert len(notes) == 1 and "resources=tight" in notes[0] and "48" in notes[0]
    notes.clear()  # waypoints given on the command line are not replaced by the file's
    waypoints = "model.trajectory.waypoints=[[0,0.5,0.5],[12,0.2,0.9]]"
    config = _configs("scenarios=[custom_example]", waypoints, notes=notes)
    assert config["custom_example"].trajectory.waypoints == ((0, 0.5, 0.5), (12, 0.2, 0.9))
    assert "waypoints" in notes[0]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (["scenarios=[phased]", "model.trajectory.kind=open"], "model.trajectory.kind"),
        (["months=12", "model.months=10"], "model.months"),
        (["resources.staff_hours=20", "model.resources.staff_hours=30"], "staff_hours"),
    ],
)
def test_contradictions_are_refused_naming_both_values(overrides: list[str], named: str) -> None:
    with pytest.raises(ConfigError, match=named) as caught:
        _configs(*overrides)
    values = [o.split("=", 1)[1] for o in overrides if not o.startswith("scenarios")]
    for value in values:
        assert value in str(caught.value)
