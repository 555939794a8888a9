"""The app's three browser-side widgets (Vue templates, see the .vue files beside this one).

- `StreamChart`: one Vega-Lite chart, drawn once and then fed rows (`apply`), PNG in the browser.
- `Player`: Step / Play / Pause and the speed; the clock runs in the browser and asks Python for
  the months due (`vue_tick`: one per frame, several when the browser lags), so frames never
  pile up.
- `Monitors`: NetLogo-style monitors, set as one trait per frame (no page re-render).

They are plain ipyvuetify templates, so Solara serves them like its own VegaLite widget and they
load Vega from the same offline cache (`scripts/fetch_assets`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipyvuetify as v
import traitlets

HERE = Path(__file__).resolve().parent


class StreamChart(v.VuetifyTemplate):
    template_file = str(HERE / "stream_chart.vue")
    # The spec travels as JSON text: Solara then compares one string per render, not a tree.
    spec = traitlets.Unicode("{}").tag(sync=True)
    chart_id = traitlets.Unicode("").tag(sync=True)  # live charts: fed by the player's frames
    height = traitlets.Int(300).tag(sync=True)
    locale = traitlets.Dict().tag(sync=True)
    png_name = traitlets.Unicode("chart.png").tag(sync=True)
    png_label = traitlets.Unicode("PNG").tag(sync=True)
    png_text = traitlets.Unicode("PNG").tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    on_ready = traitlets.Callable(None, allow_none=True)

    def vue_ready(self, *_: Any) -> None:
        """The chart (re)embedded its spec: it needs the full data."""
        if self.on_ready is not None:
            self.on_ready(self)

    def apply(self, batch: dict[str, Any]) -> None:
        """Send rows to insert and datasets to replace (a Vega changeset in the browser)."""
        self.send({"method": "apply", "args": [batch]})

    @traitlets.default("cdn")
    def _cdn(self) -> str | None:
        import solara.settings

        return None if solara.settings.assets.proxy else solara.settings.assets.cdn


class Player(v.VuetifyTemplate):
    template_file = str(HERE / "player.vue")
    labels = traitlets.Dict().tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)
    speeds = traitlets.List().tag(sync=True)
    mps = traitlets.Int(24).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    ended = traitlets.Bool(False).tag(sync=True)
    on_tick = traitlets.Callable(None, allow_none=True)  # months -> the frame

    def vue_tick(self, months: Any = 1) -> None:
        """The browser asks for the months now due (one, or several when it lags); answer
        `done` whatever happens."""
        info: dict[str, Any] = {"month": 0, "stop": True}
        try:
            if self.on_tick is not None:
                info = self.on_tick(months_per_frame(months))
        finally:
            self.send({"method": "done", "args": [info]})

    def stop(self, ended: bool) -> None:
        self.playing = False
        self.ended = ended

    def rewind(self, month: int) -> None:
        """The run went back (Reset): the browser's clock counts from `month` again."""
        self.send({"method": "rewind", "args": [month]})


MAX_MONTHS_PER_FRAME = 12  # a quarter of a second at the fastest set speed (48 months/s)


def months_per_frame(value: Any) -> int:
    """The months one frame asks for, checked: a whole number from 1 to MAX_MONTHS_PER_FRAME."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError(f"months per frame must be a whole number (got {value!r})")
    if not 1 <= value <= MAX_MONTHS_PER_FRAME:
        raise ValueError(
            f"months per frame must be between 1 and {MAX_MONTHS_PER_FRAME} (got {value!r})"
        )
    return int(value)


class Monitors(v.VuetifyTemplate):
    template_file = str(HERE / "monitors.vue")
    items = traitlets.List().tag(sync=True)

    def show(self, items: list[dict[str, str]]) -> None:
        """Show these values now (the trait alone would not resend values it already holds)."""
        self.items = items
        self.send({"method": "show", "args": [items]})


def widget_of(element: Any) -> Any:
    """The live widget behind a Solara element (inside an effect)."""
    import solara

    return solara.get_widget(element)


OnReady = Callable[[StreamChart], None]
