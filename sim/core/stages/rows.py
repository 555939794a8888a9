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
    """(runs, DGAs) sums of a (runs, departments) array over each DGA's portfolio. `bincount`
    adds a run's departments one after the other in their order (no matrix product), so a run's
    sums never depend on its batch."""
    runs = values.shape[0]
    flat = (np.arange(runs)[:, None] * dgas + dga_of).ravel()
    sums = np.bincount(flat, weights=np.asarray(values, dtype=float).ravel(), minlength=runs * dgas)
    return sums.reshape(runs, dgas)
