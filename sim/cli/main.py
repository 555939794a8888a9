"""The main job: `python -m sim` (a Hydra app).

Runs every scenario (trajectory preset) × paired replications on one model configuration and
writes, into the Hydra run directory: runs.parquet (one row per scenario, replication and month),
summary.csv, provenance.json and the figures (see `sim.viz.plots`). Everything is validated
before the first run; a bad value exits with status 2 and a message naming the field.

    python -m sim                                   # 4 presets × 30 replications × 144 months
    python -m sim replications=5 months=48 scenarios=[open,phased] city=small resources=tight
    python -m sim model.resources.staff_hours=80 model.parameters.push=0.5 jobs=1
    python -m sim --help                            # config groups and the composed config
    python -m sim --multirun scenario=open,phased resources.staff_hours=20,40,80 replications=30
    python -m sim +experiment=plateau               # a named study (configs/experiment/)

`scenarios=[a,b]` compares a list in one job (paired seeds); `scenario=a` (a Hydra group) makes
the job's list [a] and can be swept. In a multirun each job writes one shard (see `sim.runs.sweep`).

Runs are spread over `jobs` worker processes; the assembled table is identical whatever `jobs`
is, because each run depends only on its config and seed and rows are put in task order.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from pathlib import Path

import hydra
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from sim.cli import schema  # noqa: F401  (registers the typed schema configs/config.yaml extends)
from sim.core.config import ConfigError
from sim.runs.files import atomic_write
from sim.runs.jobspec import REFERENCE, available_cpus, build_configs
from sim.runs.presets import config_dir
from sim.runs.provenance import provenance
from sim.runs.runner import replication_seeds
from sim.runs.tasks import simulate

log = logging.getLogger("sim.cli")


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


@hydra.main(version_base="1.3", config_path=str(config_dir()), config_name="config")
def main(cfg: DictConfig) -> None:
    """Hydra task: validate everything, run all scenarios × replications, write the outputs."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from sim.analysis.metrics import summarise

    hydra_cfg = HydraConfig.get()
    out = Path(hydra_cfg.runtime.output_dir)
    if hydra_cfg.mode == RunMode.MULTIRUN:  # one job of a sweep: a shard (sim.runs.sweep)
        from sim.runs.sweep import run_job  # Hydra's sweep machinery only when sweeping

        overrides = list(hydra_cfg.overrides.task)
        run_job(cfg, Path(hydra_cfg.sweep.dir), overrides, dict(hydra_cfg.runtime.choices))
        return
    try:
        if cfg.design is not None:
            raise ConfigError("design", cfg.design, "a design runs in chunks: add --multirun")
        if cfg.task != "main":
            from sim.studies.experiments import run_experiment

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
        from sim.viz.plots import save_figures

        save_figures(runs, out)
    log.info("Summary (%d runs in %.1f s):\n%s", n_runs, wall, format_summary(summary, cfg.months))
    log.info("Outputs in %s", out)
