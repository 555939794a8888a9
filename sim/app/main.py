"""The classroom app: governance trajectories unfolding live in the browser (issue 4).

    python -m sim.app                  # http://127.0.0.1:8765, works offline once the assets
                                       # are cached (bash scripts/fetch_assets)
    python -m sim.app --port 9000 --host 0.0.0.0     # serve a classroom network (opt-in)

A Solara page built around Mesa's SolaraViz `ModelController` (Reset / Step / ▶ Play / ❚❚ Pause)
with its own sidebar, because the parameters must be filled by presets: choosing a city size or a
resource level loads the very Hydra config groups the researchers use (`configs/city/*.yaml`,
`configs/resources/*.yaml`, composed with Hydra's compose API), and choosing a trajectory preset
puts that preset's governance point on the proactivity and openness sliders. Parameters apply at
Reset, as in NetLogo's `setup`.

Every browser session builds its own model inside the page (no module-level model): two students
never step each other's run.
"""

from __future__ import annotations

import argparse
import copy
import functools
import io
import logging
import os
import re
import sys
import zipfile
from typing import Any

import markdown
import solara
import solara.lab
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from sim.app.views import (
    RUN_COLORS,
    Series,
    citizens_figure,
    dimensions_figure,
    load_figure,
    path_figure,
    phasing_order,
    png_bytes,
    stocks_figure,
    value_figure,
)
from sim.core.config import TRAJECTORY_KINDS, ConfigError, ModelConfig
from sim.core.model import GovernanceModel
from sim.runs import presets

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO

CITIES = tuple(presets.city_names())
RESOURCE_LEVELS = tuple(presets.resource_level_names())
PRESETS = TRAJECTORY_KINDS  # proactive, open, phased, combined, custom
DEFAULT_PARAMS: dict[str, Any] = {
    "trajectory": "phased",
    "proactivity": 0.9,
    "openness": 0.1,
    "path": "",
    "resources": "adequate",
    "budget": 1.0,
    "staff_hours": 40.0,
    "push": 0.2,
    "city": "default",
    "mediation": True,
    "elections": True,
    "rng": 1,
}


# ---- one source of truth: the presets the researchers use ----------------------------------------
@functools.cache
def _composed(city: str, resources: str) -> dict[str, Any]:
    """The model data `python -m sim city=<city> resources=<resources>` runs (sim/configs/)."""
    return presets.merge(
        ModelConfig().to_dict(),
        {"city": presets.city_size(city), "resources": presets.resource_level(resources)},
    )


def preset_model(city: str = "default", resources: str = "adequate") -> dict[str, Any]:
    """`model:` section of configs/config.yaml with the given city and resources groups."""
    return copy.deepcopy(_composed(city, resources))


def resource_preset(level: str) -> dict[str, float]:
    """Budget and staff hours of a resource level, read from configs/resources/<level>.yaml."""
    res = preset_model("default", level)["resources"]
    return {"budget": float(res["budget"]), "staff_hours": float(res["staff_hours"])}


def trajectory_point(kind: str) -> tuple[float, float]:
    """Where a preset starts in the plane (the value the p and o sliders take for it)."""
    traj = preset_model()["trajectory"]
    point = {
        "proactive": traj["proactive_point"],
        "open": traj["open_point"],
        "combined": traj["combined_point"],
        "phased": traj["proactive_point"],  # phased starts proactive, then opens up
    }.get(kind)
    return (float(point[0]), float(point[1])) if point else (0.5, 0.5)


_PATH_ITEM = re.compile(r"^\s*(\d+)\s*[:\s]\s*([0-9.]+)\s*[,\s]\s*([0-9.]+)\s*$")


def parse_path(text: str) -> tuple[tuple[float, float, float], ...]:
    """'0: 0.9, 0.1; 48: 0.2, 0.9' -> ((0, .9, .1), (48, .2, .9)); strict, never evaluated."""
    points = []
    for i, item in enumerate(s for s in text.replace("\n", ";").split(";") if s.strip()):
        match = _PATH_ITEM.match(item)
        if not match:
            raise ConfigError(
                f"path[{i}]", item.strip(), "'month: proactivity, openness', items split by ';'"
            )
        points.append((float(match[1]), float(match[2]), float(match[3])))
    return tuple(points)


