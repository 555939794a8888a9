"""The model used the Mesa way: keyword parameters, a DataCollector, `mesa.batch_run`.

A Mesa user passes model parameters as keywords and reads `model.datacollector`; batch_run and
SolaraViz rebuild the model from those keywords. Dotted model fields are valid `**` keys.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from conftest import SMALL_CITY, small_config

import sim
from sim.core.config import ConfigError
from sim.core.model import GovernanceModel
from sim.core.outputs import REPORTERS

SMALL = {"months": 6, **{f"city.{k}": v for k, v in SMALL_CITY.items()}}


def test_keyword_fields_build_the_same_model_as_a_config() -> None:
    by_keywords = GovernanceModel(**SMALL, **{"trajectory.kind": "open"}, rng=4).run()
    by_config = GovernanceModel(small_config(6, **{"trajectory.kind": "open"}), rng=4).run()
    pd.testing.assert_frame_equal(by_keywords, by_config, check_exact=True)
    assert set(by_keywords["openness"].iloc[1:]) == {0.9}  # open, not the default phased


def test_a_keyword_field_that_does_not_exist_is_named() -> None:
    with pytest.raises(ConfigError, match="staf_hours"):
        GovernanceModel(**{"resources.staf_hours": 30})
    with pytest.raises(ConfigError, match=r"resources\.budget"):
        GovernanceModel(**{"resources.budget": -1})


def test_the_datacollector_holds_month_zero_and_every_step() -> None:
    model = GovernanceModel(**SMALL, rng=2)
    table = model.run()
    series = model.datacollector.get_model_vars_dataframe()
    assert list(series.columns) == [name for name, _ in REPORTERS]
    assert series["month"].tolist() == list(range(7))
    for column in ("proactivity", "infrastructure", "culture", "partners", "value_cumulative"):
        assert series[column].iloc[1:].tolist() == table[column].tolist(), column


def test_mesa_batch_run_sweeps_dotted_fields_and_matches_sim_run() -> None:
    """In a subprocess: batch_run forces multiprocessing's 'spawn' start method process-wide."""
    code = textwrap.dedent(f"""
        import json, mesa
        from sim.core.model import GovernanceModel
        rows = mesa.batch_run(
            GovernanceModel,
            parameters={{**{SMALL!r}, "trajectory.kind": ["open", "proactive"],
                        "resources.budget": [0.4, 1.0]}},
            rng=[11], max_steps=100, number_processes=1, data_collection_period=-1,
            display_progress=False,
        )
        print(json.dumps(rows))  # floats as repr: exact
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = pd.DataFrame(json.loads(done.stdout))
    assert len(rows) == 4 and set(rows["Step"]) == {6}
    for row in rows.to_dict("records"):
        changes = {k: row[k] for k in ("trajectory.kind", "resources.budget")}
        expected = sim.run(small_config(6, **changes), seed=11)["value_cumulative"].iloc[-1]
        assert row["value_cumulative"] == expected, row
