"""The command line read before Hydra sees it: flags, keys and group options, checked in words.

Hydra parses the command line itself and its own messages mislead (a typo gets the advice
"To append to your config use +replicatons=3", which then silently does nothing). So every
argument is checked here first against what govsim knows: the flags, the job's settings
(sim.runs.settings), the model fields (`model.<section>.<field>`), the short forms
(`resources.staff_hours`), the config groups and their files, an experiment's `study.*` keys.
An unknown key is refused with the closest known one ("did you mean …"); `+key` may only add
an experiment; `~key` is refused; a sweep without --multirun is refused. Hydra's own keys
(`hydra.*`, `hydra/launcher=…`) are left to Hydra, whose errors are rewritten (sim.cli.errors).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

import yaml

from sim.core.config import ConfigError, ModelConfig, flatten
from sim.runs import commune, presets, settings
from sim.runs.jobspec import SHORTCUTS
from sim.runs.presets import suggestion

# Hydra's flags: name -> (short name, number of values it takes: 0, 1, or -1 = optional).
FLAGS = {
    "--multirun": ("-m", 0),
    "--run": ("-r", 0),
    "--help": ("-h", 0),
    "--hydra-help": (None, 0),
    "--version": (None, 0),
    "--cfg": ("-c", 1),
    "--resolve": (None, 0),
    "--package": ("-p", 1),
    "--info": ("-i", -1),
    "--config-path": ("-cp", 1),
    "--config-name": ("-cn", 1),
    "--config-dir": ("-cd", 1),
    "--shell-completion": ("-sc", 0),
}
SHORT_FLAGS = {short: name for name, (short, _) in FLAGS.items() if short}
GROUPS = {"main": ("city", "resources", "scenario", "experiment"), "compare": ("city", "resources")}
COMPARE_SETTINGS = ("scenarios", "replications", "months", "seed", "jobs", "language",
                    "sensitivity_resources", "sensitivity_replications", "switching_replications",
                    "ensemble", "date", "author", "decision", "commune")  # fmt: skip
HELP_TOPICS = ("model",)


class UsageError(ConfigError):
    """A command-line argument that is not KEY=VALUE or a known flag."""

    def __init__(self, argument: str, allowed: str) -> None:
        super().__init__(argument, argument, allowed)
        self.args = (f"'{argument}': {allowed}",)


class UnknownKeyError(ConfigError):
    """A key govsim does not have: named, with the closest one it has."""

    def __init__(self, text: str, key: str, known: Sequence[str], plus: bool = False) -> None:
        super().__init__(key, text, "a known key")
        close = suggestion(key, known)
        if plus:
            message = (f"'{text}': '+' cannot add a key govsim does not have; unknown key "
                       f"'{key}'{close}")  # fmt: skip
        else:
            message = f"unknown key '{key}' in '{text}'{close}"
        self.args = (message + _see_help(),)


@dataclasses.dataclass
class Arguments:
    """A checked command line: Hydra's flags, the overrides (rewritten), what was asked."""

    flags: list[str]
    overrides: list[str]
    multirun: bool = False
    help: str | None = None  # None, "" (the overview) or a topic ("model")

    def argv(self) -> list[str]:
        return [*self.flags, *self.overrides]


def model_keys() -> list[str]:
    """Every model field as a command-line key: model.<section>.<field> (and the sections)."""
    paths = list(flatten(ModelConfig().to_dict()))
    sections = dict.fromkeys(p.split(".")[0] for p in paths if "." in p)
    return [*(f"model.{s}" for s in sections), *(f"model.{p}" for p in paths)]


def short_forms() -> list[str]:
    return [f"{s}.{f.name}" for s, cls in SHORTCUTS.items() for f in dataclasses.fields(cls)]


def known_keys(command: str) -> list[str]:
    """The keys a command accepts (without Hydra's own), for checks and suggestions."""
    top = list(settings.SETTINGS) if command == "main" else list(COMPARE_SETTINGS)
    return [*top, *GROUPS[command], *short_forms(), *model_keys(), "model"]


def parse(command: str, args: Sequence[str]) -> Arguments:
    """Split and check a command line; raises ConfigError/UsageError naming the argument."""
    flags: list[str] = []
    overrides: list[str] = []
    out = Arguments(flags, overrides)
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg.startswith("-") and "=" not in arg.split(" ")[0]:
            name = SHORT_FLAGS.get(arg, arg)
            if name not in FLAGS:
                known = [*FLAGS, *SHORT_FLAGS]
                raise UsageError(arg, "not a govsim option" + suggestion(arg, known) + _see_help())
            flags.append(arg)
            takes = FLAGS[name][1]
            if takes == 1 or (takes == -1 and rest and "=" not in rest[0]):
                if not rest:
                    raise UsageError(arg, "needs a value (see --hydra-help)")
                flags.append(rest.pop(0))
            if name == "--multirun":
                out.multirun = True
            if name == "--help":
                out.help = ""
        elif "=" not in arg and arg.lstrip("~") == arg:
            if out.help is not None and arg in HELP_TOPICS:
                out.help = arg
                continue
            if arg in known_keys(command):
                raise UsageError(arg, f"not KEY=VALUE: write {arg}=VALUE")
            close = suggestion(arg, known_keys(command))
            raise UsageError(arg, "not KEY=VALUE" + close + _see_help())
        else:
            overrides.append(arg)
    if out.help is not None:
        return out
    if command == "compare" and out.multirun:
        raise UsageError("--multirun", "compare runs one comparison: drop --multirun")
    out.overrides = [check(command, o, out.multirun, overrides) for o in overrides]
    if command == "compare":
        out.overrides = with_commune(out.overrides)
    return out


