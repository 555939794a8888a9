"""The advisors' report, as written by `python -m sim compare` (`sim.report`).

One small comparison (city=small, 36 months, 6 paired replications, 2 per sensitivity level) in
English and in French, through the in-process API (`sim.cli.compare.compare`), the same path as
the command line. Built once per test run: the pytest-xdist workers share one folder, and the
first to arrive builds it under a file lock while the others wait. The tests check structure and
traceability, never a model value: the model's numbers change as it is reworked.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import system
from browser import CHROMIUM, CHROMIUM_ARGS
from reporting import (
    FILES,
    GIVEN,
    INPUT,
    LANGUAGES,
    LIKELY,
    NUM,
    OPTIONS,
    SMALL,
    build_shared,
    main_text,
    needs_poppler,
    normalise,
    pdf_pages,
    read_config,
    read_summary,
    sections,
    visible,
)
from scipy import stats

from sim.cli.compare import compare
from sim.report import build, front
from sim.report import study as report_study
from sim.report.lang import Lang, format_stat, likelihood_key
from sim.report.plan import plan, study_of

MONTHS = 36


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


def page_of(built: dict[str, Path], lang: str) -> str:
    return (built[lang] / "report.html").read_text(encoding="utf-8")


def final_ranking(summary: pd.DataFrame) -> list[str]:
    """Scenarios from first to last at the end, read from summary.csv."""
    rows = summary[
        (summary["resources"] == "adequate")
        & (summary["month"] == MONTHS)
        & (summary["statistic"] == "rank")
    ]
    return list(rows.sort_values("value")["scenario"])


def ahead_share(summary: pd.DataFrame, x: str, y: str) -> tuple[float, int]:
    """Share of paired futures with `x` ahead of `y` at the end, and their number (summary.csv)."""
    part = summary[(summary["resources"] == "adequate") & (summary["month"] == MONTHS)]
    pair = part[((part["scenario"] == x) & (part["versus"] == y))]
    stat = "ahead_count"
    if pair.empty:
        pair, stat = part[(part["scenario"] == y) & (part["versus"] == x)], "behind_count"
    values = dict(zip(pair["statistic"], pair["value"], strict=True))
    return values[stat] / values["replications"], int(values["replications"])


def gap_spans_zero(summary: pd.DataFrame, x: str, y: str) -> bool:
    """Whether the paired gap between `x` and `y` ranges over zero in nine futures out of ten
    (its 5th to 95th percentile): the brief then calls it a tie (issue #25)."""
    part = summary[(summary["resources"] == "adequate") & (summary["month"] == MONTHS)]
    pair = part[((part["scenario"] == x) & (part["versus"] == y))]
    if pair.empty:
        pair = part[(part["scenario"] == y) & (part["versus"] == x)]
    values = dict(zip(pair["statistic"], pair["value"], strict=True))
    return values["diff_p05"] <= 0 <= values["diff_p95"]


# ---- files --------------------------------------------------------------------------------------
def test_writes_the_five_files(built: dict[str, Path], runs: pd.DataFrame) -> None:
    for lang in LANGUAGES:
        assert sorted(p.name for p in built[lang].iterdir()) == sorted(FILES)  # nothing else
        for name in FILES:
            assert (built[lang] / name).stat().st_size > 0, name
    assert set(runs["resources"]) == {"adequate", "tight", "generous"}
    main = runs[runs["resources"] == "adequate"]
    assert main.groupby("scenario")["replication"].nunique().to_dict() == dict.fromkeys(OPTIONS, 6)
    assert runs[runs["resources"] == "tight"]["replication"].nunique() == 2
    # paired: replication k has the same seed in every scenario and resource level
    assert runs.groupby("replication")["seed"].nunique().max() == 1
    config = read_config(built["en"])
    assert set(config["scenarios"]) == set(OPTIONS)
    assert set(config["resource_levels"]) == {"tight", "adequate", "generous"}
    assert config["seeds"]["replications"] == runs.groupby("replication")["seed"].first().tolist()
    assert config["settings"]["language"] == "en"


@pytest.fixture(scope="module")
def again(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English comparison rerun with two processes (the number of processes: no matter)."""
    folder = tmp_path_factory.mktemp("again")
    compare([*SMALL, "language=en"], folder, jobs=2)
    return folder


def test_same_command_gives_identical_files(built: dict[str, Path], again: Path) -> None:
    for name in FILES:
        if name != "report.pdf":
            assert (again / name).read_bytes() == (built["en"] / name).read_bytes(), name


def test_same_command_gives_an_identical_pdf(built: dict[str, Path], again: Path) -> None:
    # WeasyPrint's fallback subsetter (fontTools, without HarfBuzz-subset) is not byte-stable
    # from one process to the next; with HarfBuzz the same HTML gives the same bytes.
    system.require("subset")
    assert (again / "report.pdf").read_bytes() == (built["en"] / "report.pdf").read_bytes()


# ---- page 1: the brief --------------------------------------------------------------------------
@pytest.mark.parametrize("code", LANGUAGES)
def test_page_one_holds_ranking_recommendation_and_caveats(
    built: dict[str, Path], summary: pd.DataFrame, code: str
) -> None:
    lang = Lang(code)
    pages = pdf_pages(built[code] / "report.pdf")
    first = pages[0]
    order = final_ranking(summary)
    # the recommendation, in its box, naming the scenario ranked first at the end; firm only
    # when it is ahead of the runner-up in most paired futures and there are enough of them
    assert normalise(lang.t("html.recommendation")) in first
    assert {"en": "Recommendation", "fr": "Recommandation"}[code] in first
    first_name, second_name = (normalise(lang.scenario(x)) for x in order[:2])
    share, futures = ahead_share(summary, order[0], order[1])
    sure = likelihood_key(share, futures) in ("likely", "very_likely", "virtually_certain")
    if share >= 0.66 and sure and gap_spans_zero(summary, order[0], order[1]):
        head = visible(lang.h("rec.tie", a=first_name, b=second_name))
    elif share >= 0.66 and sure:
        head = lang.h("rec.headline", rec=first_name, horizon=lang.years(MONTHS))
    elif share >= 0.66:
        head = lang.h("rec.too_few", a=first_name, b=second_name)
    else:
        head = lang.h("rec.no_clear", a=first_name, b=second_name)
    assert visible(head) in first
    # the ranking: every scenario, in order, with its rank at each horizon
    ranking = normalise(lang.t("html.ranking"))
    assert ranking in first
    positions = [first.index(normalise(lang.scenario(n)), first.index(ranking)) for n in order]
    assert positions == sorted(positions)
    for month in report_study.horizons(MONTHS):
        assert visible(lang.h("rank.after", horizon=lang.years(month))) in first
    assert lang.ordinal(1) in first and lang.ordinal(len(order)) in first
    # the caveats box: calibration, comparisons not forecasts, what the uncertainty covers
    assert normalise(lang.t("html.caveats")) in first
    for key in ("calibration", "comparison", "uncertainty", "units"):
        assert visible(lang.h(f"caveat.{key}.title")) in first, key
    assert {"en": "not calibrated", "fr": "non calibré"}[code] in first.lower()


def test_brief_wording_follows_the_numbers(built: dict[str, Path], summary: pd.DataFrame) -> None:
    """The likelihood words match the counts they stand for; the ranking table has every row."""
    for code in LANGUAGES:
        page = page_of(built, code)
        words = LIKELY.findall(page)
        assert words
        for term, share, futures, text in words:
            assert term == likelihood_key(float(share), int(futures))
            assert html.unescape(text) == Lang(code).t(f"likelihood.{term}")
        ranking = re.search(r'<table class="ranking">(.*?)</table>', page, re.S).group(1)
        assert ranking.count("<tr>") == 1 + len(OPTIONS) + 1  # header, scenarios, how often ahead


# ---- plain words --------------------------------------------------------------------------------
JARGON = [
    r"seed\s*§",
    r"§",
    r"\b[a-z]+_[a-z_]+\b",  # a config key or a file name: staff_hours, readiness_threshold
    r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b",  # a dotted config path: model.resources.staff_hours
    r"resources\.\w+",
    r"[×^≥≤=]",  # formulas
    r"\bp\s*[<=]",
    r"Wilcoxon|rank-biserial|bootstrap|Wilson|significant",
]
FRENCH_IN_ENGLISH = ["maire", "COPIL", "illectronisme", "voirie", "DGA", "mandat", "élu"]


@pytest.mark.parametrize("code", LANGUAGES)
def test_main_text_has_no_jargon(built: dict[str, Path], code: str) -> None:
    text = visible(main_text(page_of(built, code)))
    for pattern in JARGON:
        assert not re.search(pattern, text), (pattern, re.search(pattern, text))
    if code == "en":
        for word in FRENCH_IN_ENGLISH:
            assert not re.search(rf"\b{word}\b", text), word
    else:
        for word in (" the ", " and ", "value points", "scenario "):
            assert word not in text, word
    # the PDF's pages before the annex say the same (the annex keeps the tests and the command)
    pages = pdf_pages(built[code] / "report.pdf")
    annex = normalise(Lang(code).t("sec.annex.tests"))
    before = [p for p in pages[: next(i for i, p in enumerate(pages) if annex in p)]]
    for pattern in (r"seed\s*§", r"§", r"[×^≥≤]", r"\b[a-z]+_[a-z_]+\b", r"Wilcoxon"):
        assert not re.search(pattern, " ".join(before)), pattern


def test_french_report_uses_french_typography(built: dict[str, Path]) -> None:
    page = page_of(built, "fr")
    text = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(sections(page).values())))
    assert not re.search(r"[ \u00a0][;:!?%]", text)  # a narrow no-break space, not a space
    assert not re.search(r"[^\s\u202f][;:!?](?=\s)", text)  # and never no space at all
    assert "\u202f:" in text and "«\u202f" in text and "\u202f»" in text
    assert '"' not in text
    for *_, stat, shown in NUM.findall(page):
        shown = html.unescape(shown)
        assert not re.search(r"\d\.\d", shown), shown  # decimal comma
        if stat.endswith("share") or "_share_" in stat:
            assert shown.endswith("\u202f%")
    assert '<html lang="fr">' in page and '<html lang="en">' in page_of(built, "en")


# ---- every number traced ------------------------------------------------------------------------
def _recompute(runs: pd.DataFrame, lead: str, other: str, month: int, stat: str) -> float | None:
    """A pair statistic computed afresh from runs.csv (independently of sim.analysis.metrics)."""
    part = runs[(runs["resources"] == "adequate") & (runs["month"] == month)]
    wide = part.pivot(index="replication", columns="scenario", values="value_cumulative")
    diff = (wide[lead] - wide[other]).to_numpy()
    nonzero = diff[diff != 0]
    if stat == "ahead_count":
        return float((diff > 0).sum())
    if stat == "behind_count":
        return float((diff < 0).sum())
    if stat == "diff_median":
        return float(np.median(diff))
    if stat in ("diff_p05", "diff_p95"):
        return float(np.percentile(diff, 5 if stat == "diff_p05" else 95))
    if stat == "p_value" and nonzero.size:
        return float(stats.wilcoxon(nonzero).pvalue)
    if stat == "effect_size" and nonzero.size:
        ranks = stats.rankdata(np.abs(nonzero))
        return float((ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum())
    return None


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_number_is_traced_to_the_summary_or_the_configuration(
    built: dict[str, Path], runs: pd.DataFrame, code: str
) -> None:
    lang, page = Lang(code), page_of(built, code)
    summary = read_summary(built[code])
    table = {
        (r.resources, r.scenario, r.versus or "", int(r.month), r.statistic): r.value
        for r in summary.fillna({"versus": ""}).itertuples(index=False)
    }
    config = read_config(built[code])
    results = NUM.findall(page)
    assert len(results) > 60
    recomputed = 0
    for level, option, versus, month, stat, shown in results:
        value = table[(level, option, versus, int(month), stat)]
        assert format_stat(lang, stat, value) == html.unescape(shown), (option, stat)
        fresh = _recompute(runs, option, versus, int(month), stat) if versus else None
        if fresh is not None and level == "adequate":
            assert fresh == pytest.approx(value, rel=1e-9, abs=1e-12), (option, versus, stat)
            recomputed += 1
    assert recomputed >= 10
    months = set(summary["month"])
    for key, month, shown in INPUT.findall(page):
        shown = html.unescape(shown)
        if key == "horizon":
            m = int(month)
            assert m in months
            assert shown in (lang.years(m), lang.number(m / 12, 0 if m % 12 == 0 else 1))
            continue
        value = config
        for part in key.split("."):
            value = value[part]
        assert lang.plain(value) == shown, key
    for key, shown in GIVEN.findall(page):  # text inputs: age groups, date, author, decision
        value = config
        for part in key.split("."):
            value = value[int(part) if isinstance(value, list) else part]
        assert front.shown(lang, key, value) == html.unescape(shown), key
    # Outside tagged numbers and citations, the main text holds no digit at all.
    bare = re.sub(r'<span class="(num|input|given)"[^>]*>.*?</span>', "", main_text(page))
    bare = re.sub(r"<cite>.*?</cite>", "", bare)
    assert not re.search(r"\d", visible(bare)), re.findall(r".{30}\d.{30}", visible(bare))[:3]


# ---- HTML ---------------------------------------------------------------------------------------
class Tables(HTMLParser):
    """Every table's structure: its children, and each row's cells by section."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            assert "table" not in self.stack, "nested table"
            self.tables.append({"children": [], "rows": []})
        elif self.stack and self.stack[-1] == "table":
            self.tables[-1]["children"].append(tag)
        if tag == "tr":
            assert self.stack[-1] in ("thead", "tbody"), f"<tr> under <{self.stack[-1]}>"
            self.tables[-1]["rows"].append((self.stack[-1], []))
        if tag in ("th", "td"):
            assert self.stack[-1] == "tr", f"<{tag}> under <{self.stack[-1]}>"
            self.tables[-1]["rows"][-1][1].append(tag)
        if tag not in ("img", "br", "meta", "link"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()


@pytest.mark.parametrize("code", LANGUAGES)
def test_html_tables_are_valid(built: dict[str, Path], code: str) -> None:
    parser = Tables()
    parser.feed(page_of(built, code))
    assert parser.stack == []
    assert len(parser.tables) >= 8
    for t in parser.tables:
        assert [c for c in t["children"] if c != "caption"] == ["thead", "tbody"], t["children"]
        head = [cells for part, cells in t["rows"] if part == "thead"]
        body = [cells for part, cells in t["rows"] if part == "tbody"]
        assert len(head) == 1 and set(head[0]) == {"th"}
        assert body
        for cells in body:  # a row header, then data: never a header row inside the body
            assert cells[0] == "th" and set(cells[1:]) <= {"td"} and len(cells) == len(head[0])


def test_html_is_self_contained(built: dict[str, Path]) -> None:
    page = page_of(built, "en")
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert str(built["en"]) not in page and "/tmp" not in page
    links = set(re.findall(r'href="([^"#][^"]*)"', page))
    assert links == {"scenarios.yaml"}  # the attached configuration, beside the report
    images = re.findall(r'<img src="data:image/svg\+xml;base64,', page)
    assert len(images) == len(re.findall(r"<figure>", page)) >= 4


def test_html_in_headless_chromium(built: dict[str, Path]) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    system.require("browser")
    target = (built["en"] / "report.html").resolve().as_uri()
    requested, refused = [], []

    def route(r: object) -> None:
        url = r.request.url
        requested.append(url)
        if url == target or url.startswith(("data:", "about:")):
            r.continue_()
        else:
            refused.append(url)
            r.abort()

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", route)
            failed = []
            page.on("requestfailed", lambda req: failed.append(req.url))
            page.goto(target, wait_until="load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight])"
            )
            headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
        finally:
            browser.close()
    assert refused == [] and failed == [] and requested == [target]
    assert len(images) >= 4
    assert all(done and w > 0 and h > 0 for done, w, h in images), images
    lang = Lang("en")
    assert headings[0] == lang.t("html.recommendation")
    assert lang.t("sec.annex.reproduce") in headings


# ---- PDF ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", LANGUAGES)
def test_pdf_pages(built: dict[str, Path], tmp_path: Path, code: str) -> None:
    path = built[code] / "report.pdf"
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"CreationDate" not in data and b"ModDate" not in data
    pages = pdf_pages(path)
    assert 4 <= len(pages) <= 10
    lang = Lang(code)
    text = " ".join(pages)
    for key in ("sec.value.title", "sec.dims.title", "sec.res.title", "sec.glossary.title"):
        assert normalise(lang.t(key)) in text, key
    assert normalise(lang.t("sec.costs.title")) in pages[1]  # the costs open page 2
    assert normalise(lang.t("sec.value.title")) in " ".join(pages[1:3])  # then the reasons
    assert all(normalise(lang.t("html.footer")) in p for p in pages)
    needs_poppler()
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == len(pages)


# ---- the parameter-set hook (for a future ensemble) ----------------------------------------------
def test_an_ensemble_of_parameter_sets_changes_what_the_caveat_says(
    built: dict[str, Path], runs: pd.DataFrame
) -> None:
    from sim.cli.compare import compose_config

    p = plan(compose_config(SMALL))
    alone = runs.drop(columns="parameter_set")  # as with ensemble=none
    chance = build(study_of(p, alone, ["python"]), "en").brief.caveats
    assert any("differ only by chance" in c for c in chance)
    paired = runs.assign(parameter_set=runs["replication"] % 3)
    ensemble = build(study_of(p, paired, ["python"]), "en").brief.caveats
    assert not any("differ only by chance" in c for c in ensemble)
    assert any("parameter sets" in c for c in ensemble)
    unpaired = runs.assign(parameter_set=(runs["scenario"] == "phased").astype(int))
    with pytest.raises(ValueError, match="parameter sets"):
        build(study_of(p, unpaired, ["python"]), "en")


def test_the_brief_names_no_winner_when_the_futures_do_not_support_one(runs: pd.DataFrame) -> None:
    from sim.cli.compare import compose_config

    p = plan(compose_config(SMALL))
    lang = Lang("en")
    # two futures only: ahead in both, but too few futures to say how sure
    few = runs[runs["replication"] < 2]
    head = build(study_of(p, few, ["python"]), "en").brief.recommendation[0]
    assert visible(head).startswith(visible(lang.h("rec.too_few", a="", b="")).split(":")[0])
    # every scenario a copy of one: level in every future, so no winner at all
    base = runs[runs["scenario"] == "phased"]
    copies = pd.concat([base.assign(scenario=name) for name in OPTIONS], ignore_index=True)
    head = build(study_of(p, copies, ["python"]), "en").brief.recommendation[0]
    assert visible(head).startswith(visible(lang.h("rec.no_clear", a="", b="")).split(":")[0])
    # ahead in 5 of 6 futures, by a hair in four and hugely in one, behind hugely in one: the
    # typical gap's interval holds zero, so a near tie is named as one (issue #25)
    # (hugely ahead in the future of highest value, behind in the lowest: the medians stay a
    # hair apart whatever the futures' values)
    end = base[(base["resources"] == "adequate") & (base["month"] == MONTHS)]
    order = list(end.sort_values("value_cumulative")["replication"])
    edge = dict.fromkeys(order, 0.01) | {order[-1]: 5.0, order[0]: -5.0}
    tied = copies.copy()
    first = tied["scenario"] == OPTIONS[0]
    tied.loc[first, "value_cumulative"] += tied.loc[first, "replication"].map(edge)
    head = build(study_of(p, tied, ["python"]), "en").brief.recommendation[0]
    assert visible(head).startswith("A near tie:"), head


# ---- the command line ---------------------------------------------------------------------------
def test_command_line_prints_ranking_and_recommendation_after_the_files(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "compare",
            "scenarios=[phased,combined_more_staff]",
            "city=small",
            "months=24",
            "replications=3",
            "sensitivity_replications=0",
            "language=fr",
            f"hydra.run.dir={out}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    lines = result.stdout.splitlines()
    last_file = max(i for i, x in enumerate(lines) if x.startswith("summary.csv: "))
    tail = "\n".join(lines[last_file + 1 :])
    lang = Lang("fr")
    assert lang.t("terminal.ranking", horizon=lang.years(24)) in tail
    for name in ("phased", "combined_more_staff"):
        assert lang.scenario(name) in tail
    assert "Recommandation\u202f:" in tail
    assert "Step " not in result.stdout  # no WeasyPrint progress chatter
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "python -m sim compare scenarios=[phased,combined_more_staff]" in page
    assert "hydra.run.dir" not in page


def test_unknown_scenario_fails_before_any_run_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "refused"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "compare",
            "scenarios=[phased,phasd]",
            "replications=2",
            f"hydra.run.dir={out}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "'phasd'" in result.stderr and "scenarios" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def small_brief(out: Path, scenarios: str, months: int, replications: int, *more: str) -> Path:
    """A small English comparison without the resource check, written into `out`."""
    system.require("pdf")
    compare(
        [f"scenarios=[{scenarios}]", "city=small", f"months={months}",
         f"replications={replications}", "sensitivity_replications=0", "language=en", *more], out,
    )  # fmt: skip
    return out


def test_a_leader_never_behind_has_no_crossover_month_in_the_annex(tmp_path: Path) -> None:
    """The annex said "no crossover" and its table then printed "month 1, 1 to 1" (issue #25):
    a leader ahead from the first month in every future is said to be never behind, in both."""
    # every parameter at its default (ensemble=none): combined leads from the first month
    out = small_brief(tmp_path / "never", "proactive,combined", 36, 6, "ensemble=none")
    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    lang = Lang("en")
    assert normalise(lang.t("annex.cross.none").split(";")[0]) in normalise(page)
    annex = page[page.index('id="annex-crossover"') :]
    table = annex[annex.index("<table") : annex.index("</table>")]
    assert table.count(lang.t("annex.cross.never")) == 2  # the median and the interval


def test_the_lead_chart_draws_the_recommended_scenarios_lead_in_its_colour(
    built: dict[str, Path], runs: pd.DataFrame
) -> None:
    """Each lead line is the recommended scenario's (its colour), with the other's line style and
    its name at the line's end; in the other's colour the legend said it was the other's line."""
    from matplotlib.colors import to_hex
    from matplotlib.figure import Figure

    from sim.cli.compare import compose_config
    from sim.report import charts
    from sim.report.tags import Numbers

    report = build(study_of(plan(compose_config(SMALL)), runs, ["python"]), "en")
    numbers, study = Numbers(report.summary), report.study
    fig = Figure()
    charts.chart_value(fig, study, numbers, report.lang)
    lead_axis = fig.axes[1]
    order = charts.ranked(study, numbers)
    colour = charts.colours(study.scenarios)
    lines = [ln for ln in lead_axis.get_lines() if len(ln.get_xdata()) > 2]
    assert [to_hex(ln.get_color()) for ln in lines] == [to_hex(colour[order[0]])] * (len(order) - 1)
    names = {t.get_text() for t in lead_axis.texts}
    assert names == {f"over {report.lang.scenario(n)}" for n in order[1:]}
