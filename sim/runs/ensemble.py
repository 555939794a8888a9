"""Ensembles: calibrated parameter sets a job draws from, one per replication.

An ensemble is a Parquet table in `sim/ensembles/<name>.parquet` (or any path): a column
`parameter_set` (the set's number in the calibration's prior sample, so a set can be traced back
to it) and one column per model parameter, named by its dotted ModelConfig path. Its metadata
(targets, tolerances, acceptance rate, prior sample size, seeds, the command that regenerates it,
wall time) travels twice: in the Parquet schema metadata (key `govsim.ensemble`, JSON), so the
table explains itself when copied alone, and in a sidecar `<name>.yaml` a person can read.
`sim.studies.calibration` writes it; this module reads it, checks it and draws from it.

Why replication k draws from (root seed, k) and nothing else: the draw must be the same in every
scenario, so that replication k is one future (one parameter set, one seed) seen under each
scenario — the pairing every comparison of govsim relies on — and the same whatever the number
of replications or scenarios of the job.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.core.config import ConfigError, ModelConfig, flatten
from sim.runs import presets
from sim.runs.files import atomic_write, file_digest

SET_COLUMN = "parameter_set"
METADATA_KEY = b"govsim.ensemble"
DRAW_STREAM = 1  # SeedSequence child of replication k that draws its set (its seed is (k,))


def folder() -> Path:
    """The shipped ensembles: sim/ensembles, package data beside (not inside) the Hydra configs,
    because any folder in the config path is a Hydra config group and would capture
    `ensemble=NAME` as a group choice."""
    return Path(str(files("sim") / "ensembles"))


def names() -> list[str]:
    """Names of the ensembles shipped in sim/ensembles, sorted."""
    where = folder()
    return sorted(p.stem for p in where.glob("*.parquet")) if where.is_dir() else []


def allowed() -> str:
    """What `ensemble=` accepts, in words (with the shipped names, or how to make one)."""
    shipped = names()
    known = (
        f"one of {shipped}"
        if shipped
        else "none is shipped yet: make one with `python -m sim +experiment=calibration`"
    )
    return f"null, the name of an ensemble in sim/ensembles ({known}) or the path of a .parquet"


def resolve(value: Any) -> Path:
    """The file `ensemble=` names; ConfigError naming `ensemble` otherwise."""
    return presets.shipped_or_path("ensemble", value, folder(), (".parquet",), allowed(), names())


@dataclasses.dataclass(frozen=True, eq=False)
class Ensemble:
    """A checked ensemble file: its table (one row per parameter set) and its metadata."""

    name: str
    path: Path
    digest: str
    table: pd.DataFrame
    metadata: dict[str, Any]

    @property
    def parameters(self) -> list[str]:
        return [c for c in self.table.columns if c != SET_COLUMN]

    @property
    def size(self) -> int:
        return len(self.table)

    def values(self, row: int) -> dict[str, Any]:
        """The parameter values of one row, as plain Python numbers."""
        series = self.table.iloc[int(row)]
        return {c: _plain(series[c]) for c in self.parameters}


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def load(value: str) -> Ensemble:
    """The ensemble `ensemble=` names, checked (once per file version)."""
    path = resolve(value)
    stat = path.stat()
    name = path.stem if value.endswith(".parquet") else value
    return _read(str(path), name, (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=4)
def _read(path: str, name: str, stamp: tuple[int, int]) -> Ensemble:
    del stamp  # part of the cache key only
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises several types for a file that is not Parquet
        kind = f"{type(err).__name__}: {err}"
        raise ConfigError("ensemble", path, f"a Parquet table ({kind})") from None
    raw = (table.schema.metadata or {}).get(METADATA_KEY)
    metadata = json.loads(raw) if raw else {}
    frame = table.to_pandas()
    check_table(frame, f"ensemble {path}")
    return Ensemble(name, Path(path), file_digest(path), frame, metadata)


def check_table(frame: pd.DataFrame, where: str) -> None:
    """ConfigError naming the file and column unless `frame` is a usable ensemble table."""
    if SET_COLUMN not in frame.columns:
        raise ConfigError(where, list(frame.columns), f"a table with a column '{SET_COLUMN}'")
    if frame.empty:
        raise ConfigError(where, 0, "a table with at least one parameter set (row)")
    parameters = [c for c in frame.columns if c != SET_COLUMN]
    if not parameters:
        raise ConfigError(where, list(frame.columns), "at least one dotted model-field column")
    presets.check_model_columns(parameters, where, "an ensemble")
    sets = frame[SET_COLUMN]
    if not pd.api.types.is_integer_dtype(sets) or (sets < 0).any() or sets.duplicated().any():
        raise ConfigError(f"{where}: column '{SET_COLUMN}'", sets.tolist()[:5],
                          "distinct integers >= 0")  # fmt: skip


def draw_rows(root: int, replications: int, size: int) -> list[int]:
    """Row of the ensemble replication k uses, from (root, k) only: a child of replication k's
    SeedSequence (its seed is `replication_seeds`'), so the same k draws the same set whatever
    the number of replications, in every scenario."""
    streams = (
        np.random.SeedSequence(root, spawn_key=(k, DRAW_STREAM)) for k in range(replications)
    )
    return [int(np.random.default_rng(s).integers(size)) for s in streams]


@dataclasses.dataclass(frozen=True, eq=False)
class Draw:
    """The parameter set each replication of a job uses."""

    ensemble: Ensemble
    rows: tuple[int, ...]

    @property
    def sets(self) -> list[int]:
        """`parameter_set` of each replication."""
        column = self.ensemble.table[SET_COLUMN]
        return [int(column.iloc[r]) for r in self.rows]

    def values(self, replication: int) -> dict[str, Any]:
        return self.ensemble.values(self.rows[replication])

    def apply(self, config: ModelConfig, replication: int) -> ModelConfig:
        """`config` with replication k's parameter set on top; ConfigError naming the file,
        the set and the field if the set is not valid with the rest of the configuration."""
        row = self.rows[replication]
        try:
            return config.replace(**self.ensemble.values(row))
        except ConfigError as err:
            set_id = int(self.ensemble.table[SET_COLUMN].iloc[row])
            raise ConfigError(
                f"ensemble {self.ensemble.path}, parameter_set {set_id}: {err.path}",
                err.value,
                err.allowed,
            ) from None

    def configs(self, configs: Mapping[str, ModelConfig]) -> dict[tuple[str, int], ModelConfig]:
        """(scenario, replication) -> its config with its set on top, every one validated
        before any run (each distinct (scenario, set) built once)."""
        built: dict[tuple[str, int], ModelConfig] = {}
        out = {}
        for name, config in configs.items():
            for k, row in enumerate(self.rows):
                if (name, row) not in built:
                    built[name, row] = self.apply(config, k)
                out[name, k] = built[name, row]
        return out

    def record(self) -> dict[str, Any]:
        """What provenance records: which ensemble (name, file, digest) and which sets."""
        return {
            "name": self.ensemble.name,
            "file": str(self.ensemble.path),
            "digest": self.ensemble.digest,
            "size": self.ensemble.size,
            "parameters": self.ensemble.parameters,
            "parameter_sets": self.sets,
        }


def draw(value: str, root: int, replications: int) -> Draw:
    """The ensemble `ensemble=` names and the row each replication of the job draws."""
    ensemble = load(value)
    return Draw(ensemble, tuple(draw_rows(root, replications, ensemble.size)))


# ---- writing -------------------------------------------------------------------------------------
def write(
    table: pd.DataFrame, metadata: Mapping[str, Any], directory: str | Path, name: str
) -> dict[str, Path]:
    """`<name>.parquet` (metadata in its schema) and the readable sidecar `<name>.yaml`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    check_table(table, f"ensemble {name}")
    directory = Path(directory)
    paths = {"parquet": directory / f"{name}.parquet", "yaml": directory / f"{name}.yaml"}
    arrow = pa.Table.from_pandas(table.reset_index(drop=True), preserve_index=False)
    meta = dict(arrow.schema.metadata or {})
    meta[METADATA_KEY] = json.dumps(_jsonable(metadata), sort_keys=True).encode()
    arrow = arrow.replace_schema_metadata(meta)
    atomic_write(paths["parquet"], lambda p: pq.write_table(arrow, p))
    text = sidecar(metadata, table)
    atomic_write(paths["yaml"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths


def sidecar(metadata: Mapping[str, Any], table: pd.DataFrame) -> str:
    """The YAML a person reads: what the ensemble is, then its metadata and parameters."""
    header = (
        "# A calibrated ensemble of govsim parameter sets (sim/runs/ensemble.py).\n"
        "# The sets are in the .parquet of the same name (column parameter_set + dotted model\n"
        "# fields); use it with `python -m sim ensemble=NAME` or\n"
        "# `python -m sim compare ensemble=NAME`.\n"
        "# Regenerate it with the command below; do not edit by hand.\n"
    )
    body = {**_jsonable(metadata), "parameter_sets": len(table),
            "parameters": [c for c in table.columns if c != SET_COLUMN]}  # fmt: skip
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def _jsonable(data: Any) -> Any:
    """Plain data (numpy numbers to Python, NaN to None) that JSON and YAML both hold."""
    if isinstance(data, Mapping):
        return {str(k): _jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    data = _plain(data)
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data


def scenario_notes(draw_: Draw, scenarios: Sequence[str]) -> list[str]:
    """One note per scenario file value an ensemble parameter replaces (never silently)."""
    notes = []
    for name in scenarios:
        flat = flatten(presets.load(name))
        for path in draw_.ensemble.parameters:
            if path in flat:
                notes.append(
                    f"ensemble '{draw_.ensemble.name}' sets {path} per replication over "
                    f"scenario '{name}''s {flat[path]!r}"
                )
    return notes
