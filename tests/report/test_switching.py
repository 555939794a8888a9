"""Switching values (issue #25 part 3, `sim.report.switching`): the staff level and the budget at
which the recommended scenario stops beating the runner-up.

The search runs on gap functions whose answer is known (each future's switch is given), so the
reported value is checked against the order statistic it should be; a case that never reverses
says so in both languages; the small comparison of the other report tests carries the values in
summary.csv, on page 1 and in the annex; a bad `switching_replications` is refused naming it.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from reporting import SMALL, build_shared, pdf_pages, read_config, read_summary, visible

from sim.cli.compare import compose_config
from sim.core.config import ConfigError
from sim.report import switching
from sim.report.lang import Lang
from sim.report.plan import plan
from sim.report.study import Study
from sim.report.tags import Numbers, Tagger

RANGES = switching.ranges()
CURRENT = {"staff_hours": 40.0, "budget": 1.0}


def linear(truth: dict[str, np.ndarray], rising: dict[str, bool], calls: list | None = None):
    """A gap with a known switch per future: level − truth (the leader wins above its truth) or
    truth − level (it wins below), per variable."""

    def evaluate(points: Sequence[tuple[str, int, float]]) -> np.ndarray:
        if calls is not None:
            calls.append(list(points))
        return np.array([(x - truth[v][k]) * (1 if rising[v] else -1) for v, k, x in points])

    return evaluate


def search(truth: dict[str, np.ndarray], rising: dict[str, bool], **kwargs) -> dict:
    futures = len(next(iter(truth.values())))
    found = switching.locate(linear(truth, rising), futures, CURRENT, **kwargs)
    return {"scenarios": ["combined", "phased"], "futures": futures, "steps": switching.STEPS,
            "share": switching.SHARE, "variables": found}  # fmt: skip


def resolution(side_ratio: float) -> float:
    """How far the geometric bisection's answer can be from the truth, as a ratio."""
    return side_ratio ** (1 / 2 ** (switching.STEPS + 1))


def test_a_known_switch_is_found_as_the_median_future_within_the_resolution() -> None:
    """Staff: the leader wins above each future's truth (12 futures, all below 40 h), so the
    advice reverses below the median truth; the budget never matters (never reverses)."""
    staff = np.array([21.0, 23.0, 24.5, 26.0, 27.0, 28.0, 30.0, 31.0, 33.0, 35.0, 36.0, 38.0])
    record = search({"staff_hours": staff, "budget": np.full(12, -5.0)},
                    {"staff_hours": True, "budget": True})  # fmt: skip
    stats = switching.statistics(record)
    # share 0.5 on 12 futures: the 7th smallest (the level below which 6 futures reverse)
    expected = np.sort(staff)[6]
    tolerance = resolution(CURRENT["staff_hours"] / RANGES["staff_hours"][0])
    assert stats["switching_staff_hours"] == stats["switching_staff_hours_below"]
    assert abs(math.log(stats["switching_staff_hours"] / expected)) <= math.log(tolerance)
    assert stats["switching_staff_hours_ci_low"] <= stats["switching_staff_hours"]
    assert stats["switching_staff_hours"] <= stats["switching_staff_hours_ci_high"] <= 40.0
    assert math.isnan(stats["switching_staff_hours_above"])  # the leader never loses above 40
    for name in ("switching_budget", "switching_budget_ci_low", "switching_budget_below"):
        assert math.isnan(stats[name]), name  # never reverses within 0.3 to 1.8 M€
    assert stats["switching_futures"] == 12 and stats["switching_budget_ahead_count"] == 12


