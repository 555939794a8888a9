"""One browser session's live run: the model, the teacher's levers, and what the charts need.

The model is sim.core's `GovernanceModel`, stepped one month per frame. Levers act on it from the
app's side, without any change to the model:

- proactivity and openness: the mayor reads his point from `model.mayor.trajectory`, any object
  with `point(month, infrastructure, culture)`. The app puts a `Helm` there, which passes the
  scenario's trajectory through until the teacher moves a slider, and then holds that point.
- budget: the mayor reads `config.resources.budget` each month, so the app swaps in a copy of the
  (frozen) config with the new budget.
- staff hours: each `Department.hours` is set (and the config copy updated to match); the
  departments read their hours each month.

Every lever pulled is recorded (month, lever, value), drawn on the charts and exported.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.metrics import STOCKS
from sim.app import charts, i18n
from sim.app.settings import Built, trajectory_point
from sim.core.model import GovernanceModel
from sim.core.value import DIMENSIONS

LEVERS = ("proactivity", "openness", "budget", "staff_hours")
LEVER_LABEL_GAP = 8  # months: lever marks closer than this to a labelled one stay unlabelled
Point = tuple[float, float]


@dataclass
class Helm:
    """The mayor's trajectory, or the teacher's hand on it (a trajectory object, see governance)."""

    base: Any
    held: Point | None = None

    def point(self, month: int, infrastructure: float, culture: float) -> Point:
        planned = self.base.point(month, infrastructure, culture)  # keeps a phased clock running
        return self.held if self.held is not None else planned


@dataclass(frozen=True)
class Lever:
    month: int  # months completed when it was pulled: it acts from month + 1
    name: str  # one of LEVERS, or "resume"
    value: float | None


@dataclass
class Session:
    """The live run of one browser tab (never shared between tabs)."""

    built: Built
    model: GovernanceModel = field(init=False)
    helm: Helm = field(init=False)
    levers: list[Lever] = field(init=False)
    error: str | None = field(init=False, default=None)
    lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.reset(self.built)

    # ---- run ----------------------------------------------------------------------------------
    def reset(self, built: Built) -> None:
        self.built = built
        self.model = GovernanceModel(built.config, rng=built.seed, citizen_agents=False)
        self.helm = Helm(self.model.mayor.trajectory)
        self.model.mayor.trajectory = self.helm
        self.levers = []
        self.error = None

    @property
    def month(self) -> int:
        return self.model.month

    @property
    def horizon(self) -> int:
        return self.model.config.months

    @property
    def ended(self) -> bool:
        return self.month >= self.horizon or self.error is not None

    def step(self) -> bool:
        """One month; False (and `error` set) when the model raised, True otherwise."""
        if self.ended:
            return False
        try:
            self.model.step()
        except Exception as exc:  # a class must never see a traceback: report and keep the page
            self.error = f"{type(exc).__name__}: {exc}"
            return False
        if self.model.mayor.trajectory is not self.helm:  # a new mayor brought another plan
            self.helm.base = self.model.mayor.trajectory
            self.model.mayor.trajectory = self.helm
        return True

    # ---- levers -------------------------------------------------------------------------------
    def current_point(self) -> Point:
        """(p, o) the mayor holds now (before month 1: where the trajectory will start)."""
        if self.helm.held is not None:
            return self.helm.held
        if self.month == 0:
            setup = self.built.setup
            return trajectory_point(self.built.config.trajectory.kind, setup.get("path", ""))
        return (float(self.model.proactivity), float(self.model.openness))

    def resources(self) -> dict[str, float]:
        res = self.model.config.resources
        return {"budget": float(res.budget), "staff_hours": float(res.staff_hours)}

    def pull(self, name: str, value: float) -> None:
        """Move a lever now; it acts from the next month and is recorded."""
        value = float(value)
        m = self.model
        if name in ("proactivity", "openness"):
            p, o = self.current_point()
            self.helm.held = (value, o) if name == "proactivity" else (p, value)
        elif name == "budget":
            res = dataclasses.replace(m.config.resources, budget=value)
            m.config = dataclasses.replace(m.config, resources=res)
        elif name == "staff_hours":
            res = dataclasses.replace(m.config.resources, staff_hours=value)
            m.config = dataclasses.replace(m.config, resources=res)  # the hours live once
        else:
            raise ValueError(f"unknown lever {name!r}; one of {LEVERS}")
        lever = Lever(self.month, name, value)
        if self.levers and (self.levers[-1].month, self.levers[-1].name) == (self.month, name):
            self.levers[-1] = lever  # one drag of a slider is one lever pulled, not ten
        else:
            self.levers.append(lever)

    def resume(self) -> None:
        """Hand the governance point back to the scenario's trajectory."""
        if self.helm.held is not None:
            self.helm.held = None
            self.levers.append(Lever(self.month, "resume", None))

    # ---- tables -------------------------------------------------------------------------------
    def column(self, name: str) -> np.ndarray:
        """A model column for the months stepped so far (read from the model's record)."""
        return self.model.series(name)

    def dataframe(self) -> pd.DataFrame:
        return self.model.dataframe()

    def levers_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [dataclasses.asdict(lever) for lever in self.levers], columns=["month", "name", "value"]
        )

    # ---- what the charts mark -----------------------------------------------------------------
    def events(self, lang: str) -> list[dict[str, Any]]:
        """Elections, the first month openness rises, levers: month, kind, label, label row."""
        out = []
        config = self.model.config
        if config.mechanisms.elections:
            turnover = self.column("turnover")
            for month in range(config.election_interval, self.month + 1, config.election_interval):
                key = "event_new_mayor" if turnover[month - 1] else "event_reelected"
                out.append({"month": month, "kind": "election", "label": i18n.text(key, lang)})
        opened = opening_month(self.column("openness"))
        if opened is not None:
            out.append({"month": opened, "kind": "opens", "label": i18n.text("event_opens", lang)})
        labelled = None  # month of the last lever that got a label
        for lever in self.levers:
            # Each lever gets its rule; only the first of a cluster gets the word, so a slider
            # nudged month after month does not print "lever" over itself.
            near = labelled is not None and lever.month - labelled < LEVER_LABEL_GAP
            label = "" if near else i18n.text("event_lever", lang)
            labelled = labelled if near else lever.month
            out.append({"month": lever.month, "kind": "lever", "label": label})
        rows = {"election": 4, "opens": 24, "lever": 44}
        p, o = self.column("proactivity"), self.column("openness")
        for event in out:
            event["row"] = rows[event["kind"]]
            t = max(0, min(event["month"], self.month) - 1)
            event["p"], event["o"] = (
                (float(p[t]), float(o[t])) if self.month else self.current_point()
            )
        return out

    def breaches(self) -> list[dict[str, Any]]:
        hits = np.flatnonzero(self.column("breaches") > 0)
        value = self.column("value_cumulative")
        return [{"month": int(t + 1), "value": float(value[t])} for t in hits]

    def halves(self, lang: str) -> list[dict[str, Any]]:
        """Month each stock reached half its level so far (half its final level at the end)."""
        out = []
        for k, stock in enumerate(STOCKS):
            values = self.column(stock)
            if len(values) < 2 or values[-1] - values[0] < 0.05:  # has not really moved yet
                continue
            month = int(np.argmax(values >= values[-1] / 2.0)) + 1
            letter = charts.STOCK_LETTERS[stock]
            out.append(
                {
                    "month": month,
                    "stock": i18n.text(f"stock_{stock}", lang),
                    "label": i18n.text("event_half", lang, letter=letter),
                    "row": 4 + 20 * k,
                }
            )
        return out

    def phasing(self) -> str:
        """E.g. 'I → C → Q' (the stocks that have moved, by their half-level month)."""
        order = []
        for stock in STOCKS:
            values = self.column(stock)
            if len(values) >= 2 and values[-1] - values[0] >= 0.05:
                order.append(
                    (int(np.argmax(values >= values[-1] / 2.0)), charts.STOCK_LETTERS[stock])
                )
        return " → ".join(letter for _, letter in sorted(order)) or "–"


