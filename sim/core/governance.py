"""Governance trajectories: policies that map the model state to a point (p, o).

The point lives in Carassus & Baldé's (2020) grid of proactivity (top-down political and
administrative steering) × openness (across silos, towards citizens and partners), source §3.1.
A trajectory is an object with `point(month, infrastructure, culture) -> (p, o)`. The dynamics never
look at a trajectory's name: all a scenario changes is which point the mayor reads each month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.core.config import TrajectoryConfig

Point = tuple[float, float]
BUDGET_LINES = ("infrastructure", "organisation", "institutions", "participation", "partnerships")


@dataclass(frozen=True)
class Course:
    """The mayor's course for one month: the governance point, the budget and its lines, and
    commitment (how strongly DGAs and departments follow, the "pilotage fort" of source §3.2)."""

    proactivity: float
    openness: float
    budget: float
    lines: dict[str, float]
    commitment: float

    @property
    def spent(self) -> float:
        return sum(self.lines.values())


@dataclass
class Constant:
    """The same governance point throughout (the `proactive`, `open` and `combined` presets)."""

    at: Point

    def point(self, month: int, infrastructure: float, culture: float) -> Point:
        return self.at


@dataclass
class Phased:
    """Proactive until a readiness rule fires, then a linear shift towards openness (source §3.6).

    The source's phasing is "more or less forced": the mayor deploys the structure first
    ("déployons d'abord la structure") and opens up once there are "objets solides, opérants".
    Readiness is I · C^0.5, so a city opens when its infrastructure works *and* its organisation
    has started to move; `rule="month"` switches at a fixed month instead.
    """

    start: Point
    end: Point
    rule: str = "readiness"
    threshold: float = 0.385
    switch_month: int = 48
    transition_months: int = 12
    switched_at: int | None = field(default=None)

    def point(self, month: int, infrastructure: float, culture: float) -> Point:
        if self.switched_at is None and self._ready(month, infrastructure, culture):
            self.switched_at = month
        if self.switched_at is None:
            return self.start
        share = 1.0
        if self.transition_months > 0:
            share = min(1.0, (month - self.switched_at) / self.transition_months)
        return (
            self.start[0] + share * (self.end[0] - self.start[0]),
            self.start[1] + share * (self.end[1] - self.start[1]),
        )

    def _ready(self, month: int, infrastructure: float, culture: float) -> bool:
        if self.rule == "month":
            return month >= self.switch_month
        return infrastructure * culture**0.5 >= self.threshold


@dataclass
class Waypoints:
    """A custom path: (month, p, o) waypoints, linearly interpolated, held flat at both ends."""

    months: np.ndarray
    proactivity: np.ndarray
    openness: np.ndarray

    def point(self, month: int, infrastructure: float, culture: float) -> Point:
        return (
            float(np.interp(month, self.months, self.proactivity)),
            float(np.interp(month, self.months, self.openness)),
        )


Trajectory = Constant | Phased | Waypoints


def make_trajectory(config: TrajectoryConfig, kind: str | None = None) -> Trajectory:
    """Build a preset's trajectory policy (`kind` overrides config.kind, e.g. after turnover)."""
    kind = kind or config.kind
    if kind == "proactive":
        return Constant(config.proactive_point)
    if kind == "open":
        return Constant(config.open_point)
    if kind == "combined":
        return Constant(config.combined_point)
    if kind == "phased":
        return Phased(
            start=config.proactive_point,
            end=config.open_point,
            rule=config.switch_rule,
            threshold=config.readiness_threshold,
            switch_month=config.switch_month,
            transition_months=config.transition_months,
        )
    if kind == "custom":
        table = np.asarray(config.waypoints, dtype=float).reshape(-1, 3)
        return Waypoints(table[:, 0], table[:, 1], table[:, 2])
    raise ValueError(f"unknown trajectory kind {kind!r}")


def budget_shares(proactivity: float, openness: float) -> dict[str, float]:
    """Split of the smart-city budget between the mayor's five lines, as a function of (p, o).

    Proactivity buys infrastructure (the structure first); openness buys participation and
    mediation, partnerships and open data; both fund organisation/HR and institutions. At the
    corners this gives the prototype's shares (docs/ODD.md §7.1): about .64/.17/.11/.04/.04 for
    (0.9, 0.1) and .18/.22/.16/.22/.22 for (0.2, 0.9).
    """
    raw = {
        "infrastructure": 0.05 + 0.6 * proactivity,
        "organisation": 0.10 + 0.05 * proactivity + 0.10 * openness,
        "institutions": 0.05 + 0.05 * proactivity + 0.10 * openness,
        "participation": 0.02 + 0.20 * openness,
        "partnerships": 0.02 + 0.20 * openness,
    }
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}
