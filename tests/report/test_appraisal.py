"""What an appraisal has (issue #25 parts 1, 4, 5, 8): the calibrated ensemble by default, who
gains and who loses, what each scenario costs, a status quo, scenario labels, front matter.

The summary's new statistics are recomputed here from runs.csv, independently of the report's
code; the brief's new words are checked against them.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf
from reporting import (
    GIVEN,
    NUM,
    OPTIONS,
    SMALL,
    build_shared,
    normalise,
    pdf_pages,
    read_config,
    read_summary,
    visible,
)

from sim.cli.compare import compose_config
from sim.core.config import ConfigError
from sim.core.stages.course import BUDGET_LINES, budget_shares
from sim.report import build, costs, front
from sim.report.html import render_html
from sim.report.lang import Lang
from sim.report.plan import plan, study_of
from sim.report.tags import Numbers
from sim.runs import presets

MONTHS = 36
LIT = [f"net_value_per_resident_lit{q}" for q in range(1, 6)]
AGE = [f"net_value_per_resident_age{a}" for a in range(1, 6)]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small comparison's run directory, per language (built once per test run)."""
    return build_shared(tmp_path_factory)


@pytest.fixture(scope="session")
def summary(built: dict[str, Path]) -> pd.DataFrame:
    return read_summary(built["en"])


@pytest.fixture(scope="session")
def runs(built: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(built["en"] / "runs.csv")


def stat(summary: pd.DataFrame, scenario: str, name: str) -> float:
    """One statistic of a scenario at the end under the main resources (summary.csv)."""
    row = summary[
        (summary["resources"] == "adequate")
        & (summary["scenario"] == scenario)
        & (summary["versus"].isna())
        & (summary["month"] == MONTHS)
        & (summary["statistic"] == name)
    ]
    assert len(row) == 1, (scenario, name)
    return float(row["value"].iloc[0])


def main_runs(runs: pd.DataFrame, scenario: str) -> pd.DataFrame:
    return runs[(runs["resources"] == "adequate") & (runs["scenario"] == scenario)]


# ---- part 1: the ensemble by default ------------------------------------------------------------
def test_the_default_comparison_draws_from_the_calibrated_ensemble(built: dict[str, Path]) -> None:
    p = plan(compose_config([]))
    assert p.ensemble is not None and p.ensemble.ensemble.name == "default"
    assert p.settings["ensemble"] == "default"
    assert "status_quo" in p.scenarios  # the do-minimum is compared by default
    config = read_config(built["en"])  # scenarios.yaml records the ensemble used
    assert config["settings"]["ensemble"] == "default"
    assert config["ensemble"]["name"] == "default" and config["ensemble"]["digest"]
    runs = pd.read_csv(built["en"] / "runs.csv")
    assert runs["parameter_set"].nunique() > 1


@pytest.mark.parametrize("word", ["none", "null", "None"])
def test_ensemble_none_means_chance_only(word: str) -> None:
    p = plan(compose_config([*SMALL, f"ensemble={word}"]))
    assert p.ensemble is None
    assert p.settings["ensemble"] == "none"


def test_a_bad_ensemble_names_the_field_and_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"ensemble.*'nonexistent'.*none.*default"):
        plan(compose_config([*SMALL, "ensemble=nonexistent"]))


def test_the_brief_says_how_many_parameter_sets_stand_behind_a_count(
    built: dict[str, Path], summary: pd.DataFrame
) -> None:
    page = (built["en"] / "report.html").read_text(encoding="utf-8")
    box = page[page.index('class="recommendation"') : page.index("</div>")]
    sets = [n for n in NUM.findall(box) if n[4] == "parameter_sets"]
    assert sets, "no parameter-set count in the recommendation"
    runs = pd.read_csv(built["en"] / "runs.csv")
    distinct = runs[runs["resources"] == "adequate"]["parameter_set"].nunique()
    assert int(sets[0][5]) == distinct
    caveats = visible(page[page.index('class="caveats"') :].split("</aside>")[0])
    assert "calibrated ensemble" in caveats and "own data" in caveats


