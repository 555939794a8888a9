"""Limits that protect the machine: the estimate, the ceiling and its flag, the jobs warning."""

from __future__ import annotations

import pytest
from conftest import compose_config

from sim.core.config import ConfigError
from sim.runs import limits
from sim.runs.jobspec import job_tasks


def test_estimate_grows_with_runs_months_and_citizens() -> None:
    small = limits.estimate(10, 12, 1000)
    assert small.rows == 120 and small.citizen_months == 120_000
    assert limits.estimate(20, 12, 1000).cpu_seconds == pytest.approx(2 * small.cpu_seconds)
    assert limits.estimate(10, 12, 100_000).cpu_seconds > 10 * small.cpu_seconds
    assert limits.estimate(10, 12, 1000, workers=4).memory_bytes > small.memory_bytes
    assert "120 table rows" in small.text()


def test_the_default_main_job_is_far_below_the_ceiling() -> None:
    job = limits.estimate(120, 144, 5000, workers=2)
    limits.check(job, allow_large=False)
    assert job.cpu_seconds < 60  # measured: about 10 s of computing


def test_a_job_above_the_ceiling_needs_allow_large() -> None:
    cfg = compose_config(["replications=100000", "months=600"], hydra_node=True)
    with pytest.raises(ConfigError, match="allow_large") as caught:
        job_tasks(cfg)  # refused before a single seed is drawn
    assert "table rows" in str(caught.value) and "ceiling" in str(caught.value)
    huge = limits.estimate(4 * 100_000, 600, 5000)
    limits.check(huge, allow_large=True)  # the flag passes it


def test_more_jobs_than_cpus_is_warned_about() -> None:
    assert limits.jobs_warning(1) is None
    warning = limits.jobs_warning(limits.cpus() * 32)
    assert warning is not None and f"on {limits.cpus()} CPU" in warning
    assert "launcher" in limits.jobs_warning(limits.cpus(), launcher_jobs=2)
