"""End to end in headless Chromium: a browser reload keeps a solo assessment's answers.

Starts `streamlit run app.py` on a free port with a database of its own, answers a few
statements by clicking, reloads the page (a new Streamlit session), and checks that the
answers, the progress and the step are back; then closes the tab and opens the link shown
on Home in a new one. Set PF_SCREENSHOTS=<dir> to keep the screenshots.
"""

from __future__ import annotations

import time

import pytest
from test_e2e_solo import _answer_step, _fill_setup, _shoot

from benchmarks.app_server import wait_idle

pytestmark = pytest.mark.browser


def _checked(page) -> list[str]:
    """The chosen option of every rating group on the step, '' where none is chosen."""
    groups = page.locator('[data-testid="stRadio"]').filter(has_text="Strongly disagree")
    out = []
    for i in range(groups.count()):
        chosen = groups.nth(i).locator('[data-testid="stRadioOption"][data-selected="true"]')
        out.append(chosen.inner_text().strip() if chosen.count() else "")
    return out


def test_reload_keeps_answers_progress_and_step(own_db_app: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1800})
    page = context.new_page()
    page.goto(own_db_app)
    page.get_by_role("heading", name="Partnership Fit").wait_for()
    page.get_by_text("Set up an assessment").click()
    _fill_setup(page)
    page.get_by_role("button", name="Start the questionnaire").click()
    page.get_by_text("answering for").wait_for()

    # Step 1 completely, then one statement of step 2 with another rating.
    first_step = _answer_step(page)
    heading = page.locator("h3").first.inner_text()
    wait_idle(page)
    page.get_by_role("button", name="Next →").click()
    page.wait_for_function(
        "old => { const h = document.querySelector('h3'); return h && h.innerText !== old; }",
        arg=heading,
    )
    wait_idle(page)
    progress = page.locator('[data-testid="stProgress"]').inner_text()
    group = page.locator('[data-testid="stRadio"]').filter(has_text="Strongly disagree").first
    group.get_by_text("2 · Disagree", exact=True).click()
    page.wait_for_function(
        """old => {
          const el = document.querySelector('[data-testid="stProgress"]');
          return el !== null && el.innerText !== old;
        }""",
        arg=progress,
    )
    wait_idle(page)
    progress = page.locator('[data-testid="stProgress"]').inner_text()
    assert progress.startswith(f"{first_step + 1} of ")
    step_heading = page.locator("h3").first.inner_text()
    chosen = _checked(page)
    assert chosen[0] == "2 · Disagree" and set(chosen[1:]) == {""}
    assert "draft=" in page.url
    body = page.locator("body").inner_text()
    assert "Saved as you go" in body

    started = time.monotonic()
    page.reload()
    page.get_by_text("Welcome back").wait_for()
    page.locator('[data-testid="stProgress"]').wait_for()
    groups = page.locator('[data-testid="stRadio"]').filter(has_text="Strongly disagree")
    groups.nth(len(chosen) - 1).wait_for()
    wait_idle(page)
    reload_seconds = time.monotonic() - started
    assert page.locator('[data-testid="stProgress"]').inner_text() == progress
    assert page.locator("h3").first.inner_text() == step_heading
    assert _checked(page) == chosen
    assert "draft=" in page.url
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert "not being saved" not in body
    _shoot(page, "reload_questionnaire_1280")
    print(f"reload to restored questionnaire: {reload_seconds:.2f} s")

    # Close the tab; the link on Home brings everything back in a new browser session.
    page.get_by_role("button", name="Overview of all partners").click()
    page.get_by_text("Answers for each partner").wait_for()
    wait_idle(page)
    link = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert "?draft=" in link and link.startswith(own_db_app)
    context.close()

    fresh = browser.new_context(viewport={"width": 1280, "height": 1800})
    page = fresh.new_page()
    page.goto(link)
    page.get_by_text("Answers for each partner").wait_for()
    wait_idle(page)
    body = page.locator("body").inner_text()
    assert f"Amara: {first_step + 1} of " in body
    # The restored page shows the same link again, ready to copy.
    page.wait_for_function(
        """link => [...document.querySelectorAll('[data-testid="stCode"] code')]
                   .some(c => c.innerText.trim() === link)""",
        arg=link,
    )
    _shoot(page, "reload_link_overview_1280")
    fresh.close()
