"""The robustness map (issue #11): its sample, its cases, its indicators, its files, PRIM."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discovery import find_box, rule_text
from sim.core.config import ConfigError, ModelConfig, plausible_ranges
from sim.runs import presets
from sim.studies import robustness as rmap
from sim.studies.experiments import run_experiment


def test_sample_covers_every_plausible_range_once_per_stratum() -> None:
    sets = rmap.sample_sets(40, root=3)
    ranges = plausible_ranges()
    assert list(sets.columns) == ["set", *ranges]
    for path, (low, high) in ranges.items():
        assert sets[path].between(low, high).all(), path
    continuous = [p for p in ranges if sets[p].dtype.kind == "f"]
    for path in continuous:  # Latin hypercube: one value in each of the 40 strata
        low, high = ranges[path]
        strata = np.floor((sets[path] - low) / (high - low) * 40).clip(0, 39)
        assert strata.nunique() == 40, path
    assert sets["parameters.stale_after"].dtype.kind == "i"
    pd.testing.assert_frame_equal(sets, rmap.sample_sets(40, root=3))
    assert not sets.equals(rmap.sample_sets(40, root=4))


def test_tight_is_the_tight_level_at_the_default_point_and_scales_with_the_set() -> None:
    tight = rmap.tight({})
    assert tight == {f"resources.{k}": pytest.approx(float(v))
                     for k, v in presets.resource_level("tight").items()}  # fmt: skip
    doubled = rmap.tight({"resources.staff_hours": 80.0})
    assert doubled["resources.staff_hours"] == pytest.approx(40.0)


def test_each_case_is_its_scenario_with_the_set_and_the_case_on_top() -> None:
    config = rmap.case_config("open_no_coordination", {"parameters.push": 0.7}, {"months": 144})
    assert config.trajectory.kind == "open"
    assert config.parameters.push == 0.7
    assert config.mechanisms.coordination_costs is False
    techno = rmap.case_config("techno_push", {}, {"months": 144})
    assert techno.trajectory.kind == "proactive" and techno.mechanisms.mediation is False


@pytest.fixture(scope="module")
def default_rows() -> list[dict]:
    """The map's indicators at the default parameters, one row per paired seed (5 seeds)."""
    results = rmap.measure((0, {}, tuple(range(5)), "agents", {"months": 144}))
    assert [failure for _, failure in results] == [None] * 5
    return [row for row, _ in results]


def test_indicators_are_the_declared_columns(default_rows) -> None:
    assert [list(r) for r in default_rows] == [["set", "seed", *rmap.INDICATORS]] * 5


def test_at_the_defaults_the_map_agrees_with_the_pattern_tests(default_rows) -> None:
    """P1–P4, P6, P7 and P8's adequate half hold at the defaults (tests/studies/test_patterns.py);
    P5's counterfactual and P8's tight half are the two criteria measured as unmet there."""
    row = rmap.per_set(pd.DataFrame(default_rows), pd.DataFrame({"set": [0]})).iloc[0]
    for pattern in ("P1", "P2", "P3", "P4", "P6", "P7", "P8 adequate only", "P5 plateau only"):
        assert row[pattern], pattern


def test_a_failing_set_is_recorded_and_the_others_are_kept(tmp_path) -> None:
    sets = pd.DataFrame({"set": [0, 1], "resources.budget": [1.0, -5.0]})
    work = rmap.Work((11,), "agents", {"months": 24}, tmp_path / "shards")
    shard = rmap.run_chunk(sets, work, jobs=1)
    rows = pd.read_parquet(shard)
    assert rows["set"].tolist() == [0]
    failed = rmap.failures(tmp_path / "shards")
    assert [f["set"] for f in failed] == [1]
    assert "resources.budget" in failed[0]["error"]
    assert not work.done(sets)  # a chunk with failures is retried on the next run


