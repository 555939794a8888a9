"""The pieces the one HTML template lays out: tables, figures and sections.

Kept apart from the modules that fill them (`brief`, `sections`, `costs`, `distribution`,
`annex`) so that each of those can use the others' pieces without importing one another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.report.lang import Lang

if TYPE_CHECKING:  # pragma: no cover
    from sim.report.study import Study
    from sim.report.tags import Numbers


@dataclass
class Table:
    """An HTML table: a header row, body rows whose first cell heads the row, a caption."""

    head: list[str]  # HTML cells
    rows: list[list[str]]  # HTML cells
    caption: str = ""  # HTML
    cls: str = ""


@dataclass
class Figure:
    """A chart: how to draw it, its height in inches, its caption and text alternative."""

    draw: Callable[[Any], None]
    height: float
    caption: str  # HTML
    alt: str  # plain


@dataclass
class Section:
    """One section of the report."""

    key: str
    title: str  # plain text
    paragraphs: list[str] = field(default_factory=list)  # HTML
    figure: Figure | None = None
    tables: list[Table] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)  # HTML
    glossary: list[tuple[str, str]] = field(default_factory=list)  # (term, HTML meaning)
    pre: list[tuple[str, str]] = field(default_factory=list)  # (HTML caption, plain text)
    cls: str = ""
    closing: list[str] = field(default_factory=list)  # HTML paragraphs after the tables


def figure(study: Study, numbers: Numbers, lang: Lang, chart: Any, key: str, h: float) -> Figure:
    """A chart of the report, `h` inches high, with its caption and text alternative from the
    catalogue's `fig.KEY` entries."""
    return Figure(
        draw=lambda fig: chart(fig, study, numbers, lang),
        height=h,
        caption=lang.h(f"fig.{key}.caption"),
        alt=lang.t(f"fig.{key}.alt"),
    )
