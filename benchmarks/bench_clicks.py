"""How many clicks and how long answering takes: the default bank, default settings, solo.

Run from the repository root:

    python benchmarks/bench_clicks.py [--importance] [--type other] [--app-dir DIR]

Headless Chromium (Debian's, never downloaded) sets up a solo assessment with the default
settings, answers every statement "4 · Agree" and finishes, clicking as a person would:
a rating per statement and the step buttons ("Next →", "Finish …", "Continue anyway" if
asked). `--importance` also answers every importance control it is shown. It waits for the
app to settle before each click (no fixed pauses), and reports:

- clicks in the questionnaire (ratings, importance, navigation), and in set-up;
- wall time from the first statement shown to the overview after finishing;
- click-to-update medians: a rating click until the progress text changes, and a step
  button until the next step's heading is drawn;
- the server's own CPU time per rating click and per step change (from /proc, click until
  the page has settled), medians.

`--app-dir` serves another checkout (for example `/work/main`) with the same driver, so a
before and after can be measured side by side. The server runs from that directory with it
first on `PYTHONPATH`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from benchmarks.app_server import (  # noqa: E402
    IDLE_SCRIPT,
    PROGRESS_CHANGED_SCRIPT,
    free_port,
    launch_browser,
    missing_browser,
)

# The rating groups are the radio groups that offer the scale; importance groups ask how much
# something matters.
_RATING_GROUPS = '[data-testid="stRadio"]'
_HEADING_CHANGED = """o => {
  const h = document.querySelector('h3');
  return h !== null && h.innerText !== o;
}"""
_FINISH_LABELS = ("Finish my answers",)
_FINISHED_OR_ASKED = """() => {
  const text = document.body.innerText;
  return text.includes('Answers for each partner') || text.includes('not answered yet');
}"""
_TYPE_LABELS = {
    "other": None,  # the set-up's default
    "business-nonprofit": "Business – non-profit",
}


@dataclass
class Tally:
    ratings: int = 0
    importance: int = 0
    navigation: int = 0
    setup: int = 0
    rating_latency: list[float] = field(default_factory=list)
    step_latency: list[float] = field(default_factory=list)
    # Server CPU (its own accounting) from each click until the page has settled.
    rating_cpu: list[float] = field(default_factory=list)
    step_cpu: list[float] = field(default_factory=list)
    wall: float = 0.0
    server_pid: int = 0

    def cpu(self) -> float:
        """CPU seconds the server process has used so far (user + system)."""
        fields = Path(f"/proc/{self.server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @property
    def questionnaire(self) -> int:
        return self.ratings + self.importance + self.navigation


@contextmanager
def _server(app_dir: Path, log: Path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{app_dir}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.setdefault("PARTNERSHIP_FIT_DATA_DIR", tempfile.mkdtemp(prefix="pf-clicks-"))
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=app_dir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"app server did not start; see {log}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.25)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _idle(page) -> None:  # noqa: ANN001 - a Playwright Page
    page.wait_for_function(IDLE_SCRIPT, polling="raf", timeout=30_000)


def _set_up(page, base: str, tally: Tally, ptype: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/setup")
    page.get_by_role("heading", name="Set up the assessment").wait_for()
    for label, value in (
        ("Name of the partnership", "Bench"),
        ("Partner 1", "Northfield Food Bank"),
        ("Partner 2", "Harvest Grocers"),
        ("Your name or role", "Amara"),
    ):
        box = page.get_by_label(label)
        box.fill(value)
        box.press("Tab")
        _idle(page)
    if _TYPE_LABELS[ptype]:
        page.get_by_role("combobox", name="Type of partnership").click()
        page.get_by_role("option", name=_TYPE_LABELS[ptype]).click()
        tally.setup += 2
        _idle(page)
    page.get_by_role("button", name="Start the questionnaire").click()
    tally.setup += 1


def _rate_step(page, tally: Tally, importance: bool) -> None:  # noqa: ANN001
    """Rate every statement drawn, then (with `importance`) every importance control."""
    groups = page.locator(_RATING_GROUPS).filter(has_text="Strongly disagree")
    groups.first.wait_for()
    _idle(page)
    for i in range(groups.count()):
        old = page.locator('[data-testid="stProgress"]').inner_text()
        target = groups.nth(i).get_by_text("4 · Agree", exact=True)
        _measured(page, tally, target, (PROGRESS_CHANGED_SCRIPT, old), "rating")
        tally.ratings += 1
    if not importance:
        return
    asks = page.locator(_RATING_GROUPS).filter(has_text="How much does")
    for i in range(asks.count()):
        asks.nth(i).get_by_text("High", exact=True).click()
        tally.importance += 1
        _idle(page)


def _next_step(page, tally: Tally) -> bool:  # noqa: ANN001
    """Press the step's primary button; True when the questionnaire is finished."""
    heading = page.locator("h3").first.inner_text()
    for label in _FINISH_LABELS:
        finish = page.get_by_role("button", name=label)
        if finish.count():
            finish.click()
            tally.navigation += 1
            page.wait_for_function(_FINISHED_OR_ASKED, polling="raf")
            if page.get_by_text("not answered yet").count():  # asked to confirm
                page.get_by_role("button", name=label).click()
                tally.navigation += 1
            page.get_by_text("Answers for each partner").wait_for()
            return True
    button = page.get_by_role("button", name="Next →")
    if not button.count():
        button = page.get_by_role("button", name="Continue anyway")
    _measured(page, tally, button, (_HEADING_CHANGED, heading), "step")
    tally.navigation += 1
    return False


