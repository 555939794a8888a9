"""The data dictionary: every column govsim writes, with its unit and meaning, defined once.

A results table is only as good as what a reader can tell from it a year later. Each column of
the tables the main job and the sweeps write (runs.parquet, summary.csv, failures.csv) is
described here; the descriptions travel with the data twice: `columns.csv` next to every result,
and the Parquet schema's field metadata (`unit`, `description`), so a table copied on its own
still explains itself. The documentation site's data dictionary (docs/reference/data-dictionary.md,
between its data-dictionary markers) is rendered from this module (`python -m sim.runs.columns`);
a test fails when that page is stale, and another when the model gains a column without an entry.

Model-field columns (`resources.staff_hours`, `parameters.push`, ...) are named by their dotted
ModelConfig path, hold the value the run actually used (read from its resolved configuration),
and take their unit from the config's field metadata.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.config import ModelConfig
from sim.core.outputs import QUINTILES
from sim.core.population import AGE_GROUPS
from sim.core.value import DESTRUCTIONS, DIMENSIONS, GENERATORS
from sim.runs.experiment_columns import EXPERIMENT_ROWS, SHARE, SPECIFIC_ROWS, VALUE
from sim.runs.files import atomic_write

VALUE_NOTE = (
    "Value units are the model's own scale (a weighted sum over the nine dimensions, weights "
    "from `model.weights`): differences between scenarios are meaningful, absolute levels are not."
)

DIMENSION_MEANING = {
    "efficiency": "efficiency of public services",
    "engagement": "citizen engagement",
    "quality_of_life": "quality of life",
    "inclusion": "social inclusion",
    "connectivity": "connectivity",
    "knowledge": "knowledge creation and sharing",
    "cost_reduction": "cost reduction",
    "scalability": "scalability of solutions",
    "environment": "environmental impact",
}
GENERATOR_MEANING = {
    "efficiency": "process performance (I × maturity × operation hours served)",
    "effectiveness": "services reaching users",
    "intrinsic": "intrinsic enhancements (I × culture and mediation)",
    "transparency": "fresh open data",
    "participation": "answered citizen participation",
    "collaboration": "co-creation partners' output and cross-silo work",
}
DESTRUCTION_MEANING = {
    "exclusion": "harm to illectronic residents left behind by digitisation",
    "privacy": "privacy harm: data exposure and breaches",
    "footprint": "environmental footprint of the infrastructure (operating and embodied)",
    "stale_data": "stale open data in the catalogue",
}


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: its name, unit ('' when it has none) and meaning."""

    name: str
    unit: str
    meaning: str


def _entries(rows: Iterable[tuple[str, str, str]]) -> dict[str, Column]:
    return {name: Column(name, unit, meaning) for name, unit, meaning in rows}


# ---- the model's monthly table (sim.core.outputs.COLUMNS) ----------------------------------------
_MODEL_PLAIN = [
    ("month", "month", "simulated month, 1 = the first; each row describes the month's end"),
    ("proactivity", SHARE, "governance point p: political and administrative steering"),
    ("openness", SHARE, "governance point o: openness across silos, to citizens and partners"),
    ("infrastructure", SHARE, "stock I: digital infrastructure deployed"),
    ("culture", SHARE, "stock C: data and cooperation culture of the organisation"),
    ("institutions", SHARE, "stock Q: institutional conditions (data charters, frameworks)"),
    (
        "budget",
        "M€/month",
        "budget granted this month: resources.budget × (0.6 + 0.8 × legitimacy)",
    ),
    ("budget_spent", "M€/month", "sum of the five budget lines spent this month"),
    ("hours_capacity", "h/month", "digital staff hours available, all departments together"),
    ("hours_used", "h/month", "staff hours allocated to tasks, all departments together"),
    ("load", "ratio", "mean department load: hours demanded / hours available (can exceed 1)"),
    ("load_max", "ratio", "highest department load this month"),
    ("dga_unmet", "h/month", "DGA attention hours demanded but not given, all DGAs together"),
    (
        "programme_staffing",
        SHARE,
        "effect of the open programmes' staffing: 0 below half their start-up hours, 1 when full",
    ),
    ("commitment", SHARE, "the mayor's commitment to the policy (drops after a new mayor)"),
    ("legitimacy", SHARE, "the mayor's legitimacy (smoothed mean citizen trust)"),
    ("turnover", "0/1", "1 in an election month the incumbent lost, else 0"),
    ("partners", "count", "active co-creation partners"),
    ("partner_output", "output units/month", "output of the active co-creation partners"),
    ("users", SHARE, "residents using the digital services this month"),
    ("participation", SHARE, "residents who participated this month"),
    ("participation_year", SHARE, "residents who participated at least once in the last 12 months"),
    ("implementation", SHARE, "share of last month's participation the organisation delivered"),
    ("trust", SHARE, "mean citizen trust"),
    (
        "trust_gap",
        "difference of shares",
        "mean trust of the top minus the bottom literacy quintile",
    ),
    ("illectronism", SHARE, "residents below the digital-literacy threshold (0.3)"),
    ("mediation", SHARE, "intensity of digital mediation (funded by the participation line)"),
    ("published_share", SHARE, "datasets of the open-data catalogue that are published"),
    ("stale_share", SHARE, "published datasets that are stale (older than stale_after months)"),
    ("dataset_updates", "count", "dataset updates made this month"),
    ("breach_hazard", "breaches/month", "expected data breaches this month"),
    ("breaches", "count", "data breaches that happened this month"),
    ("value_gross", VALUE, "gross public value created this month (weighted)"),
    ("value_destroyed", VALUE, "public value destroyed this month (weighted)"),
    ("value_flow", VALUE, "net public value this month: value_gross − value_destroyed"),
    (
        "value_cumulative",
        "value units",
        "net public value accumulated from month 1 to this month (sum of value_flow)",
    ),
    (
        "reflex_mean",
        SHARE,
        "departments' mean data-sharing reflex (chance a changed dataset is updated)",
    ),
    ("reflex_min", SHARE, "lowest department's data-sharing reflex this month"),
    ("reflex_max", SHARE, "highest department's data-sharing reflex this month"),
    (
        "contributions_top1_share",
        SHARE,
        "contributions of the last 12 months made by the most active 1% of residents (NaN: none)",
    ),
    (
        "contributions_bottom90_share",
        SHARE,
        "contributions of the last 12 months made by the least active 90% of residents",
    ),
    (
        "contributors_literacy_gap",
        "difference of literacy",
        "mean digital literacy of the last 12 months' contributors minus all residents'",
    ),
]


