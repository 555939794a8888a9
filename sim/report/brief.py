"""Page 1, the decision brief: recommendation with its conditions, ranking, caveats, trade-offs.

Everything here is generated from the summary's rows: the recommended scenario is the one ranked
first at the end of the horizon under the study's resources; its conditions come from the same
ranking under the other resource levels the comparison reran (and from the earlier horizons);
how sure the brief is, is the share of paired simulated futures in which it is ahead of the
runner-up, said in the IPCC's calibrated likelihood words (defined in the glossary).

Honest about time: two scenarios whose paired gap ranges over zero in nine futures out of ten
are a tie, at any horizon and resource level, and neither is named first; when the runner-up
gained on the recommended scenario over the last year, page 1 says so and gives the month a
straight line through that trend would cross (`trend_*` rows of the summary). The box ends
with the switching values: the staff level and budget at which the advice reverses
(`sim.report.switching`).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

from sim.core.value import DESTRUCTIONS, DIMENSIONS
from sim.report import distribution, front, switching
from sim.report.lang import Lang, likelihood_key
from sim.report.layout import Table
from sim.report.study import Study
from sim.report.tags import Numbers, Tagger, cite, esc, scenario

CLEAR = 0.66  # a recommendation needs its scenario ahead in at least "likely" (66%) of futures
SURE = ("likely", "very_likely", "virtually_certain")  # …and enough futures to say so


@dataclass
class Brief:
    """The first page."""

    title: str  # plain text
    subtitle: str  # HTML
    recommendation: list[str]  # HTML sentences
    ranking: Table
    caveats: list[str]  # HTML items
    tradeoffs: list[str]  # HTML sentences
    tradeoff_table: Table
    terminal: list[str] = field(default_factory=list)  # plain lines for the command line
    front: dict[str, str] = field(default_factory=dict)  # date, author, decision (HTML), if given


def plain(fragment: str) -> str:
    """HTML fragment as plain text (the terminal lines)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def tied(numbers: Numbers, level: str, a: str, b: str, month: int) -> bool:
    """Whether the paired gap between `a` and `b` ranges over zero in nine futures out of ten
    (its 5th to 95th percentile): then the brief calls it a tie and names neither first, since a
    coin flip (29 of 50 ahead) read as a ranking would name a leader the futures do not support."""
    lead, other, low = numbers.pair(level, a, b, month, "diff_p05")
    return low <= 0 <= numbers.get(level, lead, other, month, "diff_p95")


def first_of(study: Study, numbers: Numbers, level: str, month: int) -> str | None:
    """The scenario ranked first at `month`, or None when it is tied with the second."""
    first, second = numbers.ranking(level, study.scenarios, month)[:2]
    return None if tied(numbers, level, first, second, month) else first


def leaders(study: Study, numbers: Numbers, level: str) -> dict[int, str | None]:
    """The scenario first at each horizon (None: the first two are tied)."""
    return {h: first_of(study, numbers, level, h) for h in study.horizons}


def tied_pair(study: Study, numbers: Numbers, level: str, month: int) -> tuple[str, str]:
    """The first two at `month` in the study's order: a tie has no first, and the same two
    read alike wherever they tie."""
    pair = set(numbers.ranking(level, study.scenarios, month)[:2])
    a, b = (x for x in study.scenarios if x in pair)
    return a, b


def resource_details(tags: Tagger, level: str) -> str:
    """'0.4 M€ a month, 20 staff hours per department…' from the level's inputs."""
    base = f"resource_levels.{level}"
    return tags.lang.h(
        "cond.details",
        budget=tags.inp(f"{base}.budget"),
        staff=tags.inp(f"{base}.staff_hours"),
        dga=tags.inp(f"{base}.dga_hours"),
    )


def horizon_sentence(study: Study, numbers: Numbers, tags: Tagger, rec: str) -> str:
    """When the recommended scenario leads, who leads before it does, and when it is a tie."""
    lang, level = tags.lang, study.resources
    lead = leaders(study, numbers, level)
    if set(lead.values()) == {rec}:
        return lang.h("rec.leads_all", rec=scenario(lang, rec), horizons=tags.horizons(list(lead)))
    groups: dict[str | tuple[str, str], list[int]] = {}  # a leader, or a tied two
    for month, name in lead.items():
        groups.setdefault(name or tied_pair(study, numbers, level, month), []).append(month)
    segments = []
    for key, months in groups.items():
        when = tags.horizons(months)
        if isinstance(key, str):
            segments.append(lang.h("rec.segment", option=scenario(lang, key), horizons=when))
        else:
            names = {"a": scenario(lang, key[0]), "b": scenario(lang, key[1])}
            segments.append(lang.h("rec.segment_tie", horizons=when, **names))
    if len(groups) == 1:  # one tie throughout
        return lang.h("rec.ties_all", segments=segments[0])
    intro = "rec.lead_changes" if None not in lead.values() else "rec.over_time"
    return lang.h(intro, segments=lang.semicolons(segments))


