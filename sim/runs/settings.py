"""The job's own settings (the top-level keys of `python -m sim`), checked strictly, in words.

Hydra's typed nodes coerce quietly (`figures=2` becomes true, `chunks=0` was read as 1), so the
schema leaves these keys untyped and this module checks them: each setting has its kind, its
allowed range and one line saying what it does. The same table feeds `python -m sim --help`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from sim.core.config import ConfigError, ModelConfig
from sim.runs import ensemble
from sim.runs.runner import MAX_SEED, SEEDS_ALLOWED

MONTHS_BOUNDS = next(f for f in dataclasses.fields(ModelConfig) if f.name == "months").metadata[
    "bounds"
]
MAX_REPLICATIONS = 1_000_000  # hard: the seeds alone are a list of this length


@dataclasses.dataclass(frozen=True)
class Setting:
    """One top-level key: kind ('int', 'bool', 'list', 'str'), bounds, null allowed, help."""

    name: str
    kind: str
    doc: str
    low: int | None = None
    high: int | None = None
    nullable: bool = False
    internal: bool = False  # hidden from the short help (set by +experiment or for tests)
    words: str = ""  # what is allowed, when the bounds alone would not say why

    def allowed(self) -> str:
        """What the key accepts, in words."""
        if self.words:
            text = self.words
        elif self.kind == "bool":
            text = "true or false"
        elif self.kind == "int":
            if self.high is None:
                text = f"an integer >= {self.low}"
            else:
                high = f"{self.high:,}".replace(",", " ")
                text = f"an integer in [{self.low}, {high}]"
        elif self.kind == "list":
            text = "a list, e.g. [open,phased]"
        else:
            text = "a text value"
        return f"null or {text}" if self.nullable else text


SETTINGS = {
    s.name: s
    for s in (
        Setting("scenarios", "list", "scenario files compared in one job, with paired seeds"),
        Setting(
            "replications", "int", "paired runs per scenario (same seeds in every scenario)",
            1, MAX_REPLICATIONS,
        ),
        Setting("months", "int", "simulated months", *MONTHS_BOUNDS),
        Setting(
            "seed", "int", "root seed; replication k's seed is derived from it", 0, MAX_SEED,
            words=SEEDS_ALLOWED,
        ),
        Setting("jobs", "int", "worker processes; null = every CPU, 1 = serial", 1, None, True),
        Setting(
            "figures", "bool", "PNG figures; null = yes for the main job, no for a sweep",
            nullable=True,
        ),
        Setting("allow_large", "bool", "run a job above the size ceiling (see Limits)"),
        Setting("retry_failed", "bool", "a sweep reruns the runs that failed last time"),
        Setting(
            "design", "str", "a design table (Parquet) swept in chunks (--multirun)", nullable=True
        ),
        Setting(
            "ensemble", "str",
            "calibrated parameter sets (sim/ensembles/NAME or a .parquet): replication k "
            "draws one, the same in every scenario", nullable=True,
        ),
        Setting("chunks", "int", "number of chunks a design is split into", 1, None, True),
        Setting("chunk", "int", "the chunk this job runs: chunk=range(0,N)", 0, None, True),
        Setting(
            "inject_failure", "str",
            "test hook: the run SCENARIO/REPLICATION of a sweep raises on purpose",
            nullable=True, internal=True,
        ),
        Setting("task", "str", "set by +experiment=NAME ('main' otherwise)", internal=True),
    )
}  # fmt: skip


def check_value(setting: Setting, value: Any) -> Any:
    """The value if it is of the setting's kind and in range (integral floats become ints)."""
    if value is None:
        if setting.nullable:
            return None
        raise ConfigError(setting.name, value, setting.allowed())
    ok = True
    if setting.kind == "bool":
        ok = isinstance(value, bool)
    elif setting.kind == "int":
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and setting.low is not None and value < setting.low:
            ok = False
        if ok and setting.high is not None and value > setting.high:
            ok = False
        if ok and value > MAX_SEED:  # every integer is stored as int64
            ok = False
    elif setting.kind == "list":
        ok = isinstance(value, list)
    elif setting.kind == "str":
        ok = isinstance(value, str) and value != ""
    if not ok:
        raise ConfigError(setting.name, value, setting.allowed())
    return value


def _check_ensemble(out: Mapping[str, Any]) -> None:
    """`ensemble=` names an ensemble file and goes with the jobs that draw from it."""
    value = out.get("ensemble")
    if value is None:
        return
    ensemble.resolve(value)
    if out.get("design") is not None:
        raise ConfigError(
            "ensemble", value, "null with design=: a design table sets its own parameters"
        )
    if out.get("task", "main") != "main":
        raise ConfigError(
            "ensemble", value,
            "null in an experiment (+experiment=NAME runs its own parameters); ensemble= is for "
            "the main job, sweeps and compare",
        )  # fmt: skip


def check_settings(data: Mapping[str, Any], multirun: bool | None = None) -> dict[str, Any]:
    """Every top-level key of `data` checked; returns them (ints normalised).

    `multirun` (None = unknown) refuses the keys that only mean something in a sweep.
    """
    out = {}
    for name, setting in SETTINGS.items():
        if name in data:
            out[name] = check_value(setting, data[name])
    scenarios = out.get("scenarios")
    if scenarios is not None:
        if not scenarios:
            raise ConfigError("scenarios", scenarios, "a non-empty list of scenario files")
        if not all(isinstance(n, str) for n in scenarios):
            raise ConfigError("scenarios", scenarios, "a list of scenario file names or paths")
        if len(set(scenarios)) != len(scenarios):
            raise ConfigError("scenarios", scenarios, "each scenario at most once")
    if out.get("design") is None:
        for name in ("chunks", "chunk"):
            if out.get(name) is not None:
                raise ConfigError(name, out[name], "only with design=TABLE.parquet (a sweep)")
    else:
        chunks = out.get("chunks") or 1
        chunk = out.get("chunk") or 0
        if chunk >= chunks:
            raise ConfigError("chunk", chunk, f"an integer in [0, {chunks - 1}] (chunks={chunks})")
    _check_ensemble(out)
    inject = out.get("inject_failure")
    if inject is not None and (inject.count("/") != 1 or not inject.split("/")[1].isdigit()):
        raise ConfigError("inject_failure", inject, "SCENARIO/REPLICATION, e.g. open/1")
    if multirun is False:
        for name in ("design", "inject_failure"):
            if out.get(name) is not None:
                raise ConfigError(name, out[name], "only in a sweep: add --multirun")
        if out.get("retry_failed"):
            raise ConfigError("retry_failed", True, "only in a sweep: add --multirun")
    return out
