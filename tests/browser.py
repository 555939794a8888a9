"""Launch settings shared by the browser tests: Debian's chromium, driven by Playwright.

No `playwright install`: the tests use the system browser, with the flags that keep it from
reaching for the network on this closed machine (ENGINEERING.md §5).
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
