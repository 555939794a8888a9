"""The report as one self-contained HTML page (Jinja2 template, inline SVG charts, no request).

The same page is the on-screen report and the source the PDF is typeset from (`sim.report.pdf`):
its print style sheet sets the A4 pages, the footer and the page breaks.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.report.charts import svg

if TYPE_CHECKING:  # pragma: no cover
    from sim.report import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
WORDS = ("recommendation", "ranking", "caveats", "tradeoffs", "contents")


def render_html(report: Report) -> str:
    """The page: the brief, the sections, the annex; charts drawn once, as data URIs."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    lang = report.lang
    parts = [*report.sections, *report.annex]
    figures = {s.key: svg(s.figure.draw, s.figure.height) for s in parts if s.figure is not None}
    return env.get_template("report.html.j2").render(
        lang=lang.code,
        title=report.brief.title,
        brief=report.brief,
        sections=parts,
        figures=figures,
        words={w: lang.t(f"html.{w}") for w in WORDS},
        footer=lang.t("html.footer"),
        page_word=lang.t("html.page"),
        of_word=lang.t("html.of"),
    )