def condition_sentence(study: Study, numbers: Numbers, tags: Tagger, rec: str) -> str:
    """Which scenario comes first at the end under each resource level (or which two are tied
    there): the condition of the recommendation."""
    lang, final = tags.lang, study.months
    if len(study.levels) == 1:
        return lang.h("rec.no_sensitivity")
    first = {lv: first_of(study, numbers, lv, final) for lv in study.by_budget}
    same = [lv for lv, x in first.items() if x == rec]
    if len(same) == len(first):
        names = lang.join(esc(lang.level(lv)) for lv in same)
        return lang.h(
            "rec.all_levels", rec=scenario(lang, rec), levels=names, horizon=tags.horizon(final)
        )
    others = []
    for lv, x in first.items():
        where = {"level": esc(lang.level(lv)), "details": resource_details(tags, lv)}
        if x is None:
            a, b = tied_pair(study, numbers, lv, final)
            others.append(lang.h("cond.tie", **where, a=scenario(lang, a), b=scenario(lang, b)))
        elif x != rec:
            others.append(lang.h("cond.other", **where, option=scenario(lang, x)))
    if not same:
        return lang.h("rec.condition_none", horizon=tags.horizon(final),
                      others=lang.semicolons(others))  # fmt: skip
    return lang.h(
        "rec.condition",
        rec=scenario(lang, rec),
        levels=lang.join((esc(lang.level(lv)) for lv in same), "or"),
        horizon=tags.horizon(final),
        others=lang.semicolons(others),
    )


def sets_note(tags: Tagger, level: str, a: str, b: str, month: int) -> str:
    """' (drawn on 35 distinct parameter sets)' after a count of futures, '' without an
    ensemble: a count over 50 futures means less when they share a few parameter sets."""
    lead, other, _ = tags.numbers.pair(level, a, b, month, "replications")
    if (level, lead, other, month, "parameter_sets") not in tags.numbers.table:
        return ""
    return " " + tags.lang.h("rec.sets", n=tags.num(level, lead, other, month, "parameter_sets"))


def certainty_sentences(
    study: Study, numbers: Numbers, tags: Tagger, rec: str, runner: str
) -> list[str]:
    """How often the recommended scenario is ahead of the runner-up, and by how much."""
    lang, level, final = tags.lang, study.resources, study.months
    count, share, total = tags.ahead(level, rec, runner, final)
    word = likelihood_word(lang, share, total)
    out = [
        lang.h(
            "rec.how_sure",
            rec=scenario(lang, rec),
            runner=scenario(lang, runner),
            horizon=tags.horizon(final),
            count=count,
            total=tags.futures(level, rec, runner, final),
            sets=sets_note(tags, level, rec, runner, final),
            word=word,
        )
    ]
    lead, other, _ = numbers.pair(level, rec, runner, final, "diff_median")
    if lead == rec:
        out.append(
            lang.h(
                "rec.gap",
                gap=tags.points(level, lead, other, final, "diff_median"),
                low=tags.num(level, lead, other, final, "diff_p05"),
                high=tags.num(level, lead, other, final, "diff_p95"),
            )
        )
    return out


def sure_cell(tags: Tagger, level: str, first: str, second: str, month: int) -> str:
    """'very likely (45 of 50)', or 'level in all 50 futures' when the two never differ."""
    lang = tags.lang
    count, share, total = tags.ahead(level, first, second, month)
    lead, other, behind = tags.numbers.pair(level, first, second, month, "behind_count")
    ahead = tags.numbers.get(level, lead, other, month, "ahead_count")
    if ahead == 0 and behind == 0:
        return lang.h("rank.level_cell", total=tags.futures(level, first, second, month))
    return lang.h(
        "rank.tie_cell" if tied(tags.numbers, level, first, second, month) else "rank.sure_cell",
        word=likelihood_word(lang, share, total),
        count=count,
        total=tags.futures(level, first, second, month),
    )


