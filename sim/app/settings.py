"""The app's Setup: presets read from the researchers' config files, inputs checked in words.

Choosing a city size or a resource level loads the very files `python -m sim city=… resources=…`
uses (sim/configs/city/*.yaml, sim/configs/resources/*.yaml); a trajectory preset starts at the
point its config gives. Every input is checked here before a model is built, and a bad one is
reported in the control's own words (`InputError.message(lang)`), never as a config path: the
page must not show a traceback to a class.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from sim.app import i18n
from sim.core.config import TRAJECTORY_KINDS, ModelConfig
from sim.runs import presets
from sim.runs.runner import MAX_SEED

CITIES = tuple(presets.city_names())
RESOURCE_LEVELS = tuple(presets.resource_level_names())
KINDS = TRAJECTORY_KINDS  # proactive, open, phased, combined, custom
DEFAULT_PATH = "0: 0.9, 0.1; 48: 0.2, 0.9"
SPEEDS = (1, 2, 4, 6, 12, 24, 48, 0)  # months per second; 0 = as fast as possible

DEFAULT_SETUP: dict[str, Any] = {
    "trajectory": "phased",
    "path": DEFAULT_PATH,
    "resources": "adequate",
    "city": "default",
    "push": 0.2,
    "mediation": True,
    "elections": True,
    "seed": "1",
}


class InputError(ValueError):
    """A control holds a value the model cannot use; `message(lang)` says so in the UI's words."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key, self.values = key, values
        super().__init__(i18n.text(key, "en", **values))

    def message(self, lang: str) -> str:
        values = {
            k: i18n.text(f"axis_{v}", lang) if k == "what" else v for k, v in self.values.items()
        }
        return i18n.text(self.key, lang, **values)


# ---- presets: one source of truth with the CLI -----------------------------------------------
@functools.cache
def _composed(city: str, resources: str) -> dict[str, Any]:
    return presets.merge(
        ModelConfig().to_dict(),
        {"city": presets.city_size(city), "resources": presets.resource_level(resources)},
    )


def preset_model(city: str = "default", resources: str = "adequate") -> dict[str, Any]:
    """`model:` section of configs/config.yaml with the given city and resources groups."""
    return copy.deepcopy(_composed(city, resources))


def resource_preset(level: str) -> dict[str, float]:
    """Budget and staff hours of a resource level, read from configs/resources/<level>.yaml."""
    res = preset_model("default", level)["resources"]
    return {"budget": float(res["budget"]), "staff_hours": float(res["staff_hours"])}


def citizens(city: str) -> int:
    return int(preset_model(city)["city"]["citizens"])


def trajectory_point(kind: str, path: str = "") -> tuple[float, float]:
    """Where a preset starts in the plane: the point the mayor holds in month 1."""
    traj = preset_model()["trajectory"]
    if kind == "custom":
        try:
            first = parse_path(path)[0]
        except InputError:
            return (0.5, 0.5)
        return (first[1], first[2])
    key = {"proactive": "proactive_point", "open": "open_point", "combined": "combined_point"}
    point = traj[key.get(kind, "proactive_point")]  # phased starts proactive, then opens up
    return (float(point[0]), float(point[1]))


# ---- inputs ------------------------------------------------------------------------------------
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_ITEM = re.compile(rf"^\s*(\d+)\s*:\s*{_NUMBER}\s*[,/\s]\s*{_NUMBER}\s*$")


def parse_path(text: str, horizon: int = 144) -> tuple[tuple[float, float, float], ...]:
    """'0: 0.9, 0.1; 48: 0.2, 0.9' (or French '48 : 0,2 / 0,9') -> ((0, .9, .1), (48, .2, .9)).

    Strict and never evaluated; each problem is an InputError naming the point (1-based).
    """
    items = [s.strip() for s in re.split(r"[;\n]", text or "") if s.strip()]
    if not items:
        raise InputError("path_empty")
    points: list[tuple[float, float, float]] = []
    for index, item in enumerate(items, start=1):
        match = _ITEM.match(item)
        if not match:
            raise InputError("path_format", index=index, item=item)
        month = int(match[1])
        p, o = (float(match[k].replace(",", ".")) for k in (2, 3))
        for what, value in (("p", p), ("o", o)):
            if not 0.0 <= value <= 1.0:
                raise InputError(
                    "path_range", index=index, what=what, value=match[2 if what == "p" else 3]
                )
        if points and month <= points[-1][0]:
            raise InputError("path_order", index=index, month=month, previous=int(points[-1][0]))
        if month > horizon:
            raise InputError("path_month", index=index, month=month, horizon=horizon)
        points.append((float(month), p, o))
    return tuple(points)


def parse_seed(value: Any) -> int:
    """A seed box holds text: accept '7', 7, 7.0 up to MAX_SEED (the tables' 64-bit bound, the
    same as the command line's); anything else is refused with that range."""
    if isinstance(value, bool):
        raise InputError("seed_error")
    if isinstance(value, int | float):
        if not (math.isfinite(value) and float(value).is_integer() and 0 <= value <= MAX_SEED):
            raise InputError("seed_error")
        return int(value)
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_SEED:
        raise InputError("seed_error")
    return int(text)


def setup_errors(setup: dict[str, Any], lang: str) -> dict[str, str]:
    """Each invalid control with its message (empty when Reset may run)."""
    errors = {}
    if setup["trajectory"] == "custom":
        try:
            parse_path(setup["path"])
        except InputError as e:
            errors["path"] = e.message(lang)
    try:
        parse_seed(setup["seed"])
    except InputError as e:
        errors["seed"] = e.message(lang)
    return errors


@dataclass(frozen=True)
class Built:
    """A validated run: its config, its seed, and the Setup it came from."""

    config: ModelConfig
    seed: int
    setup: dict[str, Any]


def build(setup: dict[str, Any], trajectory: str | None = None) -> Built:
    """A validated config and seed from the Setup (raises InputError for a bad control)."""
    kind = trajectory or setup["trajectory"]
    data = preset_model(setup["city"], setup["resources"])
    data["trajectory"]["kind"] = kind
    if kind == "custom":
        data["trajectory"]["waypoints"] = [list(w) for w in parse_path(setup["path"])]
    data["parameters"]["push"] = float(setup["push"])
    data["mechanisms"]["mediation"] = bool(setup["mediation"])
    data["mechanisms"]["elections"] = bool(setup["elections"])
    return Built(ModelConfig.from_dict(data), parse_seed(setup["seed"]), dict(setup))
