"""A comparison's plan: every scenario, seed and resource level validated before any run.

`plan(cfg)` checks the whole comparison (scenario names, every model field, the sensitivity
levels, the switching values' futures, the language) and raises ConfigError naming the field;
`execute` runs it through the one task runner and writes the report. `python -m sim compare`
(sim.cli.compare) is the command around it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig

from sim.core.config import ConfigError, ModelConfig, flatten, plausible_ranges
from sim.report import Written, front, switching, write_report
from sim.report.lang import check_language
from sim.report.study import Study, scenario_note
from sim.runs import commune, presets
from sim.runs.ensemble import Draw
from sim.runs.jobspec import available_cpus, build_configs, job_ensemble, plain_data
from sim.runs.runner import replication_seeds
from sim.runs.tasks import simulate

MIN_SCENARIOS, MAX_SCENARIOS = 2, 5
SENSITIVITY_CAP = 20  # default sensitivity replications: min(replications, SENSITIVITY_CAP)
HIDDEN_OVERRIDES = ("hydra.", "jobs=", "+jobs=")  # not part of the report (paths, CPU count)
NO_ENSEMBLE = ("none", "null")  # ensemble= words for "every parameter at its default"


@dataclass
class Plan:
    """Everything a comparison will run, validated; nothing has run yet."""

    scenarios: list[str]
    configs: dict[str, ModelConfig]
    seeds: list[int]
    resources: str  # name of the main resource level (or 'custom')
    sensitivity: dict[str, dict[str, ModelConfig]]  # level -> scenario -> config
    sensitivity_seeds: list[int]
    settings: dict[str, Any]  # the resolved top-level config (without jobs)
    base_model: dict[str, Any]  # the model section every scenario starts from
    scenario_files: dict[str, dict[str, Any]]  # scenario -> the fields its file sets
    language: str  # the report's language (en, fr)
    ensemble: Draw | None = None  # the parameter set of each replication (ensemble=), or None
    scenario_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # files' `label:`
    commune: dict[str, Any] = field(default_factory=dict)  # commune=: the profile's record
    switching: int = 0  # futures the switching values are searched in (0: not searched)


def without_ensemble(cfg: DictConfig | Mapping[str, Any]) -> DictConfig | Mapping[str, Any]:
    """`ensemble=none` (or null) as the job runner reads it: no ensemble. The comparison draws
    from the shipped calibrated ensemble unless told not to, and `none` is the word a reader
    types (Hydra reads `null` as no value already)."""
    value = plain_data(cfg).get("ensemble")
    if not isinstance(value, str) or value.strip().lower() not in NO_ENSEMBLE:
        return cfg
    if isinstance(cfg, DictConfig):
        cfg = copy.deepcopy(cfg)
        cfg.ensemble = None
        return cfg
    return {**cfg, "ensemble": None}


def ensemble_named(step: Callable[..., Any], *args: Any) -> Any:
    """`step(*args)`, a bad `ensemble=` naming `none` among its choices (the job runner's
    message lists null, the word of the main job, whose default it is)."""
    try:
        return step(*args)
    except ConfigError as err:
        if err.path != "ensemble":
            raise
        raise ConfigError("ensemble", err.value, f"none (chance only), {err.allowed}") from None


def plan(cfg: DictConfig | Mapping[str, Any]) -> Plan:
    """Validate the whole comparison before any run; raises ConfigError naming the field."""
    cfg = without_ensemble(cfg)
    data = plain_data(cfg)
    language = check_language(data.get("language", "en"))
    front.check(data)
    scenarios = data.get("scenarios")
    if isinstance(scenarios, list):
        for name in scenarios:
            presets.load(name)  # an unknown scenario fails here, naming it
    if not isinstance(scenarios, list) or not MIN_SCENARIOS <= len(scenarios) <= MAX_SCENARIOS:
        raise ConfigError("scenarios", scenarios, "a list of two to five scenario file names")
    configs = ensemble_named(build_configs, cfg)  # the command line wins over scenario files
    model = data["model"]
    levels = presets.resource_levels()
    main_level = presets.level_name(model["resources"])
    wanted = data.get("sensitivity_resources")
    if wanted is None:  # every other level: with tight as the base, adequate is checked too
        wanted = [name for name in presets.resource_level_names() if name != main_level]
    if not isinstance(wanted, list):
        raise ConfigError("sensitivity_resources", wanted, f"a list of {sorted(levels)}")
    for name in wanted:
        if name not in levels:
            raise ConfigError("sensitivity_resources", name, f"one of {sorted(levels)}")
    wanted = {*wanted, *neighbours(model["resources"])}  # the levels either side, always
    wanted = [name for name in presets.resource_level_names() if name in wanted]  # by budget
    n_sens = data.get("sensitivity_replications")
    if n_sens is None:
        n_sens = min(int(data["replications"]), SENSITIVITY_CAP)
    if n_sens < 0:
        raise ConfigError("sensitivity_replications", n_sens, "null or an integer >= 0")
    n_switch = switching.futures_searched(data)
    sensitivity: dict[str, dict[str, ModelConfig]] = {}
    if n_sens > 0:
        for level in wanted:
            if level == main_level or level in sensitivity:
                continue
            base = presets.merge(model, {"resources": levels[level]})
            try:
                sensitivity[level] = {n: presets.build(n, base) for n in scenarios}
            except ConfigError as err:
                raise ConfigError(
                    f"model.{err.path}", err.value, f"{err.allowed} (resources={level})"
                ) from None
    settings = {k: v for k, v in data.items() if k not in ("jobs", "model")}
    settings |= {"ensemble": data.get("ensemble") or "none"} | front.plain(data)
    draw = ensemble_named(job_ensemble, cfg, scenarios)
    if draw is not None:  # every (scenario, set) validated now, at every resource level
        for level_configs in (configs, *sensitivity.values()):
            draw.configs(level_configs)
    return Plan(
        scenarios=list(scenarios),
        configs=configs,
        seeds=replication_seeds(int(data["seed"]), int(data["replications"])),
        resources=main_level,
        sensitivity=sensitivity,
        sensitivity_seeds=replication_seeds(int(data["seed"]), int(n_sens)),
        settings=settings,
        base_model=model,
        scenario_files={n: presets.load(n) for n in scenarios},
        scenario_labels={n: presets.label(n) for n in scenarios},
        commune=commune_record(data.get("commune")),
        language=language,
        ensemble=draw,
        switching=n_switch,
    )


def neighbours(resources: Mapping[str, Any]) -> list[str]:
    """The resource levels on either side of the base (by budget), which every resource check
    includes: a condition "with fewer resources, X comes first" needs the next level down.

    A base that is itself a level has its neighbours in the budget order; a custom base has the
    nearest level below and above its budget, and any level of the same budget.
    """
    order = presets.resource_level_names()  # by budget
    levels = presets.resource_levels()
    base = presets.level_name(dict(resources))
    if base in order:
        i = order.index(base)
        return [order[j] for j in (i - 1, i + 1) if 0 <= j < len(order)]
    budget = resources.get("budget", 0)
    below = [n for n in order if levels[n].get("budget", 0) < budget][-1:]
    same = [n for n in order if levels[n].get("budget", 0) == budget]
    above = [n for n in order if levels[n].get("budget", 0) > budget][:1]
    return [*below, *same, *above]


def commune_record(value: Any) -> dict[str, Any]:
    """`commune=`'s profile as scenarios.yaml records it (its model fields reached the model as
    overrides written right after `commune=`: sim.cli.arguments.with_commune); {} for none."""
    if value is None or str(value).strip().lower() in ("", "none", "null"):
        return {}
    return commune.record(commune.load(str(value)))


def outside_plausible(configs: Mapping[str, ModelConfig]) -> dict[str, dict[str, dict[str, Any]]]:
    """Fields some scenario sets outside its plausible range (allowed, so not refused): section
    -> field -> the value (of the first such scenario), the range and the scenarios concerned."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    values = {name: flatten(config.to_dict()) for name, config in configs.items()}
    for path, (low, high) in plausible_ranges().items():
        names = [n for n, v in values.items() if not low <= v[path] <= high]
        if names:
            section, field = path.split(".", 1)
            out.setdefault(section, {})[field] = {
                "value": values[names[0]][path],
                "low": low,
                "high": high,
                "scenarios": names,
            }
    return out


