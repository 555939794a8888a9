"""Honest about time (issue #25, part 7): any horizon, the trend at its end, ties named as ties.

One small comparison over 15 years, through the command's own path (`compare`), gives the
simulated months; the other horizons are the same futures cut shorter, so each horizon costs a
report build, not a simulation. The tie and trend tests shape the futures by hand, so that the
brief's wording is checked against a known answer rather than against whatever the model says.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import system
from reporting import INPUT, NUM, normalise, read_summary, visible

from sim.cli.compare import compare, compose_config
from sim.report import build
from sim.report.html import render_html
from sim.report.lang import Lang, catalogue, format_stat
from sim.report.plan import plan, study_of
from sim.report.study import horizons
from sim.report.tags import Numbers

LONGEST = 180
PAIR = ("phased", "combined")


def settings(months: int, replications: int = 3, *extra: str) -> list[str]:
    return [
        f"scenarios=[{','.join(PAIR)}]", "city=small", f"months={months}",
        f"replications={replications}", "sensitivity_replications=0", *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 15-year comparison's folder. `months=168` once ran every simulation and then ended in
    KeyError ('adequate', 'phased', '', 168, 'rank') with an empty folder: the fixed horizons
    (2, 6, 12 years) did not hold the last month. Every file is written now."""
    system.require("pdf")
    out = tmp_path_factory.mktemp("long") / "run"
    compare(settings(LONGEST), out)
    return out


@pytest.fixture(scope="module")
def runs(long_run: Path) -> pd.DataFrame:
    return pd.read_csv(long_run / "runs.csv")


def study(runs: pd.DataFrame, months: int, replications: int = 3, *extra: str):
    """The study `compare` would write for `months`, from runs cut at that month."""
    p = plan(compose_config(settings(months, replications, *extra)))
    return study_of(p, runs[runs["month"] <= months], ["python"])


def squash(text: str) -> str:
    """Text without white space (tags leave spaces before punctuation in `visible`)."""
    return re.sub(r"\s", "", text)


def traced(page: str, summary: pd.DataFrame, lang: Lang) -> int:
    """Check every tagged result of a page against the summary; the number of them."""
    numbers = Numbers(summary)
    found = NUM.findall(page)
    for level, name, versus, month, stat, shown in found:
        value = numbers.get(level, name, versus, int(month), stat)
        assert format_stat(lang, stat, value) == html.unescape(shown), (name, stat, month)
    return len(found)


# ---- any horizon ---------------------------------------------------------------------------------
def test_the_longest_horizon_writes_every_file(long_run: Path) -> None:
    summary = read_summary(long_run)
    assert sorted(set(summary["month"])) == [24, 72, 144, LONGEST]
    page = (long_run / "report.html").read_text(encoding="utf-8")
    assert "15 years" in page and (long_run / "report.pdf").stat().st_size > 10_000


@pytest.mark.parametrize("months", [1, 13, 24, 60, 144, 168, LONGEST])
def test_any_horizon_gives_a_brief_read_at_its_last_month(runs: pd.DataFrame, months: int) -> None:
    """Every horizon the command accepts (1 to 1,200 months) gives a whole report, its verdict
    at the last month; the charts are drawn (and numbers traced) once, in English."""
    the_study = study(runs, months)
    for code in ("en", "fr"):
        report = build(the_study, code)
        lang = report.lang
        assert sorted(set(report.summary["month"])) == horizons(months)
        assert max(report.summary["month"]) == months
        first = visible(report.brief.recommendation[0] + report.brief.subtitle)
        assert normalise(lang.years(months)) in first
        final = report.summary[report.summary["month"] == months]
        assert set(final.loc[final["statistic"] == "rank", "scenario"]) == set(PAIR)
        if code == "en":
            assert traced(render_html(report), report.summary, lang) > 20


# ---- the trend at the end ------------------------------------------------------------------------
def shaped(runs: pd.DataFrame, offset, futures: int) -> pd.DataFrame:
    """`futures` copies of one simulated future, the same in both scenarios, then `offset(k,
    month)` added to the first scenario's cumulative value in future k: a known answer."""
    base = runs[(runs["scenario"] == PAIR[1]) & (runs["replication"] == 0)]
    parts = []
    for k in range(futures):
        for name in PAIR:
            part = base.assign(scenario=name, replication=k)
            if name == PAIR[0]:
                extra = np.array([offset(k, m) for m in part["month"]], dtype=float)
                part = part.assign(value_cumulative=part["value_cumulative"] + extra)
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def closing(k: int, month: int) -> float:
    """Ahead by 22 + k/10 points a year before the end, then losing one point a month."""
    top = LONGEST - 12
    return (month / top) * (22 + k / 10) if month <= top else 22 + k / 10 - (month - top)


