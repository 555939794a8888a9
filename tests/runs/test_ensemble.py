"""`ensemble=`: replication k draws one parameter set, the same (with the same seed) in every
scenario, in the main job, a sweep and the comparison; a bad value is refused naming the field."""

from __future__ import annotations

import fnmatch
import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import system
from conftest import compose_config, run_module

from sim.cli.compare import compare
from sim.core.config import ConfigError, ModelConfig
from sim.runs import ensemble
from sim.runs.jobspec import job_tasks, plain_data
from sim.runs.runner import replication_seeds
from sim.runs.settings import check_settings

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["city=small", "months=12", "jobs=1"]


@pytest.fixture
def tiny_ensemble(tmp_path: Path) -> Path:
    """Four parameter sets, numbered as a prior sample would number them (not 0..3)."""
    table = pd.DataFrame({
        "parameter_set": [11, 23, 35, 47],
        "parameters.push": [0.1, 0.4, 0.7, 0.9],
        "parameters.participation_scale": [0.02, 0.03, 0.04, 0.05],
    })  # fmt: skip
    ensemble.write(table, {"command": "test"}, tmp_path / "ens", "tiny")
    return tmp_path / "ens" / "tiny.parquet"


def _tasks(path: Path, *overrides: str):
    cfg = compose_config([f"ensemble={path}", *SMALL, *overrides], hydra_node=True)
    return job_tasks(cfg)


def _by_replication(tasks) -> dict[int, set]:
    out: dict[int, set] = {}
    for labels, config, seed in tasks:
        values = (labels["parameter_set"], seed, config.parameters.push)
        out.setdefault(labels["replication"], set()).add(values)
    return out


def test_replication_k_uses_one_set_and_seed_in_every_scenario(tiny_ensemble: Path) -> None:
    spec, tasks = _tasks(tiny_ensemble, "scenarios=[proactive,open,phased]", "replications=6")
    assert len(tasks) == 18
    table = pd.read_parquet(tiny_ensemble).set_index("parameter_set")
    per_k = _by_replication(tasks)
    for k, used in per_k.items():
        assert len(used) == 1, k  # one (set, seed, value) across the three scenarios
        (set_id, seed, push), = used  # fmt: skip
        assert seed == replication_seeds(0, 6)[k]
        assert push == table.loc[set_id, "parameters.push"]
    assert len({next(iter(v))[0] for v in per_k.values()}) > 1  # sets do vary with k
    assert spec["ensemble"]["parameter_sets"] == [next(iter(per_k[k]))[0] for k in range(6)]
    # the same k draws the same set whatever the number of replications or scenarios
    _, fewer = _tasks(tiny_ensemble, "scenarios=[open]", "replications=3")
    assert _by_replication(fewer) == {k: per_k[k] for k in range(3)}
    _, other_root = _tasks(tiny_ensemble, "scenarios=[open]", "replications=6", "seed=1")
    assert _by_replication(other_root) != {k: per_k[k] for k in range(6)}


def test_the_draw_is_a_stable_prefix_and_covers_the_ensemble() -> None:
    rows = ensemble.draw_rows(0, 400, 4)
    assert rows[:10] == ensemble.draw_rows(0, 10, 4)
    assert set(rows) == {0, 1, 2, 3}
    assert max(rows.count(r) for r in range(4)) < 130  # roughly uniform (100 each)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [(["ensemble=no_such_ensemble"], "ensemble"), (["ensemble=/nowhere/x.parquet"], "ensemble"),
     (["ensemble=3"], "ensemble"), (["parameters.push=0.5"], "parameters.push"),
     (["+experiment=p1"], "ensemble"), (["design=d.parquet"], "ensemble")],
)  # fmt: skip
def test_a_bad_ensemble_is_refused_naming_the_field(
    overrides: list[str], field: str, tiny_ensemble: Path
) -> None:
    given = [] if overrides[0].startswith("ensemble=") else [f"ensemble={tiny_ensemble}"]
    cfg = compose_config([*given, *overrides, *SMALL], hydra_node=True)
    with pytest.raises(ConfigError) as err:
        job_tasks(cfg) if field != "ensemble" else check_settings(plain_data(cfg))
    assert str(err.value).startswith(f"{field}:") or f"'{field}'" in str(err.value), err.value


def test_a_bad_file_names_the_ensemble_and_its_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pd.DataFrame({"parameter_set": [0], "parameters.pushh": [0.1]}).to_parquet(path)
    with pytest.raises(ConfigError, match=r"ensemble .*bad\.parquet: column 'parameters\.pushh'"):
        ensemble.load(str(path))
    pd.DataFrame({"parameter_set": [0, 1], "parameters.push": [0.1, 7.0]}).to_parquet(path)
    cfg = compose_config([f"ensemble={path}", "replications=40", *SMALL], hydra_node=True)
    with pytest.raises(ConfigError, match=r"parameter_set 1: parameters\.push"):
        job_tasks(cfg)  # a set out of the field's range is refused before any run