def _model_families() -> list[tuple[str, str, str]]:
    rows = []
    for g in GENERATORS:
        rows.append((f"generator_{g}", VALUE, f"value generator: {GENERATOR_MEANING[g]}"))
    for d in DIMENSIONS:
        rows.append((f"gross_{d}", VALUE, f"value created on {DIMENSION_MEANING[d]} (unweighted)"))
    for d in DIMENSIONS:
        rows.append(
            (f"destroyed_{d}", VALUE, f"value destroyed on {DIMENSION_MEANING[d]} (unweighted)")
        )
    for d in DIMENSIONS:
        rows.append((f"flow_{d}", VALUE, f"net value on {DIMENSION_MEANING[d]}: gross − destroyed"))
    for k in DESTRUCTIONS:
        rows.append((f"destruction_{k}", VALUE, f"value destruction: {DESTRUCTION_MEANING[k]}"))
    for q in range(QUINTILES):
        rows.append(
            (
                f"net_value_per_resident_lit{q + 1}",
                VALUE,
                PER_RESIDENT.format(
                    f"digital-literacy quintile {q + 1} of 5 (1 lowest; ranked at month 0)"
                ),
            )
        )
    for a, ages in enumerate(AGE_GROUPS):
        rows.append(
            (
                f"net_value_per_resident_age{a + 1}",
                VALUE,
                PER_RESIDENT.format(f"age group {a + 1}: {ages} years"),
            )
        )
    return rows


PER_RESIDENT = (
    "cumulative net value per resident of {}: value attributed to the residents who receive or "
    "bear it (docs/ODD.md §7.7)"
)


MODEL = _entries([*_MODEL_PLAIN, *_model_families()])
# Families rendered as one row each of the data-dictionary page: prefix -> (names, unit, meaning).
FAMILIES = {
    "generator_": (GENERATORS, VALUE, "output of each of the six value generators"),
    "gross_": (DIMENSIONS, VALUE, "value created on each of the nine dimensions (unweighted)"),
    "destroyed_": (DIMENSIONS, VALUE, "value destroyed on each dimension (unweighted)"),
    "flow_": (DIMENSIONS, VALUE, "net value on each dimension: gross − destroyed"),
    "destruction_": (DESTRUCTIONS, VALUE, "each of the four kinds of value destruction"),
    "net_value_per_resident_lit": (
        tuple(str(q + 1) for q in range(QUINTILES)),
        VALUE,
        "cumulative net value per resident of each digital-literacy quintile (1 lowest)",
    ),
    "net_value_per_resident_age": (
        tuple(str(a + 1) for a in range(len(AGE_GROUPS))),
        VALUE,
        "cumulative net value per resident of each age group (" + ", ".join(AGE_GROUPS) + ")",
    ),
}

