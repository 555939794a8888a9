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

OK, INTERNAL, REFUSED, RUNS_FAILED, NOT_WRITTEN = 0, 1, 2, 3, 4
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