def build_config(
    trajectory: str = "phased",
    proactivity: float = 0.9,
    openness: float = 0.1,
    path: str = "",
    resources: str = "adequate",
    budget: float = 1.0,
    staff_hours: float = 40.0,
    push: float = 0.2,
    city: str = "default",
    mediation: bool = True,
    elections: bool = True,
) -> ModelConfig:
    """A validated ModelConfig from the app's controls (raises ConfigError naming the field)."""
    data = preset_model(city, resources)
    if trajectory not in PRESETS:
        raise ConfigError("trajectory", trajectory, f"one of {list(PRESETS)}")
    data["trajectory"]["kind"] = trajectory
    if trajectory == "custom":
        waypoints = parse_path(path) if path.strip() else ((0.0, proactivity, openness),)
        data["trajectory"]["waypoints"] = [list(w) for w in waypoints]
    data["resources"]["budget"] = budget
    data["resources"]["staff_hours"] = staff_hours
    data["parameters"]["push"] = push
    data["mechanisms"]["mediation"] = bool(mediation)
    data["mechanisms"]["elections"] = bool(elections)
    return ModelConfig.from_dict(data)


def coerce_seed(value: Any) -> int:
    """SolaraViz-style seed boxes yield strings: accept '7', 7, 7.0; reject the rest."""
    try:
        seed = int(str(value).strip()) if not isinstance(value, int | float) else int(value)
    except ValueError:
        raise ConfigError("rng", value, "a non-negative integer") from None
    if seed < 0 or (isinstance(value, float) and not value.is_integer()):
        raise ConfigError("rng", value, "a non-negative integer")
    return seed


class ClassroomModel(GovernanceModel):
    """GovernanceModel with keyword parameters, as Mesa's ModelController re-creates it on Reset.

    The seed parameter is `rng` (Mesa's own name; a parameter called `seed` is deprecated).
    """

    def __init__(
        self,
        trajectory: str = "phased",
        proactivity: float = 0.9,
        openness: float = 0.1,
        path: str = "",
        resources: str = "adequate",
        budget: float = 1.0,
        staff_hours: float = 40.0,
        push: float = 0.2,
        city: str = "default",
        mediation: bool = True,
        elections: bool = True,
        rng: Any = 1,
    ) -> None:
        self.params = {
            "trajectory": trajectory,
            "proactivity": proactivity,
            "openness": openness,
            "path": path,
            "resources": resources,
            "budget": budget,
            "staff_hours": staff_hours,
            "push": push,
            "city": city,
            "mediation": mediation,
            "elections": elections,
            "rng": coerce_seed(rng),
        }
        config = build_config(**{k: v for k, v in self.params.items() if k != "rng"})
        # Citizen agents are views for inspection; a large city skips them (same results).
        super().__init__(config, rng=self.params["rng"], citizen_agents=city != "large")


def run_frame(params: dict[str, Any], trajectory: str):
    """Full run to the horizon for the Compare tab (same settings and seed, other trajectory)."""
    kwargs = {**params, "trajectory": trajectory}
    rng = coerce_seed(kwargs.pop("rng"))
    return GovernanceModel(build_config(**kwargs), rng=rng, citizen_agents=False).run()


# ---- figures of a live model --------------------------------------------------------------------
VIEW_BUILDERS = {
    "path": lambda m, f: path_figure([Series(m.config.trajectory.kind, f)], m.config.trajectory),
    "value": lambda m, f: value_figure([Series(m.config.trajectory.kind, f)]),
    "dimensions": lambda m, f: dimensions_figure(f),
    "stocks": lambda m, f: stocks_figure(f),
    "load": lambda m, f: load_figure(
        [d.name for d in m.departments], [d.load for d in m.departments], f
    ),
    "citizens": lambda m, f: citizens_figure(
        m.population.literacy_quintile,
        m.population.trust,
        m.population.participated,
        m.population.literacy,
    ),
}


def figures(model: GovernanceModel) -> dict[str, Any]:
    """Every live view of the model, by file stem (also what the PNG export writes)."""
    frame = model.dataframe()
    return {name: build(model, frame) for name, build in VIEW_BUILDERS.items()}


def csv_bytes(model: GovernanceModel) -> bytes:
    return model.dataframe().to_csv(index=False).encode()


def figures_zip(model: GovernanceModel) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, fig in figures(model).items():
            archive.writestr(f"{name}.png", png_bytes(fig))
    return buffer.getvalue()


def run_name(model: ClassroomModel) -> str:
    p = model.params
    return f"govsim_{p['trajectory']}_{p['city']}_seed{p['rng']}_month{model.month}"


