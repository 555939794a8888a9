"""Fast tests of the classroom app, without a browser (solara.render runs the page headless)."""

from __future__ import annotations

import io
import json
import re

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest

solara = pytest.importorskip("solara")

from sim.analysis.metrics import crossover_month  # noqa: E402
from sim.app import charts, compare, feed, i18n, settings, widgets  # noqa: E402
from sim.app import main as app  # noqa: E402
from sim.app.hub import Hub  # noqa: E402
from sim.app.session import Session  # noqa: E402
from sim.app.settings import DEFAULT_SETUP, InputError, build  # noqa: E402
from sim.app.widgets import Monitors, Player, StreamChart  # noqa: E402
from sim.core.model import COLUMNS, GovernanceModel  # noqa: E402

SMALL = {**DEFAULT_SETUP, "city": "small"}


def render_page():
    return solara.render(app.Page(), handle_error=False)


def button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def monitor(rc, cls: str) -> str:
    """A monitor as the page shows it (set at render, then by each frame the player receives)."""
    items = rc.find(Monitors).widget.items
    frames = getattr(rc, "frames", [])
    if frames:
        items = frames[-1]["monitors"]
    return next(m["value"] for m in items if m["cls"] == cls)


def tick(rc) -> None:
    """What the browser's player does: ask for a month; keep the frame it would receive."""
    player = rc.find(Player).widget
    rc.frames = [*getattr(rc, "frames", []), player.on_tick()]


def lever_log(rc) -> str:
    found = [
        w
        for w in rc.find(solara.widgets.HTML).widgets
        if w.attributes.get("class") == "govsim-levers"
    ]
    assert len(found) == 1
    return found[0].unsafe_innerHTML


def alerts(rc) -> str:
    return " | ".join(str(w.children) for w in rc.find(v.Alert).widgets)


# ---- settings: presets and inputs in the control's own words ---------------------------------
def test_presets_come_from_the_hydra_configs():
    assert settings.resource_preset("tight") == {"budget": 0.4, "staff_hours": 20.0}
    assert settings.resource_preset("generous") == {"budget": 1.6, "staff_hours": 80.0}
    assert settings.citizens("small") == 1000
    assert settings.trajectory_point("open") == (0.2, 0.9)
    assert settings.trajectory_point("phased") == (0.9, 0.1)
    assert settings.trajectory_point("custom", "12: 0.3, 0.7") == (0.3, 0.7)


def test_path_accepts_english_and_french_writing():
    assert settings.parse_path("0: 0.9, 0.1; 48: 0.2, 0.9") == ((0, 0.9, 0.1), (48, 0.2, 0.9))
    assert settings.parse_path("0 : 0,9 / 0,1 ; 48 : 0,2 / 0,9") == ((0, 0.9, 0.1), (48, 0.2, 0.9))


@pytest.mark.parametrize(
    ("text", "key", "english"),
    [
        ("", "path_empty", "give at least one point"),
        ("0: 1.2.3, 0.1", "path_format", "point 1 (“0: 1.2.3, 0.1”): write it as month: p, o"),
        (
            "0: 0.9, 0.1; 48: 1.5, 0.9",
            "path_range",
            "point 2: proactivity p must be between 0 and 1",
        ),
        ("12: 0.9, 0.1; 6: 0.2, 0.9", "path_order", "month 6 must come after month 12"),
        ("0: 0.9; __import__('os')", "path_format", "point 1"),
        ("500: 0.5, 0.5", "path_month", "past the horizon"),
    ],
)
def test_bad_paths_are_named_in_words(text, key, english):
    with pytest.raises(InputError) as caught:
        settings.parse_path(text)
    assert caught.value.key == key
    assert english in caught.value.message("en")
    assert caught.value.message("fr").startswith("Trajectoire sur mesure")


SEED_ERROR = "Seed must be a whole number from 0 to 2^63 − 1 (9,223,372,036,854,775,807)"
TOO_LARGE = [str(2**63), 2**70, "1180591620717411303424", "٣"]  # "٣": an Arabic-Indic digit


