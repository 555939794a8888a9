"""The classroom app with N sessions playing at once: months per second each, and CPU per month.

    python -m benchmarks.app_sessions                    # five sessions at speed 24
    python -m benchmarks.app_sessions --sessions 1 --speed 0 --seconds 8
    python -m benchmarks.app_sessions --app-root /tmp/base   # another checkout's app (a baseline)
    python -m benchmarks.app_sessions --one-month-per-frame  # no coalescing when a page lags

Starts the app's server (`python -m sim.app`'s command, offline: the CDN points at a closed port),
opens the first page alone to time its first render, then the others, each in its own browser
context (its own session and model), and presses Play on all of them. Over a fixed window it
reads each page's month (wall-clock months per second, per session) and the CPU seconds the
server process and every chromium process spent (from /proc), so the cost per simulated month
is known even when other work loads the machine; the load average is printed beside it.
A page that lags draws the months due in one frame (sim/app/player.vue), so frames per second
and months per frame are printed too; --one-month-per-frame turns that off.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from sim.app.settings import SPEEDS

ROOT = Path(__file__).resolve().parent.parent
CHARTS = 7  # the Run tab's live charts
READY = (
    f"() => window.govsimCharts && Object.keys(window.govsimCharts).length === {CHARTS}"
    " && Object.values(window.govsimCharts).every(c => c.view)"
    " && document.querySelector('.monitor-month .govsim-monitor-value')"
)
MONTH = "() => parseInt(document.querySelector('.monitor-month .govsim-monitor-value').innerText)"
# In the page's own clock: now, the month shown and the frames drawn so far (older apps count
# no frames: one month each), and the player's last frame (its time and month), so a run that
# reached the horizon inside the window is timed to its last frame, not to the window's end.
STATE = """() => {
  const p = window.govsimPlayer, last = p.stamps[p.stamps.length - 1];
  const month = parseInt(document.querySelector('.monitor-month .govsim-monitor-value').innerText);
  return [performance.now(), month, p.frames === undefined ? null : p.frames,
          last ? last[0] : null, last ? last[1] : null];
}"""


def _browser():
    """tests/browser.py: chromium's path and flags and the offline app server, shared with the
    browser tests (it is a test helper, not part of the package, so it is loaded by path)."""
    spec = importlib.util.spec_from_file_location("browser", ROOT / "tests" / "browser.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants, from /proc."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


@dataclass
class Result:
    first_render: float
    rates: list[float]
    frame_rates: list[float]
    months: int
    seconds: float
    server_cpu: float
    browser_cpu: float
    load: tuple[float, float]


def measure(
    url: str, server_pid: int, sessions: int, speed: int, seconds: float, coalesce: bool
) -> Result:
    from playwright.sync_api import sync_playwright

    shared = _browser()
    chromium, args = shared.CHROMIUM, shared.CHROMIUM_ARGS
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=args)
        browser_pid = _browser_pid(browser)
        pages = []
        first_render = 0.0
        for i in range(sessions):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            if not coalesce:
                context.add_init_script("window.govsimCoalesce = false")
            page = context.new_page()
            page.set_default_timeout(60_000)
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_function(READY)
            page.wait_for_function(MONTH + " === 0")
            if i == 0:
                first_render = time.perf_counter() - start
            page.locator(".govsim-speed").select_option(str(speed))
            pages.append(page)
        time.sleep(1.0)  # let the last page settle
        load_before = os.getloadavg()[0]
        cpu0 = (tree_cpu(server_pid), tree_cpu(browser_pid))
        starts = []
        for page in pages:
            page.locator(".govsim-play").click()
            starts.append(page.evaluate(STATE))
        wall = time.perf_counter()
        time.sleep(seconds)
        ends = [page.evaluate(STATE) for page in pages]
        wall = time.perf_counter() - wall
        cpu1 = (tree_cpu(server_pid), tree_cpu(browser_pid))
        load_after = os.getloadavg()[0]
        browser.close()
    rates, frame_rates, months = [], [], 0
    for (t0, m0, f0, _, _), (now, month, f1, t1, m1) in zip(starts, ends, strict=True):
        if t1 is None or t1 <= t0:  # no frame since Play: nothing played
            t1, m1 = now, month
        seconds_played = (t1 - t0) / 1000
        rates.append((m1 - m0) / seconds_played)
        frame_rates.append(((f1 - f0) if f1 is not None else (m1 - m0)) / seconds_played)
        months += month - m0
    return Result(
        first_render,
        rates,
        frame_rates,
        months,
        wall,
        cpu1[0] - cpu0[0],
        cpu1[1] - cpu0[1],
        (load_before, load_after),
    )


def _browser_pid(browser) -> int:
    """The browser's main process: the first chromium process started under this one."""
    kids = [
        p for p in psutil.Process().children(recursive=True) if "chrom" in (p.name() or "").lower()
    ]
    if not kids:
        raise RuntimeError("no chromium process found under this benchmark")
    return min(kids, key=lambda p: p.create_time()).pid


MODE = {True: "a lagging page may draw several months per frame", False: "one month per frame"}


def report(r: Result, sessions: int, speed: int, coalesce: bool) -> str:
    ms = lambda cpu: f"{cpu / r.months * 1e3:.1f} ms" if r.months else "–"  # noqa: E731
    return "\n".join(
        [
            f"classroom app: {sessions} session(s) at speed {speed or 'max'}, default city, "
            f"{MODE[coalesce]}, "
            f"{CHARTS} live charts, {os.cpu_count()} CPUs",
            f"  load average (1 min) before/after the window: {r.load[0]:.2f} / {r.load[1]:.2f}",
            f"  first render (first page, alone): {r.first_render:.2f} s",
            f"  months/s per session: {', '.join(f'{x:.1f}' for x in r.rates)}"
            f"  (min {min(r.rates):.1f}, over {r.seconds:.1f} s)",
            f"  frames/s per session: {', '.join(f'{x:.1f}' for x in r.frame_rates)}"
            f"  (months per frame {sum(r.rates) / max(sum(r.frame_rates), 1e-9):.2f})",
            f"  months played in all: {r.months}",
            f"  CPU per simulated month: server {ms(r.server_cpu)}, browser {ms(r.browser_cpu)}"
            f"  (server {r.server_cpu:.2f} s, browser {r.browser_cpu:.2f} s in the window)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5, help="pages playing at once (1–20)")
    parser.add_argument(
        "--speed", type=int, default=24, choices=SPEEDS, help="months per second; 0 = max"
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="measuring window (1–60 s)")
    parser.add_argument("--app-root", type=Path, default=ROOT, help="checkout whose app to run")
    parser.add_argument(
        "--one-month-per-frame", action="store_true", help="no coalescing when a page lags"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 20:
        parser.error(f"--sessions must be between 1 and 20 (got {args.sessions})")
    if not 1.0 <= args.seconds <= 60.0:
        parser.error(f"--seconds must be between 1 and 60 (got {args.seconds})")
    if not (args.app_root / "sim" / "app" / "main.py").exists():
        parser.error(
            f"--app-root must be a govsim checkout (no sim/app/main.py under {args.app_root})"
        )
    with _browser().serve(args.app_root.resolve()) as (url, proc):
        coalesce = not args.one_month_per_frame
        result = measure(url, proc.pid, args.sessions, args.speed, args.seconds, coalesce)
    print(report(result, args.sessions, args.speed, coalesce))
    return 0


if __name__ == "__main__":
    sys.exit(main())
