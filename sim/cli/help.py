"""`python -m sim --help`: the commands, the config groups, the keys with ranges and units.

Generated from what the code knows — the job's settings (sim.runs.settings), the config groups
(the files in sim/configs), the model fields' metadata (bounds, plausible range, unit in
sim.core.config) — so the help cannot drift from what is accepted. `--help model` lists every
model field; Hydra's own help stays available as --hydra-help.
"""

from __future__ import annotations

import dataclasses
import textwrap
import typing
from typing import Any

import yaml

from sim.core.config import SWITCH_RULES, TRAJECTORY_KINDS, WEIGHT_PROFILES, ModelConfig
from sim.report.lang import LANGUAGES
from sim.runs import limits, presets, settings
from sim.runs.jobspec import SHORTCUTS

WIDTH = 100
CHOICES = {
    "weights": WEIGHT_PROFILES,
    "trajectory.kind": TRAJECTORY_KINDS,
    "trajectory.switch_rule": SWITCH_RULES,
}
# The fields shown in the overview (the rest: --help model).
MAIN_FIELDS = (
    "resources.budget", "resources.staff_hours", "resources.dga_hours", "city.citizens",
    "city.departments", "parameters.push", "mechanisms.mediation", "mechanisms.forced_partners",
)  # fmt: skip

COMMANDS = """\
Commands
  python -m sim [KEY=VALUE ...]          the main job: every scenario × paired replications;
                                         writes runs.parquet, summary.csv, columns.csv,
                                         provenance.json and figures into outputs/<date>/<time>/
  python -m sim --multirun KEY=A,B ...   a sweep: one job per combination of values, gathered
                                         into multirun/<sweep>/runs.parquet (rerun to resume)
  python -m sim +experiment=NAME         a named experiment into results/NAME/
  python -m sim compare scenarios=[A,B]  the advisors' comparison report (compare --help)
  python -m sim.app                      the classroom app (http://127.0.0.1:8765)
  python -m sim.runs.sweep gather DIR    rebuild a sweep's tables from its shards"""

FOOTER = f"""\
Exit status
  0 done; 1 internal error (a bug; GOVSIM_DEBUG=1 shows the traceback); 2 refused before any
  run (the message names the key or the file and line); 3 some runs failed (the others are
  written; failures.csv lists them; a sweep retries them with retry_failed=true); 4 runs done
  but results not written (the message says where they were kept); 5 the launcher or cluster
  refused the jobs (its own message; nothing submitted)
Limits
  a job above {limits.MAX_ROWS:,} table rows, {limits.MAX_CPU_HOURS:g} h of computing or 80% of this
  machine's memory needs allow_large=true; the estimate is printed for jobs over a minute
Precedence (lowest first)
  model defaults < city=/resources= levels < the scenario file < values on the command line
  (model.X=, resources.X=, …, months=); each replaced value is printed as a note
More
  python -m sim --help model   every model field with its default, range and unit
  python -m sim --cfg job      the composed configuration;   --hydra-help: Hydra's own flags
  docs/ (the site: mkdocs build): sweeps, precedence, exit statuses, limits, the data dictionary"""


def _fields() -> dict[str, tuple[Any, dict[str, Any]]]:
    """Dotted path -> (default, metadata) for every model field."""
    out: dict[str, tuple[Any, dict[str, Any]]] = {}

    def walk(cls: type, obj: Any, prefix: str) -> None:
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            value = getattr(obj, f.name)
            if dataclasses.is_dataclass(hints[f.name]):
                walk(hints[f.name], value, f"{prefix}{f.name}.")
            else:
                out[f"{prefix}{f.name}"] = (value, dict(f.metadata))

    walk(ModelConfig, ModelConfig(), "")
    return out


def _shown(default: Any) -> Any:
    """A default as the command line spells it: null, true/false, or the value itself."""
    if default is None:
        return "null"
    return str(default).lower() if isinstance(default, bool) else default


def _field_line(path: str, default: Any, meta: dict[str, Any], width: int = 36) -> str:
    shown = _shown(default)
    parts = [repr(shown) if shown == "" else f"{shown}"]
    lo, hi = meta.get("bounds", (None, None))
    if lo is not None or hi is not None:
        parts.append(f"[{lo}, {hi}]")
    if meta.get("unit"):
        parts.append(meta["unit"])
    if meta.get("plausible"):
        a, b = meta["plausible"]
        parts.append(f"plausible {a}–{b}")
    return _wrap(path, "  ".join(str(p) for p in parts), width)


def _defaults(name: str) -> dict[str, Any]:
    return yaml.safe_load((presets.config_dir() / f"{name}.yaml").read_text(encoding="utf-8"))


