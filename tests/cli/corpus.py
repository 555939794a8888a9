"""A corpus of bad inputs: command lines, scenario files, designs, comparisons, output paths.

Each case is a command line that must be refused before any run: a non-zero exit status, no
traceback, the offending key (or file) named in the message, no result written. The test
(tests/cli/test_bad_inputs.py) runs them in-process through `sim.cli.command.run`; run as a
script, this module runs them as subprocesses against any checkout and prints the tally, which
is how the "before" figure of issue #13 was measured on the base commit:

    PYTHONPATH=<checkout> python tests/cli/corpus.py [--jobs 2]
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SMALL = ("replications=1", "months=3", "city=small", "jobs=1", "figures=false")
RESULTS = ("runs.parquet", "summary.csv", "runs.csv", "report.html", "shards")
TRACEBACK = "Traceback (most recent call last)"
WRONG_ADVICE = "To append to your config use +"  # Hydra's advice for a typo, then ignored
TIMEOUT = 90  # seconds a subprocess case may take before it counts as accepted


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input: its arguments, what the message must name, how it is run."""

    name: str
    args: tuple[str, ...]
    names: str  # a regular expression the output must match (the key, value or file)
    mode: str = "main"  # main, multirun, compare, or raw (the case gives its own output path)


def _main(name: str, names: str, *args: str) -> Case:
    return Case(name, (*SMALL, *args), names)


def _compare(name: str, names: str, *args: str) -> Case:
    return Case(
        name, ("replications=2", "months=3", "city=small", "jobs=1", *args), names, "compare"
    )


def _design(name: str, names: str, *args: str) -> Case:
    return Case(name, ("months=3", "city=small", *args), names, "multirun")


def materialise(root: Path) -> None:
    """The files the cases name: scenario files, design tables, obstacles in output paths."""
    files = {
        "empty.yaml": "",
        "broken.yaml": "trajectory:\n  kind: [open\n",
        "bad.yaml": "trajectory:\n  kind: open\nresources:\n  budget: -1\n",
        "typo.yaml": "trajectory:\n  kind: open\nresources:\n  staf_hours: 20\n",
        "nokind.yaml": "resources:\n  staff_hours: 20\n",
        "typo_nokind.yaml": "staf_hours: 30\n",  # misspelt, misplaced, and no kind
        "months.yaml": "months: 60\ntrajectory:\n  kind: open\n",
        "list.yaml": "- 1\n- 2\n",
        "waypoint.yaml": "trajectory:\n  kind: custom\n  waypoints:\n    - [0, 0.5, 0.5]\n"
        "    - [10, 1.5, 0.5]\n",
        "badkind.yaml": "trajectory:\n  kind: utopian\n",
        "forced.yaml": "trajectory:\n  kind: open\nmechanisms:\n  forced_partners: 300\n",
        "notyaml.parquet": "point,scenario\n0,open\n",
        "afile": "a file where a folder should be\n",
    }
    for name, text in files.items():
        (root / name).write_text(text)
    good = {
        "point": [0, 0, 1, 1],
        "scenario": ["open"] * 4,
        "replication": [0, 1, 0, 1],
        "seed": [11, 12, 11, 12],
        "parameters.push": [0.0, 0.0, 1.0, 1.0],
    }
    designs = {
        "nopoint": {k: v for k, v in good.items() if k != "point"},
        "negseed": {**good, "seed": [11, -12, 11, 12]},
        "nanseed": {**good, "seed": [11.0, np.nan, 11.0, 12.0]},
        "badcolumn": {
            **{k: v for k, v in good.items() if k != "parameters.push"},
            "parameters.pusj": [0.0] * 4,
        },
        "badvalue": {**good, "parameters.push": [0.0, 0.0, 1.5, 1.5]},
        "duplicate": {**good, "point": [0, 0, 0, 0], "replication": [0, 1, 0, 1]},
        "utopia": {**good, "scenario": ["open", "open", "utopia", "utopia"]},
        "fine": good,
    }
    for name, columns in designs.items():
        pd.DataFrame(columns).to_parquet(root / f"{name}.parquet", index=False)
    clash = root / "clash"
    (clash / "runs.parquet").mkdir(parents=True)
    (root / "sweepclash" / "runs.parquet").mkdir(parents=True)


