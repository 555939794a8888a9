"""The advisors' comparison: `python -m sim compare` (a Hydra app of its own).

Runs two to five scenarios (files in configs/scenario/) × paired replications on one model
configuration (each replication draws one parameter set of the shipped calibrated ensemble, the
same in every scenario, unless `ensemble=none`), reruns the same scenarios under other resource
levels with fewer replications, searches the staff level and the budget at which the
recommendation reverses (switching values, in the first futures: `switching_replications`), and
writes report.html, report.pdf, scenarios.yaml, runs.csv and summary.csv into the run directory
(see `sim.report`), then prints the ranking and the recommendation in the report's `language`.
Everything — scenario names, every model field, the sensitivity levels, the language — is validated
before the first run; a bad value exits with status 2, names the field and writes no file.

    python -m sim compare scenarios=[phased,combined] resources=adequate replications=50
    python -m sim compare scenarios=[phased,combined_more_staff] city=small months=72
    python -m sim compare ensemble=none date=2025-06-05 author="Direction du numérique"

From Python (the tests do this): `compare(["city=small", "replications=6"], out_dir)`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hydra
from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig

from sim.core.config import ConfigError, ModelConfig
from sim.report import Written
from sim.report.plan import execute, plan
from sim.runs.presets import config_dir

log = logging.getLogger("sim.cli.compare")

SCHEMA_NAME = "compare_schema"


def _model_defaults() -> dict[str, Any]:
    return ModelConfig().to_dict()


@dataclass
class CompareSchema:
    """`python -m sim compare`: scenarios × paired replications, plus resource sensitivity."""

    scenarios: list[str] = MISSING  # two to five scenario files (configs/scenario/*.yaml)
    replications: int = MISSING  # paired seeds per scenario (common random numbers)
    months: int = MISSING  # simulated months (copied into model.months)
    seed: int = MISSING  # root seed; replication k gets replication_seeds(seed, n)[k]
    jobs: int | None = None  # worker processes; null = number of CPUs, 1 = serial
    ensemble: Any = "default"  # calibrated parameter sets replication k draws; none = defaults
    sensitivity_resources: list[str] | None = None  # null = every level but the study's own
    sensitivity_replications: int | None = None  # null = min(replications, 20); 0 = none
    switching_replications: int | None = None  # switching values' futures: null = min(n, 12)
    language: str = "en"  # the report's language: en or fr (every string from one catalogue)
    date: Any = None  # the brief's date, YYYY-MM-DD (never today's by default: reruns identical)
    author: str | None = None  # the service that prepared the brief
    decision: str | None = None  # the decision requested of the reader ("décision demandée")
    commune: str | None = None  # a commune profile: example, or the path of a commune.yaml
    allow_large: bool = False  # run a comparison above the size ceiling (sim.runs.limits)
    model: Any = field(default_factory=_model_defaults)  # any ModelConfig field


ConfigStore.instance().store(name=SCHEMA_NAME, node=CompareSchema)


def compose_config(overrides: Sequence[str] = (), hydra_node: bool = False) -> DictConfig:
    """The comparison's config as `python -m sim compare <overrides>` would compose it (the
    main job's short forms `resources.X=` accepted; `hydra_node`: keep Hydra's node, whose
    overrides tell which values the command line set)."""
    from hydra import compose, initialize_config_dir

    from sim.cli.arguments import parse

    overrides = parse("compare", list(overrides)).overrides
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return compose(config_name="compare", overrides=overrides, return_hydra_config=hydra_node)


def compare(
    overrides: Sequence[str], out: str | Path, jobs: int | None = 1, progress=None
) -> Written:
    """In-process equivalent of `python -m sim compare <overrides>` writing into `out`."""
    cfg = compose_config(overrides, hydra_node=True)
    return execute(cfg, out, overrides=overrides, jobs=jobs, progress=progress)


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="compare")
def main(cfg: DictConfig) -> None:
    """Hydra task: validate, run, write the report into the run directory."""
    from hydra.core.hydra_config import HydraConfig

    out = Path(HydraConfig.get().runtime.output_dir)
    try:
        plan(cfg)
    except ConfigError as err:
        print(f"govsim compare: error: {err}", file=sys.stderr)
        if out.is_dir() and not any(out.iterdir()):
            out.rmdir()  # Hydra made it empty; leave no trace of a refused command
        sys.exit(2)
    overrides = list(HydraConfig.get().overrides.task)
    written = execute(cfg, out, overrides=overrides, progress=log.info)
    for name, path in written.files.items():
        log.info("%s: %s", name, path)
    print("\n" + "\n".join(written.headline), flush=True)  # the ranking and the recommendation