@pytest.mark.parametrize(
    "bad", ["abc", "-1", "1.5", "", " ", "1e3", -1, 1.5, True, float("nan"), *TOO_LARGE]
)
def test_seed_must_be_a_whole_number(bad):
    with pytest.raises(InputError) as caught:
        settings.parse_seed(bad)
    assert caught.value.message("en") == SEED_ERROR
    assert caught.value.message("fr").startswith("La graine doit être un nombre entier de 0 à 2^63")


def test_the_seed_box_takes_every_seed_the_command_line_takes():
    """Up to 2**63 - 1 (19 digits), the bound of the tables' int64 seed column."""
    assert settings.parse_seed(str(2**63 - 1)) == 2**63 - 1
    assert settings.parse_seed("1234567890123456789") == 1234567890123456789


def test_good_seeds_and_setup_errors():
    assert settings.parse_seed(" 7 ") == 7 and settings.parse_seed(7.0) == 7
    assert settings.setup_errors(DEFAULT_SETUP, "en") == {}
    errors = settings.setup_errors(
        {**DEFAULT_SETUP, "trajectory": "custom", "path": "x", "seed": "a"}, "en"
    )
    assert set(errors) == {"path", "seed"}


def test_build_maps_the_setup():
    built = build(
        {
            **SMALL,
            "trajectory": "custom",
            "path": "0: 0.3, 0.7",
            "resources": "tight",
            "push": 0.6,
            "mediation": False,
            "elections": False,
            "seed": "9",
        }
    )
    c = built.config
    assert c.trajectory.waypoints == ((0.0, 0.3, 0.7),) and c.city.citizens == 1000
    assert c.resources.budget == 0.4 and c.parameters.push == 0.6 and built.seed == 9
    assert not c.mechanisms.mediation and not c.mechanisms.elections


# ---- the catalogue ---------------------------------------------------------------------------
def test_every_string_has_both_languages_and_french_typography():
    for key, (en, fr) in i18n.CATALOGUE.items():
        assert en.strip() and fr.strip(), key
        shown = i18n.text(key, "fr")
        # No plain or missing space before the high punctuation, except in "http://" and ranges.
        assert not re.search(r"[^\u202f\d/p](?<!http)[:;!?%]", shown.replace("://", "")), (
            key,
            shown,
        )
    info = i18n.info("fr")
    assert " :" not in info and " ;" not in info and " ?" not in info
    assert "\u202f:" in info


def test_numbers_in_french_use_a_decimal_comma():
    assert i18n.number(1234.5, "en") == "1,234.5"
    assert i18n.number(1234.5, "fr") == "1\u202f234,5"
    assert i18n.percent(0.19, "fr") == "19\u202f%" and i18n.percent(0.19, "en") == "19%"
    assert i18n.number(-0.5, "en") == "−0.5"
    assert i18n.lang_of("lang=fr") == "fr" and i18n.lang_of("x=1&lang=fr") == "fr"
    assert i18n.lang_of(None) == "en" and i18n.lang_of("lang=de") == "en"


def test_info_names_the_controls_as_labelled():
    for lang in i18n.LANGS:
        info = i18n.info(lang)
        for key in ("reset", "step", "play", "pause", "speed", "resume", "trajectory", "mediation"):
            label = i18n.text(key, lang)
            assert label in info, (lang, key, label)


# ---- the live run and its levers -------------------------------------------------------------
def test_a_run_without_levers_is_the_models_own_run():
    built = build(SMALL)
    session = Session(built)
    for _ in range(40):
        assert session.step()
    alone = GovernanceModel(built.config, rng=built.seed, citizen_agents=False)
    for _ in range(40):
        alone.step()
    pd.testing.assert_frame_equal(session.dataframe(), alone.dataframe())


