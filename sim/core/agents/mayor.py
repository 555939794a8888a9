"""The mayor: reads the trajectory, splits the budget, faces elections (source §3.2).

Soliciting partners is the model's `_recruit` stage, driven by the mayor's openness and push."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from sim.core.governance import Trajectory, budget_shares, make_trajectory

if TYPE_CHECKING:
    from sim.core.model import GovernanceModel

COMMITMENT_RECOVERY = 0.05  # per month: a new executive regains "pilotage fort" within a year
REELECTION_MIDPOINT = 0.45  # legitimacy at which re-election is a coin toss (assumption)
REELECTION_SPREAD = 0.08


class Mayor(mesa.Agent):
    """Political steering: chairs the COPIL and sets the governance point each month.

    *Commitment* in [0, 1] is how strongly DGAs and departments follow the mayor's line (the
    "pilotage fort" of source §3.2); a newly elected mayor starts lower and builds it up.
    *Legitimacy* is smoothed citizen trust: Moore's (1995) authorising environment, which scales
    next month's budget.
    """

    model: GovernanceModel

    def __init__(self, model: GovernanceModel, trajectory: Trajectory, legitimacy: float) -> None:
        super().__init__(model)
        self.trajectory = trajectory
        self.commitment = 1.0
        self.legitimacy = legitimacy
        self.terms = 1
        self.turnovers = 0

    def set_course(self) -> None:
        """Stage 1: read (p, o) from the trajectory and split this month's budget."""
        m = self.model
        p, o = self.trajectory.point(m.month, m.infrastructure, m.culture)
        m.proactivity, m.openness = p, o
        m.budget = self.budget()
        m.budget_lines = {k: share * m.budget for k, share in budget_shares(p, o).items()}
        self.commitment = min(1.0, self.commitment + COMMITMENT_RECOVERY)

    def budget(self) -> float:
        """Budget = base × (0.6 + 0.8 · legitimacy): trust authorises spending (Moore 1995)."""
        base = self.model.config.resources.budget
        if not self.model.config.mechanisms.legitimacy_budget:
            return base
        return base * (0.6 + 0.8 * self.legitimacy)

    def update_legitimacy(self, mean_trust: float) -> None:
        """Legitimacy follows mean citizen trust with exponential smoothing."""
        s = self.model.config.parameters.legitimacy_smoothing
        self.legitimacy += s * (mean_trust - self.legitimacy)

    def reelection_probability(self) -> float:
        """Logistic in legitimacy: a trusted mayor is likely to keep office."""
        return 1.0 / (1.0 + math.exp(-(self.legitimacy - REELECTION_MIDPOINT) / REELECTION_SPREAD))

    def face_election(self) -> bool:
        """Municipal election (every 72 months, the French mandate). Returns True if re-elected.

        A new mayor resets commitment; the trajectory continues unless the scenario names another
        one in `trajectory.after_turnover`.
        """
        if self.model.rng.random() < self.reelection_probability():
            self.terms += 1
            return True
        self.turnovers += 1
        self.terms = 1
        self.commitment = self.model.config.parameters.new_mayor_commitment
        after = self.model.config.trajectory.after_turnover
        if after:
            self.trajectory = make_trajectory(self.model.config.trajectory, after)
        return False
