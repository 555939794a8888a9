"""The command itself: --help that helps, exit statuses, results kept when a write fails."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.command import run
from sim.cli.errors import LAUNCHER_REFUSED, NOT_WRITTEN, Stop
from sim.core.config import ModelConfig
from sim.runs.columns import _field_metadata

SMALL = ["replications=1", "months=3", "city=small", "jobs=1", "figures=false"]


def call(*argv: str) -> tuple[int, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        status = run(list(argv))
    return status, buffer.getvalue()


def test_help_names_the_commands_groups_and_keys_with_units() -> None:
    status, text = call("--help")
    assert status == 0
    for needed in ("python -m sim compare", "--multirun", "+experiment=", "python -m sim.app",
                   "scenario", "city", "resources", "combined_more_staff", "replications=30",
                   "resources.staff_hours", "h/department/month", "[1.0, 1000.0]",
                   "allow_large", "Exit status", "Precedence", "GOVSIM_DEBUG"):  # fmt: skip
        assert needed in text, needed
    assert "inject_failure" in text and "internal" in text  # explained, not dumped
    assert "null" not in text.split("Model fields")[1].split("mechanisms.forced")[0]
    lines = text.splitlines()
    assert len(lines) < 100 and max(len(line) for line in lines) <= 100


def test_help_model_lists_every_field_and_compare_has_its_own() -> None:
    status, text = call("--help", "model")
    assert status == 0
    for path in _field_metadata():
        assert path.split(".")[-1] in text, path
    status, text = call("compare", "--help")
    assert status == 0 and "report.html" in text and "sensitivity_resources" in text
    assert "language=en" in text and "['en', 'fr']" in text  # the brief in French too


def test_hydra_errors_get_a_traceback_only_in_debug_mode(monkeypatch) -> None:
    status, text = call(*SMALL, "hydra/launcher=jobllib")
    assert status == 2 and "did you mean 'joblib'" in text and "Traceback" not in text
    monkeypatch.setenv("GOVSIM_DEBUG", "1")
    status, text = call(*SMALL, "hydra/launcher=jobllib")
    assert status == 2 and "Traceback" in text


def test_compare_accepts_the_main_jobs_short_forms() -> None:
    from sim.cli.compare import compose_config
    from sim.report.plan import plan

    cfg = compose_config(
        ["resources.budget=0.8", "mechanisms.mediation=false", "scenarios=[phased,combined]"],
        hydra_node=True,
    )
    study = plan(cfg)
    for config in study.configs.values():
        assert config.resources.budget == 0.8 and config.mechanisms.mediation is False


def test_jobs_above_the_cpus_are_warned_about(capsys, tmp_path: Path) -> None:
    from conftest import compose_config

    from sim.cli.callbacks import check_main
    from sim.runs.limits import cpus

    many = cpus() + 1
    config = compose_config([f"replications={many}", f"jobs={many}",
                             f"hydra.run.dir={tmp_path}"], hydra_node=True)  # fmt: skip
    check_main(config)  # the checks only: nothing runs
    assert f"warning: jobs={many} = {many} processes on {cpus()} CPU" in capsys.readouterr().err


def test_a_write_failure_after_the_runs_keeps_the_results(tmp_path: Path) -> None:
    from sim.cli.main import _write

    out = tmp_path / "out"
    (out / "runs.parquet").mkdir(parents=True)  # appears after the pre-flight check
    runs = pd.DataFrame({"scenario": ["open"], "replication": [0], "seed": [1], "month": [1]})
    summary = pd.DataFrame({"scenario": ["open"], "runs": [1]})
    with pytest.raises(Stop) as caught:
        _write(out, runs, summary, {}, figures=False)
    assert caught.value.code == NOT_WRITTEN
    kept = Path(caught.value.message.split("kept in ")[1].split(" ")[0])
    pd.testing.assert_frame_equal(pd.read_parquet(kept / "runs.parquet"), runs)


def test_a_sweep_whose_table_cannot_be_written_keeps_its_shards(tmp_path: Path) -> None:
    from sim.runs.sweep import main as gather_command

    out = tmp_path / "sweep"
    args = ["--multirun", "scenario=open,phased", *SMALL, f"hydra.sweep.dir={out}"]
    assert call(*args)[0] == 0
    (out / "runs.parquet").unlink()
    (out / "runs.parquet").mkdir()  # e.g. a full disk: the gathering fails, the runs stay
    from omegaconf import OmegaConf

    from sim.cli.callbacks import SweepCallback

    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(out)}}, "figures": None})
    with pytest.raises(Stop) as caught:
        SweepCallback()._end(config)
    assert caught.value.code == NOT_WRITTEN
    assert "python -m sim.runs.sweep gather" in caught.value.message
    assert len(list((out / "shards").glob("*.parquet"))) == 2
    (out / "runs.parquet").rmdir()
    assert gather_command(["gather", str(out)]) == 0  # what the message says to run
    assert pd.read_parquet(out / "runs.parquet")["scenario"].nunique() == 2


def test_failures_of_the_main_job_are_written_with_their_header(tmp_path: Path) -> None:
    """Valid input cannot make a run raise, so the record is the task wrapper's, written as the
    main job writes it when a run fails (exit status 3)."""
    out = tmp_path / "out"
    from sim.cli.main import _write_failures
    from sim.runs.tasks import RunFailedError, failures_frame

    record = {"scenario": "open", "replication": 0, "seed": 3, "error": "E: x",
              "traceback": "tb", "config": "{}"}  # fmt: skip
    out.mkdir()
    _write_failures(out, RunFailedError([record], []))
    table = pd.read_csv(out / "failures.csv")
    assert list(table.columns[:5]) == list(failures_frame([]).columns[:5])
    assert table.loc[0, "scenario"] == "open"


def test_model_config_fields_all_have_bounds_or_choices() -> None:
    """--help shows a range for every numeric field (the lead's new fields included)."""
    meta = _field_metadata()
    for f in dataclasses.fields(ModelConfig):
        assert f.name in meta or dataclasses.is_dataclass(f.default_factory), f.name
    for path, m in meta.items():
        default = _default(path)
        if isinstance(default, int | float) and not isinstance(default, bool):
            assert "bounds" in m, path


def _default(path: str):
    node = ModelConfig()
    for part in path.split("."):
        node = getattr(node, part)
    return node


def test_a_real_subprocess_exits_2_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "+replicatons=3", f"hydra.run.dir={tmp_path / 'x'}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "did you mean 'replications'" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("argument", "named"),
    [("replications=abc", "'replications'"), ("jobs=2.5", "'jobs'"), ("seed=-3", "'seed'")],
)
def test_compare_settings_are_checked_like_the_main_jobs(argument: str, named: str) -> None:
    status, text = call("compare", argument)
    assert status == 2 and named in text and "did you mean" not in text
    assert "Traceback" not in text


