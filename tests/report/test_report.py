"""The advisors' comparison report (`python -m sim compare`, `sim.cli.compare`, `sim.report`).

Small runs (city=small, 36 months, 6 paired replications, 2 per sensitivity level) through the
in-process API, plus one subprocess smoke test and one refused command.
"""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS
from scipy import stats

import sim.report.plan
from sim.cli.compare import compare, compose_config
from sim.core.config import ConfigError
from sim.report import study as report_study
from sim.report import words as report_words
from sim.report.plan import plan

OPTIONS = ["phased", "combined", "proactive"]
SMALL = [
    f"scenarios=[{','.join(OPTIONS)}]",
    "city=small",
    "months=36",
    "replications=6",
    "sensitivity_replications=2",
    "seed=3",
]
FILES = ("report.html", "report.pdf", "runs.csv", "summary.csv")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "a"
    compare(SMALL, out, jobs=1)
    return out


@pytest.fixture(scope="module")
def summary(built: Path) -> pd.DataFrame:
    return pd.read_csv(built / "summary.csv", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def runs(built: Path) -> pd.DataFrame:
    return pd.read_csv(built / "runs.csv")


def verdict_blocks(page: str) -> list[str]:
    blocks = re.findall(r'<div class="verdict">(.*?)</div>', page, flags=re.S)
    assert blocks, "no verdict paragraph in report.html"
    return blocks


def test_writes_the_four_files(built: Path, runs: pd.DataFrame) -> None:
    for name in FILES:
        assert (built / name).stat().st_size > 0, name
    assert sorted(p.name for p in built.iterdir()) == sorted(FILES)  # nothing else, no tmp
    assert set(runs["resources"]) == {"adequate", "tight", "generous"}
    main = runs[runs["resources"] == "adequate"]
    assert main.groupby("scenario")["replication"].nunique().to_dict() == dict.fromkeys(OPTIONS, 6)
    assert runs[runs["resources"] == "tight"]["replication"].nunique() == 2
    # paired: replication k has the same seed in every option and resource level
    assert runs.groupby("replication")["seed"].nunique().max() == 1


def test_one_verdict_per_pair_at_each_horizon(built: Path) -> None:
    page = (built / "report.html").read_text(encoding="utf-8")
    blocks = verdict_blocks(page)
    assert len(blocks) == math.comb(len(OPTIONS), 2)
    for block in blocks:
        text = html.unescape(re.sub(r"<[^>]+>", "", block))
        assert "At 2 years (month 24)" in text and "At 3 years (month 36)" in text
        assert "simulated future" in text
        if "not diverged" not in text:
            assert ("statistically significant" in text) or ("could be chance" in text)


def _recompute(runs: pd.DataFrame, lead: str, other: str, month: int, stat: str) -> float:
    """A verdict statistic computed afresh from runs.csv (independently of sim.analysis.metrics)."""
    part = runs[(runs["resources"] == "adequate") & (runs["month"] == month)]
    wide = part.pivot(index="replication", columns="scenario", values="value_cumulative")
    diff = (wide[lead] - wide[other]).to_numpy()
    nonzero = diff[diff != 0]
    ranks = stats.rankdata(np.abs(nonzero))
    if stat == "ahead_count":
        return float((diff > 0).sum())
    if stat == "behind_count":
        return float((diff < 0).sum())
    if stat == "diff_median":
        return float(np.median(diff))
    if stat in ("diff_ci_low", "diff_ci_high"):
        low, high = report_study.bootstrap_median_ci(diff)
        assert low <= np.median(diff) <= high
        return low if stat == "diff_ci_low" else high
    if stat == "diff_percent":
        return 100 * float(np.median(diff)) / abs(float(np.median(wide[other])))
    if stat == "p_value":
        return float(stats.wilcoxon(nonzero).pvalue)
    if stat == "effect_size":
        return float((ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum())
    raise AssertionError(f"unexpected statistic {stat}")


def test_every_number_in_the_verdicts_comes_from_the_summary(
    built: Path, summary: pd.DataFrame, runs: pd.DataFrame
) -> None:
    page = (built / "report.html").read_text(encoding="utf-8")
    table = {
        (r.resources, r.option, r.versus, int(r.month), r.statistic): r.value
        for r in summary.itertuples(index=False)
    }
    checked = 0
    for block in verdict_blocks(page):
        # Outside the tagged spans (numbers, months/years/futures, option names) no digit is left.
        bare = re.sub(r"<span [^>]*>.*?</span>", "", block)
        bare = html.unescape(re.sub(r"<[^>]+>", "", bare))
        assert not re.search(r"\d", bare), bare
        for kind, text in re.findall(r'<span class="struct" data-kind="(\w+)">(.*?)</span>', block):
            if kind == "month":
                assert int(text) in report_study.horizons(36)
            elif kind == "level":
                assert text == f"{100 * report_study.CONFIDENCE:.0f}%"
            elif kind == "replications":
                assert int(text) == 6
            else:
                assert re.fullmatch(r"\d+(\.\d)? years?", text), text
        spans = re.findall(
            r'<span class="num" data-resources="(\w+)" data-option="(\w+)" '
            r'data-versus="(\w+)" data-month="(\d+)" data-stat="(\w+)">(.*?)</span>',
            block,
        )
        assert spans or "not diverged" in block
        for level, lead, other, month, stat, text in spans:
            value = table[(level, lead, other, int(month), stat)]
            assert report_words.FORMATS[stat](value) == html.unescape(text)
            fresh = _recompute(runs, lead, other, int(month), stat)
            assert fresh == pytest.approx(value, rel=1e-9, abs=1e-12), (lead, other, month, stat)
            assert report_words.FORMATS[stat](fresh) == html.unescape(text)
            checked += 1
    assert checked >= 2 * 2 * 7  # two pairs that differ, two horizons, seven numbers each


def test_summary_covers_options_dimensions_and_sensitivity(summary: pd.DataFrame) -> None:
    main = summary[summary["resources"] == "adequate"]
    stats_final = set(main[(main["month"] == 36) & (main["versus"].isna())]["statistic"])
    for d in ("efficiency", "inclusion", "environment"):
        assert f"net_{d}_median" in stats_final
    for k in ("exclusion", "privacy", "footprint", "stale_data"):
        assert f"destruction_{k}_median" in stats_final
    assert {"plateau_level_median", "plateau_share", "value_p25", "value_p75"} <= stats_final
    pairs = main[main["versus"].notna()]
    assert {"crossover_median", "crossover_ci_low", "p_value", "effect_size"} <= set(
        pairs["statistic"]
    )
    tight = summary[(summary["resources"] == "tight") & (summary["statistic"] == "rank")]
    assert sorted(tight[tight["month"] == 36]["value"]) == [1, 2, 3]


def test_pdf_has_the_expected_pages(built: Path, tmp_path: Path) -> None:
    data = (built / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert b"CreationDate" not in data
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    # verdict page, five chart pages (value, dimensions, paths, crossover, sensitivity), limits,
    # glossary and annex
    assert pages >= 8
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) not installed")
    info = subprocess.run(["pdfinfo", str(built / "report.pdf")], capture_output=True, text=True)
    assert f"Pages:{pages:>15}" in info.stdout or re.search(rf"Pages:\s+{pages}\b", info.stdout)
    text = subprocess.run(
        ["pdftotext", "-layout", str(built / "report.pdf"), "-"], capture_output=True, text=True
    ).stdout
    page_texts = text.split("\f")
    assert "Verdict" in page_texts[0] and "phased vs combined" in page_texts[0]
    for title in (
        "Value over time",
        "Where the value comes from",
        "The paths actually taken",
        "Crossover and plateau",
        "Does the ranking depend on resources?",
        "Assumptions and limits of the model",
        "Glossary",
        "Annex: how to reproduce this report",
    ):
        assert title in text, title
    for i, chart_title in enumerate(
        ["Value over time", "Where the value", "The paths", "Crossover", "Does the ranking"], 1
    ):
        assert chart_title in page_texts[i], (i, chart_title)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(built / "report.pdf"), str(tmp_path / "p")],
        check=True,
    )
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in images)


