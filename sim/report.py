"""The advisors' comparison report: numbers -> plain-words verdicts -> figures -> HTML and PDF.

`write_report(study, out)` writes report.html (one self-contained file: inline CSS and base64
PNG figures, no network request), report.pdf (matplotlib multi-page), runs.csv and summary.csv.
Every number the report quotes is a row of summary.csv (long format: resources, option, versus,
month, statistic, value), computed here from the runs table; the verdicts are generated from those
rows, never written by hand. Same study -> byte-identical files (fixed bootstrap seed, sorted keys,
no timestamps, PDF metadata without dates).

Statistics (paired replications = common random numbers: replication k uses the same seed in every
option): cumulative net public value at months 24, 72 and 144 (clipped to the horizon); the paired
difference leader − other, its median and a 95% bootstrap interval of that median; how many paired
futures have the leader ahead; Wilcoxon signed-rank test and rank-biserial effect size
(`sim.analysis.paired_test`); crossover month (`sim.analysis.crossover_month`); plateau level
(mean monthly flow over the final year) and plateau ratio (`sim.analysis.plateau_ratio`, share of
futures that have levelled off with a 95% Wilson interval).
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import yaml

from sim.analysis import crossover_month, paired_test, plateau_ratio, share_with_interval
from sim.files import atomic_write
from sim.value import DESTRUCTIONS, DIMENSIONS, HARRISON_VALUE_TYPES, JORGENSEN_BOZEMAN_VALUES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from sim.compare import Plan

TEMPLATES = Path(__file__).resolve().parent / "templates"
HORIZONS = (24, 72, 144)  # 2, 6 and 12 years: one and two six-year mandates
BOOTSTRAP = 2000  # resamples for the 95% intervals of medians
BOOTSTRAP_SEED = 20240605  # fixed: the same runs give the same intervals
CONFIDENCE = 0.95  # level of the bootstrap intervals
ALPHA = 0.05  # significance level of the paired tests
PLATEAU_THRESHOLD = 0.3  # P5: last-quarter slope ≤ 0.3 × peak slope = levelled off
PLATEAU_WINDOW = 12  # months: plateau level = mean monthly flow over the final year
PATHS_SHOWN = 15  # individual realised paths drawn per option
A4 = (8.27, 11.69)
RUNS_COLUMNS = (
    "resources",
    "scenario",
    "replication",
    "seed",
    "month",
    "proactivity",
    "openness",
    "infrastructure",
    "culture",
    "institutions",
    "load",
    "partners",
    "participation",
    "trust",
    "illectronism",
    "stale_share",
    "breaches",
    *(f"flow_{d}" for d in DIMENSIONS),
    *(f"destruction_{k}" for k in DESTRUCTIONS),
    "value_gross",
    "value_destroyed",
    "value_flow",
    "value_cumulative",
)
DIMENSION_LABELS = {
    "efficiency": "Efficiency",
    "engagement": "Citizen engagement",
    "quality_of_life": "Quality of life",
    "inclusion": "Social inclusion & equality",
    "connectivity": "Connectivity",
    "knowledge": "Knowledge creation & sharing",
    "cost_reduction": "Cost reduction",
    "scalability": "Scalability & transferability",
    "environment": "Environmental impact",
}
DESTRUCTION_LABELS = {
    "exclusion": "Exclusion (illectronisme)",
    "privacy": "Privacy harm (data breaches)",
    "footprint": "Environmental footprint",
    "stale_data": "Stale open data",
}


# ---- the study -----------------------------------------------------------------------------------
@dataclass
class Study:
    """What a report is made from: the runs and how they were produced."""

    options: list[str]
    resources: str  # main resource level
    runs: pd.DataFrame  # every run, with a `resources` column (main level and sensitivity levels)
    months: int
    seeds: list[int]
    sensitivity_seeds: list[int] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    base_model: dict[str, Any] = field(default_factory=dict)
    option_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    level_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)
    option_notes: dict[str, str] = field(default_factory=dict)  # the scenario files' comments

    @classmethod
    def from_plan(cls, plan: Plan, runs: pd.DataFrame, command: Sequence[str]) -> Study:
        from sim.compare import resource_levels

        levels = resource_levels()
        return cls(
            options=list(plan.options),
            resources=plan.resources,
            runs=runs,
            months=int(plan.settings["months"]),
            seeds=list(plan.seeds),
            sensitivity_seeds=list(plan.sensitivity_seeds) if plan.sensitivity else [],
            settings=dict(plan.settings),
            base_model=plan.base_model,
            option_files=plan.option_files,
            level_files={k: levels[k] for k in plan.sensitivity},
            command=list(command),
            option_notes={name: option_note(name) for name in plan.options},
        )

    @property
    def levels(self) -> list[str]:
        """Resource levels in the runs: the main one first, then by budget."""
        others = [x for x in dict.fromkeys(self.runs["resources"]) if x != self.resources]
        others.sort(key=lambda x: (self.level_files.get(x, {}).get("budget", math.inf), x))
        return [self.resources, *others]

    def at_level(self, level: str) -> pd.DataFrame:
        return self.runs[self.runs["resources"] == level]

    @property
    def main(self) -> pd.DataFrame:
        return self.at_level(self.resources)

    @property
    def replications(self) -> int:
        return len(self.seeds)

    @property
    def horizons(self) -> list[int]:
        return horizons(self.months)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(itertools.combinations(self.options, 2))


def option_note(name: str) -> str:
    """What a scenario file says about itself: its comment lines, joined."""
    from sim.scenarios import SCENARIO_DIR

    path = SCENARIO_DIR / f"{name}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    comments = [x.lstrip("#").strip() for x in lines if x.startswith("#") and "@package" not in x]
    return " ".join(c for c in comments if c)


def horizons(months: int) -> list[int]:
    """Months 24, 72 and 144, clipped to the horizon (duplicates removed)."""
    return sorted({min(h, months) for h in HORIZONS})


# ---- statistics ----------------------------------------------------------------------------------
def bootstrap_median_ci(values: Iterable[float], seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """Percentile-bootstrap interval (CONFIDENCE) of the median (fixed seed: reproducible)."""
    x = np.asarray(list(values), dtype=float)
    if x.size == 0:
        return math.nan, math.nan
    if x.size == 1:
        return float(x[0]), float(x[0])
    rng = np.random.default_rng(seed)
    medians = np.median(x[rng.integers(0, x.size, size=(BOOTSTRAP, x.size))], axis=1)
    tail = 100 * (1 - CONFIDENCE) / 2
    low, high = np.percentile(medians, [tail, 100 - tail])
    return float(low), float(high)


def values_at(runs: pd.DataFrame, column: str, month: int) -> pd.DataFrame:
    """`column` at `month`: one row per replication, one column per option."""
    part = runs[runs["month"] == month]
    return part.pivot(index="replication", columns="scenario", values=column).sort_index()


def leader_of(a_values: np.ndarray, b_values: np.ndarray, a: str, b: str) -> tuple[str, str]:
    """(leader, other): the option with the larger median paired difference, ties by count."""
    diff = np.asarray(b_values) - np.asarray(a_values)
    median = float(np.median(diff))
    if median > 0 or (median == 0 and (diff > 0).sum() > (diff < 0).sum()):
        return b, a
    return a, b


def pair_statistics(leader: np.ndarray, other: np.ndarray) -> dict[str, float]:
    """Paired comparison leader − other over replications (the verdict's numbers)."""
    leader, other = np.asarray(leader, dtype=float), np.asarray(other, dtype=float)
    diff = leader - other
    test = paired_test(other, leader)
    low, high = bootstrap_median_ci(diff)
    reference = float(np.median(other))
    median = float(np.median(diff))
    return {
        "replications": float(diff.size),
        "ahead_count": float((diff > 0).sum()),
        "behind_count": float((diff < 0).sum()),
        "diff_median": median,
        "diff_ci_low": low,
        "diff_ci_high": high,
        "diff_percent": 100.0 * median / abs(reference) if reference != 0 else math.nan,
        "p_value": test["p_value"],
        "effect_size": test["effect_size"],
    }


def _per_run(runs: pd.DataFrame, option: str) -> dict[int, pd.DataFrame]:
    part = runs[runs["scenario"] == option].sort_values(["replication", "month"])
    return dict(tuple(part.groupby("replication")))


def crossover_statistics(runs: pd.DataFrame, leader: str, other: str) -> dict[str, float]:
    """Month from which `leader` stays ahead of `other`, over the paired futures that cross."""
    lead, oth = _per_run(runs, leader), _per_run(runs, other)
    months = [crossover_month(oth[k], lead[k]) for k in sorted(lead) if k in oth]
    found = [m for m in months if m is not None]
    low, high = bootstrap_median_ci(found)
    return {
        "crossover_count": float(len(found)),
        "crossover_replications": float(len(months)),
        "crossover_median": float(np.median(found)) if found else math.nan,
        "crossover_ci_low": low,
        "crossover_ci_high": high,
    }


def _plateau_ratio(run: pd.DataFrame) -> float:
    if len(run) < 2 * PLATEAU_WINDOW:
        return math.nan
    try:
        return plateau_ratio(run, PLATEAU_WINDOW)
    except (ValueError, np.linalg.LinAlgError):  # pragma: no cover (degenerate flows)
        return math.nan


def plateau_statistics(runs: pd.DataFrame, option: str) -> dict[str, float]:
    """Plateau level (mean flow over the final year) and how many futures have levelled off."""
    per_run = _per_run(runs, option)
    levels = [float(r["value_flow"].iloc[-PLATEAU_WINDOW:].mean()) for r in per_run.values()]
    ratios = np.array([_plateau_ratio(r) for r in per_run.values()])
    flat = ratios <= PLATEAU_THRESHOLD
    share, share_low, share_high = share_with_interval(flat)
    low, high = bootstrap_median_ci(levels)
    return {
        "plateau_level_median": float(np.median(levels)),
        "plateau_level_ci_low": low,
        "plateau_level_ci_high": high,
        "plateau_count": float(flat.sum()),
        "plateau_share": share,
        "plateau_share_ci_low": share_low,
        "plateau_share_ci_high": share_high,
    }


def _quantiles(values: np.ndarray, prefix: str) -> dict[str, float]:
    q = np.percentile(np.asarray(values, dtype=float), [5, 25, 50, 75, 95])
    names = ("p05", "p25", "median", "p75", "p95")
    return {f"{prefix}_{n}": float(v) for n, v in zip(names, q, strict=True)}


def summary_table(study: Study) -> pd.DataFrame:
    """Every number of the report, long format: resources, option, versus, month, statistic."""
    rows: list[tuple[str, str, str, int, str, float]] = []

    def add(level: str, option: str, versus: str, month: int, stats: Mapping[str, float]) -> None:
        rows.extend((level, option, versus, month, k, float(v)) for k, v in stats.items())

    for level in study.levels:
        runs = study.at_level(level)
        n = runs["replication"].nunique()
        for month in study.horizons:
            table = values_at(runs, "value_cumulative", month)
            for option in study.options:
                stats = {"replications": n, **_quantiles(table[option].to_numpy(), "value")}
                add(level, option, "", month, stats)
            ranking = sorted(study.options, key=lambda o: (-table[o].median(), o))
            for option in study.options:
                add(level, option, "", month, {"rank": ranking.index(option) + 1})
            for a, b in study.pairs:
                lead, other = leader_of(table[a], table[b], a, b)
                add(level, lead, other, month, pair_statistics(table[lead], table[other]))
        if level != study.resources:
            continue
        final = study.months
        for option in study.options:
            totals = runs[runs["scenario"] == option].groupby("replication").sum(numeric_only=True)
            stats = {}
            for d in DIMENSIONS:
                stats |= _quantiles(totals[f"flow_{d}"].to_numpy(), f"net_{d}")
            for k in DESTRUCTIONS:
                stats |= _quantiles(totals[f"destruction_{k}"].to_numpy(), f"destruction_{k}")
            stats |= _quantiles(totals["value_gross"].to_numpy(), "gross")
            stats |= _quantiles(totals["value_destroyed"].to_numpy(), "destroyed")
            stats |= plateau_statistics(runs, option)
            add(level, option, "", final, stats)
        table = values_at(runs, "value_cumulative", final)
        for a, b in study.pairs:
            lead, other = leader_of(table[a], table[b], a, b)
            add(level, lead, other, final, crossover_statistics(runs, lead, other))
    return pd.DataFrame(
        rows, columns=["resources", "option", "versus", "month", "statistic", "value"]
    )


class Numbers:
    """Look-ups into the summary table."""

    def __init__(self, summary: pd.DataFrame) -> None:
        self.table = {
            (r.resources, r.option, r.versus, int(r.month), r.statistic): float(r.value)
            for r in summary.itertuples(index=False)
        }

    def get(self, level: str, option: str, versus: str, month: int, stat: str) -> float:
        return self.table[(level, option, "" if versus is None else versus, month, stat)]

    def pair(self, level: str, a: str, b: str, month: int, stat: str) -> tuple[str, str, float]:
        """(leader, other, value) for the pair {a, b}."""
        for lead, other in ((a, b), (b, a)):
            key = (level, lead, other, month, stat)
            if key in self.table:
                return lead, other, self.table[key]
        raise KeyError((level, a, b, month, stat))


# ---- plain words ---------------------------------------------------------------------------------
def fmt_value(x: float) -> str:
    """Value units: three significant figures at most, no false precision."""
    if not math.isfinite(x):
        return "n/a"
    size = abs(x)
    if size >= 100:
        return f"{x:.0f}"
    if size >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def fmt_percent(x: float) -> str:
    return "n/a" if not math.isfinite(x) else (f"{x:.0f}" if abs(x) >= 10 else f"{x:.1f}")


def fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_effect(r: float) -> str:
    return f"{r:.2f}"


def fmt_count(x: float) -> str:
    return f"{x:.0f}"


def fmt_month(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.0f}"


def fmt_share(x: float) -> str:
    return f"{100 * x:.0f}"


FORMATS: dict[str, Callable[[float], str]] = {
    "replications": fmt_count,
    "ahead_count": fmt_count,
    "behind_count": fmt_count,
    "diff_median": fmt_value,
    "diff_ci_low": fmt_value,
    "diff_ci_high": fmt_value,
    "diff_percent": fmt_percent,
    "p_value": fmt_p,
    "effect_size": fmt_effect,
}


def effect_label(r: float) -> str:
    """Conventional reading of a rank-biserial correlation."""
    size = abs(r)
    if size < 0.1:
        return "negligible"
    if size < 0.3:
        return "small"
    if size < 0.5:
        return "moderate"
    return "large"


def years_text(month: int) -> str:
    y = month / 12
    text = f"{y:.0f}" if month % 12 == 0 else f"{y:.1f}"
    return f"{text} year" + ("" if text == "1" else "s")


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _opt(name: str) -> str:
    return f'<span class="option">{_e(name)}</span>'


def _struct(text: str, kind: str) -> str:
    return f'<span class="struct" data-kind="{kind}">{_e(text)}</span>'


def _num(numbers: Numbers, level: str, lead: str, other: str, month: int, stat: str) -> str:
    """A quoted number, tagged with the summary row it comes from."""
    value = numbers.get(level, lead, other, month, stat)
    return (
        f'<span class="num" data-resources="{_e(level)}" data-option="{_e(lead)}" '
        f'data-versus="{_e(other)}" data-month="{month}" data-stat="{stat}">'
        f"{_e(FORMATS[stat](value))}</span>"
    )


def verdict(study: Study, numbers: Numbers, a: str, b: str) -> str:
    """One paragraph (HTML) comparing two options; every number is a tagged summary value."""
    level, n_total = study.resources, study.replications
    level_text = _struct(f"{100 * CONFIDENCE:.0f}%", "level")
    sentences: list[str] = []
    leaders: list[str | None] = []
    for month in study.horizons:
        lead, other, _ = numbers.pair(level, a, b, month, "ahead_count")
        leaders.append(lead)

        def num(stat: str, lead: str = lead, other: str = other, month: int = month) -> str:
            return _num(numbers, level, lead, other, month, stat)

        when = (
            f"At {_struct(years_text(month), 'years')} (month {_struct(str(month), 'month')})"
            + (", the end of the horizon" if month == study.months else "")
        )
        ahead = numbers.get(level, lead, other, month, "ahead_count")
        behind = numbers.get(level, lead, other, month, "behind_count")
        if ahead == 0 and behind == 0:
            sentences.append(
                f"{when}, {_opt(a)} and {_opt(b)} give exactly the same value in every simulated "
                "future: the two options have not diverged yet."
            )
            leaders[-1] = None
            continue
        if ahead == behind and numbers.get(level, lead, other, month, "diff_median") == 0:
            sentences.append(
                f"{when}, {_opt(a)} and {_opt(b)} are level: each is ahead in "
                f"{num('ahead_count')} of {_struct(str(n_total), 'replications')} simulated "
                "futures."
            )
            continue
        text = (
            f"{when}, {_opt(lead)} is ahead of {_opt(other)} in {num('ahead_count')} of "
            f"{_struct(str(n_total), 'replications')} simulated futures; in the typical future "
            f"the gap is {num('diff_median')} value units ({level_text} interval "
            f"{num('diff_ci_low')} to {num('diff_ci_high')})"
        )
        if math.isfinite(numbers.get(level, lead, other, month, "diff_percent")):
            text += f", that is {num('diff_percent')}% of {_opt(other)}'s median value"
        p = numbers.get(level, lead, other, month, "p_value")
        r = numbers.get(level, lead, other, month, "effect_size")
        if p < ALPHA:
            text += (
                f". The gap is statistically significant ({num('p_value')}) and its effect size "
                f"is {effect_label(r)} ({num('effect_size')})."
            )
        else:
            text += (
                f". The gap could be chance ({num('p_value')}, not significant; effect size "
                f"{effect_label(r)}, {num('effect_size')})."
            )
        sentences.append(text)
    diverged = [x for x in leaders if x is not None]
    if not diverged:
        closing = "Over this horizon, the choice between them makes no difference."
    elif len(set(leaders)) == 1:
        closing = f"At every horizon, {_opt(leaders[0])} leads."
    else:
        closing = (
            f"The lead changes over time: {_opt(diverged[0])} is ahead first, "
            f"{_opt(diverged[-1])} at the end."
        )
    final = study.months
    for other_level in study.levels[1:]:
        try:
            lead, _, _ = numbers.pair(other_level, a, b, final, "ahead_count")
        except KeyError:  # pragma: no cover
            continue
        if leaders[-1] is None:
            continue
        if lead == leaders[-1]:
            closing += f" With {_e(other_level)} resources the order at the end is the same."
        else:
            closing += (
                f" With {_e(other_level)} resources the order at the end flips: "
                f"{_opt(lead)} comes first."
            )
    return " ".join([*sentences, closing])


def plain(html_text: str) -> str:
    """The verdict's HTML as plain text (for the PDF)."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def assumptions(study: Study) -> list[str]:
    """What the model takes for granted, in the vocabulary of French local administration."""
    m = study.base_model
    res, par = m["resources"], m["parameters"]
    city = m["city"]
    return [
        f"The commune is described by its services: {city['departments']} departments (voirie, "
        f"espaces verts, action sociale, DSI…), {city['dgas']} DGA (deputy directors-general) "
        f"steering them, {city['citizens']} simulated residents and {city['partner_pool']} "
        "potential partners (vendors, start-ups, associations, universities).",
        "Governance is a point in the proactivity × openness plane: proactive means strong "
        "political and administrative steering (the maire and the COPIL decide, the DGA push "
        "deployment); open means working across silos and with residents and partners "
        "(participation platform, open data, co-construction).",
        f"Resources per month: a smart-city budget of {res['budget']} M€, {res['staff_hours']} "
        f"hours of digital staff time per department and {res['dga_hours']} hours of DGA "
        "attention. Every partnership and every resident contribution costs staff hours; when "
        "demand exceeds hours, departments ration.",
        "Technology comes first: organisational culture only grows once infrastructure exists, "
        "and institutions (data-governance charters, participation frameworks) only once the "
        "culture has changed.",
        f"Open data goes stale after {par['stale_after']} months without an update; a stale "
        "catalogue counts as value destroyed, not created.",
        f"Municipal elections every {m['election_interval']} months (one mandat); a new maire "
        "resets commitment but, unless the option says otherwise, keeps the trajectory.",
        "Public value is counted on nine dimensions (Csukás & Szabó), net of four kinds of "
        "destruction: exclusion of residents in illectronisme, privacy harm from data breaches, "
        "environmental footprint of the equipment, and stale open data.",
        "Each simulated future draws its own residents, partners and chance events; the same "
        "future is replayed under every option (paired comparison), so differences come from the "
        "options, not from luck of the draw.",
    ]


LIMITS = [
    "Value is counted in model units, not euros: compare options with each other, never read "
    "a level as a budget figure.",
    "The model is not calibrated on your commune: it explores the mechanisms found in French "
    "smart-city programmes, it does not forecast one city.",
    "Monthly participation is higher than what participatory budgets usually see, and "
    "participation is less concentrated than in reality.",
    "The maire and the COPIL do not adapt: the budget split does not react to bottlenecks, "
    "legitimacy or elections; only the phased option's switch depends on the state of the city.",
    "No neighbourhoods, no social networks, no intercommunalité (EPCI), no national programmes; "
    "vendors are always under contract.",
    "DGA attention rarely binds with the default portfolios; tight resources act through budget "
    "and staff hours.",
    "Institutions start from zero, so early contributions go unanswered and erode trust; this "
    "drives the early advantage of proactive steering.",
    "Paired futures are only partly paired: once partner numbers differ, the chance events of "
    "two options drift apart.",
    "Many constants are fixed in the code and are not varied by any sensitivity analysis.",
]

GLOSSARY = [
    ("COPIL", "comité de pilotage: the steering committee chaired by the maire or an élu."),
    ("DGA", "directeur·rice général·e adjoint·e: deputy director-general over several services."),
    ("DSI", "direction des systèmes d'information: the commune's IT department."),
    ("Mandat", "the six-year term of a municipal council, ended by municipal elections."),
    ("Open data", "data the commune publishes for anyone to reuse; useless once stale."),
    ("Illectronisme", "difficulty or inability to use digital tools (INSEE's term)."),
    ("Médiation numérique", "help that brings residents in illectronisme to online services."),
    ("Proactive", "strong top-down steering: infrastructure first, decided centrally."),
    ("Open", "working across silos and with residents and partners from the start."),
    ("Phased", "proactive until the city is ready, then opening up."),
    ("Combined", "proactive steering and openness together from the start."),
    ("Simulated future", "one run of the model with one draw of chance; options share futures."),
    ("Median", "the middle value: half the futures do better, half worse."),
    ("50% / 90% band", "the range holding the middle half / the middle nine tenths of futures."),
    (
        "95% interval",
        "the range where the typical gap lies, allowing for the finite number of "
        "futures (bootstrap).",
    ),
    ("Significant", "a gap too consistent across paired futures to be chance (Wilcoxon test)."),
    ("Effect size", "from −1 to 1: how consistently one option beats the other across futures."),
    ("Crossover", "the month from which an option stays ahead of another for good."),
    ("Plateau", "value still grows but the monthly gain has stopped rising."),
]


def how_to_read(study: Study, numbers: Numbers) -> str:
    n = study.replications
    a, b = study.pairs[0]
    lead, other, ahead = numbers.pair(study.resources, a, b, study.months, "ahead_count")
    return (
        f"Each option was simulated in {n} futures: the same {n} draws of chance (residents, "
        "partners, incidents, elections) replayed under every option, so that every future gives "
        f"a like-for-like comparison. \u201c{lead} is ahead of {other} in {fmt_count(ahead)} of "
        f"{n} simulated futures\u201d means that in {fmt_count(ahead)} of those paired futures "
        f"{lead} had created more net public value by then. The typical gap is the median of the "
        "paired gaps; its 95% interval says how precisely the runs pin it down. A gap is called "
        "significant when a Wilcoxon signed-rank test over the paired futures gives p below "
        f"{ALPHA}; the effect size (rank-biserial, from −1 to 1) says how consistently the "
        "leader wins. Bands on the charts hold the middle half (50%) and the middle nine tenths "
        "(90%) of the futures. Value is counted in model units: compare options, not levels."
    )


# ---- figures -------------------------------------------------------------------------------------
def _colours(options: Sequence[str]) -> dict[str, str]:
    from sim.plots import scenario_colours

    return scenario_colours(list(options))


def _rc() -> dict[str, Any]:
    return {
        "font.size": 8.5,
        "axes.titlesize": 9.5,
        "axes.labelsize": 8.5,
        "legend.fontsize": 7.5,
        "svg.hashsalt": "govsim",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _bands(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    q = runs.groupby(["scenario", "month"])[column].quantile([0.05, 0.25, 0.5, 0.75, 0.95])
    out = q.unstack()
    out.columns = ["p05", "p25", "p50", "p75", "p95"]
    return out.reset_index()


def _band(ax: Any, table: pd.DataFrame, colour: str, label: str) -> None:
    ax.fill_between(table["month"], table["p05"], table["p95"], color=colour, alpha=0.13, lw=0)
    ax.fill_between(table["month"], table["p25"], table["p75"], color=colour, alpha=0.3, lw=0)
    ax.plot(table["month"], table["p50"], color=colour, lw=1.8, label=label)


Rect = tuple[float, float, float, float]  # left, bottom, right, top in figure fraction
FULL: Rect = (0.0, 0.0, 1.0, 1.0)


def _grid(fig: Figure, rect: Rect = FULL, ncols: int = 2, **kw: Any) -> list[Any]:
    """`ncols` axes side by side inside `rect`; margins in `kw` are fractions of the rect."""
    spec = {"left": 0.09, "right": 0.98, "bottom": 0.13, "top": 0.88, "wspace": 0.28} | kw
    x0, y0, x1, y1 = rect
    grid = fig.add_gridspec(
        1,
        ncols,
        left=x0 + spec["left"] * (x1 - x0),
        right=x0 + spec["right"] * (x1 - x0),
        bottom=y0 + spec["bottom"] * (y1 - y0),
        top=y0 + spec["top"] * (y1 - y0),
        wspace=spec["wspace"],
    )
    return [fig.add_subplot(grid[0, i]) for i in range(ncols)]


def chart_value(sub: Figure, study: Study, rect: Rect = FULL) -> None:
    runs, colours = study.main, _colours(study.options)
    ax1, ax2 = _grid(sub, rect)
    table = _bands(runs, "value_cumulative")
    for option in study.options:
        _band(ax1, table[table["scenario"] == option], colours[option], option)
    for ax in (ax1, ax2):
        for month in study.horizons:
            ax.axvline(month, color="#999999", lw=0.7, ls=":")
        ax.set_xlabel("month (12 = one year)")
    ax1.set_ylabel("cumulative net public value (model units)")
    ax1.set_title("Value over time: median, 50% and 90% bands")
    ax1.legend(loc="upper left", frameon=False)
    final = values_at(runs, "value_cumulative", study.months)
    pair_colours = itertools.cycle(["#444444", "#8c564b", "#17becf", "#bcbd22", "#e377c2"])
    for (a, b), colour in zip(study.pairs, pair_colours, strict=False):
        lead, other = leader_of(final[a], final[b], a, b)
        wide = runs.pivot_table(
            index=["replication", "month"], columns="scenario", values="value_cumulative"
        )
        gap = (wide[lead] - wide[other]).rename("gap").reset_index()
        gap["scenario"] = "gap"
        _band(ax2, _bands(gap, "gap"), colour, f"{lead} − {other}")
    ax2.axhline(0, color="black", lw=0.8)
    ax2.set_ylabel("paired gap (leader − other)")
    ax2.set_title("Gap between options in the same futures")
    ax2.legend(loc="upper left", frameon=False)


def chart_dimensions(sub: Figure, study: Study, numbers: Numbers, rect: Rect = FULL) -> None:
    colours, level, m = _colours(study.options), study.resources, study.months
    ax1, ax2 = _grid(sub, rect, left=0.25, wspace=0.85, bottom=0.1)
    n = len(study.options)
    height = 0.8 / n
    for axis, keys, prefix, labels, title in (
        (ax1, DIMENSIONS, "net", DIMENSION_LABELS, "Net value by dimension"),
        (ax2, DESTRUCTIONS, "destruction", DESTRUCTION_LABELS, "Value destroyed, by kind"),
    ):
        y = np.arange(len(keys))
        for i, option in enumerate(study.options):
            med = np.array(
                [numbers.get(level, option, "", m, f"{prefix}_{k}_median") for k in keys]
            )
            lo = np.array([numbers.get(level, option, "", m, f"{prefix}_{k}_p05") for k in keys])
            hi = np.array([numbers.get(level, option, "", m, f"{prefix}_{k}_p95") for k in keys])
            pos = y - 0.4 + height * (i + 0.5)
            axis.barh(pos, med, height=height * 0.9, color=colours[option], label=option)
            axis.errorbar(med, pos, xerr=[med - lo, hi - med], fmt="none", ecolor="#333333", lw=0.7)
        axis.set_yticks(y, [labels[k] for k in keys])
        axis.invert_yaxis()
        axis.axvline(0, color="black", lw=0.7)
        axis.set_title(title)
        axis.set_xlabel(f"sum over {m} months (median, 90% range)")
    ax1.legend(loc="lower right", frameon=False)


def chart_paths(sub: Figure, study: Study, rect: Rect = FULL) -> None:
    runs, colours = study.main, _colours(study.options)
    ax1, ax2 = _grid(sub, rect, wspace=0.3)
    ax1.set_aspect("equal")
    for option in study.options:
        part = runs[runs["scenario"] == option]
        for k in sorted(part["replication"].unique())[:PATHS_SHOWN]:
            r = part[part["replication"] == k]
            ax1.plot(r["proactivity"], r["openness"], color=colours[option], lw=0.5, alpha=0.25)
        med = part.groupby("month")[["proactivity", "openness"]].median()
        ax1.plot(med["proactivity"], med["openness"], color=colours[option], lw=2, label=option)
        for month in study.horizons:
            ax1.plot(*med.loc[month], "o", color=colours[option], ms=4)
            ax1.annotate(
                f"m{month}", med.loc[month], fontsize=6.5, xytext=(3, 3), textcoords="offset points"
            )
        ax2.plot(med.index, med["openness"], color=colours[option], lw=1.8, label=option)
        ax2.plot(med.index, med["proactivity"], color=colours[option], lw=1.2, ls="--")
    ax1.set_xlim(0, 1)
    ax1.set_ylim(0, 1)
    ax1.set_xlabel("proactivity (steering by the maire, the COPIL, the DGA)")
    ax1.set_ylabel("openness (across silos, residents, partners)")
    ax1.set_title("Realised paths (median bold, individual futures thin)")
    ax1.legend(loc="lower left", frameon=False)
    ax2.set_ylim(0, 1)
    ax2.set_xlabel("month")
    ax2.set_title("Openness (solid) and proactivity (dashed), medians")


def chart_crossover(sub: Figure, study: Study, numbers: Numbers, rect: Rect = FULL) -> None:
    runs, colours, level, m = study.main, _colours(study.options), study.resources, study.months
    ax1, ax2 = _grid(sub, rect, left=0.16, wspace=0.45)
    labels = []
    for i, (a, b) in enumerate(study.pairs):
        lead, other, _ = numbers.pair(level, a, b, m, "crossover_median")
        lead_runs, other_runs = _per_run(runs, lead), _per_run(runs, other)
        months = [crossover_month(other_runs[k], lead_runs[k]) for k in sorted(lead_runs)]
        found = np.array([x for x in months if x is not None], dtype=float)
        if found.size:
            offsets = np.linspace(-0.25, 0.25, found.size)
            ax1.plot(found, i + offsets, "o", color=colours[lead], ms=3, alpha=0.6)
        med = numbers.get(level, lead, other, m, "crossover_median")
        lo = numbers.get(level, lead, other, m, "crossover_ci_low")
        hi = numbers.get(level, lead, other, m, "crossover_ci_high")
        if math.isfinite(med):
            ax1.errorbar([med], [i], xerr=[[med - lo], [hi - med]], fmt="D", color="black", ms=5)
        labels.append(f"{lead}\nstays ahead of\n{other}")
    ax1.set_yticks(range(len(labels)), labels)
    ax1.set_xlim(0, m + 1)
    ax1.set_xlabel("crossover month (dots: futures; diamond: median, 95% interval)")
    ax1.set_title("When the leader takes the lead for good")
    for i, option in enumerate(study.options):
        per_run = _per_run(runs, option)
        levels = np.array([r["value_flow"].iloc[-PLATEAU_WINDOW:].mean() for r in per_run.values()])
        offsets = np.linspace(-0.25, 0.25, levels.size)
        ax2.plot(levels, i + offsets, "o", color=colours[option], ms=3, alpha=0.6)
        med = numbers.get(level, option, "", m, "plateau_level_median")
        lo = numbers.get(level, option, "", m, "plateau_level_ci_low")
        hi = numbers.get(level, option, "", m, "plateau_level_ci_high")
        ax2.errorbar([med], [i], xerr=[[med - lo], [hi - med]], fmt="D", color="black", ms=5)
    ax2.set_yticks(range(len(study.options)), study.options)
    ax2.set_xlabel("mean monthly value over the final year")
    ax2.set_title("Plateau level (dots: futures; diamond: median, 95% interval)")


def chart_sensitivity(sub: Figure, study: Study, numbers: Numbers, rect: Rect = FULL) -> None:
    colours, m = _colours(study.options), study.months
    (ax,) = _grid(sub, rect, ncols=1, left=0.1, right=0.75)
    levels = study.levels
    n = len(study.options)
    for i, option in enumerate(study.options):
        x = np.arange(len(levels)) + (i - (n - 1) / 2) * 0.08
        med = np.array([numbers.get(lv, option, "", m, "value_median") for lv in levels])
        lo = np.array([numbers.get(lv, option, "", m, "value_p05") for lv in levels])
        hi = np.array([numbers.get(lv, option, "", m, "value_p95") for lv in levels])
        ax.errorbar(
            x,
            med,
            yerr=[med - lo, hi - med],
            fmt="o-",
            color=colours[option],
            label=option,
            capsize=2,
            lw=1.2,
            ms=4,
        )
    ticks = []
    for lv in levels:
        n_runs = numbers.get(lv, study.options[0], "", m, "replications")
        ticks.append(f"{lv}\n({fmt_count(n_runs)} futures)")
    ax.set_xticks(range(len(levels)), ticks)
    ax.set_ylabel(f"cumulative net value at month {m}")
    ax.set_title("Resource sensitivity: median and 90% range per option")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)


def _figure(size: tuple[float, float]) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=size)


def _png(draw: Callable[[Figure], None], size: tuple[float, float] = (10, 4.4)) -> str:
    import matplotlib

    with matplotlib.rc_context(_rc()):
        fig = _figure(size)
        draw(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


# ---- report content ------------------------------------------------------------------------------
@dataclass
class Section:
    """One section: a title, paragraphs, an optional chart and optional preformatted tables."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)  # HTML (escaped) paragraphs
    chart: Callable[[Any], None] | None = None
    chart_size: tuple[float, float] = (10, 4.4)
    alt: str = ""
    table: list[list[str]] = field(default_factory=list)  # header row first
    bullets: list[str] = field(default_factory=list)
    glossary: list[tuple[str, str]] = field(default_factory=list)
    pre: list[tuple[str, str]] = field(default_factory=list)  # (caption, monospace text)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=True, allow_unicode=True, width=100).rstrip()


def sections(study: Study, numbers: Numbers) -> list[Section]:
    """Everything after the verdicts, in order (shared by the HTML and the PDF)."""
    level, m, n = study.resources, study.months, study.replications
    out = []
    header = ["option", *[f"month {h}" for h in study.horizons]]
    rows = [header]
    for option in study.options:
        cells = [option]
        for h in study.horizons:
            med = numbers.get(level, option, "", h, "value_median")
            lo = numbers.get(level, option, "", h, "value_p05")
            hi = numbers.get(level, option, "", h, "value_p95")
            cells.append(f"{fmt_value(med)} [{fmt_value(lo)}, {fmt_value(hi)}]")
        rows.append(cells)
    out.append(
        Section(
            "value",
            "Value over time",
            [
                "Left: cumulative net public value (value created minus value destroyed) of each "
                f"option over {m} months; the line is the median of the {n} futures, the dark "
                "band holds the middle half of them and the light band nine in ten. Right: the "
                "gap between two options within the same futures; where its band lies above "
                "zero, the leader is ahead in nearly every future. Dotted lines mark the months "
                "of the verdicts. Table: median [5%, 95%] of the futures."
            ],
            chart=lambda fig, rect=FULL: chart_value(fig, study, rect),
            alt="Cumulative value over time per option with bands, and paired gaps",
            table=rows,
        )
    )
    rows = [["dimension", *study.options, "what it stands for"]]
    for d in DIMENSIONS:
        cells = [DIMENSION_LABELS[d]]
        for option in study.options:
            med = numbers.get(level, option, "", m, f"net_{d}_median")
            lo = numbers.get(level, option, "", m, f"net_{d}_p05")
            hi = numbers.get(level, option, "", m, f"net_{d}_p95")
            cells.append(f"{fmt_value(med)} [{fmt_value(lo)}, {fmt_value(hi)}]")
        cells.append(
            "value types: "
            + ", ".join(HARRISON_VALUE_TYPES[d])
            + "; public values: "
            + ", ".join(JORGENSEN_BOZEMAN_VALUES[d])
        )
        rows.append(cells)
    for k in DESTRUCTIONS:
        cells = [f"destroyed: {DESTRUCTION_LABELS[k]}"]
        for option in study.options:
            med = numbers.get(level, option, "", m, f"destruction_{k}_median")
            lo = numbers.get(level, option, "", m, f"destruction_{k}_p05")
            hi = numbers.get(level, option, "", m, f"destruction_{k}_p95")
            cells.append(f"{fmt_value(med)} [{fmt_value(lo)}, {fmt_value(hi)}]")
        cells.append("subtracted from the dimension it erodes")
        rows.append(cells)
    out.append(
        Section(
            "dimensions",
            "Where the value comes from, and what is destroyed",
            [
                f"Net value on each of the nine dimensions of smart-city value (Csukás & Szabó), "
                f"summed over the {m} months, and the four kinds of value destruction: exclusion "
                "of residents in illectronisme, privacy harm from data breaches, the "
                "environmental footprint of equipment, and open data left to go stale. Bars are "
                "medians over the futures, whiskers the 90% range. The last column links each "
                "dimension to Harrison et al.'s public value types and Jørgensen & Bozeman's "
                "public values."
            ],
            chart=lambda fig, rect=FULL: chart_dimensions(fig, study, numbers, rect),
            chart_size=(10, 4.6),
            alt="Net value by dimension and value destroyed by kind, per option",
            table=rows,
        )
    )
    out.append(
        Section(
            "paths",
            "The paths actually taken",
            [
                "Each option sets a course in the grid of proactivity (steering by the maire, the "
                "COPIL and the DGA) and openness (across silos, towards residents and partners). "
                "What the commune actually does depends on the maire's commitment, elections and, "
                "for the phased option, on when the city is ready. Left: realised paths (bold: "
                f"median; thin: the first {min(PATHS_SHOWN, n)} futures; dots at the verdict "
                "months). Right: openness and proactivity over time."
            ],
            chart=lambda fig, rect=FULL: chart_paths(fig, study, rect),
            chart_size=(10, 4.6),
            alt="Realised paths in the proactivity × openness plane",
        )
    )
    rows = [["pair", "futures where the leader ends ahead", "crossover month, median", "95% int."]]
    for a, b in study.pairs:
        lead, other, count = numbers.pair(level, a, b, m, "crossover_count")
        med = numbers.get(level, lead, other, m, "crossover_median")
        lo = numbers.get(level, lead, other, m, "crossover_ci_low")
        hi = numbers.get(level, lead, other, m, "crossover_ci_high")
        rows.append(
            [
                f"{lead} over {other}",
                f"{fmt_count(count)} of {n}",
                fmt_month(med),
                f"{fmt_month(lo)}–{fmt_month(hi)}",
            ]
        )
    rows.append(["option", "plateau level, median [95% int.]", "levelled off", "95% int."])
    for option in study.options:
        get = lambda s, o=option: numbers.get(level, o, "", m, s)  # noqa: E731
        rows.append(
            [
                option,
                f"{fmt_value(get('plateau_level_median'))} "
                f"[{fmt_value(get('plateau_level_ci_low'))}, "
                f"{fmt_value(get('plateau_level_ci_high'))}]",
                f"{fmt_count(get('plateau_count'))} of {n}",
                f"{fmt_share(get('plateau_share_ci_low'))}–{fmt_share(get('plateau_share_ci_high'))}%",
            ]
        )
    out.append(
        Section(
            "crossover",
            "Crossover and plateau",
            [
                "Crossover: the month from which the option ahead at the end stays ahead for good "
                "(month 1 means it is never behind), over the futures where it does end ahead; "
                "the 95% interval of the median is a bootstrap with a fixed seed. Plateau: the "
                "mean monthly value over the final year; an option has levelled off in a future "
                f"when the trend of its monthly value over the last quarter is at most "
                f"{PLATEAU_THRESHOLD} times its steepest rise (resource tension: staff hours and "
                "coordination time run out). The share of futures that level off has a 95% "
                "Wilson interval."
            ],
            chart=lambda fig, rect=FULL: chart_crossover(fig, study, numbers, rect),
            alt="Crossover months per pair and plateau level per option",
            table=rows,
        )
    )
    main_rank = sorted(study.options, key=lambda o: numbers.get(level, o, "", m, "rank"))
    paragraphs = []
    rows = [["resources", "futures", "ranking at the end (first to last)", "same as " + level]]
    for lv in study.levels:
        rank = sorted(study.options, key=lambda o, lv=lv: numbers.get(lv, o, "", m, "rank"))
        n_runs = numbers.get(lv, study.options[0], "", m, "replications")
        rows.append(
            [
                lv,
                fmt_count(n_runs),
                " > ".join(rank),
                "—" if lv == level else ("yes" if rank == main_rank else "no: the ranking flips"),
            ]
        )
    if len(study.levels) == 1:
        paragraphs.append("No resource sensitivity reruns were requested.")
    else:
        flips = [lv for lv in study.levels[1:] if rows[study.levels.index(lv) + 1][3] != "yes"]
        verdict_text = (
            "The ranking holds under every resource level tested."
            if not flips
            else "The ranking flips under " + " and ".join(flips) + " resources."
        )
        paragraphs.append(
            f"The same options were rerun with {', '.join(study.levels[1:])} resources, in fewer "
            "futures (the first ones of the main run, so still paired). Ranking by median "
            f"cumulative value at month {m}. {verdict_text} Resource levels: budget in M€ per "
            "month, staff hours per department, DGA hours, as in the annex."
        )
    out.append(
        Section(
            "sensitivity",
            "Does the ranking depend on resources?",
            paragraphs,
            chart=lambda fig, rect=FULL: chart_sensitivity(fig, study, numbers, rect),
            chart_size=(10, 4.0),
            alt="Cumulative value per option under each resource level",
            table=rows,
        )
    )
    out.append(
        Section(
            "assumptions",
            "Assumptions and limits of the model",
            ["What the model takes for granted:"],
            bullets=assumptions(study),
        )
    )
    out.append(Section("limits", "Limits: read the results with these in mind", bullets=LIMITS))
    out.append(Section("glossary", "Glossary", glossary=GLOSSARY))
    out.append(annex(study))
    return out


def annex(study: Study) -> Section:
    from sim.runner import PACKAGES, provenance

    record = provenance({}, {})
    versions = dict(record["packages"])
    try:
        import jinja2

        versions["jinja2"] = jinja2.__version__
    except ImportError:  # pragma: no cover
        versions["jinja2"] = None
    pre = [
        ("Command", " ".join(study.command)),
        ("Settings", _dump(study.settings)),
        ("Model configuration every option starts from (model:)", _dump(study.base_model)),
    ]
    for option in study.options:
        pre.append(
            (
                f"Option '{option}': configs/scenario/{option}.yaml (applied on top)",
                _dump(study.option_files.get(option, {})) or "{}",
            )
        )
    for lv, values in study.level_files.items():
        pre.append(
            (f"Resource level '{lv}' (replaces model.resources for the reruns)", _dump(values))
        )
    pre.append(
        (
            f"Seeds of the {study.replications} paired replications (replication k = k-th seed; "
            f"the sensitivity reruns use the first {len(study.sensitivity_seeds)})",
            textwrap.fill(", ".join(str(s) for s in study.seeds), 100),
        )
    )
    pre.append(
        (
            "Software",
            _dump(
                {
                    "python": record["python"],
                    "packages": {k: versions[k] for k in sorted(versions)},
                    "git_revision": record["git_revision"],
                    "tracked_packages": list(PACKAGES),
                }
            ),
        )
    )
    return Section(
        "annex",
        "Annex: how to reproduce this report",
        [
            "Rerun the command below in the same version of govsim to get this report again, "
            "byte for byte. An option's file is applied on top of the model configuration; "
            "runs.csv holds every simulated month, summary.csv every number quoted here."
        ],
        pre=pre,
    )


# ---- HTML ----------------------------------------------------------------------------------------
def render_html(
    study: Study, numbers: Numbers, verdicts: list[tuple[str, str]], parts: list[Section]
) -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    figures = {s.key: _png(s.chart, s.chart_size) for s in parts if s.chart is not None}
    return env.get_template("report.html.j2").render(
        title=title(study),
        subtitle=subtitle(study),
        how_to_read=how_to_read(study, numbers),
        notes=[(o, study.option_notes.get(o, "")) for o in study.options],
        verdicts=[(t, Markup(v)) for t, v in verdicts],
        sections=parts,
        figures=figures,
    )


def title(study: Study) -> str:
    return "Comparing smart-city options: " + " vs ".join(study.options)


def subtitle(study: Study) -> str:
    city = study.base_model["city"]
    return (
        f"govsim comparison report · {study.replications} paired simulated futures per option · "
        f"{study.months} months · {study.resources} resources · a commune of {city['citizens']} "
        f"residents, {city['departments']} departments, {city['dgas']} DGA"
    )


# ---- PDF -----------------------------------------------------------------------------------------
class _Pages:
    """A minimal text-flow on A4 pages of a matplotlib PdfPages."""

    MARGIN = 0.6  # inches
    STYLES: ClassVar[
        dict[str, tuple[float, str, str, int, float]]
    ] = {  # size, weight, family, wrap width (characters), space before (lines)
        "h1": (15, "bold", "sans-serif", 70, 0.0),
        "sub": (8.5, "normal", "sans-serif", 110, 0.2),
        "h2": (11.5, "bold", "sans-serif", 85, 0.8),
        "h3": (9.5, "bold", "sans-serif", 100, 0.5),
        "p": (9, "normal", "sans-serif", 108, 0.35),
        "bullet": (9, "normal", "sans-serif", 104, 0.2),
        "mono": (6.8, "normal", "monospace", 128, 0.1),
    }

    def __init__(self, pdf: Any, footer: str) -> None:
        self.pdf, self.footer, self.page, self.count, self.y = pdf, footer, None, 0, 0.0
        self.titles: list[str] = []

    def new_page(self, label: str) -> Figure:
        self.flush()
        self.page = _figure(A4)
        self.count += 1
        self.titles.append(label)
        self.y = A4[1] - self.MARGIN
        self.page.text(
            0.5,
            0.3 / A4[1],
            f"{self.footer} · page {self.count}",
            ha="center",
            fontsize=7,
            color="#666666",
        )
        return self.page

    def flush(self) -> None:
        if self.page is not None:
            self.pdf.savefig(self.page)
            self.page = None

    def write(self, kind: str, text: str, label: str = "") -> None:
        size, weight, family, width, before = self.STYLES[kind]
        step = size * 1.38 / 72
        if kind == "mono":
            lines = []
            for raw in text.splitlines() or [""]:
                lines.extend(
                    textwrap.wrap(raw, width, subsequent_indent="    ", drop_whitespace=False)
                    or [""]
                )
        elif kind == "bullet":
            lines = textwrap.wrap(text, width, initial_indent="•  ", subsequent_indent="   ")
        else:
            lines = textwrap.wrap(text, width)
        if self.page is None:
            self.new_page(label or text)
        self.y -= before * step
        if self.y - step * min(len(lines), 3) < self.MARGIN and kind != "h1":
            self.new_page(label or text)
        if kind in ("h2", "h3") and self.y - step * 5 < self.MARGIN:
            self.new_page(label or text)
        for line in lines:
            if self.y - step < self.MARGIN:
                self.new_page(label or "continued")
            self.y -= step
            colour = "#555555" if kind == "sub" else "black"
            self.page.text(
                self.MARGIN / A4[0],
                self.y / A4[1],
                line,
                fontsize=size,
                fontweight=weight,
                family=family,
                color=colour,
                va="baseline",
            )

    def chart(self, draw: Callable[[Any], None], height: float) -> None:
        """Draw a chart across the page width, `height` inches tall, below the current text."""
        if self.page is None or self.y - height < self.MARGIN + 1.0:
            self.new_page("chart")
        top = self.y / A4[1]
        bottom = (self.y - height) / A4[1]
        draw(self.page, (0.02, bottom, 0.98, top))
        self.y -= height + 0.1


def _table_text(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(len(rows[0]))]
    widths = [min(w, 46) for w in widths]
    lines = []
    for r in rows:
        cells = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(r, widths, strict=False)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip())
    return "\n".join(lines)


