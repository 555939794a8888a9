"""The arithmetic mean the model uses for its agents' averages."""

from __future__ import annotations

import math
from collections.abc import Sequence


def mean(values: Sequence[float]) -> float:
    """fsum(values) / len(values): the same value as `statistics.fmean`, bit for bit.

    `fmean` wraps its input in a counting generator, which costs more than the sum itself for
    the ten-department lists the model averages each month (about a tenth of a run's time).
    """
    return math.fsum(values) / len(values)
