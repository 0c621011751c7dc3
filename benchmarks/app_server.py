"""Start the app (`streamlit run app.py`) on a free loopback port, and Debian's Chromium.

One launcher for the browser tests (`tests/browser/test_e2e_*.py`) and the benchmarks
(`bench_app.py`, `workshop_driver.py`, `bench_workshop_load.py`, `bench_capacity.py`).
Playwright is imported only when a browser is launched, so a missing playwright package is
reported by `missing_browser()` instead of failing at import. Never downloads a browser.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

__all__ = [
    "ROOT",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "AppServer",
    "free_port",
    "launch_browser",
    "missing_browser",
    "IDLE_SCRIPT",
    "PROGRESS_CHANGED_SCRIPT",
    "wait_idle",
    "commit_text",
]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PARTNERSHIP_FIT_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Page probes for `page.wait_for_function`: the app has finished its rerun; the progress bar
# text differs from `old` (the argument).
IDLE_SCRIPT = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelectorAll('[data-stale="true"]').length === 0;
}"""
PROGRESS_CHANGED_SCRIPT = """old => {
  const el = document.querySelector('[data-testid="stProgress"]');
  return el !== null && el.innerText !== old;
}"""


def wait_idle(page, timeout: float = 30.0) -> None:  # noqa: ANN001 - a Playwright Page
    """Wait until the app's current rerun has finished drawing.

    While Streamlit reruns, the elements of the previous run stay on the page marked
    `data-stale="true"`, and a click that lands while the new ones arrive can be dropped by
    the browser side (seen in CI: a click on a button right after a text field committed).
    A person waits for the page to settle; so do the drivers, before every click that counts.
    """
    for _ in range(2):  # twice, a moment apart: a rerun may start just after the first check
        page.wait_for_timeout(120)
        page.wait_for_function(IDLE_SCRIPT, timeout=timeout * 1000)


def commit_text(page, label: str, value: str) -> None:  # noqa: ANN001 - a Playwright Page
    """Type `value` into the text field labelled `label`, leave it (Tab), and let it rerun."""
    box = page.get_by_label(label)
    box.fill(value)
    box.press("Tab")
    wait_idle(page)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing_browser() -> str | None:
    """Why the browser cannot run here (Chromium or playwright missing), or None."""
    missing = [] if Path(CHROMIUM).exists() else [f"Chromium at {CHROMIUM}"]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        return f"browser test needs {' and '.join(missing)} (apt-get install chromium)"
    return None


def launch_browser(pw: Playwright) -> Browser:
    """Headless Debian Chromium with the standard arguments."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class AppServer:
    """One `streamlit run app.py` process on 127.0.0.1:port (started and stopped by us).

    `env` is laid over the current environment; the server's output goes to `log_path`.
    `launcher` replaces `-m streamlit` (a script that behaves like it, e.g.
    benchmarks/serve_app.py); `cpus` pins the server to those CPUs (`taskset -c`).
    """

    port: int
    env: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    launcher: Path | None = None
    cpus: str | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _log_tail(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return f"\n{text[-2000:]}"

    def start(self, timeout: float = 60.0) -> AppServer:
        """Start the server and wait until its health check answers; RuntimeError if not."""
        runner = [str(self.launcher)] if self.launcher else ["-m", "streamlit"]
        pin = ["taskset", "-c", self.cpus] if self.cpus else []
        cmd = [
            *pin, sys.executable, *runner, "run", "app.py",
            "--server.headless", "true", "--server.port", str(self.port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ]  # fmt: skip
        if self.log_path is None:
            out = subprocess.DEVNULL
        else:
            out = self.log_path.open("ab")
        # A session of its own, so a Ctrl-C meant for the caller does not reach the server.
        self.process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if out is not subprocess.DEVNULL:
            out.close()  # the child has its own copy
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"app server exited early; see {self.log_path}{self._log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(
            f"app server not healthy after {timeout} s; see {self.log_path}{self._log_tail()}"
        )

    @contextmanager
    def running(self, timeout: float = 60.0) -> Iterator[AppServer]:
        """The started server for the `with` block; stopped at its end, whatever happens."""
        try:
            yield self.start(timeout)
        finally:
            self.stop()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to our own server process and wait for it (SIGKILL simulates a crash)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM), killing it if it takes over 10 s."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self.process = None
