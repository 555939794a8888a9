"""The advisors' report: a decision brief on page 1, the reasons after it, an analysts' annex.

`write_report(study, out, language)` writes into `out`:

- report.html: one self-contained page (inline CSS and SVG charts, no network request);
- report.pdf: the same page typeset on A4 by WeasyPrint (`sim.report.pdf`);
- scenarios.yaml: the exact configuration (command, model, scenario files, resource levels,
  seeds, versions), linked from the annex;
- runs.csv and summary.csv: every simulated month, and every number the report quotes.

Page 1 is the brief (`brief`): the recommendation with its conditions, the ranking at 2, 6 and
12 years, the caveats, the trade-offs. The sections after it (`sections`) give the reasons; the
annex (`annex`) holds the paired tests. Every number quoted in the text is tagged with the row of
summary.csv (or the input of scenarios.yaml) it comes from (`tags`); every word comes from one
catalogue in English or French (`lang`, strings.yaml). Same study -> byte-identical files.

Modules: `study` (runs and statistics), `distribution` (who gains and who loses), `costs` (what
each scenario costs), `switching` (where the advice reverses), `front` (date, author, decision
given), `lang` (catalogue, number formats), `tags`, `layout` (tables, figures, sections),
`brief`, `sections`, `annex`, `charts`, `html`, `pdf`; `plan` validates and runs a comparison
(`python -m sim compare`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report import costs, distribution, switching
from sim.report.annex import CONFIG_FILE, annex, config_yaml, configuration
from sim.report.brief import Brief, brief
from sim.report.html import render_html
from sim.report.lang import Lang, check_language
from sim.report.pdf import render_pdf
from sim.report.sections import Section, sections
from sim.report.study import RUNS_COLUMNS, Study, summary_table
from sim.report.tags import Numbers, Tagger
from sim.runs.columns import write_dictionary
from sim.runs.files import atomic_write

FINAL_STATISTICS = (distribution.final_statistics, costs.final_statistics)  # at the end
FILES = ("report.html", "report.pdf", CONFIG_FILE, "runs.csv", "summary.csv", "columns.csv")


@dataclass
class Report:
    """Everything the files are written from."""

    study: Study
    lang: Lang
    summary: pd.DataFrame
    config: dict[str, Any]
    brief: Brief
    sections: list[Section]
    annex: list[Section]


@dataclass
class Written:
    """What a report run leaves: its files, and the lines the command prints after them."""

    files: dict[str, Path]
    headline: list[str]


def build(study: Study, language: str = "en") -> Report:
    """The numbers, words and sections of a study's report, in one language."""
    lang = Lang(check_language(language), study.labels(language))
    summary = pd.concat(
        [summary_table(study, FINAL_STATISTICS), switching.summary_rows(study)], ignore_index=True
    )
    numbers = Numbers(summary)
    config = configuration(study)
    tags = Tagger(numbers, lang, config)
    return Report(
        study=study,
        lang=lang,
        summary=summary,
        config=config,
        brief=brief(study, numbers, tags),
        sections=sections(study, numbers, tags),
        annex=annex(study, numbers, tags, config),
    )


def write_report(study: Study, out: Path, language: str = "en") -> Written:
    """Write the report's files into `out` (columns.csv: the data dictionary of the two CSVs)."""
    out.mkdir(parents=True, exist_ok=True)
    report = build(study, language)
    paths = {name: out / name for name in FILES}
    columns = [c for c in RUNS_COLUMNS if c in study.runs.columns]
    contents = {
        "runs.csv": study.runs[columns].to_csv(index=False).encode(),
        "summary.csv": report.summary.to_csv(index=False).encode(),
        CONFIG_FILE: config_yaml(report.config, report.lang).encode("utf-8"),
    }
    for name, data in contents.items():
        atomic_write(paths[name], lambda p, data=data: p.write_bytes(data))
    write_dictionary(out, {"runs.csv": columns, "summary.csv": list(report.summary.columns)})
    page = render_html(report)
    atomic_write(paths["report.html"], lambda p: p.write_bytes(page.encode("utf-8")))
    atomic_write(paths["report.pdf"], lambda p: render_pdf(page, p))
    return Written(paths, report.brief.terminal)
