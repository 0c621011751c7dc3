"""End to end in headless Chromium: two browser contexts (two devices) on one `?draft=`
link answer different statements in turn; a third opening of the link holds every answer.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from test_e2e_solo import _fill_setup
from test_e2e_solo_reload import _checked

from benchmarks.app_server import AppServer, free_port, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def merge_app(browser_required: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("merge-data")
    env = {"PARTNERSHIP_FIT_DATABASE_URL": f"sqlite:///{data / 'app.sqlite3'}"}
    server = AppServer(free_port(), env=env, log_path=data / "server.log")
    with server.running(timeout=30):
        yield server.base


def _rate(page, index: int, label: str) -> None:  # noqa: ANN001 - a Playwright Page
    groups = page.locator('[data-testid="stRadio"]').filter(has_text="Strongly disagree")
    groups.first.wait_for()
    wait_idle(page)
    groups.nth(index).get_by_text(label, exact=True).click()
    wait_idle(page)


def _open(browser, link: str):  # noqa: ANN001, ANN202
    page = browser.new_context(viewport={"width": 1280, "height": 1800}).new_page()
    page.goto(link)
    page.get_by_text("answering for").wait_for()
    wait_idle(page)
    return page


def test_two_devices_on_one_draft_link_keep_both_answers(merge_app: str, browser) -> None:
    first = browser.new_context(viewport={"width": 1280, "height": 1800}).new_page()
    first.goto(merge_app)
    first.get_by_text("Set up an assessment").click()
    _fill_setup(first)
    first.get_by_role("button", name="Start the questionnaire").click()
    first.get_by_text("answering for").wait_for()
    _rate(first, 0, "1 · Strongly disagree")
    first.wait_for_function("() => location.search.includes('draft=')")
    link = first.url
    second = _open(browser, link)
    _rate(second, 1, "2 · Disagree")
    _rate(first, 2, "4 · Agree")  # this device's copy is behind: it merges and says so
    first.get_by_text("changed in another tab or on another device").wait_for()
    _rate(second, 3, "5 · Strongly agree")
    third = _open(browser, link)
    # On a busy machine the step's statements may still be arriving after the page is
    # idle: wait for the fourth rating group before reading what is chosen.
    third.locator('[data-testid="stRadio"]').filter(has_text="Strongly disagree").nth(3).wait_for()
    wait_idle(third)
    assert _checked(third)[:4] == [
        "1 · Strongly disagree",
        "2 · Disagree",
        "4 · Agree",
        "5 · Strongly agree",
    ]