def render_pdf(
    path: Path,
    study: Study,
    numbers: Numbers,
    verdicts: list[tuple[str, str]],
    parts: list[Section],
) -> list[str]:
    """Write the PDF; returns the title of each page (what the tests look for)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    metadata = {
        "Title": title(study),
        "Creator": "govsim",
        "Producer": "govsim (matplotlib)",
        "CreationDate": None,
    }
    with matplotlib.rc_context(_rc()), PdfPages(path, metadata=metadata) as pdf:
        pages = _Pages(pdf, "govsim comparison report")
        pages.write("h1", title(study), label="Verdict")
        pages.write("sub", subtitle(study))
        pages.write("h2", "Verdict")
        for head, text in verdicts:
            pages.write("h3", head)
            pages.write("p", plain(text))
        pages.write("h2", "The options compared")
        for option in study.options:
            pages.write("bullet", f"{option}: {study.option_notes.get(option, '')}".rstrip(": "))
        pages.write("h2", "How to read these numbers")
        pages.write("p", how_to_read(study, numbers))
        for s in parts:
            if s.chart is not None:
                pages.new_page(s.title)
            pages.write("h2", s.title, label=s.title)
            for para in s.paragraphs:
                pages.write("p", plain(para))
            if s.chart is not None:
                pages.chart(s.chart, s.chart_size[1] * A4[0] / s.chart_size[0] * 1.05)
            if s.table:
                pages.write("mono", _table_text(s.table))
            for b in s.bullets:
                pages.write("bullet", b)
            for term, meaning in s.glossary:
                pages.write("bullet", f"{term}: {meaning}")
            for caption, text in s.pre:
                pages.write("h3", caption)
                pages.write("mono", text)
        pages.flush()
    return pages.titles


# ---- writing -------------------------------------------------------------------------------------
def build(study: Study) -> tuple[pd.DataFrame, Numbers, list[tuple[str, str]], list[Section]]:
    """The numbers, the verdict paragraphs (HTML) and the sections of a study."""
    summary = summary_table(study)
    numbers = Numbers(summary)
    verdicts = [(f"{a} vs {b}", verdict(study, numbers, a, b)) for a, b in study.pairs]
    return summary, numbers, verdicts, sections(study, numbers)


def write_report(study: Study, out: Path) -> dict[str, Path]:
    """Write runs.csv, summary.csv, report.html and report.pdf into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    summary, numbers, verdicts, parts = build(study)
    paths = {name: out / name for name in ("runs.csv", "summary.csv", "report.html", "report.pdf")}
    columns = [c for c in RUNS_COLUMNS if c in study.runs.columns]
    runs_csv = study.runs[columns].to_csv(index=False).encode()
    atomic_write(paths["runs.csv"], lambda p: p.write_bytes(runs_csv))
    atomic_write(
        paths["summary.csv"], lambda p: p.write_bytes(summary.to_csv(index=False).encode())
    )
    page = render_html(study, numbers, verdicts, parts)
    atomic_write(paths["report.html"], lambda p: p.write_bytes(page.encode("utf-8")))
    atomic_write(paths["report.pdf"], lambda p: render_pdf(p, study, numbers, verdicts, parts))
    return paths
