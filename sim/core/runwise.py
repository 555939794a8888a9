"""The model's small arithmetic over a column of runs, bit for bit (for `sim.core.lockstep`).

Each function here is a rule the model applies to one run's scalars or lists, applied to an
array with one entry (or one row) per run, with the same floating-point operations in the same
order, so that every run's result is the model's to the last bit: the model's agent averages
are `math.fsum`, its list totals Python's `sum` (compensated since Python 3.12), and its
piecewise rules (`funding`, `scale`) are elementwise here.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Sequence

import numpy as np

from sim.core.agents.partner import DATA_APPETITE


def fsum_rows(values: np.ndarray) -> list[float]:
    """`math.fsum` of each row: the model's agent averages (`sim.core.mean`) are fsums."""
    return [math.fsum(row) for row in values.tolist()]


def python_sums(values: np.ndarray) -> np.ndarray:
    """Each row summed by Python's `sum`, as the model sums lists (compensated since 3.12)."""
    return np.array([sum(row) for row in values.tolist()])


@functools.lru_cache(maxsize=4096)
def appetite_sum(counts: tuple[int, ...]) -> float:
    """fsum of the appetites of the active partners, given how many of each kind are active
    (fsum is exact, so the order of the partners does not matter)."""
    return math.fsum(
        a for kind, a in enumerate(DATA_APPETITE.values()) for _ in range(counts[kind])
    )


class Columns:
    """One configuration section across runs: `columns.name` is an array with one entry per run
    (a list where a field may be None)."""

    def __init__(self, sections: Sequence[object]) -> None:
        for f in dataclasses.fields(sections[0]):
            values = [getattr(s, f.name) for s in sections]
            if any(v is None for v in values):
                setattr(self, f.name, values)
            else:
                setattr(self, f.name, np.array(values))


def scale_v(openness: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """`sim.core.openness.scale` of every run."""
    return np.minimum(1.0, np.maximum(0.0, openness) / ramp)


def funding_v(amount: np.ndarray, startup: np.ndarray, full: np.ndarray) -> np.ndarray:
    """`sim.core.openness.funding` of every run (the same operations, element by element)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = np.minimum(1.0, (amount - startup) / (full - startup))
    return np.where(amount <= startup, 0.0, np.where(full <= startup, 1.0, rising))
