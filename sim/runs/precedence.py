"""Which value a run uses when the command line, a scenario file and a level file disagree.

Lowest to highest:

1. the model defaults (`ModelConfig()`);
2. the levels `city=NAME` and `resources=NAME` (files in configs/city, configs/resources);
3. the scenario file (`scenario=NAME`, or each of `scenarios=[...]`);
4. the values given on the command line: `model.<field>=`, the short forms `resources.X=`,
   `city.X=`, `mechanisms.X=`, `parameters.X=`, and `months=`.

Refused, naming both values, because no order could make them mean one thing:
`model.trajectory.kind` different from the scenario's own kind (the scenario names the
trajectory: pick another scenario); a short form and its `model.` spelling with different values;
`model.months` different from `months`. A scenario file cannot set `months` (sim.runs.presets).

Never silent: a command-line value that replaces a different value of a scenario file, and a
scenario file that replaces a value of a level chosen on the command line, each give one note.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from sim.core.config import TRAJECTORY_KINDS, ConfigError, ModelConfig, flatten
from sim.runs import presets

SHORT_FORMS = ("city", "resources", "mechanisms", "parameters")
_MISSING = object()


def _get(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = copy.deepcopy(value)


def command_line_keys(overrides: Sequence[str]) -> dict[str, list[str]]:
    """Model path -> the keys the command line set it with (`resources.staff_hours`,
    `model.resources.staff_hours`, `months`), in command-line order."""
    out: dict[str, list[str]] = {}
    for item in overrides:
        key = str(item).split("=", 1)[0].lstrip("+~")
        if key.startswith("model."):
            path = key[len("model.") :]
        elif ("." in key and key.split(".")[0] in SHORT_FORMS) or key == "months":
            path = key
        else:
            continue
        out.setdefault(path, [])
        if key not in out[path]:
            out[path].append(key)
    return out


def pinned(
    data: Mapping[str, Any], model: Mapping[str, Any], overrides: Sequence[str]
) -> dict[str, tuple[str, Any]]:
    """Model path -> (command-line key, value) for every value set on the command line."""
    if "months" in data and model.get("months") != data["months"]:
        raise ConfigError(
            "model.months",
            model.get("months"),
            f"the same as months ({data.get('months')!r}): set the horizon with months=N only",
        )
    given = command_line_keys(overrides)
    for section in SHORT_FORMS:  # a short form set is explicit even without Hydra's overrides
        for field, value in (data.get(section) or {}).items():
            if value is not None and f"{section}.{field}" not in given:
                given[f"{section}.{field}"] = [f"{section}.{field}"]
    out = {}
    for path, keys in given.items():
        value = _get(model, path)
        if value is _MISSING:
            continue  # an unknown field: ModelConfig refuses it, naming it
        if len(keys) > 1:  # `resources.X=` and `model.resources.X=` both given
            long = _get(data["model"], path)
            if long != value:
                raise ConfigError(
                    path,
                    value,
                    f"one value: model.{path}={long!r} is also given; drop one of the two",
                )
        out[path] = (keys[-1] if len(keys) == 1 else path, value)
    return out


def apply(
    name: str,
    model: Mapping[str, Any],
    pins: Mapping[str, tuple[str, Any]],
    levels: Mapping[str, str],
    months: Any,
    notes: list[str] | None = None,
) -> ModelConfig:
    """The validated ModelConfig of scenario `name` on `model`, command-line values on top."""
    file = presets.load(name)
    flat_file = flatten(file)
    kind = file["trajectory"]["kind"]
    given = pins.get("trajectory.kind")
    if given is not None and given[1] not in TRAJECTORY_KINDS:
        raise ConfigError(given[0], given[1], f"one of {list(TRAJECTORY_KINDS)}")
    if given is not None and given[1] != kind:
        raise ConfigError(
            given[0],
            given[1],
            f"the scenario's own kind: scenario '{name}' sets trajectory.kind={kind}; to run "
            f"another trajectory pick its scenario (scenarios=[{given[1]}] or scenario={given[1]})",
        )
    merged = presets.merge(dict(model), file)
    for path, (key, value) in pins.items():
        old = _get(merged, path)
        _set(merged, path, value)
        if notes is not None and old is not _MISSING and old != value and _in_file(path, file):
            notes.append(
                f"{key}={value!r} from the command line replaces {old!r} from scenario '{name}'"
            )
    if notes is not None:
        for group, level in levels.items():
            for path, value in flat_file.items():
                base = _get(model, path)
                if path.startswith(f"{group}.") and path not in pins and base != value:
                    notes.append(
                        f"scenario '{name}' sets {path}={value!r} over {group}={level}'s "
                        f"{base!r} (set {path}=… on the command line to choose)"
                    )
    try:
        return ModelConfig.from_dict(merged)
    except ConfigError as err:
        raise _named(err, name, file, pins, months) from None


def _in_file(path: str, file: Mapping[str, Any]) -> bool:
    """Whether the scenario file sets `path` or a field under it."""
    return _get(file, path) is not _MISSING


def _named(
    err: ConfigError,
    name: str,
    file: Mapping[str, Any],
    pins: Mapping[str, tuple[str, Any]],
    months: Any,
) -> ConfigError:
    """The error re-addressed to what the user wrote: a command-line key, or the file."""
    root = err.path.split("[")[0]
    pin = next((pins[p] for p in pins if root == p or root.startswith(p + ".")), None)
    if pin is not None:
        path = pin[0] + err.path[len(root) :] if root in pins else err.path
        if pin[0].startswith("model.") and not path.startswith("model."):
            path = f"model.{path}"
        return ConfigError(path, err.value, err.allowed + _which(err, name))
    if err.path == "months" and err.value == months:
        return ConfigError("months", err.value, err.allowed)
    if _in_file(root, file):
        return presets.ScenarioFileError(
            presets.scenario_path(name),
            presets.line_of(name, err.path),
            err.path,
            err.value,
            f"{err.allowed} (with the other settings of this job)",
        )
    return ConfigError(f"model.{err.path}", err.value, err.allowed + _which(err, name))


def _which(err: ConfigError, name: str) -> str:
    """Which scenario, for trajectory errors (the other fields are the same in every one)."""
    return f" (scenario '{name}')" if err.path.startswith("trajectory") else ""
