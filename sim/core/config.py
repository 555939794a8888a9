"""The typed configuration of one model run, and its validation.

Every field carries its *allowed* interval (what validation accepts) and, for the behavioural
parameters, a *plausible* interval (what a sensitivity analysis should explore, docs/ODD.md §7–§8).
Keeping both next to the default means there is one list of parameters, not three.

Validation happens before any work: `ModelConfig.from_dict` rejects unknown keys, wrong types,
out-of-range values and inconsistent combinations with a `ConfigError` that names the field, the
value it got and what is allowed.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.core.fields import bounded
from sim.core.population import AGE_GROUPS
from sim.core.sections import (
    SWITCH_RULES,
    TRAJECTORY_KINDS,
    WEIGHT_PROFILES,
    CityConfig,
    MechanismConfig,
    Parameters,
    ResourceConfig,
    TrajectoryConfig,
)

__all__ = [
    "SWITCH_RULES",
    "TRAJECTORY_KINDS",
    "WEIGHT_PROFILES",
    "CityConfig",
    "ConfigError",
    "MechanismConfig",
    "ModelConfig",
    "Parameters",
    "ResourceConfig",
    "TrajectoryConfig",
]


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the field and what is allowed."""

    def __init__(self, path: str, value: Any, allowed: str) -> None:
        self.path, self.value, self.allowed = path, value, allowed
        super().__init__(f"invalid config field '{path}': got {value!r}; allowed: {allowed}")


@dataclass(frozen=True)
class ModelConfig:
    """Everything one run needs, apart from its seed."""

    months: int = bounded(144, 1, 1200)
    election_interval: int = bounded(72, 1, 1200)
    weights: str = "equal"
    city: CityConfig = field(default_factory=CityConfig)
    resources: ResourceConfig = field(default_factory=ResourceConfig)
    trajectory: TrajectoryConfig = field(default_factory=TrajectoryConfig)
    mechanisms: MechanismConfig = field(default_factory=MechanismConfig)
    parameters: Parameters = field(default_factory=Parameters)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None = None) -> ModelConfig:
        """Build and validate a config from plain data (YAML, Hydra, JSON); unknown keys fail."""
        config = _build(cls, {} if data is None else data, "")
        validate(config)
        return config

    def to_dict(self) -> dict[str, Any]:
        """Plain nested data (tuples as lists) that `from_dict` reads back to an equal config."""
        return _plain(dataclasses.asdict(self))

    def replace(self, **changes: Any) -> ModelConfig:
        """A copy with dotted-path changes, e.g. replace(**{"resources.budget": 0.4}); validated."""
        return ModelConfig.from_dict(set_paths(self.to_dict(), changes))


