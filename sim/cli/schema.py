"""The Hydra schema of the command-line job (`python -m sim`).

The top-level keys exist (so Hydra refuses an unknown one) but are untyped: OmegaConf's typed
nodes coerce quietly (`figures=2` became true, `mechanisms.mediation=2` too), so every value is
checked strictly, in words, by `sim.runs.settings` and `ModelConfig.from_dict` before any run.
The `model:` section is filled from `ModelConfig()` itself, so the YAML never repeats a default
and every model field can be overridden on the command line (`model.parameters.push=0.5`).

Short forms: `city.X`, `resources.X`, `mechanisms.X` and `parameters.X` stand for
`model.city.X` … (`resources.staff_hours=20,40,80` in a sweep). Their fields are generated from
the ModelConfig sections, so a typo'd key is refused; a value left at null changes nothing, a
value set wins over the `city=`/`resources=` level and the scenario file
(sim.runs.precedence).

The schema is registered in Hydra's ConfigStore as `govsim_schema` when this module is imported;
`configs/config.yaml` lists it first in its defaults.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from sim.core.config import CityConfig, MechanismConfig, ModelConfig, Parameters, ResourceConfig

SCHEMA_NAME = "govsim_schema"


def _model_defaults() -> dict[str, Any]:
    return ModelConfig().to_dict()


def _shortcut(section: type) -> type:
    """A dataclass with the section's fields, untyped and null by default (checked later)."""
    fields = [(f.name, Any, field(default=None)) for f in dataclasses.fields(section)]
    return dataclasses.make_dataclass(f"{section.__name__}Shortcut", fields)


@dataclass
class RunSchema:
    """`python -m sim`: scenarios × paired replications on one model configuration."""

    # Kinds and ranges: sim.runs.settings.SETTINGS (checked there, strictly).
    scenarios: Any = MISSING  # names of scenario files in configs/scenario/, or .yaml paths
    replications: Any = MISSING  # paired seeds per scenario (common random numbers)
    months: Any = MISSING  # simulated months (copied into model.months)
    seed: Any = MISSING  # root seed; replication k gets replication_seeds(seed, n)[k]
    jobs: Any = None  # worker processes; null = number of CPUs (1 in a multirun job)
    figures: Any = None  # PNG figures; null = yes for the main job, no for a sweep
    allow_large: Any = False  # run a job above the size ceiling (sim.runs.limits)
    retry_failed: Any = False  # a sweep reruns its failed runs (sim.runs.sweep)
    task: Any = "main"  # "main" (compare scenarios) or an experiment name (configs/experiment)
    study: dict[str, Any] = field(default_factory=dict)  # an experiment's own settings
    ensemble: Any = None  # calibrated parameter sets (sim/ensembles/NAME or a .parquet path)
    design: Any = None  # a design table (Parquet) run in chunks instead of scenarios
    chunks: Any = None  # number of chunks the design is split into
    chunk: Any = None  # the chunk this job runs (sweep chunk=range(0,chunks))
    inject_failure: Any = None  # test hook: "<scenario>/<replication>" raises in a sweep
    model: Any = field(default_factory=_model_defaults)  # any ModelConfig field
    city: Any = field(default_factory=_shortcut(CityConfig))
    resources: Any = field(default_factory=_shortcut(ResourceConfig))
    mechanisms: Any = field(default_factory=_shortcut(MechanismConfig))
    parameters: Any = field(default_factory=_shortcut(Parameters))


def register() -> None:
    """Store the schema in Hydra's ConfigStore (idempotent)."""
    ConfigStore.instance().store(name=SCHEMA_NAME, node=RunSchema)


register()
