"""What each live chart is sent: its spec once, then per frame only the rows of the new months.

`CHARTS` names the Run tab's charts in display order (the first three are the story views: path,
value, stocks); `batch(name, session, lang, start)` builds one chart's update for the months after
`start` (start=0 is the full data, used when a chart is (re)drawn), and `spec(name, …)` its
Vega-Lite spec. Fixed y-ranges come from `ranges(city, resources)`: every preset run once on the
default seed, so the axes hold still through a run and are the same whichever preset plays;
`y_domain` widens one only when a lever pushed the run past it.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from sim.app import charts, i18n
from sim.app import session as live
from sim.app.settings import build, preset_model
from sim.core.model import GovernanceModel

STORY = ("path", "value", "stocks")
MORE = ("dimensions", "load", "partners", "citizens")
CHARTS = STORY + MORE
PRESET_KINDS = ("proactive", "open", "phased", "combined")
Y_SIGNALLED = ("value", "dimensions", "partners")  # charts whose y-range is two signals


def _nice(x: float) -> float:
    """Round up to 1, 2, 2.5 or 5 × a power of ten, so the axis ends on a round tick."""
    if x <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= x)


@functools.cache
def ranges(city: str, resources: str) -> charts.Ranges:
    """Y-ranges for a city and resource level: the extremes of every preset, plus 10%."""
    setup = {
        "city": city,
        "resources": resources,
        "path": "",
        "push": 0.2,
        "mediation": True,
        "elections": True,
        "seed": "1",
    }
    values, flows, partners, loads = [0.0], [0.0], [1.0], [1.5]
    for kind in PRESET_KINDS:
        built = build({**setup, "trajectory": kind})
        frame = GovernanceModel(built.config, rng=built.seed, citizen_agents=False).run()
        values += [frame["value_cumulative"].min(), frame["value_cumulative"].max()]
        flows += [frame["value_gross"].max(), -frame["value_destroyed"].max()]
        partners.append(frame["partners"].max())
        loads.append(frame["load_max"].max())
    return charts.Ranges(
        value=(-_nice(-1.1 * min(values)) if min(values) < 0 else 0.0, _nice(1.1 * max(values))),
        flow=(-_nice(-1.1 * min(flows)), _nice(1.1 * max(flows))),
        partners=float(_nice(1.2 * max(partners))),
        load=float(math.ceil(1.1 * max(loads) * 2) / 2),
    )


def preset_points() -> dict[str, tuple[float, float]]:
    traj = preset_model()["trajectory"]
    return {k: tuple(traj[f"{k}_point"]) for k in ("proactive", "open", "combined")}


def spec(name: str, lang: str, session: live.Session) -> dict[str, Any]:
    """The Vega-Lite spec of one live chart for this session's city, resources and horizon."""
    setup = session.built.setup
    rng = ranges(setup["city"], setup["resources"])
    horizon = session.horizon
    if name == "path":
        return charts.path_spec(lang, preset_points())
    if name == "value":
        return charts.value_spec(lang, horizon, rng)
    if name == "stocks":
        return charts.stocks_spec(lang, horizon)
    if name == "dimensions":
        return charts.dimensions_spec(lang, horizon, rng)
    if name == "load":
        names = [live.department_name(d.name, lang) for d in session.model.departments]
        return charts.load_spec(lang, names, rng)
    if name == "partners":
        return charts.partners_spec(lang, horizon, rng)
    if name == "citizens":
        return charts.citizens_spec(lang)
    raise KeyError(name)


def y_domain(name: str, s: live.Session, rng: charts.Ranges) -> tuple[float, float]:
    """A chart's y-range now: its fixed range, widened to a round number only when the run went
    past it (a lever can), so the axis moves at most a few times in a run, never every frame."""
    if name == "value":
        (lo, hi), data = rng.value, s.column("value_cumulative")
        low, high = (float(data.min()), float(data.max())) if s.month else (lo, hi)
    elif name == "dimensions":
        (lo, hi), flow = rng.flow, s.column("value_flow")
        low = min(-float(s.column("value_destroyed").max()), float(flow.min())) if s.month else lo
        high = max(float(s.column("value_gross").max()), float(flow.max())) if s.month else hi
    elif name == "partners":
        lo, hi = 0.0, rng.partners
        low, high = lo, float(s.column("partners").max()) if s.month else hi
    else:
        raise KeyError(name)
    lo = lo if low >= lo else -_nice(-1.1 * low)
    hi = hi if high <= hi else _nice(1.1 * high)
    return float(lo), float(hi)


