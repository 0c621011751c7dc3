"""End to end in headless Chromium: changing "You answer for" moves no answer, and the same
browser finds its assessment again from the plain address.

One app server with a database of its own. The person answers the first step for the food
bank, switches to answering for the grocer in set-up (the page says what happens first),
finds the grocer's questionnaire empty, then opens the plain address in a new tab of the
same browser and continues from Home; after Start over, and in a browser without the
cookie, Home offers nothing to continue.
Set PF_SCREENSHOTS=<dir> to keep screenshots of Home (with and without a draft) and set-up
at 1280×800 and 390×844.
"""

from __future__ import annotations

import os

import pytest
from test_e2e_solo import PARTNERS, _answer_step, _fill_setup, _shoot
from test_e2e_solo_reload import _checked

from benchmarks.app_server import wait_idle

pytestmark = pytest.mark.browser

_SIZES = ((1280, 800), (390, 844))


def _shoot_sizes(page, name: str, show=None) -> None:  # noqa: ANN001 - Playwright objects
    """Screenshots at both sizes (only when PF_SCREENSHOTS is set), scrolled to `show` if
    given, then back to the tall viewport."""
    if not os.environ.get("PF_SCREENSHOTS"):
        return
    for width, height in _SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)
        wait_idle(page)
        if show is not None:
            show.scroll_into_view_if_needed()
        _shoot(page, f"{name}_{width}")
    page.set_viewport_size({"width": 1280, "height": 1400})


def test_switching_roles_moves_no_answer_and_the_plain_address_continues(
    own_db_app: str, browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.goto(own_db_app)
    page.get_by_role("button", name="Set up an assessment").click()
    _fill_setup(page)
    _shoot_sizes(page, "setup")
    page.get_by_role("button", name="Start the questionnaire").click()
    page.get_by_text(f"answering for {PARTNERS[0]}").wait_for()
    answered = _answer_step(page)

    page.get_by_role("button", name="Overview of all partners").click()
    page.get_by_text("Change the set-up").click()
    page.get_by_role("heading", name="Set up the assessment").wait_for()
    wait_idle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="You answer for").click()
    page.get_by_role("option", name=PARTNERS[1]).click()
    warning = page.get_by_text("Saving changes who you answer for")
    warning.wait_for()
    wait_idle(page)
    said = f"The {answered} answers given for {PARTNERS[0]} stay with {PARTNERS[0]}."
    assert said in page.locator('[data-testid="stAlert"]').all_inner_texts()[-1]
    _shoot_sizes(page, "setup_role_change", show=page.get_by_role("button", name="Answer for"))
    page.get_by_role("button", name=f"Answer for {PARTNERS[1]} from now on").click()

    page.get_by_text(f"answering for {PARTNERS[1]}").wait_for()
    page.locator('[data-testid="stProgress"]').wait_for()
    wait_idle(page)
    body = page.locator("body").inner_text()
    assert f"You now answer for {PARTNERS[1]}." in body
    assert page.locator('[data-testid="stProgress"]').inner_text().startswith("0 of ")
    assert set(_checked(page)) == {""}  # none of the food bank's answers shows here

    # The plain address in a new tab of the same browser: Home offers to continue.
    again = context.new_page()
    again.goto(own_db_app)
    button = again.get_by_role("button", name="Continue your assessment", exact=True)
    button.wait_for()
    wait_idle(again)
    assert f"{answered} answers so far" in again.locator("body").inner_text()
    _shoot_sizes(again, "home_with_draft")
    button.click()
    again.get_by_text(f"answering for {PARTNERS[1]}").wait_for()
    assert "draft=" in again.url
    again.get_by_role("button", name="Overview of all partners").click()
    again.get_by_text(f"Amara: {answered} of ").wait_for()  # still the food bank's

    # Start over forgets the draft in this browser too.
    again.get_by_text("Assess", exact=True).click()
    again.get_by_role("menuitem", name="Home").click()
    again.get_by_role("button", name="Continue the assessment in progress").wait_for()
    _shoot_sizes(again, "home_in_progress")
    again.get_by_role("button", name="Start over").click()
    again.get_by_role("button", name="Delete my answers and start over").click()
    again.get_by_text("Started over").wait_for()
    wait_idle(again)
    last = context.new_page()
    last.goto(own_db_app)
    last.get_by_role("button", name="Set up an assessment").wait_for()
    wait_idle(last)
    assert last.get_by_text("Continue your assessment").count() == 0
    context.close()

    # Another browser has no cookie: nothing to continue.
    other = browser.new_context(viewport={"width": 1280, "height": 1400})
    fresh = other.new_page()
    fresh.goto(own_db_app)
    fresh.get_by_role("button", name="Set up an assessment").wait_for()
    wait_idle(fresh)
    assert fresh.get_by_text("Continue your assessment").count() == 0
    _shoot_sizes(fresh, "home_without_draft")
    other.close()
