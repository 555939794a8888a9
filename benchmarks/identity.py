"""Bit-identity guard for speed refactors: save the tables of a set of runs, then compare exactly.

    python -m benchmarks.identity save /tmp/ref.pkl    # before a change (or from a reference tree)
    python -m benchmarks.identity check /tmp/ref.pkl   # after: every number must be bit-identical

The cases cover the three trajectory families over seeds 1..3 and one 100,000-citizen city
(24 months). `check` uses `pd.testing.assert_frame_equal(check_exact=True)` and also prints a
SHA-256 of each table's raw bytes, so two trees can be compared by eye.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys

import pandas as pd

import sim
from sim import scenario

CASES: tuple[tuple[str, int, dict], ...] = (
    *((kind, seed, {}) for kind in ("phased", "open", "proactive") for seed in (1, 2, 3)),
    ("phased", 7, {"months": 24, "city.citizens": 100_000}),
    ("open", 8, {"months": 24, "city.citizens": 100_000}),
)


def raw_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of the column names and the exact bytes of every column (no rounding)."""
    h = hashlib.sha256()
    for name in frame.columns:
        h.update(name.encode())
        h.update(frame[name].to_numpy().tobytes())
    return h.hexdigest()


def tables() -> dict[str, pd.DataFrame]:
    out = {}
    for kind, seed, changes in CASES:
        key = f"{kind}/seed={seed}/{changes}"
        out[key] = sim.run(scenario(kind, **changes), seed)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("path")
    args = parser.parse_args(argv)
    current = tables()
    for key, frame in current.items():
        print(f"{raw_digest(frame)[:16]}  {key}")
    if args.action == "save":
        with open(args.path, "wb") as fh:
            pickle.dump(current, fh)
        print(f"saved {len(current)} tables to {args.path} (sim from {sim.__file__})")
        return 0
    with open(args.path, "rb") as fh:
        reference = pickle.load(fh)
    failures = 0
    for key, frame in reference.items():
        try:
            pd.testing.assert_frame_equal(current[key], frame, check_exact=True)
        except AssertionError as err:
            failures += 1
            print(f"DIFFERENT: {key}\n{err}")
    print("bit-identical" if not failures else f"{failures} of {len(reference)} tables differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
