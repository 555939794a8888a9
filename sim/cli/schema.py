"""The Hydra schema of the command-line job (`python -m sim`).

The top-level keys are typed (Hydra rejects `replications=abc` or an unknown top-level key). The
`model:` section is filled from `ModelConfig()` itself, so the YAML never repeats a default and
every model field can be overridden on the command line (`model.parameters.push=0.5`); its values
are checked by `ModelConfig.from_dict`, which names the offending field, before any run starts.

Short forms: `city.X`, `resources.X`, `mechanisms.X` and `parameters.X` are typed shortcuts for
`model.city.X` … (`resources.staff_hours=20,40,80` in a sweep). Their fields are generated from
the ModelConfig sections, so a typo'd key is refused by Hydra; a value left at null changes
nothing, a value set wins over the `city=`/`resources=` preset.

The schema is registered in Hydra's ConfigStore as `govsim_schema` when this module is imported;
`configs/config.yaml` lists it first in its defaults.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from sim.core.config import CityConfig, MechanismConfig, ModelConfig, Parameters, ResourceConfig

SCHEMA_NAME = "govsim_schema"


def _model_defaults() -> dict[str, Any]:
    return ModelConfig().to_dict()


def _shortcut(section: type) -> type:
    """A dataclass with the section's fields, each optional and null by default."""
    hints = typing.get_type_hints(section)
    fields = []
    for f in dataclasses.fields(section):
        hint = hints[f.name]
        base = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
        kind = base[0] if base[0] in (int, float, bool, str) else Any
        fields.append((f.name, kind | None if kind is not Any else Any, field(default=None)))
    return dataclasses.make_dataclass(f"{section.__name__}Shortcut", fields)


@dataclass
class RunSchema:
    """`python -m sim`: scenarios × paired replications on one model configuration."""

    scenarios: list[str] = MISSING  # names of scenario files in configs/scenario/
    replications: int = MISSING  # paired seeds per scenario (common random numbers)
    months: int = MISSING  # simulated months (copied into model.months)
    seed: int = MISSING  # root seed; replication k gets replication_seeds(seed, n)[k]
    jobs: int | None = None  # worker processes; null = number of CPUs (1 in a multirun job)
    figures: bool = True  # write the PNG figures
    task: str = "main"  # "main" (compare scenarios) or an experiment name (configs/experiment)
    study: dict[str, Any] = field(default_factory=dict)  # an experiment's own settings
    design: str | None = None  # a design table (Parquet) run in chunks instead of scenarios
    chunks: int | None = None  # number of chunks the design is split into
    chunk: int | None = None  # the chunk this job runs (sweep chunk=range(0,chunks))
    inject_failure: str | None = None  # fault injection: "<scenario>/<replication>" raises (tests)
    model: Any = field(default_factory=_model_defaults)  # any ModelConfig field
    city: Any = field(default_factory=_shortcut(CityConfig))
    resources: Any = field(default_factory=_shortcut(ResourceConfig))
    mechanisms: Any = field(default_factory=_shortcut(MechanismConfig))
    parameters: Any = field(default_factory=_shortcut(Parameters))


def register() -> None:
    """Store the schema in Hydra's ConfigStore (idempotent)."""
    ConfigStore.instance().store(name=SCHEMA_NAME, node=RunSchema)


register()
