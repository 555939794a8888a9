"""The mayor: reads the trajectory, splits the budget, solicits partners, faces elections
(source §3.2, §3.6)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from sim.core.governance import Course, Trajectory, budget_shares, make_trajectory
from sim.core.mean import mean
from sim.core.openness import funding

if TYPE_CHECKING:
    from sim.core.agents.city import City
    from sim.core.agents.department import Department
    from sim.core.agents.partner import PrivatePartner


class Mayor(mesa.Agent):
    """Political steering: chairs the COPIL and sets the governance point each month.

    *Commitment* in [0, 1] is how strongly DGAs and departments follow the mayor's line (the
    "pilotage fort" of source §3.2); a newly elected mayor starts lower and builds it up.
    *Legitimacy* is smoothed citizen trust: Moore's (1995) authorising environment, which scales
    next month's budget.
    """

    model: City

    def __init__(self, model: City, trajectory: Trajectory, legitimacy: float) -> None:
        super().__init__(model)
        self.trajectory = trajectory
        self.commitment = 1.0
        self.legitimacy = legitimacy
        self.terms = 1
        self.turnovers = 0

    def set_course(self, month: int, infrastructure: float, culture: float) -> Course:
        """Stage 1: read (p, o) from the trajectory and split this month's budget."""
        p, o = self.trajectory.point(month, infrastructure, culture)
        budget = self.budget()
        recovery = self.model.config.parameters.commitment_recovery
        self.commitment = min(1.0, self.commitment + recovery)
        lines = {k: share * budget for k, share in budget_shares(p, o).items()}
        return Course(p, o, budget, lines, self.commitment)

    def budget(self) -> float:
        """Budget = base × (floor + legitimacy share · legitimacy): trust authorises spending
        (Moore 1995); 0.6 + 0.8 L by default."""
        config = self.model.config
        base = config.resources.budget
        if not config.mechanisms.legitimacy_budget:
            return base
        params = config.parameters
        return base * (params.budget_floor + params.budget_legitimacy * self.legitimacy)

    def recruit(
        self,
        course: Course,
        candidates: list[PrivatePartner],
        departments: list[Department],
        staffing: float,
        need: float,
    ) -> None:
        """Solicit co-creation partners (source §3.6: "on essaye de multiplier les partenariats").

        Expected joins this month = rate × openness × outreach × (push + (1 − push) · slack):
        slack is spare coordination capacity — how far a department (the host is drawn at random)
        could take one more partnership: its unused hours over what a partnership needs (`need`),
        capped at 1, averaged over departments; the political push keeps soliciting when there is
        none. Where partnerships cost no hours (the counterfactual), capacity never runs out.
        Outreach is the partnership office's effect (budget start-up, staffing).

        Each inactive candidate joins with probability expected × its alignment ÷ the pool's
        initial alignment: partners who left disappointed (alignment burnt) and those already
        active lower the city's draw on the pool — a lasting cost of partnerships that fail.
        One draw per candidate, joined or not, so paired runs stay on the same random stream.
        """
        params, rng = self.model.config.parameters, self.model.rng
        draws = rng.random(len(candidates))
        hosts = rng.integers(0, len(departments), len(candidates))
        slack = 1.0 if need <= 0.0 else mean([min(1.0, d.spare / need) for d in departments])
        startup = self.model.config.resources.programme_startup
        outreach = funding(course.lines["partnerships"], startup, params.outreach_full) * staffing
        expected = params.recruitment_rate * course.openness * outreach
        expected *= params.push + (1.0 - params.push) * slack
        reputation = sum(c.base_alignment for c in candidates)
        if expected <= 0.0 or reputation <= 0.0:
            return
        for partner, draw, host in zip(candidates, draws.tolist(), hosts.tolist(), strict=True):
            if not partner.active and draw < expected * partner.alignment / reputation:
                partner.join(departments[host])

    def update_legitimacy(self, mean_trust: float) -> None:
        """Legitimacy follows mean citizen trust with exponential smoothing."""
        s = self.model.config.parameters.legitimacy_smoothing
        self.legitimacy += s * (mean_trust - self.legitimacy)

    def reelection_probability(self) -> float:
        """Logistic in legitimacy: a trusted mayor is likely to keep office."""
        params = self.model.config.parameters
        spread = params.reelection_spread
        return 1.0 / (1.0 + math.exp(-(self.legitimacy - params.reelection_midpoint) / spread))

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
