"""5. Sweeps: 1,000 default runs on 2 workers through the sweep machinery vs one plain loop.

Not measured until the sweep machinery (`sim/sweep.py`, another issue) exists.
"""

from __future__ import annotations

import importlib.util

from benchmarks.common import Row


def run(repeats: int) -> list[Row]:
    if importlib.util.find_spec("sim.sweep") is None:
        return [
            Row(
                "5. sweeps: 1,000 runs on 2 workers vs plain loop",
                "not measured: sweep machinery not built yet",
                "plain loop, 1 process",
                "",
                "efficiency ≥ 0.8",
                "n/a",
            )
        ]
    return [
        Row(
            "5. sweeps: 1,000 runs on 2 workers vs plain loop",
            "not measured: sim/sweep.py exists but this benchmark is not written yet",
            "plain loop, 1 process",
            "",
            "efficiency ≥ 0.8",
            "n/a",
        )
    ]
