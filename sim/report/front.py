"""The brief's front matter an advisor gives on the command line: date, author, decision sought.

`date=2025-06-05 author="Direction du numérique" decision="Choose the programme's course"` put a
date, the service that prepared the brief and the decision requested at the top of page 1. They
are inputs, never defaults: a brief dated with the day it was run would differ from its rerun,
and reruns of the same command must give byte-identical files. Each is recorded in scenarios.yaml
(`settings`) and shown as given, so the tests trace it like any input.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from sim.core.config import ConfigError
from sim.report.lang import Lang
from sim.report.tags import esc

FIELDS = ("date", "author", "decision")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_TEXT = 300  # characters: a line of the brief, not a memo


def check(settings: Mapping[str, Any]) -> None:
    """ConfigError naming the field unless date is null or YYYY-MM-DD and author and decision
    are null or one line of text."""
    value = settings.get("date")
    if value is not None and parse_date(value) is None:
        raise ConfigError(
            "date", value, "null or a calendar date written YYYY-MM-DD, e.g. 2025-06-05"
        )
    for name in ("author", "decision"):
        text = settings.get(name)
        if text is None:
            continue
        if not isinstance(text, str) or not text.strip() or "\n" in text or len(text) > MAX_TEXT:
            raise ConfigError(name, text, f"null or one line of text (1 to {MAX_TEXT} characters)")


def parse_date(value: Any) -> datetime.date | None:
    """The date `value` names (YYYY-MM-DD, or a date YAML already parsed), else None."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def plain(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The front matter as scenarios.yaml records it (a date as its YYYY-MM-DD text)."""
    out = {}
    for name in FIELDS:
        value = settings.get(name)
        out[name] = parse_date(value).isoformat() if name == "date" and value is not None else value
    return out


def long_date(lang: Lang, day: datetime.date) -> str:
    """'5 June 2025', '1er juin 2025'."""
    month = lang.t("date.months").split()[day.month - 1]
    number = lang.ordinal(1) if lang.code == "fr" and day.day == 1 else str(day.day)
    return f"{number} {month} {day.year}"


def lines(settings: Mapping[str, Any], lang: Lang) -> dict[str, str]:
    """The front matter's HTML, by field (only those given); each value marked with the setting
    it comes from (`class="given"`), so the tests can trace it."""
    out = {}
    for name in FIELDS:
        value = settings.get(name)
        if value is None:
            continue
        tagged = (
            f'<span class="given" data-key="settings.{name}">{esc(shown(lang, name, value))}</span>'
        )
        out[name] = lang.h(f"front.{name}", value=tagged)
    return out


def shown(lang: Lang, key: str, value: Any) -> str:
    """How the brief shows a given value: a date in words, text as given (the tests use it)."""
    if key.endswith("date"):
        return long_date(lang, parse_date(value))
    return str(value).strip().replace("-", "–") if key.startswith("groups.") else str(value).strip()