def _measured(page, tally: Tally, target, drawn: tuple[str, str], kind: str) -> None:  # noqa: ANN001
    """Click `target`; keep the time until `drawn` (probe, argument) holds, and the server's
    CPU until the page has settled, as a `kind` ("rating" or "step") figure."""
    cpu, t = tally.cpu(), time.perf_counter()
    target.click()
    page.wait_for_function(drawn[0], arg=drawn[1], polling="raf")
    getattr(tally, f"{kind}_latency").append(time.perf_counter() - t)
    _idle(page)
    getattr(tally, f"{kind}_cpu").append(tally.cpu() - cpu)


def run(app_dir: Path, importance: bool, ptype: str, width: int) -> Tally:
    from playwright.sync_api import sync_playwright

    tally = Tally()
    log = Path(tempfile.mkdtemp(prefix="pf-clicks-log-")) / "server.log"
    with _server(app_dir, log) as (base, pid), sync_playwright() as p:
        tally.server_pid = pid
        browser = launch_browser(p)
        page = browser.new_page(viewport={"width": width, "height": 900})
        _set_up(page, base, tally, ptype)
        page.locator(_RATING_GROUPS).first.wait_for()
        start = time.perf_counter()
        for _ in range(60):
            _rate_step(page, tally, importance)
            if _next_step(page, tally):
                break
        else:
            raise RuntimeError("the questionnaire did not end within 60 steps")
        tally.wall = time.perf_counter() - start
        browser.close()
    return tally


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms (n={len(values)})" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--importance", action="store_true", help="answer importance too")
    parser.add_argument("--type", choices=sorted(_TYPE_LABELS), default="other")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in px")
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        raise SystemExit(reason)
    t = run(args.app_dir.resolve(), args.importance, args.type, args.width)
    print(f"app: {args.app_dir}  type: {args.type}  importance answered: {args.importance}")
    print(
        f"questionnaire clicks: {t.questionnaire} (ratings {t.ratings}, importance "
        f"{t.importance}, navigation {t.navigation}); set-up clicks: {t.setup}"
    )
    print(f"wall time, first statement to finished: {t.wall:.1f} s")
    print(f"rating click -> progress updated, median: {_ms(t.rating_latency)}")
    print(f"step button -> next step drawn, median: {_ms(t.step_latency)}")
    print(f"server CPU per rating click, median: {_ms(t.rating_cpu)}")
    print(f"server CPU per step change, median: {_ms(t.step_cpu)}")


if __name__ == "__main__":
    main()
