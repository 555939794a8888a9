"""The report's sections: what each says, with its figures and tables, and the annex."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from sim.core.value import DESTRUCTIONS, DIMENSIONS, HARRISON_VALUE_TYPES, JORGENSEN_BOZEMAN_VALUES
from sim.report.charts import (
    FULL,
    PATHS_SHOWN,
    chart_crossover,
    chart_dimensions,
    chart_paths,
    chart_sensitivity,
    chart_value,
)
from sim.report.study import DESTRUCTION_LABELS, DIMENSION_LABELS, PLATEAU_THRESHOLD, Study
from sim.report.words import (
    GLOSSARY,
    LIMITS,
    Numbers,
    assumptions,
    fmt_count,
    fmt_month,
    fmt_share,
    fmt_value,
)


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
    from sim.runs.provenance import PACKAGES, provenance

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