def cases(root: Path) -> list[Case]:
    """Every bad input; `root` holds the files of `materialise`."""
    r = str(root)
    return [
        # ---- the main job's command line ----
        _main("typo key", "replicatons.*replications", "replicatons=3"),
        _main("plus typo key", "replicatons.*replications", "+replicatons=3"),
        _main("plus unknown key", "'foo'", "+foo=bar"),
        _main("typo model field", "staf_hours", "model.resources.staf_hours=3"),
        _main("plus typo model field", "staf_hours", "+model.resources.staf_hours=3"),
        _main("typo short form", "staf_hours", "resources.staf_hours=3"),
        _main(
            "negative staff hours",
            r"model\.resources\.staff_hours",
            "model.resources.staff_hours=-5",
        ),
        _main("negative short form", r"resources\.staff_hours", "resources.staff_hours=-5"),
        _main("unknown scenario in list", "utopia", "scenarios=[open,utopia]"),
        _main("zero months", "'months'", "months=0"),
        _main("months not a number", "'months'", "months=abc"),
        _main("zero replications", "'replications'", "replications=0"),
        _main("replications not a number", "'replications'", "replications=abc"),
        _main("a billion replications", "'replications'", "replications=1000000000"),
        _main("fractional replications", "'replications'", "replications=3.5"),
        _main("negative seed", "'seed'", "seed=-1"),
        _main("fractional seed", "'seed'", "seed=1.5"),
        # 2**70: SeedSequence takes it, the tables' int64 seed column cannot; the message says so
        _main("seed beyond 64 bits", r"'seed'.*\[0, 2\*\*63 - 1\].*64-bit", f"seed={2**70}"),
        _main("zero jobs", "'jobs'", "jobs=0"),
        _main("figures not a bool", "'figures'", "figures=2"),
        _main("mediation short form 2", "mediation", "mechanisms.mediation=2"),
        _main("mediation field 2", "mediation", "model.mechanisms.mediation=2"),
        _main("unknown trajectory kind", r"trajectory\.kind", "model.trajectory.kind=nope"),
        _main(
            "kind against the scenario",
            r"trajectory\.kind",
            "scenarios=[phased]",
            "model.trajectory.kind=open",
        ),
        _main("months twice", r"model\.months", "months=12", "model.months=10"),
        _main("unknown city", "huge", "city=huge"),
        _main("unknown resources", "lavish", "resources=lavish"),
        _main("unknown scenario group", "utopia", "scenario=utopia"),
        _main("unknown experiment", "p9", "+experiment=p9"),
        _main("inject without multirun", "inject_failure", "inject_failure=open/0"),
        _main("design without multirun", "design", f"design={r}/fine.parquet"),
        _main("chunks zero", "chunks", "chunks=0"),
        _main("chunks without design", "chunks", "chunks=2"),
        _main("sweep without multirun", "scenario", "scenario=open,phased"),
        _main("scenario and scenarios", "scenario", "scenario=open", "scenarios=[open]"),
        _main("a scenario twice", "scenarios", "scenarios=[open,open]"),
        _main("no scenario", "scenarios", "scenarios=[]"),
        _main("scenarios not a list", "scenarios", "scenarios=open"),
        _main(
            "waypoint out of the square",
            "waypoints",
            "scenarios=[custom_example]",
            "model.trajectory.waypoints=[[0,2,0]]",
        ),
        _main("more DGAs than departments", "dgas", "model.city.dgas=20"),
        _main("delete a key", "months", "~months"),
        _main("unknown flag", "--multirn.*--multirun", "--multirn"),
        _main("not key=value", "'months'", "months"),
        _main(
            "short form and field disagree",
            "staff_hours",
            "resources.staff_hours=20",
            "model.resources.staff_hours=30",
        ),
        _main("push not a number", "push", "model.parameters.push=abc"),
        _main(  # a former module constant: named, with its allowed range, like any field
            "open ramp of zero", r"parameters\.open_ramp.*\[0\.01, 1\.0\]", "parameters.open_ramp=0"
        ),
        _main("too few citizens", "citizens", "city.citizens=5"),
        _main("unknown weights", "weights", "model.weights=pink"),
        _main("study key without experiment", r"study\.grid", "study.grid=3"),
        _main("typo study key", "gird", "+experiment=phase", "study.gird=3"),
        _main("allow_large not a bool", "allow_large", "allow_large=maybe"),
        _main("retry without multirun", "retry_failed", "retry_failed=true"),
        _main("unknown launcher", "jobllib", "hydra/launcher=jobllib"),
        _main("task by hand", "task", "task=p1"),
        _main("too many forced partners", "forced_partners", "mechanisms.forced_partners=400"),
        _main("plus on a group", "city", "+city=small"),
        _main("a section set to a number", "resources", "model.resources=5"),
        # ---- scenario files ----
        _main("empty scenario file", "empty.yaml", f"scenarios=[{r}/empty.yaml]"),
        _main("malformed scenario file", r"broken\.yaml.*line", f"scenarios=[{r}/broken.yaml]"),
        _main(
            "bad value in scenario file", r"bad\.yaml, line 4.*budget", f"scenarios=[{r}/bad.yaml]"
        ),
        _main(
            "typo in scenario file",
            r"typo\.yaml, line 4: unknown key 'resources\.staf_hours' \(did you mean "
            r"'resources\.staff_hours'\?\)",
            f"scenarios=[{r}/typo.yaml]",
        ),
        _main(  # the typo is named, not the missing kind it also causes
            "typo in scenario file without kind",
            r"typo_nokind\.yaml, line 1: unknown key 'staf_hours' \(did you mean "
            r"'resources\.staff_hours'\?\)",
            f"scenarios=[{r}/typo_nokind.yaml]",
        ),
        _main("scenario file without kind", "nokind.yaml", f"scenarios=[{r}/nokind.yaml]"),
        _main("scenario file sets months", "months.yaml", f"scenarios=[{r}/months.yaml]"),
        _main("scenario file is a list", "list.yaml", f"scenarios=[{r}/list.yaml]"),
        _main(
            "scenario waypoint out of range",
            r"waypoint\.yaml.*line 5",
            f"scenarios=[{r}/waypoint.yaml]",
        ),
        _main("scenario file unknown kind", "badkind.yaml", f"scenarios=[{r}/badkind.yaml]"),
        _main("missing scenario file", "missing.yaml", f"scenarios=[{r}/missing.yaml]"),
        _main(
            "scenario file clashes with the city",
            r"forced\.yaml.*forced_partners",
            f"scenarios=[{r}/forced.yaml]",
        ),
        # ---- designs (sweeps) ----
        _design("design without point", "missing.*point", f"design={r}/nopoint.parquet"),
        _design("design negative seed", "seed", f"design={r}/negseed.parquet"),
        _design("design NaN seed", "seed", f"design={r}/nanseed.parquet"),
        _design("design unknown column", "pusj", f"design={r}/badcolumn.parquet"),
        _design("design not Parquet", "notyaml.parquet", f"design={r}/notyaml.parquet"),
        _design("design missing", "design", f"design={r}/nowhere.parquet"),
        _design("design value out of range", "push", f"design={r}/badvalue.parquet"),
        _design("design duplicate rows", "rows", f"design={r}/duplicate.parquet"),
        _design(
            "design unknown scenario",
            r"utopia\.parquet, row 2.*utopia",
            f"design={r}/utopia.parquet",
        ),
        _design(
            "design chunk out of range", "chunk", f"design={r}/fine.parquet", "chunks=2", "chunk=5"
        ),
        _design("sweep with a bad value", r"resources\.staff_hours", "resources.staff_hours=20,-3"),
        _design("sweep with a typo", "staf_hours", "resources.staf_hours=20,30"),
        # ---- the comparison ----
        _compare("compare short form out of range", r"resources\.budget", "resources.budget=-1"),
        _compare("compare one option", "scenarios", "scenarios=[phased]"),
        _compare("compare unknown option", "utopia", "scenarios=[phased,utopia]"),
        _compare("compare unknown level", "lavish", "sensitivity_resources=[tight,lavish]"),
        _compare("compare typo key", "replicatons", "replicatons=3"),
        _compare("compare plus unknown", "'foo'", "+foo=1"),
        _compare("compare zero months", "months", "months=0"),
        _compare("compare unknown field", "bogus", "model.parameters.bogus=1"),
        _compare("compare mediation 2", "mediation", "mechanisms.mediation=2"),
        _compare("compare multirun", "multirun", "--multirun"),
        _compare(
            "compare negative sensitivity",
            "sensitivity_replications",
            "sensitivity_replications=-1",
        ),
        _compare("compare bad scenario file", "bad.yaml", f"scenarios=[phased,{r}/bad.yaml]"),
        # ---- output paths ----
        Case("output is a file", (*SMALL, f"hydra.run.dir={r}/afile"), "afile", "raw"),
        Case("output under a file", (*SMALL, f"hydra.run.dir={r}/afile/sub"), "afile", "raw"),
        Case("output under /proc", (*SMALL, "hydra.run.dir=/proc/govsim-out"), "/proc", "raw"),
        Case("output under /sys", (*SMALL, "hydra.run.dir=/sys/govsim-out"), "/sys", "raw"),
        Case(
            "runs.parquet is a folder", (*SMALL, f"hydra.run.dir={r}/clash"), "runs.parquet", "raw"
        ),
        Case(
            "sweep folder is a file",
            ("--multirun", *SMALL, "scenario=open,phased", f"hydra.sweep.dir={r}/afile"),
            "afile",
            "raw",
        ),
        Case(
            "sweep runs.parquet is a folder",
            ("--multirun", *SMALL, "scenario=open,phased", f"hydra.sweep.dir={r}/sweepclash"),
            "runs.parquet",
            "raw",
        ),
        Case(
            "compare output under /proc",
            ("compare", "replications=2", "months=3", "hydra.run.dir=/proc/govsim-compare"),
            "/proc",
            "raw",
        ),
    ]


