"""The analysts' annex, and the configuration file attached to the report (scenarios.yaml).

The annex holds what an analyst checks and a decision-maker need not read: the paired tests
(Wilcoxon signed-rank p-values, rank-biserial effect sizes, bootstrap intervals), crossover months
and plateau levels, how to reproduce the report, and how the switching values were searched
(`sim.report.switching`). The configurations themselves — the command, the model section every
scenario starts from, each scenario file, the resource levels, the seeds and the software
versions — go into scenarios.yaml beside the report, not into its pages.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

import numpy as np
import yaml

from sim.core.outputs import QUINTILES
from sim.core.population import AGE_GROUPS
from sim.report import charts, costs, switching
from sim.report.lang import Lang
from sim.report.layout import Figure, Section, Table
from sim.report.study import BOOTSTRAP, PLATEAU_THRESHOLD, Study, scenario_note
from sim.report.tags import Numbers, Tagger, esc, scenario

CONFIG_FILE = "scenarios.yaml"


def software() -> dict[str, Any]:
    """Python, the tracked packages' versions and the code's git revision."""
    from sim.runs.provenance import provenance

    record = provenance({}, {})
    versions = dict(record["packages"])
    for name in ("jinja2", "weasyprint"):  # the report's own two (read without importing them)
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover
            versions[name] = None
    return {
        "python": record["python"],
        "packages": {k: versions[k] for k in sorted(versions)},
        "git_revision": record["git_revision"],
    }


def configuration(study: Study) -> dict[str, Any]:
    """The content of scenarios.yaml: everything needed to rerun the study."""
    scenarios = {}
    for name in study.scenarios:
        note = study.scenario_notes.get(name) or scenario_note(name)
        scenarios[name] = {
            "file": f"configs/scenario/{name}.yaml",
            "comment": note,
            "sets": study.scenario_files.get(name, {}),
        }
    levels = {lv: study.resources_of(lv) for lv in study.by_budget}
    extra: dict[str, Any] = {"ensemble": study.ensemble} if study.ensemble else {}
    extra["conventions"] = costs.conventions()  # what the costs' text quotes
    extra["groups"] = {"literacy_quintiles": QUINTILES, "age": list(AGE_GROUPS)}
    if study.commune:  # the profile and the model fields it became (sim/runs/commune.py)
        extra["commune"] = study.commune
    if study.switching:  # the switching values' search: futures, steps, ranges, resolution
        extra["switching"] = switching.configuration(study)
    if study.outside_plausible:  # what the caveat quotes: value, plausible range, scenarios
        extra["outside_plausible"] = study.outside_plausible
    return {
        "command": " ".join(study.command),
        "settings": study.settings,
        "model": study.base_model,
        "scenarios": scenarios,
        "resource_levels": levels,
        "seeds": {
            "replications": [int(s) for s in study.seeds],
            "sensitivity": [int(s) for s in study.sensitivity_seeds],
        },
        **extra,
        "software": software(),
    }


def config_yaml(config: dict[str, Any], lang: Lang) -> str:
    """scenarios.yaml: a commented header, then the configuration (sorted, deterministic)."""
    header = "".join(f"# {line}\n" for line in lang.t("annex.yaml_header").split(" | "))
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def tests_table(study: Study, numbers: Numbers, tags: Tagger) -> Table:
    """Per pair (leader at the end first) and horizon: counts, gap, p-value, effect size."""
    lang, level = tags.lang, study.resources
    head = [lang.h(f"annex.tests.{k}") for k in ("pair", "when", "ahead", "gap", "range", "p", "r")]
    rows = []
    for a, b in study.pairs:
        for h in study.horizons:
            lead, other, _ = numbers.pair(level, a, b, h, "ahead_count")

            def num(stat: str, lead: str = lead, other: str = other, h: int = h) -> str:
                return tags.num(level, lead, other, h, stat)

            rows.append(
                [
                    lang.h("annex.tests.over", a=scenario(lang, lead), b=scenario(lang, other)),
                    tags.horizon(h),
                    lang.h(
                        "annex.tests.counts",
                        ahead=num("ahead_count"),
                        behind=num("behind_count"),
                        n=num("replications"),
                    ),
                    lang.h(
                        "annex.tests.interval",
                        x=num("diff_median"),
                        low=num("diff_ci_low"),
                        high=num("diff_ci_high"),
                    ),
                    lang.h("annex.range", low=num("diff_p05"), high=num("diff_p95")),
                    num("p_value"),
                    num("effect_size"),
                ]
            )
    return Table(head, rows, lang.h("annex.tests.caption"), "numbers tests")  # every pair


def crossover_table(study: Study, numbers: Numbers, tags: Tagger) -> Table:
    lang, level, m = tags.lang, study.resources, study.months
    head = [lang.h(f"annex.cross.{k}") for k in ("pair", "count", "median", "interval")]
    rows = []
    for a, b in study.pairs:
        lead, other, _ = numbers.pair(level, a, b, m, "crossover_count")

        def num(stat: str, lead: str = lead, other: str = other) -> str:
            return tags.num(level, lead, other, m, stat)

        found = numbers.get(level, lead, other, m, "crossover_count") > 0
        if found and not was_behind(study, lead, other):  # ahead from month 1 in every future:
            median = interval = lang.h("annex.cross.never")  # the text says so, and so does this
        else:
            median = num("crossover_median") if found else "—"
            interval = (
                lang.h("annex.range", low=num("crossover_ci_low"), high=num("crossover_ci_high"))
                if found
                else "—"
            )
        rows.append(
            [
                lang.h("annex.tests.over", a=scenario(lang, lead), b=scenario(lang, other)),
                lang.h("annex.of", k=num("crossover_count"), n=num("crossover_replications")),
                median,
                interval,
            ]
        )
    return Table(head, rows, lang.h("annex.cross.caption"), "numbers")


def plateau_table(study: Study, numbers: Numbers, tags: Tagger) -> Table:
    lang, level, m = tags.lang, study.resources, study.months
    head = [lang.h(f"annex.plateau.{k}") for k in ("scenario", "level", "count", "interval")]
    rows = []
    for name in numbers.ranking(level, study.scenarios, m):

        def num(stat: str, name: str = name) -> str:
            return tags.num(level, name, "", m, stat)

        rows.append(
            [
                scenario(lang, name),
                lang.h(
                    "annex.tests.interval",
                    x=num("plateau_level_median"),
                    low=num("plateau_level_ci_low"),
                    high=num("plateau_level_ci_high"),
                ),
                lang.h("annex.of", k=num("plateau_count"), n=num("replications")),
                lang.h(
                    "annex.range",
                    low=num("plateau_share_ci_low"),
                    high=num("plateau_share_ci_high"),
                ),
            ]
        )
    return Table(head, rows, lang.h("annex.plateau.caption"), "numbers")


def was_behind(study: Study, lead: str, other: str) -> bool:
    """Whether `lead` was behind `other` at first in some future where it ends ahead (its
    crossover is later than the first month)."""
    found = charts.crossover_months(study, lead, other)
    return bool(found.size) and np.nanmax(found) > int(study.main["month"].min())


def crossover_shows_something(study: Study, numbers: Numbers) -> bool:
    """A crossover chart is worth drawing when some leader was behind at first in some future."""
    for a, b in study.pairs:
        lead, other, _ = numbers.pair(study.resources, a, b, study.months, "crossover_count")
        if was_behind(study, lead, other):
            return True
    return False


def software_line(config: dict[str, Any], lang: Lang) -> str:
    """'Python 3.12.1 · govsim 0.1.0 · …' and the git revision, as one paragraph."""
    soft = config["software"]
    items = [f"Python {esc(soft['python'])}"]
    items += [f"{esc(k)} {esc(v if v is not None else '—')}" for k, v in soft["packages"].items()]
    revision = f"<code>{esc(soft['git_revision'])}</code>"
    return lang.h("annex.software", versions=" · ".join(items), revision=revision)


def annex(study: Study, numbers: Numbers, tags: Tagger, config: dict[str, Any]) -> list[Section]:
    """The analysts' annex: tests; crossover and plateau; how to reproduce."""
    lang = tags.lang
    tests = Section(
        "annex-tests",
        lang.t("sec.annex.tests"),
        [lang.h("annex.intro")],
        tables=[tests_table(study, numbers, tags)],
        closing=[lang.h("annex.methods", resamples=esc(lang.count(BOOTSTRAP)))],
        cls="annex",
    )
    figure = None
    if crossover_shows_something(study, numbers):
        figure = Figure(
            draw=lambda fig: charts.chart_crossover(fig, study, numbers, lang),
            height=0.6 + 0.4 * len(study.pairs),
            caption=lang.h("fig.cross.caption"),
            alt=lang.t("fig.cross.alt"),
        )
    cross = Section(
        "annex-crossover",
        lang.t("sec.annex.crossover"),
        [
            lang.h("annex.cross.text" if figure else "annex.cross.none"),
            lang.h("annex.plateau.text", threshold=esc(lang.number(PLATEAU_THRESHOLD, 1))),
        ],
        figure=figure,
        tables=[crossover_table(study, numbers, tags), plateau_table(study, numbers, tags)],
        cls="annex",
    )
    repro = Section(
        "annex-reproduce",
        lang.t("sec.annex.reproduce"),
        [
            lang.h(
                "annex.reproduce",
                file=f'<a href="{CONFIG_FILE}"><code>{CONFIG_FILE}</code></a>',
            )
        ],
        pre=[(lang.h("annex.command"), config["command"])],
        closing=[software_line(config, lang)],
        cls="annex",
    )
    found = switching.annex_section(study, numbers, tags)  # Annex D, when it was searched
    return [tests, cross, repro, *([found] if found else [])]
