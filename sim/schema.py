"""The Hydra schema of the command-line job (`python -m sim`).

The top-level keys are typed (Hydra rejects `replications=abc` or an unknown top-level key). The
`model:` section is filled from `ModelConfig()` itself, so the YAML never repeats a default and
every model field can be overridden on the command line (`model.parameters.push=0.5`); its values
are checked by `ModelConfig.from_dict`, which names the offending field, before any run starts.

The schema is registered in Hydra's ConfigStore as `govsim_schema` when this module is imported;
`configs/config.yaml` lists it first in its defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from sim.config import ModelConfig

SCHEMA_NAME = "govsim_schema"


def _model_defaults() -> dict[str, Any]:
    return ModelConfig().to_dict()


@dataclass
class RunSchema:
    """`python -m sim`: scenarios × paired replications on one model configuration."""

    scenarios: list[str] = MISSING  # trajectory presets: proactive, open, phased, combined, custom
    replications: int = MISSING  # paired seeds per scenario (common random numbers)
    months: int = MISSING  # simulated months (copied into model.months)
    seed: int = MISSING  # root seed; replication k gets replication_seeds(seed, n)[k]
    jobs: int | None = None  # worker processes; null = number of CPUs, 1 = serial
    figures: bool = True  # write the PNG figures
    model: Any = field(default_factory=_model_defaults)  # any ModelConfig field


def register() -> None:
    """Store the schema in Hydra's ConfigStore (idempotent)."""
    ConfigStore.instance().store(name=SCHEMA_NAME, node=RunSchema)


register()
