"""The one task runner: (labels, config, seed) tasks, serially or in a process pool.

Every front end that runs more than one simulation goes through `run_tasks`: the main job, the
sweeps' shards, the experiments, the sensitivity designs, the comparison report. A run that
raises becomes a failure record (labels, seed, error, traceback, config) and the others go on;
results come back in task order whatever the number of workers, so tables are identical serial
or parallel.
"""

from __future__ import annotations

import json
import math
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd

from sim.core.config import ModelConfig
from sim.runs.columns import FAILURE_COLUMNS
from sim.runs.ensemble import SET_COLUMN, Draw
from sim.runs.files import digest
from sim.runs.jobspec import KEY_COLUMNS, changed_fields
from sim.runs.runner import run, run_many

Task = tuple[dict[str, Any], ModelConfig, int]
BATCH = 45  # runs per worker batch: one robustness set (9 cases x 5 seeds)


def safe_run(task: tuple[dict[str, Any], Any, int, str | None]) -> tuple[Any, Any]:
    """Run one (config, seed); an exception becomes a failure record, never a crash."""

    labels, config, seed, inject = task
    try:
        if inject and inject == f"{labels['scenario']}/{labels['replication']}":
            raise RuntimeError(f"injected failure (inject_failure={inject})")
        return labelled(run(config, seed), labels, seed, config), None
    except Exception as err:  # the wrapper's purpose: record and go on
        return None, {
            **labels,
            "seed": seed,
            "error": f"{type(err).__name__}: {err}",
            "traceback": traceback.format_exc(),
            "config": json.dumps(config.to_dict()),
        }


def labelled(frame: pd.DataFrame, labels: dict[str, Any], seed: int, config: Any) -> pd.DataFrame:
    """A run's table with its labels first, then its seed and the digest of its config."""
    frame = frame.drop(columns="seed")
    for i, (name, value) in enumerate(labels.items()):
        frame.insert(i, name, value)
    frame.insert(len(labels), "seed", seed)
    frame.insert(len(labels) + 1, "config_id", digest(config.to_dict(), 12))
    return frame


def safe_batch(item: tuple[list[Task], str | None]) -> list[tuple[Any, Any]]:
    """Several tasks stepped together (`runner.run_many`), each result as `safe_run` gives it.

    If any of them fails (or a failure is injected), they run again one by one, so a failure is
    recorded against its own task and the others are kept.
    """
    tasks, inject = item
    if len(tasks) > 1 and not inject:
        try:
            frames = run_many([c for _, c, _ in tasks], [s for _, _, s in tasks])
            return [(labelled(f, labels, seed, config), None)
                    for f, (labels, config, seed) in zip(frames, tasks, strict=True)]  # fmt: skip
        except Exception:  # retried one by one below, where the failure is recorded
            pass
    return [safe_run((*t, inject)) for t in tasks]


