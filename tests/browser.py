"""What the browser tests and the app benchmark share: Debian's chromium, driven by Playwright,
and the app's server started offline on a free port.

No `playwright install`: the tests use the system browser, with the flags that keep it from
reaching for the network on this closed machine (ENGINEERING.md §5).
"""

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sim.app.main import command, server_env

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app_root: Path, timeout: float = 90):
    """The app's server on a free port, its code taken from `app_root`; yields (url, process).

    Offline: the CDN points at a closed port, so a cache miss fails loudly instead of quietly
    reaching the internet. A server that does not answer within `timeout` s raises RuntimeError
    with the end of its error output.
    """
    port = free_port()
    env = server_env()
    env["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/"
    env["PYTHONPATH"] = str(app_root)
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(command("127.0.0.1", port), env=env, cwd=app_root,
                                stdout=subprocess.DEVNULL, stderr=errors,
                                start_new_session=True)  # fmt: skip
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        errors.seek(0)
                        tail = errors.read().decode(errors="replace")[-2000:]
                        message = f"the app's server did not start on {url}: {tail}"
                        raise RuntimeError(message) from None
                    time.sleep(0.3)
            yield url, proc
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
