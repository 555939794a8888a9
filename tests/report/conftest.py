"""Shared fixtures of the report tests: one small comparison, written in English and in French.

Small runs (city=small, 36 months, 6 paired replications, 2 per sensitivity level) through the
in-process API (`sim.cli.compare.compare`), the same path as the command line. Built once per
test run: the pytest-xdist workers share one folder, and the first to arrive builds it under a
file lock while the others wait (so the suite pays for the reports once, not once per worker).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from reporting import FILES, LANGUAGES, SMALL, read_summary

from sim.cli.compare import compare


def _shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this test run sees (a worker's own folder without xdist)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    folder = base.parent / f"report-{run}" if run else base / "report"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small comparison's run directory, per language."""
    root = _shared(tmp_path_factory)
    out = {lang: root / lang for lang in LANGUAGES}
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for lang, folder in out.items():
                if not all((folder / name).is_file() for name in FILES):
                    shutil.rmtree(folder, ignore_errors=True)  # a build that did not finish
                    compare([*SMALL, f"language={lang}"], folder, jobs=1)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out


@pytest.fixture(scope="session")
def summary(built: dict[str, Path]) -> pd.DataFrame:
    return read_summary(built["en"])


@pytest.fixture(scope="session")
def runs(built: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(built["en"] / "runs.csv")
