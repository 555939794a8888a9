"""Named scenarios: YAML files in configs/scenario/, one per option a user may compare or sweep.

A scenario file is a partial model configuration (a trajectory, and any other field it changes,
e.g. more staff hours). The same files serve the main job's list (`scenarios=[open,phased]`:
paired comparison in one job), the sweepable Hydra group (`scenario=open`), the advisors'
comparison report and the classroom app — one source of truth, written as data, not code.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from sim.config import ConfigError, ModelConfig

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "configs" / "scenario"


def available() -> list[str]:
    """Names of the scenario files (without .yaml), sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def load(name: str) -> dict[str, Any]:
    """The model fields a scenario file sets; an unknown name fails naming the choices."""
    path = SCENARIO_DIR / f"{name}.yaml"
    if not isinstance(name, str) or "/" in name or not path.is_file():
        raise ConfigError("scenarios", name, f"one of the scenario files {available()}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"scenario '{name}'", data, "a mapping of model fields")
    return data


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
