"""Sweeps that survive failures: shards, failure records, resume, gather, progress.

A multirun (`python -m sim --multirun ...`) is a set of Hydra jobs. Each job

* computes a **key** from what it will run (every resolved ModelConfig, the seeds, the design
  chunk): same key = same numbers;
* skips its work when `<sweep dir>/shards/<key>.parquet` exists (so rerunning the same command
  after an interruption runs only what is missing);
* runs each (config, seed) through a **task wrapper**: an exception becomes a failure record
  (config, seed, traceback) and the other runs go on;
* writes its shard atomically (temporary file, then rename): a shard is whole or absent.

Before any job starts, `SweepCallback.on_multirun_start` composes every job's configuration
(the sweeper's own parameters included), validates it with `jobspec.build_configs` and exits
with status 2 naming the field if one is wrong; it writes the sweep's manifest (`sweep.json`: every
job's overrides and key) and shows one progress bar for the whole sweep. `on_multirun_end`
gathers the shards listed in the manifest into ONE tidy table (`runs.parquet`), its
`summary.csv`, `failures.csv` and `provenance.json`. The same gathering is a command, for a sweep
whose end was never reached (cluster, Ctrl-C):

    python -m sim.runs.sweep gather multirun/<sweep>

The default sweep directory is derived from the command's overrides (`multirun/<overrides>-<hash>`),
so the same command finds its shards again. Large designs are precomputed tables swept in chunks
(`design=path.parquet chunks=N chunk=range(0,N)`), each chunk one job and one shard.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.analysis.metrics import summarise
from sim.core.config import ConfigError, ModelConfig, flatten
from sim.runs.files import atomic_write, digest, write_json
from sim.runs.jobspec import REFERENCE, SHORTCUTS, job_tasks
from sim.runs.provenance import environment
from sim.runs.tasks import run_tasks

log = logging.getLogger("sim.sweep")

NOT_SWEPT = ("jobs", "figures")  # overrides that do not change the numbers
MANIFEST = "sweep.json"
RUN_KEYS = ("job_key", "point", "scenario", "replication", "seed")


# ---- the sweep directory -------------------------------------------------------------------------
def sweep_id(overrides: Sequence[str] | None = None) -> str:
    """A readable, stable directory name for a sweep command (its task overrides)."""
    items = sorted(
        str(o) for o in (overrides or []) if str(o).split("=")[0].lstrip("+~") not in NOT_SWEPT
    )
    text = " ".join(items)
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    readable = re.sub(r"[^A-Za-z0-9.,=_+-]+", "_", "_".join(items))[:90] or "default"
    return f"{readable}-{digest}"


def _register_resolver() -> None:
    # use_cache: jobs get the master config's cached value (Hydra copies the cache), so every job
    # of a sweep resolves the same directory although its own overrides differ.
    if not OmegaConf.has_resolver("govsim_sweep_id"):
        OmegaConf.register_new_resolver(
            "govsim_sweep_id",
            lambda overrides: sweep_id(list(overrides or [])),
            use_cache=True,
        )


_register_resolver()


# ---- what a job runs -----------------------------------------------------------------------------
def swept_values(cfg: DictConfig, overrides: Sequence[str], choices: Mapping[str, Any]):
    """Column -> value for each swept (or set) task override, as the job resolved it."""
    out: dict[str, Any] = {}
    for item in overrides:
        key = str(item).split("=", 1)[0].lstrip("+~")
        if key in NOT_SWEPT or key.startswith("hydra") or key in ("scenario", "inject_failure"):
            continue
        if key in choices:  # a config group: its option's name
            out[key] = choices[key]
            continue
        value = OmegaConf.select(cfg, key)
        if isinstance(value, DictConfig | list) or OmegaConf.is_config(value):
            value = json.dumps(OmegaConf.to_container(value))
        column = key
        if key.startswith("model."):
            column = key[len("model.") :]
        elif key.split(".")[0] in SHORTCUTS:
            column = key
        out[column] = value
    return out


def shard_dir(sweep_dir: Path) -> Path:
    return Path(sweep_dir) / "shards"


def run_job(cfg: DictConfig, sweep_dir: Path, overrides: Sequence[str], choices) -> dict:
    """One Hydra job of a sweep: skip if done, else run every task and write the shard."""

    shards = shard_dir(sweep_dir)
    try:
        spec, tasks = job_tasks(cfg, choices)
        key = digest(spec)
        target = shards / f"{key}.parquet"
        if target.exists():
            log.info("shard %s exists: skipped (%d runs)", key, len(tasks))
            return {"key": key, "skipped": True}
        jobs = int(cfg.jobs) if cfg.jobs is not None else 1
        start = time.perf_counter()
        results = run_tasks(tasks, jobs, cfg.get("inject_failure"))
        frames = [f for f, _ in results if f is not None]
        failures = [x for _, x in results if x is not None]
        record = {
            "config": OmegaConf.to_container(cfg, resolve=True),
            "seeds": {"runs": [t[2] for t in tasks]},
            **environment(),
        }
        swept = swept_values(cfg, overrides, choices)
        manifest = Path(sweep_dir) / MANIFEST
        if manifest.exists():  # keep the keys the sweep varies (the others are in provenance)
            keys = set(json.loads(manifest.read_text()).get("swept", []))
            swept = {c: v for c, v in swept.items() if c in keys or f"model.{c}" in keys}
        runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if frames:
            runs.insert(0, "job_key", key)
            runs["git_revision"] = record["git_revision"]
            for column, value in swept.items():
                runs[column] = value  # the swept value as the job resolved it (wins)
        record.update(
            key=key,
            overrides=list(overrides),
            swept=swept,
            configs={digest(t[1].to_dict(), 12): t[1].to_dict() for t in tasks},
            failures=failures,
            runs=len(tasks),
            wall_time_s=round(time.perf_counter() - start, 3),
        )
        write_json(shards / f"{key}.json", record)  # sidecar first: the shard marks "done"
        atomic_write(target, lambda p: runs.to_parquet(p, index=False))
        log.info("shard %s: %d runs, %d failed", key, len(tasks), len(failures))
        return {"key": key, "skipped": False, "failures": len(failures)}
    except Exception as err:  # the job itself failed: record it, let the sweep go on
        name = digest(list(overrides))
        write_json(
            Path(sweep_dir) / "failures" / f"job-{name}.json",
            {
                "overrides": list(overrides),
                "error": f"{type(err).__name__}: {err}",
                "traceback": traceback.format_exc(),
                "config": OmegaConf.to_container(cfg, resolve=False),
            },
        )
        log.error("job %s failed: %s", list(overrides), err)
        return {"key": None, "error": str(err)}


# ---- before the sweep: expand, validate, manifest ------------------------------------------------
def _check_scenario_form(choices: Mapping[str, Any], overrides: Sequence[str]) -> None:
    if choices.get("scenario") and any(
        str(o).split("=")[0].lstrip("+") == "scenarios" for o in overrides
    ):
        raise ConfigError(
            "scenario",
            choices["scenario"],
            "either scenario=NAME (one scenario, sweepable) or scenarios=[A,B] "
            "(a paired comparison in one job), not both",
        )


def expand(config: DictConfig, swept: list[str] | None = None) -> list[list[str]]:
    """Every job's override list, as the basic sweeper will build them (`swept` collects the
    keys that take several values)."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = []
    sweeper_params = OmegaConf.select(config, "hydra.sweeper.params") or {}
    for k, v in sweeper_params.items():
        params.append(f"{k}={v}")
    params += list(OmegaConf.to_container(config.hydra.overrides.task, resolve=False))
    parsed = OverridesParser.create().parse_overrides(params)
    if swept is not None:
        swept += [o.get_key_element().lstrip("+~") for o in parsed if o.is_sweep_override()]
    return BasicSweeper.split_arguments(parsed, None)[0]