# ---- part 4: who gains and who loses ------------------------------------------------------------
def test_net_value_per_resident_by_group_is_in_the_summary(
    summary: pd.DataFrame, runs: pd.DataFrame
) -> None:
    for name in OPTIONS:
        end = main_runs(runs, name)
        end = end[end["month"] == MONTHS].sort_values("replication")
        for column in (*LIT, *AGE):
            values = end[column].to_numpy()
            assert stat(summary, name, column) == pytest.approx(np.median(values))
            assert stat(summary, name, f"{column}_p05") == pytest.approx(np.percentile(values, 5))
        gap = end[LIT[-1]].to_numpy() - end[LIT[0]].to_numpy()
        assert stat(summary, name, "literacy_gap") == pytest.approx(np.median(gap))


@pytest.mark.parametrize("code", ["en", "fr"])
def test_the_distribution_table_has_every_group(built: dict[str, Path], code: str) -> None:
    page = (built[code] / "report.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="numbers distribution">(.*?)</table>', page, re.S).group(1)
    assert table.count("<tr>") == 1 + 5 + 1 + 5  # header, quintiles, gap, age groups
    shown = {s for *_, s, _ in NUM.findall(table)}
    assert {*LIT, *AGE, "literacy_gap"} <= shown
    assert [k for k, _ in GIVEN.findall(table)] == [f"groups.age.{a}" for a in range(5)]
    assert 'id="distribution"' in page and "<figure>" in page.split('id="distribution"')[1]


def test_the_recommendation_says_when_it_widens_the_literacy_gap(runs: pd.DataFrame) -> None:
    p = plan(compose_config(SMALL))
    report = build(study_of(p, runs, ["python"]), "en")
    numbers = Numbers(report.summary)
    names = numbers.ranking("adequate", OPTIONS, MONTHS)[:2]
    gap = {x: numbers.get("adequate", x, "", MONTHS, "literacy_gap") for x in names}
    said = any("widens the gap" in s for s in report.brief.recommendation)
    assert said == (gap[names[0]] > max(gap[names[1]], 0))
    wider = runs.copy()  # the leader's most at ease fifth gains far more: the gap widens
    lead = wider["scenario"] == names[0]
    wider.loc[lead, LIT[-1]] += 1000.0
    report = build(study_of(p, wider, ["python"]), "en")
    sentence = [s for s in report.brief.recommendation if "widens the gap" in s]
    assert len(sentence) == 1
    stats = {m[4] for m in NUM.findall(sentence[0])}
    assert stats == {"literacy_gap"}


# ---- part 5: what it costs ----------------------------------------------------------------------
def test_the_costs_are_in_the_summary_and_traceable(
    built: dict[str, Path], summary: pd.DataFrame, runs: pd.DataFrame
) -> None:
    city = read_config(built["en"])["model"]["city"]
    departments, dgas = city["departments"], city["dgas"]
    for name in OPTIONS:
        part = main_runs(runs, name)
        per = part.groupby("replication")
        load = per["load"].mean()
        assert stat(summary, name, "staff_load") == pytest.approx(np.median(load))
        unmet = (part["load"] * part["hours_capacity"] - part["hours_used"]).clip(lower=0)
        unmet = unmet.groupby(part["replication"]).mean() / departments
        assert stat(summary, name, "staff_hours_unmet") == pytest.approx(np.median(unmet))
        fte = per["hours_used"].mean() / (1607 / 12)
        assert stat(summary, name, "staff_fte_used") == pytest.approx(np.median(fte))
        dga = per["dga_unmet"].mean() / dgas
        assert stat(summary, name, "dga_hours_unmet") == pytest.approx(np.median(dga))
        assert stat(summary, name, "breaches_expected") == pytest.approx(
            np.median(per["breach_hazard"].sum())
        )
        shares = budget_shares(part["proactivity"].to_numpy(), part["openness"].to_numpy())
        lines = sum(part["budget"].to_numpy() * shares[k] for k in BUDGET_LINES)
        assert np.allclose(lines, part["budget"])  # the lines add up to the budget
        infra = (part["budget"] * shares["infrastructure"]).groupby(part["replication"]).mean()
        assert stat(summary, name, "budget_infrastructure") == pytest.approx(np.median(infra))


@pytest.mark.parametrize("code", ["en", "fr"])
def test_page_two_says_what_each_scenario_costs(built: dict[str, Path], code: str) -> None:
    lang = Lang(code)
    pages = pdf_pages(built[code] / "report.pdf")
    second = pages[1]
    assert visible(lang.h("sec.costs.title")) in second
    assert visible(lang.h("cost.row.fte_used")) in second
    assert normalise(lang.plain(costs.FTE_HOURS_YEAR)) in second  # the FTE convention
    page = (built[code] / "report.html").read_text(encoding="utf-8")
    section = page[page.index('id="costs"') : page.index('id="value"')]
    quoted = {m[4] for m in NUM.findall(section)}
    assert {s for s, _ in costs.ROWS} <= quoted
    assert {"staff_load_p05", "staff_load_p95"} <= quoted


# ---- part 8: status quo, labels, front matter ---------------------------------------------------
def test_the_status_quo_is_a_documented_scenario() -> None:
    data = presets.load("status_quo")
    assert data["trajectory"]["kind"] == "proactive"
    assert data["resources"]["budget"] == 0.3  # the bottom of the plausible range
    for code in ("en", "fr"):
        assert Lang(code).scenario("status_quo") != "status_quo"
        assert Lang(code).scenario_about("status_quo")


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        ("Notre option", {"en": "Notre option", "fr": "Notre option"}),
        ({"en": "Our option", "fr": "Notre option"}, {"en": "Our option", "fr": "Notre option"}),
        ({"fr": "Notre option"}, {"en": "Notre option", "fr": "Notre option"}),
        (None, {"en": "my_option", "fr": "my_option"}),
    ],
)
def test_an_own_scenario_is_shown_by_its_label_or_its_file_stem(
    tmp_path: Path, runs: pd.DataFrame, label: object, shown: dict[str, str]
) -> None:
    path = tmp_path / "private" / "my_option.yaml"
    path.parent.mkdir()
    head = {} if label is None else {"label": label}
    path.write_text(OmegaConf.to_yaml({**head, "trajectory": {"kind": "proactive"}}))
    assert "label" not in presets.load(str(path))  # stripped: it sets no model field
    cfg = compose_config([*SMALL, f"scenarios=[phased,combined,{path}]"])
    own = runs.replace({"scenario": {"proactive": str(path)}})
    for code in ("en", "fr"):
        report = build(study_of(plan(cfg), own, ["python"]), code)
        page = render_html(report)
        assert str(tmp_path) not in visible(page)  # never its path
        assert html.escape(shown[code], quote=False) in page


