"""Measure every pattern of docs/ODD.md §1.2 (P1–P11) and its counterfactual over paired seeds.

Usage: python experiments/patterns.py [REPLICATIONS] [ROOT_SEED] [--robustness]
(default 30 replications, root 0). Runs are computed in parallel on every CPU, then each
pattern's figures are printed as JSON; --robustness adds the one-at-a-time ±20% table of P1.
"""

import json
import sys
import time

from sim.runs.jobspec import available_cpus
from sim.runs.runner import replication_seeds
from sim.studies import agent_patterns, patterns

NAMES = ("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8")
AGENT_NAMES = ("p9", "p10", "p11")  # sim/studies/agent_patterns.py


def main(replications: int = 30, root: int = 0, robustness: bool = False) -> None:
    seeds = replication_seeds(root, replications)
    start = time.perf_counter()
    cases = [c for n in NAMES for c in patterns.cases(n)]
    cases += [c for n in AGENT_NAMES for c in agent_patterns.cases(n)]
    patterns.prefetch(cases, seeds, available_cpus())
    elapsed = time.perf_counter() - start
    print(f"# {replications} paired seeds from root {root}; runs in {elapsed:.0f} s")
    for name in NAMES:
        kwargs = {"locate_boundary": True} if name == "p8" else {}
        figures = getattr(patterns, name)(seeds, **kwargs)
        print(f"## {name.upper()}")
        print(json.dumps(_rounded(figures), default=str))
    for name in AGENT_NAMES:
        print(f"## {name.upper()}")
        print(json.dumps(_rounded(getattr(agent_patterns, name)(seeds)), default=str))
    if robustness:
        table = patterns.p1_robustness(seeds, jobs=available_cpus())
        print("## P1 robustness (net open > proactive, one-at-a-time ±20%)")
        print(table.to_string(index=False))


def _rounded(value):
    """Figures to 3 decimals, for reading."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [int(a) for a in sys.argv[1:] if not a.startswith("--")]
    main(*args, robustness="--robustness" in flags)
