"""One report, one language: the string catalogue (strings.yaml) and the number formats.

Every word a reader sees — the brief, the sections, the chart labels, the terminal lines — comes
from `strings.yaml`, where each entry holds its English and French text side by side. A YAML
catalogue rather than gettext (.po/.mo via Babel) because the report has two languages and a few
hundred sentences with named placeholders: keeping both languages in one entry keeps them in step
(a test checks that every entry has both, with the same placeholders), it needs no compile step,
and as package data it ships as is with a non-editable install.

French typography is applied once, when the catalogue is read: a narrow no-break space before
; : ! ? and %, inside « guillemets », and typographic apostrophes; numbers take a decimal comma and
a narrow no-break space between thousands.
"""

from __future__ import annotations

import functools
import html
import math
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("en", "fr")
NNBSP = "\u202f"  # narrow no-break space (French: before ; : ! ? %, thousands, guillemets)
MINUS = "\u2212"  # typographic minus sign
# IPCC calibrated likelihood language (Mastrandrea et al. 2010): each term is tied to a range of
# probability; here, to the share of paired simulated futures in which a statement holds.
LIKELIHOOD = (  # (key, lowest share, highest share), the IPCC's ranges
    ("virtually_certain", 0.99, 1.0),
    ("very_likely", 0.90, 1.0),
    ("likely", 0.66, 1.0),
    ("about_as_likely_as_not", 0.33, 0.66),
    ("unlikely", 0.0, 0.33),
    ("very_unlikely", 0.0, 0.10),
    ("exceptionally_unlikely", 0.0, 0.01),
)

TOO_FEW = "too_few"  # fewer than three futures: no term is narrow enough to be supported


def french_typography(text: str) -> str:
    """French spacing rules on a catalogue string (placeholders are left alone)."""
    text = re.sub(r"[ \u00a0]+([;:!?%])", NNBSP + r"\1", text)
    text = re.sub(r"«[ \u00a0]*", "«" + NNBSP, text)
    text = re.sub(r"[ \u00a0]*»", NNBSP + "»", text)
    return text.replace("'", "\u2019")


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every string of the report: key -> {language: text}; French typography applied."""
    source = files("sim.report").joinpath("strings.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(source)
    out: dict[str, dict[str, str]] = {}
    for key, entry in data.items():
        out[key] = {
            lang: re.sub(r"[ \t\n]+", " ", str(entry[lang])).strip()
            for lang in LANGUAGES
            if lang in entry
        }
        if "fr" in out[key]:
            out[key]["fr"] = french_typography(out[key]["fr"])
    return out


def placeholders(text: str) -> set[str]:
    """The named placeholders of a catalogue string."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def check_language(code: Any) -> str:
    """The language code, or ConfigError naming the `language` setting."""
    from sim.core.config import ConfigError

    if code not in LANGUAGES:
        raise ConfigError("language", code, f"one of {list(LANGUAGES)}")
    return str(code)


