"""What a job runs: the Hydra configuration turned into validated ModelConfigs and seeds.

Shared by the main job, the sweeps, the experiments and the comparison report, so that every
front end reads the command line the same way: the `model:` section, the short forms
(`resources.staff_hours=80` for `model.resources.staff_hours=80`), a scenario file on top, the
paired seeds. Raises ConfigError naming the field as it is spelt on the command line; runs
nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.core.config import (
    CityConfig,
    ConfigError,
    MechanismConfig,
    ModelConfig,
    Parameters,
    ResourceConfig,
    flatten,
    set_paths,
)
from sim.runs import presets
from sim.runs.files import digest, file_digest
from sim.runs.runner import replication_seeds

KEY_COLUMNS = ("scenario", "replication", "seed", "month")
REFERENCE = "proactive"  # crossover months are measured against this scenario
# Short forms on the command line: `resources.X` stands for `model.resources.X`, and so on.
SHORTCUTS = {
    "city": CityConfig,
    "resources": ResourceConfig,
    "mechanisms": MechanismConfig,
    "parameters": Parameters,
}


def plain_data(cfg: DictConfig | Mapping[str, Any]) -> dict[str, Any]:
    """A job's configuration as plain, resolved data, without Hydra's own `hydra` node."""
    if isinstance(cfg, DictConfig):
        if "hydra" in cfg:
            cfg = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
        return OmegaConf.to_container(cfg, resolve=True)
    return {k: v for k, v in cfg.items() if k != "hydra"}


def available_cpus() -> int:
    """CPUs this process may use (affinity-aware where the OS tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def _choices_and_overrides(cfg) -> tuple[dict[str, Any], list[str]]:
    """Hydra's group choices and task overrides: from cfg.hydra (compose API with
    return_hydra_config=True, sweep pre-flight) or from the running job."""
    if isinstance(cfg, DictConfig) and "hydra" in cfg:
        node = cfg.hydra
    else:
        from hydra.core.hydra_config import HydraConfig

        if not HydraConfig.initialized():
            return {}, []
        node = HydraConfig.get()
    choices = OmegaConf.to_container(node.runtime.choices) if "runtime" in node else {}
    overrides = OmegaConf.to_container(node.overrides.task) if "overrides" in node else []
    return dict(choices or {}), list(overrides or [])


def model_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The `model:` section with the short forms (`resources.staff_hours=80`, …) applied."""
    model = data["model"]
    if not isinstance(model, dict):
        raise ConfigError("model", model, "a mapping of ModelConfig fields")
    changes = {}
    for section in SHORTCUTS:
        for key, value in (data.get(section) or {}).items():
            if value is not None:
                changes[f"{section}.{key}"] = value
    return set_paths(model, changes)


def build_configs(
    cfg: DictConfig | Mapping[str, Any], choices: Mapping[str, Any] | None = None
) -> dict[str, ModelConfig]:
    """Check the top-level keys, then build and validate one ModelConfig per scenario.

    `scenario=NAME` (the Hydra group, sweepable) makes the job's list [NAME]; otherwise the list
    is `scenarios`. Raises ConfigError naming the field as it is spelt on the command line
    (`scenarios`, `replications`, `model.resources.staff_hours`, `resources.staff_hours`, ...).
    Nothing is run.
    """
    found, overrides = _choices_and_overrides(cfg)
    choices = dict(found if choices is None else choices)
    data = plain_data(cfg)
    scenarios = data["scenarios"]
    names = presets.available()
    chosen = choices.get("scenario")
    if chosen:
        if any(str(o).split("=")[0].lstrip("+") == "scenarios" for o in overrides):
            raise ConfigError(
                "scenario",
                chosen,
                "either scenario=NAME (one scenario, sweepable) or scenarios=[A,B] "
                "(a paired comparison in one job), not both",
            )
        scenarios = [chosen]
    if not isinstance(scenarios, list) or not scenarios:
        raise ConfigError("scenarios", scenarios, f"a non-empty list of scenario files {names}")
    for name in scenarios:
        if name not in names:
            raise ConfigError("scenarios", scenarios, f"names of scenario files {names}")
    if len(set(scenarios)) != len(scenarios):
        raise ConfigError("scenarios", scenarios, "each scenario at most once")
    if data["replications"] < 1:
        raise ConfigError("replications", data["replications"], "an integer >= 1")
    if data["seed"] < 0:
        raise ConfigError("seed", data["seed"], "an integer >= 0")
    if data.get("jobs") is not None and data["jobs"] < 1:
        raise ConfigError("jobs", data["jobs"], "null (all CPUs) or an integer >= 1")
    model = model_data(data)
    shortcut = {
        f"{s}.{k}" for s in ("city", "resources", "mechanisms", "parameters")
        for k, v in (data.get(s) or {}).items() if v is not None
    }  # fmt: skip
    configs = {}
    for name in scenarios:
        try:
            configs[name] = presets.build(name, model)
        except ConfigError as err:
            where = f" (scenario '{name}')" if err.path.startswith("trajectory") else ""
            from_top = err.path == "months" and model.get("months") == data["months"]
            path = (
                "months" if from_top else err.path if err.path in shortcut else f"model.{err.path}"
            )
            raise ConfigError(path, err.value, err.allowed + where) from None
    return configs


def changed_fields(configs: Mapping[str, ModelConfig]) -> dict[str, dict[str, Any]]:
    """Dotted path -> {scenario: value} for every field that differs from ModelConfig()."""
    default = flatten(ModelConfig().to_dict())
    flat = {name: flatten(c.to_dict()) for name, c in configs.items()}
    out = {}
    for path, value in default.items():
        if path == "trajectory.kind" or all(f[path] == value for f in flat.values()):
            continue
        out[path] = {
            name: json.dumps(f[path]) if isinstance(f[path], list) else f[path]
            for name, f in flat.items()
        }
    return out


def design_columns(design: pd.DataFrame) -> list[str]:
    """The model-parameter columns of a design table (dotted ModelConfig paths)."""
    return [c for c in design.columns if c not in ("point", "scenario", "replication", "seed")]


def chunk_rows(n_rows: int, chunks: int, chunk: int) -> np.ndarray:
    """Row indices of one chunk: contiguous, sizes differing by at most one."""
    return np.array_split(np.arange(n_rows), chunks)[chunk]


def job_tasks(cfg: DictConfig | Mapping[str, Any], choices: Mapping[str, Any] | None = None):
    """(spec, tasks) of one job: the JSON spec that keys it, and its runs.

    A task is (labels, ModelConfig, seed); labels are the key columns of its rows. Raises
    ConfigError (naming the field) when the job's configuration is invalid.
    """
    if isinstance(cfg, DictConfig) and "hydra" in cfg and choices is None:
        choices = dict(cfg.hydra.runtime.choices)
    data = plain_data(cfg)
    inject = data.get("inject_failure")
    if data.get("task", "main") != "main":
        raise ConfigError(
            "task", data["task"], "'main' in a multirun (an experiment is one job: drop --multirun)"
        )
    if data.get("design"):
        path = Path(data["design"])
        if not path.is_file():
            raise ConfigError("design", data["design"], "an existing design table (.parquet)")
        design = pd.read_parquet(path)
        chunks, chunk = data.get("chunks") or 1, data.get("chunk") or 0
        if not 0 <= chunk < chunks:
            raise ConfigError("chunk", chunk, f"an integer in [0, {chunks - 1}] (chunks={chunks})")
        base = model_data(data)
        rows = chunk_rows(len(design), chunks, chunk)
        params = design_columns(design)
        tasks = []
        for i in rows:
            row = design.iloc[int(i)]
            changes = {c: row[c] for c in params}
            try:  # the design's values win over the scenario file's
                config = presets.build(str(row["scenario"]), base).replace(**changes)
            except ConfigError as err:
                raise ConfigError(
                    f"design row {int(i)}: {err.path}", err.value, err.allowed
                ) from None
            labels = {
                "point": int(row["point"]),
                "scenario": str(row["scenario"]),
                "replication": int(row["replication"]),
            }
            tasks.append((labels, config, int(row["seed"])))
        spec = {
            "design": file_digest(path),
            "chunks": chunks,
            "chunk": chunk,
            "runs": digest([(t[1].to_dict(), t[2]) for t in tasks]),  # what actually runs
            "inject_failure": inject,
        }
        return spec, tasks
    configs = build_configs(cfg, choices)
    seeds = replication_seeds(int(data["seed"]), int(data["replications"]))
    tasks = [
        ({"point": 0, "scenario": name, "replication": k}, config, seed)
        for name, config in configs.items()
        for k, seed in enumerate(seeds)
    ]
    spec = {
        "configs": {name: c.to_dict() for name, c in configs.items()},
        "seeds": seeds,
        "inject_failure": inject,
    }
    return spec, tasks
