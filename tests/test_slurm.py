"""The cluster path on a real SLURM: `hydra/launcher=submitit_slurm` against a one-node cluster.

`scripts/local_slurm start` brings up munge, MariaDB + slurmdbd, slurmctld and slurmd on
127.0.0.1 (installing the Debian packages if missing); the fixture stops it at the end unless it
was already running. One test function on purpose: the cluster is a machine-wide resource, and
under pytest-xdist one worker must own it from start to stop. It checks, on real sbatch arrays:

* a sweep of four jobs gives the same table as the basic launcher's;
* a chunked design runs as ONE job array (`<id>_<k>`, with its array parallelism) and gives the
  same table as the basic launcher's;
* an array element cancelled with `scancel` while it runs loses its shard, the command fails,
  and rerunning the same command runs only that job and gives the same table again.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "local_slurm"
SWEEP = [
    "scenario=open,phased",
    "resources.staff_hours=20,40",
    "replications=2",
    "months=6",
    "city=small",
]
DESIGN = ["chunks=4", "chunk=range(0,4)", "months=6", "city=small"]
SLURM = ["hydra/launcher=submitit_slurm", "hydra.launcher.partition=local"]
SLURM += ["hydra.launcher.timeout_min=5"]

# The fixture installs SLURM's packages when missing (scripts/local_slurm), which needs root.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or os.geteuid() != 0,
        reason="a local SLURM cluster needs Linux and root: run the tests as root, as CI does "
        "(the fixture then installs SLURM with `bash scripts/local_slurm install`)",
    ),
]


def _script(command: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), command],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def slurm() -> Iterator[dict[str, str]]:
    """The environment (SLURM_CONF) of a running local cluster; stopped afterwards if we
    started it (a cluster someone started by hand for a demo is left running)."""
    env = dict(os.environ)
    already = _script("status", env, 60).returncode == 0
    started = _script("start", env, 600)  # apt-get on a fresh machine
    assert started.returncode == 0, started.stdout + started.stderr
    env["SLURM_CONF"] = started.stdout.strip().rsplit("=", 1)[1]
    try:
        yield env
    finally:
        if not already:
            stopped = _script("stop", env, 120)
            assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def multirun(out: Path, overrides: list[str], env: dict[str, str]) -> subprocess.Popen:
    """`python -m sim --multirun` with this interpreter; sbatch passes the environment
    (PYTHONPATH, SLURM_CONF) on to the jobs, which run `sys.executable` too."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "sim", "--multirun", *overrides, f"hydra.sweep.dir={out}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=out.parent,
        env=env,
    )


MAP = ["+experiment=robustness", "study.samples=30", "study.seeds=1", "months=24", "city=small"]
MAP_SLURM = ["study.executor=slurm", "+study.slurm.slurm_partition=local"]


def robustness_map(out: Path, overrides: list[str], env: dict[str, str]) -> subprocess.Popen:
    """`python -m sim +experiment=robustness` (two chunks of sets) into `out`."""
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *MAP, *overrides, "jobs=1", f"hydra.run.dir={out}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=out.parent,
        env=env,
    )


def finish(proc: subprocess.Popen, ok: bool = True) -> str:
    output, _ = proc.communicate(timeout=300)
    if ok:
        assert proc.returncode == 0, output
    return output


def numbers(sweep_dir: Path) -> pd.DataFrame:
    """The gathered table without `git_revision` (a commit may land during the test)."""
    return pd.read_parquet(sweep_dir / "runs.parquet").drop(columns="git_revision")


def array_ids(folder: Path) -> dict[str, list[int]]:
    """SLURM job id -> array indices, from submitit's folders (`<folder>/<id>_<k>`; a Hydra
    sweep keeps them in `<sweep dir>/.submitit`)."""
    found: dict[str, list[int]] = {}
    for path in folder.glob("*_*"):
        match = re.fullmatch(r"(\d+)_(\d+)", path.name)
        if match:
            found.setdefault(match[1], []).append(int(match[2]))
    return {k: sorted(v) for k, v in found.items()}


def slurm_states(job_id: str, env: dict[str, str]) -> dict[str, str]:
    """Array element -> state, from the accounting database (sacct), as submitit sees it."""
    out = subprocess.run(
        ["sacct", "-n", "-X", "-P", "-o", "JobID,State", "-j", job_id],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split("|", 1) for line in out.splitlines() if line)


def settled(job_id: str, env: dict[str, str], timeout: float = 120) -> dict[str, str]:
    """Array element -> final state, once no element is pending or running any more (the
    accounting database may lag the end of a job by a moment)."""

    def final() -> dict[str, str] | None:
        states = slurm_states(job_id, env)
        busy = {"PENDING", "RUNNING", "COMPLETING", "REQUEUED", "SUSPENDED"}
        return states if states and not busy & set(states.values()) else None

    return wait_until(final, timeout, f"array {job_id} to end", interval=0.5)


