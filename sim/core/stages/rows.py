"""Broadcasting a run's column over its departments, partners or residents."""

from __future__ import annotations

from typing import Any

import numpy as np


def column(x: Any) -> np.ndarray:
    """A (runs,) column as (runs, 1), so that it broadcasts along a run's row."""
    x = np.asarray(x)
    return x[:, None] if x.ndim == 1 else x


class ByRow:
    """Run columns (`Columns`) read as (runs, 1): `ByRow(state.par).reflex_silo`."""

    def __init__(self, columns: Any) -> None:
        self._columns = columns

    def __getattr__(self, name: str) -> np.ndarray:
        return column(getattr(self._columns, name))


def by_dga(values: np.ndarray, dga_of: np.ndarray, dgas: int) -> np.ndarray:
    """(runs, DGAs) sums of a (runs, departments) array over each DGA's portfolio, department by
    department in a fixed order (no matrix product: a run's sums never depend on its batch)."""
    out = np.zeros((values.shape[0], dgas))
    rows = np.arange(values.shape[0])
    for d in range(values.shape[1]):
        out[rows, dga_of[:, d]] += values[:, d]
    return out
