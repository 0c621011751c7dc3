"""How quickly the solo pages respond.

Run from the repository root:  python benchmarks/bench_app.py [--runs 20] [--no-browser]

1. AppTest: rerun time of the questionnaire page after one answer, and of the results page,
   each as a ratio to the rerun of an empty Streamlit page (same machine, same run).
2. Browser (headless Chromium, if /usr/bin/chromium exists): median time from a click on an
   answer to the updated progress bar text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
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


def _timed(fn, runs: int) -> list[float]:
    out = []
    for i in range(runs):
        t = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t)
    return out


def bench_apptest(runs: int) -> dict[str, float]:
    from app_helpers import answer_step, goto, rating_keys, start_app, start_solo

    empty = AppTest.from_string("import streamlit as st\n", default_timeout=60).run()
    empty_times = _timed(lambda i: empty.run(), runs)

    at = start_solo(start_app())
    answer_step(at, 4)
    key = rating_keys(at)[0]

    def answer(i: int) -> None:
        at.radio(key=key).set_value(3 if i % 2 else 5)
        at.run()
        assert not at.exception

    questionnaire_times = _timed(answer, runs)

    goto(at, "results")
    results_times = _timed(lambda i: at.run(), runs)
    assert not at.exception

    e, q, r = (statistics.median(x) for x in (empty_times, questionnaire_times, results_times))
    return {
        "empty_rerun_s": e,
        "questionnaire_rerun_s": q,
        "results_rerun_s": r,
        "questionnaire_ratio": q / e,
        "results_ratio": r / e,
    }


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
    apptest = bench_apptest(args.runs)
    print(f"AppTest, median of {args.runs} reruns:")
    print(f"  empty page            {apptest['empty_rerun_s'] * 1000:7.1f} ms")
    print(
        f"  questionnaire answer  {apptest['questionnaire_rerun_s'] * 1000:7.1f} ms"
        f"  ratio {apptest['questionnaire_ratio']:.1f}x"
    )
    print(
        f"  results page          {apptest['results_rerun_s'] * 1000:7.1f} ms"
        f"  ratio {apptest['results_ratio']:.1f}x"
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