def running(job_id: str, env: dict[str, str]) -> list[str]:
    """The elements of an array that are running now (`<id>_<k>`), from the queue."""
    out = subprocess.run(
        ["squeue", "-h", "-r", "-j", job_id, "-t", "R", "-o", "%i"],
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    return out.split()


WAIT = 180  # s: Hydra, submitit and sbatch start slowly on a loaded 2-core machine


def wait_until(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def shard_stamps(sweep_dir: Path) -> dict[str, tuple[int, int]]:
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in (sweep_dir / "shards").glob("*.parquet")
    }


def test_sweeps_on_slurm_match_the_basic_launcher(slurm: dict[str, str], tmp_path: Path):
    env = slurm
    design = pd.DataFrame(
        {
            "point": [0, 0, 1, 1, 2, 2, 3, 3],
            "scenario": ["open"] * 8,
            "replication": [0, 1] * 4,
            "seed": [11, 12] * 4,
            "parameters.push": [0.0, 0.0, 0.3, 0.3, 0.6, 0.6, 1.0, 1.0],
        }
    )
    design_path = tmp_path / "design.parquet"
    design.to_parquet(design_path, index=False)
    chunked = [f"design={design_path}", *DESIGN]

    # The references (basic launcher) and both SLURM sweeps at once: the cluster queues them.
    procs = {
        "basic": multirun(tmp_path / "basic", SWEEP, env),
        "basic_design": multirun(tmp_path / "basic_design", chunked, env),
        "slurm": multirun(tmp_path / "slurm", [*SWEEP, *SLURM], env),
        "slurm_design": multirun(
            tmp_path / "slurm_design",
            [*chunked, *SLURM, "hydra.launcher.array_parallelism=2"],
            env,
        ),
    }
    procs["map_local"] = robustness_map(tmp_path / "map_local", [], env)
    procs["map_slurm"] = robustness_map(tmp_path / "map_slurm", MAP_SLURM, env)
    outputs = {name: finish(proc) for name, proc in procs.items()}

    # 0. The robustness map's chunks as one SLURM job array: the same table as run locally.
    ids = array_ids(tmp_path / "map_slurm" / "slurm")
    assert len(ids) == 1 and next(iter(ids.values())) == [0, 1], (ids, outputs["map_slurm"])
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "map_local" / "sets.parquet"),
        pd.read_parquet(tmp_path / "map_slurm" / "sets.parquet"),
        check_exact=True,
    )

    # 1. Four jobs, one sbatch array, every element COMPLETED: the same numbers.
    ids = array_ids(tmp_path / "slurm" / ".submitit")
    assert len(ids) == 1 and next(iter(ids.values())) == [0, 1, 2, 3], (ids, outputs["slurm"])
    job = next(iter(ids))
    states = settled(job, env)
    assert states == {f"{job}_{k}": "COMPLETED" for k in range(4)}, states
    pd.testing.assert_frame_equal(
        numbers(tmp_path / "basic"), numbers(tmp_path / "slurm"), check_exact=True
    )

    # 2. The chunked design: one array of four chunks, at most two at a time.
    ids = array_ids(tmp_path / "slurm_design" / ".submitit")
    assert len(ids) == 1 and next(iter(ids.values())) == [0, 1, 2, 3], ids
    job = next(iter(ids))
    assert set(settled(job, env).values()) == {"COMPLETED"}
    script = tmp_path / "slurm_design" / ".submitit" / job / f"{job}_submission.sh"
    assert "#SBATCH --array=0-3%2" in script.read_text()
    basic_design = numbers(tmp_path / "basic_design")
    assert basic_design.groupby("job_key").ngroups == 4 and len(basic_design) == 8 * 6
    pd.testing.assert_frame_equal(
        basic_design, numbers(tmp_path / "slurm_design"), check_exact=True
    )

    # 3. scancel one running element mid-sweep; the same command again picks it up.
    out = tmp_path / "cancelled"
    proc = multirun(out, [*SWEEP, *SLURM], env)
    try:
        job = wait_until(
            lambda: next(iter(array_ids(out / ".submitit")), None), WAIT, "the sbatch array"
        )
        element = wait_until(lambda: running(job, env), WAIT, "a running element")[0]
        subprocess.run(["scancel", element], env=env, check=True)
        first = finish(proc, ok=False)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0 and "CANCELLED" in first, first
    states = settled(job, env)  # the other elements run to their end
    assert states.pop(element).startswith("CANCELLED"), states
    assert set(states.values()) == {"COMPLETED"} and len(states) == 3, states
    done = shard_stamps(out)
    assert len(done) == 3, (done, first)  # the cancelled job has no shard, the others do
    assert not (out / "runs.parquet").exists()
    second = finish(multirun(out, [*SWEEP, *SLURM], env))
    assert "0 jobs missing" in second, second
    after = shard_stamps(out)
    assert len(after) == 4 and all(after[name] == stamp for name, stamp in done.items())
    pd.testing.assert_frame_equal(numbers(tmp_path / "basic"), numbers(out), check_exact=True)
