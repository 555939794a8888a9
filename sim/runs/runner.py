"""One run as a tidy table, and the paired seeds of a set of runs.

`run(config, seed)` is the single pure entry point every front end uses (CLI, sweeps, studies,
the app's exports, tests); `run_many` gives the same tables for many runs at once.
Replications are paired by construction: replication k gets the same seed in every scenario
(common random numbers), derived from a root seed with numpy's SeedSequence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.core.aggregate import AggregateModel
from sim.core.batch import run_batches
from sim.core.config import ModelConfig

MAX_SEED = 2**63 - 1
"""The largest seed. numpy's SeedSequence takes any integer >= 0, but every table (runs, design,
provenance) stores seeds as 64-bit integers, so a larger one could not be written back."""
SEEDS_ALLOWED = "an integer in [0, 2**63 - 1] (tables store seeds as 64-bit integers)"


def _checked(config: ModelConfig | Mapping[str, Any] | None, seed: int) -> ModelConfig:
    """The validated config; a bad seed fails here, before any work."""
    if not isinstance(config, ModelConfig):
        config = ModelConfig.from_dict(dict(config or {}))
    if (
        isinstance(seed, bool)
        or not isinstance(seed, int | np.integer)
        or not 0 <= seed <= MAX_SEED
    ):
        raise ValueError(f"invalid seed {seed!r}: allowed: {SEEDS_ALLOWED}")
    return config


def run(config: ModelConfig | Mapping[str, Any] | None = None, seed: int = 0) -> pd.DataFrame:
    """Simulate one municipality; one row per month. Same config + seed -> identical table."""
    config = _checked(config, seed)
    frame = run_batches([config], [int(seed)])[0]
    frame.insert(0, "seed", int(seed))
    return frame


def run_many(
    configs: Sequence[ModelConfig | Mapping[str, Any]], seeds: Sequence[int]
) -> list[pd.DataFrame]:
    """`run(configs[i], seeds[i])` for every i: the same tables, computed together.

    Runs of cities of one shape move as one batch (sim/core/batch.py: one array operation
    serves every run); a run's table is the same alone or in any batch.
    """
    checked = [_checked(c, s) for c, s in zip(configs, seeds, strict=True)]
    frames = run_batches(checked, [int(s) for s in seeds])
    for frame, seed in zip(frames, seeds, strict=True):
        frame.insert(0, "seed", int(seed))
    return frames


def run_aggregate(
    config: ModelConfig | Mapping[str, Any] | None = None, seed: int = 0
) -> pd.DataFrame:
    """The null model (`sim.core.aggregate`) in `run`'s tidy shape, so a study can call either.

    The aggregate model is deterministic: `seed` is checked like `run`'s and written in the
    `seed` column, but it changes nothing (every seed gives the same table).
    """
    config = _checked(config, seed)
    frame = AggregateModel(config).run()
    frame.insert(0, "seed", int(seed))
    return frame


def replication_seeds(root: int, replications: int) -> list[int]:
    """Seed of replication k, derived from the root: the same k gets the same seed everywhere."""
    return [
        int(np.random.SeedSequence(root, spawn_key=(k,)).generate_state(1, np.uint32)[0])
        for k in range(replications)
    ]