# ---- components ----------------------------------------------------------------------------------
@solara.component
def View(model: GovernanceModel, name: str):
    """One live figure, redrawn when the model steps; with its own PNG download."""
    update_counter.get()  # Mesa's ModelController bumps this after each step
    month = model.month
    png = solara.use_memo(
        lambda: png_bytes(VIEW_BUILDERS[name](model, model.dataframe())), [id(model), month]
    )
    with solara.Column(gap="0px", style={"min-width": "380px"}):
        solara.Image(png, width="100%")
        solara.FileDownload(
            png,
            filename=f"{name}_month{month}.png",
            label=f"{name}.png",
            icon_name="mdi-download",
            mime_type="image/png",
        )


@solara.component
def Monitors(model: GovernanceModel):
    """NetLogo-style monitors."""
    update_counter.get()
    frame = model.dataframe()
    last = frame.iloc[-1] if len(frame) else None
    values = {
        "Month": f"{model.month} / {model.config.months}",
        "Cumulative value": f"{model.cumulative_value:.2f}",
        "Partners": str(len(model.co_creation_partners)),
        "Stale data share": f"{100 * last['stale_share']:.0f}%" if last is not None else "–",
        "Breaches": str(int(frame["breaches"].sum())) if last is not None else "0",
        "p, o": f"{model.proactivity:.2f}, {model.openness:.2f}",
        "Phasing": phasing_order(frame) if last is not None else "–",
    }
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        for label, value in values.items():
            with solara.Card(margin=0, style={"min-width": "120px", "padding": "4px 10px"}):
                solara.Text(label, style={"font-size": "0.8em", "color": "#666"})
                solara.Text(
                    f"{label}: {value}" if label == "Month" else value,
                    classes=[f"monitor-{label.split()[0].lower().rstrip(',')}"],
                    style={"font-size": "1.2em", "font-weight": "bold", "display": "block"},
                )


@solara.component
def Exports(model: ClassroomModel):
    update_counter.get()
    name = run_name(model)
    with solara.Row(gap="8px"):
        solara.FileDownload(
            lambda: csv_bytes(model),
            filename=f"{name}.csv",
            label="Download run (CSV)",
            mime_type="text/csv",
        )
        solara.FileDownload(
            lambda: figures_zip(model),
            filename=f"{name}_figures.zip",
            label="All figures (PNG, zip)",
            mime_type="application/zip",
        )


@solara.component
def RunTab(model: ClassroomModel):
    Monitors(model)
    Exports(model)
    with solara.ColumnsResponsive(12, medium=6, xlarge=4):
        for name in VIEW_BUILDERS:
            View(model, name)


@solara.component
def Controls(params: solara.Reactive[dict], model: ClassroomModel):
    """Sliders and switches; presets fill them. Values apply when Reset is pressed."""
    p = params.value

    def update(**changes):
        params.value = {**params.value, **changes}

    def set_trajectory(kind):
        if kind == "custom":
            update(trajectory=kind)
        else:
            pro, ope = trajectory_point(kind)
            update(trajectory=kind, proactivity=pro, openness=ope)

    def set_resources(level):
        update(resources=level, **resource_preset(level))

    path_error = None
    if p["trajectory"] == "custom" and p["path"].strip():
        try:
            parse_path(p["path"])
        except ConfigError as e:
            path_error = str(e)
    seed_error = None
    try:
        coerce_seed(p["rng"])
    except ConfigError as e:
        seed_error = str(e)

    solara.Select(
        "Trajectory preset", value=p["trajectory"], values=list(PRESETS), on_value=set_trajectory
    )
    solara.SliderFloat(
        f"Proactivity (custom): {p['proactivity']:.2f}",
        value=p["proactivity"],
        min=0,
        max=1,
        step=0.05,
        on_value=lambda v: update(proactivity=v),
    )
    solara.SliderFloat(
        f"Openness (custom): {p['openness']:.2f}",
        value=p["openness"],
        min=0,
        max=1,
        step=0.05,
        on_value=lambda v: update(openness=v),
    )
    if p["trajectory"] == "custom":
        solara.InputText(
            "Custom path (month: p, o; ...), empty = the point above",
            value=p["path"],
            on_value=lambda v: update(path=v),
            continuous_update=False,
        )
        if path_error:
            solara.Error(path_error)
    solara.Select(
        "Resources preset (configs/resources)",
        value=p["resources"],
        values=list(RESOURCE_LEVELS),
        on_value=set_resources,
    )
    solara.SliderFloat(
        f"Budget: {p['budget']:.1f} M€/month",
        value=p["budget"],
        min=0.1,
        max=2.0,
        step=0.1,
        on_value=lambda v: update(budget=v),
    )
    solara.SliderFloat(
        f"Staff hours: {p['staff_hours']:.0f} h/dept/month",
        value=p["staff_hours"],
        min=10,
        max=160,
        step=5,
        on_value=lambda v: update(staff_hours=v),
    )
    solara.SliderFloat(
        f"Partnership push: {p['push']:.2f}",
        value=p["push"],
        min=0,
        max=1,
        step=0.05,
        on_value=lambda v: update(push=v),
    )
    solara.Select(
        "City size (configs/city)",
        value=p["city"],
        values=list(CITIES),
        on_value=lambda v: update(city=v),
    )
    solara.Switch(
        label="Digital mediation", value=p["mediation"], on_value=lambda v: update(mediation=v)
    )
    solara.Switch(
        label="Elections every 72 months",
        value=p["elections"],
        on_value=lambda v: update(elections=v),
    )
    solara.InputText(
        "Seed",
        value=str(p["rng"]),
        on_value=lambda v: update(rng=v.strip()),
        continuous_update=False,
    )
    if seed_error:
        solara.Error(seed_error)
    if {k: v for k, v in p.items() if k != "rng"} != {
        k: v for k, v in model.params.items() if k != "rng"
    } or str(p["rng"]) != str(model.params["rng"]):
        solara.Info("Settings changed: press Reset to apply them.", dense=True)