def with_commune(overrides: Sequence[str]) -> list[str]:
    """`commune=X` followed by the model fields its profile converts to (sim/runs/commune.py),
    so that an override written after it still wins, as for any later override; the profile is
    read and checked now, before Hydra and before any run, its errors in its own words."""
    out: list[str] = []
    for text in overrides:
        out.append(text)
        key, _, value = text.lstrip("+").partition("=")
        if key != "commune" or value.lower() in ("", "null", "none"):
            continue
        fields = commune.overrides(commune.load(value.strip("'\"")))
        out += [f"model.{path}={json.dumps(v)}" for path, v in fields.items()]
    return out


def _see_help() -> str:
    return "; --help lists the keys"


def check(command: str, text: str, multirun: bool, everything: Sequence[str]) -> str:
    """One override checked; returns it, possibly rewritten (compare's short forms,
    `experiment=` → `+experiment=`)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    try:
        override = OverridesParser.create().parse_override(text)
    except HydraException as err:
        raise UsageError(text, f"not a valid KEY=VALUE ({err})") from None
    key = override.key_or_group
    if key == "hydra" or key.startswith(("hydra.", "hydra/")):
        return text  # Hydra's own: Hydra checks them
    if override.is_delete():
        raise UsageError(text, "removing a key is not supported: set it to the value you want")
    values = _values(override)
    if override.is_sweep_override() and not multirun:
        raise UsageError(
            text, "several values make a sweep: add --multirun (a list for one job is "
            f"written {key}=[a,b])",
        )  # fmt: skip
    if key in GROUPS[command]:
        return _check_group(command, key, text, override, values, multirun)
    known = known_keys(command)
    if key.startswith("study.") and command == "main":
        _check_study(key, everything)
    elif key not in known:
        raise UnknownKeyError(text, key, known, plus=override.is_add())
    elif override.is_add():
        raise UsageError(
            text, f"'+' adds a key that does not exist; {key} exists: write {text.lstrip('+')}"
        )
    elif key == "task":
        raise UsageError(text, "an experiment is chosen with +experiment=NAME")
    _check_values(command, key, values)
    if command == "compare" and key.split(".")[0] in SHORTCUTS:
        return f"model.{text.lstrip('+')}"  # compare's schema has no short forms: spell it out
    return text


def _values(override: Any) -> list[Any]:
    """The values an override sets (several for a sweep; none for a glob)."""
    if override.is_sweep_override():
        if "glob" in str(override.value_type).lower():
            return []
        return list(override.sweep_iterator())
    return [override.value()]


def _check_group(command, key, text, override, values, multirun) -> str:
    """A config group's option must be one of its files."""
    options = presets.names(key)
    if key == "experiment":
        if multirun:
            raise UsageError(text, "an experiment is one job: drop --multirun")
        text = text if text.startswith("+") else f"+{text}"
    elif override.is_add():
        raise UsageError(text, f"{key} is chosen without '+': {text.lstrip('+')}")
    for value in values:
        if value is None and key == "scenario":
            continue
        if value not in options:
            raise ConfigError(key, value, f"one of {options}" + suggestion(value, options))
        if key == "scenario":
            presets.load(value)  # a malformed file fails here, naming file and line
    return text


def _check_values(command: str, key: str, values: list[Any]) -> None:
    """Settings checked now (before Hydra coerces anything); scenario files loaded."""
    for value in values:
        if isinstance(value, str) and value.startswith("${"):
            continue  # an interpolation: checked once resolved
        if key in settings.SETTINGS and (command == "main" or key in COMPARE_SETTINGS):
            settings.check_value(settings.SETTINGS[key], value)
        if key == "scenarios" and isinstance(value, list):
            for name in value:
                presets.load(name)


def _check_study(key: str, everything: Sequence[str]) -> None:
    """`study.X` only with an experiment whose file has a `study.X`."""
    chosen = [o.split("=", 1)[1] for o in everything if o.lstrip("+").startswith("experiment=")]
    if not chosen:
        raise ConfigError(key, None, "only with an experiment (+experiment=NAME)")
    name = chosen[-1]
    if name not in presets.names("experiment"):
        return  # the group check names it
    path = presets.config_dir() / "experiment" / f"{name}.yaml"
    study = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("study") or {}
    field = key.split(".", 1)[1]
    if field.split(".")[0] not in study:
        raise ConfigError(
            key, None, f"one of the study keys of experiment {name}: {sorted(study)}"
            + suggestion(field, list(study)),
        )  # fmt: skip
