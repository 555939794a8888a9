"""The report after its first page: the reasons (charts and tables), assumptions, limits, glossary.

Each section is data (title, paragraphs, one figure, tables, bullets) that the one HTML template
lays out; the PDF is typeset from that HTML. Every paragraph comes from the catalogue, every
number is a tagged result or input (`sim.report.tags`).
"""

from __future__ import annotations

from pathlib import Path

from sim.core.value import DESTRUCTIONS, DIMENSIONS
from sim.report import charts, costs, distribution
from sim.report.brief import condition_sentence, resource_details, sure_cell
from sim.report.lang import LIKELIHOOD, Lang
from sim.report.layout import Section, Table, figure
from sim.report.study import Study
from sim.report.tags import Numbers, Tagger, cite, esc, scenario


def value_section(study: Study, numbers: Numbers, tags: Tagger) -> Section:
    lang = tags.lang
    rec = numbers.ranking(study.resources, study.scenarios, study.months)[0]
    key = "sec.value.text.ensemble" if study.parameter_sets > 1 else "sec.value.text"
    return Section(
        "value",
        lang.t("sec.value.title"),
        [lang.h(key, n=tags.inp("settings.replications"), rec=scenario(lang, rec))],
        figure=figure(study, numbers, lang, charts.chart_value, "value", 2.7),
    )


def dimensions_section(study: Study, numbers: Numbers, tags: Tagger) -> Section:
    lang, level, m = tags.lang, study.resources, study.months
    order = numbers.ranking(level, study.scenarios, m)
    head = [lang.h("dims.head")] + [scenario(lang, x) for x in order]
    rows = []
    for d in DIMENSIONS:
        label = esc(lang.t(f"dimension.{d}"))
        rows.append([label] + [tags.num(level, x, "", m, f"net_{d}_median") for x in order])
    created = Table(head, rows, lang.h("dims.caption.net", horizon=tags.horizon(m)), "numbers")
    head = [lang.h("dims.head.destroyed")] + [scenario(lang, x) for x in order]
    rows = []
    for k in DESTRUCTIONS:
        label = esc(lang.t(f"destruction.{k}"))
        rows.append([label] + [tags.num(level, x, "", m, f"destruction_{k}_median") for x in order])
    destroyed = Table(
        head, rows, lang.h("dims.caption.destroyed", horizon=tags.horizon(m)), "numbers"
    )
    return Section(
        "dimensions",
        lang.t("sec.dims.title"),
        [lang.h("sec.dims.text", source=cite(lang, "source.dimensions"))],
        figure=figure(study, numbers, lang, charts.chart_dimensions, "dims", 3.5),
        tables=[created, destroyed],
    )


def resources_section(study: Study, numbers: Numbers, tags: Tagger) -> Section:
    lang, m = tags.lang, study.months
    rec = numbers.ranking(study.resources, study.scenarios, m)[0]
    if len(study.levels) == 1:
        return Section("resources", lang.t("sec.res.title"), [lang.h("rec.no_sensitivity")])
    others = [lv for lv in study.by_budget if lv != study.resources]
    text = [
        condition_sentence(study, numbers, tags, rec),
        lang.h(
            "sec.res.text",
            levels=lang.join(esc(lang.level(lv)) for lv in others),
            n=tags.num(others[0], study.scenarios[0], "", m, "replications"),
        ),
    ]
    head = [
        lang.h("res.head.level"),
        lang.h("res.head.means"),
        lang.h("res.head.ranking", horizon=tags.horizon(m)),
        lang.h("res.head.sure"),
    ]
    rows = []
    for lv in study.by_budget:
        order = numbers.ranking(lv, study.scenarios, m)
        rows.append(
            [
                esc(lang.level(lv)),
                resource_details(tags, lv),
                " › ".join(scenario(lang, x) for x in order),
                sure_cell(tags, lv, order[0], order[1], m),
            ]
        )
    table = Table(head, rows, lang.h("res.caption"), "resources")
    return Section(
        "resources",
        lang.t("sec.res.title"),
        text,
        figure=figure(study, numbers, lang, charts.chart_resources, "res", 2.7),
        tables=[table],
    )


def paths_section(study: Study, numbers: Numbers, tags: Tagger) -> Section:
    lang = tags.lang
    return Section(
        "paths",
        lang.t("sec.paths.title"),
        [lang.h("sec.paths.text")],
        figure=figure(study, numbers, lang, charts.chart_paths, "paths", 2.9),
    )