# ---- labels the runners add ---------------------------------------------------------------------
LABELS = _entries(
    [
        ("scenario", "", "scenario file the run used (its name in configs/scenario, or its path)"),
        (
            "replication",
            "index",
            "replication k (from 0); replication k has the same seed in every scenario of a job "
            "(common random numbers)",
        ),
        ("seed", "", "the run's random seed (derived from the root `seed` and k, or the design's)"),
        ("point", "index", "design point (a row group of a design table); 0 outside designs"),
        (
            "job_key",
            "hash",
            "the sweep job that computed the run: a hash of everything it ran (resolved configs, "
            "seeds, group choices); the same key means the same numbers",
        ),
        (
            "config_id",
            "hash",
            "hash of the run's full resolved model configuration; provenance.json holds it "
            "under `configs`",
        ),
        ("git_revision", "", "code commit that computed the run ('+dirty': uncommitted changes)"),
        ("city", "", "city size file chosen for the job (configs/city), when swept"),
        ("resources", "", "resource level file chosen for the job (configs/resources), when swept"),
        ("scenarios", "", "the job's list of scenarios (JSON), when swept"),
        ("replications", "count", "the job's number of replications, when swept"),
        ("root_seed", "", "the job's root seed (`seed=`), when swept"),
        (
            "parameter_set",
            "",
            "with `ensemble=`: the parameter set replication k drew (its `set` number in the "
            "calibration's prior sample), the same in every scenario; absent: no ensemble",
        ),
    ]
)

SUMMARY = _entries(
    [
        ("runs", "count", "paired runs summarised (a sweep's name for `replications`)"),
        (
            "value_median",
            "value units",
            "median over the runs of value_cumulative at the last month: cumulative net public "
            "value over the whole horizon",
        ),
        ("value_p05", "value units", "5th percentile of the same (lower end of the 5–95% range)"),
        ("value_p95", "value units", "95th percentile of the same (upper end of the 5–95% range)"),
        (
            "crossover_month",
            "month",
            "median, over the paired runs that cross, of the first month from which the "
            "scenario's cumulative value stays ahead of `proactive`'s; empty when none cross or "
            "the job has no `proactive`",
        ),
        ("crossover_share", SHARE, "share of the paired runs that cross `proactive`"),
        ("final_infrastructure", SHARE, "median of infrastructure I at the last month"),
        ("final_culture", SHARE, "median of culture C at the last month"),
        ("final_institutions", SHARE, "median of institutions Q at the last month"),
    ]
)

# ---- the advisors' report (python -m sim compare): runs.csv and its long summary.csv ----------
REPORT = _entries(
    [
        ("versus", "", "the other scenario of a paired statistic (empty for one-scenario rows)"),
        ("statistic", "", "which number the row holds (see the report's annex for each name)"),
        ("value", "", "the number itself; every figure the report quotes is one row"),
    ]
)

EXPERIMENT = _entries(EXPERIMENT_ROWS)
# Where an experiment's column means something of its own (same name, another meaning).
EXPERIMENT_SPECIFIC = {name: _entries(rows) for name, rows in SPECIFIC_ROWS.items()}

FAILURES = _entries(
    [
        ("error", "", "the exception, in one line"),
        ("traceback", "", "where it was raised (for a bug report)"),
        ("config", "JSON", "the run's full resolved model configuration"),
        ("overrides", "", "the sweep job's command-line overrides (job-level failures)"),
    ]
)
FAILURE_COLUMNS = ("job_key", "point", "scenario", "replication", "seed", "error", "traceback",
                   "config", "overrides")  # fmt: skip

_FIELD_META = {}


def _field_metadata() -> dict[str, dict[str, Any]]:
    """Dotted ModelConfig path -> its dataclass field metadata (bounds, unit, plausible)."""
    if not _FIELD_META:

        def walk(cls: type, prefix: str) -> None:
            hints = typing.get_type_hints(cls)
            for f in dataclasses.fields(cls):
                if dataclasses.is_dataclass(hints[f.name]):
                    walk(hints[f.name], f"{prefix}{f.name}.")
                else:
                    _FIELD_META[f"{prefix}{f.name}"] = dict(f.metadata)

        walk(ModelConfig, "")
    return _FIELD_META


def model_field(path: str) -> Column | None:
    """The entry of a model-field column (`resources.staff_hours`), or None if no such field."""
    meta = _field_metadata().get(path)
    if meta is None:
        return None
    lo, hi = meta.get("bounds", (None, None))
    allowed = f"; allowed [{lo}, {hi}]" if lo is not None or hi is not None else ""
    return Column(
        path,
        meta.get("unit", ""),
        f"model field `{path}` as the run used it (resolved configuration){allowed}",
    )


