"""End to end in headless Chromium: an unexpected error (a pasted `http://[::1` facilitator
link) shows a short reference, never Streamlit's exception box, a traceback or a path."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.app_server import AppServer, commit_text, free_port, wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def errors_app(browser_required: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("errors-data")
    env = {"PARTNERSHIP_FIT_DATABASE_URL": f"sqlite:///{data / 'app.sqlite3'}"}
    server = AppServer(free_port(), env=env, log_path=data / "server.log")
    with server.running(timeout=30):
        yield server.base


def test_a_broken_link_shows_a_message_not_an_exception(errors_app: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(f"{errors_app}/facilitator")
    page.get_by_text("Open a workshop you already created").click()
    commit_text(page, "Paste your facilitator link", "http://[::1")
    # A reference while the link parser raises; its own words once it refuses the link itself.
    message = re.compile(r"Something went wrong \(ref [0-9A-Z]{5}\)|not a facilitator link")
    alert = page.locator('[data-testid="stAlert"]').filter(has_text=message).first
    # Once in a full CI run no alert followed the click on "Open": the browser side can drop
    # a click while a rerun draws the page (see wait_idle). A person presses again; so may we.
    for attempt in range(2):
        page.locator(".st-key-pf_ws_open button").click()
        wait_idle(page)
        try:
            alert.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt:
                raise AssertionError(page.locator("body").inner_text()[:2000]) from None
    body = page.locator("body").inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in body and "ValueError" not in body and ".py" not in body