def test_levers_act_from_the_next_month_and_are_recorded():
    session = Session(build({**SMALL, "trajectory": "proactive"}))
    for _ in range(10):
        session.step()
    session.pull("openness", 0.8)
    session.pull("openness", 0.85)  # the same drag: still one lever
    session.pull("budget", 1.5)
    session.pull("staff_hours", 60)
    session.step()
    frame = session.dataframe()
    assert frame["openness"].iloc[9] == pytest.approx(0.1) and frame["openness"].iloc[10] == 0.85
    assert frame["proactivity"].iloc[10] == pytest.approx(0.9)  # p stays where it was
    assert frame["hours_capacity"].iloc[10] == 60 * len(session.model.departments)
    assert frame["budget"].iloc[10] > frame["budget"].iloc[9]
    assert [(lv.month, lv.name, lv.value) for lv in session.levers] == [
        (10, "openness", 0.85),
        (10, "budget", 1.5),
        (10, "staff_hours", 60.0),
    ]
    lever_marks = [e for e in session.events("en") if e["kind"] == "lever"]
    assert {e["month"] for e in lever_marks} == {10}
    session.resume()
    session.step()
    assert session.dataframe()["openness"].iloc[11] == pytest.approx(0.1)
    assert session.levers[-1].name == "resume"


def test_an_error_inside_a_step_is_reported_not_raised():
    class Broken:
        def point(self, month, infrastructure, culture):
            raise ZeroDivisionError("no governance point")

    session = Session(build(SMALL))
    session.helm.base = Broken()
    assert session.step() is False
    assert session.ended and "ZeroDivisionError: no governance point" in session.error


def test_levers_pulled_close_together_share_one_label():
    session = Session(build(SMALL))
    for month in range(20):
        if month in (12, 14, 16):  # a slider nudged three times, two months apart
            session.pull("openness", 0.1 + 0.01 * month)
        session.step()
    levers = [e for e in session.events("en") if e["kind"] == "lever"]
    assert [(e["month"], e["label"]) for e in levers] == [(12, "lever"), (14, ""), (16, "")]
    session.pull("budget", 1.5)  # month 20: far enough from 12 for a label of its own
    assert session.events("en")[-1]["label"] == "lever"


def test_story_marks():
    session = Session(build(DEFAULT_SETUP))  # phased, default city, elections on
    while not session.ended:
        session.step()
    frame = session.dataframe()
    events = session.events("en")
    elections = [e["month"] for e in events if e["kind"] == "election"]
    assert elections == [72, 144]
    opened = [e["month"] for e in events if e["kind"] == "opens"]
    rises = np.flatnonzero(np.diff(frame["openness"].to_numpy()) > 1e-9)
    assert opened == [int(frame["month"].iloc[rises[0] + 1])]
    assert len(session.breaches()) == int((frame["breaches"] > 0).sum())
    halves = {h["label"]: h["month"] for h in session.halves("en")}
    for stock, letter in charts.STOCK_LETTERS.items():
        values = frame[stock].to_numpy()
        assert halves[f"½ {letter}"] == int(
            frame["month"].iloc[np.argmax(values >= values[-1] / 2)]
        )


# ---- what the charts are sent ----------------------------------------------------------------
def _font_sizes(spec) -> list[float]:
    out = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key.lower().endswith("fontsize") and isinstance(value, int | float):
                out.append(value)
            out += _font_sizes(value)
    elif isinstance(spec, list):
        for item in spec:
            out += _font_sizes(item)
    return out


def test_chart_text_is_at_least_14px_and_x_axes_are_fixed():
    session = Session(build(SMALL))
    for lang in i18n.LANGS:
        for name in feed.CHARTS:
            spec = feed.spec(name, lang, session)
            sizes = _font_sizes(spec)
            assert sizes and min(sizes) >= 14, (name, sizes)
            text = json.dumps(spec)
            if '"x": {"field": "month"' in text:
                assert '"domain": [0, 144]' in text, name
            assert "http" not in text  # nothing for the browser to fetch