def likelihood_word(lang: Lang, share: float, futures: int) -> str:
    """The likelihood term, tagged with the share it stands for (checked by the tests)."""
    key = likelihood_key(share, futures)
    return (
        f'<em class="likely" data-term="{key}" data-share="{share!r}" data-futures="{futures}">'
        f"{esc(lang.t('likelihood.' + key))}</em>"
    )


def headline(study: Study, numbers: Numbers, tags: Tagger, rec: str, runner: str) -> str:
    """The recommendation's first sentence: a firm one only when the recommended scenario is
    ahead in most futures, there are enough futures to say so, and the gap is not a tie."""
    lang, level, final = tags.lang, study.resources, study.months
    _, share, total = tags.ahead(level, rec, runner, final)
    names = {"a": scenario(lang, rec), "b": scenario(lang, runner)}
    if share >= CLEAR and likelihood_key(share, total) not in SURE:
        return lang.h("rec.too_few", **names)  # ahead in most futures, but too few futures
    if share >= CLEAR and tied(numbers, level, rec, runner, final):  # ahead often, not always
        return lang.h("rec.tie", **names)  # the gap's range follows (certainty_sentences)
    if share >= CLEAR:
        return lang.h("rec.headline", rec=scenario(lang, rec), horizon=tags.horizon(final))
    return lang.h("rec.no_clear", **names)


def trend_sentence(
    study: Study, numbers: Numbers, tags: Tagger, rec: str, runner: str
) -> list[str]:
    """When the runner-up gained on the recommended scenario over the last year, say so and give
    the month a straight line through that trend would cross zero: the verdict at the horizon
    may be a snapshot just before a reversal."""
    lang, level, final = tags.lang, study.resources, study.months
    lead, other, cross = numbers.pair(level, rec, runner, final, "trend_crossover_month")
    if lead != rec or not math.isfinite(cross):
        return []

    def num(stat: str) -> str:
        return tags.num(level, lead, other, final, stat)

    return [
        lang.h(
            "rec.closing",
            rec=scenario(lang, rec),
            runner=scenario(lang, runner),
            months=num("trend_months"),
            slope=tags.points(level, lead, other, final, "trend_slope_median"),
            count=num("trend_closing_count"),
            total=tags.futures(level, rec, runner, final),
            month=num("trend_crossover_month"),
        )
    ]


def recommendation(study: Study, numbers: Numbers, tags: Tagger) -> list[str]:
    rec, runner = numbers.ranking(study.resources, study.scenarios, study.months)[:2]
    return [
        headline(study, numbers, tags, rec, runner),
        horizon_sentence(study, numbers, tags, rec),
        condition_sentence(study, numbers, tags, rec),
        *certainty_sentences(study, numbers, tags, rec, runner),
        *trend_sentence(study, numbers, tags, rec, runner),
        *distribution.widening_sentence(study, numbers, tags, rec, runner),
        *switching.sentences(study, numbers, tags, rec, runner),
    ]


def ranking_table(study: Study, numbers: Numbers, tags: Tagger) -> Table:
    lang, level = tags.lang, study.resources
    order = numbers.ranking(level, study.scenarios, study.months)
    head = [lang.h("rank.scenario")] + [
        lang.h("rank.after", horizon=tags.horizon(h)) for h in study.horizons
    ]
    rows = []
    for name in order:
        cells = [scenario(lang, name)]
        for h in study.horizons:
            cells.append(
                f"<strong>{tags.num(level, name, '', h, 'rank')}</strong> "
                f"{tags.num(level, name, '', h, 'value_median')}"
            )
        rows.append(cells)
    sure = [lang.h("rank.how_sure")]
    for h in study.horizons:
        first, second = numbers.ranking(level, study.scenarios, h)[:2]
        sure.append(sure_cell(tags, level, first, second, h))
    rows.append(sure)
    caption = lang.h("rank.caption", n=tags.num(level, order[0], "", study.months, "replications"))
    return Table(head, rows, caption, "ranking")