def test_a_switch_above_the_current_level_is_found_on_that_side() -> None:
    """Budget: the leader wins only below each future's truth (1.2 to 1.5 M€): the advice
    reverses above the median; staff hours never matter."""
    budget = np.linspace(1.2, 1.5, 7)
    record = search({"staff_hours": np.full(7, 1.0), "budget": budget},
                    {"staff_hours": True, "budget": False})  # fmt: skip
    stats = switching.statistics(record)
    expected = np.sort(budget)[3]  # the smallest level by which 4 of 7 futures have reversed
    tolerance = resolution(RANGES["budget"][1] / CURRENT["budget"])
    assert abs(math.log(stats["switching_budget"] / expected)) <= math.log(tolerance)
    assert stats["switching_budget"] == stats["switching_budget_above"]
    assert 1.0 <= stats["switching_budget_ci_low"] <= stats["switching_budget"]
    assert math.isnan(stats["switching_staff_hours"])


def test_a_side_is_bisected_only_in_the_futures_whose_sign_flips_there() -> None:
    """The ends come first in one batch; the pivot's gap, known from the comparison's runs, is
    not run again; each step runs only the futures (and sides) whose sign flips."""
    truth = {"staff_hours": np.array([30.0, 35.0, 5.0]), "budget": np.full(3, -5.0)}
    rising = {"staff_hours": True, "budget": True}
    known = {v: np.array([CURRENT[v] - truth[v][k] for k in range(3)]) for v in truth}
    calls: list = []
    switching.locate(linear(truth, rising, calls), 3, CURRENT, known)
    ends, *steps = calls
    assert len(ends) == 2 * 2 * 3  # both ends, both variables, every future; no pivot
    assert all(x != CURRENT[v] for v, _, x in ends)
    assert len(steps) == switching.STEPS
    assert all(sorted(k for _, k, _ in step) == [0, 1] for step in steps)  # future 2 never flips
    assert all(v == "staff_hours" for step in steps for v, _, _ in step)


def test_when_half_the_futures_have_already_reversed_it_is_said_at_the_current_level() -> None:
    staff = np.array([50.0, 60.0, 30.0, 45.0])  # 3 of 4 futures need more than 40 h
    record = search({"staff_hours": staff, "budget": np.full(4, -5.0)},
                    {"staff_hours": True, "budget": True})  # fmt: skip
    stats = switching.statistics(record)
    assert stats["switching_staff_hours"] == CURRENT["staff_hours"]
    assert stats["switching_staff_hours_ahead_count"] == 1
    assert math.isnan(stats["switching_staff_hours_ci_low"])


def synthetic_brief(record: dict, code: str) -> str:
    """The switching sentence a study with this search writes, as visible text."""
    study = Study(scenarios=["combined", "phased"], resources="adequate", runs=pd.DataFrame(),
                  months=36, seeds=list(range(record["futures"])),
                  base_model={"resources": dict(CURRENT)}, switching=record)  # fmt: skip
    summary = switching.summary_rows(study)
    inputs = {"model": {"resources": dict(CURRENT)}, "switching": switching.configuration(study)}
    tags = Tagger(Numbers(summary), Lang(code), inputs)
    (sentence,) = switching.sentences(study, tags.numbers, tags, "combined", "phased")
    return visible(sentence)


@pytest.mark.parametrize("code", ["en", "fr"])
def test_a_case_that_never_reverses_says_so_with_the_plausible_range(code: str) -> None:
    record = search({"staff_hours": np.full(5, 1.0), "budget": np.full(5, 0.01)},
                    {"staff_hours": True, "budget": True})  # fmt: skip
    text = synthetic_brief(record, code)
    lang = Lang(code)
    never = {"en": "nowhere within the plausible", "fr": "nulle part dans la plage plausible"}[code]
    assert text.count(never) == 2, text
    low, high = RANGES["staff_hours"]
    assert lang.plain(low) in text and lang.plain(high) in text
    assert lang.plain(RANGES["budget"][0]) in text and lang.plain(RANGES["budget"][1]) in text
    assert lang.plain(CURRENT["staff_hours"]) in text  # the commune's own value, beside it


