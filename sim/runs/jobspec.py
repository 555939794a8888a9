"""What a job runs: the Hydra configuration turned into validated ModelConfigs and seeds.

Shared by the main job, the sweeps, the experiments and the comparison report, so that every
front end reads the command line the same way: the job's settings (sim.runs.settings), the
`model:` section, the short forms (`resources.staff_hours=80` for
`model.resources.staff_hours=80`), each scenario file, and the command line's values on top
(sim.runs.precedence), the paired seeds, the size ceiling (sim.runs.limits), design tables.
Raises ConfigError naming the field as it is spelt on the command line (or the file, row and
column); runs nothing.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
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
    outside_plausible,
    set_paths,
)
from sim.runs import ensemble, limits, precedence, presets
from sim.runs.files import digest, file_digest
from sim.runs.runner import MAX_SEED, replication_seeds
from sim.runs.settings import check_settings

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


available_cpus = limits.cpus  # the name the studies and the report use


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
    cfg: DictConfig | Mapping[str, Any],
    choices: Mapping[str, Any] | None = None,
    notes: list[str] | None = None,
    overrides: Sequence[str] | None = None,
) -> dict[str, ModelConfig]:
    """Check the top-level keys, then build and validate one ModelConfig per scenario.

    `scenario=NAME` (the Hydra group, sweepable) makes the job's list [NAME]; otherwise the list
    is `scenarios`. Precedence, lowest to highest: model defaults, the `city=`/`resources=`
    levels, the scenario file, the values given on the command line (`model.X=`, the short
    forms, `months=`); see `precedence.apply`. A command-line value that replaces a different one
    from a scenario file, or a scenario file that replaces a value of a level chosen on the
    command line, adds a line to `notes`. Raises ConfigError naming the field as it is spelt on
    the command line (`resources.staff_hours`, `model.parameters.push`, `months`), or the
    scenario file and line. Nothing is run.
    """
    found, found_overrides = _choices_and_overrides(cfg)
    choices = dict(found if choices is None else choices)
    overrides = list(found_overrides if overrides is None else overrides)
    data = plain_data(cfg)
    check_settings(data)
    scenarios = data["scenarios"]
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
    model = model_data(data)
    pinned = precedence.pinned(data, model, overrides)
    levels = {g: choices[g] for g in ("city", "resources") if _on_command_line(g, overrides)}
    configs = {
        name: precedence.apply(name, model, pinned, levels, data.get("months"), notes)
        for name in scenarios
    }
    if notes is not None:
        for config in configs.values():
            notes += outside_plausible(config)
    return configs


def job_ensemble(
    cfg: DictConfig | Mapping[str, Any],
    scenarios: Sequence[str],
    overrides: Sequence[str] | None = None,
    notes: list[str] | None = None,
) -> ensemble.Draw | None:
    """The parameter set each replication draws from `ensemble=` (None without one).

    Its values go on top of each scenario's configuration, as a design table's do; a field the
    ensemble sets may not also be given on the command line (no order makes both mean one
    thing): ConfigError naming the command-line key.
    """
    data = plain_data(cfg)
    if data.get("ensemble") is None:
        return None
    check_settings(data)
    if overrides is None:
        overrides = _choices_and_overrides(cfg)[1]
    draw = ensemble.draw(data["ensemble"], int(data["seed"]), int(data["replications"]))
    pins = precedence.pinned(data, model_data(data), overrides)
    clash = [p for p in draw.ensemble.parameters if p in pins]
    if clash:
        key, value = pins[clash[0]]
        raise ConfigError(
            key, value,
            f"a field the ensemble '{draw.ensemble.name}' does not set (its column '{clash[0]}' "
            "sets it for every replication): drop it, or run without ensemble=",
        )  # fmt: skip
    if notes is not None:
        notes += ensemble.scenario_notes(draw, scenarios)
    return draw


def _on_command_line(group: str, overrides: Sequence[str]) -> bool:
    return any(str(o).split("=")[0].lstrip("+") == group for o in overrides)


def changed_fields(configs: Mapping[str, ModelConfig]) -> dict[str, dict[str, Any]]:
    """Dotted path -> {scenario: value} for every field that differs from ModelConfig()
    (and `trajectory.kind` when a scenario's name is not its kind, e.g. phased_month48)."""
    default = flatten(ModelConfig().to_dict())
    flat = {name: flatten(c.to_dict()) for name, c in configs.items()}
    kind_is_name = all(f["trajectory.kind"] == name for name, f in flat.items())
    out = {}
    for path, value in default.items():
        if path == "trajectory.kind" and kind_is_name:
            continue  # the same as `scenario`
        if all(f[path] == value for f in flat.values()) and path != "trajectory.kind":
            continue
        out[path] = {
            name: json.dumps(f[path]) if isinstance(f[path], list) else f[path]
            for name, f in flat.items()
        }
    return out


DESIGN_KEYS = ("point", "scenario", "replication", "seed")


def design_columns(design: pd.DataFrame) -> list[str]:
    """The model-parameter columns of a design table (dotted ModelConfig paths)."""
    return [c for c in design.columns if c not in DESIGN_KEYS]


def chunk_rows(n_rows: int, chunks: int, chunk: int) -> np.ndarray:
    """Row indices of one chunk: contiguous, sizes differing by at most one."""
    return np.array_split(np.arange(n_rows), chunks)[chunk]


@functools.lru_cache(maxsize=4)
def _read_design(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    """A design table, checked once per file version (a 1,000-chunk sweep reads it once)."""
    del stamp  # part of the cache key only
    where = f"design {path}"
    try:
        design = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises several types for a file that is not Parquet
        raise ConfigError(
            "design", path, f"a Parquet table ({type(err).__name__}: {err})"
        ) from None
    missing = [c for c in DESIGN_KEYS if c not in design.columns]
    if missing:
        raise ConfigError(
            "design", path, f"a table with the columns {list(DESIGN_KEYS)} and dotted model fields"
            f" (missing: {missing})",
        )  # fmt: skip
    if design.empty:
        raise ConfigError("design", path, "a table with at least one row")
    presets.check_model_columns(design_columns(design), where, "a design")
    for column, low in (("point", 0), ("replication", 0), ("seed", 0)):
        for i, value in enumerate(design[column].tolist()):
            if not _is_count(value, low):
                raise ConfigError(
                    f"{where}, row {i}: {column}", value, f"an integer in [{low}, 2**63 - 1]"
                )
    names = design["scenario"].tolist()
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise ConfigError(f"{where}, row {i}: scenario", name, "a scenario file name")
    keys = design[["point", "scenario", "replication"]].astype(str).agg("/".join, axis=1)
    repeated = keys[keys.duplicated(keep=False)]
    if len(repeated):
        rows = list(repeated.index[:2])
        raise ConfigError(
            f"{where}, rows {rows[0]} and {rows[1]}", repeated.iloc[0],
            "each (point, scenario, replication) at most once",
        )  # fmt: skip
    return design


def _is_count(value: Any, low: int) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, float | np.floating):
        if not math.isfinite(value) or not float(value).is_integer():
            return False
    elif not isinstance(value, int | np.integer):
        return False
    return low <= int(value) <= MAX_SEED


def read_design(path: str) -> pd.DataFrame:
    """The checked design table at `path`; ConfigError naming the file (and row, column)."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError("design", path, "the path of an existing design table (.parquet)")
    stat = file.stat()
    return _read_design(str(file), (stat.st_mtime_ns, stat.st_size))


def design_tasks(data: Mapping[str, Any], pins, levels) -> tuple[dict[str, Any], list]:
    """(spec, tasks) of one chunk of a design table."""
    path = data["design"]
    design = read_design(path)
    chunks, chunk = data.get("chunks") or 1, data.get("chunk") or 0
    base = model_data(data)
    rows = chunk_rows(len(design), chunks, chunk)
    params = design_columns(design)
    clash = [c for c in params if c in pins]
    if clash:
        raise ConfigError(
            pins[clash[0]][0], pins[clash[0]][1],
            f"a field the design table {path} does not set (its column '{clash[0]}' sets it)",
        )  # fmt: skip
    built: dict[str, ModelConfig] = {}
    tasks = []
    for i in rows:
        row = design.iloc[int(i)]
        name = str(row["scenario"])
        if name not in built:
            try:
                built[name] = precedence.apply(name, base, pins, levels, data.get("months"))
            except presets.ScenarioFileError:
                raise
            except ConfigError as err:
                raise ConfigError(
                    f"design {path}, row {int(i)}: {err.path}", err.value, err.allowed
                ) from None
        try:  # the design's values win over the scenario file's
            config = built[name].replace(**{c: row[c] for c in params})
        except ConfigError as err:
            raise ConfigError(
                f"design {path}, row {int(i)}: {err.path}", err.value, err.allowed
            ) from None
        labels = {
            "point": int(row["point"]),
            "scenario": name,
            "replication": int(row["replication"]),
        }
        tasks.append((labels, config, int(row["seed"])))
    spec = {
        "design": file_digest(path),
        "chunks": chunks,
        "chunk": chunk,
        "runs": digest([(t[1].to_dict(), t[2]) for t in tasks]),  # what actually runs
    }
    return spec, tasks


def job_tasks(
    cfg: DictConfig | Mapping[str, Any],
    choices: Mapping[str, Any] | None = None,
    notes: list[str] | None = None,
    overrides: Sequence[str] | None = None,
):
    """(spec, tasks) of one job: the JSON spec that keys it, and its runs.

    A task is (labels, ModelConfig, seed); labels are the key columns of its rows. The spec holds
    everything that makes the numbers and the labels (resolved configs, seeds, group choices),
    so two jobs share a key only when they would write the same table. Raises ConfigError
    (naming the field) when the job's configuration is invalid or above the size ceiling.
    """
    found, found_overrides = _choices_and_overrides(cfg)
    choices = dict(found if choices is None else choices)
    overrides = list(found_overrides if overrides is None else overrides)
    data = plain_data(cfg)
    if data.get("task", "main") != "main":
        raise ConfigError(
            "task", data["task"], "'main' in a multirun (an experiment is one job: drop --multirun)"
        )
    labels = {g: choices[g] for g in ("city", "resources") if choices.get(g)}
    if data.get("design"):
        check_settings(data)
        model = model_data(data)
        pins = precedence.pinned(data, model, overrides)
        levels = {g: choices[g] for g in labels if _on_command_line(g, overrides)}
        spec, tasks = design_tasks(data, pins, levels)
        return {**spec, "labels": labels}, tasks
    configs = build_configs(cfg, choices, notes, overrides)
    n_runs = len(configs) * int(data["replications"])
    citizens = [c.city.citizens for c in configs.values()]
    job = limits.estimate(n_runs, next(iter(configs.values())).months, float(np.mean(citizens)),
                          int(data.get("jobs") or 1), max(citizens))  # fmt: skip
    limits.check(job, bool(data.get("allow_large")))
    seeds = replication_seeds(int(data["seed"]), int(data["replications"]))
    spec = {
        "configs": {name: c.to_dict() for name, c in configs.items()},
        "seeds": seeds,
        "labels": labels,
    }
    draw = job_ensemble(cfg, list(configs), overrides, notes)
    if draw is None:
        tasks = [
            ({"point": 0, "scenario": name, "replication": k}, config, seed)
            for name, config in configs.items()
            for k, seed in enumerate(seeds)
        ]
        return spec, tasks
    applied, sets = draw.configs(configs), draw.sets
    tasks = [
        ({"point": 0, "scenario": name, "replication": k, "parameter_set": sets[k]},
         applied[name, k], seed)
        for name in configs
        for k, seed in enumerate(seeds)
    ]  # fmt: skip
    spec["ensemble"] = {"digest": draw.ensemble.digest, "parameter_sets": sets}
    return spec, tasks