def study_of(
    plan: Plan, runs: pd.DataFrame, command: Sequence[str], found: dict[str, Any] | None = None
) -> Study:
    """The study a report is written from: the plan's choices, the runs they gave and the
    switching values' search (`found`, sim.report.switching)."""
    levels = presets.resource_levels()
    return Study(
        scenarios=list(plan.scenarios),
        resources=plan.resources,
        runs=runs,
        months=int(plan.settings["months"]),
        seeds=list(plan.seeds),
        sensitivity_seeds=list(plan.sensitivity_seeds) if plan.sensitivity else [],
        settings=dict(plan.settings),
        base_model=plan.base_model,
        scenario_files=plan.scenario_files,
        level_files={k: levels[k] for k in plan.sensitivity},
        command=list(command),
        scenario_notes={name: scenario_note(name) for name in plan.scenarios},
        ensemble=plan.ensemble.record() if plan.ensemble is not None else {},
        scenario_labels=dict(plan.scenario_labels),
        outside_plausible=outside_plausible(plan.configs),
        commune=plan.commune,
        switching=dict(found or {}),
    )


def execute(
    cfg: DictConfig | Mapping[str, Any],
    out: str | Path,
    overrides: Sequence[str] = (),
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Written:
    """Validate, run every scenario × replication (and the sensitivity reruns), search the
    switching values in the first futures, write the report.

    `overrides` are the command-line overrides, shown in the report's annex (hydra.* and jobs are
    left out: they do not change a number). Returns the written files and the headline (ranking
    and recommendation) the command prints after them.
    """
    study_plan = plan(cfg)  # raises before anything runs or is written
    data = plain_data(cfg)
    if jobs is None:
        jobs = data.get("jobs") or available_cpus()
    frames = []
    draw = study_plan.ensemble  # replication k: the same set at every level (seeds are a prefix)
    main = simulate(study_plan.configs, study_plan.seeds, jobs, progress, draw)
    main.insert(0, "resources", study_plan.resources)
    frames.append(main)
    for level, configs in study_plan.sensitivity.items():
        if progress:
            progress(
                f"resource sensitivity: {level}, {len(study_plan.sensitivity_seeds)} runs each"
            )
        part = simulate(configs, study_plan.sensitivity_seeds, jobs, progress, draw)
        part.insert(0, "resources", level)
        frames.append(part)
    runs = pd.concat(frames, ignore_index=True)
    found = switching.search(main, study_plan.scenarios, study_plan.configs,
                             study_plan.base_model, study_plan.seeds, draw, study_plan.switching,
                             jobs, progress)  # fmt: skip
    shown = [o for o in overrides if not o.startswith(HIDDEN_OVERRIDES)]
    command = ["python", "-m", "sim", "compare", *shown]
    study = study_of(study_plan, runs, command=command, found=found)
    return write_report(study, Path(out), study_plan.language)