def argv(case: Case, out: Path) -> list[str]:
    """The full argument list of a case, writing into `out`."""
    if case.mode == "raw":
        return list(case.args)
    if case.mode == "compare":
        return ["compare", *case.args, f"hydra.run.dir={out}"]
    if case.mode == "multirun":
        return ["--multirun", *case.args, f"hydra.sweep.dir={out}"]
    return [*case.args, f"hydra.run.dir={out}"]


def verdict(case: Case, status: int, output: str, out: Path) -> str:
    """'refused' (all four checks hold), or what went wrong first."""
    if TRACEBACK in output:
        return "traceback"
    if status == 0:
        return "accepted"
    written = [n for n in RESULTS if (out / n).exists()] if out.is_dir() else []
    if written:
        return f"wrote {written}"
    if not re.search(case.names, output, re.S) or WRONG_ADVICE in output:
        return "poor message"
    return "refused"


def _subprocess(case: Case, root: Path, index: int) -> tuple[str, str]:
    out = root / "out" / f"case{index}"
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sim", *argv(case, out)],
            capture_output=True,
            text=True,
            cwd=root,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:  # e.g. a billion replications accepted: memory grows
        return "accepted (still running: killed)", f"killed after {TIMEOUT} s"
    output = proc.stdout + proc.stderr
    return verdict(case, proc.returncode, output, out), output


def main() -> int:
    """Run the corpus as subprocesses (the sim on PYTHONPATH) and print the tally."""
    import collections
    import tempfile
    from concurrent.futures import ThreadPoolExecutor

    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 2
    root = Path(tempfile.mkdtemp(prefix="govsim-corpus-"))
    materialise(root)
    corpus = cases(root)
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda ic: _subprocess(ic[1], root, ic[0]), enumerate(corpus)))
    tally = collections.Counter(v.split(" ")[0] for v, _ in results)
    for case, (v, output) in zip(corpus, results, strict=True):
        last = [ln for ln in output.strip().splitlines() if ln.strip()][-1:] or [""]
        print(f"{v:<14} {case.name:<40} {last[0][:150]}")
    print(dict(tally), f"of {len(corpus)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
