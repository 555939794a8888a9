"""The printable PDF: a small page-layout engine over matplotlib's PdfPages."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sim.report.charts import _figure, _rc
from sim.report.html import subtitle, title
from sim.report.sections import Section
from sim.report.study import Study
from sim.report.words import Numbers, how_to_read, plain

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


A4 = (8.27, 11.69)


# ---- PDF -----------------------------------------------------------------------------------------
class _Pages:
    """A minimal text-flow on A4 pages of a matplotlib PdfPages."""

    MARGIN = 0.6  # inches
    STYLES: ClassVar[
        dict[str, tuple[float, str, str, int, float]]
    ] = {  # size, weight, family, wrap width (characters), space before (lines)
        "h1": (15, "bold", "sans-serif", 70, 0.0),
        "sub": (8.5, "normal", "sans-serif", 110, 0.2),
        "h2": (11.5, "bold", "sans-serif", 85, 0.8),
        "h3": (9.5, "bold", "sans-serif", 100, 0.5),
        "p": (9, "normal", "sans-serif", 108, 0.35),
        "bullet": (9, "normal", "sans-serif", 104, 0.2),
        "mono": (6.8, "normal", "monospace", 128, 0.1),
    }

    def __init__(self, pdf: Any, footer: str) -> None:
        self.pdf, self.footer, self.page, self.count, self.y = pdf, footer, None, 0, 0.0
        self.titles: list[str] = []

    def new_page(self, label: str) -> Figure:
        self.flush()
        self.page = _figure(A4)
        self.count += 1
        self.titles.append(label)
        self.y = A4[1] - self.MARGIN
        self.page.text(
            0.5,
            0.3 / A4[1],
            f"{self.footer} · page {self.count}",
            ha="center",
            fontsize=7,
            color="#666666",
        )
        return self.page

    def flush(self) -> None:
        if self.page is not None:
            self.pdf.savefig(self.page)
            self.page = None

    def write(self, kind: str, text: str, label: str = "") -> None:
        size, weight, family, width, before = self.STYLES[kind]
        step = size * 1.38 / 72
        if kind == "mono":
            lines = []
            for raw in text.splitlines() or [""]:
                lines.extend(
                    textwrap.wrap(raw, width, subsequent_indent="    ", drop_whitespace=False)
                    or [""]
                )
        elif kind == "bullet":
            lines = textwrap.wrap(text, width, initial_indent="•  ", subsequent_indent="   ")
        else:
            lines = textwrap.wrap(text, width)
        if self.page is None:
            self.new_page(label or text)
        self.y -= before * step
        if self.y - step * min(len(lines), 3) < self.MARGIN and kind != "h1":
            self.new_page(label or text)
        if kind in ("h2", "h3") and self.y - step * 5 < self.MARGIN:
            self.new_page(label or text)
        for line in lines:
            if self.y - step < self.MARGIN:
                self.new_page(label or "continued")
            self.y -= step
            colour = "#555555" if kind == "sub" else "black"
            self.page.text(
                self.MARGIN / A4[0],
                self.y / A4[1],
                line,
                fontsize=size,
                fontweight=weight,
                family=family,
                color=colour,
                va="baseline",
            )

    def chart(self, draw: Callable[[Any], None], height: float) -> None:
        """Draw a chart across the page width, `height` inches tall, below the current text."""
        if self.page is None or self.y - height < self.MARGIN + 1.0:
            self.new_page("chart")
        top = self.y / A4[1]
        bottom = (self.y - height) / A4[1]
        draw(self.page, (0.02, bottom, 0.98, top))
        self.y -= height + 0.1


def _table_text(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(len(rows[0]))]
    widths = [min(w, 46) for w in widths]
    lines = []
    for r in rows:
        cells = [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(r, widths, strict=False)]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip())
    return "\n".join(lines)


def render_pdf(
    path: Path,
    study: Study,
    numbers: Numbers,
    verdicts: list[tuple[str, str]],
    parts: list[Section],
) -> list[str]:
    """Write the PDF; returns the title of each page (what the tests look for)."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    metadata = {
        "Title": title(study),
        "Creator": "govsim",
        "Producer": "govsim (matplotlib)",
        "CreationDate": None,
    }
    with matplotlib.rc_context(_rc()), PdfPages(path, metadata=metadata) as pdf:
        pages = _Pages(pdf, "govsim comparison report")
        pages.write("h1", title(study), label="Verdict")
        pages.write("sub", subtitle(study))
        pages.write("h2", "Verdict")
        for head, text in verdicts:
            pages.write("h3", head)
            pages.write("p", plain(text))
        pages.write("h2", "The options compared")
        for option in study.options:
            pages.write("bullet", f"{option}: {study.option_notes.get(option, '')}".rstrip(": "))
        pages.write("h2", "How to read these numbers")
        pages.write("p", how_to_read(study, numbers))
        for s in parts:
            if s.chart is not None:
                pages.new_page(s.title)
            pages.write("h2", s.title, label=s.title)
            for para in s.paragraphs:
                pages.write("p", plain(para))
            if s.chart is not None:
                pages.chart(s.chart, s.chart_size[1] * A4[0] / s.chart_size[0] * 1.05)
            if s.table:
                pages.write("mono", _table_text(s.table))
            for b in s.bullets:
                pages.write("bullet", b)
            for term, meaning in s.glossary:
                pages.write("bullet", f"{term}: {meaning}")
            for caption, text in s.pre:
                pages.write("h3", caption)
                pages.write("mono", text)
        pages.flush()
    return pages.titles
