"""Provenance: what anyone needs to reproduce a result (config, seeds, versions, code revision)."""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "pyarrow", "matplotlib", "hydra-core", "govsim")


def provenance(
    config: Mapping[str, Any], seeds: Mapping[str, Any], ensemble: Any = None
) -> dict[str, Any]:
    """The record written next to every result; with an ensemble (a `sim.runs.ensemble.Draw`),
    which one (name, file, digest) and the parameter set each replication drew."""
    record = {"config": dict(config), "seeds": dict(seeds), **environment()}
    if ensemble is not None:
        record["ensemble"] = ensemble.record()
    return record


@functools.cache
def environment() -> dict[str, Any]:
    """Python, package versions and git revision, read once per process (git is slow)."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "python": platform.python_version(),
        "packages": versions,
        "git_revision": git_revision(),
    }


def git_revision() -> str:
    """The code's git commit (with '+dirty' for uncommitted changes), or 'unknown'.

    Asked of the folder the package lives in: a clone gives its commit, an installed copy
    outside any repository gives 'unknown' (its version is in `packages`).
    """
    here = Path(__file__).resolve().parent
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=here, capture_output=True, text=True
        )
        if top.returncode != 0 or not (Path(top.stdout.strip()) / "sim").is_dir():
            return "unknown"
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")