ASSUMPTIONS = (  # (catalogue key, {placeholder: input key}); skipped if an input is missing
    (
        "assume.city",
        {
            "departments": "model.city.departments",
            "dgas": "model.city.dgas",
            "citizens": "model.city.citizens",
            "partners": "model.city.partner_pool",
        },
    ),
    ("assume.governance", {}),
    (
        "assume.resources",
        {
            "budget": "resource_levels.{level}.budget",
            "staff": "resource_levels.{level}.staff_hours",
            "dga": "resource_levels.{level}.dga_hours",
        },
    ),
    ("assume.technology", {}),
    ("assume.stale", {"months": "model.parameters.stale_after"}),
    ("assume.elections", {"months": "model.election_interval"}),
    ("assume.value", {}),
    ("assume.paired", {}),
)


def assumptions(study: Study, tags: Tagger) -> list[str]:
    """What the model takes for granted, with the study's own inputs."""
    lang, out = tags.lang, []
    for key, inputs in ASSUMPTIONS:
        paths = {k: v.format(level=study.resources) for k, v in inputs.items()}
        if not all(tags.has_input(p) for p in paths.values()):
            continue  # a field the model no longer has: say nothing rather than guess
        values = {k: tags.inp(p) for k, p in paths.items()}
        out.append(
            lang.h(
                key,
                level=esc(lang.level(study.resources)),
                source=cite(lang, "source.dimensions"),
                **values,
            )
        )
    return out


LIMITS = (
    "units",
    "calibration",
    "uncertainty",  # said only while the futures vary chance alone (no parameter ensemble)
    "participation",
    "adaptation",
    "scope",
    "dga",
    "start",
    "constants",
)
GLOSSARY = (
    "public_value",
    "value_point",
    "destroyed",
    "scenario",
    "future",
    "paired",
    "typical",
    "range",
    "switching",
    "likelihood",
    "resources",
    "proactive",
    "open",
    "dga",
    "copil",
    "exclusion",
    "mediation",
    "open_data",
    "mandate",
)


def limits(study: Study, lang: Lang) -> list[str]:
    """The limits; what the futures vary is said once: chance only, or chance and the
    calibrated ensemble's parameters (which the research runs leave at their defaults)."""
    varied = "uncertainty" if study.parameter_sets == 1 else "ensemble"
    keys = [varied if k == "uncertainty" else k for k in LIMITS]
    keys += ["switching"] * bool(study.switching)  # how far the switching values can be read
    return [lang.h(f"limit.{k}") for k in keys]


def glossary(study: Study, lang: Lang) -> Section:
    entries = [(lang.t(f"gloss.{k}"), lang.h(f"gloss.{k}.text")) for k in GLOSSARY]
    for name in study.scenarios:
        about = lang.scenario_about(name)
        file = Path(name).name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
        text = esc(about) if about else lang.h("gloss.own_scenario", file=esc(file))
        entries.append((lang.scenario(name), text))
    head = [lang.h("gloss.likely.term"), lang.h("gloss.likely.share")]
    rows = [
        [
            f"<em>{esc(lang.t('likelihood.' + key))}</em>",
            esc(lang.t("gloss.likely.range", low=lang.percent(low), high=lang.percent(high))),
        ]
        for key, low, high in LIKELIHOOD
    ]
    table = Table(head, rows, lang.h("gloss.likely.caption"), "likely")
    return Section(
        "glossary", lang.t("sec.glossary.title"), glossary=entries, tables=[table], cls="glossary"
    )


def sections(study: Study, numbers: Numbers, tags: Tagger) -> list[Section]:
    """Everything after the brief, before the analysts' annex."""
    lang = tags.lang
    return [
        costs.section(study, numbers, tags),  # page 2: what each scenario costs
        value_section(study, numbers, tags),
        distribution.section(study, numbers, tags),
        dimensions_section(study, numbers, tags),
        resources_section(study, numbers, tags),
        paths_section(study, numbers, tags),
        Section(
            "assumptions",
            lang.t("sec.assume.title"),
            [lang.h("sec.assume.text")],
            bullets=assumptions(study, tags),
        ),
        Section("limits", lang.t("sec.limits.title"), bullets=limits(study, lang)),
        glossary(study, lang),
    ]