def preflight(config: DictConfig, loader, swept: list[str] | None = None) -> list[dict[str, Any]]:
    """Compose and validate every job before any starts; return the manifest's job list.

    Jobs that differ only in `chunk` share one composition (a design's chunks are checked
    against the table's size instead), so a 1,000-chunk design costs one composition.
    """
    jobs, composed = [], {}
    for overrides in expand(config, swept):
        rest = tuple(o for o in overrides if not o.startswith("chunk="))
        if rest not in composed:
            job_cfg = loader.load_sweep_config(config, list(rest))
            choices = dict(job_cfg.hydra.runtime.choices)
            task = OmegaConf.to_container(job_cfg.hydra.overrides.task)
            job_cfg = OmegaConf.masked_copy(job_cfg, [k for k in job_cfg if k != "hydra"])
            _check_scenario_form(choices, task)
            composed[rest] = (job_cfg, choices)
        job_cfg, choices = composed[rest]
        chunk = [o.split("=", 1)[1] for o in overrides if o.startswith("chunk=")]
        if chunk:
            job_cfg = job_cfg.copy()
            job_cfg.chunk = int(chunk[0])
        spec, tasks = job_tasks(job_cfg, choices)
        jobs.append({"overrides": list(overrides), "key": digest(spec), "runs": len(tasks)})
    return jobs