def test_html_is_self_contained(built: Path) -> None:
    page = (built / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert str(built) not in page and "/tmp" not in page
    assert page.count('<img src="data:image/png;base64,') == 5


def test_html_in_headless_chromium(built: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium (/usr/bin/chromium) is not installed")
    target = (built / "report.html").resolve().as_uri()
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
    assert refused == [], refused
    assert failed == [], failed
    assert requested == [target]
    assert len(images) == 5
    assert all(done and w > 0 and h > 0 for done, w, h in images), images
    assert headings[0] == "Verdict" and "Annex: how to reproduce this report" in headings


def test_same_command_gives_identical_files(built: Path, tmp_path: Path) -> None:
    compare(SMALL, tmp_path / "b", jobs=2)  # and the number of processes changes nothing
    for name in FILES:
        assert (tmp_path / "b" / name).read_bytes() == (built / name).read_bytes(), name


def test_command_line_smoke(tmp_path: Path) -> None:
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
            f"hydra.run.dir={out}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "combined_more_staff" in page
    assert "python -m sim compare scenarios=[phased,combined_more_staff]" in page
    assert "hydra.run.dir" not in page


def test_unknown_option_fails_before_any_run_on_the_command_line(tmp_path: Path) -> None:
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


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("scenarios=[phased,nosuchoption]", "'nosuchoption'"),
        ("scenarios=[phased]", "scenarios"),
        ("model.resources.staff_hours=-5", "model.resources.staff_hours"),
        ("model.trajectory.readiness_threshold=7", "model.trajectory.readiness_threshold"),
        ("sensitivity_resources=[tight,lavish]", "'lavish'"),
        ("replications=0", "replications"),
    ],
)
def test_invalid_option_fails_before_any_run(
    override: str, named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run started")

    monkeypatch.setattr(sim.report.plan, "simulate", no_run)
    with pytest.raises(ConfigError) as info:
        compare([*SMALL, override], tmp_path / "out")
    assert named in str(info.value)
    assert not (tmp_path / "out").exists()


def test_unknown_model_field_is_refused_by_hydra() -> None:
    with pytest.raises(Exception, match="bogus"):
        compose_config([*SMALL, "model.parameters.bogus=1"])


def test_sensitivity_skips_the_main_level() -> None:
    cfg = compose_config(["resources=tight", "replications=30", "months=24"])
    p = plan(cfg)
    assert p.resources == "tight"
    assert list(p.sensitivity) == ["generous"]
    assert len(p.sensitivity_seeds) == 20 and p.sensitivity_seeds == p.seeds[:20]
