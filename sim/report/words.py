"""Numbers into words: the formats, the verdicts, assumptions, limits and glossary."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.report.study import CONFIDENCE, Study

if TYPE_CHECKING:  # pragma: no cover
    pass


ALPHA = 0.05  # significance level of the paired tests


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
