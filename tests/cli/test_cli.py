"""End-to-end tests of the main job (`python -m sim`) and of its Hydra configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import CONFIG_DIR
from hydra import compose, initialize_config_dir

from sim.core.config import ConfigError, ModelConfig
from sim.core.value import DESTRUCTIONS, DIMENSIONS
from sim.runs.jobspec import KEY_COLUMNS, build_configs

FIGURES = ("value_over_time", "dimensions", "governance_paths", "stocks", "who_gains")
REQUIRED = (
    "scenario",
    "replication",
    "seed",
    "month",
    "proactivity",
    "openness",
    "infrastructure",
    "culture",
    "institutions",
    "load",
    "partners",
    "participation",
    "trust",
    "stale_share",
    *(f"flow_{d}" for d in DIMENSIONS),
    *(f"destruction_{k}" for k in DESTRUCTIONS),
    "value_flow",
    "value_cumulative",
)
SMALL = ["replications=3", "months=24", "scenarios=[open,phased]", "city=small"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(out: Path, *overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *overrides, f"hydra.run.dir={out}"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=out.parent,
    )


@pytest.fixture(scope="module")
def two_jobs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "jobs2"
    result = run_cli(out, *SMALL, "jobs=2")
    assert result.returncode == 0, result.stderr + result.stdout
    return out


def test_main_job_writes_every_output(two_jobs: Path) -> None:
    for name in ("runs.parquet", "summary.csv", "provenance.json", ".hydra/config.yaml"):
        assert (two_jobs / name).is_file(), name
    for name in FIGURES:
        data = (two_jobs / f"{name}.png").read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000, name


def test_runs_table_layout_and_pairing(two_jobs: Path) -> None:
    runs = pd.read_parquet(two_jobs / "runs.parquet")
    assert len(runs) == 2 * 3 * 24
    assert tuple(runs.columns[:4]) == KEY_COLUMNS
    missing = set(REQUIRED) - set(runs.columns)
    assert not missing, missing
    assert list(dict.fromkeys(runs["scenario"])) == ["open", "phased"]
    seeds = runs.groupby(["scenario", "replication"])["seed"].agg(["min", "max"])
    assert (seeds["min"] == seeds["max"]).all()  # one seed per run
    per_scenario = seeds["min"].unstack("scenario")
    assert (per_scenario["open"] == per_scenario["phased"]).all()  # paired seeds
    assert per_scenario["open"].nunique() == 3
    months = runs.groupby(["scenario", "replication"])["month"].apply(list)
    assert all(m == sorted(m) and len(m) == 24 for m in months)
    assert (runs["city.citizens"] == 1000).all()  # fields differing from the default are recorded


def test_summary_and_provenance(two_jobs: Path) -> None:
    summary = pd.read_csv(two_jobs / "summary.csv")
    assert list(summary["scenario"]) == ["open", "phased"]
    record = json.loads((two_jobs / "provenance.json").read_text())
    for key in ("config", "seeds", "packages", "git_revision", "scenarios"):
        assert key in record, key
    assert record["config"]["replications"] == 3
    assert len(record["seeds"]["replications"]) == 3
    assert record["packages"]["mesa"] == "3.5.1"
    assert record["scenarios"]["open"]["trajectory"]["kind"] == "open"
    assert record["scenarios"]["phased"]["city"]["departments"] == 6
    ModelConfig.from_dict(record["scenarios"]["phased"])  # a full, valid model config


def test_jobs_do_not_change_the_table(two_jobs: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path / "jobs1", *SMALL, "jobs=1", "figures=false")
    assert result.returncode == 0, result.stderr + result.stdout
    serial = pd.read_parquet(tmp_path / "jobs1" / "runs.parquet")
    parallel = pd.read_parquet(two_jobs / "runs.parquet")
    pd.testing.assert_frame_equal(serial, parallel, check_exact=True)


def test_resource_group_is_applied(tmp_path: Path) -> None:
    out = tmp_path / "tight"
    result = run_cli(
        out, "resources=tight", "city=small", "scenarios=[open]", "replications=1", "months=3",
        "jobs=1", "figures=false",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    record = json.loads((out / "provenance.json").read_text())
    resources = record["scenarios"]["open"]["resources"]
    assert (resources["budget"], resources["staff_hours"], resources["dga_hours"]) == (0.4, 20, 30)
    assert record["hydra"]["choices"]["resources"] == "tight"


BAD = {
    "model.resources.staff_hours=-5": "resources.staff_hours",
    "model.resources.staf_hours=3": "staf_hours",  # typo: Hydra refuses the unknown key
    "+model.resources.staf_hours=3": "staf_hours",  # forced in: ConfigError refuses it
    "scenarios=[open,utopia]": "scenarios",
    "months=0": "months",
}


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str]]:
    """Every bad invocation, started at once (each costs mostly interpreter start-up)."""
    root = tmp_path_factory.mktemp("bad")
    procs = {}
    for i, override in enumerate(BAD):
        out = root / f"bad{i}"
        args = ["replications=1", "months=3", "city=small", override, f"hydra.run.dir={out}"]
        procs[override] = (
            out,
            subprocess.Popen(
                [sys.executable, "-m", "sim", *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=root,
            ),
        )
    results = {}
    for override, (out, proc) in procs.items():
        output, _ = proc.communicate(timeout=300)
        results[override] = (out, proc.returncode, output)
    return results


@pytest.mark.parametrize("override", list(BAD))
def test_bad_config_fails_before_any_run(bad_runs: dict, override: str) -> None:
    out, returncode, output = bad_runs[override]
    assert returncode != 0
    assert BAD[override] in output
    assert not (out / "runs.parquet").exists()


# ---- compose API (no subprocess) ---------------------------------------------------------------
def _options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


def test_every_group_option_resolves_and_validates() -> None:
    assert _options("city") == ["default", "large", "small"]
    assert _options("resources") == ["adequate", "generous", "tight"]
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        for city in _options("city"):
            for resources in _options("resources"):
                cfg = compose("config", overrides=[f"city={city}", f"resources={resources}"])
                configs = build_configs(cfg)
                assert list(configs) == ["proactive", "open", "phased", "combined"]
                for kind, config in configs.items():
                    assert config.trajectory.kind == kind
                    assert config.months == cfg.months == 144
        default = build_configs(compose("config"))["phased"]
        assert default == ModelConfig()  # default city + adequate resources = the model defaults
        tight = build_configs(compose("config", overrides=["resources=tight"]))["open"]
        assert (tight.resources.budget, tight.resources.staff_hours) == (0.4, 20.0)
        changed = compose("config", overrides=["model.parameters.push=0.5", "months=12"])
        config = build_configs(changed)["open"]
        assert (config.parameters.push, config.months) == (0.5, 12)
        with pytest.raises(ConfigError, match=r"model\.resources\.staff_hours"):
            build_configs(compose("config", overrides=["model.resources.staff_hours=-5"]))
