"""Vega-Lite specs of the app's charts, written as plain data for the browser to draw.

Why Vega-Lite dicts and not matplotlib PNGs: a frame then costs a few new rows sent to charts
that are already drawn (see stream_chart.vue), not six images rendered on the server; and why
dicts rather than Altair: the offline cache holds vega-lite@5, which these specs target
exactly, with no extra dependency. Each chart reads *named datasets* (`rows`, `events`, …) that
`sim.app.session` fills; axes are fixed for the whole run (x: 0 to the horizon; y: a range per
city and resource level, see `Ranges`, held in two signals), so nothing jumps while a run plays.

Palette: Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.app import i18n
from sim.core.value import DIMENSIONS

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
RUN = OKABE_ITO["blue"]
RUN_B = OKABE_ITO["vermillion"]
STOCK_COLOURS = {"infrastructure": "#E69F00", "culture": "#009E73", "institutions": "#CC79A7"}
STOCK_LETTERS = {"infrastructure": "I", "culture": "C", "institutions": "Q"}
EVENT_COLOURS = {
    "election": "#555555",
    "breach": OKABE_ITO["vermillion"],
    "opens": OKABE_ITO["green"],
    "lever": "#8B3A8F",  # darker than Okabe-Ito purple, so thin rules and labels read on white
    "crossover": OKABE_ITO["black"],
}
DIMENSION_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#D55E00",
    "#999999",
    "#8C6D31",
)
FONT = 14  # the smallest text on any chart, in px (readable from the back of a classroom)
STORY_HEIGHT = 320
OTHER_HEIGHT = 300


@dataclass(frozen=True)
class Ranges:
    """Fixed y-ranges for one city and resource level (from runs of every preset)."""

    value: tuple[float, float]
    flow: tuple[float, float]
    partners: float
    load: float


def base_spec(title: str, subtitle: str) -> dict[str, Any]:
    return {
        "title": {
            "text": title,
            "subtitle": subtitle,
            "anchor": "start",
            "fontSize": FONT + 3,
            "subtitleFontSize": FONT,
            "subtitleColor": "#333",
            "offset": 6,
        },
        "config": {
            "font": "Roboto, Helvetica, Arial, sans-serif",
            "axis": {
                "labelFontSize": FONT,
                "titleFontSize": FONT,
                "titleFontWeight": "normal",
                "labelColor": "#222",
                "titleColor": "#222",
                "gridColor": "#e6e6e6",
            },
            "legend": {"labelFontSize": FONT, "titleFontSize": FONT, "symbolSize": 160},
            "text": {"fontSize": FONT},
            "view": {"stroke": None},
        },
    }


def month_axis(horizon: int, lang: str) -> dict[str, Any]:
    step = 24 if horizon > 60 else 12
    return {
        "field": "month",
        "type": "quantitative",
        "scale": {"domain": [0, horizon], "nice": False},
        "axis": {
            "title": i18n.text("axis_month", lang),
            "values": list(range(0, horizon + 1, step)),
        },
    }


def _y(field: str, title: str, **axis: Any) -> dict[str, Any]:
    """A y-encoding whose range is the two signals `y_lo`, `y_hi` (see `y_params`).

    Why signals and not a data-driven domain (`unionWith`): with a data-driven domain Vega
    re-scans the whole run and re-encodes every mark on each frame, which tripled the cost of
    the value chart and the nine dimensions. The range is fixed for the run (see `Ranges`) and
    the app widens it, by a signal, only when a lever pushes the run past it.
    """
    return {
        "field": field,
        "type": "quantitative",
        "scale": {"domain": [{"expr": "y_lo"}, {"expr": "y_hi"}], "nice": False, "zero": False},
        "axis": {"title": title, "tickCount": 5, **axis},
    }


def y_params(domain: tuple[float, float]) -> list[dict[str, Any]]:
    """The signals `_y` reads, starting at the fixed range."""
    return [{"name": "y_lo", "value": domain[0]}, {"name": "y_hi", "value": domain[1]}]


def _event_rules(horizon: int, lang: str, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """Vertical rules with short labels for elections, the switch to openness and levers."""
    x = month_axis(horizon, lang)
    colour = {
        "field": "kind",
        "type": "nominal",
        "legend": None,
        "scale": {"domain": list(EVENT_COLOURS), "range": list(EVENT_COLOURS.values())},
    }
    keep = {"filter": {"field": "kind", "oneOf": list(kinds)}}
    text = {
        "x": x,
        "y": {"field": "row", "type": "quantitative", "scale": None},
        "text": {"field": "label"},
        "color": colour,
    }
    late = f"datum.month > {0.7 * horizon}"  # labels near the right edge hang to the left
    return [
        {
            "data": {"name": "events"},
            "transform": [keep],
            "mark": {"type": "rule", "strokeDash": [5, 3], "strokeWidth": 2},
            "encoding": {"x": x, "color": colour},
        },
        {
            "data": {"name": "events"},
            "transform": [keep, {"filter": f"!({late})"}],
            "mark": {"type": "text", "align": "left", "dx": 3, "baseline": "top"},
            "encoding": text,
        },
        {
            "data": {"name": "events"},
            "transform": [keep, {"filter": late}],
            "mark": {"type": "text", "align": "right", "dx": -3, "baseline": "top"},
            "encoding": text,
        },
    ]


def path_spec(lang: str, presets: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """The proactivity × openness plane: the path so far, where it is now, the preset corners."""
    corners = [
        {"p": p, "o": o, "label": i18n.text(f"kind_{k}", lang)} for k, (p, o) in presets.items()
    ]
    x = {
        "field": "p",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": {"title": i18n.text("axis_p", lang), "tickCount": 5},
    }
    y = {
        "field": "o",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": {"title": i18n.text("axis_o", lang), "tickCount": 5},
    }
    marks = [
        {
            "data": {"values": corners},
            "mark": {"type": "square", "size": 140, "color": "#999"},
            "encoding": {"x": x, "y": y},
        },
        {
            "data": {"values": [c for c in corners if c["p"] <= 0.6]},
            "mark": {"type": "text", "align": "left", "dx": 9, "dy": -9, "color": "#555"},
            "encoding": {"x": x, "y": y, "text": {"field": "label"}},
        },
        {
            "data": {"values": [c for c in corners if c["p"] > 0.6]},
            "mark": {"type": "text", "align": "right", "dx": -9, "dy": -9, "color": "#555"},
            "encoding": {"x": x, "y": y, "text": {"field": "label"}},
        },
        {
            "data": {"name": "rows"},
            "mark": {"type": "line", "color": RUN, "strokeWidth": 3},
            "encoding": {"x": x, "y": y, "order": {"field": "month", "type": "quantitative"}},
        },
        {
            "data": {"name": "events"},
            "transform": [{"filter": "datum.kind !== 'breach'"}],
            "mark": {"type": "point", "filled": True, "size": 110, "shape": "diamond"},
            "encoding": {
                "x": x,
                "y": y,
                "color": {
                    "field": "kind",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": list(EVENT_COLOURS), "range": list(EVENT_COLOURS.values())},
                },
            },
        },
        {
            "data": {"name": "now"},
            "mark": {
                "type": "point",
                "filled": True,
                "size": 380,
                "color": RUN,
                "stroke": "black",
                "strokeWidth": 2,
                "opacity": 1,
            },
            "encoding": {"x": x, "y": y},
        },
    ]
    return {
        **base_spec(i18n.text("chart_path", lang), i18n.text("chart_path_sub", lang)),
        "layer": marks,
    }


def value_spec(lang: str, horizon: int, ranges: Ranges) -> dict[str, Any]:
    """Cumulative value, with elections, the switch to openness, levers and breaches marked."""
    x = month_axis(horizon, lang)
    y = _y("value", i18n.text("axis_value", lang))
    marks = [
        *_event_rules(horizon, lang, ("election", "opens", "lever")),
        {
            "data": {"name": "rows"},
            "mark": {"type": "line", "color": RUN, "strokeWidth": 3.5},
            "encoding": {"x": x, "y": y},
        },
        {
            "data": {"name": "breaches"},
            "mark": {
                "type": "point",
                "shape": "triangle-up",
                "filled": True,
                "size": 150,
                "color": EVENT_COLOURS["breach"],
                "stroke": "white",
                "strokeWidth": 1,
            },
            "encoding": {"x": x, "y": y},
        },
    ]
    return {
        **base_spec(i18n.text("chart_value", lang), i18n.text("chart_value_sub", lang)),
        "params": y_params(ranges.value),
        "layer": marks,
    }


def stocks_spec(lang: str, horizon: int) -> dict[str, Any]:
    """I, C, Q on 0–1, with the month each reached half its level (the phasing clock)."""
    x = month_axis(horizon, lang)
    names = [i18n.text(f"stock_{s}", lang) for s in STOCK_COLOURS]
    colour = {
        "field": "stock",
        "type": "nominal",
        "scale": {"domain": names, "range": list(STOCK_COLOURS.values())},
        "legend": {
            "title": None,
            "orient": "bottom-right",
            "direction": "vertical",
            "fillColor": "rgba(255,255,255,0.85)",
            "padding": 4,
        },
    }
    y = {
        "field": "level",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": {"title": i18n.text("axis_level", lang), "tickCount": 5},
    }
    marks = [
        {
            "data": {"name": "halves"},
            "mark": {"type": "rule", "strokeDash": [2, 3], "strokeWidth": 2},
            "encoding": {"x": x, "color": {**colour, "legend": None}},
        },
        {
            "data": {"name": "halves"},
            "mark": {
                "type": "text",
                "align": "left",
                "dx": 3,
                "baseline": "top",
                "fontWeight": "bold",
            },
            "encoding": {
                "x": x,
                "y": {"field": "row", "type": "quantitative", "scale": None},
                "text": {"field": "label"},
                "color": {**colour, "legend": None},
            },
        },
        {
            "data": {"name": "rows"},
            "mark": {"type": "line", "strokeWidth": 3},
            "encoding": {"x": x, "y": y, "color": colour},
        },
    ]
    return {
        **base_spec(i18n.text("chart_stocks", lang), i18n.text("chart_stocks_sub", lang)),
        "layer": marks,
    }


def dimensions_spec(lang: str, horizon: int, ranges: Ranges) -> dict[str, Any]:
    """Nine dimensions stacked: gross above zero, destruction below, the net flow as a line."""
    x = month_axis(horizon, lang)
    names = [i18n.text(f"dim_{d}", lang) for d in DIMENSIONS]
    colour = {
        "field": "dimension",
        "type": "nominal",
        "scale": {"domain": names, "range": list(DIMENSION_COLOURS)},
        "legend": {
            "title": None,
            "orient": "right",
            "columns": 1,
            "symbolType": "square",
            "labelLimit": 170,
        },
    }
    y = _y("v", i18n.text("axis_flow", lang))
    band = {**y, "field": "y0"}
    area = {"type": "area", "opacity": 0.9, "interpolate": "step-after"}
    marks = [
        {
            "data": {"name": "rows"},
            "mark": area,
            "encoding": {
                "x": x,
                "y": band,
                "y2": {"field": "y1"},
                "color": colour,
                "detail": {"field": "side"},
            },
        },
        {
            "data": {"name": "net"},
            "mark": {"type": "line", "color": "black", "strokeWidth": 2.5},
            "encoding": {"x": x, "y": y},
        },
        {
            "data": {"values": [{"v": 0}]},
            "mark": {"type": "rule", "color": "black"},
            "encoding": {"y": {"field": "v", "type": "quantitative"}},
        },
    ]
    return {
        **base_spec(i18n.text("chart_dimensions", lang), i18n.text("chart_dimensions_sub", lang)),
        "params": y_params(ranges.flow),
        "layer": marks,
    }


def load_spec(lang: str, departments: list[str], ranges: Ranges) -> dict[str, Any]:
    """Each department's load now (horizontal bars, readable names), the capacity line at 1."""
    x = {
        "field": "load",
        "type": "quantitative",
        "scale": {"domain": [0, ranges.load]},
        "axis": {"title": i18n.text("axis_load", lang), "tickCount": 4},
    }
    y = {
        "field": "department",
        "type": "nominal",
        "scale": {"domain": departments},
        "axis": {"title": None, "labelLimit": 140},
    }
    level = {
        "field": "level",
        "type": "nominal",
        "legend": None,
        "scale": {
            "domain": ["ok", "near", "over"],
            "range": [RUN, OKABE_ITO["orange"], OKABE_ITO["vermillion"]],
        },
    }
    marks = [
        {
            "data": {"name": "bars"},
            "mark": {"type": "bar"},
            "encoding": {"x": x, "y": y, "color": level},
        },
        {
            "data": {"values": [{"load": 1}]},
            "mark": {"type": "rule", "color": "black", "strokeDash": [6, 3], "strokeWidth": 2},
            "encoding": {"x": {"field": "load", "type": "quantitative"}},
        },
    ]
    return {
        **base_spec(i18n.text("chart_load", lang), i18n.text("chart_load_sub", lang)),
        "layer": marks,
    }


