"""Sweeps that survive failures: shards, failure records, resume, retry, gather, progress.

A multirun (`python -m sim --multirun ...`) is a set of Hydra jobs. Each job

* computes a **key** from what it will run (every resolved ModelConfig, the seeds, the group
  choices, the design chunk): the same key means the same table, so two jobs share a shard only
  when they would write identical rows;
* skips its work when `<sweep dir>/shards/<key>.parquet` exists (so rerunning the same command
  after an interruption runs only what is missing); with `retry_failed=true` it reruns the runs
  its shard recorded as failed;
* runs each (config, seed) through the task wrapper: an exception becomes a failure record
  (config, seed, traceback) and the other runs go on;
* writes its shard atomically (temporary file, then rename): a shard is whole or absent.

`preflight` composes and validates every job before the first starts (the Hydra callback in
`sim.cli.callbacks` calls it and writes the manifest, `sweep.json`). `gather` builds ONE tidy
table from the shards the manifest lists: runs.parquet (every run labelled with the values it
actually used, read from its resolved configuration), summary.csv, failures.csv (always with
its header), columns.csv (the data dictionary) and provenance.json. The same gathering is a
command, for a sweep whose end was never reached (cluster, Ctrl-C, a full disk):

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
from omegaconf import DictConfig, OmegaConf

from sim.analysis.metrics import summarise
from sim.core.config import ModelConfig, flatten
from sim.runs import columns
from sim.runs.files import atomic_write, digest, write_json
from sim.runs.jobspec import REFERENCE, SHORTCUTS, job_tasks, plain_data
from sim.runs.provenance import environment
from sim.runs.tasks import failures_frame, run_tasks

log = logging.getLogger("sim.sweep")

# Overrides that do not change the numbers: left out of the sweep's directory name.
NOT_SWEPT = ("jobs", "figures", "allow_large", "retry_failed", "inject_failure")
MANIFEST = "sweep.json"
RUN_KEYS = ("job_key", "point", "scenario", "replication", "seed")
OUTPUTS = ("runs.parquet", "summary.csv", "failures.csv", "columns.csv", "provenance.json")
SETTING_COLUMNS = {"replications": "replications", "seed": "root_seed", "scenarios": "scenarios"}


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


def shard_dir(sweep_dir: Path) -> Path:
    return Path(sweep_dir) / "shards"


def _job_failure_path(sweep_dir: Path, overrides: Sequence[str]) -> Path:
    return Path(sweep_dir) / "failures" / f"job-{digest(list(overrides))}.json"


# ---- one job -------------------------------------------------------------------------------------
def run_job(cfg: DictConfig, sweep_dir: Path, overrides: Sequence[str], choices) -> dict:
    """One Hydra job of a sweep: skip if done (or retry its failed runs), else run every task
    and write the shard."""
    shards = shard_dir(sweep_dir)
    try:
        spec, tasks = job_tasks(cfg, choices, overrides=overrides)
        key = digest(spec)
        target = shards / f"{key}.parquet"
        retry = bool(cfg.get("retry_failed"))
        if target.exists() and not (retry and _failed_runs(shards, key)):
            log.info("shard %s exists: skipped (%d runs)", key, len(tasks))
            return {"key": key, "skipped": True}
        drawn = {"name": cfg.get("ensemble"), **spec["ensemble"]} if "ensemble" in spec else None
        result = _compute(cfg, sweep_dir, key, tasks, overrides, choices, retry, drawn)
        _job_failure_path(sweep_dir, overrides).unlink(missing_ok=True)
        return result
    except Exception as err:  # the job itself failed: record it, let the sweep go on
        record = {
            "overrides": list(overrides),
            "error": f"{type(err).__name__}: {err}",
            "traceback": traceback.format_exc(),
            "config": OmegaConf.to_container(cfg, resolve=False),
        }
        try:
            write_json(_job_failure_path(sweep_dir, overrides), record)
        except OSError as write_error:  # a full disk: say so, the other jobs go on
            log.error("could not record the failure (%s)", write_error)
        log.error("job %s failed: %s", list(overrides), err)
        return {"key": None, "error": str(err)}


def _failed_runs(shards: Path, key: str) -> list[dict[str, Any]]:
    sidecar = shards / f"{key}.json"
    return json.loads(sidecar.read_text())["failures"] if sidecar.exists() else []


def _compute(
    cfg, sweep_dir, key, tasks, overrides, choices, retry: bool, drawn: dict | None = None
) -> dict[str, Any]:
    """Run the job's tasks (or, retrying, only those that failed) and write the shard
    (`drawn`: the ensemble and the sets its replications drew, recorded in the sidecar)."""
    shards = shard_dir(sweep_dir)
    target = shards / f"{key}.parquet"
    kept: list[pd.DataFrame] = []
    if retry and target.exists():
        failed = {(f["point"], f["scenario"], f["replication"]) for f in _failed_runs(shards, key)}
        kept = [pd.read_parquet(target)]
        todo = [
            t for t in tasks if (t[0]["point"], t[0]["scenario"], t[0]["replication"]) in failed
        ]
        log.info("shard %s: retrying %d failed runs", key, len(todo))
    else:
        todo = tasks
    jobs = int(cfg.jobs) if cfg.get("jobs") is not None else 1
    start = time.perf_counter()
    results = run_tasks(todo, jobs, cfg.get("inject_failure"))
    frames = [f for f, _ in results if f is not None]
    failures = [x for _, x in results if x is not None]
    data = plain_data(cfg)
    record = {
        "config": data,
        "seeds": {"runs": [t[2] for t in tasks]},
        **environment(),
        "key": key,
        "overrides": list(overrides),
        "labels": {g: choices[g] for g in ("city", "resources") if choices.get(g)},
        "settings": {
            SETTING_COLUMNS[k]: json.dumps(data[k]) if isinstance(data[k], list) else data[k]
            for k in SETTING_COLUMNS
            if k in data
        },
        "configs": {digest(t[1].to_dict(), 12): t[1].to_dict() for t in tasks},
        "failures": failures,
        "runs": len(tasks),
        "wall_time_s": round(time.perf_counter() - start, 3),
    }
    if drawn is not None:
        record["ensemble"] = drawn
    for frame in frames:
        frame.insert(0, "job_key", key)
        frame["git_revision"] = record["git_revision"]
    runs = pd.concat([*kept, *frames], ignore_index=True) if kept or frames else pd.DataFrame()
    write_json(shards / f"{key}.json", record)  # sidecar first: the shard marks "done"
    atomic_write(target, lambda p: runs.to_parquet(p, index=False))
    log.info("shard %s: %d runs, %d failed", key, len(todo), len(failures))
    return {"key": key, "skipped": False, "failures": len(failures)}


# ---- before the sweep: expand, validate --------------------------------------------------------
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


def preflight(
    config: DictConfig, loader, swept: list[str] | None = None, notes: list[str] | None = None
) -> list[dict[str, Any]]:
    """Compose and validate every job before any starts; return the manifest's job list.

    Jobs that differ only in `chunk` share one composition (a design's chunks are checked
    against the table's size instead), so a 1,000-chunk design costs one composition. Each job
    records its runs and the citizens of its largest city, for the size estimate.
    """
    jobs, composed = [], {}
    for overrides in expand(config, swept):
        rest = tuple(o for o in overrides if not o.startswith("chunk="))
        if rest not in composed:
            job_cfg = loader.load_sweep_config(config, list(rest))
            choices = dict(job_cfg.hydra.runtime.choices)
            task = list(OmegaConf.to_container(job_cfg.hydra.overrides.task))
            job_cfg = OmegaConf.masked_copy(job_cfg, [k for k in job_cfg if k != "hydra"])
            composed[rest] = (job_cfg, choices, task)
        job_cfg, choices, task = composed[rest]
        chunk = [o.split("=", 1)[1] for o in overrides if o.startswith("chunk=")]
        if chunk:
            job_cfg = job_cfg.copy()
            job_cfg.chunk = int(chunk[0])
        spec, tasks = job_tasks(job_cfg, choices, notes, overrides=task)
        jobs.append(
            {
                "overrides": list(overrides),
                "key": digest(spec),
                "runs": len(tasks),
                "months": max((t[1].months for t in tasks), default=0),
                "citizens": max((t[1].city.citizens for t in tasks), default=0),
            }
        )
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


# ---- after the sweep: gather ---------------------------------------------------------------------
def gather(sweep_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Build runs.parquet, summary.csv, failures.csv, columns.csv and provenance.json from the
    manifest's shards. Reads only: a failure to write (OSError) leaves every shard in place."""
    sweep_dir = Path(sweep_dir)
    manifest = json.loads((sweep_dir / MANIFEST).read_text())
    keys = list(dict.fromkeys(j["key"] for j in manifest["jobs"]))
    swept = list(manifest.get("swept", []))
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
        failures += [{"job_key": key, **f} for f in record["failures"]]
    for path in sorted((sweep_dir / "failures").glob("job-*.json")):
        job = json.loads(path.read_text())
        failures.append(
            {"job_key": None, "overrides": " ".join(job["overrides"]), "error": job["error"],
             "traceback": job["traceback"]}
        )  # fmt: skip
    configs = {cid: c for r in records.values() for cid, c in r["configs"].items()}
    runs = _label(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
                  records, configs, swept)  # fmt: skip
    by = [c for c in runs.columns if c in _swept_columns(swept)]
    fail = failures_frame([_failure_labels(f, by, records) for f in failures], extra=by)
    summary = sweep_summary(runs, by, summarise, REFERENCE)
    columns.write_parquet(runs, sweep_dir / "runs.parquet")
    atomic_write(sweep_dir / "summary.csv", lambda p: summary.to_csv(p, index=False))
    atomic_write(sweep_dir / "failures.csv", lambda p: fail.to_csv(p, index=False))
    columns.write_dictionary(
        sweep_dir,
        {"runs.parquet": runs.columns, "summary.csv": summary.columns,
         "failures.csv": [c for c in fail.columns if c in _described(fail.columns)]},
    )  # fmt: skip
    any_record = next(iter(records.values()), {})
    write_json(
        sweep_dir / "provenance.json",
        {
            "complete": not missing and not failures,
            "missing_jobs": missing,
            "failed_runs": len(failures),
            "jobs": {
                k: {"overrides": r["overrides"], "labels": r.get("labels", {})}
                | ({"ensemble": r["ensemble"]} if r.get("ensemble") else {})
                for k, r in records.items()
            },
            "configs": configs,
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
    return {
        "runs": n_runs,
        "rows": len(runs),
        "failures": len(failures),
        "missing": len(missing),
        "by": by,
        "summary": summary,
        "runs_table": runs,
    }


def _failure_labels(failure: dict[str, Any], by: Sequence[str], records) -> dict[str, Any]:
    """A failure record with the swept values of its run (from its configuration)."""
    out = dict(failure)
    flat = flatten(json.loads(failure["config"])) if failure.get("config") else {}
    record = records.get(failure.get("job_key"), {})
    for column in by:
        if column in flat:
            value = flat[column]
            out[column] = json.dumps(value) if isinstance(value, list) else value
        elif column in record.get("labels", {}):
            out[column] = record["labels"][column]
        elif column in record.get("settings", {}):
            out[column] = record["settings"][column]
    return out


def _described(names) -> list[str]:
    return [n for n in names if not columns.check_known([n])]


def _swept_columns(swept: Sequence[str]) -> list[str]:
    """Column names of the swept keys: model paths, group choices and job settings."""
    out = []
    for key in swept:
        if key.startswith("model."):
            out.append(key[len("model.") :])
        elif key in SETTING_COLUMNS:
            out.append(SETTING_COLUMNS[key])
        elif key in ("city", "resources") or key == "months" or key.split(".")[0] in SHORTCUTS:
            out.append(key)
    return out


def _label(
    runs: pd.DataFrame,
    records: Mapping[str, Any],
    configs: Mapping[str, Any],
    swept: Sequence[str],
) -> pd.DataFrame:
    """Add, from each run's resolved configuration, every swept model field and every field that
    differs from the default; and the swept group choices and job settings."""
    if not len(runs):
        return runs
    wanted = _swept_columns(swept)
    default = flatten(ModelConfig().to_dict())
    flat = {cid: flatten(c) for cid, c in configs.items()}
    paths = [p for p in default if p in wanted or any(f[p] != default[p] for f in flat.values())]
    if "trajectory.kind" in paths and all(
        flat[cid]["trajectory.kind"] == name
        for cid, name in zip(runs["config_id"], runs["scenario"], strict=True)
    ):
        paths.remove("trajectory.kind")  # the same as `scenario`
    for path in paths:
        values = {cid: f[path] for cid, f in flat.items()}
        values = {k: json.dumps(v) if isinstance(v, list) else v for k, v in values.items()}
        runs[path] = runs["config_id"].map(values)
    for group in ("city", "resources"):
        if group in wanted:
            runs[group] = runs["job_key"].map(
                {k: r["labels"].get(group) for k, r in records.items()}
            )
    for key, column in SETTING_COLUMNS.items():
        if key in swept:
            runs[column] = runs["job_key"].map(
                {k: r["settings"].get(column) for k, r in records.items()}
            )
    order = {k: i for i, k in enumerate(records)}
    runs = runs.sort_values(
        ["point", "scenario", "replication", "month"], kind="stable"
    ).sort_values("job_key", key=lambda s: s.map(order), kind="stable")
    runs = runs.reset_index(drop=True)
    duplicated = runs.duplicated([*RUN_KEYS, "month"])
    if duplicated.any():  # cannot happen with whole shards; refuse rather than write it
        raise RuntimeError(f"{int(duplicated.sum())} duplicate rows in the shards")
    return runs


def sweep_summary(runs: pd.DataFrame, swept: list[str], summarise, reference: str) -> pd.DataFrame:
    """Per combination of swept values (and design point): the main job's summary."""
    if not len(runs):
        return pd.DataFrame(columns=["job_key", *swept, "point", "scenario", "runs"])
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
    if not (Path(args[1]) / MANIFEST).is_file():
        print(f"govsim: error: {args[1]} is not a sweep folder (no {MANIFEST})", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        result = gather(args[1])
    except OSError as err:
        print(f"govsim: error: could not write into {args[1]}: {err}", file=sys.stderr)
        return 4
    print(json.dumps({k: v for k, v in result.items() if k not in ("summary", "runs_table", "by")}))
    return 3 if result["failures"] or result["missing"] else 0


if __name__ == "__main__":
    sys.exit(main())
