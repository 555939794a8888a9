"""1. Peer: one default govsim run against Mesa's own BoltzmannWealth benchmark model.

govsim: `sim.run(scenario("phased"), seed)` (default city, 5,000 citizens, 144 months), and the
same run with one Citizen agent per resident (`GovernanceModel(..., citizen_agents=True)`).
Baseline: `mesa.examples.BoltzmannWealth` with 5,000 agents for 144 steps on a 71 × 71 grid,
about one agent per cell like Mesa's own "large" benchmark configuration (10,000 on 100 × 100).
"""

from __future__ import annotations

from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

import sim
from benchmarks.common import Row, fmt_time, interleaved, yes
from sim import scenario
from sim.core.model import GovernanceModel

CITIZENS, MONTHS, SIDE = 5_000, 144, 71


def boltzmann(seed: int = 1) -> None:
    model = BoltzmannWealth(BoltzmannScenario(n=CITIZENS, width=SIDE, height=SIDE, rng=seed))
    for _ in range(MONTHS):
        model.step()


def govsim(seed: int = 1) -> None:
    sim.run(scenario("phased"), seed)


def govsim_with_agents(seed: int = 1) -> None:
    GovernanceModel(scenario("phased"), rng=seed, citizen_agents=True).run()


def run(repeats: int) -> list[Row]:
    t = interleaved(
        {"boltzmann": boltzmann, "govsim": govsim, "agents": govsim_with_agents}, repeats
    )
    base = fmt_time(t["boltzmann"])
    base_label = f"Boltzmann {CITIZENS:,}×{MONTHS} {base}"
    ratio = t["govsim"] / t["boltzmann"]
    ratio_agents = t["agents"] / t["boltzmann"]
    return [
        Row(
            f"1. peer: govsim default run ({CITIZENS:,} citizens, {MONTHS} months)",
            fmt_time(t["govsim"]),
            base_label,
            f"{ratio:.3f}×",
            "≤ 0.05×",
            yes(ratio <= 0.05),
            str(repeats),
        ),
        Row(
            "1. peer: same, with Citizen agents created",
            fmt_time(t["agents"]),
            base_label,
            f"{ratio_agents:.3f}×",
            "≤ 0.05×",
            yes(ratio_agents <= 0.05),
            str(repeats),
        ),
    ]
