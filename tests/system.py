"""The system pieces some tests need (a browser, Pango for the PDF, poppler, SLURM), as
`scripts/system_deps` sees them: the one list `scripts/system-packages.txt` and its probes, which
`scripts/bootstrap` and `.ci/run` install from.

A test that needs a missing piece skips, and its reason is the command that installs it, so a
user without root sees how to enable it; `.ci/run` first checks that every piece is there, so in
CI nothing skips for this reason.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "system_deps"


def _ask(action: str, piece: str) -> str:
    done = subprocess.run(
        ["bash", str(SCRIPT), action, piece], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise ValueError(done.stderr.strip())  # e.g. an unknown piece, with the allowed ones
    return done.stdout.strip()


@functools.cache
def missing(piece: str) -> tuple[str, ...]:
    """The Debian packages of `piece` that are not there (empty when it is ready)."""
    return tuple(_ask("missing", piece).split())


def reason(piece: str) -> str:
    """Why a test of `piece` skips: what is missing and the command that installs it."""
    return f"needs {piece} ({', '.join(missing(piece))}): run `{_ask('command', piece)}`"


def needs(piece: str) -> pytest.MarkDecorator:
    """A skipif mark: skip unless `piece` is installed, naming the command that installs it."""
    absent = bool(missing(piece))
    return pytest.mark.skipif(absent, reason=reason(piece) if absent else f"{piece} is installed")


def require(piece: str) -> None:
    """Skip the running test unless `piece` is installed (for use inside a test or fixture)."""
    if missing(piece):
        pytest.skip(reason(piece))
