"""Calibration by rejection ABC over the robustness map's prior sample, and the ensemble it ships.

    python -m sim +experiment=calibration study.samples=N study.seeds=K     # map, then calibrate
    python -m sim +experiment=calibration study.sets=results/robustness/sets.parquet

The prior is the plausible ranges of the configuration (`sim.core.config.plausible_ranges`, the
one source SALib also reads), sampled by `sim.studies.robustness.map_sets` (a Latin hypercube,
each set run over K paired seeds, one row per set with its pattern outcomes P1–P8 and its
calibration statistics). A set is **accepted** when every pattern required holds and every
statistic lies in its target's interval (scaled by `tolerance`); the accepted sets are a sample
of the approximate posterior. Why rejection over that shared sample rather than ABC-SMC
(`pyabc`): a particle costs about eight model runs × K seeds, so the map already paid for is
the budget; the targets are intervals from the literature, not point observations, so interval
tolerances are the natural fit and there is no tolerance schedule to tune; and pyabc would pull
dask, distributed, redis and SQLAlchemy into the dependencies.

Outputs: `constraints.csv` (each target and pattern, its source and how often the prior meets
it), `posterior.csv` (per parameter: prior range, posterior 5–95%, ratio of widths,
constrained or not), `accepted.csv` (the accepted sets and their distances), `marginals.png`,
`pairs.png` into results/calibration/; and the ensemble `<name>.parquet` + `<name>.yaml`
(`sim.runs.ensemble`) that `ensemble=NAME` draws from. The patterns used here are used for
calibration: for the ensemble they no longer count as validation (MODEL.md §7).
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.config import ConfigError, plausible_ranges
from sim.runs import ensemble
from sim.runs.provenance import environment
from sim.studies.context import Context, experiment, figure, write_table
from sim.studies.robustness import PATTERNS as MAP_PATTERNS
from sim.studies.robustness import map_sets


@dataclasses.dataclass(frozen=True)
class Target:
    """A calibration target: a statistic of the per-set table and the interval it must lie in."""

    name: str
    statistic: str  # column of the robustness map's per-set table
    low: float
    high: float
    centre: float  # the reported central value (distances are measured from it)
    unit: str
    source: str

    def distance(self, value: float) -> float:
        """0 at the centre, 1 at either end of the interval (each side scaled on its own, so an
        off-centre median like participation's 4% in 2–8% keeps the interval's ends at 1)."""
        if not math.isfinite(value):
            return math.inf
        span = self.high - self.centre if value >= self.centre else self.centre - self.low
        return abs(value - self.centre) / span


TARGETS = (
    Target(
        "participation", "participation_year", 0.02, 0.08, 0.04, "share of residents a year",
        "participatory-budget turnout, median about 4% of residents a year, 2-8% (e.g. Paris about "
        "7% at its 2019 peak; the Portuguese national participatory budget); MODEL.md §7, "
        "docs/ODD.md §8.2. Model: open, share who took part in the last 12 months, months 25-144",
    ),
    Target(
        "illectronism_decline", "illectronism_decline", 0.5, 1.5, 1.0, "points a year",
        "illectronism in France 17% of adults in 2019, 15.4% in 2021, falling about a point a year "
        "with mediation (INSEE 2019, 2023); MODEL.md §7. Model: open, month 1 to the last",
    ),
    Target(
        "stale_share", "stale_share", 0.10, 0.40, 0.25, "share [0, 1]",
        "a mature open-data portal's stale share 10-40% (an assumption from portal audits, not a "
        "measurement); MODEL.md §7. Model: open, mean over the last 12 months",
    ),
    Target(
        "participation_inequality", "top1_share", 0.50, 1.00, 0.90, "share [0, 1]",
        "90-9-1: in online communities the most active 1% of the audience make most of the "
        "contributions, about 90% (Nielsen 2006); here every resident is the audience and the "
        "interval asks for at least half. Model: open, last 12 months' contributions, month 144",
    ),
)  # fmt: skip
# Known but not a column of the per-set table: why it does not constrain the ensemble.
STRUCTURAL: dict[str, str] = {}
# The patterns as the source observes them (MODEL.md §7): P5 is required as a plateau, not with
# its counterfactual. That coordination costs cause it is a claim about the model's mechanism,
# tested by removing them (tests/studies/test_patterns.py); it is not an observation a parameter
# set could be calibrated to. P8 is required with adequate resources only: revision 3 replaced
# its tight half (20 h) by a staff-hour boundary the map does not locate per set
# (`+experiment=boundary`), and 20 h lies above that boundary at the defaults.
PATTERNS = ("P1", "P2", "P3", "P4", "P5 plateau only", "P6", "P7", "P8 adequate only")
CONSTRAINED_BELOW = 0.75  # posterior 90% width / prior 90% width under this: "constrained"
SITUATION = ("resources",)  # the user's own inputs: calibrated over, not shipped in the ensemble
MAP_DIR = "results/robustness"  # where `+experiment=robustness` writes by default (its shards)
PAIRS_TOP = 4  # parameters in the pairwise figure (the most constrained)


# ---- acceptance ----------------------------------------------------------------------------------
def parameter_columns(sets: pd.DataFrame) -> list[str]:
    """The sampled parameters: the dotted ModelConfig paths among the columns."""
    return [c for c in sets.columns if "." in c]


def check_sets(sets: pd.DataFrame, targets: Sequence[Target], patterns: Sequence[str]) -> None:
    """ValueError naming the missing columns, before any work."""
    wanted = ["set", *(t.statistic for t in targets), *patterns]
    missing = [c for c in wanted if c not in sets.columns]
    if missing:
        raise ValueError(f"per-set table: missing columns {missing} (has {list(sets.columns)})")
    if not parameter_columns(sets):
        raise ValueError("per-set table: no parameter column (dotted paths, e.g. parameters.push)")
    if sets["set"].duplicated().any():
        raise ValueError("per-set table: column 'set' has repeated values")


def distances(sets: pd.DataFrame, targets: Sequence[Target] = TARGETS) -> pd.DataFrame:
    """Per set: each target's normalised distance and `distance`, the largest (the ABC
    distance: a set is within every interval exactly when `distance` <= 1)."""
    out = pd.DataFrame(index=sets.index)
    for t in targets:
        out[f"distance_{t.name}"] = [t.distance(float(v)) for v in sets[t.statistic]]
    out["distance"] = out.max(axis=1) if len(targets) else 0.0
    return out


def patterns_hold(sets: pd.DataFrame, patterns: Sequence[str] = PATTERNS) -> pd.Series:
    """Per set: every required pattern holds (a missing outcome counts as not holding)."""
    if not patterns:
        return pd.Series(True, index=sets.index)
    return sets[list(patterns)].fillna(False).astype(bool).all(axis=1)


def accept(
    sets: pd.DataFrame,
    targets: Sequence[Target] = TARGETS,
    patterns: Sequence[str] = PATTERNS,
    tolerance: float = 1.0,
) -> pd.DataFrame:
    """The accepted sets (rows of `sets`, in order: set, parameters, patterns, statistics) with
    their distances: every pattern required holds and every target's distance is at most
    `tolerance` (1 = the published intervals)."""
    check_sets(sets, targets, patterns)
    if not (isinstance(tolerance, int | float) and 0 < tolerance < math.inf):
        raise ValueError(f"tolerance: got {tolerance!r}; allowed: a number > 0 (1 = the intervals)")
    d = distances(sets, targets)
    shown = ["set", *parameter_columns(sets), *(p for p in MAP_PATTERNS if p in sets.columns),
             *dict.fromkeys(t.statistic for t in targets)]  # fmt: skip
    table = pd.concat([sets[shown], d], axis=1)
    keep = patterns_hold(sets, patterns) & (table["distance"] <= tolerance)
    return table[keep].reset_index(drop=True)


def acceptance_rate(sets: pd.DataFrame, accepted: pd.DataFrame) -> float:
    return len(accepted) / len(sets) if len(sets) else math.nan


def constraints_table(
    sets: pd.DataFrame, targets: Sequence[Target], patterns: Sequence[str], tolerance: float
) -> pd.DataFrame:
    """Each constraint, its source, and the share of the prior sample meeting it (which one
    rejects most is the first question when few sets pass)."""
    rows = []
    d = distances(sets, targets)
    for t in targets:
        values = sets[t.statistic].astype(float)
        rows.append({
            "constraint": t.name, "statistic": t.statistic, "low": t.low, "high": t.high,
            "centre": t.centre, "unit": t.unit, "source": t.source,
            "prior_median": float(values.median()),
            "share_prior": float((d[f"distance_{t.name}"] <= tolerance).mean()),
        })  # fmt: skip
    for p in patterns:
        rows.append({
            "constraint": p, "statistic": p, "low": None, "high": None, "centre": None,
            "unit": "true/false", "source": "pattern required to hold (MODEL.md §7)",
            "prior_median": None,
            "share_prior": float(sets[p].fillna(False).astype(bool).mean()),
        })  # fmt: skip
    return pd.DataFrame(rows)


def posterior_summary(
    sets: pd.DataFrame, accepted: pd.DataFrame, ranges: Mapping[str, tuple[float, float]]
) -> pd.DataFrame:
    """Per parameter: prior range, prior and posterior 5–95%, the ratio of the 90% widths, and
    `constrained` when the posterior's is under CONSTRAINED_BELOW of the prior's. The prior's
    width is the sample's own, so integer parameters and a finite sample compare like for like."""
    rows = []
    for p in parameter_columns(sets):
        prior = sets[p].astype(float).to_numpy()
        low, high = ranges.get(p, (float(np.min(prior)), float(np.max(prior))))
        p05, p95 = np.percentile(prior, [5, 95])
        post = accepted[p].astype(float).to_numpy() if len(accepted) else np.array([])
        q05, q50, q95 = np.percentile(post, [5, 50, 95]) if post.size else (math.nan,) * 3
        width = p95 - p05
        ratio = (q95 - q05) / width if width > 0 and post.size else math.nan
        rows.append({
            "parameter": p, "prior_low": float(low), "prior_high": float(high),
            "prior_p05": float(p05), "prior_p95": float(p95), "posterior_p05": float(q05),
            "posterior_median": float(q50), "posterior_p95": float(q95),
            "width_ratio": float(ratio),
            "constrained": bool(math.isfinite(ratio) and ratio < CONSTRAINED_BELOW),
        })  # fmt: skip
    return pd.DataFrame(rows)


