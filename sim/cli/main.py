"""The main job: `python -m sim` (a Hydra app, started through `sim.cli.command`).

Runs every scenario (trajectory preset) × paired replications on one model configuration and
writes, into the Hydra run directory: runs.parquet (one row per scenario, replication and month),
summary.csv, columns.csv (the data dictionary), provenance.json and the figures (see
`sim.viz.plots`). Everything is validated before the first run (`sim.cli.callbacks.MainCheck`);
a bad value exits with status 2 and a message naming the field.

    python -m sim                                   # 4 presets × 30 replications × 144 months
    python -m sim replications=5 months=48 scenarios=[open,phased] city=small resources=tight
    python -m sim model.resources.staff_hours=80 model.parameters.push=0.5 jobs=1
    python -m sim --help                            # commands, groups, keys with ranges and units
    python -m sim --multirun scenario=open,phased resources.staff_hours=20,40,80 replications=30
    python -m sim +experiment=plateau               # a named study (configs/experiment/)

`scenarios=[a,b]` compares a list in one job (paired seeds); `scenario=a` (a Hydra group) makes
the job's list [a] and can be swept. In a multirun each job writes one shard (see `sim.runs.sweep`).

Runs are spread over `jobs` worker processes; the assembled table is identical whatever `jobs`
is, because each run depends only on its config and seed and rows are put in task order.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from pathlib import Path

import hydra
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.cli import schema  # noqa: F401  (registers the typed schema configs/config.yaml extends)
from sim.cli.errors import NOT_WRITTEN, RUNS_FAILED, Stop
from sim.cli.output import format_summary, keep, write_table
from sim.runs import columns
from sim.runs.files import atomic_write
from sim.runs.jobspec import REFERENCE, available_cpus, build_configs, job_ensemble
from sim.runs.presets import config_dir
from sim.runs.provenance import provenance
from sim.runs.runner import replication_seeds
from sim.runs.tasks import RunFailedError, failures_frame, simulate

log = logging.getLogger("sim.cli")


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="config")
def main(cfg: DictConfig) -> None:
    """Hydra task: run all scenarios × replications (already validated), write the outputs."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get()
    out = Path(hydra_cfg.runtime.output_dir)
    if hydra_cfg.mode == RunMode.MULTIRUN:  # one job of a sweep: a shard (sim.runs.sweep)
        from sim.runs.sweep import run_job  # Hydra's sweep machinery only when sweeping

        overrides = list(hydra_cfg.overrides.task)
        run_job(cfg, Path(hydra_cfg.sweep.dir), overrides, dict(hydra_cfg.runtime.choices))
        return
    if cfg.task != "main":
        from sim.studies.experiments import run_experiment

        run_experiment(cfg, out)
        return
    configs = build_configs(cfg)
    seeds = replication_seeds(int(cfg.seed), int(cfg.replications))
    draw = job_ensemble(cfg, list(configs))  # None without ensemble=
    jobs = int(cfg.jobs) if cfg.jobs is not None else available_cpus()
    n_runs = len(configs) * len(seeds)
    jobs = max(1, min(jobs, n_runs))
    log.info(
        "%d scenarios × %d replications × %d months = %d runs on %d process%s -> %s",
        len(configs), len(seeds), cfg.months, n_runs, jobs, "" if jobs == 1 else "es", out,
    )  # fmt: skip
    start = time.perf_counter()
    try:
        runs = simulate(configs, seeds, jobs=jobs, progress=log.info, draw=draw)
    except RunFailedError as err:
        _write_failures(out, err)
        raise Stop(RUNS_FAILED, f"{err}; every failure is in {out / 'failures.csv'}") from None
    wall = time.perf_counter() - start
    summary = _summarise(runs)
    record = provenance(
        OmegaConf.to_container(cfg, resolve=True),
        {"root": int(cfg.seed), "replications": seeds},
        draw,
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
    _write(out, runs, summary, record, figures=cfg.figures is not False)
    log.info("Summary (%d runs in %.1f s):\n%s", n_runs, wall, format_summary(summary, cfg.months))
    log.info("Outputs in %s", out)


def _summarise(runs: pd.DataFrame) -> pd.DataFrame:
    from sim.analysis.metrics import summarise

    return summarise(runs, reference=REFERENCE)


def _write(out: Path, runs, summary, record, figures: bool) -> None:
    """Every output; after a write failure the computed tables are kept elsewhere (status 4)."""
    try:
        write_table(runs, out / "runs.parquet")
        write_table(summary, out / "summary.csv")
        columns.write_dictionary(
            out, {"runs.parquet": runs.columns, "summary.csv": summary.columns}
        )
        text = json.dumps(record, indent=2, default=str) + "\n"
        atomic_write(out / "provenance.json", lambda p: p.write_text(text))
        if figures:
            from sim.viz.plots import save_figures

            save_figures(runs, out)
    except OSError as err:
        kept = keep({"runs.parquet": runs, "summary.csv": summary})
        where = (
            f"the computed tables were kept in {kept} (runs.parquet, summary.csv)"
            if kept
            else "they could not be kept elsewhere either: rerun once the problem is fixed"
        )
        raise Stop(
            NOT_WRITTEN, f"the runs are done but writing into {out} failed ({err}); {where}"
        ) from None


def _write_failures(out: Path, err: RunFailedError) -> None:
    table = failures_frame(err.failures)
    with contextlib.suppress(OSError):  # the message still names the first failure
        atomic_write(out / "failures.csv", lambda p: table.to_csv(p, index=False))