def partners_spec(lang: str, horizon: int, ranges: Ranges) -> dict[str, Any]:
    x = month_axis(horizon, lang)
    y = _y("partners", i18n.text("axis_partners", lang), format="d")
    marks = [
        *_event_rules(horizon, lang, ("election", "opens", "lever")),
        {
            "data": {"name": "rows"},
            "mark": {
                "type": "line",
                "color": OKABE_ITO["green"],
                "strokeWidth": 3,
                "interpolate": "step-after",
            },
            "encoding": {"x": x, "y": y},
        },
    ]
    return {
        **base_spec(i18n.text("chart_partners", lang), i18n.text("chart_partners_sub", lang)),
        "params": y_params((0.0, ranges.partners)),
        "layer": marks,
    }


def citizens_spec(lang: str) -> dict[str, Any]:
    """Mean trust by digital-literacy fifth, the share participating this month on each bar."""
    fifths = [fifth_label(q, lang) for q in range(5)]
    x = {
        "field": "fifth",
        "type": "nominal",
        "sort": fifths,
        "axis": {"title": i18n.text("axis_fifth", lang), "labelAngle": 0, "labelLimit": 110},
    }
    y = {
        "field": "trust",
        "type": "quantitative",
        "scale": {"domain": [0, 1]},
        "axis": {"title": i18n.text("axis_trust", lang), "tickCount": 5},
    }
    marks = [
        {
            "data": {"name": "bars"},
            "mark": {"type": "bar", "color": RUN},
            "encoding": {"x": x, "y": y},
        },
        {
            "data": {"name": "bars"},
            "mark": {"type": "text", "dy": -10, "color": "#222"},
            "encoding": {"x": x, "y": y, "text": {"field": "label"}},
        },
    ]
    return {
        **base_spec(i18n.text("chart_citizens", lang), i18n.text("chart_citizens_sub", lang)),
        "layer": marks,
    }


def fifth_label(q: int, lang: str) -> str:
    if q == 0:
        return f"1 {i18n.text('fifth_1', lang)}" if lang == "en" else "1"
    if q == 4:
        return f"5 {i18n.text('fifth_5', lang)}" if lang == "en" else "5"
    return str(q + 1)
