"""Exit statuses and the one way errors reach the screen: in words, no traceback.

    0  done
    1  an internal error (a bug): one line, and the traceback with GOVSIM_DEBUG=1
    2  refused before any run: the message names the key (or file and line), the value and
       what is allowed; nothing was run or written
    3  runs failed: the other runs completed and were written; failures.csv lists the failed
       ones (a sweep: rerun the same command with retry_failed=true to retry them)
    4  the runs completed but their results could not be written (full disk, a folder where a
       file should go): the message says where the computed results were kept and how to
       write them again
    5  the launcher or the cluster refused the jobs (e.g. sbatch's own message): nothing of
       this command was submitted; rerun it once the launcher accepts jobs

`Stop` carries a status and a message out of Hydra's machinery: Hydra turns an ordinary
exception raised in a callback into a warning and carries on, so the checks that must stop a
job raise this SystemExit subclass instead.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from typing import Any

from sim.runs.presets import suggestion

OK, INTERNAL, REFUSED, RUNS_FAILED, NOT_WRITTEN, LAUNCHER_REFUSED = 0, 1, 2, 3, 4, 5
# Where a launcher's own code lives: an exception raised there (not in govsim's code) while
# jobs are handed over is the launcher's or the cluster's refusal, not a bug of ours.
LAUNCHER_PACKAGES = ("submitit", "hydra_plugins", "joblib")
DEBUG_VARIABLE = "GOVSIM_DEBUG"


class Stop(SystemExit):
    """Stop the command with `code` and a message for the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code)
        self.message = message


def debug() -> bool:
    """Whether tracebacks are wanted (GOVSIM_DEBUG=1)."""
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def say(prefix: str, message: str) -> None:
    """One message on stderr, every line prefixed (the command's name)."""
    print(f"{prefix}: {message}", file=sys.stderr)


def internal(prefix: str, err: BaseException) -> int:
    """An unexpected exception: one line, the traceback only in debug mode."""
    if debug():
        traceback.print_exception(err)
    say(
        prefix,
        f"internal error: {type(err).__name__}: {err}\n"
        f"(a bug, not your input: {DEBUG_VARIABLE}=1 shows the traceback to report)",
    )
    return INTERNAL


def launcher_package(err: BaseException) -> str | None:
    """The launcher package (`submitit`, …) in which `err` was raised, or None.

    Decided by the innermost frame of the traceback: govsim's own code (a task, a callback)
    called from a launcher is still govsim's, and a failure there is a bug."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return None
    parts = re.split(r"[\\/]", frames[-1].filename)
    if "site-packages" not in parts:
        return None
    package = parts[parts.index("site-packages") + 1]
    return package if package in LAUNCHER_PACKAGES else None


def launcher_refusal(prefix: str, err: BaseException, package: str) -> int:
    """The launcher's refusal in its own words, with what to check; status 5."""
    if debug():
        traceback.print_exception(err)
    text = " ".join(str(err).split()) or type(err).__name__
    if package in ("submitit", "hydra_plugins") and _slurm_like(text):
        conf = os.environ.get("SLURM_CONF") or "unset"
        say(
            prefix,
            f"error: the cluster refused the job: {text}\n"
            f"Check that sbatch and srun are on PATH, that SLURM_CONF (now {conf}) names the "
            "cluster's slurm.conf, and the launcher's options (hydra.launcher.partition, "
            "account, timeout_min). Nothing was submitted; rerun the same command once sbatch "
            "accepts jobs (runs already done are kept).",
        )
    else:
        say(
            prefix,
            f"error: the launcher ({package}) could not run the jobs: {type(err).__name__}: "
            f"{text}\nRuns already done are kept; rerun the same command to run the others.",
        )
    return LAUNCHER_REFUSED


def _slurm_like(text: str) -> bool:
    return bool(re.search(r"slurm|sbatch|srun|sacct|squeue|submission", text, re.I))


def hydra_message(err: BaseException, known: list[str]) -> str:
    """Hydra's or OmegaConf's own error in words, with a did-you-mean from `known` keys.

    The checks in sim.cli.arguments catch most mistakes before Hydra sees them; this is for what
    slips through (a typo'd `hydra.*` key, a launcher's option).
    """
    text = str(err)
    cause: Any = err.__cause__
    if cause is not None and str(cause) not in text:
        text = f"{text}\n{cause}"
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # Hydra's advice to append with '+' is wrong for a typo: drop it, suggest the real key.
    lines = [ln for ln in lines if not ln.startswith(("To append to your", "Config search path"))]
    lines = [ln for ln in lines if not re.match(r"(full_key|object_type|reference_type):", ln)]
    key = None
    for pattern in (r"Key '([^']+)'", r"override '([^']+)'", r"Could not find '([^']+)'",
                    r"full_key: (\S+)", r"at '([^']+)'"):  # fmt: skip
        match = re.search(pattern, str(err) + str(cause or ""))
        if match:
            key = match.group(1)
            break
    message = " ".join(lines[:4]) or type(err).__name__
    options = re.search(
        r"Available options in '[^']+':\s*(.*?)(?:Config search path|$)", text, re.S
    )
    if key and options:  # a group's option: suggest among the group's options
        message += suggestion(key.rsplit("/", 1)[-1], options.group(1).split())
    elif key and key not in known:
        message += suggestion(key, known)
    return message
