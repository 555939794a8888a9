"""Measure the model against its calibration targets (docs/ODD.md §8.2), over paired seeds.

Usage: python experiments/calibration_targets.py [REPLICATIONS] [ROOT_SEED]   (default 10, 0)

Targets: yearly participation at full channel (participatory budgets: ≈ 4%, 2–8%);
participation inequality (90-9-1: a few residents make most contributions); illectronism
(15–17% of French adults, falling about a point a year with mediation); a mature portal's stale
share (10–40%); DGA attention binding under tight resources for a programme both proactive and
open. Prints one line per target with the median and the 10–90% range over seeds.
"""

import sys

import numpy as np

from sim.core.config import scenario
from sim.core.model import GovernanceModel
from sim.runs.runner import replication_seeds, run
from sim.studies.patterns import TIGHT


def contributions(seed: int) -> np.ndarray:
    """Contribution events per resident over a run of `open` (stepping the model by hand)."""
    model = GovernanceModel(scenario("open"), rng=seed, citizen_agents=False)
    events = np.zeros(model.population.size, dtype=np.int64)
    while model.running:
        model.step()
        events += model.population.participated
    return events


def inequality(events: np.ndarray) -> tuple[float, float]:
    """Share of all contribution events made by the top 1% and top 10% of contributors."""
    active = np.sort(events[events > 0])[::-1]
    total = active.sum()
    top = lambda share: active[: max(1, round(share * active.size))].sum() / total  # noqa: E731
    return float(top(0.01)), float(top(0.10))


def spread(values) -> str:
    v = np.asarray(values, dtype=float)
    return f"{np.median(v):.3f} (10–90%: {np.percentile(v, 10):.3f}–{np.percentile(v, 90):.3f})"


def main(replications: int = 10, root: int = 0) -> None:
    seeds = replication_seeds(root, replications)
    open_runs = [run(scenario("open"), s) for s in seeds]
    print(
        "participation in the last year, open, month 144:",
        spread([r["participation_year"].iloc[-1] for r in open_runs]),
    )
    print(
        "participation in the last year, open, mean over years 3-12:",
        spread([r["participation_year"].iloc[24:].mean() for r in open_runs]),
    )
    shares = [inequality(contributions(s)) for s in seeds[:5]]
    print(
        "share of contribution events by the top 1% / top 10% of contributors:",
        spread([a for a, _ in shares]),
        "/",
        spread([b for _, b in shares]),
    )
    phased = [run(scenario("phased"), s) for s in seeds]
    print("illectronism month 1:", spread([r["illectronism"].iloc[0] for r in phased]))
    decline = [
        (r["illectronism"].iloc[0] - r["illectronism"].iloc[-1]) / 12 * 100 for r in open_runs
    ]
    print("illectronism decline, open (points a year):", spread(decline))
    print(
        "stale share of a mature portal, open, last year:",
        spread([r["stale_share"].iloc[-12:].mean() for r in open_runs]),
    )
    for kind in ("combined", "proactive", "open"):
        tight = [run(scenario(kind, **TIGHT), s) for s in seeds]
        binding = [float((r["dga_unmet"] > 0).mean()) for r in tight]
        print(
            f"DGA attention binding, {kind}, tight: share of months with unmet hours",
            spread(binding),
        )
    adequate = [
        float((r["dga_unmet"] > 0).mean()) for r in (run(scenario("combined"), s) for s in seeds)
    ]
    print("DGA attention binding, combined, adequate:", spread(adequate))


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