def test_frames_send_only_the_new_months():
    session = Session(build(SMALL))
    for _ in range(3):
        session.step()
    full = feed.batch("value", session, "en", 0)
    assert [r["month"] for r in full["replace"]["rows"]] == [1, 2, 3]
    session.step()
    update = feed.batch("value", session, "en", 3)
    assert [r["month"] for r in update["insert"]["rows"]] == [4]
    dims = feed.batch("dimensions", session, "en", 3)["insert"]["rows"]
    assert len(dims) == 18 and {r["month"] for r in dims} == {4}
    up = [r for r in dims if r["side"] == 1]
    assert up[-1]["y1"] == pytest.approx(session.column("value_gross")[3])


def test_y_ranges_hold_every_preset():
    rng = feed.ranges("small", "adequate")
    for kind in feed.PRESET_KINDS:
        built = build({**SMALL, "trajectory": kind})
        frame = GovernanceModel(built.config, rng=built.seed, citizen_agents=False).run()
        assert (
            rng.value[0]
            <= frame["value_cumulative"].min()
            <= frame["value_cumulative"].max()
            <= rng.value[1]
        )
        assert (
            frame["value_gross"].max() <= rng.flow[1]
            and -frame["value_destroyed"].max() >= rng.flow[0]
        )


def test_y_ranges_are_signals_that_widen_only_past_the_fixed_range():
    session = Session(build(SMALL))
    spec = feed.spec("value", "en", session)
    lo, hi = feed.ranges("small", "adequate").value
    assert spec["params"] == [{"name": "y_lo", "value": lo}, {"name": "y_hi", "value": hi}]
    assert "unionWith" not in json.dumps(spec)  # a data-driven range re-encodes every frame
    for _ in range(24):
        session.step()
    assert feed.batch("value", session, "en", 23)["signals"] == {"y_lo": lo, "y_hi": hi}
    while session.column("partners").max() == 0:  # until a partner has joined
        session.step()
    narrow = charts.Ranges(value=(0.0, 1e-6), flow=(-1e-6, 1e-6), partners=1.0, load=1.5)
    for name, column in (("value", "value_cumulative"), ("partners", "partners")):
        low, high = feed.y_domain(name, session, narrow)
        data = session.column(column)
        assert low <= data.min() and high >= data.max() and high <= 1.1 * 2.5 * data.max()
        assert high == feed._nice(high)  # a round number: the axis does not creep every frame
    low, high = feed.y_domain("dimensions", session, narrow)
    assert low <= -session.column("value_destroyed").max()
    assert high >= session.column("value_gross").max()


def test_a_lagging_frame_carries_every_month_due():
    _box, rc = render_page()
    player = rc.find(Player).widget
    player.on_tick(1)
    frame = player.on_tick(3)  # the browser fell behind by three months
    assert frame["month"] == 4
    assert next(m["value"] for m in frame["monitors"] if m["cls"] == "month") == "4 / 144"
    assert [r["month"] for r in frame["charts"]["value"]["insert"]["rows"]] == [2, 3, 4]
    assert len(frame["charts"]["dimensions"]["insert"]["rows"]) == 3 * 18
    rc.close()
    one = Hub(build(DEFAULT_SETUP), "en")
    for _ in range(4):
        one.tick()
    assert one.session.month == 4
    hub = Hub(build(DEFAULT_SETUP), "en")
    hub.tick(4)
    assert one.session.dataframe().equals(hub.session.dataframe())  # same run, fewer frames
    while hub.session.month < hub.session.horizon - 1:
        hub.tick(min(12, hub.session.horizon - 1 - hub.session.month))
    last = hub.tick(5)  # one month was left: fewer than asked
    assert last["month"] == hub.session.horizon and last["stop"] and hub.tick(2)["stop"]


@pytest.mark.parametrize("bad", [0, 13, -1, 1.5, "2", None, True])
def test_months_per_frame_is_checked(bad):
    with pytest.raises(ValueError, match="months per frame must be"):
        widgets.months_per_frame(bad)
    assert widgets.months_per_frame(4) == 4 and widgets.months_per_frame(12.0) == 12


