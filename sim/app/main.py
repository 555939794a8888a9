"""The classroom app: governance trajectories unfolding live in the browser (issue 14).

    python -m sim.app                  # http://127.0.0.1:8765 (offline once the assets are
                                       # cached: bash scripts/fetch_assets); ?lang=fr in French
    python -m sim.app --port 9000 --host 0.0.0.0     # serve a classroom network (opt-in)

A Solara page rendered once per browser tab. Charts are drawn in the browser by Vega and fed
one month at a time (sim.app.hub); the clock runs in the browser (sim.app.widgets.Player), so
the speed setting is honest months per second. Setup (scenario, city, resources, …) applies at
Reset, as NetLogo's setup; levers (p, o, budget, staff hours) act during the run. Every session
builds its own model: two students never step each other's run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import markdown
import reacton.ipyvuetify as rv
import solara
import solara.lab

from sim.app import charts, compare, feed, i18n
from sim.app.hub import Hub
from sim.app.settings import (
    CITIES,
    DEFAULT_SETUP,
    KINDS,
    RESOURCE_LEVELS,
    SPEEDS,
    InputError,
    build,
    citizens,
    resource_preset,
    setup_errors,
)
from sim.app.widgets import Monitors, Player, StreamChart, widget_of

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO

CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")  # projector layout


@solara.component
def Layout(children: list[Any] = []):  # noqa: B006 (Solara's signature)
    """No Solara app bar or drawer: the page lays itself out for a projector (see CSS)."""
    return solara.Div(children=children, style={"height": "100vh", "overflow": "hidden"})


# ---- small pieces ----------------------------------------------------------------------------
@solara.component
def Select(label: str, value: str, items: list[tuple[str, str]], on_value, classes: str = ""):
    """A keyboard-operable select whose shown text is translated and whose value is not."""
    rv.Select(
        label=label,
        v_model=value,
        items=[{"text": text, "value": key} for key, text in items],
        on_v_model=on_value,
        dense=True,
        class_=classes,
    )


def _kind_items(lang: str) -> list[tuple[str, str]]:
    return [(k, i18n.text(f"kind_{k}", lang)) for k in KINDS]


@solara.component
def Prose(text: str, classes: str = ""):
    """Markdown rendered on the server: solara.Markdown would fetch mermaid/katex from a CDN."""
    html = solara.use_memo(lambda: markdown.markdown(text), [text])
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=[classes] if classes else [])


@solara.component
def LiveChart(hub: Hub, name: str, lang: str, key: tuple):
    """One live chart; its spec changes only with the language or a Reset (`key`)."""
    spec = solara.use_memo(lambda: json.dumps(feed.spec(name, lang, hub.session)), [lang, key])
    element = StreamChart.element(
        spec=spec,
        height=feed.height(name),
        locale=i18n.vega_locale(lang),
        png_name=f"govsim_{name}.png",
        png_label=i18n.text("png_aria", lang),
        png_text=i18n.text("png", lang),
    )
    solara.use_effect(lambda: hub.attach_chart(name, widget_of(element)), [])
    return element


@solara.component
def StaticChart(spec: dict, data: dict, lang: str, height: int, png_name: str):
    """A chart drawn once with all its data (Compare)."""

    def send(widget):
        widget.apply({"replace": data})

    element = StreamChart.element(
        spec=json.dumps(spec),
        height=height,
        locale=i18n.vega_locale(lang),
        png_name=png_name,
        png_label=i18n.text("png_aria", lang),
        png_text=i18n.text("png", lang),
        on_ready=send,
    )
    return element


# ---- sidebar -----------------------------------------------------------------------------------
@solara.component
def PlayerCard(hub: Hub, setup: solara.Reactive, applied: solara.Reactive, lang: str):
    errors = setup_errors(setup.value, lang)

    def reset():
        try:
            built = build(setup.value)
        except InputError:  # the button is disabled then; a race must still not crash
            return
        hub.reset(built)
        applied.set(dict(setup.value))

    solara.Button(
        i18n.text("reset", lang),
        on_click=reset,
        disabled=bool(errors),
        color="secondary",
        block=True,
        classes=["govsim-reset"],
        style={"text-transform": "none", "font-size": "15px", "margin-bottom": "6px"},
    )
    labels = {
        k: i18n.text(k, lang) for k in ("step", "play", "pause", "speed", "speed_max", "measured")
    }
    player = Player.element(labels=labels, lang=lang, speeds=list(SPEEDS), mps=24)
    solara.use_effect(lambda: hub.attach_player(widget_of(player)), [])
    if errors:
        solara.Error(i18n.text("invalid", lang), dense=True)
    elif setup.value != applied.value:
        solara.Info(i18n.text("pending", lang), dense=True)


@solara.component
def LeversCard(hub: Hub, status: solara.Reactive, lang: str):
    st = status.value
    solara.HTML(tag="h2", unsafe_innerHTML=i18n.text("levers", lang))
    for name, lo, hi, step, digits in (
        ("proactivity", 0.0, 1.0, 0.01, 2),
        ("openness", 0.0, 1.0, 0.01, 2),
        ("budget", 0.1, 3.0, 0.1, 1),
        ("staff_hours", 5.0, 160.0, 5.0, 0),
    ):
        value = st[{"proactivity": "p", "openness": "o"}.get(name, name)]

        def pull(v: float, name: str = name, shown: float = value) -> None:
            # p and o follow the run; a slider echoing the value it was given is no lever pulled.
            if abs(float(v) - shown) > 1e-6:
                hub.pull(name, v)

        shown = i18n.number(value, lang, digits)
        if name in ("budget", "staff_hours"):
            shown = i18n.text(f"unit_{name}", lang, value=shown)
        with solara.Div(classes=[f"govsim-lever-{name}"]):
            solara.SliderFloat(
                i18n.text("label_value", lang, label=i18n.text(f"lever_{name}", lang), value=shown),
                value=value,
                min=lo,
                max=hi,
                step=step,
                on_value=pull,
            )
    kind = i18n.text(f"kind_{hub.session.built.config.trajectory.kind}", lang)
    if st["held"]:
        solara.Text(i18n.text("helm_held", lang), classes=["govsim-note"])
        solara.Button(i18n.text("resume", lang), on_click=hub.resume, outlined=True, small=True)
    else:
        solara.Text(i18n.text("helm_follow", lang, kind=kind), classes=["govsim-note"])
    solara.HTML(tag="h2", unsafe_innerHTML=i18n.text("lever_log", lang))
    items = (
        "".join(f"<li>{line}</li>" for line in st["levers"])
        or f"<li>{i18n.text('lever_none', lang)}</li>"
    )
    solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["govsim-levers"])


@solara.component
def SetupCard(setup: solara.Reactive, lang: str):
    s = setup.value
    errors = setup_errors(s, lang)

    def update(**changes):
        setup.set({**setup.value, **changes})

    solara.HTML(tag="h2", unsafe_innerHTML=i18n.text("setup", lang))
    Select(
        i18n.text("trajectory", lang),
        s["trajectory"],
        _kind_items(lang),
        lambda v: update(trajectory=v),
    )
    if s["trajectory"] == "custom":
        solara.InputText(
            i18n.text("path", lang),
            value=s["path"],
            on_value=lambda v: update(path=v),
            continuous_update=True,
            error=bool(errors.get("path")),
        )
        if errors.get("path"):
            solara.Error(errors["path"], dense=True, classes=["govsim-error-path"])
        else:
            solara.Text(i18n.text("path_hint", lang), classes=["govsim-note"])
    levels = []
    for level in RESOURCE_LEVELS:
        res = resource_preset(level)
        levels.append(
            (
                level,
                i18n.text(
                    "resources_item",
                    lang,
                    level=i18n.text(f"level_{level}", lang),
                    budget=i18n.number(res["budget"], lang, 1),
                    hours=i18n.number(res["staff_hours"], lang, 0),
                ),
            )
        )
    Select(i18n.text("resources", lang), s["resources"], levels, lambda v: update(resources=v))
    cities = [
        (
            c,
            i18n.text(
                "city_item",
                lang,
                size=i18n.text(f"size_{c}", lang),
                citizens=i18n.number(citizens(c), lang, 0),
            ),
        )
        for c in CITIES
    ]
    Select(i18n.text("city", lang), s["city"], cities, lambda v: update(city=v))
    solara.SliderFloat(
        i18n.text(
            "label_value",
            lang,
            label=i18n.text("push", lang),
            value=i18n.number(s["push"], lang, 2),
        ),
        value=s["push"],
        min=0,
        max=1,
        step=0.05,
        on_value=lambda v: update(push=v),
    )
    solara.Switch(
        label=i18n.text("mediation", lang),
        value=s["mediation"],
        on_value=lambda v: update(mediation=v),
    )
    solara.Switch(
        label=i18n.text("elections", lang),
        value=s["elections"],
        on_value=lambda v: update(elections=v),
    )
    solara.InputText(
        i18n.text("seed", lang),
        value=str(s["seed"]),
        on_value=lambda v: update(seed=v),
        continuous_update=True,
        error=bool(errors.get("seed")),
    )
    if errors.get("seed"):
        solara.Error(errors["seed"], dense=True, classes=["govsim-error-seed"])


# ---- tabs -------------------------------------------------------------------------------------
@solara.component
def StepError(status: solara.Reactive):
    """A failed month, said in words; only this small component re-renders when it appears."""
    error = status.value["error"]
    if error:
        solara.Error(error, classes=["govsim-step-error"])


@solara.component
def RunTab(hub: Hub, applied: dict, status: solara.Reactive, lang: str):
    monitors = Monitors.element()
    solara.use_effect(lambda: hub.attach_monitors(widget_of(monitors)), [])
    StepError(status)
    key = tuple(sorted(applied.items()))
    with solara.Div(classes=["govsim-grid", "govsim-story"]):
        for name in feed.STORY:
            LiveChart(hub, name, lang, key)
    with solara.Div(classes=["govsim-grid", "govsim-more"]):
        for name in feed.MORE:
            LiveChart(hub, name, lang, key)
    s = hub.session
    setup = s.built.setup
    stem = f"govsim_{setup['trajectory']}_{setup['city']}_seed{s.built.seed}"
    solara.FileDownload(
        lambda: hub.session.dataframe().to_csv(index=False).encode(),
        filename=f"{stem}_month{s.month}.csv",
        label=i18n.text("csv", lang),
        mime_type="text/csv",
    )


@solara.component
def CompareTab(setup: dict, lang: str):
    first, set_first = solara.use_state("proactive")
    second, set_second = solara.use_state("open")
    result, set_result = solara.use_state(None)
    error, set_error = solara.use_state(None)

    def run():
        try:
            set_result(compare.run(setup, first, second))
            set_error(None)
        except InputError as e:
            set_error(e)

    solara.Text(i18n.text("compare_intro", lang), classes=["govsim-note"])
    with solara.Row(gap="12px", style={"align-items": "center", "flex-wrap": "wrap"}):
        with solara.Div(style={"width": "220px"}):
            Select(i18n.text("compare_a", lang), first, _kind_items(lang)[:4], set_first)
        with solara.Div(style={"width": "220px"}):
            Select(i18n.text("compare_b", lang), second, _kind_items(lang)[:4], set_second)
        solara.Button(
            i18n.text("compare_run", lang),
            color="primary",
            on_click=run,
            style={"text-transform": "none"},
        )
    if error is not None:
        solara.Error(i18n.text("compare_error", lang, error=error.message(lang)))
    if result is None:
        return
    for i, line in enumerate(compare.summary(result, lang)):
        solara.Text(
            line, classes=["govsim-note", f"compare-summary-{i}"], style={"display": "block"}
        )
    names = (compare.name(result, 0, lang), compare.name(result, 1, lang))
    cross = result.crossover
    label = ""
    if cross is not None:
        label = i18n.text("event_crossover", lang, name="AB"[result.winner], month=cross)
    rows = compare.rows(result, lang)
    with solara.Div(classes=["govsim-grid", "wide"]):
        StaticChart(
            compare.value_spec(lang, int(result.frames[0]["month"].iloc[-1]), names, cross, label),
            {"rows": rows},
            lang,
            charts.STORY_HEIGHT,
            f"govsim_compare_{first}_{second}.png",
        )
        StaticChart(
            compare.path_spec(lang, names, feed.preset_points()),
            {"rows": rows, "now": compare.now_rows(result, lang)},
            lang,
            charts.STORY_HEIGHT,
            f"govsim_compare_paths_{first}_{second}.png",
        )


# ---- the page ---------------------------------------------------------------------------------
@solara.component
def Page():
    router = solara.use_router()
    lang = i18n.lang_of(router.search)
    setup = solara.use_reactive(dict(DEFAULT_SETUP))
    applied = solara.use_reactive(dict(DEFAULT_SETUP))
    hub = solara.use_memo(lambda: Hub(build(DEFAULT_SETUP), lang), [])
    # A plain reactive (not use_reactive): only the components that read it re-render.
    status = solara.use_memo(lambda: solara.reactive(hub.status()), [])
    hub.on_status = status.set
    solara.use_effect(lambda: hub.relabel(lang), [lang])
    side_open = solara.use_reactive(True)
    tab = solara.use_reactive(0)

    def switch_language():
        other = i18n.text("other_lang_code", lang)
        router.push(f"{router.path or '/'}?lang={other}")

    solara.Title("govsim")
    solara.Style(CSS)
    with solara.Div(classes=["govsim-root"], attributes={"lang": lang}):
        with solara.Div(classes=["govsim-header"]):
            solara.Button(
                icon_name="mdi-menu",
                icon=True,
                on_click=lambda: side_open.set(not side_open.value),
                attributes={
                    "aria-label": i18n.text("toggle_sidebar", lang),
                    "aria-expanded": "true" if side_open.value else "false",
                },
                classes=["govsim-toggle"],
            )
            solara.HTML(tag="h1", unsafe_innerHTML=i18n.text("title", lang))
            solara.Button(
                i18n.text("other_lang", lang),
                on_click=switch_language,
                text=True,
                attributes={
                    "aria-label": i18n.text("lang_aria", lang),
                    "lang": i18n.text("other_lang_code", lang),
                },
                classes=["govsim-lang"],
                style={"text-transform": "none", "font-size": "15px"},
            )
        with solara.Div(classes=["govsim-body"]):
            with solara.Div(classes=["govsim-side"] + ([] if side_open.value else ["closed"])):
                PlayerCard(hub, setup, applied, lang)
                LeversCard(hub, status, lang)
                SetupCard(setup, lang)
            with solara.Div(classes=["govsim-main"]), solara.lab.Tabs(value=tab):
                with solara.lab.Tab(i18n.text("tab_run", lang)):
                    RunTab(hub, applied.value, status, lang)
                with solara.lab.Tab(i18n.text("tab_compare", lang)):
                    CompareTab(setup.value, lang)
                with solara.lab.Tab(i18n.text("tab_info", lang)):
                    Prose(i18n.info(lang), "info-panel")


# ---- launcher ---------------------------------------------------------------------------------
def command(host: str = "127.0.0.1", port: int = 8765) -> list[str]:
    """The `solara run` command line this module wraps."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.app.main:Page",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")  # it covered the bottom-right chart
    return env


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sim.app", description="govsim classroom app (Solara, in the browser)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    print(
        f"govsim classroom app on http://{args.host}:{args.port}"
        "  (?lang=fr: en français; Ctrl+C stops it)"
    )
    os.execve(sys.executable, command(args.host, args.port), server_env())


if __name__ == "__main__":
    main()
