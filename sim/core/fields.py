"""A configuration field with its intervals: what validation allows and what analyses explore.

Declaring both next to the default keeps one list of parameters for the validation, SALib, the
one-at-a-time study, the robustness map and the generated table docs/parameters.md. The config
sections (sim/core/sections.py), the behavioural rates (sim/core/behaviour.py) and the valuation
(sim/core/value.py) all declare their fields with these two helpers.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any


def bounded(default: Any, lo: float | None = None, hi: float | None = None, **meta: Any) -> Any:
    """A dataclass field with its allowed closed interval [lo, hi] (None = unbounded)."""
    return field(default=default, metadata={"bounds": (lo, hi), **meta})


def parameter(
    default: Any, lo: float, hi: float, plausible: tuple[float, float], unit: str, source: str
) -> Any:
    """A behavioural parameter: allowed bounds, plausible range (for sensitivity), unit, source."""
    return bounded(default, lo, hi, plausible=plausible, unit=unit, source=source)
