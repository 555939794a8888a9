"""Run every benchmark of issue 6 and print one table.

    python -m benchmarks                 # full run (about 3 minutes on 2 cores)
    python -m benchmarks --quick         # fewer repeats, for a smoke test
    python -m benchmarks --only peer citizens floor scale sweeps startup

Every figure is a median over the stated number of repeats; each comparison is measured in the
same run, as a ratio (absolute times on a shared machine are context only).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import mesa
import numpy as np

from benchmarks import citizens, floor, peer, scale, startup, sweeps
from benchmarks.common import Row

ORDER = ("peer", "citizens", "floor", "scale", "sweeps", "startup")
MODULES = {
    "peer": peer,
    "citizens": citizens,
    "floor": floor,
    "scale": scale,
    "sweeps": sweeps,
    "startup": startup,
}
HEADERS = ("figure", "measured", "baseline (same run)", "ratio", "goal", "met?", "repeats")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def table(rows: list[Row]) -> str:
    cells = [HEADERS] + [
        (r.figure, r.value, r.baseline, r.ratio, r.goal, r.met, r.repeats) for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (smoke test)")
    parser.add_argument("--repeats", type=int, default=None, help="repeats per figure")
    parser.add_argument("--only", nargs="+", choices=ORDER, default=list(ORDER))
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)
    print(
        f"govsim benchmarks — {cpu_model()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}, Mesa {mesa.__version__}; "
        f"{repeats} repeats unless stated",
        flush=True,
    )
    rows: list[Row] = []
    extra: list[str] = []
    start = time.perf_counter()
    for name in ORDER:
        if name not in args.only:
            continue
        print(f"  running {name} …", file=sys.stderr, flush=True)
        if name == "floor":
            found, stages, kinds = floor.run(repeats)
            rows += found
            total = sum(stages.values())
            extra.append(
                f"Where a default run goes (5,000 citizens, 144 months; exclusive time, median of "
                f"{repeats} profiled runs, perf_counter wrappers around the stage methods):"
            )
            for key, value in sorted(stages.items(), key=lambda kv: -kv[1]):
                extra.append(
                    f"  {key:45s} {value * 1e3:8.2f} ms  {value / 144 * 1e6:7.1f} µs/month"
                    f"  {value / total:6.1%}"
                )
            extra.append(f"  {'total':45s} {total * 1e3:8.2f} ms")
            census = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
            extra.append(f"Citizens' rule census (one month, ops replayed by the floor): {census}")
        else:
            rows += MODULES[name].run(repeats)
    print(table(rows))
    if extra:
        print()
        print("\n".join(extra))
    print(f"\n(benchmarks took {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
