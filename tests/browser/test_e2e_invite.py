"""End to end in headless Chromium: a solo assessment shared by link.

The owner sets up a short solo assessment (the core set, no importance), answers it and
presses "Invite your partner(s)"; the partner opens the link the owner's page shows, in a
browser context of its own, and answers blind; the owner's page follows their progress; when
the partner hands in, the results open for both, and the owner's PDF summary holds both
sides. Screenshots of both views at 1280 and 390 px go to `PARTNERSHIP_FIT_SCREENSHOTS` when
it is set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.app_server import AppServer, commit_text, free_port, wait_idle

pytestmark = pytest.mark.browser

OWNER_ORG, PARTNER_ORG = "Northfield Food Bank", "Harvest Grocers"
WIDE = {"width": 1280, "height": 1400}
PHONE = {"width": 390, "height": 1400}


@pytest.fixture(scope="module")
def app_url(browser_required: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("invite-app") / "server.log"
    with AppServer(free_port(), log_path=log).running() as server:
        yield server.base


def _shot(page, name: str) -> None:  # noqa: ANN001 - a Playwright Page
    folder = os.environ.get("PARTNERSHIP_FIT_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": size["height"]})
        wait_idle(page)
        page.wait_for_timeout(400)
        page.screenshot(path=str(Path(folder) / f"invite_{name}_{width}.png"))
    page.set_viewport_size(size)


def _answer_all(page, rating: str, finish: str) -> int:  # noqa: ANN001
    """Click `rating` on every statement, step after step, then `finish`; returns the count."""
    answered = 0
    for _ in range(40):
        groups = page.locator('[data-testid="stRadio"]:not([data-stale="true"] *)').filter(
            has_text="Strongly disagree"
        )
        groups.first.wait_for()
        wait_idle(page)
        for i in range(groups.count()):
            groups.nth(i).get_by_text(rating, exact=True).click()
            wait_idle(page)
            answered += 1
        last = page.get_by_role("button", name=finish)
        if last.count():
            last.click()
            wait_idle(page)
            return answered
        heading = page.locator("h3").first.inner_text()
        page.get_by_role("button", name="Next →").click()
        page.wait_for_function(
            "old => { const h = document.querySelector('h3'); return h && h.innerText !== old; }",
            arg=heading,
        )
    raise AssertionError("the questionnaire did not end")


def _owner_sets_up_and_answers(page, app_url: str) -> int:  # noqa: ANN001
    page.goto(f"{app_url}/setup")
    page.get_by_role("heading", name="Set up the assessment").wait_for()
    for label, value in (
        ("Name of the partnership", "Food bank and grocer"),
        ("Partner 1", OWNER_ORG),
        ("Partner 2", PARTNER_ORG),
        ("Your name or role", "Amara"),
    ):
        commit_text(page, label, value)
    page.get_by_text("Length of the session").click()
    page.get_by_text("Core set only").click()
    wait_idle(page)
    page.get_by_text("Ask how much each characteristic matters").click()
    wait_idle(page)
    page.get_by_role("button", name="Start the questionnaire").click()
    page.get_by_text("answering for").wait_for()
    answered = _answer_all(page, "5 · Strongly agree", "Finish my answers")
    page.get_by_role("button", name="See the results").click()
    page.get_by_text("Overall:").first.wait_for()
    return answered


def test_owner_invites_partner_who_answers_blind_then_both_see_results(
    app_url: str, browser, tmp_path: Path
) -> None:
    owner_ctx = browser.new_context(viewport=WIDE, accept_downloads=True)
    owner = owner_ctx.new_page()
    answered = _owner_sets_up_and_answers(owner, app_url)

    owner.get_by_role("button", name="Invite your partner(s)").click()
    owner.get_by_text(f"Invite {PARTNER_ORG}").wait_for()
    private = re.search(r"[?&]t=([^&]+)", owner.url)
    assert private, owner.url
    link = owner.locator("code").filter(has_text="/join?").first.inner_text().strip()
    assert "for=p2" in link and private.group(1) not in link
    assert owner.get_by_role("link", name="Open the room view").count() == 0
    owner.get_by_text(f"{PARTNER_ORG}: nobody has started yet").wait_for()
    _shot(owner, "owner_waiting")

    partner_ctx = browser.new_context(viewport=PHONE)
    partner = partner_ctx.new_page()
    partner.goto(link)
    partner.get_by_role("radio", name=PARTNER_ORG).wait_for()
    assert partner.get_by_role("radio", name=PARTNER_ORG).is_checked()
    _shot(partner, "partner_invited")
    commit_text(partner, "Your name (as the others will see it)", "Ben")
    partner.get_by_role("button", name="Join").click()
    partner.get_by_text("You answer for").wait_for()
    wait_idle(partner)
    body = partner.locator("body").inner_text()
    assert "Amara" not in body and private.group(1) not in partner.content()
    group = partner.locator('[data-testid="stRadio"]').filter(has_text="Strongly disagree")
    assert group.locator("input:checked").count() == 0  # nothing of the owner's 5s
    _shot(partner, "partner_answering")

    # The first answer shows on the owner's page (it polls every few seconds).
    group.first.get_by_text("2 · Disagree", exact=True).click()
    wait_idle(partner)
    owner.get_by_text(f"{PARTNER_ORG}: 1 started, 0 finished · 1 of {answered}").wait_for(
        timeout=20_000
    )
    assert "Amara" not in partner.locator("body").inner_text()

    assert _answer_all(partner, "2 · Disagree", "Finish and hand in") == answered
    partner.get_by_text("Everyone invited can now see the results.").wait_for()
    partner.get_by_text("Level by level").first.wait_for()
    partner.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    partner.get_by_role("button", name="Download the shared assessment (.json)").wait_for()
    _shot(partner, "partner_results")

    owner.get_by_text("Revealed at").wait_for(timeout=20_000)
    owner.get_by_text("2 people from 2 organisations").wait_for()
    _shot(owner, "owner_results")
    owner.get_by_role("radio", name="Export and files").click()
    owner.get_by_role("button", name="Prepare the summary report").click()
    pdf_button = owner.get_by_role("button", name="Download the summary (PDF)")
    pdf_button.wait_for(timeout=30_000)
    with owner.expect_download() as download:
        pdf_button.click()
    pdf = tmp_path / "summary.pdf"
    download.value.save_as(pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert OWNER_ORG in text and PARTNER_ORG in text
    else:
        assert pdf.read_bytes().startswith(b"%PDF")
    partner_ctx.close()
    owner_ctx.close()
