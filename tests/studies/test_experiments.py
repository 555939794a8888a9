"""Named experiments: each runs from its config and writes its table and figure (tiny sizes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CONFIG_DIR
from hydra import compose, initialize_config_dir

from sim.studies.experiments import fit_plateau, phase_headline, run_experiment, saturating

TINY = ["city=small", "months=36", "replications=2", "jobs=1"]
STUDY = {
    "phase": ["study.grid=3"],
    "threshold": ["study.budgets=[0.4,1.0]", "study.staff_hours=[20,40]"],
    "p8": ["study.budgets=[0.4,1.0]", "study.staff_hours=[20,40]"],
    "plateau": ["study.scenarios=[proactive,open]"],
    "p2": ["replications=2"],
    "boundary": ["study.budgets=[0.4]", "study.steps=2", "study.ensemble=null"],
}


def _run(name: str, out: Path) -> pd.DataFrame:
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[f"+experiment={name}", *TINY, *STUDY[name]])
    return run_experiment(cfg, out / name)


@pytest.mark.parametrize("name", list(STUDY))
def test_experiment_writes_table_figure_provenance(name: str, tmp_path: Path) -> None:
    table = _run(name, tmp_path)
    assert len(table) > 0
    for suffix in ("csv", "png"):
        assert (tmp_path / name / f"{name}.{suffix}").stat().st_size > 100
    assert (tmp_path / name / "provenance.json").is_file()
    if name == "phase":
        assert len(table) == 2 * 3 * 3 and "tight" in phase_headline(table)
    if name == "threshold":
        assert set(table["comparison"]) == {"open_vs_proactive", "combined_vs_phased"}
        assert table["share_challenger_ahead"].between(0, 1).all()
    if name == "plateau":
        assert list(table["scenario"]) == ["proactive", "open"]
        assert (table["asymptote_ci_low"] <= table["asymptote"]).all()


def test_plateau_fit_recovers_a_known_curve() -> None:
    t = np.arange(144.0)
    rng = np.random.default_rng(1)
    flow = saturating(t, 0.5, 3.0, 40.0, 8.0) + rng.normal(0, 0.05, t.size)
    fit = fit_plateau(flow)
    assert fit["level"] == pytest.approx(3.0, abs=0.05)
    assert fit["month_reached"] == pytest.approx(40 + 8 * np.log(19), abs=3)
    assert fit["reached"]


def test_every_experiment_table_is_described_in_columns_csv(tmp_path: Path) -> None:
    """The data dictionary travels with experiment results too: columns.csv lists every column
    of every CSV in the folder, each with a meaning."""
    table = _run("p8", tmp_path)
    folder = tmp_path / "p8"
    described = pd.read_csv(folder / "columns.csv")
    csvs = {p.name for p in folder.glob("*.csv")} - {"columns.csv"}
    assert set(described["file"]) == csvs
    assert set(described[described["file"] == "p8.csv"]["column"]) == set(table.columns)
    assert described["meaning"].str.len().gt(0).all()
