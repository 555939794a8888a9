"""Limits that protect the machine: an estimate before a job, a ceiling, a warning on `jobs`.

A job's cost is, to a good approximation, runs × months × (a fixed cost per month + a cost per
citizen-month); its memory is the gathered table (one row per run and month) plus one model per
worker process. The coefficients below were measured on the development machine (AMD EPYC,
2 shared cores, Python 3.12) and doubled, so the estimate errs on the long side:

    time per simulated month ≈ 0.7 ms + 0.1 µs × citizens     (measured 0.35 ms + 0.05 µs)
    memory per worker        ≈ 200 MB + 200 B × citizens       (interpreter, imports, model)
    memory per table row     ≈ 800 B                           (about 80 numeric columns)

A job above the ceiling (`MAX_ROWS` rows in one table, or `MAX_CPU_HOURS` of computing, or a
memory estimate above 80% of the machine's) is refused unless `allow_large=true`: a typo such as
`replications=1000000000` must not grow memory until the machine kills something.
"""

from __future__ import annotations

import dataclasses
import os

from sim.core.config import ConfigError

MONTH_SECONDS = 0.7e-3
CITIZEN_MONTH_SECONDS = 1.0e-7
WORKER_BYTES = 200e6
CITIZEN_BYTES = 200.0
ROW_BYTES = 800.0
MAX_ROWS = 2_000_000  # ≈ 1.6 GB as one table (twice that while it is assembled)
MAX_CPU_HOURS = 4.0
MEMORY_SHARE = 0.8  # of the machine's physical memory
REPORT_ABOVE_SECONDS = 60.0  # the estimate is printed for jobs longer than this


@dataclasses.dataclass(frozen=True)
class Estimate:
    """What a job will cost, before it starts."""

    runs: int
    rows: int  # runs × months: rows of the gathered table
    citizen_months: float
    cpu_seconds: float
    workers: int
    memory_bytes: float

    def wall_seconds(self) -> float:
        """Elapsed time if the workers run side by side (never better than the CPUs allow)."""
        return self.cpu_seconds / max(1, min(self.workers, cpus()))

    def text(self) -> str:
        """One line for the log: runs, rows, time and memory."""
        return (
            f"{_n(self.runs)} runs, {_n(self.rows)} table rows, {self.citizen_months:.2g} "
            f"citizen-months: about {_duration(self.wall_seconds())} on {self.workers} "
            f"process{'es' if self.workers > 1 else ''} and {self.memory_bytes / 1e9:.1f} GB"
        )


class LimitError(ConfigError):
    """A job above the ceiling: says by how much, and how to run it anyway."""

    def __init__(self, what: str, job: Estimate, reasons: list[str]) -> None:
        super().__init__("allow_large", False, "true")
        self.args = (
            f"{what} is above the size ceiling: {'; '.join(reasons)} (estimate: {job.text()}). "
            "Fewer replications or months, or a cluster, may be what you meant; "
            "allow_large=true runs it anyway",
        )


def cpus() -> int:
    """CPUs this process may use (affinity-aware where the OS tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def physical_memory() -> float | None:
    """Bytes of physical memory, or None where the OS does not tell."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return None


def estimate(
    runs: int, months: int, citizens: int | float, workers: int = 1, max_citizens: int = 0
) -> Estimate:
    """The cost of `runs` runs of `months` months with `citizens` citizens on average."""
    workers = max(1, min(workers, max(runs, 1)))
    rows = runs * months
    citizen_months = float(rows) * citizens
    cpu = rows * MONTH_SECONDS + citizen_months * CITIZEN_MONTH_SECONDS
    biggest = max(max_citizens, citizens)
    memory = 2 * rows * ROW_BYTES + workers * (WORKER_BYTES + CITIZEN_BYTES * biggest)
    return Estimate(runs, rows, citizen_months, cpu, workers, memory)


def check(job: Estimate, allow_large: bool, what: str = "this job") -> None:
    """LimitError (a ConfigError) naming the ceiling a job exceeds, unless allow_large."""
    if allow_large:
        return
    reasons = []
    if job.rows > MAX_ROWS:
        reasons.append(f"{_n(job.rows)} table rows (ceiling {_n(MAX_ROWS)})")
    if job.cpu_seconds > MAX_CPU_HOURS * 3600:
        reasons.append(
            f"about {_duration(job.cpu_seconds)} of computing (ceiling {MAX_CPU_HOURS:g} h)"
        )
    memory = physical_memory()
    if memory and job.memory_bytes > MEMORY_SHARE * memory:
        reasons.append(
            f"about {job.memory_bytes / 1e9:.1f} GB of memory "
            f"(this machine has {memory / 1e9:.1f} GB)"
        )
    if reasons:
        raise LimitError(what, job, reasons)


def jobs_warning(jobs: int, launcher_jobs: int = 1) -> str | None:
    """A warning when more worker processes are asked for than there are CPUs."""
    total = jobs * max(1, launcher_jobs)
    n = cpus()
    if total <= n:
        return None
    asked = f"jobs={jobs}" + (f" × {launcher_jobs} launcher jobs" if launcher_jobs > 1 else "")
    return (
        f"{asked} = {total} processes on {n} CPU{'s' if n > 1 else ''}: no faster than {n}, "
        f"and {total} times the memory of one (jobs=null uses every CPU)"
    )


def _n(count: float) -> str:
    """A count with thin spaces between thousands (2 000 000)."""
    return f"{count:,.0f}".replace(",", " ")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