def describe(name: str) -> Column:
    """The entry of any column govsim writes; KeyError for an unknown one."""
    for table in (MODEL, LABELS, SUMMARY, REPORT, EXPERIMENT, FAILURES):
        if name in table:
            return table[name]
    field = model_field(name)
    if field is not None:
        return field
    raise KeyError(f"no data-dictionary entry for column {name!r} (sim/runs/columns.py)")


def dictionary(tables: Mapping[str, Iterable[str]], experiment: str = "") -> pd.DataFrame:
    """file, column, unit, meaning for the columns of each written table (an experiment's own
    meanings first, where it gives a column one)."""
    specific = EXPERIMENT_SPECIFIC.get(experiment, {})
    rows = []
    for file, names in tables.items():
        for name in names:
            entry = specific.get(name) or describe(name)
            rows.append(
                {"file": file, "column": name, "unit": entry.unit, "meaning": entry.meaning}
            )
    return pd.DataFrame(rows, columns=["file", "column", "unit", "meaning"])


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """The frame as Parquet (atomically), each field carrying its unit and description."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for f in table.schema:
        entry = describe(f.name)
        fields.append(f.with_metadata({"unit": entry.unit, "description": entry.meaning}))
    meta = dict(table.schema.metadata or {})
    meta[b"govsim.data_dictionary"] = b"columns.csv next to this file; sim/runs/columns.py"
    table = pa.Table.from_arrays(table.columns, schema=pa.schema(fields, metadata=meta))
    atomic_write(Path(path), lambda p: pq.write_table(table, p))


def write_dictionary(
    directory: str | Path, tables: Mapping[str, Iterable[str]], experiment: str = ""
) -> Path:
    """columns.csv: the dictionary of the tables written into `directory`."""
    path = Path(directory) / "columns.csv"
    table = dictionary(tables, experiment)
    atomic_write(path, lambda p: table.to_csv(p, index=False))
    return path


def check_known(names: Iterable[str]) -> list[str]:
    """Column names with no dictionary entry (empty when every column is described)."""
    missing = []
    for name in names:
        try:
            describe(name)
        except KeyError:
            missing.append(name)
    return missing


# ---- the data-dictionary page (docs/reference/data-dictionary.md) -------------------------------
def _md(text: str) -> str:
    return text.replace("|", "\\|")


def markdown() -> str:
    """The data-dictionary table of the documentation (families collapsed to one row each)."""
    lines = ["| column | unit | meaning |", "|---|---|---|"]
    done: set[str] = set()

    def row(name: str, unit: str, meaning: str) -> None:
        lines.append(f"| {name} | {_md(unit) or '—'} | {_md(meaning)} |")

    for entry in LABELS.values():
        row(f"`{entry.name}`", entry.unit, entry.meaning)
    row(
        "`<section>.<field>`",
        "field's unit",
        "a model field (e.g. `resources.staff_hours`) as the run used it, read from its resolved "
        "configuration: every swept field, and every field that differs from the default",
    )
    for name, entry in MODEL.items():
        family = next((p for p in FAMILIES if name.startswith(p)), None)
        if family is None:
            row(f"`{name}`", entry.unit, entry.meaning)
        elif family not in done:
            done.add(family)
            names, unit, meaning = FAMILIES[family]
            row(f"`{family}<name>`", unit, f"{meaning}: {', '.join(names)}")
    for entry in SUMMARY.values():
        row(f"`{entry.name}` (summary.csv)", entry.unit, entry.meaning)
    for entry in REPORT.values():
        row(f"`{entry.name}` (compare)", entry.unit, entry.meaning)
    for entry in EXPERIMENT.values():
        row(f"`{entry.name}` (experiments)", entry.unit, entry.meaning)
    for experiment, entries in EXPERIMENT_SPECIFIC.items():
        for entry in entries.values():
            row(f"`{entry.name}` ({experiment})", entry.unit, entry.meaning)
    return "\n".join(lines)


def readme_section() -> str:
    """The block between the `<!-- data-dictionary:begin -->` and `<!-- data-dictionary:end -->`
    markers of docs/reference/data-dictionary.md: the table and the note on value units.

    (Named for the README, where the table lived before the documentation site.)
    """
    return f"{markdown()}\n\n{VALUE_NOTE}"


def main(argv: list[str] | None = None) -> int:
    """`python -m sim.runs.columns`: print the data-dictionary page's block (paste it between
    the markers of docs/reference/data-dictionary.md); `--json`: every entry as JSON."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--json"]:
        entries = {**MODEL, **LABELS, **SUMMARY, **FAILURES}
        print(json.dumps({k: dataclasses.asdict(v) for k, v in entries.items()}, indent=1))
    else:
        print(readme_section())
    return 0


if __name__ == "__main__":
    sys.exit(main())
