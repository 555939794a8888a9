"""Stage 1, the mayor's course, and stage 8, elections (source §3.1–3.2; docs/ODD.md §7.1).

The governance point lives in Carassus & Baldé's (2020) grid of proactivity (top-down political
and administrative steering) × openness (across silos, towards citizens and partners). A
trajectory maps the state to a point each month; the dynamics never look at its name. The mayor
splits a budget that legitimacy authorises (Moore 1995) among five lines, and a newly elected
mayor has to rebuild the commitment ("pilotage fort") that makes the administration follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core.sections import TrajectoryConfig

if TYPE_CHECKING:
    from sim.core.state import State

Point = tuple[float, float]
BUDGET_LINES = ("infrastructure", "organisation", "institutions", "participation", "partnerships")
CONSTANT, PHASED, CUSTOM = 0, 1, 2


@dataclass(frozen=True)
class Course:
    """This month's course of every run: the point, the budget and its lines, commitment."""

    proactivity: np.ndarray
    openness: np.ndarray
    budget: np.ndarray
    lines: dict[str, np.ndarray]
    commitment: np.ndarray

    @property
    def spent(self) -> np.ndarray:
        lines = self.lines
        return (lines["infrastructure"] + lines["organisation"] + lines["institutions"]
                + lines["participation"] + lines["partnerships"])  # fmt: skip


def budget_shares(proactivity: Any, openness: Any) -> dict[str, Any]:
    """Split of the smart-city budget between the five lines, as a function of (p, o).

    Proactivity buys infrastructure (the structure first); openness buys participation and
    mediation, partnerships and open data; both fund organisation/HR and institutions. At the
    corners this gives the prototype's shares (docs/ODD.md §7.1): about .64/.17/.11/.04/.04 for
    (0.9, 0.1) and .18/.22/.16/.22/.22 for (0.2, 0.9). Works on numbers and on arrays of runs.
    """
    raw = {
        "infrastructure": 0.05 + 0.6 * proactivity,
        "organisation": 0.10 + 0.05 * proactivity + 0.10 * openness,
        "institutions": 0.05 + 0.05 * proactivity + 0.10 * openness,
        "participation": 0.02 + 0.20 * openness,
        "partnerships": 0.02 + 0.20 * openness,
    }
    total = (raw["infrastructure"] + raw["organisation"] + raw["institutions"]
             + raw["participation"] + raw["partnerships"])  # fmt: skip
    return {k: v / total for k, v in raw.items()}


def budget(base: Any, legitimacy: Any, floor: Any, share: Any, linked: Any) -> Any:
    """Budget = base × (floor + share · legitimacy): trust authorises spending (Moore 1995);
    0.6 + 0.8 L by default, the base alone where the link is switched off."""
    return np.where(linked, base * (floor + share * legitimacy), base)


def reelection_probability(legitimacy: Any, midpoint: Any, spread: Any) -> Any:
    """Logistic in legitimacy: a trusted mayor is likely to keep office."""
    return 1.0 / (1.0 + np.exp(-(legitimacy - midpoint) / spread))


