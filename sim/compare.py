"""The advisors' comparison: `python -m sim compare` (a Hydra app of its own).

Runs two to five options (scenario files in configs/scenario/) × paired replications on one model
configuration, reruns the same options under other resource levels with fewer replications, and
writes report.html, report.pdf, runs.csv and summary.csv into the run directory (see
`sim.report`). Everything — option names, every model field, the sensitivity levels — is validated
before the first run; a bad value exits with status 2, names the field and writes no file.

    python -m sim compare scenarios=[phased,combined] resources=adequate replications=50
    python -m sim compare scenarios=[phased,combined_more_staff] city=small months=72

From Python (the tests do this): `compare(["city=small", "replications=6"], out_dir)`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hydra
import pandas as pd
import yaml
from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

import sim.scenarios
from sim.cli import CONFIG_DIR, available_cpus, build_configs
from sim.config import ConfigError, ModelConfig
from sim.runner import replication_seeds

log = logging.getLogger("sim.compare")

SCHEMA_NAME = "compare_schema"
RESOURCES_DIR = CONFIG_DIR / "resources"
MIN_OPTIONS, MAX_OPTIONS = 2, 5
SENSITIVITY_CAP = 20  # default sensitivity replications: min(replications, SENSITIVITY_CAP)
HIDDEN_OVERRIDES = ("hydra.", "jobs=", "+jobs=")  # not part of the report (paths, CPU count)


def _model_defaults() -> dict[str, Any]:
    return ModelConfig().to_dict()


@dataclass
class CompareSchema:
    """`python -m sim compare`: options × paired replications, plus resource sensitivity."""

    scenarios: list[str] = MISSING  # two to five scenario files (configs/scenario/*.yaml)
    replications: int = MISSING  # paired seeds per option (common random numbers)
    months: int = MISSING  # simulated months (copied into model.months)
    seed: int = MISSING  # root seed; replication k gets replication_seeds(seed, n)[k]
    jobs: int | None = None  # worker processes; null = number of CPUs, 1 = serial
    sensitivity_resources: list[str] = field(default_factory=lambda: ["tight", "generous"])
    sensitivity_replications: int | None = None  # null = min(replications, 20); 0 = none
    model: Any = field(default_factory=_model_defaults)  # any ModelConfig field


ConfigStore.instance().store(name=SCHEMA_NAME, node=CompareSchema)


# ---- validation ----------------------------------------------------------------------------------
def resource_levels() -> dict[str, dict[str, Any]]:
    """The resource level files (configs/resources/*.yaml), name -> model.resources fields."""
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        for p in sorted(RESOURCES_DIR.glob("*.yaml"))
    }


def level_name(resources: Mapping[str, Any]) -> str:
    """The name of the resource level whose file matches `resources`, else 'custom'."""
    for name, values in resource_levels().items():
        if all(resources.get(k) == v for k, v in values.items()):
            return name
    return "custom"


@dataclass
class Plan:
    """Everything a comparison will run, validated; nothing has run yet."""

    options: list[str]
    configs: dict[str, ModelConfig]
    seeds: list[int]
    resources: str  # name of the main resource level (or 'custom')
    sensitivity: dict[str, dict[str, ModelConfig]]  # level -> option -> config
    sensitivity_seeds: list[int]
    settings: dict[str, Any]  # the resolved top-level config (without jobs)
    base_model: dict[str, Any]  # the model section every option starts from
    option_files: dict[str, dict[str, Any]]  # option -> the fields its scenario file sets


def plan(cfg: DictConfig | Mapping[str, Any]) -> Plan:
    """Validate the whole comparison before any run; raises ConfigError naming the field."""
    data = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else dict(cfg)
    options = data.get("scenarios")
    if isinstance(options, list):
        for name in options:
            sim.scenarios.load(name)  # an unknown option fails here, naming it
    if not isinstance(options, list) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ConfigError("scenarios", options, "a list of two to five scenario file names")
    configs = build_configs(data)
    model = data["model"]
    levels = resource_levels()
    main_level = level_name(model["resources"])
    wanted = data.get("sensitivity_resources") or []
    if not isinstance(wanted, list):
        raise ConfigError("sensitivity_resources", wanted, f"a list of {sorted(levels)}")
    for name in wanted:
        if name not in levels:
            raise ConfigError("sensitivity_resources", name, f"one of {sorted(levels)}")
    n_sens = data.get("sensitivity_replications")
    if n_sens is None:
        n_sens = min(int(data["replications"]), SENSITIVITY_CAP)
    if n_sens < 0:
        raise ConfigError("sensitivity_replications", n_sens, "null or an integer >= 0")
    sensitivity: dict[str, dict[str, ModelConfig]] = {}
    if n_sens > 0:
        for level in wanted:
            if level == main_level or level in sensitivity:
                continue
            base = sim.scenarios.merge(model, {"resources": levels[level]})
            try:
                sensitivity[level] = {n: sim.scenarios.build(n, base) for n in options}
            except ConfigError as err:
                raise ConfigError(
                    f"model.{err.path}", err.value, f"{err.allowed} (resources={level})"
                ) from None
    settings = {k: v for k, v in data.items() if k not in ("jobs", "model")}
    return Plan(
        options=list(options),
        configs=configs,
        seeds=replication_seeds(int(data["seed"]), int(data["replications"])),
        resources=main_level,
        sensitivity=sensitivity,
        sensitivity_seeds=replication_seeds(int(data["seed"]), int(n_sens)),
        settings=settings,
        base_model=model,
        option_files={n: sim.scenarios.load(n) for n in options},
    )


# ---- running -------------------------------------------------------------------------------------
def _simulate(
    configs: Mapping[str, ModelConfig],
    seeds: Sequence[int],
    jobs: int,
    progress: Callable[[str], None] | None,
) -> pd.DataFrame:
    try:
        from sim.cli import simulate
    except ImportError:  # pragma: no cover (if the sweep work moves it)
        from sim.runner import run_scenarios

        return run_scenarios(configs, seeds)
    return simulate(configs, seeds, jobs=jobs, progress=progress)


def execute(
    cfg: DictConfig | Mapping[str, Any],
    out: str | Path,
    overrides: Sequence[str] = (),
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Validate, run every option × replication (and the sensitivity reruns), write the report.

    `overrides` are the command-line overrides, shown in the report's annex (hydra.* and jobs are
    left out: they do not change a number). Returns the written files by name.
    """
    from sim.report import Study, write_report

    study_plan = plan(cfg)  # raises before anything runs or is written
    data = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else cfg
    if jobs is None:
        jobs = data.get("jobs") or available_cpus()
    frames = []
    main = _simulate(study_plan.configs, study_plan.seeds, jobs, progress)
    main.insert(0, "resources", study_plan.resources)
    frames.append(main)
    for level, configs in study_plan.sensitivity.items():
        if progress:
            progress(
                f"resource sensitivity: {level}, {len(study_plan.sensitivity_seeds)} runs each"
            )
        part = _simulate(configs, study_plan.sensitivity_seeds, jobs, progress)
        part.insert(0, "resources", level)
        frames.append(part)
    runs = pd.concat(frames, ignore_index=True)
    shown = [o for o in overrides if not o.startswith(HIDDEN_OVERRIDES)]
    study = Study.from_plan(study_plan, runs, command=["python", "-m", "sim", "compare", *shown])
    return write_report(study, Path(out))


def compose_config(overrides: Sequence[str] = ()) -> DictConfig:
    """The comparison's config as `python -m sim compare <overrides>` would compose it."""
    from hydra import compose, initialize_config_dir

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        return compose(config_name="compare", overrides=list(overrides))


def compare(
    overrides: Sequence[str], out: str | Path, jobs: int | None = 1, progress=None
) -> dict[str, Path]:
    """In-process equivalent of `python -m sim compare <overrides>` writing into `out`."""
    cfg = compose_config(overrides)
    return execute(cfg, out, overrides=overrides, jobs=jobs, progress=progress)


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="compare")
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
    for name, path in written.items():
        log.info("%s: %s", name, path)