class Progress:
    """One bar for the whole sweep: shards present / jobs, with runs and time left."""

    def __init__(self, sweep_dir: Path, jobs: list[dict[str, Any]], interval: float = 1.0):
        self.dir, self.jobs, self.interval = shard_dir(sweep_dir), jobs, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def done(self) -> int:
        return sum((self.dir / f"{j['key']}.parquet").exists() for j in self.jobs)

    def start(self) -> Progress:
        self._thread.start()
        return self

    def _loop(self) -> None:
        from tqdm import tqdm

        total_runs = sum(j["runs"] for j in self.jobs)
        initial = self.done()
        bar = tqdm(
            total=len(self.jobs),
            initial=initial,
            desc=f"sweep ({total_runs} runs)",
            unit="job",
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=self.interval,
        )
        while True:
            stop = self._stop.wait(self.interval)
            bar.update(self.done() - bar.n)
            if stop:
                break
        bar.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class SweepCallback(Callback):
    """Hydra callback: pre-flight + manifest + progress at the start, gather at the end."""

    def __init__(self) -> None:
        self.progress: Progress | None = None

    def __getstate__(self) -> dict[str, Any]:  # launchers pickle the callbacks: no thread
        return {"progress": None}

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        from hydra.core.global_hydra import GlobalHydra

        sweep_dir = Path(str(config.hydra.sweep.dir))
        start = time.perf_counter()
        swept: list[str] = []
        try:
            jobs = preflight(config, GlobalHydra.instance().config_loader(), swept)
        except ConfigError as err:
            print(f"govsim: error: {err} (no job was started)", file=sys.stderr)
            sys.exit(2)
        except Exception as err:  # composition errors (unknown key, wrong type) from Hydra
            print(f"govsim: error: {err} (no job was started)", file=sys.stderr)
            sys.exit(2)
        keys = [j["key"] for j in jobs]
        if len(set(keys)) != len(keys):
            log.warning("some jobs of this sweep compute the same thing; each runs once")
        done = sum((shard_dir(sweep_dir) / f"{k}.parquet").exists() for k in set(keys))
        write_json(
            sweep_dir / MANIFEST,
            {"jobs": jobs, "swept": swept, "overrides": list(config.hydra.overrides.task)},
        )
        log.info(
            "sweep: %d jobs (%d runs) validated in %.1f s; %d already done -> %s",
            len(jobs),
            sum(j["runs"] for j in jobs),
            time.perf_counter() - start,
            done,
            sweep_dir,
        )
        self.progress = Progress(sweep_dir, jobs).start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self.progress is not None:
            self.progress.stop()
        sweep_dir = Path(str(config.hydra.sweep.dir))
        result = gather(sweep_dir)
        log.info(
            "gathered %d runs (%d rows), %d failed runs, %d jobs missing -> %s",
            result["runs"],
            result["rows"],
            result["failures"],
            result["missing"],
            sweep_dir / "runs.parquet",
        )


