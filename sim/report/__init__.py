"""The advisors' comparison report: numbers -> plain-words verdicts -> figures -> HTML and PDF.

`write_report(study, out)` writes report.html (one self-contained file: inline CSS and base64
PNG figures, no network request), report.pdf (matplotlib multi-page), runs.csv and summary.csv.
Every number the report quotes is a row of summary.csv (long format: resources, option, versus,
month, statistic, value), computed here from the runs table; the verdicts are generated from those
rows, never written by hand. Same study -> byte-identical files (fixed bootstrap seed, sorted keys,
no timestamps, PDF metadata without dates).

Statistics (paired replications = common random numbers: replication k uses the same seed in every
option): cumulative net public value at months 24, 72 and 144 (clipped to the horizon); the paired
difference leader − other, its median and a 95% bootstrap interval of that median; how many paired
futures have the leader ahead; Wilcoxon signed-rank test and rank-biserial effect size
(`sim.analysis.metrics.paired_test`); crossover month (`crossover_month`); plateau level (mean
monthly flow over the final year) and plateau ratio (`plateau_ratio`, share of futures that have
levelled off with a 95% Wilson interval).

Modules: `study` (the runs and the statistics), `words` (numbers into sentences), `charts`,
`sections`, `html`, `pdf`; `plan` validates and runs a comparison (`python -m sim compare`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.report.html import render_html
from sim.report.pdf import render_pdf
from sim.report.sections import Section, sections
from sim.report.study import RUNS_COLUMNS, Study, summary_table
from sim.report.words import Numbers, verdict
from sim.runs.files import atomic_write


# ---- writing -------------------------------------------------------------------------------------
def build(study: Study) -> tuple[pd.DataFrame, Numbers, list[tuple[str, str]], list[Section]]:
    """The numbers, the verdict paragraphs (HTML) and the sections of a study."""
    summary = summary_table(study)
    numbers = Numbers(summary)
    verdicts = [(f"{a} vs {b}", verdict(study, numbers, a, b)) for a, b in study.pairs]
    return summary, numbers, verdicts, sections(study, numbers)


def write_report(study: Study, out: Path) -> dict[str, Path]:
    """Write runs.csv, summary.csv, report.html and report.pdf into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    summary, numbers, verdicts, parts = build(study)
    paths = {name: out / name for name in ("runs.csv", "summary.csv", "report.html", "report.pdf")}
    columns = [c for c in RUNS_COLUMNS if c in study.runs.columns]
    runs_csv = study.runs[columns].to_csv(index=False).encode()
    atomic_write(paths["runs.csv"], lambda p: p.write_bytes(runs_csv))
    atomic_write(
        paths["summary.csv"], lambda p: p.write_bytes(summary.to_csv(index=False).encode())
    )
    page = render_html(study, numbers, verdicts, parts)
    atomic_write(paths["report.html"], lambda p: p.write_bytes(page.encode("utf-8")))
    atomic_write(paths["report.pdf"], lambda p: render_pdf(p, study, numbers, verdicts, parts))
    return paths
