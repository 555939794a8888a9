"""Hydra callbacks: every check before the first run, and the end of a sweep.

Hydra calls `on_run_start` / `on_multirun_start` after composing the configuration and before
it creates the output folder, so this is where a job is refused whole: every value (through
`sim.runs.jobspec`), the size ceiling (`sim.runs.limits`), the output folder. A refusal raises
`Stop` (Hydra turns ordinary exceptions in callbacks into warnings). Notes about precedence
(sim.runs.precedence), the size estimate and a `jobs` warning are printed here, once.

`SweepCallback.on_multirun_end` gathers the shards, prints the sweep's summary table, draws the
figures on request (`figures=true`) and exits with status 3 when runs failed or are missing.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.cli.errors import INTERNAL, NOT_WRITTEN, REFUSED, RUNS_FAILED, Stop, debug, say
from sim.core.config import ConfigError, ModelConfig
from sim.runs import limits, presets, settings
from sim.runs.files import check_writable, write_json
from sim.runs.jobspec import job_tasks, model_data, plain_data

log = logging.getLogger("sim.sweep")
PREFIX = "govsim"
MAIN_OUTPUTS = (
    *("runs.parquet", "summary.csv", "columns.csv", "provenance.json", "failures.csv"),
    *(
        "value_over_time.png",
        "dimensions.png",
        "governance_paths.png",
        "stocks.png",
        "who_gains.png",
    ),
)
COMPARE_OUTPUTS = ("report.html", "report.pdf", "runs.csv", "summary.csv")
MAX_NOTES = 8


def guarded(check: Callable[[], Any]) -> Any:
    """Run a check; a ConfigError becomes status 2, anything unexpected status 1 (no traceback
    unless GOVSIM_DEBUG=1)."""
    try:
        return check()
    except Stop:
        raise
    except ConfigError as err:
        raise Stop(REFUSED, f"{err} (nothing was run)") from None
    except Exception as err:  # a bug in a check must still stop the job, in words
        if debug():
            import traceback

            traceback.print_exception(err)
        raise Stop(
            INTERNAL, f"internal error while checking: {type(err).__name__}: {err}"
        ) from None


def show_notes(notes: list[str]) -> None:
    """Precedence notes, each once."""
    unique = list(dict.fromkeys(notes))
    for note in unique[:MAX_NOTES]:
        say(PREFIX, f"note: {note}")
    if len(unique) > MAX_NOTES:
        say(PREFIX, f"note: … and {len(unique) - MAX_NOTES} more of the same kind")


def _estimate_line(job: limits.Estimate) -> None:
    if job.wall_seconds() > limits.REPORT_ABOVE_SECONDS:
        say(PREFIX, f"estimate: {job.text()}")


def _jobs_warning(jobs: int, launcher_jobs: int = 1) -> None:
    warning = limits.jobs_warning(jobs, launcher_jobs)
    if warning:
        say(PREFIX, f"warning: {warning}")


def check_main(config: DictConfig) -> None:
    """The main job or an experiment: everything, before Hydra creates the output folder."""
    data = plain_data(config)
    settings.check_settings(data, multirun=False)
    out = Path(str(config.hydra.run.dir))
    if data.get("task", "main") != "main":
        experiments = presets.names("experiment")
        if data["task"] not in experiments:
            raise ConfigError("task", data["task"], f"one of the experiments {experiments}")
        ModelConfig.from_dict({**model_data(data), "months": data["months"]})
        check_writable(out, "hydra.run.dir")
        return
    notes: list[str] = []
    _, tasks = job_tasks(config, notes=notes)
    jobs = data.get("jobs") or limits.cpus()
    citizens = [t[1].city.citizens for t in tasks]
    job = limits.estimate(len(tasks), data["months"], sum(citizens) / len(citizens), jobs,
                          max(citizens))  # fmt: skip
    limits.check(job, bool(data.get("allow_large")))
    check_writable(out, "hydra.run.dir", MAIN_OUTPUTS)
    show_notes(notes)
    _estimate_line(job)
    if data.get("jobs"):
        _jobs_warning(min(data["jobs"], len(tasks)))  # the job never starts more than its runs


def check_compare(config: DictConfig) -> None:
    """The comparison: its plan (every scenario, field and level), size, output folder."""
    from sim.report.plan import plan

    data = plain_data(config)
    study = plan(config)
    runs = len(study.scenarios) * (len(study.seeds) + len(study.sensitivity) * len(
        study.sensitivity_seeds))  # fmt: skip
    citizens = max(c.city.citizens for c in study.configs.values())
    jobs = data.get("jobs") or limits.cpus()
    job = limits.estimate(runs, data["months"], citizens, jobs, citizens)
    limits.check(job, bool(data.get("allow_large")), "this comparison")
    check_writable(Path(str(config.hydra.run.dir)), "hydra.run.dir", COMPARE_OUTPUTS)
    _estimate_line(job)
    if data.get("jobs"):
        _jobs_warning(data["jobs"])


class MainCheck(Callback):
    """`python -m sim` (run mode): refuse a bad job before anything is created."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        guarded(lambda: check_main(config))


