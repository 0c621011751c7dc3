"""How quickly the solo pages respond.

Run from the repository root:  python benchmarks/bench_app.py [--runs 20] [--no-browser]

1. AppTest: rerun time of the questionnaire page after one answer, and of the results page,
   each as a ratio to the rerun of an empty Streamlit page, alternating with it rerun by
   rerun, in wall time and in the process's CPU time (which load from other processes on a
   shared machine moves far less).
2. Browser (headless Chromium, if /usr/bin/chromium exists): median time from a click on an
   answer to the updated progress bar text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from streamlit.testing.v1 import AppTest  # noqa: E402

from benchmarks.app_server import (  # noqa: E402
    IDLE_SCRIPT,
    PROGRESS_CHANGED_SCRIPT,
    AppServer,
    free_port,
    launch_browser,
    missing_browser,
)


def _timed_side_by_side(fns: dict[str, Callable[[int], None]], runs: int) -> dict[str, tuple]:
    """Median wall and CPU seconds of each function, run in turn (one of each per round), so
    that load from other processes on a shared machine falls on all of them alike. CPU time
    is the whole process's (AppTest runs the script in a thread of its own)."""
    wall: dict[str, list[float]] = {name: [] for name in fns}
    cpu: dict[str, list[float]] = {name: [] for name in fns}
    for i in range(runs):
        for name, fn in fns.items():
            t, c = time.perf_counter(), time.process_time()
            fn(i)
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
    return {n: (statistics.median(wall[n]), statistics.median(cpu[n])) for n in fns}


def bench_apptest(runs: int) -> dict[str, float]:
    from app_helpers import answer_step, goto, rating_keys, start_app, start_solo

    empty = AppTest.from_string("import streamlit as st\n", default_timeout=60).run()
    at = start_solo(start_app())
    answer_step(at, 4)
    key = rating_keys(at)[0]

    def answer(i: int) -> None:
        at.radio(key=key).set_value(3 if i % 2 else 5)
        at.run()
        assert not at.exception

    first = _timed_side_by_side({"empty": lambda i: empty.run(), "questionnaire": answer}, runs)
    goto(at, "results")
    second = _timed_side_by_side(
        {"empty": lambda i: empty.run(), "results": lambda i: at.run()}, runs
    )
    assert not at.exception
    out = {}
    for name, timed in (("questionnaire", first), ("results", second)):
        (e_wall, e_cpu), (wall, cpu) = timed["empty"], timed[name]
        out |= {
            f"{name}_empty_rerun_s": e_wall,
            f"{name}_empty_cpu_s": e_cpu,
            f"{name}_rerun_s": wall,
            f"{name}_cpu_s": cpu,
            f"{name}_ratio": wall / e_wall,
            f"{name}_cpu_ratio": cpu / e_cpu,
        }
    return out


_HEADING_CHANGED = """o => {
  const h = document.querySelector('h3');
  return h !== null && h.innerText !== o;
}"""


def bench_browser(samples: int) -> dict[str, float] | None:
    reason = missing_browser()
    if reason:
        print(f"browser part skipped: {reason}")
        return None
    from playwright.sync_api import sync_playwright

    with AppServer(free_port()).running() as server, sync_playwright() as p:
        url = server.base
        browser = launch_browser(p)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        page.goto(f"{url}/setup")
        page.get_by_role("heading", name="Set up the assessment").wait_for()
        for label, value in [
            ("Name of the partnership", "Bench"),
            ("Partner 1", "A"),
            ("Partner 2", "B"),
            ("Your name or role", "Me"),
        ]:
            page.get_by_label(label).fill(value)
            page.get_by_label(label).press("Tab")
        page.wait_for_function(IDLE_SCRIPT)
        page.get_by_role("button", name="Start the questionnaire").click()
        times: list[float] = []
        while len(times) < samples:
            groups = page.locator('[data-testid="stRadio"]').filter(has_text="Strongly disagree")
            groups.first.wait_for()
            page.wait_for_function(IDLE_SCRIPT)
            for i in range(groups.count()):
                old = page.locator('[data-testid="stProgress"]').inner_text()
                target = groups.nth(i).get_by_text("4 · Agree", exact=True)
                target.wait_for()
                t = time.perf_counter()
                target.click()
                page.wait_for_function(PROGRESS_CHANGED_SCRIPT, arg=old, polling="raf")
                times.append(time.perf_counter() - t)
                page.wait_for_function(IDLE_SCRIPT)
            heading = page.locator("h3").first.inner_text()
            page.get_by_role("button", name="Next →").click()
            page.wait_for_function(_HEADING_CHANGED, arg=heading)
        browser.close()
        return {"click_to_progress_median_s": statistics.median(times), "samples": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    a = bench_apptest(args.runs)
    print(f"AppTest, median of {args.runs} reruns, each beside an empty page's (wall / CPU):")
    for name, label in (("questionnaire", "questionnaire answer"), ("results", "results page")):
        print(
            f"  {label:<21} {a[f'{name}_rerun_s'] * 1000:6.1f} /"
            f" {a[f'{name}_cpu_s'] * 1000:5.1f} ms"
            f"  empty page {a[f'{name}_empty_rerun_s'] * 1000:5.1f} /"
            f" {a[f'{name}_empty_cpu_s'] * 1000:4.1f} ms"
            f"  ratio {a[f'{name}_ratio']:.1f}x / {a[f'{name}_cpu_ratio']:.1f}x"
        )
    if not args.no_browser:
        browser = bench_browser(args.runs)
        if browser:
            print(
                f"Browser: click on an answer -> updated progress, median of "
                f"{browser['samples']}: {browser['click_to_progress_median_s'] * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