def parallel_map(work: Callable[[Any], Any], items: Sequence[Any], jobs: int = 1) -> list[Any]:
    """`work` over `items` in item order, serially or in a process pool of `jobs` workers.

    `work` must be a module-level function that never raises (it records its own failures),
    so one bad item never loses the others' results.
    """
    if jobs <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
        return list(pool.map(work, items, chunksize=max(1, len(items) // (4 * jobs))))


def run_tasks(tasks: list, jobs: int = 1, inject: str | None = None):
    """Every task through the wrapper, in task order (serial or a process pool).

    Consecutive tasks go to a worker in batches of up to `BATCH` runs stepped together
    (sim/core/batch.py: the same tables as one at a time, in about half the time per run), small
    enough that each of the `jobs` workers gets work.
    """
    batches = [(batch, inject) for batch in batches_of(tasks, jobs, BATCH)]
    return [r for batch in parallel_map(safe_batch, batches, jobs) for r in batch]


def batches_of(items: Sequence[Any], jobs: int, most: int | None = None) -> list[Sequence[Any]]:
    """`items` cut into consecutive batches, as few as give each of `jobs` workers one (batches
    move as one batch: the larger, the faster per run), of at most `most` items."""
    size = max(1, math.ceil(len(items) / max(1, jobs)))
    size = size if most is None else min(most, size)
    return [items[i : i + size] for i in range(0, len(items), size)]


class RunFailedError(RuntimeError):
    """Raised by callers that need every run (an experiment, a report): names the first failure
    and carries every failure record (`failures`) and the runs that did complete (`frames`)."""

    def __init__(self, failures: list[dict[str, Any]], frames: list[pd.DataFrame]) -> None:
        first = failures[0]
        where = ", ".join(
            f"{k} {first[k]}" for k in ("scenario", "replication", "seed") if k in first
        )
        super().__init__(f"{len(failures)} of {len(failures) + len(frames)} runs failed; first "
                         f"({where}): {first['error']}")  # fmt: skip
        self.failures, self.frames = failures, frames


def completed(results: list[tuple[Any, Any]]) -> pd.DataFrame:
    """The frames of a set of results stacked; RunFailedError if any run failed."""
    failed = [f for _, f in results if f is not None]
    if failed:
        raise RunFailedError(failed, [f for f, _ in results if f is not None])
    return pd.concat([f for f, _ in results], ignore_index=True)


def failures_frame(failures: list[dict[str, Any]], extra: Sequence[str] = ()) -> pd.DataFrame:
    """Failure records as a table with a fixed header (failures.csv is readable when empty)."""
    columns = [*FAILURE_COLUMNS[:5], *extra, *FAILURE_COLUMNS[5:]]
    columns += [c for f in failures for c in f if c not in columns]
    return pd.DataFrame(failures, columns=list(dict.fromkeys(columns)))


def paired_tasks(
    configs: Mapping[str, ModelConfig], seeds: Sequence[int], draw: Draw | None = None
) -> list[Task]:
    """Every scenario × seed; replication k has seeds[k] everywhere (common random numbers),
    and with an ensemble the parameter set `draw` gives it, in every scenario too."""
    if draw is None:
        return [
            ({"scenario": name, "replication": k}, config, int(seed))
            for name, config in configs.items()
            for k, seed in enumerate(seeds)
        ]
    applied, sets = draw.configs(configs), draw.sets
    return [
        ({"scenario": name, "replication": k, SET_COLUMN: sets[k]}, applied[name, k], int(seed))
        for name in configs
        for k, seed in enumerate(seeds)
    ]


def simulate(
    configs: Mapping[str, ModelConfig],
    seeds: Sequence[int],
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    draw: Draw | None = None,
) -> pd.DataFrame:
    """Every scenario × paired seed, as one tidy table in (scenario, replication, month) order.

    The table is the same whatever `jobs` is. Extra columns at the end record the model fields
    that differ from the defaults (docs/ODD.md §4.11), by dotted path, except `trajectory.kind`
    (that is `scenario`). With an ensemble (`draw`), `parameter_set` follows `replication` and
    each of the ensemble's fields is a column holding the value the run used.
    """
    start = time.perf_counter()
    tasks = paired_tasks(configs, seeds, draw)
    runs = completed(run_tasks(tasks, jobs)).drop(columns="config_id")
    if progress:
        elapsed = time.perf_counter() - start
        progress(f"{len(tasks)} runs done ({elapsed:.1f} s elapsed)")
    keys = list(KEY_COLUMNS) if draw is None else [*KEY_COLUMNS[:2], SET_COLUMN, *KEY_COLUMNS[2:]]
    model_columns = [c for c in runs.columns if c not in keys]
    runs = runs[[*keys, *model_columns]]
    for column, values in changed_fields(configs).items():
        runs[column] = runs["scenario"].map(values)
    if draw is not None:
        used = {s: draw.ensemble.values(r) for s, r in zip(draw.sets, draw.rows, strict=True)}
        for column in draw.ensemble.parameters:
            runs[column] = runs[SET_COLUMN].map({s: v[column] for s, v in used.items()})
    return runs