# ---- the page --------------------------------------------------------------------------------
def test_page_plays_resets_and_pulls_levers():
    _box, rc = render_page()
    assert len(rc.find(StreamChart).widgets) == len(feed.CHARTS)
    assert monitor(rc, "month") == "0 / 144" and monitor(rc, "point") == "0.90 / 0.10"
    tick(rc)
    assert monitor(rc, "month") == "1 / 144"
    assert set(rc.frames[-1]["charts"]) == set(feed.CHARTS)
    rc.find(v.Slider, label="Openness o: 0.10").widget.v_model = 0.6
    assert "month 1: Openness o → 0.60" in lever_log(rc)
    tick(rc)
    assert monitor(rc, "point") == "0.90 / 0.60"
    button(rc, "Reset").click()
    rc.frames = []
    assert monitor(rc, "month") == "0 / 144"
    assert "none yet" in lever_log(rc)
    rc.close()


def test_invalid_inputs_disable_reset_with_a_message():
    _box, rc = render_page()
    rc.find(v.TextField, label="Seed (random draws)").widget.v_model = "abc"
    assert button(rc, "Reset").disabled
    assert SEED_ERROR in alerts(rc)
    rc.find(v.TextField, label="Seed (random draws)").widget.v_model = "4"
    assert not button(rc, "Reset").disabled
    rc.find(v.Select, label="Trajectory").widget.v_model = "custom"
    path = rc.find(v.TextField, label="Custom path (month: p, o; …)").widget
    path.v_model = "0: 0.9, 0.1; 48: 1.5, 0.9"
    assert button(rc, "Reset").disabled
    assert "point 2: proactivity p must be between 0 and 1" in alerts(rc)
    path.v_model = "0: 0.9, 0.1; 48: 0.2, 0.9"
    assert not button(rc, "Reset").disabled
    button(rc, "Reset").click()
    rc.close()


def test_sessions_do_not_share_a_model():
    _b1, rc1 = render_page()
    _b2, rc2 = render_page()
    tick(rc1)
    assert monitor(rc1, "month") == "1 / 144" and monitor(rc2, "month") == "0 / 144"
    rc1.close()
    rc2.close()


def test_hub_speaks_french():
    hub = Hub(build(DEFAULT_SETUP), "fr")
    for _ in range(30):
        hub.tick()
    values = {m["cls"]: m["value"] for m in feed.monitors(hub.session, "fr")}
    assert "," in values["value"] and "." not in values["value"]
    assert values["stale"].endswith("\u202f%")
    hub.pull("budget", 1.2)
    assert hub.status()["levers"] == ("mois 30\u202f: Budget → 1,20",)


def test_compare_reads_the_crossover_on_cumulative_value():
    result = compare.run(SMALL, "proactive", "open")
    a, b = result.frames
    w = result.winner
    expected = crossover_month(result.frames[1 - w], result.frames[w])
    assert result.crossover == (None if expected is None or expected <= 1 else expected)
    lines = compare.summary(result, "en")
    assert "adequate resources (budget 1.0 M€/month, 40 h per department per month)" in lines[2]
    assert "small city (1,000 residents)" in lines[2] and "seed 1" in lines[2]
    assert len(compare.rows(result, "en")) == len(a) + len(b)
    _box, rc = solara.render(app.CompareTab(SMALL, "fr"), handle_error=False)
    button(rc, "Lancer la comparaison").click()
    assert len(rc.find(StreamChart).widgets) == 2
    rc.close()


def test_csv_export_has_the_models_columns():
    hub = Hub(build(SMALL), "en")
    for _ in range(3):
        hub.tick()
    table = pd.read_csv(io.StringIO(hub.session.dataframe().to_csv(index=False)))
    assert list(table.columns) == list(COLUMNS) and len(table) == 3


def test_launcher_listens_on_localhost_by_default():
    cmd = app.command()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd and "sim.app.main:Page" in cmd
    env = app.server_env()
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] in ("False", "false", "0")
    assert env["SOLARA_THEME_SHOW_BANNER"] in ("False", "false", "0")