# ---- figures -------------------------------------------------------------------------------------
def marginals_figure(sets: pd.DataFrame, accepted: pd.DataFrame, summary: pd.DataFrame):
    """One histogram per parameter, the most narrowed first: the prior sample (grey) and the
    accepted sets (colour)."""
    summary = summary.sort_values("width_ratio", kind="stable")
    names = list(summary["parameter"])
    ncols = min(4, len(names))
    fig, axes = figure(ncols=ncols, nrows=math.ceil(len(names) / ncols), size=(3.6, 2.6))
    flat = axes.ravel()
    for ax, row in zip(flat, summary.itertuples(index=False), strict=False):
        p = row.parameter
        bins = np.linspace(row.prior_low, row.prior_high, 21)
        if bins[0] == bins[-1]:
            bins = 20
        ax.hist(sets[p], bins=bins, density=True, color="0.75", label="prior")
        if len(accepted):
            ax.hist(accepted[p], bins=bins, density=True, alpha=0.7, color="C3", label="accepted")
        mark = " (constrained)" if row.constrained else ""
        ax.set_title(f"{p}\nwidth ratio {row.width_ratio:.2f}{mark}", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in flat[len(names) :]:
        ax.set_visible(False)
    flat[0].legend(fontsize=7)
    rows = math.ceil(len(names) / ncols)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / (2.6 * rows)))  # half an inch for the title
    fig.suptitle(f"prior ({len(sets)} sets) and accepted ({len(accepted)}) marginals, the most "
                 "narrowed first", fontsize=10, y=1 - 0.15 / (2.6 * rows))  # fmt: skip
    return fig