@dataclass(frozen=True)
class Lang:
    """Words and number formats of one language."""

    code: str = "en"
    labels: tuple[tuple[str, str], ...] = ()  # (scenario, label): the scenario files' `label:`

    # ---- words -----------------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        return key in catalogue()

    def t(self, key: str, **values: Any) -> str:
        """Plain text: the catalogue entry with its placeholders filled."""
        return catalogue()[key][self.code].format(**values)

    def h(self, key: str, **fragments: Any) -> str:
        """HTML: the entry escaped, then its placeholders filled with ready-made HTML fragments."""
        return html.escape(catalogue()[key][self.code], quote=False).format(**fragments)

    def scenario(self, name: str) -> str:
        """A scenario's label: the `label:` its file carries, else the catalogue's; a scenario
        file neither names is shown by its file name without folder or extension
        (`./studies/my_option.yaml` -> `my_option`): a path says nothing to the brief's reader
        and may reveal where the advisor keeps their files."""
        own = dict(self.labels).get(name)
        if own:
            return own
        key = f"scenario.{name}"
        return self.t(key) if self.has(key) else Path(name).stem

    def scenario_about(self, name: str) -> str | None:
        key = f"scenario.{name}.about"
        return self.t(key) if self.has(key) else None

    def level(self, name: str) -> str:
        key = f"level.{name}"
        return self.t(key) if self.has(key) else name

    def join(self, items: Iterable[str], word: str = "and") -> str:
        """a, b and c (et, or, ou)."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.t('word.' + word)} {items[-1]}"

    def semicolons(self, items: Iterable[str]) -> str:
        """a; b; c (a ; b ; c in French), for HTML fragments."""
        out = ""
        for item in items:
            out = self.h("word.semicolon", a=out, b=item) if out else item
        return out

    def likelihood(self, share: float, futures: int) -> str:
        """The calibrated likelihood word for a share of `futures` paired futures."""
        return self.t(f"likelihood.{likelihood_key(share, futures)}")

    # ---- numbers ---------------------------------------------------------------------------------
    def number(self, x: float, decimals: int = 0) -> str:
        """x with `decimals` decimals: 1,234.5 (en) or 1 234,5 (fr); a true minus sign."""
        if not math.isfinite(x):
            return self.t("word.not_available")
        text = f"{abs(x):,.{decimals}f}"
        if self.code == "fr":
            text = text.replace(",", NNBSP).replace(".", ",")
        negative = x < 0 and round(abs(x), decimals) != 0
        return (MINUS if negative else "") + text

    def value(self, x: float) -> str:
        """Value points: three significant figures at most (no false precision)."""
        size = abs(x) if math.isfinite(x) else 0.0
        return self.number(x, 0 if size >= 100 else 1 if size >= 10 else 2)

    def plain(self, x: float) -> str:
        """A configuration number as written: 40, 0.4, 1.25 (no trailing zeros)."""
        if float(x).is_integer():
            return self.number(float(x), 0)
        decimals = len(f"{float(x):.3f}".rstrip("0").split(".")[1])
        return self.number(float(x), decimals)

    def count(self, x: float) -> str:
        return self.number(x, 0)

    def percent(self, share: float) -> str:
        space = NNBSP if self.code == "fr" else ""
        return f"{self.number(100 * share, 0)}{space}%"

    def p_value(self, p: float) -> str:
        if p < 0.001:
            return f"p < {self.number(0.001, 3)}"
        return f"p = {self.number(p, 3)}"

    def ordinal(self, n: float) -> str:
        n = int(n)
        if self.code == "fr":
            return "1er" if n == 1 else f"{n}e"
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    def plural(self, x: float) -> bool:
        """English: plural unless exactly one; French: plural from two on (1,5 an, 0,9 point)."""
        return abs(x) >= 2 if self.code == "fr" else x != 1

    def years(self, month: int) -> str:
        """24 -> '2 years'; 30 -> '2.5 years'; 18 -> '1,5 an'."""
        y = month / 12
        text = self.number(y, 0 if month % 12 == 0 else 1)
        return self.t("unit.years" if self.plural(y) else "unit.year", n=text)


def likelihood_key(share: float, futures: int) -> str:
    """The most specific IPCC term that holds `share` and that `futures` futures can support.

    A share counted over n futures moves in steps of 1/n, so a term whose range is narrower
    than one step is not used: "virtually certain" (99–100%) needs at least 100 futures, "very
    likely" (90–100%) at least 10; below three futures no term applies (TOO_FEW). Otherwise 20
    futures out of 20 would read as virtually certain.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share {share} outside [0, 1]")
    step = 1.0 / max(1, futures)
    fits = [
        (high - low, i, key)
        for i, (key, low, high) in enumerate(LIKELIHOOD)
        if low <= share <= high and high - low >= step - 1e-12
    ]
    return min(fits)[2] if fits else TOO_FEW


# ---- formats of the summary's statistics ---------------------------------------------------------
COUNTS = (
    "replications",
    "ahead_count",
    "behind_count",
    "crossover_count",
    "plateau_count",
    "trend_months",
    "trend_closing_count",
    "parameter_sets",
    "switching_futures",
    "switching_staff_hours_ahead_count",
    "switching_budget_ahead_count",
)
# Statistics with a fixed number of decimals (by prefix; `_p05`/`_p95` follow their median):
# what it costs, in hours, FTE, M€ a month, partners, breaches (sim.report.costs); switching values.
DECIMALS = (
    ("staff_hours_", 0),
    ("staff_fte_", 1),
    ("staff_load", 2),
    ("dga_hours_", 0),
    ("budget_", 2),
    ("partners_managed", 1),
    ("breaches_expected", 1),
    ("switching_staff_hours", 0),  # where the advice reverses (sim.report.switching)
    ("switching_budget", 2),
)


def format_stat(lang: Lang, stat: str, value: float) -> str:
    """How a statistic of summary.csv is written in the report (tests use the same function)."""
    if stat in COUNTS:
        return lang.count(value)
    if stat == "rank":
        return lang.ordinal(value)
    if stat == "p_value":
        return lang.p_value(value)
    if stat == "effect_size":
        return lang.number(value, 2)
    if stat.startswith("crossover_") or stat == "trend_crossover_month":
        return lang.number(value, 0)
    if stat.endswith("share") or "_share_" in stat:
        return lang.percent(value)
    for prefix, decimals in DECIMALS:
        if stat.startswith(prefix):
            return lang.number(value, decimals)
    return lang.value(value)
