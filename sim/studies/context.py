"""What every experiment gets and writes: the job's context, the registry, tables and figures.

An experiment is a function registered under a name (`@experiment("phase")`); it receives a
`Context` (the job's base model, paired seeds, study settings, worker count, output folder) and
returns its table; `save` writes the table (CSV) and its figure (PNG) into `results/<name>/`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from sim.core.config import ModelConfig
from sim.runs import presets
from sim.runs.columns import write_dictionary
from sim.runs.files import atomic_write
from sim.runs.jobspec import available_cpus, model_data, plain_data
from sim.runs.runner import replication_seeds
from sim.runs.tasks import completed, run_tasks
from sim.viz.plots import new_figure

EXPERIMENTS: dict[str, Callable[..., pd.DataFrame]] = {}


def experiment(name: str):
    def register(function):
        EXPERIMENTS[name] = function
        return function

    return register


# ---- shared helpers ------------------------------------------------------------------------------
class Context:
    """What an experiment gets: the job's base model data, seeds, study settings, jobs, output."""

    def __init__(self, cfg: DictConfig | Mapping[str, Any], out: Path) -> None:
        data = plain_data(cfg)
        self.data = data
        self.base = model_data(data)
        self.base["months"] = data["months"]
        ModelConfig.from_dict(self.base)  # validate the base before any run
        self.study = dict(data.get("study") or {})
        self.seeds = replication_seeds(int(data["seed"]), int(data["replications"]))
        self.jobs = int(data["jobs"]) if data.get("jobs") else available_cpus()
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.tables: dict[str, list[str]] = {}  # every CSV written, for columns.csv

    def config(self, scenario: str, **changes: Any) -> ModelConfig:
        """A scenario file on the base model, with dotted-path changes; validated."""
        return presets.build(scenario, self.base).replace(**changes)

    def run(self, cases: list[tuple[dict[str, Any], ModelConfig]]) -> pd.DataFrame:
        """Every case × every seed (common random numbers), in parallel; raises on a failure."""
        tasks = []
        for labels, config in cases:
            for k, seed in enumerate(self.seeds):
                tasks.append(({"point": 0, **labels, "replication": k}, config, seed))
        return completed(run_tasks(tasks, self.jobs))


def save(ctx: Context, table: pd.DataFrame, figure, name: str | None = None) -> None:
    """The table as `<name>.csv` (and its figure as PNG), with the folder's data dictionary."""
    name = name or ctx.out.name
    write_table(ctx, table, f"{name}.csv")
    if figure is not None:
        figure.savefig(ctx.out / f"{name}.png", dpi=120, bbox_inches="tight")


def write_table(ctx: Context, table: pd.DataFrame, file: str) -> None:
    """One CSV of the experiment, atomically, and columns.csv updated to describe it."""
    atomic_write(ctx.out / file, lambda p: table.to_csv(p, index=False))
    ctx.tables[file] = list(table.columns)
    write_dictionary(ctx.out, ctx.tables, str(ctx.data.get("task", "")))


def figure(ncols: int = 1, nrows: int = 1, size: tuple[float, float] = (6.5, 4.2)):
    """A figure of nrows × ncols axes, each `size` inches (the shared Agg figure of sim.viz)."""
    fig = new_figure(figsize=(size[0] * ncols, size[1] * nrows))
    return fig, fig.subplots(nrows, ncols, squeeze=False)


def final_values(runs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    last = runs.sort_values("month").groupby([*by, "replication"]).tail(1)
    return last[[*by, "replication", "seed", "value_cumulative"]].reset_index(drop=True)


def pattern_table(figures: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for key, value in figures.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                rows.append(
                    {"figure": f"{key}[{sub}]", "value": v, "ci_low": None, "ci_high": None}
                )
        elif isinstance(value, tuple):
            continue
        else:
            lo, hi = figures.get(f"{key}_ci", (None, None))
            rows.append({"figure": key, "value": value, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)