@pytest.mark.parametrize("code", ["en", "fr"])
def test_a_closing_gap_is_said_on_page_one_with_the_month_the_trend_would_cross(
    runs: pd.DataFrame, code: str
) -> None:
    report = build(study(shaped(runs, closing, 10), LONGEST, 10), code)
    numbers, lang = Numbers(report.summary), report.lang
    gap = numbers.get("adequate", PAIR[0], PAIR[1], LONGEST, "diff_median")
    slope = numbers.get("adequate", PAIR[0], PAIR[1], LONGEST, "trend_slope_median")
    cross = numbers.get("adequate", PAIR[0], PAIR[1], LONGEST, "trend_crossover_month")
    assert slope == pytest.approx(-1.0)
    assert cross == pytest.approx(LONGEST + gap) and gap == pytest.approx(10.45)
    assert numbers.get("adequate", PAIR[0], PAIR[1], LONGEST, "trend_closing_count") == 10
    text = visible(" ".join(report.brief.recommendation))
    said = visible(lang.h("rec.closing", rec=lang.scenario(PAIR[0]), runner=lang.scenario(PAIR[1]),
                          months="12", slope="", count="10", total="10",
                          month=lang.number(cross, 0)))  # fmt: skip
    start, end = said.split(",")[0], said.split(")")[-1]  # "But the gap…", "…around month 190."
    assert squash(start) in squash(text) and squash(end) in squash(text)
    assert lang.number(cross, 0) == "190"
    if code == "en":  # the charts once
        assert traced(render_html(report), report.summary, lang) > 20


def test_a_widening_gap_says_nothing_about_a_crossing(runs: pd.DataFrame) -> None:
    report = build(study(shaped(runs, lambda k, m: m / 10 + k / 100, 10), LONGEST, 10), "en")
    numbers = Numbers(report.summary)
    assert numbers.get("adequate", PAIR[0], PAIR[1], LONGEST, "trend_slope_median") > 0
    assert np.isnan(numbers.get("adequate", PAIR[0], PAIR[1], LONGEST, "trend_crossover_month"))
    assert "extrapolation" not in " ".join(report.brief.recommendation)


# ---- ties ----------------------------------------------------------------------------------------
def coin_flip_then_clear(k: int, month: int) -> float:
    """At two years the first scenario is ahead in 29 of 50 futures (a coin flip); from six
    years on it is ahead in every future by 5 to 10 points."""
    if month <= 24:
        return 1.0 if k < 29 else -1.0
    return 5.0 + k / 10


@pytest.mark.parametrize("code", ["en", "fr"])
def test_a_coin_flip_names_no_leader(runs: pd.DataFrame, code: str) -> None:
    report = build(study(shaped(runs, coin_flip_then_clear, 50), 144, 50), code)
    lang, a, b = report.lang, *(report.lang.scenario(x) for x in PAIR)
    head, when = (squash(visible(x)) for x in report.brief.recommendation[:2])
    assert head == squash(visible(lang.h("rec.headline", rec=a, horizon=lang.years(144))))
    tie = visible(lang.h("rec.segment_tie", a=a, b=b, horizons=lang.years(24)))
    assert squash(tie) in when
    assert squash(visible(lang.h("rec.segment", option=a, horizons=lang.years(24)))) not in when
    cells = [squash(visible(c)) for c in report.brief.ranking.rows[-1]]  # first ahead, by horizon
    word, very = lang.t("likelihood.about_as_likely_as_not"), lang.t("likelihood.very_likely")
    assert cells[1] == squash(lang.t("rank.tie_cell", word=word, count="29", total="50"))
    assert cells[2:] == [squash(lang.t("rank.sure_cell", word=very, count="50", total="50"))] * 2


@pytest.mark.parametrize("code", ["en", "fr"])
def test_a_gap_whose_range_holds_zero_is_a_near_tie_not_a_recommendation(
    runs: pd.DataFrame, code: str
) -> None:
    """Ahead in 45 of 50 futures ("very likely"), behind by more in the other 5: nine futures in
    ten hold a gap from below zero to above it, so page 1 names no winner."""
    report = build(study(shaped(runs, lambda k, m: 1.0 if k < 45 else -3.0, 50), 144, 50), code)
    lang = report.lang
    numbers = Numbers(report.summary)
    assert numbers.get("adequate", PAIR[0], PAIR[1], 144, "diff_p05") < 0
    head = squash(visible(report.brief.recommendation[0]))
    a, b = (lang.scenario(x) for x in PAIR)
    assert head == squash(visible(lang.h("rec.tie", a=a, b=b))), head


# ---- small points --------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["en", "fr"])
def test_a_value_outside_its_plausible_range_is_a_caveat_naming_field_and_range(
    runs: pd.DataFrame, code: str
) -> None:
    custom = runs.assign(resources="custom")  # the runs' numbers do not matter here
    report = build(study(custom, 36, 3, "resources.staff_hours=10"), code)
    lang = report.lang
    caveat = [c for c in report.brief.caveats if "resources.staff_hours" in c]
    assert len(caveat) == 1
    text = visible(caveat[0])
    assert normalise(lang.t("field.resources.staff_hours")) in text
    said = {"en": "to 10, outside its plausible range of 20 to 160",
            "fr": "à 10, hors de sa plage plausible de 20 à 160"}[code]  # fmt: skip
    assert squash(said) in squash(text)
    for key, _, shown in INPUT.findall(caveat[0]):  # each number a value of scenarios.yaml
        value = report.config
        for part in key.split("."):
            value = value[part]
        assert lang.plain(value) == html.unescape(shown)
    plain = build(study(runs, 36), code)
    assert not any("resources.staff_hours" in c for c in plain.brief.caveats)


def test_french_calls_the_crossover_croisement_and_keeps_bascule_for_the_switch() -> None:
    keys = [k for k in catalogue() if k.startswith(("annex.cross", "sec.annex.crossover",
                                                    "fig.cross"))]  # fmt: skip
    assert keys
    french = " ".join(catalogue()[k]["fr"].lower() for k in keys)
    assert "bascule" not in french and "croisement" in french
    assert "bascule" in catalogue()["limit.adaptation"]["fr"]  # the phased scenario's switch
