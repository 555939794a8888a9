"""The self-contained HTML page (Jinja2 template, inline figures, no network request)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sim.report.charts import _png
from sim.report.sections import Section
from sim.report.study import Study
from sim.report.words import Numbers, how_to_read

if TYPE_CHECKING:  # pragma: no cover
    pass


TEMPLATES = Path(__file__).resolve().parent / "templates"


# ---- HTML ----------------------------------------------------------------------------------------
def render_html(
    study: Study, numbers: Numbers, verdicts: list[tuple[str, str]], parts: list[Section]
) -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    figures = {s.key: _png(s.chart, s.chart_size) for s in parts if s.chart is not None}
    return env.get_template("report.html.j2").render(
        title=title(study),
        subtitle=subtitle(study),
        how_to_read=how_to_read(study, numbers),
        notes=[(o, study.option_notes.get(o, "")) for o in study.options],
        verdicts=[(t, Markup(v)) for t, v in verdicts],
        sections=parts,
        figures=figures,
    )


def title(study: Study) -> str:
    return "Comparing smart-city options: " + " vs ".join(study.options)


def subtitle(study: Study) -> str:
    city = study.base_model["city"]
    return (
        f"govsim comparison report · {study.replications} paired simulated futures per option · "
        f"{study.months} months · {study.resources} resources · a commune of {city['citizens']} "
        f"residents, {city['departments']} departments, {city['dgas']} DGA"
    )
