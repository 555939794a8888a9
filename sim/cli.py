"""The main job: `python -m sim` (a Hydra app).

Runs every scenario (trajectory preset) × paired replications on one model configuration and
writes, into the Hydra run directory: runs.parquet (one row per scenario, replication and month),
summary.csv, provenance.json and the figures (see `sim.plots`). Everything is validated before the
first run; a bad value exits with status 2 and a message naming the field.

    python -m sim                                   # 4 presets × 30 replications × 144 months
    python -m sim replications=5 months=48 scenarios=[open,phased] city=small resources=tight
    python -m sim model.resources.staff_hours=80 model.parameters.push=0.5 jobs=1
    python -m sim --help                            # config groups and the composed config
    python -m sim --multirun scenario=open,phased resources.staff_hours=20,40,80 replications=30
    python -m sim +experiment=plateau               # a named study (configs/experiment/)

`scenarios=[a,b]` compares a list in one job (paired seeds); `scenario=a` (a Hydra group) makes
the job's list [a] and can be swept. In a multirun each job writes one shard (see `sim.sweep`).

Runs are spread over `jobs` worker processes; the assembled table is identical whatever `jobs`
is, because each run depends only on its config and seed and rows are put in task order.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import hydra
import pandas as pd
from omegaconf import DictConfig, OmegaConf

import sim.scenarios
import sim.schema
from sim.config import ConfigError, ModelConfig, flatten
from sim.files import atomic_write
from sim.runner import provenance, replication_seeds, run

log = logging.getLogger("sim.cli")

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "configs"
KEY_COLUMNS = ("scenario", "replication", "seed", "month")
REFERENCE = "proactive"  # crossover months are measured against this scenario


# ---- validation ----------------------------------------------------------------------------------
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
    from sim.schema import SHORTCUTS
    from sim.sweep import apply_changes

    model = data["model"]
    if not isinstance(model, dict):
        raise ConfigError("model", model, "a mapping of ModelConfig fields")
    changes = {}
    for section in SHORTCUTS:
        for key, value in (data.get(section) or {}).items():
            if value is not None:
                changes[f"{section}.{key}"] = value
    return apply_changes(model, changes)


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
    if isinstance(cfg, DictConfig) and "hydra" in cfg:
        cfg = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    data = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else cfg
    scenarios = data["scenarios"]
    names = sim.scenarios.available()
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
            configs[name] = sim.scenarios.build(name, model)
        except ConfigError as err:
            where = f" (scenario '{name}')" if err.path.startswith("trajectory") else ""
            from_top = err.path == "months" and model.get("months") == data["months"]
            path = (
                "months" if from_top else err.path if err.path in shortcut else f"model.{err.path}"
            )
            raise ConfigError(path, err.value, err.allowed + where) from None
    return configs


# ---- running -------------------------------------------------------------------------------------
Task = tuple[str, int, int, ModelConfig]


def _run_task(task: Task) -> pd.DataFrame:
    """One run (in a worker process or in-process): the model table with its key columns."""
    name, replication, seed, config = task
    frame = run(config, seed)
    frame.insert(0, "replication", replication)
    frame.insert(0, "scenario", name)
    return frame


def _results(tasks: list[Task], jobs: int) -> Iterator[pd.DataFrame]:
    """Results in task order, computed serially (jobs=1) or in a process pool."""
    if jobs <= 1:
        yield from map(_run_task, tasks)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_task, task) for task in tasks]
        try:
            for future in futures:
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def simulate(
    configs: Mapping[str, ModelConfig],
    seeds: Sequence[int],
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Every scenario × paired seed, as one tidy table in (scenario, replication, month) order.

    Replication k runs with seeds[k] in every scenario (common random numbers). The table is the
    same whatever `jobs` is. Extra columns at the end record the model fields that differ from the
    defaults (MODEL.md §8), named by dotted path, except `trajectory.kind` (that is `scenario`).
    """
    tasks = [
        (name, k, int(seed), config)
        for name, config in configs.items()
        for k, seed in enumerate(seeds)
    ]
    start = time.perf_counter()
    frames, done = [], dict.fromkeys(configs, 0)
    for frame in _results(tasks, max(1, min(jobs, len(tasks)))):
        frames.append(frame)
        name = frame["scenario"].iloc[0]
        done[name] += 1
        if progress and done[name] == len(seeds):
            elapsed = time.perf_counter() - start
            progress(f"{name}: {len(seeds)}/{len(seeds)} runs done ({elapsed:.1f} s elapsed)")
    runs = pd.concat(frames, ignore_index=True)
    model_columns = [c for c in runs.columns if c not in KEY_COLUMNS]
    runs = runs[[*KEY_COLUMNS, *model_columns]]
    for column, values in changed_fields(configs).items():
        runs[column] = runs["scenario"].map(values)
    return runs


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


