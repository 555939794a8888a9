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
import difflib
import functools
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from sim.core.config import TRAJECTORY_KINDS, ConfigError, ModelConfig, flatten


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


class ScenarioFileError(ConfigError):
    """A scenario file is unreadable, malformed or sets a bad value: names the file and line."""

    def __init__(self, file: Path, line: int | None, key: str, value: Any, allowed: str) -> None:
        super().__init__(key, value, allowed)
        self.file, self.line = Path(file), line
        where = f"{file}, line {line}" if line else str(file)
        if key.startswith("("):  # the file as a whole
            self.args = (f"scenario file {where}: {allowed}",)
        else:
            self.args = (f"scenario file {where}: '{key}' got {value!r}; allowed: {allowed}",)


def shipped_or_path(field: str, value: Any, folder: Path, suffixes: tuple[str, ...],
                    allowed: str, shipped: list[str]) -> Path:  # fmt: skip
    """The file a `field=` setting names: a path ending in one of `suffixes`, or the name of a
    file shipped in `folder` (`folder/<name><suffixes[0]>`); ConfigError naming `field`, with
    what is `allowed` and the closest shipped name, otherwise (`ensemble=`, `commune=`)."""
    if not isinstance(value, str) or not value:
        raise ConfigError(field, value, allowed)
    if value.endswith(suffixes):
        path = Path(value).expanduser()
        if not path.is_file():
            raise ConfigError(field, value, f"{allowed} (no such file: {path})")
        return path
    path = folder / f"{value}{suffixes[0]}"
    if "/" in value or not path.is_file():
        raise ConfigError(field, value, allowed + suggestion(value, shipped))
    return path


def suggestion(word: str, choices: Any) -> str:
    """' (did you mean 'x'?)' for the closest of `choices`, or '' when none is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_model_columns(columns: Any, where: str, table: str) -> None:
    """ConfigError naming `where` and the column unless every column is a dotted model field a
    table of parameter values may set: not `months` (the job's) nor the kind (the scenario's).
    Design tables and ensembles both set model fields by column."""
    known = set(flatten(ModelConfig().to_dict()))
    for column in columns:
        if column in ("months", "trajectory.kind"):
            raise ConfigError(
                f"{where}: column '{column}'", column,
                f"not in {table}: months is the job's (months=N), the kind is the scenario's",
            )  # fmt: skip
        if column not in known:
            raise ConfigError(
                f"{where}: column '{column}'", column,
                "a dotted model field such as parameters.push" + suggestion(column, known),
            )  # fmt: skip


def unknown_key(data: dict[str, Any], known: dict[str, Any], prefix: str = "") -> str | None:
    """The dotted path of the first key of `data` (in file order, depth first) that the nested
    model fields `known` do not have, or None."""
    for key, value in data.items():
        if key not in known:
            return f"{prefix}{key}"
        if isinstance(known[key], dict) and isinstance(value, dict):
            found = unknown_key(value, known[key], f"{prefix}{key}.")
            if found:
                return found
    return None


def did_you_mean_field(dotted: str) -> str:
    """' (did you mean 'resources.staff_hours'?)' for a typo'd model field: the closest key of
    its own section first, else the field of any section whose name is closest
    (`staf_hours` at the top level is `resources.staff_hours` misplaced and misspelt)."""
    parent, _, leaf = dotted.rpartition(".")
    section = ModelConfig().to_dict()
    for part in parent.split(".") if parent else ():
        section = section[part]  # unknown_key found `dotted` under known sections only
    close = difflib.get_close_matches(leaf, sorted(section), n=1)
    if close:
        return f" (did you mean '{parent + '.' if parent else ''}{close[0]}'?)"
    by_leaf = {f.rsplit(".", 1)[-1]: f for f in flatten(ModelConfig().to_dict())}
    close = difflib.get_close_matches(leaf, sorted(by_leaf), n=1)
    return f" (did you mean '{by_leaf[close[0]]}'?)" if close else ""


def scenario_path(name: str) -> Path:
    """The file of a scenario: a name in configs/scenario/, or the path of a .yaml file."""
    if isinstance(name, str) and name.endswith((".yaml", ".yml")):
        path = Path(name).expanduser()
        if not path.is_file():
            raise ConfigError("scenarios", name, "the path of an existing scenario file (.yaml)")
        return path
    path = _group("scenario") / f"{name}.yaml"
    if not isinstance(name, str) or not name or "/" in name or not path.is_file():
        raise ConfigError(
            "scenarios",
            name,
            f"one of the scenario files {available()}, or a path to a .yaml file"
            + suggestion(name, available()),
        )
    return path


def load(name: str) -> dict[str, Any]:
    """The model fields a scenario file sets, checked; a bad file fails naming file and line.

    A scenario must name its trajectory (`trajectory.kind`), must not set `months` (the horizon
    belongs to the job) and every value must be valid on the default model. A top-level `label:`
    (the scenario's name in the advisors' report, see `label`) is checked and left out: it names
    the scenario, it sets no model field.
    """
    path = scenario_path(name)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise ScenarioFileError(path, line, "YAML", problem, "valid YAML") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioFileError(path, None, "file", str(err), "a readable UTF-8 file") from None
    if not isinstance(data, dict):
        raise ScenarioFileError(
            path, 1 if data is not None else None, "(file)", data,
            "the file is empty; a scenario file sets at least trajectory.kind"
            if data is None else "a mapping of model fields (trajectory: {kind: ...}, ...)",
        )  # fmt: skip
    data = dict(data)
    _check_label(path, node, data.pop(LABEL_KEY, None))
    typo = unknown_key(data, ModelConfig().to_dict())
    if typo is not None:  # named first: a typo is the likeliest cause of whatever else is wrong
        raise ScenarioFileError(
            path, _line(node, typo), "(key)", None,
            f"unknown key '{typo}'{did_you_mean_field(typo)}; a scenario file sets model "
            "fields (python -m sim --help model lists them)",
        )  # fmt: skip
    if "months" in data:
        raise ScenarioFileError(
            path, _line(node, "months"), "months", data["months"],
            "no months in a scenario file: the horizon is the job's (months=N)",
        )  # fmt: skip
    trajectory = data.get("trajectory")
    if not isinstance(trajectory, dict) or "kind" not in trajectory:
        raise ScenarioFileError(
            path, _line(node, "trajectory"), "trajectory.kind", None,
            f"every scenario file sets trajectory.kind, one of {list(TRAJECTORY_KINDS)}",
        )  # fmt: skip
    try:
        ModelConfig.from_dict(merge(ModelConfig().to_dict(), data))
    except ConfigError as err:
        raise ScenarioFileError(
            path, _line(node, err.path), err.path, err.value, err.allowed
        ) from None
    return data


LABEL_KEY = "label"  # a scenario file's name for readers: a string, or {en: ..., fr: ...}
LABEL_LANGUAGES = ("en", "fr")


def _check_label(path: Path, node: Any, label: Any) -> None:
    """ScenarioFileError naming the file and line unless `label` is absent, a non-empty string,
    or a mapping of language codes (en, fr) to non-empty strings."""
    if label is None:
        return
    texts = label if isinstance(label, dict) else {"en": label}
    good = bool(texts) and all(
        k in LABEL_LANGUAGES and isinstance(v, str) and v.strip() for k, v in texts.items()
    )
    if not good:
        raise ScenarioFileError(
            path, _line(node, LABEL_KEY), LABEL_KEY, label,
            "a non-empty string, or {en: ..., fr: ...} with non-empty strings (the scenario's "
            "name in the report)",
        )  # fmt: skip


def label(name: str) -> dict[str, str]:
    """The scenario's `label:` in each report language ({} when the file has none): one string
    serves both languages; with {en, fr}, a language the file leaves out takes the other's."""
    load(name)  # checked first: a bad label fails naming file and line
    data = yaml.safe_load(scenario_path(name).read_text(encoding="utf-8"))
    given = data.get(LABEL_KEY)
    if given is None:
        return {}
    if not isinstance(given, dict):
        given = dict.fromkeys(LABEL_LANGUAGES, given)
    texts = {code: text.strip() for code, text in given.items()}
    fallback = next(iter(texts.values()))
    return {code: texts.get(code, fallback) for code in LABEL_LANGUAGES}