def pairs_figure(sets: pd.DataFrame, accepted: pd.DataFrame, summary: pd.DataFrame, top: int):
    """Pairwise scatter of the `top` most constrained parameters (lowest width ratio)."""
    ranked = summary.sort_values(["width_ratio", "parameter"], na_position="last")
    names = list(ranked["parameter"][: max(2, top)])
    n = len(names)
    fig, axes = figure(ncols=n, nrows=n, size=(2.4, 2.4))
    for i, y in enumerate(names):
        for j, x in enumerate(names):
            ax = axes[i, j]
            if i == j:  # densities on shared bins: the shapes compare, not the counts
                bins = np.histogram_bin_edges(sets[x], bins=20)
                ax.hist(sets[x], bins=bins, density=True, color="0.75")
                ax.hist(accepted[x], bins=bins, density=True, color="C3", alpha=0.7)
            elif i > j:
                ax.scatter(sets[x], sets[y], s=3, color="0.75", rasterized=True)
                ax.scatter(accepted[x], accepted[y], s=6, color="C3")
            else:
                ax.set_visible(False)
            if i == n - 1:
                ax.set_xlabel(x, fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(y, fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle("most constrained parameters: prior (grey), accepted (red)", fontsize=10)
    fig.tight_layout()
    return fig


# ---- the whole calibration ----------------------------------------------------------------------
@dataclasses.dataclass
class Calibration:
    """What a calibration found and where it wrote it."""

    accepted: pd.DataFrame
    summary: pd.DataFrame
    constraints: pd.DataFrame
    rate: float
    files: dict[str, Path]


def ensemble_table(accepted: pd.DataFrame, situation: Sequence[str] = SITUATION) -> pd.DataFrame:
    """The ensemble's rows: `parameter_set` (the prior sample's `set`) and every calibrated
    parameter except the situation (resources: what a user's own commune sets, not the model)."""
    keep = [c for c in parameter_columns(accepted) if c.split(".")[0] not in situation]
    table = accepted[["set", *keep]].rename(columns={"set": ensemble.SET_COLUMN})
    return table.astype({ensemble.SET_COLUMN: "int64"})


def calibrate(
    sets: pd.DataFrame,
    out: Path,
    ctx: Context | None = None,
    ensemble_dir: Path | None = None,
    name: str = "default",
    targets: Sequence[Target] = TARGETS,
    patterns: Sequence[str] = PATTERNS,
    tolerance: float = 1.0,
    metadata: Mapping[str, Any] | None = None,
) -> Calibration:
    """Accept, summarise, draw, and write the results and the ensemble (`ensemble_dir`, the
    shipped sim/ensembles by default). Raises ValueError, after writing the diagnostics,
    when no set is accepted (nothing to ship)."""
    accepted = accept(sets, targets, patterns, tolerance)
    summary = posterior_summary(sets, accepted, plausible_ranges())
    constraints = constraints_table(sets, targets, patterns, tolerance)
    rate = acceptance_rate(sets, accepted)
    ctx = ctx or _Writer(out)
    for table, file in ((constraints, "constraints.csv"), (summary, "posterior.csv"),
                        (accepted, "accepted.csv")):  # fmt: skip
        write_table(ctx, table, file)
    files = {f: Path(out) / f for f in ("constraints.csv", "posterior.csv", "accepted.csv")}
    if accepted.empty:
        worst = constraints.sort_values("share_prior").iloc[0]
        raise ValueError(
            f"no parameter set met every constraint (0 of {len(sets)}); the one met least often "
            f"is {worst['constraint']} ({worst['share_prior']:.1%} of the prior sample): see "
            f"{files['constraints.csv']}; a larger sample, study.tolerance or study.patterns"
        )
    for fig, file in ((marginals_figure(sets, accepted, summary), "marginals.png"),
                      (pairs_figure(sets, accepted, summary, PAIRS_TOP), "pairs.png")):  # fmt: skip
        fig.savefig(Path(out) / file, dpi=110)
        files[file] = Path(out) / file
    meta = {
        "name": name,
        "method": "rejection ABC over the prior sample of sim.studies.robustness.map_sets",
        "targets": [dataclasses.asdict(t) for t in targets],
        "tolerance": tolerance,
        "patterns_required": list(patterns),
        "not_used": STRUCTURAL,
        "prior": "plausible ranges of the configuration (sim.core.config.plausible_ranges)",
        "prior_samples": len(sets),
        "accepted": len(accepted),
        "acceptance_rate": rate,
        "constrained": list(summary[summary["constrained"]]["parameter"]),
        "situation_left_out": [c for c in parameter_columns(sets) if c.split(".")[0] in SITUATION],
        **dict(metadata or {}),
    }
    directory = Path(ensemble_dir) if ensemble_dir else ensemble.folder()
    paths = ensemble.write(ensemble_table(accepted), meta, directory, name)
    files |= {f"ensemble.{k}": v for k, v in paths.items()}
    return Calibration(accepted, summary, constraints, rate, files)


class _Writer:
    """The part of a Context `write_table` needs, for a calibration run outside an experiment."""

    def __init__(self, out: Path) -> None:
        self.out, self.tables, self.data = Path(out), {}, {"task": "calibration"}
        self.out.mkdir(parents=True, exist_ok=True)


def _prior_sample(ctx: Context) -> pd.DataFrame:
    """The per-set table: read from `study.sets`, or mapped now (sim.studies.robustness)."""
    given = ctx.study.get("sets")
    if given:
        path = Path(str(given)).expanduser()
        if not path.is_file():
            raise ConfigError("study.sets", given, "the path of an existing per-set .parquet")
        return pd.read_parquet(path)
    samples, seeds = int(ctx.study["samples"]), int(ctx.study["seeds"])
    map_dir = Path(str(ctx.study.get("map_dir") or MAP_DIR))
    return map_sets(samples, seeds, int(ctx.data["seed"]), ctx.jobs, map_dir,
                               base=ctx.base)  # fmt: skip


def _map_record(ctx: Context) -> dict[str, Any]:
    """How long the prior sample took when the robustness map computed it (its map.json), since
    a calibration that resumes from the map's shards takes seconds."""
    folder = Path(str(ctx.study.get("map_dir") or MAP_DIR))
    record = folder / "map.json"
    if ctx.study.get("sets") or not record.is_file():
        return {}
    data = json.loads(record.read_text())
    where = folder.resolve()
    shown = where.relative_to(Path.cwd()) if where.is_relative_to(Path.cwd()) else where
    return {"prior_map": str(shown), "prior_map_record": data}


def command(ctx: Context) -> str:
    """The command that regenerates the ensemble (the study settings that change it)."""
    parts = ["python -m sim +experiment=calibration"]
    for key in ("sets", "samples", "seeds", "tolerance", "patterns", "name"):
        value = ctx.study.get(key)
        if value is not None:
            text = f"[{','.join(map(str, value))}]" if isinstance(value, list) else value
            parts.append(f"study.{key}={text}")
    parts.append(f"seed={ctx.data['seed']}")
    return " ".join(parts)


def _count(ctx: Context, key: str) -> int:
    value = ctx.study.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"study.{key}", value, "an integer >= 1")
    return value


def check_study(ctx: Context) -> tuple[list[str], float, str]:
    """The study settings, each checked before any run: (patterns, tolerance, name)."""
    patterns = ctx.study.get("patterns")
    patterns = list(PATTERNS if patterns is None else patterns)
    unknown = [p for p in patterns if p not in MAP_PATTERNS]
    if unknown:
        raise ConfigError(
            "study.patterns", unknown, f"a list of pattern ids in {list(MAP_PATTERNS)}"
        )
    tolerance = ctx.study.get("tolerance", 1.0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance <= 0:
        raise ConfigError("study.tolerance", tolerance, "a number > 0 (1: as published)")
    name = ctx.study.get("name") or "default"
    if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
        raise ConfigError("study.name", name, "a file name of letters, digits, - and _")
    if not ctx.study.get("sets"):
        _count(ctx, "samples")
        _count(ctx, "seeds")
    return patterns, float(tolerance), name


@experiment("calibration")
def calibration_experiment(ctx: Context) -> pd.DataFrame:
    """`+experiment=calibration`: the prior sample, then `calibrate`; returns posterior.csv.
    The wall time recorded is the prior sample's plus acceptance (figures and files add
    seconds)."""
    start = time.perf_counter()
    patterns, tolerance, name = check_study(ctx)
    sets = _prior_sample(ctx)
    metadata = {
        "seeds": ctx.study.get("seeds"),
        "root_seed": int(ctx.data["seed"]),
        "command": command(ctx),
        "git_revision": environment()["git_revision"],
        "wall_time_s": round(time.perf_counter() - start, 1),
        **_map_record(ctx),
    }
    result = calibrate(sets, ctx.out, ctx, ctx.study.get("ensemble_dir"), name, TARGETS,
                       patterns, tolerance, metadata)  # fmt: skip
    return result.summary
