"""Who gains and who loses: net value per resident by digital-literacy quintile and by age group.

The first table of any appraisal's distributional analysis (HM Treasury's Green Book; the French
étude d'impact): a scenario that creates the most value may still leave the residents least at
ease with digital tools behind. The runs carry each group's cumulative net value per resident
(`net_value_per_resident_lit1` … `lit5`, lowest literacy first, ranked at month 0;
`net_value_per_resident_age1` … `age5`, INSEE age groups; docs/ODD.md §7.7); the summary holds
each at the final month (median over the paired futures, `_p05` and `_p95` for the range that
holds nine in ten) and `literacy_gap`, the highest quintile's minus the lowest's in the same
future. The recommendation box says when the recommended scenario widens that gap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.core.outputs import QUINTILES
from sim.core.population import AGE_GROUPS
from sim.report import front
from sim.report.charts import _legend, _number_axis, _title, colours, ranked
from sim.report.lang import Lang
from sim.report.layout import Section, Table, figure
from sim.report.study import Study, quantiles, values_at
from sim.report.tags import Numbers, Tagger, esc, scenario

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

LITERACY = tuple(f"net_value_per_resident_lit{q + 1}" for q in range(QUINTILES))
AGES = tuple(f"net_value_per_resident_age{a + 1}" for a in range(len(AGE_GROUPS)))
GAP = "literacy_gap"  # highest literacy quintile minus lowest, per future
STATUS_QUO = "status_quo"  # the do-minimum: the recommendation's gap is also read against it


def statistics(runs: pd.DataFrame, scenario_name: str, final: int) -> dict[str, float]:
    """Each group's net value per resident at `final` (median named as the runs' column, with
    `_p05`/`_p95`), and the literacy gap within each future."""
    out: dict[str, float] = {}
    part = runs[runs["scenario"] == scenario_name]
    for column in (*LITERACY, *AGES):
        values = values_at(part, column, final)[scenario_name].to_numpy()
        out |= _spread(values, column)
    top = values_at(part, LITERACY[-1], final)[scenario_name]
    bottom = values_at(part, LITERACY[0], final)[scenario_name]
    return out | _spread((top - bottom).to_numpy(), GAP)


def final_statistics(study: Study, runs: pd.DataFrame, scenario_name: str) -> dict[str, float]:
    """Who gains and who loses in one scenario, for the summary (`study.summary_table`)."""
    return statistics(runs, scenario_name, study.months)


def _spread(values: np.ndarray, name: str) -> dict[str, float]:
    """Median as `name`, the 90% range as `name_p05`, `name_p95` (the names others rely on)."""
    q = quantiles(values, name)
    return {name: q[f"{name}_median"], f"{name}_p05": q[f"{name}_p05"],
            f"{name}_p95": q[f"{name}_p95"]}  # fmt: skip


def widening_sentence(
    study: Study, numbers: Numbers, tags: Tagger, rec: str, runner: str
) -> list[str]:
    """One sentence when the recommended scenario widens the gap between the residents most and
    least at ease with digital tools, against the runner-up (and the status quo, if compared): a
    recommendation on total value alone would hide who pays for it."""
    lang, level, final = tags.lang, study.resources, study.months
    others = [runner] + [STATUS_QUO] * (
        STATUS_QUO in study.scenarios and STATUS_QUO not in (rec, runner)
    )
    gap = {x: numbers.get(level, x, "", final, GAP) for x in (rec, *others)}
    wider = [x for x in others if gap[rec] > max(gap[x], 0.0)]
    if not wider:
        return []
    against = [lang.h("dist.rec.other", gap=tags.num(level, x, "", final, GAP),
                      option=scenario(lang, x)) for x in wider]  # fmt: skip
    return [
        lang.h(
            "dist.rec.widens",
            rec=scenario(lang, rec),
            horizon=tags.horizon(final),
            gap=tags.num(level, rec, "", final, GAP),
            others=lang.join(against),
        )
    ]


def _cell(tags: Tagger, level: str, name: str, final: int, stat: str) -> str:
    """'96.0 (41.2 to 120)': the median and the range that holds nine futures in ten."""

    def num(s: str) -> str:
        return tags.num(level, name, "", final, s)

    spread = tags.lang.h("dist.range", low=num(f"{stat}_p05"), high=num(f"{stat}_p95"))
    return f'{num(stat)} <span class="range">{spread}</span>'


def age_label(tags: Tagger, a: int) -> str:
    """An age group as the configuration records it (a traced input: its digits are data)."""
    key = f"groups.age.{a}"
    shown = front.shown(tags.lang, key, AGE_GROUPS[a])
    given = f'<span class="given" data-key="{key}">{esc(shown)}</span>'
    return tags.lang.h("dist.row.age", ages=given)


def table(study: Study, numbers: Numbers, tags: Tagger) -> Table:
    """Rows: literacy quintiles, their gap, age groups; columns: scenarios in ranked order."""
    lang, level, final = tags.lang, study.resources, study.months
    order = numbers.ranking(level, study.scenarios, final)
    labels = [(lang.h(f"dist.row.lit{q + 1}"), c) for q, c in enumerate(LITERACY)]
    labels.append((f"<strong>{lang.h('dist.row.gap')}</strong>", GAP))
    labels += [(age_label(tags, a), c) for a, c in enumerate(AGES)]
    rows = [[label] + [_cell(tags, level, x, final, stat) for x in order] for label, stat in labels]
    head = [lang.h("dist.head", horizon=tags.horizon(final))] + [scenario(lang, x) for x in order]
    n = tags.num(level, order[0], "", final, "replications")
    return Table(head, rows, lang.h("dist.caption", n=n), "numbers distribution")


QUANTILES = ("", "_p05", "_p95")  # median, then the 90% range's ends


def _values(numbers: Numbers, level: str, name: str, final: int, columns: tuple[str, ...],
            suffix: str) -> np.ndarray:  # fmt: skip
    return np.array([numbers.get(level, name, "", final, c + suffix) for c in columns])


def chart(fig: Figure, study: Study, numbers: Numbers, lang: Lang) -> None:
    """Net value per resident by literacy quintile and by age group: dots with 90% whiskers per
    scenario (categories, so no line joins them)."""
    colour, level, final = colours(study.scenarios), study.resources, study.months
    order = ranked(study, numbers)
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    ticks = (lang.t("chart.dist.lit").split("|"), [g.replace("-", "–") for g in AGE_GROUPS])
    for axis, columns, names, title in ((ax1, LITERACY, ticks[0], "chart.dist.left"),
                                        (ax2, AGES, ticks[1], "chart.dist.right")):  # fmt: skip
        width = min(0.6, 0.16 * len(order))
        for i, name in enumerate(order):
            x = np.arange(len(columns)) - width / 2 + width * (i + 0.5) / len(order)
            med, lo, hi = (_values(numbers, level, name, final, columns, q) for q in QUANTILES)
            axis.errorbar(x, med, yerr=[med - lo, hi - med], fmt="o", color=colour[name],
                          label=lang.scenario(name), capsize=2, lw=1, ms=4)  # fmt: skip
        axis.set_xticks(range(len(columns)), names)
        axis.axhline(0, color="black", lw=0.6)
        axis.grid(axis="y", color="#e5e5e5", lw=0.6)
        axis.set_axisbelow(True)
        _title(axis, lang.t(title), 44)
        _number_axis(axis, lang)
    ax1.set_ylabel(lang.t("chart.dist.y", horizon=lang.years(final)))
    handles, labels = ax1.get_legend_handles_labels()
    _legend(fig, handles, labels)


def section(study: Study, numbers: Numbers, tags: Tagger) -> Section:
    """Who gains and who loses, after the value section: the chart, then the table."""
    lang = tags.lang
    return Section(
        "distribution",
        lang.t("sec.dist.title"),
        [lang.h("sec.dist.text")],
        figure=figure(study, numbers, lang, chart, "dist", 2.7),
        tables=[table(study, numbers, tags)],
    )
