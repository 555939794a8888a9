"""Quoted numbers, each tagged with where it comes from.

A number in the report's text is one of two kinds, and the HTML says which, so a test can trace
every digit of the main text: a *result* (`<span class="num" data-…>`, one row of summary.csv:
resources, scenario, versus, month, statistic) or an *input* of the study (`<span class="input"
data-key="…">`, a value of scenarios.yaml by dotted path, or `data-key="horizon"` for a month of
the summary). Both are formatted by the same functions the tests call (`sim.report.lang`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim.report.lang import Lang, format_stat


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


class Numbers:
    """Look-ups into the summary table."""

    def __init__(self, summary: pd.DataFrame) -> None:
        self.table = {
            (r.resources, r.scenario, r.versus, int(r.month), r.statistic): float(r.value)
            for r in summary.itertuples(index=False)
        }

    def get(self, level: str, scenario: str, versus: str, month: int, stat: str) -> float:
        return self.table[(level, scenario, versus or "", month, stat)]

    def pair(self, level: str, a: str, b: str, month: int, stat: str) -> tuple[str, str, float]:
        """(leader, other, value) for the pair {a, b}, as the summary stores it."""
        for lead, other in ((a, b), (b, a)):
            key = (level, lead, other, month, stat)
            if key in self.table:
                return lead, other, self.table[key]
        raise KeyError((level, a, b, month, stat))

    def ranking(self, level: str, scenarios: list[str], month: int) -> list[str]:
        """Options from first to last at `month` (the summary's `rank` rows)."""
        return sorted(scenarios, key=lambda o: self.get(level, o, "", month, "rank"))


class Tagger:
    """Writes tagged numbers in one language."""

    def __init__(self, numbers: Numbers, lang: Lang, inputs: Mapping[str, Any]) -> None:
        self.numbers, self.lang, self.inputs = numbers, lang, inputs

    def num(self, level: str, scenario: str, versus: str, month: int, stat: str) -> str:
        """A result: one summary row, formatted."""
        value = self.numbers.get(level, scenario, versus, month, stat)
        return (
            f'<span class="num" data-resources="{esc(level)}" data-scenario="{esc(scenario)}" '
            f'data-versus="{esc(versus or "")}" data-month="{month}" data-stat="{esc(stat)}">'
            f"{esc(format_stat(self.lang, stat, value))}</span>"
        )

    def points(self, level: str, scenario: str, versus: str, month: int, stat: str) -> str:
        """A result in value points, with its unit: '49.0 value points', '0,94 point de valeur'."""
        value = self.numbers.get(level, scenario, versus, month, stat)
        unit = "unit.points" if self.lang.plural(value) else "unit.point"
        return self.lang.h(unit, n=self.num(level, scenario, versus, month, stat))

    def ahead(self, level: str, x: str, y: str, month: int) -> tuple[str, float, int]:
        """How many paired futures have `x` ahead of `y`: (tagged count, share, futures)."""
        lead, other, _ = self.numbers.pair(level, x, y, month, "ahead_count")
        stat = "ahead_count" if lead == x else "behind_count"
        count = self.numbers.get(level, lead, other, month, stat)
        total = int(self.numbers.get(level, lead, other, month, "replications"))
        share = count / total if total else 0.0
        return self.num(level, lead, other, month, stat), share, total

    def futures(self, level: str, x: str, y: str, month: int) -> str:
        """The number of paired futures behind a comparison (tagged)."""
        lead, other, _ = self.numbers.pair(level, x, y, month, "replications")
        return self.num(level, lead, other, month, "replications")

    def inp(self, key: str) -> str:
        """An input of the study: the value at `key` (dotted path) of scenarios.yaml."""
        value: Any = self.inputs
        for part in key.split("."):
            value = value[part]
        return f'<span class="input" data-key="{esc(key)}">{esc(self.lang.plain(value))}</span>'

    def horizon(self, month: int) -> str:
        """'2 years' for month 24 (a month of the summary)."""
        return (
            f'<span class="input" data-key="horizon" data-month="{month}">'
            f"{esc(self.lang.years(month))}</span>"
        )

    def horizons(self, months: list[int]) -> str:
        """'2, 6 and 12 years': several horizons, the unit said once."""
        if len(months) == 1:
            return self.horizon(months[0])
        numbers = [
            f'<span class="input" data-key="horizon" data-month="{m}">'
            f"{esc(self.lang.number(m / 12, 0 if m % 12 == 0 else 1))}</span>"
            for m in months
        ]
        return self.lang.h("unit.years", n=self.lang.join(numbers))

    def has_input(self, key: str) -> bool:
        value: Any = self.inputs
        for part in key.split("."):
            if not isinstance(value, Mapping) or part not in value:
                return False
            value = value[part]
        return isinstance(value, int | float) and not isinstance(value, bool)


def scenario(lang: Lang, name: str) -> str:
    """A scenario's label in the text."""
    return f'<span class="scenario" data-scenario="{esc(name)}">{esc(lang.scenario(name))}</span>'


def cite(lang: Lang, key: str) -> str:
    """A reference (author, year): not a result, so marked as a citation."""
    return f"<cite>{esc(lang.t(key))}</cite>"
