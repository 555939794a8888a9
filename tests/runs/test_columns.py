"""The data dictionary: every column described once, written next to every result, and on the
documentation site (docs/reference/data-dictionary.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import small_config

from sim.runs import columns
from sim.runs.runner import run
from sim.runs.sweep import SETTING_COLUMNS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "data-dictionary.md"
BEGIN, END = "<!-- data-dictionary:begin -->", "<!-- data-dictionary:end -->"


def test_every_model_output_column_has_an_entry() -> None:
    """Fails when the model gains a column nobody described: add it to sim/runs/columns.py."""
    frame = run(small_config(months=2), seed=1)
    missing = columns.check_known(frame.columns)
    assert not missing, f"describe these columns in sim/runs/columns.py: {missing}"
    for name in frame.columns:
        entry = columns.describe(name)
        assert entry.meaning and len(entry.meaning) > 10, name


def test_labels_and_swept_values_are_described() -> None:
    for name in ("job_key", "point", "config_id", "git_revision", "scenario", "replication",
                 "seed", *SETTING_COLUMNS.values(), "city", "resources"):  # fmt: skip
        assert columns.describe(name).meaning, name
    staff = columns.describe("resources.staff_hours")  # a swept model field: unit from config
    assert staff.unit == "h/department/month" and "resolved" in staff.meaning
    assert "cumulative" in columns.describe("value_median").meaning
    with pytest.raises(KeyError, match="no data-dictionary entry"):
        columns.describe("resources.staf_hours")


def test_documented_table_is_the_generated_one() -> None:
    """The site's table is rendered by `python -m sim.runs.columns`; regenerate it, don't edit."""
    text = PAGE.read_text(encoding="utf-8")
    match = re.search(re.escape(BEGIN) + r"\n(.*?)\n" + re.escape(END), text, re.S)
    assert match, f"{PAGE.name} lacks the {BEGIN} … {END} block"
    assert match.group(1).strip() == columns.readme_section().strip(), (
        "docs/reference/data-dictionary.md is stale: paste the output of "
        "`python -m sim.runs.columns` between its markers"
    )


def test_parquet_carries_units_and_descriptions(tmp_path: Path) -> None:
    frame = run(small_config(months=2), seed=1)
    frame.insert(0, "scenario", "open")
    path = tmp_path / "runs.parquet"
    columns.write_parquet(frame, path)
    schema = pq.read_schema(path)
    field = schema.field("value_cumulative")
    assert field.metadata[b"unit"] == b"value units"
    assert b"sum of value_flow" in field.metadata[b"description"]
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)  # the data is unchanged
    table = columns.dictionary({"runs.parquet": frame.columns})
    assert list(table["column"]) == list(frame.columns)
    assert json.loads(json.dumps(list(table.columns))) == ["file", "column", "unit", "meaning"]
