"""One run, or a set of paired runs, as tidy pandas tables; seeds and provenance.

`run(config, seed)` is the single pure entry point every front end uses (CLI, sweeps, UI, tests).
Replications are paired by construction: replication k gets the same seed in every scenario
(common random numbers), derived from a root seed with numpy's SeedSequence.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import ModelConfig
from sim.model import GovernanceModel


def run(config: ModelConfig | Mapping[str, Any] | None = None, seed: int = 0) -> pd.DataFrame:
    """Simulate one municipality; one row per month. Same config + seed -> identical table."""
    if not isinstance(config, ModelConfig):
        config = ModelConfig.from_dict(dict(config or {}))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"invalid seed {seed!r}: allowed: a non-negative integer")
    frame = GovernanceModel(config, rng=int(seed), citizen_agents=False).run()
    frame.insert(0, "seed", int(seed))
    return frame


def replication_seeds(root: int, replications: int) -> list[int]:
    """Seed of replication k, derived from the root: the same k gets the same seed everywhere."""
    return [
        int(np.random.SeedSequence(root, spawn_key=(k,)).generate_state(1, np.uint32)[0])
        for k in range(replications)
    ]


def run_scenarios(scenarios: Mapping[str, ModelConfig], seeds: Iterable[int]) -> pd.DataFrame:
    """Every scenario × every seed (paired), stacked into one tidy table."""
    seeds = list(seeds)
    frames = []
    for name, config in scenarios.items():
        for replication, seed in enumerate(seeds):
            frame = run(config, seed)
            frame.insert(0, "replication", replication)
            frame.insert(0, "scenario", name)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "hydra-core", "govsim")


def provenance(config: Mapping[str, Any], seeds: Mapping[str, Any]) -> dict[str, Any]:
    """What anyone needs to reproduce a result: config, seeds, versions, code revision."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "config": dict(config),
        "seeds": dict(seeds),
        "python": platform.python_version(),
        "packages": versions,
        "git_revision": git_revision(),
    }


def git_revision() -> str:
    """The code's git commit (with '+dirty' for uncommitted changes), or 'unknown'."""
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")