def test_a_cluster_that_refuses_the_job_is_named_not_called_a_bug(tmp_path: Path) -> None:
    """submitit_slurm with no usable SLURM configuration (an empty slurm.conf): sbatch's own
    refusal (or, with no SLURM on the machine, submitit's), exit 5, never 'internal error'."""
    (tmp_path / "slurm.conf").write_text("")  # a missing file: sbatch asks DNS, ~1 min here
    env = {**os.environ, "SLURM_CONF": str(tmp_path / "slurm.conf")}
    done = subprocess.run(
        [sys.executable, "-m", "sim", "--multirun", "scenario=open", *SMALL,
         "hydra/launcher=submitit_slurm", "hydra.launcher.partition=local",
         f"hydra.sweep.dir={tmp_path / 'sweep'}"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == LAUNCHER_REFUSED, done.stderr
    assert "govsim: error: the cluster refused the job: " in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert "SLURM_CONF (now " + env["SLURM_CONF"] in done.stderr


def test_an_exception_of_our_own_code_is_a_bug_even_under_a_launcher() -> None:
    """The innermost frame decides: a launcher's frame is its refusal, ours is ours."""
    from sim.cli import errors

    try:
        ModelConfig.from_dict({"months": "x"})
    except Exception as err:  # raised in sim/core: not a launcher's
        assert errors.launcher_package(err) is None
    try:
        import submitit.core.utils as utils

        utils.CommandFunction(["false"], verbose=False)()
    except Exception as err:  # raised in submitit, as sbatch's refusal is
        assert errors.launcher_package(err) == "submitit"
    else:
        raise AssertionError("`false` did not fail")


def test_a_value_outside_its_plausible_range_runs_with_a_note(tmp_path: Path) -> None:
    status, text = call(*SMALL, "resources.staff_hours=10", f"hydra.run.dir={tmp_path}")
    assert status == 0
    assert "note: resources.staff_hours=10 lies outside its plausible range [20, 160]" in text
    status, text = call(*SMALL, "resources.staff_hours=30", f"hydra.run.dir={tmp_path / 'b'}")
    assert status == 0 and "plausible range" not in text