@solara.component
def CompareTab(params: dict):
    """Two trajectories, same seed and settings, on the same axes."""
    first, set_first = solara.use_state("proactive")
    second, set_second = solara.use_state("open")
    result, set_result = solara.use_state(None)
    error, set_error = solara.use_state(None)

    def compare():
        try:
            frames = [run_frame(params, first), run_frame(params, second)]
        except ConfigError as e:
            set_error(str(e))
            return
        set_error(None)
        set_result((first, second, coerce_seed(params["rng"]), frames))

    Prose(
        "Run two trajectories to the horizon **on the same seed** and with the sidebar's "
        "settings (city, resources, push, mediation, elections), and see both on the same axes."
    )
    with solara.Row(gap="12px", style={"align-items": "center"}):
        solara.Select("Trajectory A", value=first, values=list(PRESETS), on_value=set_first)
        solara.Select("Trajectory B", value=second, values=list(PRESETS), on_value=set_second)
        solara.Button("Run comparison", color="primary", on_click=compare)
    if error:
        solara.Error(error)
    if result is None:
        return
    a, b, seed, (fa, fb) = result
    runs = [Series(f"A: {a}", fa, RUN_COLORS[0]), Series(f"B: {b}", fb, RUN_COLORS[1])]
    gap = fa["value_cumulative"].to_numpy() - fb["value_cumulative"].to_numpy()
    sign = gap > 0
    changes = [int(fa["month"].iloc[i]) for i in range(1, len(sign)) if sign[i] != sign[i - 1]]
    cross = f"the lead changes at month {changes[-1]}" if changes else "no crossover"
    solara.Text(
        f"Seed {seed}: cumulative value A ({a}) = {fa['value_cumulative'].iloc[-1]:.1f}, "
        f"B ({b}) = {fb['value_cumulative'].iloc[-1]:.1f}; {cross}.",
        classes=["compare-summary"],
    )
    traj = ModelConfig().trajectory
    with solara.ColumnsResponsive(12, medium=6):
        for stem, fig in (
            ("compare_path", path_figure(runs, traj)),
            ("compare_value", value_figure(runs)),
        ):
            png = png_bytes(fig)
            with solara.Column(gap="0px"):
                solara.Image(png, width="100%")
                solara.FileDownload(
                    png,
                    filename=f"{stem}_{a}_vs_{b}.png",
                    label=f"{stem}.png",
                    icon_name="mdi-download",
                    mime_type="image/png",
                )


