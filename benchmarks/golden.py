"""The golden output: a stored SHA-256 of a default run's table for a fixed seed.

    python -m benchmarks.golden            # compare the current model with tests/golden/
    python -m benchmarks.golden --update   # regenerate tests/golden/phased_seed12345.json

The table of `sim.run(scenario("phased"), 12345)` is written as CSV with every float rounded to
12 significant digits (`%.12g`), so the digest ignores last-bit noise across platforms but
catches any change in what the model computes. Regenerate only when a change is *meant* to
alter results (calibration, a new rule, a different draw order) and explain why in the commit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

import sim

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden" / "phased_seed12345.json"
SCENARIO, SEED = "phased", 12345


def canonical_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format="%.12g", lineterminator="\n")


def digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(canonical_csv(frame).encode()).hexdigest()


def current() -> dict:
    frame = sim.run(sim.scenario(SCENARIO), SEED)
    last = frame.iloc[-1]
    return {
        "scenario": SCENARIO,
        "seed": SEED,
        "rows": len(frame),
        "columns": len(frame.columns),
        "sha256": digest(frame),
        "value_cumulative_last": float(f"{last['value_cumulative']:.12g}"),
        "trust_last": float(f"{last['trust']:.12g}"),
        "regenerate": "python -m benchmarks.golden --update (explain why in the commit)",
    }


def stored() -> dict:
    return json.loads(GOLDEN.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the stored digest")
    args = parser.parse_args(argv)
    now = current()
    if args.update:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(now, indent=2) + "\n")
        print(f"wrote {GOLDEN}: {now['sha256']}")
        return 0
    old = stored()
    same = old["sha256"] == now["sha256"]
    print(f"stored  {old['sha256']}\ncurrent {now['sha256']}\n" + ("same" if same else "DIFFER"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
