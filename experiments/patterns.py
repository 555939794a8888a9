"""Measure every pattern of docs/ODD.md §1.2 over paired seeds and print the figures.

Usage: python experiments/patterns.py [REPLICATIONS] [ROOT_SEED]   (default 30, 0)
"""

import json
import sys
import time

from sim.runs.runner import replication_seeds
from sim.studies import patterns


def main(replications: int = 30, root: int = 0) -> None:
    seeds = replication_seeds(root, replications)
    for name in ("p1", "p2", "p3", "p4", "p5", "p6", "p7"):
        start = time.perf_counter()
        figures = getattr(patterns, name)(seeds)
        elapsed = time.perf_counter() - start
        print(f"## {name.upper()} ({elapsed:.1f} s)")
        print(json.dumps(figures, indent=1, default=str))


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