def tradeoffs(study: Study, numbers: Numbers, tags: Tagger) -> list[str]:
    """What the recommended scenario gains and gives up against the runner-up."""
    lang, level, final = tags.lang, study.resources, study.months
    rec, runner = numbers.ranking(level, study.scenarios, final)[:2]

    def get(name: str, stat: str) -> float:
        return numbers.get(level, name, "", final, stat)

    def pair(stat: str) -> dict[str, str]:
        return {
            "a": tags.num(level, rec, "", final, stat),
            "b": tags.num(level, runner, "", final, stat),
        }

    def pair_in_points(stat: str) -> dict[str, str]:
        return pair(stat) | {"b": tags.points(level, runner, "", final, stat)}

    more = get(rec, "gross_median") >= get(runner, "gross_median")
    created = lang.h(
        "trade.creates_more" if more else "trade.creates_less",
        rec=scenario(lang, rec),
        runner=scenario(lang, runner),
        horizon=tags.horizon(final),
        **pair_in_points("gross_median"),
    )
    kind = max(
        DESTRUCTIONS,
        key=lambda k: abs(
            get(rec, f"destruction_{k}_median") - get(runner, f"destruction_{k}_median")
        ),
    )
    worse = get(rec, "destroyed_median") >= get(runner, "destroyed_median")
    stat = f"destruction_{kind}_median"
    destroyed = lang.h(
        "trade.destroys_more" if worse else "trade.destroys_less",
        kind=esc(lang.t(f"destruction.{kind}.short")),
        c=pair("destroyed_median")["a"],
        d=pair("destroyed_median")["b"],
        e=pair(stat)["a"],
        f=pair(stat)["b"],
    )
    gaps = {d: get(rec, f"net_{d}_median") - get(runner, f"net_{d}_median") for d in DIMENSIONS}
    best = sorted((d for d in DIMENSIONS if gaps[d] > 0), key=lambda d: -gaps[d])[:2]
    lost = sorted((d for d in DIMENSIONS if gaps[d] < 0), key=lambda d: gaps[d])[:2]
    out = [created + " " + destroyed]
    if best:
        names = lang.join(lang.h("word.quoted", x=esc(lang.t(f"dimension.{d}"))) for d in best)
        out.append(lang.h("trade.best", dims=names))
    if lost:
        names = lang.join(lang.h("word.quoted", x=esc(lang.t(f"dimension.{d}"))) for d in lost)
        out.append(lang.h("trade.lost", runner=scenario(lang, runner), dims=names))
    return out


def tradeoff_table(study: Study, numbers: Numbers, tags: Tagger) -> Table:
    """Created, destroyed by kind, net: the recommended scenario and the runner-up (the
    dimensions section has every scenario)."""
    lang, level, final = tags.lang, study.resources, study.months
    pair = numbers.ranking(level, study.scenarios, final)[:2]

    def row(label: str, stat: str) -> list[str]:
        return [label] + [tags.num(level, x, "", final, stat) for x in pair]

    rows = [row(lang.h("trade.row.created"), "gross_median")]
    for k in DESTRUCTIONS:
        label = lang.h("trade.row.destroyed", kind=esc(lang.t(f"destruction.{k}.short")))
        rows.append(row(label, f"destruction_{k}_median"))
    rows.append(row(lang.h("trade.row.net"), "value_median"))
    corner = lang.h(
        "trade.head",
        horizon=tags.horizon(final),
        n=tags.num(level, pair[0], "", final, "replications"),
    )
    return Table([corner] + [scenario(lang, x) for x in pair], rows, "", "tradeoffs")


def caveats(study: Study, tags: Tagger) -> list[str]:
    """The caveats box: calibration, comparisons not forecasts, what the uncertainty covers, and
    any input the study set outside its plausible range."""
    lang = tags.lang
    items = [
        ("calibration", lang.h("caveat.calibration", source=cite(lang, "source.cite"))),
        ("comparison", lang.h("caveat.comparison")),
        ("uncertainty", uncertainty_caveat(study, tags)),
        ("units", lang.h("caveat.units")),
    ]
    if study.commune:
        items.append(("commune", commune_caveat(tags)))
    items += [("plausible", text) for text in outside_plausible(study, tags)]
    return [f"<strong>{lang.h(f'caveat.{k}.title')}</strong> {text}" for k, text in items]