class Trajectories:
    """Every run's trajectory as arrays: a constant point, a phased shift, or waypoints.

    Phased (source §3.6, "déployons d'abord la structure"): proactive until readiness I·√C
    reaches the threshold (or a fixed month, `switch_rule="month"`), then a linear shift to the
    open point over `transition_months`. Custom: (month, p, o) waypoints, linearly interpolated,
    held flat at both ends. A run may also be steered by an object with
    `point(month, infrastructure, culture)` (`policies[r]`: the app's hand on the helm).
    """

    def __init__(self, configs: Sequence[TrajectoryConfig]) -> None:
        self.configs = list(configs)
        R = len(self.configs)
        self.kind = np.zeros(R, dtype=np.int64)
        self.start = np.zeros((R, 2))
        self.end = np.zeros((R, 2))
        self.by_month = np.zeros(R, dtype=bool)
        self.threshold = np.array([c.readiness_threshold for c in self.configs])
        self.switch_month = np.array([c.switch_month for c in self.configs])
        self.transition = np.array([c.transition_months for c in self.configs])
        self.switched_at = np.full(R, -1)
        self.waypoints: list[np.ndarray | None] = [None] * R
        self.policies: list[Any] = [None] * R
        for r, config in enumerate(self.configs):
            self.set_kind(r, config.kind)

    def set_kind(self, r: int, kind: str) -> None:
        """Run r follows preset `kind` from now on (e.g. after a turnover), its clock reset."""
        c = self.configs[r]
        points = {"proactive": c.proactive_point, "open": c.open_point,
                  "combined": c.combined_point}  # fmt: skip
        self.switched_at[r] = -1
        if kind in points:
            self.kind[r], self.start[r] = CONSTANT, points[kind]
        elif kind == "phased":
            self.kind[r], self.start[r], self.end[r] = PHASED, c.proactive_point, c.open_point
            self.by_month[r] = c.switch_rule == "month"
        elif kind == "custom":
            self.kind[r] = CUSTOM
            self.waypoints[r] = np.asarray(c.waypoints, dtype=float).reshape(-1, 3)
        else:
            raise ValueError(f"unknown trajectory kind {kind!r}")

    def points(self, month: int, infrastructure: np.ndarray, culture: np.ndarray) -> np.ndarray:
        """(runs, 2): every run's (p, o) this month; a phased run's switch is recorded."""
        phased = self.kind == PHASED
        ready = np.where(self.by_month, month >= self.switch_month,
                         infrastructure * np.sqrt(culture) >= self.threshold)  # fmt: skip
        self.switched_at = np.where(phased & (self.switched_at < 0) & ready, month,
                                    self.switched_at)  # fmt: skip
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(
                self.transition > 0,
                np.minimum(1.0, (month - self.switched_at) / self.transition),
                1.0,
            )
        share = np.where(phased & (self.switched_at >= 0), share, 0.0)[:, None]
        points = self.start + share * (self.end - self.start)
        for r in np.flatnonzero(self.kind == CUSTOM):
            table = self.waypoints[r]
            points[r] = (
                np.interp(month, table[:, 0], table[:, 1]),
                np.interp(month, table[:, 0], table[:, 2]),
            )
        for r, policy in enumerate(self.policies):
            if policy is not None:
                points[r] = policy.point(month, float(infrastructure[r]), float(culture[r]))
        return points

    def point_of(self, r: int, month: int, infrastructure: float, culture: float) -> Point:
        """Run r's point, as its own trajectory gives it (ignoring any policy on top)."""
        one = self.select([r])
        one.policies = [None]
        p, o = one.points(month, np.array([infrastructure]), np.array([culture]))[0]
        self.switched_at[r] = one.switched_at[0]
        return float(p), float(o)

    def select(self, rows: Sequence[int]) -> Trajectories:
        """A copy holding only `rows` (their clocks included)."""
        other = Trajectories([self.configs[r] for r in rows])
        idx = np.asarray(rows)
        for name in ("kind", "start", "end", "by_month", "switched_at"):
            setattr(other, name, getattr(self, name)[idx].copy())
        other.waypoints = [self.waypoints[r] for r in rows]
        other.policies = [self.policies[r] for r in rows]
        return other


@dataclass
class Plan:
    """A run's own trajectory seen as one object with `point(...)` (what the app wraps)."""

    trajectories: Trajectories
    run: int

    def point(self, month: int, infrastructure: float, culture: float) -> Point:
        return self.trajectories.point_of(self.run, month, infrastructure, culture)


def set_course(state: State) -> Course:
    """Stage 1: read (p, o), vote the budget on last month's legitimacy, split it."""
    par, res = state.par, state.res
    points = state.trajectories.points(state.month, state.infrastructure, state.culture)
    p, o = points[:, 0].copy(), points[:, 1].copy()
    money = budget(res.budget, state.legitimacy, par.budget_floor, par.budget_legitimacy,
                   state.mech.legitimacy_budget)  # fmt: skip
    state.commitment = np.minimum(1.0, state.commitment + par.commitment_recovery)
    lines = {k: share * money for k, share in budget_shares(p, o).items()}
    return Course(p, o, money, lines, state.commitment.copy())


def elections(state: State) -> np.ndarray:
    """Stage 8: municipal elections every `election_interval` months (72, the French mandate).

    One draw per run holding an election; a mayor who loses leaves a successor whose commitment
    starts at `new_mayor_commitment`, on the plan `trajectory.after_turnover` names (the same
    trajectory when empty). Returns 1 where the mayor changed this month.
    """
    turnover = np.zeros(state.runs)
    due = state.mech.elections & (state.month % state.election_interval == 0)
    if not due.any():
        return turnover
    par = state.par
    chance = reelection_probability(state.legitimacy, par.reelection_midpoint,
                                    par.reelection_spread)  # fmt: skip
    for r in np.flatnonzero(due):
        if state.rngs[r].random() < chance[r]:
            state.terms[r] += 1
            continue
        turnover[r] = 1.0
        state.turnovers[r] += 1
        state.terms[r] = 1
        state.commitment[r] = par.new_mayor_commitment[r]
        after = state.configs[r].trajectory.after_turnover
        if after:
            state.trajectories.set_kind(r, after)
            state.trajectories.policies[r] = None  # a new plan: whoever held the helm lets go
    return turnover