# ---- output --------------------------------------------------------------------------------------
def format_summary(summary: pd.DataFrame, months: int) -> str:
    """The summary as a plain-text table (what the CLI prints)."""
    has_reference = REFERENCE in set(summary["scenario"])
    rows = []
    for r in summary.itertuples(index=False):
        if r.scenario == REFERENCE or not has_reference:
            cross = "—"
        elif math.isnan(r.crossover_month):
            cross = "never"
        else:
            crossed = round(r.crossover_share * r.replications)
            cross = f"{r.crossover_month:.0f} ({crossed}/{r.replications})"
        rows.append(
            {
                "scenario": r.scenario,
                "runs": str(r.replications),
                "value median": f"{r.value_median:.1f}",
                "5–95% range": f"[{r.value_p05:.1f}, {r.value_p95:.1f}]",
                f"crossover vs {REFERENCE}": cross,
                "final I": f"{r.final_infrastructure:.3f}",
                "final C": f"{r.final_culture:.3f}",
                "final Q": f"{r.final_institutions:.3f}",
            }
        )
    table = pd.DataFrame(rows).to_string(index=False)
    note = (
        f"Cumulative net public value at month {months}; crossover = first month from which the "
        f"scenario stays ahead of {REFERENCE} (median over the paired runs that cross, "
        "and how many do); final I, C, Q = medians."
    )
    return f"{table}\n{note}"


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def main(cfg: DictConfig) -> None:
    """Hydra task: validate everything, run all scenarios × replications, write the outputs."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from sim.analysis import summarise

    hydra_cfg = HydraConfig.get()
    out = Path(hydra_cfg.runtime.output_dir)
    if hydra_cfg.mode == RunMode.MULTIRUN:  # one job of a sweep: a shard (sim.sweep)
        from sim.sweep import run_job

        overrides = list(hydra_cfg.overrides.task)
        run_job(cfg, Path(hydra_cfg.sweep.dir), overrides, dict(hydra_cfg.runtime.choices))
        return
    try:
        if cfg.design is not None:
            raise ConfigError("design", cfg.design, "a design runs in chunks: add --multirun")
        if cfg.task != "main":
            from sim.experiments import run_experiment

            run_experiment(cfg, out)
            return
        configs = build_configs(cfg)
    except ConfigError as err:
        print(f"govsim: error: {err}", file=sys.stderr)
        sys.exit(2)
    seeds = replication_seeds(int(cfg.seed), int(cfg.replications))
    jobs = int(cfg.jobs) if cfg.jobs is not None else available_cpus()
    n_runs = len(configs) * len(seeds)
    jobs = max(1, min(jobs, n_runs))
    log.info(
        "%d scenarios × %d replications × %d months = %d runs on %d process%s -> %s",
        len(configs),
        len(seeds),
        cfg.months,
        n_runs,
        jobs,
        "" if jobs == 1 else "es",
        out,
    )
    start = time.perf_counter()
    runs = simulate(configs, seeds, jobs=jobs, progress=log.info)
    wall = time.perf_counter() - start

    atomic_write(out / "runs.parquet", lambda p: runs.to_parquet(p, index=False))
    summary = summarise(runs, reference=REFERENCE)
    atomic_write(out / "summary.csv", lambda p: summary.to_csv(p, index=False))
    record = provenance(
        OmegaConf.to_container(cfg, resolve=True),
        {"root": int(cfg.seed), "replications": seeds},
    )
    record["scenarios"] = {name: c.to_dict() for name, c in configs.items()}
    record["hydra"] = {
        "choices": {
            k: v for k, v in hydra_cfg.runtime.choices.items() if not k.startswith("hydra/")
        },
        "overrides": list(hydra_cfg.overrides.task),
    }
    record["jobs"] = jobs
    record["wall_time_s"] = round(wall, 2)
    atomic_write(
        out / "provenance.json",
        lambda p: p.write_text(json.dumps(record, indent=2, default=str) + "\n"),
    )
    if cfg.figures:
        from sim.plots import save_figures

        save_figures(runs, out)
    log.info("Summary (%d runs in %.1f s):\n%s", n_runs, wall, format_summary(summary, cfg.months))
    log.info("Outputs in %s", out)
