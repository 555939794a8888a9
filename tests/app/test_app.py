"""Fast tests of the classroom app, without a browser (solara.render runs the page headless)."""

from __future__ import annotations

import io
import zipfile

import ipyvuetify as v
import ipywidgets as widgets
import pandas as pd
import pytest

solara = pytest.importorskip("solara")

from sim.app import main as app  # noqa: E402
from sim.app.views import png_bytes  # noqa: E402
from sim.core.config import ConfigError  # noqa: E402
from sim.core.model import COLUMNS  # noqa: E402


def render_page():
    # AppLayout shows the sidebar (Mesa's ModelController and the settings) as in `solara run`.
    return solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)


def button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def images(rc) -> list[bytes]:
    return [w.value for w in rc.find(widgets.Image).widgets]


def test_presets_come_from_the_hydra_configs():
    assert app.resource_preset("tight") == {"budget": 0.4, "staff_hours": 20.0}
    assert app.resource_preset("generous") == {"budget": 1.6, "staff_hours": 80.0}
    assert app.preset_model("small")["city"]["citizens"] == 1000
    assert app.trajectory_point("open") == (0.2, 0.9)


def test_build_config_validates_and_maps_the_controls():
    config = app.build_config(trajectory="custom", path="0: 0.9, 0.1; 48: 0.2, 0.9", city="small")
    assert config.trajectory.waypoints == ((0.0, 0.9, 0.1), (48.0, 0.2, 0.9))
    assert config.city.citizens == 1000
    config = app.build_config(trajectory="custom", proactivity=0.3, openness=0.7)
    assert config.trajectory.waypoints == ((0.0, 0.3, 0.7),)
    config = app.build_config(resources="tight", budget=0.7, mediation=False, elections=False)
    assert config.resources.budget == 0.7 and config.resources.dga_hours == 30
    assert not config.mechanisms.mediation and not config.mechanisms.elections
    with pytest.raises(ConfigError, match="path"):
        app.parse_path("0: 0.9; __import__('os')")
    with pytest.raises(ConfigError, match="city"):
        app.build_config(city="huge")


def test_seed_is_coerced_from_text():
    assert app.coerce_seed("7") == 7 and app.coerce_seed(7.0) == 7
    for bad in ("abc", -1, 1.5):
        with pytest.raises(ConfigError):
            app.coerce_seed(bad)
    model = app.ClassroomModel(rng="3", city="small")
    assert model.params["rng"] == 3


def test_each_view_builds_and_exports():
    model = app.ClassroomModel(city="small")
    empty = app.figures(model)  # month 0: every view draws its empty state
    assert set(empty) == set(app.VIEW_BUILDERS)
    for _ in range(3):
        model.step()
    for fig in app.figures(model).values():
        assert png_bytes(fig)[:4] == b"\x89PNG"
    table = pd.read_csv(io.BytesIO(app.csv_bytes(model)))
    assert list(table.columns) == list(COLUMNS) and len(table) == 3
    names = zipfile.ZipFile(io.BytesIO(app.figures_zip(model))).namelist()
    assert sorted(names) == sorted(f"{n}.png" for n in app.VIEW_BUILDERS)


def test_each_component_renders():
    model = app.ClassroomModel(city="small")
    model.step()
    for element in (
        app.Monitors(model),
        app.Exports(model),
        app.View(model, "path"),
        app.RunTab(model),
        app.CompareTab(dict(app.DEFAULT_PARAMS, city="small")),
        app.InfoTab(),
    ):
        _box, rc = solara.render(element, handle_error=False)
        rc.close()


def test_page_steps_resets_and_changes_the_plots():
    _box, rc = render_page()
    before = images(rc)
    assert len(before) == len(app.VIEW_BUILDERS)
    rc.find(v.Html, children=["Month: 0 / 144"]).assert_single()
    button(rc, "Step").click()
    rc.find(v.Html, children=["Month: 1 / 144"]).assert_single()
    after = images(rc)
    assert all(a != b for a, b in zip(before, after, strict=True))  # every plot changed
    button(rc, "Reset").click()
    rc.find(v.Html, children=["Month: 0 / 144"]).assert_single()
    rc.close()


def test_preset_fills_sliders_and_reset_applies_them():
    _box, rc = render_page()
    selects = {w.label: w for w in rc.find(v.Select).widgets}
    selects["Resources preset (configs/resources)"].v_model = "tight"
    budget = [w for w in rc.find(v.Slider).widgets if str(w.label).startswith("Budget")]
    assert budget[0].v_model == 0.4
    rc.find(v.Alert).assert_not_empty()  # "press Reset to apply"
    selects["Trajectory preset"].v_model = "open"
    button(rc, "Reset").click()
    rc.find(v.Html, children=["0.20, 0.90"]).assert_empty()  # not stepped yet: p, o = 0, 0
    button(rc, "Step").click()
    rc.find(v.Html, children=["0.20, 0.90"]).assert_single()
    rc.close()


def test_compare_runs_two_trajectories_on_the_same_seed():
    params = dict(app.DEFAULT_PARAMS, city="small")
    _box, rc = solara.render(app.CompareTab(params), handle_error=False)
    button(rc, "Run comparison").click()
    summary = rc.find(v.Html, class_="compare-summary").widget
    assert "Seed 1" in summary.children[0] and "proactive" in summary.children[0]
    assert len(images(rc)) == 2
    rc.close()


def test_sessions_do_not_share_a_model():
    _box1, rc1 = render_page()
    _box2, rc2 = render_page()
    button(rc1, "Step").click()
    rc1.find(v.Html, children=["Month: 1 / 144"]).assert_single()
    rc2.find(v.Html, children=["Month: 0 / 144"]).assert_single()
    rc1.close()
    rc2.close()


def test_launcher_listens_on_localhost_by_default():
    cmd = app.command()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd and "sim.app.main:Page" in cmd
    assert app.server_env()["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] in ("False", "false", "0")
