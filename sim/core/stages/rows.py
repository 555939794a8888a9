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
