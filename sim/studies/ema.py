"""govsim as an EMA Workbench model (Kwakkel 2017, "The Exploratory Modeling Workbench"): one
call gives a `ReplicatorModel` whose uncertainties are the model's declared plausible ranges,
whose replications are the paired seeds the CLI uses, and whose outcomes are a run's headline
results at the horizon (mean over the replications).

    from ema_workbench import perform_experiments
    from sim import ema

    experiments, outcomes = perform_experiments(ema.model("open", replications=3), scenarios=50)
    box = ema.prim(experiments, outcomes["value_cumulative"] < 150).find_box()  # integers safe

EMA names must be Python identifiers, so a dotted model field is named with "__"
(`resources.budget` -> `resources__budget`); `field_of` turns a name back.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from ema_workbench import (
    IntegerParameter,
    RealParameter,
    ReplicatorModel,
    ScalarOutcome,
)
from ema_workbench.analysis import prim as ema_prim

from sim.core.config import ConfigError, ModelConfig, plausible_ranges
from sim.runs import presets
from sim.runs.runner import replication_seeds, run
from sim.studies.sensitivity import is_integer_field

SEPARATOR = "__"
# What one run reports to EMA: the table's last month (cumulative value, its gross and destroyed
# parts, the three stocks, partners at work, the stale share of the open-data catalogue).
OUTCOMES = (
    "value_cumulative",
    "value_gross",
    "value_destroyed",
    "infrastructure",
    "culture",
    "institutions",
    "partners",
    "stale_share",
)


def ema_name(field: str) -> str:
    """The EMA name of a dotted model field: `resources.budget` -> `resources__budget`."""
    return field.replace(".", SEPARATOR)


def field_of(name: str) -> str:
    """The dotted model field of an EMA name: `resources__budget` -> `resources.budget`."""
    return name.replace(SEPARATOR, ".")


def uncertainty_parameters(
    fields: Sequence[str] | None = None,
) -> list[RealParameter | IntegerParameter]:
    """EMA parameters over the plausible ranges of `fields` (default: every field that has one);
    an integer field (stale_after) is an IntegerParameter, so samples are whole numbers."""
    ranges = plausible_ranges()
    fields = sorted(ranges) if fields is None else list(fields)
    out: list[RealParameter | IntegerParameter] = []
    for field in fields:
        if field not in ranges:
            raise ConfigError(
                "uncertainties", field,
                "dotted model fields with a plausible range" + presets.suggestion(field, ranges),
            )  # fmt: skip
        low, high = ranges[field]
        if is_integer_field(field):
            out.append(IntegerParameter(ema_name(field), int(low), int(high)))
        else:
            out.append(RealParameter(ema_name(field), float(low), float(high)))
    return out


class Run:
    """The function EMA calls once per replication: fields and a seed in, outcomes out. A class
    (not a closure) so that EMA's multiprocessing evaluator can pickle it."""

    def __init__(self, config: ModelConfig) -> None:
        self.config = config

    def __call__(self, seed: int, **values: Any) -> dict[str, float]:
        changes = {}
        for name, value in values.items():
            field = field_of(name)
            changes[field] = int(value) if is_integer_field(field) else float(value)
        last = run(self.config.replace(**changes), seed=int(seed)).iloc[-1]
        return {name: float(last[name]) for name in OUTCOMES}


def model(
    scenario: str = "open",
    uncertainties: Sequence[str] | None = None,
    replications: int = 3,
    months: int = 144,
    seed: int = 0,
    **fields: Any,
) -> ReplicatorModel:
    """An EMA `ReplicatorModel` of one scenario (a name in configs/scenario/ or a .yaml path).

    Args:
        scenario: the scenario file whose configuration every experiment starts from.
        uncertainties: dotted fields to vary over their plausible ranges (default: all 85).
        replications: paired seeds per experiment, `replication_seeds(seed, replications)`, the
            same as the CLI's for the same root; outcomes are their means.
        months: horizon of each run.
        seed: root seed.
        **fields: dotted model fields fixed for every experiment (e.g. city.citizens=1000).
    """
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ConfigError("replications", replications, "an integer >= 1")
    config = presets.build(scenario).replace(months=months, **fields)
    ema_model = ReplicatorModel("govsim", function=Run(config))
    ema_model.uncertainties = uncertainty_parameters(uncertainties)
    ema_model.replications = [{"seed": s} for s in replication_seeds(seed, replications)]
    ema_model.outcomes = [ScalarOutcome(name, function=np.mean) for name in OUTCOMES]
    return ema_model


def prim_ready(experiments: pd.DataFrame) -> pd.DataFrame:
    """The uncertainty columns of EMA's experiments table as floats: EMA's PRIM stores box limits
    in a frame of the table's dtypes and peels to midpoints, which pandas >= 3 refuses in an
    integer column ("Invalid value '2.5' for dtype 'int64'")."""
    names = [c for c in experiments.columns if c not in ("scenario", "policy", "model")]
    return experiments[names].astype(float)


def prim(experiments: pd.DataFrame, interest: Any, **options: Any) -> ema_prim.Prim:
    """EMA's `Prim` over the experiments of `interest` (boolean per experiment), integers safe;
    `options` are Prim's own (mass_min, peel_alpha, …). Call `.find_box()` on it."""
    with warnings.catch_warnings():
        # EMA 3.0's Prim calls DataFrame.drop(inplace=True), which pandas 3.1 deprecates: their
        # code, not ours, and harmless until pandas 4; silenced here only.
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop")
        return ema_prim.Prim(prim_ready(experiments), np.asarray(interest, dtype=bool), **options)
