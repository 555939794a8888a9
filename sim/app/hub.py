"""The link between one session's live run and its widgets in the browser.

Per frame the hub steps the model the months the player asks for (one, or several when the
browser lags) and answers with one message: the month, each chart's new rows and the monitors
(the player then asks for the next months). Nothing re-renders
the page while it plays: the Solara components are rendered once, and the small `status` the
sidebar shows (p, o, resources, levers pulled, error) is published when the run is paused,
stepped, ended or failed, or a lever is pulled — a Solara re-render costs tens of milliseconds,
more than a frame. Ticks, lever moves and Reset come from the browser on the kernel's
thread; a lock keeps them from interleaving.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sim.app import feed, i18n
from sim.app.session import Session
from sim.app.settings import Built
from sim.app.widgets import Monitors, Player, StreamChart


class Hub:
    def __init__(self, built: Built, lang: str) -> None:
        self.session = Session(built)
        self.lang = lang
        self.charts: dict[str, StreamChart] = {}
        self.player: Player | None = None
        self.monitors: Monitors | None = None
        self.sent = 0  # months whose rows the charts already have
        self.shown: dict[str, dict[str, Any]] = {}  # small datasets each chart shows now
        self.on_status: Callable[[dict[str, Any]], None] | None = None
        self.lock = threading.RLock()

    # ---- widgets ----------------------------------------------------------------------------
    def attach_chart(self, name: str, widget: StreamChart) -> Callable[[], None]:
        """Register a drawn chart; it gets the full data whenever it (re)embeds its spec."""
        self.charts[name] = widget
        widget.chart_id = name
        widget.on_ready = lambda w: self._send_full(name, w)

        def detach() -> None:
            if self.charts.get(name) is widget:
                del self.charts[name]

        return detach

    def attach_player(self, player: Player) -> None:
        self.player = player
        player.on_tick = self.tick
        # Paused: the sidebar catches up with the run (p and o moved while it played).
        player.observe(lambda change: None if change["new"] else self.publish(), "playing")
        player.ended = self.session.ended

    def attach_monitors(self, monitors: Monitors) -> None:
        self.monitors = monitors
        monitors.items = feed.monitors(self.session, self.lang)

    def _send_full(self, name: str, widget: StreamChart) -> None:
        with self.lock:
            full = feed.batch(name, self.session, self.lang, 0)
            self.shown[name] = {**full["replace"], "signals": full.get("signals", {})}
            widget.apply(full)

    # ---- frames -----------------------------------------------------------------------------
    def tick(self, months: int = 1) -> dict[str, Any]:
        """One frame (the player's request): step `months` months (fewer at the end or on an
        error), and answer with everything the page needs in one message (month, stop, each
        chart's rows of those months, monitors)."""
        with self.lock:
            for _ in range(months):
                if not self.session.step():
                    break
            frame = {"month": self.session.month, "stop": self.session.ended}
            frame.update(self.frame())
            if self.session.ended and self.player is not None:
                self.player.ended = True
            return frame

    def frame(self) -> dict[str, Any]:
        """Each chart's rows since the last frame and the small datasets that changed."""
        s = self.session
        batches = {}
        for name in self.charts:
            batch = feed.batch(name, s, self.lang, self.sent)
            shown = self.shown.setdefault(name, {})
            changed = {k: v for k, v in batch.get("replace", {}).items() if shown.get(k) != v}
            shown.update(changed)
            batches[name] = {"insert": batch.get("insert", {}), "replace": changed}
            signals = batch.get("signals", {})
            if shown.get("signals") != signals:  # a new y-range re-encodes the chart: rarely
                shown["signals"] = signals
                batches[name]["signals"] = signals
        self.sent = s.month
        playing = self.player is not None and self.player.playing
        if not playing or s.ended:  # while playing, the monitors say it; no page re-render
            self.publish()
        return {"charts": batches, "monitors": feed.monitors(s, self.lang)}

    def push(self) -> None:
        """Outside a tick (a lever, Reset): send the frame to each chart and the monitors."""
        frame = self.frame()
        for name, batch in frame["charts"].items():
            self.charts[name].apply(batch)
        if self.monitors is not None:
            self.monitors.show(frame["monitors"])

    def status(self) -> dict[str, Any]:
        """What the sidebar shows of the run: p, o, resources, who steers, levers, error."""
        s = self.session
        p, o = s.current_point()
        lines = []
        for lever in s.levers:
            if lever.name == "resume":
                lines.append(i18n.text("lever_resume", self.lang, month=lever.month))
                continue
            digits = 0 if lever.name == "staff_hours" else 2
            lines.append(
                i18n.text(
                    "lever_item",
                    self.lang,
                    month=lever.month,
                    lever=i18n.text(f"lever_{lever.name}", self.lang),
                    value=i18n.number(float(lever.value or 0.0), self.lang, digits),
                )
            )
        error = None
        if s.error is not None:
            error = i18n.text("step_error", self.lang, month=s.month + 1, error=s.error)
        return {
            "p": round(p, 2),
            "o": round(o, 2),
            **s.resources(),
            "held": s.helm.held is not None,
            "levers": tuple(lines),
            "error": error,
        }

    def publish(self) -> None:
        if self.on_status is not None:
            self.on_status(self.status())

    # ---- teacher's actions ----------------------------------------------------------------------
    def reset(self, built: Built) -> None:
        with self.lock:
            if self.player is not None:
                self.player.stop(ended=False)
                self.player.rewind(0)
            self.session.reset(built)
            self.sent = 0
            for name, widget in list(self.charts.items()):
                self._send_full(name, widget)
            if self.monitors is not None:
                self.monitors.show(feed.monitors(self.session, self.lang))
            self.publish()

    def pull(self, name: str, value: float) -> None:
        with self.lock:
            self.session.pull(name, value)
            self.push()
            self.publish()  # even while playing: the lever log must show it at once

    def resume(self) -> None:
        with self.lock:
            self.session.resume()
            self.push()
            self.publish()

    def relabel(self, lang: str) -> None:
        """The page switched language: monitors and status in the new words."""
        with self.lock:
            self.lang = lang
            if self.monitors is not None:
                self.monitors.show(feed.monitors(self.session, lang))
            self.publish()
