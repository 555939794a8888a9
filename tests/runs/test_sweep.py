"""Sweeps: config groups, pre-flight validation, shards, failures, resume, launchers, Morris."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CONFIG_DIR
from hydra import compose, initialize_config_dir

import sim.runs.presets
from sim.core.config import ConfigError, plausible_ranges
from sim.runs.jobspec import build_configs

SWEEP = ["scenario=open,phased", "resources.staff_hours=20,40", "replications=2", "months=6"]
COMMON = ["city=small"]
LAUNCHERS = {
    "basic": [],
    "joblib": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
    "submitit": ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=5"],
}


def multirun(out: Path, *overrides: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", "--multirun", *overrides, f"hydra.sweep.dir={out}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=out.parent,
    )


def finish(proc: subprocess.Popen) -> str:
    output, _ = proc.communicate(timeout=400)
    assert proc.returncode == 0, output
    return output


@pytest.fixture(scope="session")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str, int]]:
    """The same sweep under three launchers, one with an injected failure, two bad; at once.

    Run once per test session, also under pytest-xdist: the first worker runs them (holding a
    file lock), the others read its record.
    """
    # Shared by the xdist workers of THIS session only: a folder left by an earlier session holds
    # sweeps made by older code, whose shard keys no longer match.
    session = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getpid())
    root = tmp_path_factory.getbasetemp().parent / f"govsim-sweeps-{session}"
    root.mkdir(exist_ok=True)
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = root / "record.json"
        if not record.exists():
            procs = {
                name: multirun(root / name, *SWEEP, *COMMON, *extra)
                for name, extra in LAUNCHERS.items()
            }
            procs["failing"] = multirun(
                root / "failing", "scenario=open,phased", "replications=2", "months=6", *COMMON,
                "inject_failure=open/1",
            )  # fmt: skip
            procs["bad"] = multirun(
                root / "bad", "resources.staff_hours=20,-3", "months=6", *COMMON
            )
            procs["typo"] = multirun(
                root / "typo", "resources.staf_hours=20,30", "months=6", *COMMON
            )
            out = {}
            for name, proc in procs.items():
                output, _ = proc.communicate(timeout=400)
                out[name] = (str(root / name), output, proc.returncode)
            record.write_text(json.dumps(out))
        data = json.loads(record.read_text())
    return {name: (Path(d), output, code) for name, (d, output, code) in data.items()}


def _table(sweep_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(sweep_dir / "runs.parquet")


def _numbers(sweep_dir: Path) -> pd.DataFrame:
    """The table without `git_revision` (a commit may land between two sweeps of a test)."""
    runs = _table(sweep_dir)
    assert runs["git_revision"].str.len().gt(6).all()
    return runs.drop(columns="git_revision")


# ---- compose API ---------------------------------------------------------------------------------
def test_scenario_group_sets_the_list_and_short_forms_apply() -> None:
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        for name in sim.runs.presets.available():
            cfg = compose("config", overrides=[f"scenario={name}"], return_hydra_config=True)
            configs = build_configs(cfg)
            assert list(configs) == [name]
            assert configs[name] == sim.runs.presets.build(name, {"months": 144})
        cfg = compose(
            "config",
            overrides=["scenario=open", "resources.staff_hours=80", "city=small", "months=12"],
            return_hydra_config=True,
        )
        config = build_configs(cfg)["open"]
        assert (config.resources.staff_hours, config.city.departments, config.months) == (80, 6, 12)
        assert config.resources.budget == 1.0  # the rest of the preset is untouched
        both = compose(
            "config", overrides=["scenario=open", "scenarios=[open]"], return_hydra_config=True
        )
        with pytest.raises(ConfigError, match="'scenario'"):
            build_configs(both)
        with pytest.raises(ConfigError, match=r"'resources\.staff_hours'"):
            build_configs(compose("config", overrides=["resources.staff_hours=-1"]))
        with pytest.raises(Exception, match="staf_hours"):
            compose("config", overrides=["resources.staf_hours=3"])


def test_every_experiment_composes_and_validates(tmp_path: Path) -> None:
    from sim.studies.experiments import EXPERIMENTS, Context

    names = sorted(p.stem for p in (CONFIG_DIR / "experiment").glob("*.yaml"))
    assert set(names) == set(EXPERIMENTS)
    assert {f"p{i}" for i in range(1, 9)} | {"phase", "threshold", "plateau"} <= set(names)
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        for name in names:
            cfg = compose("config", overrides=[f"+experiment={name}"], return_hydra_config=True)
            assert cfg.task == name
            assert cfg.hydra.run.dir == f"results/{name}"
            assert cfg.replications >= 2
            build_configs(cfg)
            ctx = Context(cfg, tmp_path / name)
            assert ctx.base["months"] == 144


# ---- sweeps end to end ---------------------------------------------------------------------------
def test_sweep_table_rows_columns_provenance(sweeps) -> None:
    sweep_dir, output, code = sweeps["joblib"]
    assert code == 0, output
    runs = _table(sweep_dir)
    assert len(runs) == 2 * 2 * 2 * 6  # scenarios × staff hours × replications × months
    for column in ("job_key", "scenario", "replication", "seed", "month", "config_id",
                   "git_revision", "resources.staff_hours", "value_cumulative"):  # fmt: skip
        assert column in runs.columns, column
    assert not runs.duplicated(["job_key", "point", "scenario", "replication", "month"]).any()
    cells = runs.groupby(["scenario", "resources.staff_hours"])["replication"].nunique()
    assert cells.to_dict() == {(s, h): 2 for s in ("open", "phased") for h in (20.0, 40.0)}
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()  # paired seeds
    record = json.loads((sweep_dir / "provenance.json").read_text())
    assert record["complete"] and record["packages"]["mesa"] == "3.5.1"
    assert set(runs["config_id"]) <= set(record["configs"])
    summary = pd.read_csv(sweep_dir / "summary.csv")
    assert len(summary) == 4 and (summary["runs"] == 2).all()
    assert "sweep (8 runs)" in output  # the progress bar


def test_same_numbers_under_every_launcher(sweeps) -> None:
    tables = {}
    for name in LAUNCHERS:
        sweep_dir, output, code = sweeps[name]
        assert code == 0, output
        tables[name] = _numbers(sweep_dir)
    for name in ("joblib", "submitit"):
        pd.testing.assert_frame_equal(tables["basic"], tables[name], check_exact=True)


def test_failed_run_is_recorded_and_the_rest_completes(sweeps) -> None:
    sweep_dir, output, code = sweeps["failing"]
    assert code == 3, output  # documented: some runs failed, the others are gathered
    assert "retry_failed=true" in output and "Traceback" not in output
    runs = _table(sweep_dir)
    assert runs.groupby(["scenario", "replication"]).ngroups == 3
    failures = pd.read_csv(sweep_dir / "failures.csv")
    assert len(failures) == 1
    row = failures.iloc[0]
    assert (row["scenario"], row["replication"]) == ("open", 1)
    assert "injected failure" in row["traceback"]
    assert row["seed"] in set(runs["seed"])  # the failed run's seed is recorded
    assert json.loads(row["config"])["trajectory"]["kind"] == "open"


def test_retry_failed_reruns_only_the_failed_runs(sweeps, tmp_path: Path) -> None:
    from sim.cli.command import run

    original, _, _ = sweeps["failing"]
    retried = tmp_path / "failing"
    shutil.copytree(original, retried)
    good = {p.name: p.stat().st_mtime_ns for p in (retried / "shards").glob("*.parquet")}
    # Without the flag the failed runs stay failed (and the status says so) ...
    again = ["--multirun", "scenario=open,phased", "replications=2", "months=6", *COMMON,
             f"hydra.sweep.dir={retried}"]  # fmt: skip
    assert run(again) == 3
    # ... with it, only the shard that recorded a failure is recomputed, and it completes.
    assert run([*again, "retry_failed=true"]) == 0
    runs = _table(retried)
    assert runs.groupby(["scenario", "replication"]).ngroups == 4
    assert not runs.duplicated(["job_key", "point", "scenario", "replication", "month"]).any()
    failures = pd.read_csv(retried / "failures.csv")  # the header, no rows
    assert failures.empty and {"scenario", "replication", "seed", "error"} <= set(failures.columns)
    after = {p.name: p.stat().st_mtime_ns for p in (retried / "shards").glob("*.parquet")}
    assert sum(after[n] != t for n, t in good.items()) == 1  # the failing job's shard only
    fresh = _numbers(original)
    redone = _numbers(retried)
    kept = fresh.merge(redone, how="inner")  # the runs that did not fail are unchanged
    assert len(kept) == len(fresh)


@pytest.mark.parametrize(("name", "field"), [("bad", "resources.staff_hours"), ("typo", "staf")])
def test_bad_sweep_fails_before_any_job(sweeps, name: str, field: str) -> None:
    sweep_dir, output, code = sweeps[name]
    assert code != 0
    assert field in output and "nothing was run" in output and "Traceback" not in output
    assert not (sweep_dir / "shards").exists()


def test_interrupted_sweep_resumes_to_the_same_table(sweeps, tmp_path: Path) -> None:
    original, _, code = sweeps["basic"]
    assert code == 0
    resumed = tmp_path / "basic"
    shutil.copytree(original, resumed)
    shards = sorted((resumed / "shards").glob("*.parquet"))
    for shard in shards[:2]:  # two jobs "killed" before writing their shard
        shard.unlink()
    (resumed / "runs.parquet").unlink()
    (resumed / "shards" / ".leftover.parquet.123.tmp").write_bytes(b"partial")
    output = finish(multirun(resumed, *SWEEP, *COMMON))
    assert output.count("exists: skipped") == len(shards) - 2
    pd.testing.assert_frame_equal(_numbers(original), _numbers(resumed), check_exact=True)


# ---- chunked designs and Morris ------------------------------------------------------------------
def test_chunked_design_matches_in_process_run(tmp_path: Path) -> None:
    from sim.runs.runner import run
    from sim.runs.sweep import gather

    design = pd.DataFrame(
        {
            "point": [0, 0, 1, 1, 2, 2],
            "scenario": ["open"] * 6,
            "replication": [0, 1] * 3,
            "seed": [11, 12] * 3,
            "parameters.push": [0.0, 0.0, 0.5, 0.5, 1.0, 1.0],
        }
    )
    path = tmp_path / "design.parquet"
    design.to_parquet(path, index=False)
    out = tmp_path / "chunks"
    finish(multirun(out, f"design={path}", "chunks=3", "chunk=range(0,3)", "months=5", *COMMON))
    runs = _table(out)
    assert runs.groupby("job_key").ngroups == 3 and len(runs) == 6 * 5
    small = sim.runs.presets.city_size("small")
    expected = sim.runs.presets.build(
        "open", {"months": 5, "city": small, "parameters": {"push": 1.0}}
    )
    frame = run(expected, 12)
    got = runs[(runs["point"] == 2) & (runs["replication"] == 1)]
    np.testing.assert_array_equal(got["value_flow"].to_numpy(), frame["value_flow"].to_numpy())
    assert gather(out)["runs"] == 6  # gathering again gives the same table


def test_morris_on_a_tiny_design(tmp_path: Path) -> None:
    from sim.studies.experiments import Context
    from sim.studies.sensitivity import analyse, problem

    assert len(problem()["names"]) == len(plausible_ranges()) >= 12
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        names = list(plausible_ranges())[:12]
        cfg = compose(
            "config",
            overrides=[
                "+experiment=sensitivity", "city=small", "months=12", "replications=1", "jobs=1",
                f"study.parameters=[{','.join(names)}]", "study.morris_trajectories=2",
                "study.sobol_top=2", "study.sobol_n=4", "study.chunks=2",
            ],
        )  # fmt: skip
    ctx = Context(cfg, tmp_path)
    table = analyse(ctx)
    assert len(table) == 2 * 12 and np.isfinite(table["mu_star"]).all()
    design = pd.read_parquet(tmp_path / "morris_design.parquet")
    assert len(design) == 2 * 13 and design["seed"].nunique() == 1  # CRN: one seed set
    sobol = pd.read_csv(tmp_path / "sobol.csv")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(sobol.columns) and len(sobol) == 4
    assert (tmp_path / "morris.png").is_file() and (tmp_path / "sobol.png").is_file()
