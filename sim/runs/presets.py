"""Presets: the named files shipped in `sim/configs/` (scenarios, resource levels, city sizes).

A *scenario* is a named set of model choices: a partial model configuration (a trajectory, and
any other field it changes, e.g. more staff hours) in `configs/scenario/<name>.yaml`. The same
files serve the main job's list (`scenarios=[open,phased]`), the sweepable Hydra group
(`scenario=open`), the advisors' comparison and the classroom app; resource levels
(`configs/resources/`) and city sizes (`configs/city/`) likewise. One source, written as data.

The folder is found with importlib.resources, so a non-editable `pip install .` works from any
working directory.
"""

from __future__ import annotations

import copy
import functools
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from sim.core.config import ConfigError, ModelConfig


def config_dir() -> Path:
    """The installed `configs/` folder (Hydra's config directory)."""
    return Path(str(files("sim.configs")))


def _group(group: str) -> Path:
    return config_dir() / group


def names(group: str) -> list[str]:
    """Names of the files of a preset group (`scenario`, `resources`, `city`), sorted."""
    return sorted(p.stem for p in _group(group).glob("*.yaml"))


def available() -> list[str]:
    """Names of the scenario files (without .yaml), sorted."""
    return names("scenario")


def load(name: str) -> dict[str, Any]:
    """The model fields a scenario file sets; an unknown name fails naming the choices."""
    path = _group("scenario") / f"{name}.yaml"
    if not isinstance(name, str) or "/" in name or not path.is_file():
        raise ConfigError("scenarios", name, f"one of the scenario files {available()}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"scenario '{name}'", data, "a mapping of model fields")
    return data


@functools.cache
def _section(group: str, name: str) -> dict[str, Any]:
    path = _group(group) / f"{name}.yaml"
    if "/" in name or not path.is_file():
        raise ConfigError(group, name, f"one of {names(group)}")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def resource_level(name: str) -> dict[str, Any]:
    """The `model.resources` fields of a resource level file (tight, adequate, generous)."""
    return copy.deepcopy(_section("resources", name))


def city_size(name: str) -> dict[str, Any]:
    """The `model.city` fields of a city file (small, default, large)."""
    return copy.deepcopy(_section("city", name))


def resource_level_names() -> list[str]:
    """Resource levels from the leanest budget to the largest (tight, adequate, generous)."""
    return sorted(names("resources"), key=lambda n: _section("resources", n).get("budget", 0))


def city_names() -> list[str]:
    """City sizes from the smallest population to the largest (small, default, large)."""
    return sorted(names("city"), key=lambda n: _section("city", n).get("citizens", 0))


def resource_levels() -> dict[str, dict[str, Any]]:
    """Every resource level, name -> model.resources fields."""
    return {name: resource_level(name) for name in names("resources")}


def level_name(resources: dict[str, Any]) -> str:
    """The name of the resource level whose file matches `resources`, else 'custom'."""
    for name, values in resource_levels().items():
        if all(resources.get(k) == v for k, v in values.items()):
            return name
    return "custom"


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep merge: `changes` wins, nested sections are merged key by key."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def build(name: str, base: dict[str, Any] | None = None) -> ModelConfig:
    """A validated ModelConfig: `base` model fields (city, resources…) with the scenario on top."""
    return ModelConfig.from_dict(merge(base or {}, load(name)))


def with_resources(level: str, **changes: Any) -> ModelConfig:
    """The default model under a named resource level, with optional dotted-path changes."""
    data = merge(ModelConfig().to_dict(), {"resources": resource_level(level)})
    return ModelConfig.from_dict(data).replace(**changes)