def set_paths(data: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of plain config data with dotted-path values set.

    Every path must name an existing field (`resources.budget`), so a typo fails here, naming
    it; numpy scalars (from design tables) become plain Python numbers.
    """
    out = copy.deepcopy(dict(data))
    for path, value in changes.items():
        node = out
        *parents, leaf = path.split(".")
        for key in parents:
            if not isinstance(node.get(key), dict):
                raise ConfigError(path, value, "a path of existing config sections")
            node = node[key]
        if leaf not in node:
            raise ConfigError(path, value, "an existing config field")
        node[leaf] = (
            value.item()
            if hasattr(value, "item") and not isinstance(value, (list, tuple))
            else value
        )
    return out


def scenario(kind: str, **changes: Any) -> ModelConfig:
    """The default city under one trajectory preset, with optional dotted-path changes."""
    return ModelConfig().replace(**{"trajectory.kind": kind, **changes})


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _build(cls: type, data: Any, prefix: str) -> Any:
    """Recursively turn mappings into the frozen dataclasses, type-checking every leaf."""
    if not isinstance(data, dict):
        path = prefix.rstrip(".") or "<root>"
        raise ConfigError(path, data, f"a mapping of {cls.__name__} fields")
    hints = _hints(cls)
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(names))
    if unknown:
        path = f"{prefix}{unknown[0]}"
        raise ConfigError(path, data[unknown[0]], f"one of the known keys {sorted(names)}")
    kwargs = {}
    for name, value in data.items():
        path = f"{prefix}{name}"
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            kwargs[name] = _build(hint, value, path + ".")
        else:
            kwargs[name] = _coerce(hint, value, path)
    return cls(**kwargs)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A section's resolved annotations, read once: a parameter sweep builds thousands of
    configs, and resolving the string annotations is most of what building one costs."""
    return typing.get_type_hints(cls)


def _coerce(hint: Any, value: Any, path: str) -> Any:
    """Check one value against its annotation; ints are accepted where floats are expected."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, path)
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(path, value, f"a list ({_describe(hint)})")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(args[0], v, f"{path}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise ConfigError(path, value, f"a list of exactly {len(args)} numbers")
        return tuple(
            _coerce(a, v, f"{path}[{i}]") for i, (a, v) in enumerate(zip(args, value, strict=True))
        )
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(path, value, "true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ConfigError(path, value, "an integer")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(path, value, "a number")
        if not math.isfinite(value):
            raise ConfigError(path, value, "a finite number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(path, value, "a string")
        return value
    raise TypeError(f"unsupported annotation {hint!r} at {path}")  # pragma: no cover


def _describe(hint: Any) -> str:
    return getattr(hint, "__name__", str(hint))


def validate(config: Any, prefix: str = "") -> None:
    """Check types, bounds on every field, then the relations between fields; raise ConfigError.

    Types are checked by rebuilding the config from its plain data, so a config constructed
    directly (not through `from_dict`) gets the same checks.
    """
    if not prefix:
        _build(type(config), _plain(dataclasses.asdict(config)), "")
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        path = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            validate(value, path + ".")
            continue
        lo, hi = f.metadata.get("bounds", (None, None))
        if value is None or isinstance(value, (str, tuple)):
            continue
        if (lo is not None and not value >= lo) or (hi is not None and not value <= hi):
            raise ConfigError(path, value, f"a value in [{lo}, {hi}]")
    if isinstance(config, ModelConfig):
        _validate_relations(config)


def _check_point(path: str, point: tuple[float, ...], first: int = 0) -> None:
    """(p, o) must lie in the unit square; `first` is the index of p within its list."""
    for i, v in enumerate(point, start=first):
        if not 0.0 <= v <= 1.0:
            raise ConfigError(f"{path}[{i}]", v, "a value in [0, 1] (proactivity, openness)")


def _validate_relations(c: ModelConfig) -> None:
    t = c.trajectory
    if c.weights not in WEIGHT_PROFILES:
        raise ConfigError("weights", c.weights, f"one of {list(WEIGHT_PROFILES)}")
    if t.kind not in TRAJECTORY_KINDS:
        raise ConfigError("trajectory.kind", t.kind, f"one of {list(TRAJECTORY_KINDS)}")
    if t.after_turnover not in ("", *TRAJECTORY_KINDS[:-1]):
        raise ConfigError(
            "trajectory.after_turnover", t.after_turnover, f"'' or one of {TRAJECTORY_KINDS[:-1]}"
        )
    if t.switch_rule not in SWITCH_RULES:
        raise ConfigError("trajectory.switch_rule", t.switch_rule, f"one of {list(SWITCH_RULES)}")
    for name in ("proactive_point", "open_point", "combined_point"):
        _check_point(f"trajectory.{name}", getattr(t, name))
    if t.kind == "custom" and not t.waypoints:
        raise ConfigError("trajectory.waypoints", t.waypoints, "at least one [month, p, o] point")
    last = -1.0
    for i, point in enumerate(t.waypoints):
        path = f"trajectory.waypoints[{i}]"
        if len(point) != 3:
            raise ConfigError(path, point, "a [month, proactivity, openness] triple")
        month, p, o = point
        if month < 0 or month <= last:
            raise ConfigError(
                path, point, f"months >= 0 in strictly increasing order (after {last})"
            )
        _check_point(path, (p, o), first=1)
        last = month
    cap = c.city.partner_pool - round(c.city.partner_pool * c.city.vendor_share)
    forced = c.mechanisms.forced_partners
    if forced is not None and forced > cap:
        raise ConfigError(
            "mechanisms.forced_partners", forced, f"at most the {cap} co-creation candidates"
        )
    if c.city.initial_partners > cap:
        raise ConfigError(
            "city.initial_partners", c.city.initial_partners,
            f"at most the {cap} co-creation candidates",
        )  # fmt: skip
    if c.city.dgas > c.city.departments:
        raise ConfigError(
            "city.dgas", c.city.dgas, f"at most city.departments ({c.city.departments})"
        )
    _validate_chart(c.city)
    _validate_ages(c.city)


def _validate_chart(city: CityConfig) -> None:
    """An organisation chart names one DGA per department and leaves no DGA empty."""
    chart = city.org_chart
    if not chart:
        return
    if len(chart) != city.departments:
        raise ConfigError(
            "city.org_chart", list(chart), f"one DGA per department ({city.departments} entries)"
        )
    for d, g in enumerate(chart):
        if not 0 <= g < city.dgas:
            raise ConfigError(f"city.org_chart[{d}]", g, f"a DGA in [0, {city.dgas - 1}]")
    empty = sorted(set(range(city.dgas)) - set(chart))
    if empty:
        raise ConfigError(
            "city.org_chart", list(chart), f"every DGA holds a department (not {empty})"
        )


def _validate_ages(city: CityConfig) -> None:
    """Age shares: none (the national mix) or one share in [0, 1] per age group, summing to 1."""
    shares = city.age_shares
    if not shares:
        return
    if len(shares) != len(AGE_GROUPS) or any(not 0.0 <= x <= 1.0 for x in shares):
        wanted = f"one share in [0, 1] per age group {list(AGE_GROUPS)}, or []"
        raise ConfigError("city.age_shares", list(shares), wanted)
    if abs(sum(shares) - 1.0) > 1e-6:
        raise ConfigError("city.age_shares", list(shares), "shares summing to 1 (or [])")


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested config data as {dotted path: value}, e.g. {"resources.budget": 1.0}."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def field_bounds(section: type) -> dict[str, tuple[float | None, float | None]]:
    """Allowed interval of each numeric field of a config section (used by tests and the UI)."""
    return {
        f.name: f.metadata["bounds"] for f in dataclasses.fields(section) if "bounds" in f.metadata
    }


def plausible_ranges() -> dict[str, tuple[float, float]]:
    """Dotted path -> plausible interval, for every parameter a sensitivity analysis may vary."""
    out: dict[str, tuple[float, float]] = {}
    for section, cls in (
        ("resources", ResourceConfig),
        ("trajectory", TrajectoryConfig),
        ("parameters", Parameters),
    ):
        for f in dataclasses.fields(cls):
            if "plausible" in f.metadata:
                out[f"{section}.{f.name}"] = f.metadata["plausible"]
    return out


def outside_plausible(config: ModelConfig) -> list[str]:
    """One line per field whose value is allowed but outside its plausible range: valid input,
    but beyond the evidence the range stands for, so the results there are extrapolation."""
    values = flatten(config.to_dict())
    return [
        f"{path}={values[path]:g} lies outside its plausible range [{low:g}, {high:g}] "
        "(docs/parameters.md gives its source): results there are extrapolation"
        for path, (low, high) in plausible_ranges().items()
        if not low <= values[path] <= high
    ]
