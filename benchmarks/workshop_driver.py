"""Drive the workshop pages of a running app in headless Chromium (Playwright, sync API).

Shared by `tests/browser/test_e2e_workshop.py` and `benchmarks/bench_workshop_load.py`: creating a
workshop, joining, answering the questionnaire. The app server and the browser come from
`benchmarks/app_server.py`; never downloads a browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from benchmarks.app_server import IDLE_SCRIPT, wait_idle

__all__ = [
    "create_workshop",
    "join_workshop",
    "answer_step",
    "answer_everything",
    "RATING_LABELS",
    "LIVE_RADIOS",
]

RATING_LABELS = {
    1: "1 · Strongly disagree",
    2: "2 · Disagree",
    3: "3 · Neither agree nor disagree",
    4: "4 · Agree",
    5: "5 · Strongly agree",
}


def create_workshop(
    page: Page,
    base: str,
    name: str,
    partners: list[str],
    *,
    auto_reveal: bool = False,
) -> tuple[str, str]:
    """Create a workshop on the facilitator page; returns (facilitator URL, join code)."""
    page.goto(f"{base}/facilitator")
    page.get_by_label("Name of the partnership").fill(name)
    if len(partners) != 2:
        box = page.get_by_label("Number of partner organisations")
        box.fill(str(len(partners)))
        box.press("Enter")
        page.get_by_label(f"Partner {len(partners)}").wait_for()
    for i, partner in enumerate(partners):
        page.get_by_label(f"Partner {i + 1}", exact=True).fill(partner)
    if auto_reveal:
        page.get_by_text("Reveal automatically when the people expected have finished").click()
    wait_idle(page)
    page.get_by_role("button", name="Create the workshop").click()
    code = page.locator(".pf-join-code")
    code.wait_for(timeout=30_000)
    page.wait_for_url(re.compile(r".*/facilitator\?t=.+"))
    return page.url, code.inner_text().strip()


def join_workshop(
    page: Page, base: str, code: str, partner: str, person: str, join_key: str | None = None
) -> str:
    """Join through the join link as `person` for `partner` (with the QR code's `join_key`
    when given); returns the personal link."""
    page.goto(f"{base}/join?code={code}" + (f"&k={join_key}" if join_key else ""))
    page.get_by_text("Which organisation do you answer for?").wait_for(timeout=30_000)
    page.locator('[data-testid="stRadio"]').get_by_text(partner, exact=True).click()
    page.get_by_label("Your name (as the others will see it)").fill(person)
    page.get_by_role("button", name="Join", exact=True).click()
    page.get_by_text("Your personal link").wait_for(timeout=30_000)
    page.wait_for_url(re.compile(r".*/join\?p=.+"))
    return page.url


def _answered_count(page: Page) -> int:
    text = page.get_by_text(re.compile(r"^\d+ of \d+ statements answered")).inner_text()
    return int(text.split(" ", 1)[0])


# Rating radios of the questionnaire, leaving out stale copies from the previous rerun.
LIVE_RADIOS = '[data-testid="stRadio"]:not([data-stale="true"] *)'


# The progress line counts `n` answers.
_ANSWERED_SCRIPT = """n => [...document.querySelectorAll('[data-testid="stProgress"]')]
  .some(el => el.innerText.trim().startsWith(n + ' of '))"""


def _rating_radios(page: Page):  # noqa: ANN202 - a Playwright Locator
    return page.locator(LIVE_RADIOS).filter(has_text="Strongly agree")


def answer_step(
    page: Page, rating_for: Callable[[int], int], start: int = 0, on_click: Callable | None = None
) -> int:
    """Rate every statement on the current step; returns how many were rated.

    `rating_for(n)` gives the rating of the n-th statement overall (n counts from `start`);
    `on_click(n)` is called right after each click (the benchmark starts its clock there).
    Statements are found by their text, not by position, because a rerun in flight can
    briefly show an element twice.
    """
    radios = _rating_radios(page)
    radios.first.wait_for(timeout=30_000)
    wait_idle(page)
    labels = [
        radios.nth(i).locator('[data-testid="stWidgetLabel"]').inner_text().strip()
        for i in range(radios.count())
    ]
    answered = _answered_count(page)
    for i, text in enumerate(labels):
        radio = page.locator(LIVE_RADIOS).filter(
            has=page.locator('[data-testid="stWidgetLabel"]', has_text=text)
        )
        option = radio.first.locator("label").filter(has_text=RATING_LABELS[rating_for(start + i)])
        already = option.locator("input").is_checked()
        option.click()
        if on_click is not None:
            on_click(start + i)
        expect(option.locator("input")).to_be_checked(timeout=30_000)
        if not already:
            # Pace like a person: the next click after the page shows the server took this
            # one (its progress line counts it). Clicks fired faster than the server reruns
            # can be dropped by the browser side; see the report.
            answered += 1
            # Checked every frame: `expect` polls at 100, 250, 500 ms..., which would make
            # every click of a 300-click test wait for a poll rather than for the server.
            # Then the rerun that drew it must finish: a click that lands while a rerun is
            # still drawing can be dropped by the browser side.
            page.wait_for_function(_ANSWERED_SCRIPT, arg=answered, polling="raf", timeout=60_000)
            page.wait_for_function(IDLE_SCRIPT, polling="raf", timeout=60_000)
    return len(labels)


def answer_everything(
    page: Page,
    rating_for: Callable[[int], int],
    on_click: Callable | None = None,
    after_step: Callable[[int], None] | None = None,
) -> int:
    """Answer all steps of the questionnaire and hand in; returns the number answered.

    `after_step(answered_so_far)` runs once the rerun after each step's last click is drawn.
    """
    done = 0
    while True:
        heading = page.locator("h3").first.inner_text()
        done += answer_step(page, rating_for, done, on_click)
        wait_idle(page)
        if after_step is not None:
            after_step(done)
        button = page.locator("button").filter(has_text=re.compile(r"Next →|Finish and hand in"))
        last = "Finish and hand in" in button.inner_text()
        button.click()
        if last:
            page.get_by_text("your answers are in").wait_for(timeout=30_000)
            return done
        expect(page.locator("h3").first).not_to_have_text(heading, timeout=30_000)
