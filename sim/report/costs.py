"""What each scenario costs: staff hours used and unmet, senior managers' attention, budget by
line, partners managed, breaches expected.

"Value points, not euros" is honest about the benefit, but the inputs are in hours and euros,
and a reader weighing a scenario needs them beside its value. Every figure comes from the runs'
own columns (sim/runs/columns.py): per future, the monthly mean over the whole horizon (the sum,
for breaches expected), then the median over the paired futures (`_p05`, `_p95`: the range that
holds nine in ten). Derived columns, each exact:

- hours asked for = `load` × `hours_capacity` (every department has the same hours, so the mean
  of the departments' loads times the total is the total asked for); unmet = asked − `hours_used`;
- per department: ÷ `model.city.departments`; per DGA: `dga_unmet` ÷ `model.city.dgas`;
- full-time equivalents (FTE): hours ÷ (FTE_HOURS_YEAR / 12), with 1 FTE = 1,607 h a year, the
  legal annual working time of a full-time post in the French civil service, local authorities
  included (décret n° 2000-815, art. 1; 35 h a week), ≈ 133.9 h a month;
- budget lines: `budget` × the split of sim.core.stages.course.budget_shares at the month's
  `proactivity` and `openness` (the model spends its whole budget, split so);
- `staff_load`: the mean department load (1 = exactly the hours the departments have).
"""

from __future__ import annotations

import pandas as pd

from sim.core.stages.course import BUDGET_LINES, budget_shares
from sim.report.layout import Section, Table
from sim.report.study import Study, quantiles
from sim.report.tags import Numbers, Tagger, esc, scenario

FTE_HOURS_YEAR = 1607  # h: the French legal annual working time of one full-time post
FTE_HOURS_MONTH = FTE_HOURS_YEAR / 12  # ≈ 133.9 h
LOAD = "staff_load"
# statistic -> its row in the table (catalogue key); in the order of the table
ROWS = (
    ("staff_hours_used", "cost.row.hours_used"),
    ("staff_hours_unmet", "cost.row.hours_unmet"),
    ("staff_fte_used", "cost.row.fte_used"),
    ("staff_fte_unmet", "cost.row.fte_unmet"),
    (LOAD, "cost.row.load"),
    ("dga_hours_unmet", "cost.row.dga_unmet"),
    ("budget_granted", "cost.row.budget"),
    *((f"budget_{line}", f"cost.row.budget_{line}") for line in BUDGET_LINES),
    ("partners_managed", "cost.row.partners"),
    ("breaches_expected", "cost.row.breaches"),
)


def monthly(runs: pd.DataFrame, departments: int, dgas: int) -> pd.DataFrame:
    """Each cost per run and month, in the brief's units (h per department or DGA, FTE, M€)."""
    asked = runs["load"] * runs["hours_capacity"]
    unmet = (asked - runs["hours_used"]).clip(lower=0.0)
    out = pd.DataFrame(
        {
            "replication": runs["replication"],
            "staff_hours_used": runs["hours_used"] / departments,
            "staff_hours_unmet": unmet / departments,
            "staff_fte_used": runs["hours_used"] / FTE_HOURS_MONTH,
            "staff_fte_unmet": unmet / FTE_HOURS_MONTH,
            LOAD: runs["load"],
            "dga_hours_unmet": runs["dga_unmet"] / dgas,
            "budget_granted": runs["budget"],
            "partners_managed": runs["partners"].astype(float),
            "breaches_expected": runs["breach_hazard"],
        }
    )
    shares = budget_shares(runs["proactivity"].to_numpy(), runs["openness"].to_numpy())
    for line in BUDGET_LINES:
        out[f"budget_{line}"] = runs["budget"].to_numpy() * shares[line]
    return out


def statistics(runs: pd.DataFrame, scenario_name: str, departments: int, dgas: int) -> dict:
    """Every cost of one scenario over its paired futures: median (named as the cost), `_p05`
    and `_p95` of the per-future monthly mean (of the sum, for breaches expected)."""
    part = monthly(runs[runs["scenario"] == scenario_name], departments, dgas)
    per_future = part.groupby("replication").mean()
    per_future["breaches_expected"] = part.groupby("replication")["breaches_expected"].sum()
    out: dict[str, float] = {}
    for stat, _ in ROWS:
        q = quantiles(per_future[stat].to_numpy(), stat)
        out |= {stat: q[f"{stat}_median"], f"{stat}_p05": q[f"{stat}_p05"],
                f"{stat}_p95": q[f"{stat}_p95"]}  # fmt: skip
    return out


def final_statistics(study: Study, runs: pd.DataFrame, scenario_name: str) -> dict[str, float]:
    """The costs of one scenario for the summary (`sim.report.study.summary_table`)."""
    departments, dgas = city(study)
    return statistics(runs, scenario_name, departments, dgas)


def city(study: Study) -> tuple[int, int]:
    """Departments and DGAs of the commune every scenario runs on."""
    data = study.base_model.get("city", {})
    return int(data.get("departments", 1)), int(data.get("dgas", 1))


def table(study: Study, numbers: Numbers, tags: Tagger) -> Table:
    """One row per cost, one column per scenario (ranked order); medians."""
    lang, level, final = tags.lang, study.resources, study.months
    order = numbers.ranking(level, study.scenarios, final)
    rows = []
    for stat, key in ROWS:
        label = lang.h(key, horizon=tags.horizon(final))
        rows.append([label] + [tags.num(level, x, "", final, stat) for x in order])
    head = [lang.h("cost.head")] + [scenario(lang, x) for x in order]
    n = tags.num(level, order[0], "", final, "replications")
    caption = lang.h("cost.caption", n=n, horizon=tags.horizon(final))
    return Table(head, rows, caption, "numbers costs")


def load_sentence(study: Study, numbers: Numbers, tags: Tagger) -> str:
    """The departments' load per scenario, with its range: above 1, a scenario asks for more
    staff hours than the commune has, and the work it plans is rationed."""
    lang, level, final = tags.lang, study.resources, study.months
    order = numbers.ranking(level, study.scenarios, final)

    def num(name: str, stat: str) -> str:
        return tags.num(level, name, "", final, stat)

    def part(x: str) -> str:
        low, high = num(x, f"{LOAD}_p05"), num(x, f"{LOAD}_p95")
        return lang.h("cost.load.one", x=num(x, LOAD), low=low, high=high, option=scenario(lang, x))

    parts = [part(x) for x in order]
    return lang.h(
        "cost.load",
        level=esc(lang.level(level)),
        staff=tags.inp(f"resource_levels.{level}.staff_hours"),
        loads=lang.join(parts),
    )


def section(study: Study, numbers: Numbers, tags: Tagger) -> Section:
    """What it costs, first after the brief (page 2): the load sentence, the FTE convention,
    the table."""
    lang = tags.lang
    text = [
        load_sentence(study, numbers, tags),
        lang.h(
            "cost.text",
            year=tags.inp("conventions.fte_hours_year"),
            month=tags.inp("conventions.fte_hours_month"),
        ),
    ]
    return Section("costs", lang.t("sec.costs.title"), text, tables=[table(study, numbers, tags)])


def conventions() -> dict[str, float]:
    """What scenarios.yaml records of the conversions the costs use (quoted by the text)."""
    return {"fte_hours_year": FTE_HOURS_YEAR, "fte_hours_month": round(FTE_HOURS_MONTH, 1)}
