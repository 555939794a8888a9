"""Golden output: a default run's table for a fixed seed must not change unnoticed.

The digest (SHA-256 of the table as CSV, floats at 12 significant digits) lives in
tests/golden/phased_seed12345.json. Speed work must leave it unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks import golden


def test_default_run_matches_the_golden_digest():
    stored, now = golden.stored(), golden.current()
    assert now["sha256"] == stored["sha256"], (
        f"The table of sim.run(scenario({golden.SCENARIO!r}), {golden.SEED}) changed: "
        f"stored digest {stored['sha256'][:16]}…, now {now['sha256'][:16]}… "
        f"(value_cumulative at the end: stored {stored['value_cumulative_last']}, "
        f"now {now['value_cumulative_last']}). If the change is intended (calibration, a new "
        "rule, a new draw order), regenerate with `python -m benchmarks.golden --update` and "
        "explain in the commit message why the results changed; a speed refactor must not."
    )


def test_digest_sees_a_change_in_the_9th_digit():
    frame = golden.sim.run(golden.sim.scenario("phased", months=12), 1)
    nudged = frame.copy()
    nudged["trust"] = nudged["trust"] * (1 + 1e-9)
    assert golden.digest(nudged) != golden.digest(frame)
