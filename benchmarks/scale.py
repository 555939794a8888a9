"""4. Scale: 1,000 → 10,000 → 100,000 citizens × 144 months; time and peak memory.

Each run is a fresh subprocess (`python -m benchmarks.scale N SEED`) that imports govsim, times
one `sim.run` and reports its peak resident set size (VmHWM, which includes the
interpreter, numpy, pandas and Mesa). The time is measured inside the subprocess, excluding
imports. Sizes are interleaved round by round.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import Row, fmt_time, yes

SIZES = (1_000, 10_000, 100_000)
ROOT = Path(__file__).resolve().parent.parent


def measure(citizens: int, seed: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", str(citizens), str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(repeats: int) -> list[Row]:
    results: dict[int, list[dict[str, float]]] = {n: [] for n in SIZES}
    for seed in range(1, repeats + 1):
        for n in SIZES:
            results[n].append(measure(n, seed))
    t = {n: statistics.median(r["seconds"] for r in results[n]) for n in SIZES}
    rss = {n: max(r["peak_rss_mib"] for r in results[n]) for n in SIZES}
    rows = []
    for n in SIZES:
        previous = SIZES[SIZES.index(n) - 1] if n != SIZES[0] else None
        ratio = t[n] / t[previous] if previous else None
        goal = n == 100_000
        rows.append(
            Row(
                f"4. scale: {n:,} citizens × 144 months",
                f"{fmt_time(t[n])}, peak RSS {rss[n]:.0f} MiB",
                f"{previous:,} citizens {fmt_time(t[previous])}" if previous else "",
                f"{ratio:.1f}× time" if ratio else "",
                "≤ 12× time, ≤ 1024 MiB" if goal else "(context)",
                yes(ratio <= 12 and rss[n] <= 1024) if goal else "",
                f"{repeats} processes",
            )
        )
    return rows


def _child(citizens: int, seed: int) -> None:
    import sim

    config = sim.scenario("phased", **{"city.citizens": citizens})
    start = time.perf_counter()
    sim.run(config, seed)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_rss_mib": peak_rss_kib() / 1024}))


def peak_rss_kib() -> float:
    """VmHWM (this process image only; ru_maxrss would carry the parent's peak across exec)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
