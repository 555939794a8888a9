"""6. Start-up: `python -m sim --help` and `python -c "import sim"` against `import mesa`.

Each command is a fresh subprocess (wall time, median, commands interleaved round by round);
the baseline is Mesa's own import, which govsim cannot avoid. A last subprocess lists which
heavy modules `import sim` leaves in `sys.modules`.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import Row, fmt_time, yes

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "solara", "hydra", "omegaconf", "scipy", "pyarrow", "IPython", "altair")
COMMANDS = {
    "python -c 'import mesa'": [sys.executable, "-c", "import mesa"],
    "python -c 'import sim'": [sys.executable, "-c", "import sim"],
    "python -m sim --help": [sys.executable, "-m", "sim", "--help"],
}


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def heavy_modules() -> list[str]:
    code = (
        "import sys, json, sim; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def run(repeats: int) -> list[Row]:
    repeats = max(repeats, 5)
    times: dict[str, list[float]] = {k: [] for k in COMMANDS}
    for cmd in COMMANDS.values():
        wall(cmd)  # warm the file cache
    for _ in range(repeats):
        for key, cmd in COMMANDS.items():
            times[key].append(wall(cmd))
    t = {k: statistics.median(v) for k, v in times.items()}
    base = t["python -c 'import mesa'"]
    heavy = heavy_modules()
    rows = [
        Row(
            "6. start-up: python -c 'import mesa' (baseline)",
            fmt_time(base),
            "",
            "",
            "",
            "",
            str(repeats),
        ),
        Row(
            "6. start-up: python -c 'import sim'",
            fmt_time(t["python -c 'import sim'"]),
            f"import mesa {fmt_time(base)}",
            f"{t["python -c 'import sim'"] / base:.2f}×",
            "≤ 1.3× import mesa",
            yes(t["python -c 'import sim'"] <= 1.3 * base),
            str(repeats),
        ),
        Row(
            "6. start-up: python -m sim --help",
            fmt_time(t["python -m sim --help"]),
            f"import mesa {fmt_time(base)}",
            f"{t['python -m sim --help'] / base:.2f}×",
            "(context: loads Hydra)",
            "",
            str(repeats),
        ),
        Row(
            "6. heavy modules after 'import sim'",
            ", ".join(heavy) if heavy else "none",
            f"checked: {', '.join(HEAVY)}",
            "",
            "no matplotlib/solara/hydra",
            yes(not {"matplotlib", "solara", "hydra"} & set(heavy)),
            "1",
        ),
    ]
    return rows
