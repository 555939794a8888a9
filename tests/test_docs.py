"""Documentation generated from the code stays in step with it."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_table_matches_the_configuration():
    render = runpy.run_path(str(ROOT / "scripts" / "parameter_table"))["render"]
    on_disk = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert on_disk == render(), "run `python scripts/parameter_table` and commit docs/parameters.md"


def test_every_plausible_parameter_has_a_unit_and_a_source():
    from sim.core.sections import parameter_rows

    for row in parameter_rows():
        assert row["unit"], row["path"]
        assert row["source"], row["path"]