INFO = """
## What is it?
A municipality runs a smart-city policy for 144 months (two 6-year mandates). A **mayor** sets
the governance point each month — how **proactive** (top-down steering, "structure first") and
how **open** (across silos, with citizens and partners) — and splits the budget. **DGAs** spend
limited attention, **departments** ration their digital staff hours, **partners** build
infrastructure or co-create services, and thousands of **citizens** use services, participate,
trust or are excluded. **Public value** is counted on nine dimensions, and so is its
**destruction** (exclusion, privacy breaches, environmental footprint, stale open data).

## How to use it
1. Pick a **trajectory preset** (proactive, open, phased, combined) or *custom*. Presets put their
   governance point on the sliders; *custom* uses the sliders (or a path such as
   `0: 0.9, 0.1; 48: 0.2, 0.9`).
2. Pick a **resources preset** and a **city size**: they load the same configuration files the
   researchers use. Adjust budget, staff hours, partnership push, mediation, elections, seed.
3. Press **Reset** to build the city with these settings, then **Step** (one month) or **▶**
   (play; **❚❚** pauses). *Play interval* sets the speed.
4. **Compare** runs two trajectories on the same seed. Download the run as CSV or the figures
   as PNG.

## Things to notice
- **The crossover**: *proactive* creates value first; *open* and *phased* start slowly but
  overtake it. Find the month in Compare (proactive vs open).
- **The phasing order**: infrastructure I moves first, then culture C, then institutions Q (the
  stocks panel and the *Phasing* monitor show I → C → Q). Culture needs technology first.
- **The plateau**: under *open*, partners keep joining until departments run out of hours — the
  load bars turn red, the monthly flow stops growing. Hours, not ideas, are the limit.
- **Destruction**: with a proactive techno-push and no mediation, the bottom literacy group
  loses trust and the inclusion dimension goes below zero.

## Things to try
- *open* with **tight** then **generous** resources: does openness still pay?
- Raise **partnership push** to 1: more partners, more load, staler data.
- Switch **mediation** off under *proactive* and watch the lowest quintile.
- A custom path that opens up at month 24, 48 or 96: when is the best moment?

## Sources
- Frucquet (2024), *Comment conduire des politiques de Smart City … créatrices de valeur
  publique ?*, HAL hal-04618370 — the trajectories, the phasing, the plateau.
- Frucquet, Carassus, Chabaud & Marin, *Gestion et Management Public*, HAL hal-04344052 —
  governance modes and Harrison's value generators.
- Baldé & Carassus (2020) — the proactivity × openness grid.
- Csukás & Szabó (2021), *Cities* 112:103116 — nine components of smart-city value.
- Harrison et al. (2012), *Information Polity* 17 — six value generators.
- Moore (1995), *Creating Public Value*; Bitterman & Koliba (2020), *JPART*.
- INSEE (2019, 2021) — illectronism by age.

The model's equations and assumptions are in `docs/ODD.md`.
"""


@solara.component
def Prose(text: str, classes: str = ""):
    """Markdown rendered on the server: solara.Markdown would fetch mermaid/katex from the CDN."""
    html = solara.use_memo(lambda: markdown.markdown(text), [text])
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=[classes] if classes else [])


@solara.component
def InfoTab():
    Prose(INFO, "info-panel")


@solara.component
def Page():
    # Per session: this state lives in the page's render context, never at module level.
    params = solara.use_reactive(dict(DEFAULT_PARAMS))
    initial = solara.use_memo(lambda: ClassroomModel(**DEFAULT_PARAMS), [])
    model = solara.use_reactive(initial)
    play_interval = solara.use_reactive(150)
    months_per_frame = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)  # ModelController reads `.value` on it

    solara.Title("govsim classroom")
    with solara.AppBar():
        solara.AppBarTitle("govsim — smart-city governance trajectories")
    with solara.Sidebar():
        with solara.Card("Run", margin=0):
            ModelController(
                model,
                model_parameters=params,
                play_interval=play_interval,
                render_interval=months_per_frame,
                use_threads=use_threads,
            )
            solara.SliderInt(
                f"Speed: pause {play_interval.value} ms between frames",
                value=play_interval,
                min=0,
                max=1000,
                step=50,
            )
            solara.SliderInt(
                f"Months per frame: {months_per_frame.value}", value=months_per_frame, min=1, max=12
            )
        with solara.Card("Settings", margin=0):
            Controls(params, model.value)
    with solara.lab.Tabs():
        with solara.lab.Tab("Run"):
            RunTab(model.value)
        with solara.lab.Tab("Compare"):
            CompareTab(params.value)
        with solara.lab.Tab("Info"):
            InfoTab()


# ---- launcher ------------------------------------------------------------------------------------
def command(host: str = "127.0.0.1", port: int = 8765) -> list[str]:
    """The `solara run` command line this module wraps."""
    return [
        sys.executable, "-m", "solara", "run", "sim.app.main:Page",
        "--host", host, "--port", str(port),
        "--production", "--no-open", "--no-check-version",
    ]  # fmt: skip


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    return env


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sim.app", description="govsim classroom app (Solara, in the browser)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    print(f"govsim classroom app on http://{args.host}:{args.port}  (Ctrl+C stops it)")
    os.execve(sys.executable, command(args.host, args.port), server_env())


if __name__ == "__main__":
    main()
