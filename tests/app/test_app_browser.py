"""End to end: the classroom app in a real browser (Debian chromium driven by Playwright), offline.

The fixture starts `python -m sim.app`'s server on a free port with the CDN pointed at a closed
local port, so any front-end asset missing from the offline cache (scripts/fetch_assets) becomes
an HTTP error; the browser may only talk to 127.0.0.1. Any request elsewhere, any HTTP status
>= 400 and any page error fails the test. Screenshots go to results/screenshots/.

Speed is printed as benchmark figures (run with -s), not asserted: the machine is shared.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
import system
from browser import CHROMIUM, CHROMIUM_ARGS, serve

from sim.core.model import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "results" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 30_000
VIEWPORTS = ((1366, 768), (1024, 768))
SEED_ERROR = "Seed must be a whole number from 0 to 2^63 − 1 (9,223,372,036,854,775,807)"

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
# Chromium drives the page; npm filled the app's offline front-end cache (scripts/fetch_assets).
pytestmark = [pytest.mark.slow, system.needs("browser"), system.needs("assets")]


@pytest.fixture(scope="module")
def server():
    with serve(ROOT) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """Collects everything that must not happen: foreign hosts, HTTP errors, page errors."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page) -> None:
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def _request(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
            self.problems.append(f"request left 127.0.0.1: {request.url}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


def open_page(browser, url, watch, size=(1366, 768)):
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch.attach(page)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(  # every chart drawn and fed its (empty) data
        "() => window.govsimCharts && Object.keys(window.govsimCharts).length === 7"
        " && Object.values(window.govsimCharts).every(c => c.view)"
    )
    month(page, 0)
    return context, page, time.perf_counter() - start


def current_month(page) -> int:
    return int(page.locator(".monitor-month .govsim-monitor-value").inner_text().split("/")[0])


def month(page, n: int, *, or_later: bool = False) -> None:
    """Wait until the page shows month `n`: exactly (after a reset, a step, or at the end), or
    `or_later` while it plays, since a lagging page's frames carry several months and the
    monitor may step over `n`."""
    page.wait_for_function(
        "([n, later]) => {"
        " const e = document.querySelector('.monitor-month .govsim-monitor-value');"
        " const m = e && parseInt(e.innerText); return e && (later ? m >= n : m === n); }",
        arg=[n, or_later],
    )


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def no_traceback(page) -> None:
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Error:" not in body.replace("ZeroDivisionError", "")


def boxes(page, selector: str) -> list[dict]:
    return page.locator(selector).evaluate_all(
        "els => els.filter(e => e.offsetParent !== null).map(e => {"
        " const r = e.getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })"
    )


def overlap(a: dict, b: dict) -> bool:
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and (
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    )


def play_rate(page, speed: str, seconds: float | None = None) -> tuple[float, int]:
    """Months per second while playing at `speed` (to the end, or for `seconds`)."""
    page.locator(".govsim-speed").select_option(speed)
    start_month = current_month(page)
    start = time.perf_counter()
    page.locator(".govsim-play").click()
    if seconds is None:
        month(page, 144)
    else:
        time.sleep(seconds)
    elapsed = time.perf_counter() - start
    done = current_month(page) - start_month
    return done / elapsed, done


def test_layout_fits_a_projector(server, browser):
    """No overlap, no sideways scroll; at 1366×768 the story views fit on one screen."""
    watch = Watch()
    for width, height in VIEWPORTS:
        context, page, _ = open_page(browser, server + "?lang=fr", watch, (width, height))
        page.locator(".govsim-play").click()
        month(page, 30, or_later=True)
        page.locator(".govsim-play").click()
        shot(page, f"run_{width}x{height}_fr")
        charts = boxes(page, ".govsim-chart")
        others = boxes(page, ".govsim-side, .govsim-monitors, .govsim-header")
        assert len(charts) == 7
        for i, a in enumerate(charts + others):
            assert a["left"] >= -0.5 and a["right"] <= width + 0.5, (width, a)
            for b in (charts + others)[i + 1 :]:
                assert not overlap(a, b), (width, a, b)
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.querySelector('.govsim-main').scrollWidth,"
            " document.querySelector('.govsim-main').clientWidth]"
        )
        assert widths[0] <= widths[1] and widths[2] <= widths[3], widths
        if width == 1366:
            assert all(c["bottom"] <= height for c in charts[:3]), charts[:3]
        # The sidebar folds away and the charts take the room.
        main = boxes(page, ".govsim-main")[0]
        page.get_by_role("button", name="Afficher ou masquer les commandes").click()
        page.wait_for_function("() => document.querySelector('.govsim-side.closed')")
        wider = boxes(page, ".govsim-main")[0]
        assert wider["right"] - wider["left"] > main["right"] - main["left"] + 250
        shot(page, f"run_{width}x{height}_fr_folded")
        context.close()
    assert watch.problems == []


def test_invalid_inputs_never_show_a_traceback(server, browser):
    watch = Watch()
    context, page, _ = open_page(browser, server, watch)
    reset = page.get_by_role("button", name="Reset", exact=True)
    seed = page.get_by_label("Seed (random draws)")
    for bad in ("abc", "-3", "1.5", ""):
        seed.fill(bad)
        page.get_by_text(SEED_ERROR).wait_for()
        expect(reset).to_be_disabled()
        no_traceback(page)
    seed.fill("2")
    page.get_by_text(SEED_ERROR).wait_for(state="detached")
    expect(reset).to_be_enabled()
    page.get_by_label("Trajectory").click(force=True)
    page.get_by_role("option", name="custom", exact=True).click()
    path = page.get_by_label("Custom path (month: p, o; …)")
    for bad, said in (
        ("48: 1.5, 0.9", "point 1: proactivity p must be between 0 and 1 (got 1.5)"),
        ("0: 1.2.3, 0.1", "point 1 (“0: 1.2.3, 0.1”): write it as month: p, o"),
        ("24: 0.5, 0.5; 12: 0.2, 0.9", "month 12 must come after month 24"),
    ):
        path.fill(bad)
        page.get_by_text(said, exact=False).wait_for()
        expect(reset).to_be_disabled()
        no_traceback(page)
    path.fill("0: 0.9, 0.1; 24: 0.2, 0.9")
    expect(reset).to_be_enabled()
    reset.click()
    page.get_by_role("button", name="Step", exact=True).click()
    month(page, 1)
    # month 1 of a straight line from (0.9, 0.1) at month 0 to (0.2, 0.9) at month 24
    assert page.locator(".monitor-point .govsim-monitor-value").inner_text() == "0.87 / 0.13"
    no_traceback(page)
    shot(page, "inputs")
    context.close()
    assert watch.problems == []


def test_levers_during_the_run_french_and_exports(server, browser, tmp_path):
    watch = Watch()
    context, page, _ = open_page(browser, server + "?lang=fr", watch)
    page.get_by_role("button", name="Réinitialiser", exact=True).wait_for()
    assert page.locator(".monitor-month .govsim-monitor-label").inner_text() == "Mois"
    spec = page.evaluate("window.govsimCharts.path.spec")
    assert "Trajectoire de gouvernance" in spec and "ouverture o" in spec
    page.locator(".govsim-speed").select_option("6")
    play = page.get_by_role("button", name="▶ Lecture")
    play.focus()
    page.keyboard.press("Enter")  # the keyboard plays
    month(page, 12, or_later=True)
    slider = page.locator(".govsim-lever-openness").get_by_role("slider")
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")  # a lever pulled while the run plays
    page.locator(".govsim-levers", has_text="Ouverture o →").wait_for()
    pulled = page.locator(".govsim-levers li").first.inner_text()
    lever_month = int(pulled.split()[1])
    page.get_by_role("button", name="❚❚ Pause").click()
    marks = page.evaluate("window.govsimCharts.path.view.data('events')")
    assert any(m["kind"] == "lever" and m["month"] == lever_month for m in marks)
    rows = page.evaluate("window.govsimCharts.path.view.data('rows')")
    after = [r["o"] for r in rows if r["month"] > lever_month]
    assert after and all(o > 0.1 for o in after)  # the path records it
    shot(page, "lever_fr")

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la simulation (CSV)").click()
    table = pd.read_csv(download.value.path())
    assert list(table.columns) == list(COLUMNS) and len(table) == current_month(page)
    with page.expect_download() as download:
        page.locator(".govsim-png").nth(1).click()
    assert Path(download.value.path()).read_bytes()[:4] == b"\x89PNG"

    page.get_by_role("tab", name="Comparer").click()
    page.get_by_role("button", name="Lancer la comparaison").click()
    page.get_by_text("ressources suffisantes (budget 1,0 M€/mois").wait_for()
    shot(page, "compare_fr")
    page.get_by_role("tab", name="À propos").click()
    page.get_by_text("À remarquer").wait_for()
    page.get_by_role("button", name="English").click()
    page.get_by_role("tab", name="Info").wait_for()
    context.close()
    assert watch.problems == []


def test_charts_out_of_sight_catch_up_when_shown(server, browser):
    """Charts on a hidden tab or below the fold only queue their rows; shown, they hold every
    month (a lagging page's frames carry several months: all of them must arrive)."""
    watch = Watch()
    context, page, _ = open_page(browser, server, watch)
    rows = "name => window.govsimCharts[name].view.data('rows').length"
    page.get_by_role("tab", name="Info").click()
    page.locator(".govsim-speed").select_option("48")
    page.locator(".govsim-play").click()
    month(page, 40, or_later=True)
    page.locator(".govsim-play").click()  # pause
    page.wait_for_function("() => !window.govsimPlayer.playing && !window.govsimPlayer.inflight")
    shown = current_month(page)
    assert page.evaluate(rows, "value") < shown  # hidden: nothing drawn meanwhile
    page.get_by_role("tab", name="Run").click()
    page.wait_for_function(f"() => ({rows})('value') === {shown}")
    page.wait_for_function(f"() => ({rows})('dimensions') === 18 * {shown}")
    assert page.evaluate(rows, "partners") < shown  # below the fold at 1366×768
    page.locator(".govsim-chart").nth(5).scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({rows})('partners') === {shown}")
    months = page.evaluate("window.govsimCharts.partners.view.data('rows').map(r => r.month)")
    assert months == list(range(1, shown + 1))
    context.close()
    assert watch.problems == []


def test_speed_alone_and_with_five_sessions(server, browser):
    """Benchmark figures: months per second at one month per frame, every view live."""
    watch = Watch()
    context, page, first_render = open_page(browser, server, watch)
    shot(page, "start_1366x768")
    frames0 = frames(page)
    rate24, played = play_rate(page, "24")
    per_frame = played / max(frames(page) - frames0, 1)
    shot(page, "end_1366x768")
    measured = page.evaluate("window.govsimPlayer.measured")
    page.get_by_role("button", name="Reset", exact=True).click()
    month(page, 0)
    rate_max, _ = play_rate(page, "0")
    context.close()

    sessions = [open_page(browser, server, watch) for _ in range(5)]
    for _, p, _ in sessions:
        p.locator(".govsim-speed").select_option("24")
    starts = []
    for _, p, _ in sessions:
        p.locator(".govsim-play").click()
        starts.append(clock(p))
    time.sleep(4)  # at 24 months/s a run ends after 6 s: measure before it does
    ends = [clock(p) for _, p, _ in sessions]
    # each page in its own clock, from its Play to when it was read (reads take turns)
    rates = [(m1 - m0) / (t1 - t0) for (t0, m0, _), (t1, m1, _) in zip(starts, ends, strict=True)]
    fps = [(f1 - f0) / (t1 - t0) for (t0, _, f0), (t1, _, f1) in zip(starts, ends, strict=True)]
    for c, _, _ in sessions:
        c.close()
    assert watch.problems == []
    assert all(r > 0 for r in rates)
    print(
        f"\nBENCHMARK classroom app, default city, 7 live charts, "
        f"{os.cpu_count()} CPUs (load {os.getloadavg()[0]:.1f}):"
        f"\n  first render {first_render:.2f} s"
        f"\n  alone, speed 24: {rate24:.1f} months/s wall clock"
        f" (the player's own figure {measured:.1f}), {per_frame:.2f} months per frame"
        f"\n  alone, as fast as possible: {rate_max:.1f} months/s, one month per frame"
        f"\n  five sessions at speed 24, each: {', '.join(f'{r:.1f}' for r in rates)} months/s"
        f" in {', '.join(f'{f:.1f}' for f in fps)} frames/s (a lagging page draws the months"
        " due in one frame; python -m benchmarks.app_sessions --one-month-per-frame for the rest)"
    )


def frames(page) -> int:
    return page.evaluate("window.govsimPlayer.frames")


def clock(page) -> tuple[float, int, int]:
    """(seconds, month shown, frames drawn), read in one go in the page's own clock."""
    t, shown, drawn = page.evaluate(
        "() => [performance.now(), parseInt(document.querySelector("
        "'.monitor-month .govsim-monitor-value').innerText), window.govsimPlayer.frames]"
    )
    return t / 1000, shown, drawn


def test_offline_cache_is_complete():
    """Every asset the installed Solara names is in the cache that scripts/fetch_assets fills."""
    listing = subprocess.run(
        ["bash", str(ROOT / "scripts" / "fetch_assets"), "--list"],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    cache = Path(listing[0].removeprefix("cache: "))
    missing = [spec for spec in listing[1:] if not (cache / spec / ".complete").exists()]
    assert not missing, f"missing from {cache}: {missing}; run bash scripts/fetch_assets"
