"""A plain (non-editable) install works from any folder: the presets ship with the package.

Builds the wheel, installs it without dependencies into a temporary folder (the test's own
environment provides them), then runs the main job from another temporary folder, with that
folder first on the path. The repository must play no part: `sim` is imported from the install.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


pytestmark = pytest.mark.slow  # builds and installs a wheel in a new virtual environment


def test_wheel_install_runs_the_main_job_from_elsewhere(tmp_path: Path) -> None:
    wheels, target, work = tmp_path / "wheels", tmp_path / "site", tmp_path / "work"
    work.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("govsim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "sim/configs/config.yaml" in names
    assert "sim/configs/scenario/phased.yaml" in names
    assert {"sim/ensembles/default.parquet", "sim/ensembles/default.yaml"} <= set(names)
    assert "sim/communes/example.yaml" in names  # commune=example from an installed package
    assert "sim/report/templates/report.html.j2" in names
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)

    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import sim; print(sim.__file__)"],
        capture_output=True, text=True, cwd=work, env=env, check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(target))
    result = subprocess.run(
        [sys.executable, "-m", "sim", "replications=2", "months=12", "city=small", "jobs=1",
         "figures=false", "hydra.run.dir=out"],
        capture_output=True, text=True, cwd=work, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    runs = pd.read_parquet(work / "out" / "runs.parquet")
    assert set(runs["scenario"]) == {"proactive", "open", "phased", "combined"}
    assert len(runs) == 4 * 2 * 12