def test_a_failing_seed_is_recorded_and_the_sets_other_seeds_are_kept(monkeypatch) -> None:
    """A set's runs move together; when they fail, each seed is retried alone."""
    real = rmap.RUNNERS["agents"]

    def fails_on_seed_13(configs, seeds):
        if 13 in seeds:
            raise RuntimeError("seed 13 breaks")
        return real(configs, seeds)

    monkeypatch.setitem(rmap.RUNNERS, "agents", fails_on_seed_13)
    results = rmap.measure((4, {}, (11, 13, 17), "agents", {"months": 24}))
    assert [(row or {}).get("seed") for row, _ in results] == [11, None, 17]
    failure = results[1][1]
    assert failure["set"] == 4 and failure["seed"] == 13 and "seed 13 breaks" in failure["error"]


def test_one_pool_for_every_chunk_writes_the_serial_shards(tmp_path) -> None:
    chunks = rmap.chunks_of(rmap.sample_sets(4, 0), per_chunk=2)
    shards = {}
    for jobs in (1, 2):
        work = rmap.Work((11,), "agents", {"months": 24}, tmp_path / f"jobs{jobs}")
        shards[jobs] = rmap.run_chunks(chunks, work, jobs)
    assert [p.name for p in shards[1]] == [p.name for p in shards[2]]
    for serial, pooled in zip(shards[1], shards[2], strict=True):
        pd.testing.assert_frame_equal(pd.read_parquet(serial), pd.read_parquet(pooled))


def _slow_measure(task):
    """A stand-in for `measure` (workers are forked, so they see it) that leaves a trace."""
    set_id, _, seeds, _, base = task
    time.sleep(0.2)
    (Path(base["traces"]) / f"{set_id}").touch()
    return [({"set": set_id, "seed": seed}, None) for seed in seeds]