def _groups(command: str) -> str:
    lines = ["Config groups (NAME=OPTION; the options are files in sim/configs/NAME/)"]
    rows = [
        ("city", "city size (default: default)"),
        ("resources", "resource level (default: adequate)"),
    ]
    if command == "main":
        rows = [("scenario", "one scenario, sweepable (instead of scenarios=[...])"), *rows,
                ("+experiment", "a named experiment")]  # fmt: skip
    for name, what in rows:
        options = ", ".join(presets.names(name.lstrip("+")))
        lines.append(_wrap(name, f"{what}: {options}", 16))
    launchers = "basic (default), joblib (hydra.launcher.n_jobs=N), submitit_local, submitit_slurm"
    lines.append(_wrap("hydra/launcher", launchers, 16))
    return "\n".join(lines)


def _wrap(key: str, text: str, column: int = 28) -> str:
    """`  key   text…` wrapped at WIDTH with the text's lines aligned at `column`."""
    indent = " " * column
    if len(key) + 3 > column:  # a long key gets its own line
        return f"  {key}\n" + textwrap.fill(
            text, WIDTH, initial_indent=indent, subsequent_indent=indent
        )
    first = f"  {key}".ljust(column)
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=indent)


def _settings() -> str:
    defaults = _defaults("config")
    lines = ["Job settings (KEY=VALUE)"]
    for s in settings.SETTINGS.values():
        if s.internal:
            continue
        default = defaults.get(s.name, None if s.nullable else False)
        shown = str(_shown(default)).replace("'", "").replace(" ", "")
        lines.append(_wrap(f"{s.name}={shown}", f"{s.doc}; {s.allowed()}"))
    lines.append(
        textwrap.fill(
            "(internal: inject_failure=SCENARIO/K makes one run of a sweep fail, for tests; "
            "task and study.* are set by +experiment)",
            WIDTH,
            initial_indent="  ",
            subsequent_indent="  ",
        )
    )
    return "\n".join(lines)


def _model(overview: bool) -> str:
    fields = _fields()
    head = ("Model fields (short forms city.X, resources.X, mechanisms.X, parameters.X; any field "
            "as model.SECTION.FIELD): default, allowed range, unit, plausible range")  # fmt: skip
    lines = [textwrap.fill(head, WIDTH)]
    for path, (default, meta) in fields.items():
        if overview and path not in MAIN_FIELDS:
            continue
        section = path.split(".")[0]
        key = path if section in SHORTCUTS or path == "months" else f"model.{path}"
        if path in CHOICES:
            meta = {**meta, "bounds": (None, None), "unit": "one of " + ", ".join(CHOICES[path])}
        lines.append(_field_line(key, default, meta))
    if overview:
        lines.append(f"  … {len(fields) - len(MAIN_FIELDS)} more: python -m sim --help model")
    return "\n".join(lines)


def _compare_settings() -> str:
    defaults = _defaults("compare")
    rows = [
        ("scenarios", "two to five scenario files (names or .yaml paths)"),
        ("replications", "paired simulated futures per option"),
        ("months", f"horizon, in [{settings.MONTHS_BOUNDS[0]}, {settings.MONTHS_BOUNDS[1]}]"),
        ("seed", "root seed, in [0, 2**63 - 1]"),
        ("jobs", "worker processes; null = every CPU"),
        ("sensitivity_resources", "resource levels the options are rerun under; null = all others"),
        ("sensitivity_replications", "their replications; null = min(replications, 20), 0 = none"),
        (
            "switching_replications",
            "futures searched for the staff level and budget at which the advice reverses; "
            "null = min(replications, 12), 0 = no search",
        ),
        (
            "ensemble",
            "calibrated parameter sets (future k draws one, in every option); none = "
            "every parameter at its default, chance only",
        ),
        ("language", f"the brief's language, one of {list(LANGUAGES)}"),
        ("date", "the brief's date, YYYY-MM-DD; null = none (never today's)"),
        ("author", "the service that prepared the brief; null = none"),
        ("decision", "the decision requested of the reader; null = none"),
        ("commune", "a commune profile: example, or the path of a commune.yaml (docs/commune.md)"),
    ]
    lines = ["Settings (KEY=VALUE)"]
    for name, doc in rows:
        shown = str(defaults.get(name)).replace("'", "").replace(" ", "")
        shown = "null" if shown == "None" else shown
        lines.append(_wrap(f"{name}={shown}", doc, 36))
    lines.append(_wrap("allow_large=false", "run above the size ceiling", 36))
    return "\n".join(lines)


def text(command: str, topic: str = "") -> str:
    """The help of `command` ('main' or 'compare'); topic 'model' lists every model field."""
    if topic == "model":
        return _model(overview=False)
    if command == "compare":
        head = ("govsim compare — compares two to five options (scenario files) over paired "
                "simulated futures;\nwrites report.html, report.pdf, runs.csv and summary.csv "
                "into outputs/compare/<date>/<time>/\n  python -m sim compare "
                "scenarios=[phased,combined] resources=adequate replications=50")  # fmt: skip
        return "\n\n".join([head, _groups("compare"), _compare_settings(), _model(True), FOOTER])
    head = ("govsim — an agent-based model of smart-city governance and the public value it "
            "creates and destroys")  # fmt: skip
    return "\n\n".join([head, COMMANDS, _groups("main"), _settings(), _model(True), FOOTER])
