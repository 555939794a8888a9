"""Helpers of the report tests: the small comparison's settings and readers of its files, and
the build of that comparison, which each test module's `built` fixture calls.

The comparison (city=small, 36 months, 6 paired replications, 2 per sensitivity level) runs in
English and in French through the in-process API (`sim.cli.compare.compare`), the same path as
the command line, once per test run: the pytest-xdist workers share one folder, and the first to
arrive builds it under a file lock while the others wait. (Not in a conftest.py: the tests import
the root conftest by name.)
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import system
import yaml

from sim.cli.compare import compare

OPTIONS = ["phased", "combined", "proactive"]
SMALL = [
    f"scenarios=[{','.join(OPTIONS)}]",
    "city=small",
    "months=36",
    "replications=6",
    "sensitivity_replications=2",
    "seed=3",
]
FILES = ("report.html", "report.pdf", "scenarios.yaml", "runs.csv", "summary.csv", "columns.csv")
LANGUAGES = ("en", "fr")


def read_summary(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "summary.csv", keep_default_na=False, na_values=[""])


def read_config(folder: Path) -> dict:
    return yaml.safe_load((folder / "scenarios.yaml").read_text(encoding="utf-8"))


def needs_poppler() -> None:
    system.require("poppler")  # pdftotext, pdftoppm


def pdf_pages(path: Path) -> list[str]:
    """The PDF's text, one string per page (pdftotext), whitespace normalised."""
    needs_poppler()
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [normalise(page) for page in text.split("\f")[:-1]]


def normalise(text: str) -> str:
    """One space for any run of white space (no-break ones included); lines rejoined."""
    text = re.sub(r"-\s*\n\s*", "-", text)
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text).strip()


# ---- reading the HTML ---------------------------------------------------------------------------
NUM = re.compile(
    r'<span class="num" data-resources="([^"]*)" data-scenario="([^"]*)" data-versus="([^"]*)" '
    r'data-month="(\d+)" data-stat="(\w+)">(.*?)</span>'
)
GIVEN = re.compile(r'<span class="given" data-key="([^"]*)">(.*?)</span>')
INPUT = re.compile(r'<span class="input" data-key="([^"]*)"(?: data-month="(\d+)")?>(.*?)</span>')
LIKELY = re.compile(
    r'<em class="likely" data-term="(\w+)" data-share="([^"]+)" data-futures="(\d+)">(.*?)</em>'
)
SECTION = re.compile(r'<section id="([\w-]+)"[^>]*>(.*?)</section>', re.S)


def sections(page: str) -> dict[str, str]:
    """Each <section> of the page by its id (sections are not nested)."""
    return dict(SECTION.findall(page))


def main_text(page: str) -> str:
    """The HTML a decision-maker reads: the header, the brief and the reasons — not the glossary
    (reference) nor the analysts' annex."""
    header = re.search(r"<header>(.*?)</header>", page, re.S)
    assert header, "no header"
    parts = [header.group(1)]
    parts += [
        html for key, html in sections(page).items() if key != "glossary" and "annex" not in key
    ]
    return "\n".join(parts)


def visible(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities decoded), whitespace normalised."""
    import html

    return normalise(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


# ---- the shared comparison ---------------------------------------------------------------------
def _shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this test run sees (a worker's own folder without xdist)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    folder = base.parent / f"report-{run}" if run else base / "report"
    folder.mkdir(exist_ok=True)
    return folder


def build_shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small comparison's run directory, per language, built once per test run (the
    modules' `built` fixtures call this; the first caller builds under a lock)."""
    system.require("pdf")  # WeasyPrint's Pango and the style sheet's font
    root = _shared(tmp_path_factory)
    out = {lang: root / lang for lang in LANGUAGES}
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for lang, folder in out.items():
                if not all((folder / name).is_file() for name in FILES):
                    shutil.rmtree(folder, ignore_errors=True)  # a build that did not finish
                    compare([*SMALL, f"language={lang}"], folder, jobs=1)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out
