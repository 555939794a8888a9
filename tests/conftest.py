"""Shared fixtures: the small city most tests run, and Hydra composition of the shipped configs.

The tests mirror the package (tests/core, tests/runs, tests/cli, tests/studies, tests/report,
tests/app); this file sits above them all. Its folder is on sys.path (pytest puts a root
conftest's folder there), so `browser.py` is importable by the browser tests of any folder.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

import sim.cli.schema  # noqa: F401  (registers the typed schema configs/config.yaml extends)
from sim.core.config import ModelConfig
from sim.runs.presets import config_dir

CONFIG_DIR = config_dir()
# A small municipality: fast enough for unit tests, large enough to exercise every role.
SMALL_CITY = {"citizens": 200, "departments": 4, "dgas": 2, "partner_pool": 20}


def small_config(months: int = 36, **changes: Any) -> ModelConfig:
    """The small test city for `months`, with dotted-path changes."""
    config = ModelConfig.from_dict({"months": months, "city": dict(SMALL_CITY)})
    return config.replace(**changes) if changes else config


def compose_config(
    overrides: Sequence[str] = (), name: str = "config", hydra_node: bool = False
) -> DictConfig:
    """configs/<name>.yaml composed with `overrides`, as the command line would."""
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose(name, overrides=list(overrides), return_hydra_config=hydra_node)


def run_module(
    args: Sequence[str], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`python -m sim <args>` in a subprocess (what a user types), output captured."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


@pytest.fixture
def small() -> Callable[..., ModelConfig]:
    """Factory of small-city configs: small(months=12, **{"trajectory.kind": "open"})."""
    return small_config


@pytest.fixture
def composed() -> Callable[..., DictConfig]:
    """Factory of composed Hydra configs: composed(["city=small"], hydra_node=True)."""
    return compose_config