def opening_month(openness: np.ndarray) -> int | None:
    """First month whose openness is above the month before (the switch of a phased run)."""
    rises = np.flatnonzero(np.diff(openness) > 1e-9)
    return int(rises[0] + 2) if rises.size else None


def citizen_rows(model: GovernanceModel, lang: str) -> list[dict[str, Any]]:
    """Mean trust and the share participating this month, by digital-literacy fifth."""
    pop = model.population
    rows = []
    for q in range(5):
        members = pop.literacy_quintile == q
        trust = float(pop.trust[members].mean()) if members.any() else 0.0
        share = float(pop.participated[members].mean()) if members.any() else 0.0
        rows.append(
            {
                "fifth": charts.fifth_label(q, lang),
                "trust": trust,
                "label": i18n.percent(share, lang, 1) if model.month else "",
            }
        )
    return rows


def load_rows(model: GovernanceModel, lang: str) -> list[dict[str, Any]]:
    rows = []
    for d in model.departments:
        load = float(d.load) if model.month else 0.0
        level = "over" if load >= 1.0 else "near" if load >= 0.9 else "ok"
        rows.append({"department": department_name(d.name, lang), "load": load, "level": level})
    return rows


def department_name(name: str, lang: str) -> str:
    """'social action' -> 'action sociale' in French; 'water 12' keeps its number."""
    head, _, tail = name.rpartition(" ")
    base, number = (head, tail) if tail.isdigit() else (name, "")
    key = f"dept_{base}"
    label = i18n.text(key, lang) if key in i18n.CATALOGUE else base
    return f"{label} {number}".strip()


def dimension_rows(session: Session, start: int, lang: str) -> list[dict[str, Any]]:
    """Nine bands stacked above zero (gross) and nine below (destroyed), stacked here so the
    browser only draws them (a stack transform over the whole run each frame is the costly
    part of drawing this chart)."""
    names = [i18n.text(f"dim_{d}", lang) for d in DIMENSIONS]
    rec = {
        c: session.model.series(c)
        for c in (*(f"gross_{d}" for d in DIMENSIONS), *(f"destroyed_{d}" for d in DIMENSIONS))
    }
    rows = []
    for t in range(start, session.month):
        up = down = 0.0
        for k, d in enumerate(DIMENSIONS):
            gross, destroyed = float(rec[f"gross_{d}"][t]), float(rec[f"destroyed_{d}"][t])
            rows.append(
                {"month": t + 1, "dimension": names[k], "side": 1, "y0": up, "y1": up + gross}
            )
            rows.append(
                {
                    "month": t + 1,
                    "dimension": names[k],
                    "side": -1,
                    "y0": down,
                    "y1": down - destroyed,
                }
            )
            up, down = up + gross, down - destroyed
    return rows
