"""What the commands print and write: the summary table, the result files, kept results.

The main job and the sweeps print the same summary table (a sweep adds its swept values), write
their tables with the data dictionary next to them (columns.csv, Parquet field metadata), and,
when a write fails after the runs, keep the computed results somewhere that works and say where.
"""

from __future__ import annotations

import math
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.runs import columns
from sim.runs.jobspec import REFERENCE

MAX_FIGURE_GROUPS = 10  # a sweep's figures draw one line per group; more is unreadable


def format_summary(summary: pd.DataFrame, months: int | str, by: Sequence[str] = ()) -> str:
    """The summary as a plain-text table (what the CLI prints); `by`: a sweep's swept columns."""
    runs_column = "runs" if "runs" in summary.columns else "replications"
    has_reference = REFERENCE in set(summary["scenario"])
    rows = []
    for r in summary.to_dict("records"):
        if r["scenario"] == REFERENCE or not has_reference:
            cross = "—"
        elif math.isnan(r["crossover_month"]):
            cross = "never"
        else:
            crossed = round(r["crossover_share"] * r[runs_column])
            cross = f"{r['crossover_month']:.0f} ({crossed}/{r[runs_column]})"
        row = {c: _cell(r[c]) for c in by}
        if "point" in r and summary["point"].nunique() > 1:
            row["point"] = str(r["point"])
        row.update(
            {
                "scenario": r["scenario"],
                "runs": str(r[runs_column]),
                "value median": f"{r['value_median']:.1f}",
                "5–95% range": f"[{r['value_p05']:.1f}, {r['value_p95']:.1f}]",
                f"crossover vs {REFERENCE}": cross,
                "final I": f"{r['final_infrastructure']:.3f}",
                "final C": f"{r['final_culture']:.3f}",
                "final Q": f"{r['final_institutions']:.3f}",
            }
        )
        rows.append(row)
    table = pd.DataFrame(rows).to_string(index=False)
    note = (
        f"Cumulative net public value at month {months} (value units; columns.csv explains every "
        f"column); crossover = first month from which the scenario stays ahead of {REFERENCE} "
        "(median over the paired runs that cross, and how many do); final I, C, Q = medians."
    )
    return f"{table}\n" + textwrap.fill(note, 100)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def keep(tables: dict[str, pd.DataFrame]) -> Path | None:
    """Write computed tables into a fresh temporary folder; None if that fails too."""
    try:
        folder = Path(tempfile.mkdtemp(prefix="govsim-kept-"))
        for name, table in tables.items():
            if name.endswith(".parquet"):
                table.to_parquet(folder / name, index=False)
            else:
                table.to_csv(folder / name, index=False)
    except OSError:
        return None
    return folder


def sweep_figures(runs: pd.DataFrame, by: Sequence[str], out: Path) -> list[Path]:
    """The main job's figures for a sweep: one line per scenario and swept-value combination."""
    from sim.viz.plots import save_figures

    labels = [c for c in by if c in runs.columns]
    frame = runs.copy()
    for column in labels:
        frame["scenario"] = frame["scenario"] + f" · {column}=" + frame[column].map(_cell)
    if frame["scenario"].nunique() > MAX_FIGURE_GROUPS:
        return []
    return save_figures(frame, out)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """A results table: Parquet with the dictionary in its schema, or CSV."""
    if path.suffix == ".parquet":
        columns.write_parquet(frame, path)
    else:
        from sim.runs.files import atomic_write

        atomic_write(path, lambda p: frame.to_csv(p, index=False))