def height(name: str) -> int:
    return charts.STORY_HEIGHT if name in STORY else charts.OTHER_HEIGHT


def _series(s: live.Session, start: int, **columns: str) -> list[dict[str, Any]]:
    months = range(start + 1, s.month + 1)
    data = {key: s.column(col)[start:] for key, col in columns.items()}
    return [{"month": m, **{k: float(v[i]) for k, v in data.items()}} for i, m in enumerate(months)]


def batch(name: str, s: live.Session, lang: str, start: int) -> dict[str, Any]:
    """One chart's update: rows of months start+1..now (insert; all of them when start=0, as a
    replacement), its small datasets (marks, current state) replaced, and its y-range signals."""
    update = _batch(name, s, lang, start)
    if name in Y_SIGNALLED:
        setup = s.built.setup
        lo, hi = y_domain(name, s, ranges(setup["city"], setup["resources"]))
        update["signals"] = {"y_lo": lo, "y_hi": hi}
    return update


def _batch(name: str, s: live.Session, lang: str, start: int) -> dict[str, Any]:
    if name == "path":
        p, o = s.current_point()
        rows = _series(s, start, p="proactivity", o="openness")
        small = {
            "now": [{"p": p, "o": o, "label": i18n.text("now", lang)}],
            "events": s.events(lang),
        }
    elif name == "value":
        rows = _series(s, start, value="value_cumulative")
        small = {"events": s.events(lang), "breaches": s.breaches()}
    elif name == "stocks":
        rows = []
        for r in _series(s, start, **{k: k for k in charts.STOCK_LETTERS}):
            for stock in charts.STOCK_LETTERS:
                rows.append(
                    {
                        "month": r["month"],
                        "stock": i18n.text(f"stock_{stock}", lang),
                        "level": r[stock],
                    }
                )
        small = {"halves": s.halves(lang)}
    elif name == "dimensions":
        rows = live.dimension_rows(s, start, lang)
        small = {}
        net = _series(s, start, v="value_flow")
        return _pack(start, {"rows": rows, "net": net}, small)
    elif name == "load":
        return {"replace": {"bars": live.load_rows(s.model, lang)}}
    elif name == "partners":
        rows = _series(s, start, partners="partners")
        small = {"events": s.events(lang)}
    elif name == "citizens":
        return {"replace": {"bars": live.citizen_rows(s.model, lang)}}
    else:
        raise KeyError(name)
    return _pack(start, {"rows": rows}, small)


def _pack(start: int, series: dict[str, list], small: dict[str, list]) -> dict[str, Any]:
    if start == 0:
        return {"replace": {**series, **small}}
    return {"insert": series, "replace": small}


def monitors(s: live.Session, lang: str) -> list[dict[str, str]]:
    """NetLogo-style monitors: label, value and a class for the tests."""
    month = s.month
    stale = s.column("stale_share")
    p, o = s.current_point()
    items = [
        ("month", "mon_month", f"{month} / {s.horizon}"),
        ("value", "mon_value", i18n.number(s.model.cumulative_value, lang, 1)),
        ("point", "mon_point", f"{i18n.number(p, lang, 2)} / {i18n.number(o, lang, 2)}"),
        ("partners", "mon_partners", str(len(s.model.co_creation_partners))),
        ("breaches", "mon_breaches", str(int(np.sum(s.column("breaches"))))),
        ("stale", "mon_stale", i18n.percent(float(stale[-1]), lang) if month else "–"),
        ("phasing", "mon_phasing", s.phasing()),
    ]
    return [{"cls": c, "label": i18n.text(k, lang), "value": v} for c, k, v in items]
