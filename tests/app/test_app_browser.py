"""End to end: the classroom app in a real browser (Debian chromium driven by Playwright), offline.

The fixture starts `python -m sim.app`'s server on a free port with the CDN pointed at a closed
local port, so any front-end asset missing from the offline cache (scripts/fetch_assets) becomes
an HTTP error; the browser may only talk to 127.0.0.1. Any request elsewhere, any HTTP status
>= 400 and any page error fails the test. Screenshots go to results/screenshots/. Run with -s to
see the time to first render and the time per step.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
from browser import CHROMIUM, CHROMIUM_ARGS

from sim.app.main import command, server_env
from sim.core.model import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "results" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 30_000

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian chromium (apt-get install -y chromium)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    env = server_env()
    # Offline: a cache miss must fail loudly instead of quietly reaching the internet.
    env["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/"
    proc = subprocess.Popen(
        command("127.0.0.1", port),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"server did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


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


def open_page(browser, url, watch):
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch.attach(page)
    start = time.perf_counter()
    page.goto(url)
    month(page, 0)
    page.locator("main img").first.wait_for()
    return context, page, time.perf_counter() - start


def month(page, n: int) -> None:
    page.get_by_text(f"Month: {n} / 144", exact=True).wait_for()


def current_month(page) -> int:
    text = page.locator(".monitor-month").inner_text()
    return int(text.split(":")[1].split("/")[0])


def plot_sources(page) -> list[str]:
    return page.locator("main img").evaluate_all("els => els.map(e => e.src)")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def choose(page, label: str, option: str) -> None:
    page.get_by_label(label).click(force=True)
    page.get_by_role("option", name=option, exact=True).click()


def test_classroom_app_in_the_browser(server, browser, tmp_path):
    watch = Watch()
    context, page, first_render = open_page(browser, server, watch)
    shot(page, "01_start")

    # Step: the month advances and the plots change. Time a few steps.
    before = plot_sources(page)
    step_times = []
    for n in range(1, 6):
        previous = plot_sources(page)
        start = time.perf_counter()
        page.get_by_role("button", name="Step", exact=True).click()
        month(page, n)
        page.wait_for_function(
            "prev => Array.from(document.querySelectorAll('main img')).every("
            "(e, i) => e.src !== prev[i])",
            arg=previous,
        )
        step_times.append(time.perf_counter() - start)
        if n == 1:
            assert plot_sources(page) != before
    shot(page, "02_stepped")

    # Play, then Pause: months advance on their own, then stop.
    page.get_by_role("button", name="▶", exact=True).click()
    page.wait_for_function(
        "() => parseInt(document.querySelector('.monitor-month').innerText.split(':')[1]) >= 8"
    )
    page.get_by_role("button", name="❚❚", exact=True).click()
    page.get_by_role("button", name="▶", exact=True).wait_for()
    time.sleep(1.5)  # a step already in flight when Pause was pressed may still land
    paused_at = current_month(page)
    assert paused_at >= 8
    time.sleep(1.5)
    assert current_month(page) == paused_at
    shot(page, "03_paused")

    # Move a slider (keyboard on role=slider): its value and label change, Reset is suggested.
    push = page.locator(".v-input", has_text="Partnership push").get_by_role("slider")
    assert push.get_attribute("aria-valuenow") == "0.2"
    push.focus()
    push.press("ArrowRight")
    page.get_by_text("Partnership push: 0.25").wait_for()
    page.get_by_text("Settings changed: press Reset to apply them.").wait_for()

    # Switch preset: the proactivity and openness sliders take the preset's point.
    choose(page, "Trajectory preset", "open")
    page.get_by_text("Proactivity (custom): 0.20").wait_for()
    page.get_by_text("Openness (custom): 0.90").wait_for()

    # Reset: month 0 with the new settings; one step shows the open governance point.
    page.get_by_role("button", name="Reset", exact=True).click()
    month(page, 0)
    page.get_by_role("button", name="Step", exact=True).click()
    month(page, 1)
    page.get_by_text("0.20, 0.90", exact=True).wait_for()

    # Export: the CSV has the model's columns.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download run (CSV)", exact=True).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    table = pd.read_csv(path)
    assert list(table.columns) == list(COLUMNS) and len(table) == 1
    assert download.value.suggested_filename.startswith("govsim_open_default_seed1_month1")

    # Compare: two trajectories on the same seed, on the same axes.
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("button", name="Run comparison", exact=True).click()
    page.get_by_text("Seed 1: cumulative value A (proactive)").wait_for()
    shot(page, "04_compare")
    page.get_by_role("tab", name="Info").click()
    page.get_by_text("Things to notice").wait_for()
    shot(page, "05_info")
    page.get_by_role("tab", name="Run").click()
    month(page, 1)

    # A second browser session has its own model: stepping it leaves the first one alone.
    other_context, other, _ = open_page(browser, server, watch)
    other.get_by_role("button", name="Step", exact=True).click()
    month(other, 1)
    other.get_by_role("button", name="Step", exact=True).click()
    month(other, 2)
    other.get_by_text("0.90, 0.10", exact=True).wait_for()  # its own default preset (phased)
    assert current_month(page) == 1
    page.get_by_text("0.20, 0.90", exact=True).wait_for()

    other_context.close()
    context.close()
    assert watch.problems == []
    per_step = sorted(step_times)[len(step_times) // 2]
    print(
        f"\nclassroom app, default city: first render {first_render:.2f} s; "
        f"time per step (Step click -> month and all plots updated) median {per_step:.2f} s, "
        f"all {[round(t, 2) for t in step_times]}"
    )


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