@pytest.mark.parametrize("code", ["en", "fr"])
def test_a_reversal_is_said_with_its_interval_and_the_current_value(code: str) -> None:
    staff = np.linspace(22.0, 34.0, 12)
    record = search({"staff_hours": staff, "budget": np.full(12, 0.01)},
                    {"staff_hours": True, "budget": True})  # fmt: skip
    text = synthetic_brief(record, code)
    stats = switching.statistics(record)
    lang = Lang(code)
    side = {"en": "below about", "fr": "en dessous d’environ"}[code]
    assert f"{side} {lang.number(stats['switching_staff_hours'], 0)}" in text, text
    for end in ("ci_low", "ci_high"):
        assert lang.number(stats[f"switching_staff_hours_{end}"], 0) in text
    assert {"en": "you have 40", "fr": "actuellement 40"}[code] in text


# ---- settings ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["-1", "7"])
def test_a_bad_number_of_futures_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        plan(compose_config([*SMALL, f"switching_replications={value}"]))  # 6 replications
    assert info.value.path == "switching_replications"
    assert "from 0 to replications (6)" in str(info.value)


def test_the_default_searches_at_most_twelve_futures_and_zero_turns_it_off() -> None:
    assert plan(compose_config(SMALL)).switching == 6
    assert plan(compose_config([*SMALL, "replications=30"])).switching == switching.CAP
    assert plan(compose_config([*SMALL, "switching_replications=0"])).switching == 0


def test_the_command_line_refuses_a_bad_value_before_any_run(tmp_path: Path) -> None:
    out = tmp_path / "refused"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "compare", "replications=2", "switching_replications=-3",
         f"hydra.run.dir={out}"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "switching_replications" in result.stderr and "-3" in result.stderr
    assert not out.exists() or not any(out.iterdir())


# ---- the small comparison ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_shared(tmp_path_factory)


def test_the_small_comparison_carries_the_switching_values(built: dict[str, Path]) -> None:
    summary = read_summary(built["en"])
    final = summary[(summary["resources"] == "adequate") & (summary["month"] == 36)]
    ranks = final[final["statistic"] == "rank"].set_index("scenario")["value"].sort_values()
    rec, runner = ranks.index[:2]
    rows = final[final["statistic"].str.startswith("switching_")]
    assert set(rows["scenario"]) == {rec} and set(rows["versus"]) == {runner}
    stats = dict(zip(rows["statistic"], rows["value"], strict=True))
    assert {"switching_staff_hours", "switching_budget"} <= set(stats)
    assert stats["switching_futures"] == 6  # min(replications, 12)
    for v in switching.VARIABLES:  # a value within the plausible range, or none (empty)
        low, high = RANGES[v]
        assert math.isnan(stats[f"switching_{v}"]) or low <= stats[f"switching_{v}"] <= high
    config = read_config(built["en"])["switching"]
    assert config["scenarios"] == [rec, runner] and config["futures"] == 6
    assert config["staff_hours"]["current"] == 40 and config["budget"]["low"] == 0.3


@pytest.mark.parametrize("code", ["en", "fr"])
def test_page_one_and_the_annex_carry_the_switching_values(
    built: dict[str, Path], code: str
) -> None:
    lang = Lang(code)
    first = pdf_pages(built[code] / "report.pdf")[0]
    assert lang.t("switch.title") in first
    page = (built[code] / "report.html").read_text(encoding="utf-8")
    brief = re.search(r'<div class="recommendation">(.*?)</div>', page, re.S).group(1)
    assert 'data-stat="switching_futures"' in brief
    assert 'data-key="model.resources.staff_hours"' in brief
    assert 'data-key="model.resources.budget"' in brief
    assert 'id="annex-switching"' in page and lang.t("sec.annex.switching") in page


def test_switching_off_writes_no_sentence_and_no_statistic() -> None:
    study = Study(scenarios=["combined", "phased"], resources="adequate", runs=pd.DataFrame(),
                  months=36, seeds=[1])  # fmt: skip
    rows = switching.summary_rows(study)
    assert rows.empty
    tags = Tagger(Numbers(rows), Lang(), {})
    assert switching.sentences(study, tags.numbers, tags, "combined", "phased") == []
    assert switching.annex_section(study, tags.numbers, tags) is None