def test_an_interrupted_map_stops_without_running_the_queue(tmp_path, monkeypatch) -> None:
    traces = tmp_path / "traces"
    traces.mkdir()
    work = rmap.Work((11,), "agents", {"traces": str(traces)}, tmp_path / "shards")
    chunks = rmap.chunks_of(rmap.sample_sets(12, 0), per_chunk=2)

    def interrupt(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(rmap, "measure", _slow_measure)
    monkeypatch.setattr(rmap, "write_shard", interrupt)
    with pytest.raises(KeyboardInterrupt):
        rmap.run_local(chunks, work, jobs=2)
    # The first chunk's two tasks, those running and those already queued: not all twelve.
    assert 2 <= len(list(traces.iterdir())) <= 8


def _job(tmp_path, name: str, **study) -> dict:
    return {
        "task": "robustness", "seed": 0, "replications": study.get("seeds", 2), "jobs": 2,
        "months": 36, "model": {"months": 36},
        "study": {"samples": 6, "seeds": 2, "model": "agents", "executor": "local", **study},
    }  # fmt: skip


def test_the_experiment_writes_its_files_deterministically_and_resumes(tmp_path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    summary = run_experiment(_job(tmp_path, "a"), first)
    assert list(summary.columns[:4]) == ["pattern", "share", "low", "high"]
    assert set(summary["pattern"]) == set(rmap.PATTERNS)
    files = "sets.parquet seeds.parquet summary.csv boxes.csv discovery.md sobol.csv map.json"
    files += " sobol_precision.csv"
    for file in [*files.split(), "robustness.png", "columns.csv", "provenance.json"]:
        assert (first / file).exists(), file
    sets = pd.read_parquet(first / "sets.parquet")
    assert len(sets) == 6 and sets["seeds_done"].eq(2).all()
    described = set(pd.read_csv(first / "columns.csv")["column"])
    assert set(sets.columns) <= described
    run_experiment(_job(tmp_path, "b"), second)
    for file in ("sets.parquet", "seeds.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(first / file), pd.read_parquet(second / file))
    assert (first / "summary.csv").read_text() == (second / "summary.csv").read_text()
    stamps = {p: p.stat().st_mtime_ns for p in (first / "shards").glob("*.parquet")}
    run_experiment(_job(tmp_path, "a"), first)  # resumed: every shard found, none rewritten
    assert {p: p.stat().st_mtime_ns for p in (first / "shards").glob("*.parquet")} == stamps


@pytest.mark.parametrize(
    ("study", "field"),
    [({"samples": 0}, "study.samples"), ({"seeds": 2.5}, "study.seeds"),
     ({"model": "toy"}, "study.model"), ({"executor": "cloud"}, "study.executor")],
)  # fmt: skip
def test_bad_study_settings_are_refused_before_any_run(tmp_path, study, field) -> None:
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        run_experiment(_job(tmp_path, "x", **study), tmp_path / "x")
    assert not (tmp_path / "x" / "shards").exists()


def test_a_sampled_field_set_for_the_job_is_refused(tmp_path) -> None:
    job = _job(tmp_path, "x")
    job["model"] = {"months": 36, "resources": {"staff_hours": 80.0}}
    with pytest.raises(ConfigError, match=r"resources\.staff_hours"):
        run_experiment(job, tmp_path / "x")


def test_prim_finds_a_known_failing_region() -> None:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.uniform(size=(600, 4)),
                     columns=["resources.staff_hours", "resources.dga_hours", "parameters.push",
                              "parameters.base_reflex"])  # fmt: skip
    fails = (x["resources.staff_hours"] < 0.3) & (x["resources.dga_hours"] < 0.5)
    noisy = fails.to_numpy() ^ (rng.uniform(size=600) < 0.03)
    box = find_box(x, noisy, dict.fromkeys(x.columns, (0.0, 1.0)))
    assert box is not None
    assert set(box.restrictions) == {"resources.staff_hours", "resources.dga_hours"}
    assert box.restrictions["resources.staff_hours"][1] == pytest.approx(0.3, abs=0.05)
    assert box.restrictions["resources.dga_hours"][1] == pytest.approx(0.5, abs=0.1)
    assert box.rule.startswith("staff_hours < 0.") and " and dga_hours < 0." in box.rule
    assert box.density >= 0.8 and box.coverage >= 0.7


def test_prim_takes_an_integer_parameter() -> None:
    """`parameters.stale_after` is an integer: PRIM's midpoint limits (2.5) once raised
    "Invalid value '2.5' for dtype 'int64'" with pandas >= 3 (issue #26)."""
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"parameters.push": rng.uniform(0, 1, 400),
                      "parameters.stale_after": rng.integers(1, 6, 400)})  # fmt: skip
    fails = (x["parameters.push"] > 0.6) & (x["parameters.stale_after"] >= 3)
    box = find_box(
        x, fails.to_numpy(), {"parameters.push": (0, 1), "parameters.stale_after": (1, 5)}
    )
    assert box is not None and x["parameters.stale_after"].dtype.kind == "i"  # x not changed
    assert 2 <= box.restrictions["parameters.stale_after"][0] < 3


def test_prim_reports_no_box_for_noise() -> None:
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.uniform(size=(400, 3)), columns=["a.x", "a.y", "a.z"])
    assert find_box(x, rng.uniform(size=400) < 0.3, dict.fromkeys(x.columns, (0.0, 1.0))) is None


def test_rule_text_reads_both_sides() -> None:
    bounds = {"resources.budget": (0.3, 1.8), "parameters.push": (0.0, 1.0)}
    limits = {"resources.budget": (0.5, 1.2), "parameters.push": (0.6, 1.0)}
    assert rule_text(limits, bounds) == "0.5 < budget < 1.2 and push > 0.6"


def test_the_model_used_by_the_map_is_the_one_validated() -> None:
    assert ModelConfig.from_dict({"months": 144}) == ModelConfig()


def test_every_pattern_of_the_map_is_in_the_data_dictionary() -> None:
    from sim.runs.experiment_columns import MAP_PATTERNS

    assert tuple(rmap.PATTERNS) == MAP_PATTERNS


def test_docking_sets_the_two_models_side_by_side(tmp_path) -> None:
    table = run_experiment({**_job(tmp_path, "d"), "task": "docking"}, tmp_path / "d")
    assert list(table.columns) == ["pattern", "criterion", "agents", "aggregate"]
    assert set(table["pattern"]) == set(rmap.PATTERNS)
    indicators = pd.read_csv(tmp_path / "d" / "indicators.csv")
    assert set(indicators["indicator"]) >= set(rmap.MEDIANS)
