"""The monthly table: its columns, and a recorder that fills preallocated arrays.

One row per month (docs/ODD.md §4.11). The columns are defined once, here; the generators,
dimensions and destruction columns follow `sim.core.value`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sim.core.population import AGE_GROUPS
from sim.core.value import DESTRUCTIONS, DIMENSIONS, GENERATORS, Accounts

QUINTILES = 5  # digital-literacy quintiles, lowest first

STATE = (
    "proactivity",
    "openness",
    "infrastructure",
    "culture",
    "institutions",
    "budget",
    "budget_spent",
    "hours_capacity",
    "hours_used",
    "load",
    "load_max",
    "dga_unmet",
    "programme_staffing",
    "commitment",
    "legitimacy",
    "turnover",
    "partners",
    "partner_output",
    "users",
    "participation",
    "participation_year",
    "implementation",
    "trust",
    "trust_gap",
    "illectronism",
    "mediation",
    "published_share",
    "stale_share",
    "dataset_updates",
    "breach_hazard",
    "breaches",
)
COLUMNS = (
    "month",
    *STATE,
    *(f"generator_{g}" for g in GENERATORS),
    *(f"gross_{d}" for d in DIMENSIONS),
    *(f"destroyed_{d}" for d in DIMENSIONS),
    *(f"flow_{d}" for d in DIMENSIONS),
    *(f"destruction_{k}" for k in DESTRUCTIONS),
    "value_gross",
    "value_destroyed",
    "value_flow",
    "value_cumulative",
)
# What only agents can show (MODEL.md §7 P9–P11): each department's data-sharing reflex, the
# concentration of participation, and who gains and who loses. NaN where a model has no such
# agents (the null model of sim/core/aggregate.py).
AGENT_COLUMNS = (
    "reflex_mean",
    "reflex_min",
    "reflex_max",
    "contributions_top1_share",
    "contributions_bottom90_share",
    "contributors_literacy_gap",
    *(f"net_value_per_resident_lit{q + 1}" for q in range(QUINTILES)),
    *(f"net_value_per_resident_age{a + 1}" for a in range(len(AGE_GROUPS))),
)
COLUMNS = (*COLUMNS, *AGENT_COLUMNS)
INTEGER_COLUMNS = ("month", "partners", "breaches", "turnover", "dataset_updates")


class Recorder:
    """Preallocated columns for `months` rows; a month's values are written once, in place.

    Each column holds `runs` runs side by side (`(months, runs)`); every value written is a
    vector with one entry per run (sim/core/batch.py).
    """

    def __init__(self, months: int, runs: int = 1) -> None:
        self._columns = {c: np.zeros((months, runs)) for c in COLUMNS}
        for c in AGENT_COLUMNS:
            self._columns[c][:] = np.nan

    def set(self, month: int, column: str, value: np.ndarray) -> None:
        self._columns[column][month - 1] = value

    def month(
        self,
        month: int,
        *,
        generators: np.ndarray,
        destruction: np.ndarray,
        values: Accounts,
        state: Mapping[str, np.ndarray],
    ) -> None:
        """Record month `month` (1-based): state, generators, flows, destruction, totals."""
        t = month - 1
        cols = self._columns
        cols["month"][t] = month
        for name, value in state.items():
            cols[name][t] = value
        for k, name in enumerate(GENERATORS):
            cols[f"generator_{name}"][t] = generators[:, k]
        for k, name in enumerate(DIMENSIONS):
            cols[f"gross_{name}"][t] = values.gross[:, k]
            cols[f"destroyed_{name}"][t] = values.destroyed[:, k]
            cols[f"flow_{name}"][t] = values.net[:, k]
        for k, name in enumerate(DESTRUCTIONS):
            cols[f"destruction_{name}"][t] = destruction[:, k]
        cols["value_gross"][t] = values.gross_total
        cols["value_destroyed"][t] = values.destroyed_total
        cols["value_flow"][t] = values.net_total

    def column(self, name: str, months: int, run: int = 0) -> np.ndarray:
        """The first `months` values of one run's column (a read-only view, no copy)."""
        view = self._columns[name][:months, run]
        view.flags.writeable = False
        return view

    def frame(self, months: int, run: int = 0) -> pd.DataFrame:
        """Run `run`'s first `months` rows as a table (integer columns as integers)."""
        frame = pd.DataFrame({c: v[:months, run] for c, v in self._columns.items()})
        for c in INTEGER_COLUMNS:
            frame[c] = frame[c].astype(np.int64)
        return frame


def active_partners(model: Any) -> int:
    """Co-creation partners at work this month (a DataCollector reporter: a named function)."""
    return len(model.co_creation_partners)


# The headline series `GovernanceModel.datacollector` (Mesa's DataCollector) gathers each
# month: name -> model attribute or named function (no lambdas: models stay picklable).
REPORTERS = (
    ("month", "month"),
    ("proactivity", "proactivity"),
    ("openness", "openness"),
    ("infrastructure", "infrastructure"),
    ("culture", "culture"),
    ("institutions", "institutions"),
    ("maturity", "maturity"),
    ("partners", active_partners),
    ("value_cumulative", "cumulative_value"),
)
