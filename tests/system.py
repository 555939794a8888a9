"""The system pieces some tests need (a browser, Pango for the PDF, poppler, SLURM), read from the
one list `scripts/system-packages.txt` that `scripts/bootstrap` and `.ci/run` install from.

A test that needs a missing piece skips, and its reason is the command that installs it, so a
user without root sees how to enable it; `.ci/run` first checks that every piece is there, so in
CI nothing skips for this reason.
"""

from __future__ import annotations

import ctypes.util
import functools
import os
import shutil
from pathlib import Path

import pytest

LIST = Path(__file__).resolve().parents[1] / "scripts" / "system-packages.txt"
SBIN = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


@functools.cache
def _lines() -> list[tuple[str, str, str]]:
    rows = []
    for line in LIST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            piece, probe, package = line.split()
            rows.append((piece, probe, package))
    return rows


def _present(probe: str) -> bool:
    kind, _, what = probe.partition(":")
    if kind == "file":
        return Path(what).exists()
    if kind == "cmd":
        return shutil.which(what, path=SBIN) is not None
    if kind == "lib":
        return ctypes.util.find_library(what) is not None
    raise ValueError(f"unknown probe {probe!r} in {LIST}")


def missing(piece: str) -> list[str]:
    """The Debian packages of `piece` that are not there (empty when it is ready)."""
    rows = [r for r in _lines() if r[0] == piece]
    if not rows:
        raise ValueError(f"unknown piece {piece!r}; allowed: {sorted({r[0] for r in _lines()})}")
    return list(dict.fromkeys(package for _, probe, package in rows if not _present(probe)))


def install_command(packages: list[str]) -> str:
    """The one command that installs `packages` (with sudo unless we are root)."""
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install -y --no-install-recommends {' '.join(packages)}"


def reason(piece: str) -> str:
    """Why a test of `piece` skips: what is missing and the command that installs it."""
    packages = missing(piece)
    return f"needs {piece} ({', '.join(packages)}): run `{install_command(packages)}`"


def needs(piece: str) -> pytest.MarkDecorator:
    """A skipif mark: skip unless `piece` is installed, naming the command that installs it."""
    absent = bool(missing(piece))
    return pytest.mark.skipif(absent, reason=reason(piece) if absent else f"{piece} is installed")


def require(piece: str) -> None:
    """Skip the running test unless `piece` is installed (for use inside a test or fixture)."""
    if missing(piece):
        pytest.skip(reason(piece))