def uncertainty_caveat(study: Study, tags: Tagger) -> str:
    """What the bands cover: chance and the parameters consistent with what is known (drawn
    from the calibrated ensemble), never this commune's own data; or chance alone."""
    lang, n = tags.lang, tags.inp("settings.replications")
    if study.parameter_sets <= 1 or not tags.has_input("ensemble.size"):
        return lang.h("caveat.uncertainty.chance", n=n)
    level, final = study.resources, study.months
    first, second = study.scenarios[:2]
    lead, other, _ = tags.numbers.pair(level, first, second, final, "parameter_sets")
    return lang.h(
        "caveat.uncertainty.ensemble",
        n=n,
        size=tags.inp("ensemble.size"),
        sets=tags.num(level, lead, other, final, "parameter_sets"),
    )


def outside_plausible(study: Study, tags: Tagger) -> list[str]:
    """One line per field set outside its plausible range (allowed, so not refused: the advisor
    may mean it, but the results there extrapolate beyond the evidence behind the model)."""
    lang, out = tags.lang, []
    for section, fields in study.outside_plausible.items():
        for name in fields:
            dotted, key = f"{section}.{name}", f"outside_plausible.{section}.{name}"
            code = f"<code>{esc(dotted)}</code>"  # as the command line spells it
            words = f"field.{dotted}"
            out.append(
                lang.h(
                    "caveat.plausible",
                    field=esc(lang.t(words)) if lang.has(words) else code,
                    path=code,
                    value=tags.inp(f"{key}.value"),
                    low=tags.inp(f"{key}.low"),
                    high=tags.inp(f"{key}.high"),
                )
            )
    return out


def commune_caveat(tags: Tagger) -> str:
    """How the profile became the model's inputs, each figure tagged to scenarios.yaml."""
    model = "model.city", "model.resources"
    return tags.lang.h(
        "caveat.commune",
        departments=tags.inp(f"{model[0]}.departments"), dgas=tags.inp(f"{model[0]}.dgas"),
        staff=tags.inp(f"{model[1]}.staff_hours"), budget=tags.inp(f"{model[1]}.budget"),
        partners=tags.inp(f"{model[0]}.initial_partners"),
        citizens=tags.inp(f"{model[0]}.citizens"),
    )  # fmt: skip


def subtitle(study: Study, tags: Tagger) -> str:
    lang = tags.lang
    common = {"horizon": tags.horizon(study.months), "n": tags.inp("settings.replications"),
              "level": esc(lang.level(study.resources)),
              "departments": tags.inp("model.city.departments")}  # fmt: skip
    if study.commune:  # the advisor's own commune, named as its profile names it
        return lang.h("brief.subtitle.commune", name=commune_name(study, tags),
                      population=tags.inp("commune.profile.population"), **common)  # fmt: skip
    return lang.h("brief.subtitle", citizens=tags.inp("model.city.citizens"), **common)


def commune_name(study: Study, tags: Tagger) -> str:
    """The commune's name in the brief's language (its profile may give one per language)."""
    return esc(study.commune["profile"]["name_fr" if tags.lang.code == "fr" else "name"])


def title(study: Study, tags: Tagger) -> str:
    """Plain text (the page's <title> and <h1>): the commune's name when a profile is given."""
    if study.commune:
        profile = study.commune["profile"]
        name = profile["name_fr" if tags.lang.code == "fr" else "name"]
        return tags.lang.t("brief.title.commune", name=name)
    return tags.lang.t("brief.title")


def brief(study: Study, numbers: Numbers, tags: Tagger) -> Brief:
    """The first page, and its plain-text digest for the terminal."""
    lang, level, final = tags.lang, study.resources, study.months
    rec_text = recommendation(study, numbers, tags)
    order = numbers.ranking(level, study.scenarios, final)
    ranked = [
        "  "
        + plain(
            lang.h(
                "terminal.ranked",
                rank=tags.num(level, x, "", final, "rank"),
                option=scenario(lang, x),
                value=tags.points(level, x, "", final, "value_median"),
            )
        )
        for x in order
    ]
    terminal = [
        plain(lang.h("terminal.ranking", horizon=tags.horizon(final))),
        *ranked,
        "",
        lang.t("terminal.recommendation", text=plain(rec_text[0])),
        *(plain(s) for s in rec_text[1:]),
    ]
    return Brief(
        title=title(study, tags),
        subtitle=subtitle(study, tags),
        recommendation=rec_text,
        ranking=ranking_table(study, numbers, tags),
        caveats=caveats(study, tags),
        tradeoffs=tradeoffs(study, numbers, tags),
        tradeoff_table=tradeoff_table(study, numbers, tags),
        terminal=terminal,
        front=front.lines(study.settings, lang),
    )
