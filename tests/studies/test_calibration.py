"""Calibration by rejection ABC: a tiny synthetic prior sample whose answer is known.

The per-set table has the shape `sim.studies.robustness.map_sets` returns (set, dotted parameter
columns, P1–P8, the calibration statistics). Each statistic is made to depend on one parameter
(participation on participation_scale, illectronism's decline on inclusion_rate, the stale share
on base_reflex), so the targets must narrow those three and leave `push` alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import compose_config

from sim.core.config import ConfigError, plausible_ranges
from sim.runs import ensemble
from sim.studies.calibration import (
    PATTERNS,
    TARGETS,
    accept,
    acceptance_rate,
    calibrate,
    distances,
)
from sim.studies.experiments import run_experiment

PARAMS = (
    "resources.staff_hours",
    "parameters.participation_scale",
    "parameters.inclusion_rate",
    "parameters.base_reflex",
    "parameters.push",
)
SHAPED = PARAMS[1:4]  # the parameters a statistic depends on


def synthetic_sets(n: int = 300, seed: int = 7) -> pd.DataFrame:
    """A prior sample over the plausible ranges, with statistics of known dependence."""
    rng = np.random.default_rng(seed)
    ranges = plausible_ranges()
    table = pd.DataFrame({"set": np.arange(n)})
    for p in PARAMS:
        table[p] = rng.uniform(*ranges[p], n)
    for p in PATTERNS:
        table[p] = True
    table["P5 plateau only"] = table["resources.staff_hours"] < 140  # fails in part of the prior
    noise = rng.normal(0, 1, (4, n))
    table["participation_year"] = 2 * table["parameters.participation_scale"] + 0.002 * noise[0]
    table["illectronism_decline"] = 100 * table["parameters.inclusion_rate"] + 0.05 * noise[1]
    table["stale_share"] = 0.6 - 2 * table["parameters.base_reflex"] + 0.01 * noise[2]
    table["top1_share"] = 0.9 + 0.01 * noise[3]  # inside its target everywhere: constrains none
    return table


def test_a_set_is_accepted_exactly_when_every_constraint_holds() -> None:
    sets = synthetic_sets()
    accepted = accept(sets)
    for t in TARGETS:
        assert accepted[t.statistic].between(t.low, t.high).all(), t.name
    assert accepted["P5 plateau only"].all()
    within = np.ones(len(sets), bool)
    for t in TARGETS:
        within &= sets[t.statistic].between(t.low, t.high).to_numpy()
    assert len(accepted) == int((within & sets["P5 plateau only"].to_numpy()).sum()) > 0
    assert (accepted["distance"] <= 1).all()
    assert acceptance_rate(sets, accepted) == len(accepted) / len(sets)
    wider = accept(sets, tolerance=1.5)  # a wider tolerance accepts a superset
    assert set(accepted["set"]) < set(wider["set"])
    assert len(accept(sets, patterns=[])) > len(accepted)  # P5 no longer required


def test_distance_is_zero_at_the_centre_and_one_at_each_end() -> None:
    participation = TARGETS[0]
    frame = pd.DataFrame({"participation_year": [0.04, 0.02, 0.08, 0.06, np.nan]})
    d = distances(frame, [participation])["distance"].tolist()
    assert d[:4] == pytest.approx([0.0, 1.0, 1.0, 0.5]) and d[4] == np.inf


def test_a_table_without_its_columns_is_refused_naming_them() -> None:
    with pytest.raises(ValueError, match="stale_share"):
        accept(synthetic_sets().drop(columns="stale_share"))
    with pytest.raises(ValueError, match="tolerance"):
        accept(synthetic_sets(), tolerance=0)


def _calibrate(root: Path) -> object:
    return calibrate(synthetic_sets(), root / "results", ensemble_dir=root / "ensemble",
                     name="tiny", metadata={"command": "test", "seeds": 3})  # fmt: skip


def test_calibration_writes_results_and_ensemble_deterministically(tmp_path: Path) -> None:
    result = _calibrate(tmp_path / "a")
    _calibrate(tmp_path / "b")
    for name in ("results/accepted.csv", "results/posterior.csv", "results/constraints.csv",
                 "results/columns.csv", "ensemble/tiny.parquet", "ensemble/tiny.yaml"):  # fmt: skip
        first, second = tmp_path / "a" / name, tmp_path / "b" / name
        assert first.read_bytes() == second.read_bytes(), name
    for name in ("marginals.png", "pairs.png"):
        assert (tmp_path / "a" / "results" / name).stat().st_size > 1000
    summary = result.summary.set_index("parameter")
    assert set(summary.index[summary["constrained"]]) == set(SHAPED)
    assert not summary.loc["parameters.push", "constrained"]
    assert (summary["prior_low"] <= summary["prior_p05"]).all()
    described = pd.read_csv(tmp_path / "a" / "results" / "columns.csv")
    assert described["meaning"].str.len().gt(0).all()

    table = pd.read_parquet(tmp_path / "a" / "ensemble" / "tiny.parquet")
    assert list(table.columns) == ["parameter_set", *PARAMS[1:]]  # resources: the user's own
    assert list(table["parameter_set"]) == list(result.accepted["set"])
    meta = json.loads(pq.read_schema(tmp_path / "a" / "ensemble" / "tiny.parquet").metadata[
        ensemble.METADATA_KEY])  # fmt: skip
    assert meta["acceptance_rate"] == pytest.approx(result.rate)
    assert meta["prior_samples"] == 300 and meta["accepted"] == len(table)
    assert [t["name"] for t in meta["targets"]] == [t.name for t in TARGETS]
    assert meta["command"] == "test" and meta["patterns_required"] == list(PATTERNS)
    sidecar = yaml.safe_load((tmp_path / "a" / "ensemble" / "tiny.yaml").read_text())
    assert sidecar["acceptance_rate"] == meta["acceptance_rate"]
    assert sidecar["parameter_sets"] == len(table)
    loaded = ensemble.load(str(tmp_path / "a" / "ensemble" / "tiny.parquet"))
    assert loaded.parameters == list(PARAMS[1:]) and loaded.metadata == meta


def test_no_accepted_set_says_which_constraint_rejects_most(tmp_path: Path) -> None:
    sets = synthetic_sets().assign(P3=False)
    with pytest.raises(ValueError, match="P3"):
        calibrate(sets, tmp_path / "r", ensemble_dir=tmp_path / "e", name="none")
    assert (tmp_path / "r" / "constraints.csv").is_file()  # the diagnosis is written
    assert not (tmp_path / "e").exists()  # no ensemble is shipped


def test_the_experiment_calibrates_a_given_prior_sample(tmp_path: Path) -> None:
    sets = tmp_path / "sets.parquet"
    synthetic_sets().to_parquet(sets)
    cfg = compose_config(["+experiment=calibration", f"study.sets={sets}",
                          f"study.ensemble_dir={tmp_path / 'ens'}", "study.name=exp"])  # fmt: skip
    summary = run_experiment(cfg, tmp_path / "out")
    assert set(summary[summary["constrained"]]["parameter"]) == set(SHAPED)
    meta = yaml.safe_load((tmp_path / "ens" / "exp.yaml").read_text())
    assert meta["command"].startswith("python -m sim +experiment=calibration study.sets=")
    assert meta["wall_time_s"] >= 0 and (tmp_path / "out" / "provenance.json").is_file()


@pytest.mark.parametrize(
    ("override", "field"),
    [("study.tolerance=-1", "study.tolerance"), ("study.patterns=[P12]", "study.patterns"),
     ("study.samples=0", "study.samples"), ("study.name=../x", "study.name")],
)  # fmt: skip
def test_bad_study_settings_are_refused_naming_the_field(
    override: str, field: str, tmp_path: Path
) -> None:
    cfg = compose_config(["+experiment=calibration", override])
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        run_experiment(cfg, tmp_path / "out")
