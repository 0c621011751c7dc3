"""End to end in headless Chromium: the database stops taking writes in the middle of a
workshop, then takes them again.

The fault is real and outside the app: another connection holds SQLite's write lock (as a
backup tool or a stuck `sqlite3` shell would), so the app's saves time out with "database
is locked" while reads go on. (The tests run as root, which permissions do not stop.) The
participant's page keeps rendering, says plainly that the answer is not saved yet and is
being retried, the facilitator's dashboard says an answer is waiting, and once the lock is
gone the phone's own poll saves it without another click.

A save against the held lock waits for the app's whole patience (four tries of SQLite's
5 s busy timeout), so this test takes about 40 s.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from benchmarks.app_server import launch_browser, wait_idle
from benchmarks.workshop_driver import RATING_LABELS
from partnership_core.bank import SPINE_BANK_ID

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 1400}
WIDE = {"width": 1280, "height": 1400}
RADIOS = '[data-testid="stRadio"]:not([data-stale="true"] *)'


def _open_questionnaire(page, url: str) -> None:  # noqa: ANN001 - a Playwright Page
    page.goto(url)
    page.locator(RADIOS).filter(has_text="Strongly agree").first.wait_for(timeout=30_000)
    wait_idle(page)


def test_unwritable_database_mid_session_then_writable_again(workshop_server) -> None:
    from playwright.sync_api import expect, sync_playwright

    app, svc = workshop_server
    created = svc.create_workshop(
        "Surplus food programme", "other", [SPINE_BANK_ID], ["Food Bank", "Market"]
    )
    partner = svc.dashboard(created.facilitator_token).workshop.partners[0].id
    token = svc.join(created.join_code, partner, "Ann Example", "test:ann").participant_token
    first = svc.participant(token).workshop.statements[0]
    link = f"{app.base}/join?p={token}"
    shots = os.environ.get("PARTNERSHIP_FIT_SCREENSHOTS")
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        phone = browser.new_context(viewport=PHONE).new_page()
        _open_questionnaire(phone, link)
        fac = browser.new_context(viewport=WIDE).new_page()
        fac.goto(f"{app.base}/facilitator?t={created.facilitator_token}")
        fac.get_by_text("Who is answering").wait_for(timeout=30_000)

        blocker = sqlite3.connect(svc.store.engine.url.database, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            rating = phone.locator(RADIOS).filter(has_text="Strongly agree").first
            rating.locator("label").filter(has_text=RATING_LABELS[4]).click()
            expect(phone.get_by_text("1 answer NOT saved yet — retrying")).to_be_visible(
                timeout=45_000
            )
            assert svc.participant(token).own_answers == {}
            expect(fac.get_by_text("1 answer could not be saved yet")).to_be_visible(timeout=15_000)
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                phone.screenshot(path=str(Path(shots) / "fault_phone_pending_390.png"))
                fac.screenshot(path=str(Path(shots) / "fault_dashboard_1280.png"))
            # The page renders from scratch while writes fail (a reload, another tab).
            other = browser.new_context(viewport=PHONE).new_page()
            _open_questionnaire(other, link)
            other.context.close()
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        released = time.monotonic()

        # No click needed: the phone's poll sends the answer again.
        expect(phone.get_by_text("Saved at")).to_be_visible(timeout=15_000)
        retried_s = time.monotonic() - released
        expect(phone.get_by_text("NOT saved yet")).to_have_count(0)
        assert svc.participant(token).own_answers[first].rating == 4
        expect(fac.get_by_text("every answer has been saved since")).to_be_visible(timeout=15_000)
        browser.close()
    print("storage fault figures:", {"saved_after_release_s": round(retried_s, 2)})