@pytest.mark.parametrize("label", ["", [1, 2], {"de": "x"}, {"en": ""}])
def test_a_bad_label_names_the_file_and_line(tmp_path: Path, label: object) -> None:
    path = tmp_path / "bad_label.yaml"
    path.write_text(f"trajectory:\n  kind: open\nlabel: {json.dumps(label)}\n")
    with pytest.raises(ConfigError, match=r"bad_label\.yaml, line 3: 'label'"):
        presets.load(str(path))


def front_config(**given: str) -> dict:
    data = OmegaConf.to_container(compose_config(SMALL), resolve=True)
    return {**data, **given}


@pytest.mark.parametrize(
    ("field", "value"),
    [("date", "notadate"), ("date", "2025-02-30"), ("date", "5/6/2025"), ("author", ""),
     ("decision", "two\nlines")],
)  # fmt: skip
def test_bad_front_matter_names_the_field(field: str, value: str) -> None:
    with pytest.raises(ConfigError, match=rf"'{field}'.*allowed"):
        plan(front_config(**{field: value}))


def test_front_matter_is_shown_as_given_and_never_the_current_date(runs: pd.DataFrame) -> None:
    bare = plan(front_config())
    assert (bare.settings["date"], bare.settings["author"]) == (None, None)
    given = {"date": "2025-06-01", "author": "Direction du numérique", "decision": "Choisir"}
    p = plan(front_config(**given))
    for code, day, word in (("en", "1 June 2025", "Decision requested"),
                            ("fr", "1er juin 2025", "Décision demandée")):  # fmt: skip
        page = render_html(build(study_of(p, runs, ["python"]), code))
        header = visible(page[page.index("<header>") : page.index("</header>")])
        assert day in header and "Direction du numérique" in header and word in header
        assert front.shown(Lang(code), "settings.date", given["date"]) == day
        assert dict(GIVEN.findall(page))["settings.date"] == day
    plain = render_html(build(study_of(bare, runs, ["python"]), "en"))
    assert 'class="front"' not in plain and 'class="decision"' not in plain