def line_of(name: str, dotted: str) -> int | None:
    """1-based line at which scenario `name`'s file sets `dotted` (None if it does not)."""
    text = scenario_path(name).read_text(encoding="utf-8")
    return _line(yaml.compose(text, Loader=yaml.SafeLoader), dotted)


def _line(node: Any, path: str) -> int | None:
    """1-based line of a dotted path (`resources.budget`, `trajectory.waypoints[1]`) in a YAML
    node tree; the deepest part of the path that exists, or None."""
    line = None
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if isinstance(node, yaml.MappingNode):
            found = [v for k, v in node.value if getattr(k, "value", None) == part]
            if not found:
                break
            node = found[0]
        elif isinstance(node, yaml.SequenceNode) and part.startswith("["):
            index = int(part[1:-1])
            if index >= len(node.value):
                break
            node = node.value[index]
        else:
            break
        line = node.start_mark.line + 1
    return line


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
    """A validated ModelConfig: `base` model fields (city, resources…) with the scenario on top.

    The Python spelling of the command line's `scenario=NAME` / `scenarios=[NAME, ...]`:
    `build("combined_more_staff")` is the default city under that scenario file.

    Args:
        name: a scenario file: the name of one in sim/configs/scenario/ (`phased`,
            `combined_more_staff`, `status_quo`, …) or a path to a `.yaml` file of your own.
        base: nested model fields the scenario goes on top of (`{"city": {"citizens": 1000}}`),
            as a city or resource level does on the command line; the scenario's own values win.

    Raises:
        sim.ConfigError: unknown scenario (with a "did you mean"), or a bad value in the file.
    """
    return ModelConfig.from_dict(merge(base or {}, load(name)))


def with_resources(level: str, **changes: Any) -> ModelConfig:
    """The default model under a named resource level, with optional dotted-path changes."""
    data = merge(ModelConfig().to_dict(), {"resources": resource_level(level)})
    return ModelConfig.from_dict(data).replace(**changes)