def test_main_job_with_an_ensemble_writes_sets_and_provenance(
    tiny_ensemble: Path, tmp_path: Path
) -> None:
    args = [f"ensemble={tiny_ensemble}", "scenarios=[open,phased]", "replications=3",
            "figures=false", "hydra.run.dir=out", *SMALL]  # fmt: skip
    result = run_module(args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert list(runs.columns[:4]) == ["scenario", "replication", "parameter_set", "seed"]
    firsts = runs.groupby(["scenario", "replication"]).first()
    for column in ("parameter_set", "seed", "parameters.push"):
        assert (firsts.loc["open", column] == firsts.loc["phased", column]).all(), column
    record = json.loads((tmp_path / "out" / "provenance.json").read_text())["ensemble"]
    assert record["digest"] == ensemble.load(str(tiny_ensemble)).digest
    assert record["parameter_sets"] == list(firsts.loc["open", "parameter_set"])
    described = pd.read_csv(tmp_path / "out" / "columns.csv")
    assert "ensemble" in described.set_index("column").loc["parameter_set", "meaning"]


def test_sweep_with_an_ensemble_pairs_its_jobs(tiny_ensemble: Path, tmp_path: Path) -> None:
    args = ["--multirun", "scenario=open,phased", f"ensemble={tiny_ensemble}", "replications=2",
            "hydra.sweep.dir=sweep", *SMALL]  # fmt: skip
    result = run_module(args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    runs = pd.read_parquet(tmp_path / "sweep" / "runs.parquet")
    sets = runs.groupby(["replication", "scenario"])["parameter_set"].first().unstack()
    assert (sets["open"] == sets["phased"]).all()
    jobs = json.loads((tmp_path / "sweep" / "provenance.json").read_text())["jobs"]
    assert all(j["ensemble"]["parameter_sets"] == list(sets["open"]) for j in jobs.values())


def test_compare_with_an_ensemble_pairs_and_says_so(tiny_ensemble: Path, tmp_path: Path) -> None:
    system.require("pdf")  # the comparison writes its brief as a PDF too
    written = compare(
        ["scenarios=[phased,combined]", "city=small", "months=24", "replications=4",
         "sensitivity_resources=[tight]", "sensitivity_replications=2",
         f"ensemble={tiny_ensemble}"], tmp_path / "report",
    )  # fmt: skip
    runs = pd.read_csv(written.files["runs.csv"])
    per_k = runs.groupby(["resources", "replication"])["parameter_set"].nunique()
    assert (per_k == 1).all()
    main = runs[runs["resources"] == "adequate"].groupby("replication")["parameter_set"].first()
    tight = runs[runs["resources"] == "tight"].groupby("replication")["parameter_set"].first()
    assert list(tight) == list(main[:2])  # the sensitivity reruns replay the same futures
    html = written.files["report.html"].read_text(encoding="utf-8")
    assert "by the model's parameters" in html  # the caveat: bands include parametric uncertainty
    assert "digest" in written.files["scenarios.yaml"].read_text(encoding="utf-8")


def test_package_data_ships_an_ensemble_and_its_sidecar() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["sim"]  # fmt: skip
    for file in ("ensembles/default.parquet", "ensembles/default.yaml"):
        assert any(fnmatch.fnmatch(file, p) for p in patterns), file


def test_the_shipped_default_ensemble_is_calibrated_and_usable(tmp_path) -> None:
    """sim/ensembles/default.parquet: made by `+experiment=calibration` (its metadata says how
    and from what), every value inside its plausible range, and `ensemble=default` runs."""
    from sim.core.config import plausible_ranges
    from sim.runs.runner import run

    shipped = ensemble.load("default")
    meta = shipped.metadata
    assert meta["method"].startswith("rejection ABC")
    assert meta["accepted"] == len(shipped.table) >= 10
    assert 0 < meta["acceptance_rate"] < 1 and meta["prior_samples"] >= 1000
    assert "python -m sim +experiment=calibration" in meta["command"]
    ranges = plausible_ranges()
    for column in shipped.table.columns.drop(ensemble.SET_COLUMN):
        low, high = ranges[column]
        assert shipped.table[column].between(low, high).all(), column
    row = shipped.table.iloc[0].drop(ensemble.SET_COLUMN)
    changes = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
    frame = run(ModelConfig(months=12).replace(**changes), seed=3)
    assert len(frame) == 12
