"""The Compare tab's numbers: two trajectories, same seed and Setup, and where one overtakes.

The crossover is read on *cumulative* value (the research's measure, `sim.analysis.metrics`):
the first month from which the run ahead at the end stays ahead. Monthly flows cross earlier and
more often; they are not what "overtakes" means here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.metrics import crossover_month
from sim.app import charts, i18n
from sim.app.settings import build, citizens, resource_preset
from sim.core.model import GovernanceModel


@dataclass(frozen=True)
class Comparison:
    kinds: tuple[str, str]
    frames: tuple[pd.DataFrame, pd.DataFrame]
    setup: dict[str, Any]
    seed: int

    @property
    def winner(self) -> int:
        """0 when A ends with at least B's cumulative value, else 1."""
        a, b = (f["value_cumulative"].iloc[-1] for f in self.frames)
        return 0 if a >= b else 1

    @property
    def crossover(self) -> int | None:
        """Month from which the winner stays ahead for good (None: ahead from month 1)."""
        w = self.winner
        month = crossover_month(self.frames[1 - w], self.frames[w])
        return None if month is None or month <= 1 else month


def run(setup: dict[str, Any], a: str, b: str) -> Comparison:
    """Both trajectories to the horizon (raises settings.InputError for a bad Setup)."""
    frames = []
    seed = 0
    for kind in (a, b):
        built = build(setup, trajectory=kind)
        seed = built.seed
        frames.append(GovernanceModel(built.config, rng=built.seed, citizen_agents=False).run())
    return Comparison((a, b), (frames[0], frames[1]), dict(setup), seed)


def name(c: Comparison, i: int, lang: str) -> str:
    kind = i18n.text(f"kind_{c.kinds[i]}", lang)
    return i18n.text("label_value", lang, label="AB"[i], value=kind)


def summary(c: Comparison, lang: str) -> list[str]:
    """Three sentences: what was used, where each ended, and the crossover."""
    s = c.setup
    res = resource_preset(s["resources"])
    yes_no = {True: i18n.text("on", lang), False: i18n.text("off", lang)}
    used = i18n.text(
        "compare_used",
        lang,
        seed=c.seed,
        city=i18n.text(f"size_{s['city']}", lang),
        citizens=i18n.number(citizens(s["city"]), lang, 0),
        level=i18n.text(f"level_{s['resources']}", lang),
        budget=i18n.number(res["budget"], lang, 1),
        hours=i18n.number(res["staff_hours"], lang, 0),
        push=i18n.number(float(s["push"]), lang, 2),
        mediation=yes_no[bool(s["mediation"])],
        elections=yes_no[bool(s["elections"])],
    )
    a, b = c.frames
    result = i18n.text(
        "compare_result",
        lang,
        months=int(a["month"].iloc[-1]),
        a=i18n.text(f"kind_{c.kinds[0]}", lang),
        b=i18n.text(f"kind_{c.kinds[1]}", lang),
        va=i18n.number(float(a["value_cumulative"].iloc[-1]), lang, 1),
        vb=i18n.number(float(b["value_cumulative"].iloc[-1]), lang, 1),
    )
    w = c.winner
    if c.crossover is None:
        cross = i18n.text(
            "compare_nocross", lang, lead=name(c, w, lang), other=name(c, 1 - w, lang)
        )
    else:
        cross = i18n.text(
            "compare_cross",
            lang,
            lead=name(c, 1 - w, lang),
            other=name(c, w, lang),
            month=c.crossover,
        )
    return [result, cross, used]


def rows(c: Comparison, lang: str) -> list[dict[str, Any]]:
    out = []
    for i, frame in enumerate(c.frames):
        label = name(c, i, lang)
        for month, value, p, o in frame[
            ["month", "value_cumulative", "proactivity", "openness"]
        ].itertuples(index=False):
            out.append(
                {
                    "run": label,
                    "month": int(month),
                    "value": float(value),
                    "p": float(p),
                    "o": float(o),
                }
            )
    return out


def now_rows(c: Comparison, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "run": name(c, i, lang),
            "p": float(f["proactivity"].iloc[-1]),
            "o": float(f["openness"].iloc[-1]),
            "label": "",
        }
        for i, f in enumerate(c.frames)
    ]


# ---- its two charts ----------------------------------------------------------------------
def _run_colour(names: tuple[str, str], legend_corner: str) -> dict[str, Any]:
    """Colour encoding of the two runs (A, B), with the legend in one corner of the chart."""
    return {
        "field": "run",
        "type": "nominal",
        "scale": {"domain": list(names), "range": [charts.RUN, charts.RUN_B]},
        "legend": {
            "title": None,
            "orient": legend_corner,
            "fillColor": "rgba(255,255,255,0.85)",
            "padding": 4,
        },
    }


def value_spec(
    lang: str, horizon: int, names: tuple[str, str], crossover: int | None, label: str
) -> dict[str, Any]:
    """Cumulative value of A and B as the main lines, the crossover month marked."""
    x = charts.month_axis(horizon, lang)
    y = {
        "field": "value",
        "type": "quantitative",
        "axis": {"title": i18n.text("axis_value", lang), "tickCount": 5},
    }
    colour = _run_colour(names, "top-left")
    marks: list[dict[str, Any]] = [
        {
            "data": {"name": "rows"},
            "mark": {"type": "line", "strokeWidth": 3.5},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "strokeDash": {
                    "field": "run",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": list(names), "range": [[1, 0], [8, 3]]},
                },
            },
        },
    ]
    if crossover is not None:
        point = [{"month": crossover, "label": label}]
        marks += [
            {
                "data": {"values": point},
                "mark": {
                    "type": "rule",
                    "strokeWidth": 2,
                    "color": charts.EVENT_COLOURS["crossover"],
                },
                "encoding": {"x": x},
            },
            {
                "data": {"values": point},
                "mark": {
                    "type": "text",
                    "align": "left" if crossover <= 0.6 * horizon else "right",
                    "dx": 4 if crossover <= 0.6 * horizon else -4,
                    "baseline": "bottom",
                    "fontWeight": "bold",
                    "y": {"expr": "height - 4"},
                },
                "encoding": {"x": x, "text": {"field": "label"}},
            },
        ]
    return {
        **charts.base_spec(i18n.text("compare_value", lang), i18n.text("compare_value_sub", lang)),
        "layer": marks,
    }


def path_spec(lang: str, names: tuple[str, str], presets: dict) -> dict[str, Any]:
    spec = charts.path_spec(lang, presets)
    spec["title"]["text"] = i18n.text("compare_path", lang)
    colour = _run_colour(names, "bottom-left")
    line = spec["layer"][3]
    line["mark"] = {"type": "line", "strokeWidth": 3}
    line["encoding"] = {**line["encoding"], "color": colour, "detail": {"field": "run"}}
    now = spec["layer"][5]
    now["mark"] = {**now["mark"], "size": 260}
    now["mark"].pop("color")
    now["encoding"] = {**now["encoding"], "color": {**colour, "legend": None}}
    spec["layer"] = [*spec["layer"][:4], now]
    return spec
