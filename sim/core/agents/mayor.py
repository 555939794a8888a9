"""The mayor: reads the trajectory, splits the budget, solicits partners, faces elections
(source §3.2, §3.6). A view on the batch state; the rules are stages 1, 4 and 8
(sim/core/stages/course.py, partners.py)."""

from __future__ import annotations

from typing import Any

import mesa

from sim.core.agents.city import City
from sim.core.stages.course import Plan, reelection_probability


class Mayor(mesa.Agent):
    """Political steering: chairs the COPIL and sets the governance point each month.

    *Commitment* in [0, 1] is how strongly DGAs and departments follow the mayor's line (the
    "pilotage fort" of source §3.2); a newly elected mayor starts lower and builds it up.
    *Legitimacy* is smoothed citizen trust: Moore's (1995) authorising environment, which scales
    next month's budget.
    """

    model: City

    @property
    def commitment(self) -> float:
        return float(self.model.state.commitment[0])

    @property
    def legitimacy(self) -> float:
        return float(self.model.state.legitimacy[0])

    @property
    def terms(self) -> int:
        return int(self.model.state.terms[0])

    @property
    def turnovers(self) -> int:
        return int(self.model.state.turnovers[0])

    @property
    def trajectory(self) -> Any:
        """What sets the governance point: an object with `point(month, I, C)`. Setting one
        (the app's hand on the helm) steers the run with it until a new mayor brings a plan."""
        trajectories = self.model.state.trajectories
        return trajectories.policies[0] or Plan(trajectories, 0)

    @trajectory.setter
    def trajectory(self, policy: Any) -> None:
        trajectories = self.model.state.trajectories
        own = isinstance(policy, Plan) and policy.trajectories is trajectories
        trajectories.policies[0] = None if own else policy

    def reelection_probability(self) -> float:
        """Logistic in legitimacy: a trusted mayor is likely to keep office."""
        par = self.model.state.par
        chance = reelection_probability(self.legitimacy, par.reelection_midpoint[0],
                                        par.reelection_spread[0])  # fmt: skip
        return float(chance)
