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
    """Simulate one municipality; one row per month. Same config + seed -> identical table.

    Args:
        config: the model configuration: a `ModelConfig` (`sim.scenario("open")`, or a scenario
            file by name or path with `sim.runs.presets.build("combined_more_staff")`), a
            mapping of its fields (`{"months": 24, "city": {"citizens": 1000}}`), or None for
            the defaults (default city, adequate resources, `phased`, 144 months). Every value
            is validated first; a bad one raises `sim.ConfigError` naming the field.
        seed: the run's random seed, an integer in [0, 2**63 - 1]. The command line's
            replication k uses `replication_seeds(seed, replications)[k]`.

    Returns:
        One row per simulated month (`month` 1 to `config.months`, each row the month's end):
        `seed`, `month`, the governance point (`proactivity`, `openness`), the stocks
        (`infrastructure`, `culture`, `institutions`), resources and load, partners,
        participation, trust, open data, breaches, the value flows (`value_gross`,
        `value_destroyed`, `value_flow`, `value_cumulative`, per generator, dimension and kind
        of destruction) and who gains (`net_value_per_resident_lit1` … `lit5`, `…_age1` …
        `age5`). Every column, with its unit, is in the data dictionary
        (`sim.runs.columns.describe(name)`; docs/reference/data-dictionary.md). Value is in the
        model's value units: differences between scenarios are meaningful, levels are not.

    Raises:
        ValueError: the seed is not an integer in the allowed range.
        sim.ConfigError: a configuration value is unknown or out of its allowed range.
    """
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
    """Seed of replication k, derived from the root: the same k gets the same seed everywhere.

    These are the seeds of the command line's `seed=root replications=n` (main job, sweeps,
    `python -m sim compare`, `sim.ema.model`): `run(config, replication_seeds(0, 30)[k])` is the
    main job's replication k of that scenario. Replication k's seed is the same in every
    scenario and whatever `replications` is (common random numbers), so runs are paired.

    Args:
        root: the root seed, an integer >= 0 (the command line's `seed`).
        replications: how many seeds, n >= 0.

    Returns:
        n seeds, each an integer in [0, 2**32 - 1] (numpy `SeedSequence(root, spawn_key=(k,))`).
    """
    return [
        int(np.random.SeedSequence(root, spawn_key=(k,)).generate_state(1, np.uint32)[0])
        for k in range(replications)
    ]