class CompareCheck(Callback):
    """`python -m sim compare`: refuse a bad comparison before anything is created."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        guarded(lambda: check_compare(config))


class SweepCallback(Callback):
    """Pre-flight + manifest + progress at the start of a sweep; gather at the end."""

    def __init__(self) -> None:
        self.progress = None

    def __getstate__(self) -> dict[str, Any]:  # launchers pickle the callbacks: no thread
        return {"progress": None}

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        guarded(lambda: self._start(config))

    def _start(self, config: DictConfig) -> None:
        from hydra.core.global_hydra import GlobalHydra

        from sim.runs.sweep import MANIFEST, OUTPUTS, Progress, preflight, shard_dir

        sweep_dir = Path(str(config.hydra.sweep.dir))
        check_writable(sweep_dir, "hydra.sweep.dir", OUTPUTS)
        start = time.perf_counter()
        swept: list[str] = []
        notes: list[str] = []
        jobs = preflight(config, GlobalHydra.instance().config_loader(), swept, notes)
        data = plain_data(config)
        workers = int(OmegaConf.select(config, "hydra.launcher.n_jobs") or 1)
        per_job = int(data.get("jobs") or 1)
        rows = sum(j["runs"] * j["months"] for j in jobs)
        runs = sum(j["runs"] for j in jobs)
        total = limits.estimate(runs, max(1, rows // max(runs, 1)),
                                max(j["citizens"] for j in jobs), workers * per_job)  # fmt: skip
        limits.check(total, bool(data.get("allow_large")), "this sweep")
        show_notes(notes)
        _duplicates(jobs)
        done = sum(
            (shard_dir(sweep_dir) / f"{k}.parquet").exists() for k in {j["key"] for j in jobs}
        )
        write_json(
            sweep_dir / MANIFEST,
            {"jobs": jobs, "swept": swept, "overrides": list(config.hydra.overrides.task)},
        )
        log.info(
            "sweep: %d jobs (%d runs) validated in %.1f s; %d already done -> %s",
            len(jobs), runs, time.perf_counter() - start, done, sweep_dir,
        )  # fmt: skip
        _estimate_line(total)
        _jobs_warning(per_job, workers)
        self.progress = Progress(sweep_dir, jobs).start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self.progress is not None:
            self.progress.stop()
        guarded(lambda: self._end(config))

    def _end(self, config: DictConfig) -> None:
        from sim.cli.output import format_summary, sweep_figures
        from sim.runs.sweep import gather

        sweep_dir = Path(str(config.hydra.sweep.dir))
        try:
            result = gather(sweep_dir)
            if config.get("figures") is True and result["rows"]:
                figures = sweep_figures(result["runs_table"], result["by"], sweep_dir)
                if not figures:
                    say(PREFIX, "note: too many swept combinations for readable figures: none")
        except OSError as err:
            raise Stop(
                NOT_WRITTEN,
                f"the runs are done but the sweep's tables could not be written ({err}); every "
                f"run is kept in {sweep_dir / 'shards'}: fix the problem, then run "
                f"python -m sim.runs.sweep gather {sweep_dir}",
            ) from None
        if result["rows"]:
            months = int(result["runs_table"]["month"].max())
            log.info("Summary:\n%s", format_summary(result["summary"], months, result["by"]))
        log.info(
            "gathered %d runs (%d rows), %d failed runs, %d jobs missing -> %s",
            result["runs"], result["rows"], result["failures"], result["missing"],
            sweep_dir / "runs.parquet",
        )  # fmt: skip
        if result["failures"] or result["missing"]:
            raise Stop(
                RUNS_FAILED,
                f"{_plural(result['failures'], 'run')} failed and "
                f"{_plural(result['missing'], 'job')} have no results; "
                f"the {result['runs']} other runs are in {sweep_dir / 'runs.parquet'}, the "
                f"failures in {sweep_dir / 'failures.csv'}. Rerun the same command with "
                "retry_failed=true to retry the failed runs (missing jobs run again anyway)",
            )
        sys.stderr.flush()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _duplicates(jobs: list[dict[str, Any]]) -> None:
    """Jobs with the same key would write identical tables: say which, each runs once."""
    by_key: dict[str, list[str]] = {}
    for job in jobs:
        by_key.setdefault(job["key"], []).append(" ".join(job["overrides"]))
    for same in (v for v in by_key.values() if len(v) > 1):
        say(PREFIX, f"note: these jobs resolve to identical runs and run once: {same}")