# ---- after the sweep: gather ---------------------------------------------------------------------
def gather(sweep_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Build runs.parquet, summary.csv, failures.csv, provenance.json from the manifest's shards."""
    sweep_dir = Path(sweep_dir)
    manifest = json.loads((sweep_dir / MANIFEST).read_text())
    keys = list(dict.fromkeys(j["key"] for j in manifest["jobs"]))
    frames, failures, records, missing = [], [], {}, []
    for key in keys:
        shard = shard_dir(sweep_dir) / f"{key}.parquet"
        if not shard.exists():
            missing.append(key)
            continue
        record = json.loads((shard_dir(sweep_dir) / f"{key}.json").read_text())
        records[key] = record
        frame = pd.read_parquet(shard)
        if len(frame):
            frames.append(frame)
        failures += [{"job_key": key, **record["swept"], **f} for f in record["failures"]]
    for path in sorted((sweep_dir / "failures").glob("job-*.json")):
        job = json.loads(path.read_text())
        failures.append({"job_key": None, "error": job["error"], "traceback": job["traceback"]})
    runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    swept = list(dict.fromkeys(c for r in records.values() for c in r["swept"]))
    if len(runs):
        defaults = flatten(ModelConfig().to_dict())
        for column in runs.columns:  # a changed-field column is absent where it was the default
            if column in defaults and runs[column].isna().any():
                default = defaults[column]
                default = json.dumps(default) if isinstance(default, list) else default
                runs[column] = runs[column].astype(object).fillna(default).infer_objects()
        keys_order = {k: i for i, k in enumerate(keys)}
        runs["_order"] = runs["job_key"].map(keys_order)
        runs = runs.sort_values(
            ["_order", "point", "scenario", "replication", "month"], kind="stable"
        ).drop(columns="_order")
        runs = runs.reset_index(drop=True)
        key_cols = [*RUN_KEYS, "month"]
        duplicated = runs.duplicated(key_cols)
        if duplicated.any():  # cannot happen with whole shards; refuse rather than write it
            raise RuntimeError(f"{int(duplicated.sum())} duplicate rows in {sweep_dir}")
    atomic_write(sweep_dir / "runs.parquet", lambda p: runs.to_parquet(p, index=False))
    summary = sweep_summary(runs, swept, summarise, REFERENCE)
    atomic_write(sweep_dir / "summary.csv", lambda p: summary.to_csv(p, index=False))
    fail = pd.DataFrame(failures)
    atomic_write(sweep_dir / "failures.csv", lambda p: fail.to_csv(p, index=False))
    any_record = next(iter(records.values()), {})
    write_json(
        sweep_dir / "provenance.json",
        {
            "complete": not missing,
            "missing_jobs": missing,
            "jobs": {
                k: {"overrides": r["overrides"], "swept": r["swept"]} for k, r in records.items()
            },
            "configs": {cid: c for r in records.values() for cid, c in r["configs"].items()},
            "python": any_record.get("python"),
            "packages": any_record.get("packages"),
            "git_revision": sorted({r.get("git_revision") for r in records.values()}),
        },
    )
    n_runs = int(runs.groupby(list(RUN_KEYS)).ngroups) if len(runs) else 0
    if missing:
        log.warning(
            "%d of %d jobs have no shard yet: rerun the same command", len(missing), len(keys)
        )
    return {"runs": n_runs, "rows": len(runs), "failures": len(failures), "missing": len(missing)}


def sweep_summary(runs: pd.DataFrame, swept: list[str], summarise, reference: str) -> pd.DataFrame:
    """Per combination of swept values (and design point): the main job's summary."""
    if not len(runs):
        return pd.DataFrame()
    by = [c for c in ["job_key", *swept] if c in runs.columns]
    parts = []
    for values, frame in runs.groupby(by, sort=False, dropna=False):
        values = values if isinstance(values, tuple) else (values,)
        for point, sub in frame.groupby("point", sort=False):
            table = summarise(sub, reference=reference).rename(columns={"replications": "runs"})
            for column, value in reversed(list(zip(by, values, strict=True))):
                table.insert(0, column, value)
            table.insert(len(by), "point", point)
            parts.append(table)
    return pd.concat(parts, ignore_index=True)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m sim.runs.sweep gather DIR`: gather a sweep's shards (after Ctrl-C, SLURM)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "gather":
        print("usage: python -m sim.runs.sweep gather SWEEP_DIR", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = gather(args[1])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
