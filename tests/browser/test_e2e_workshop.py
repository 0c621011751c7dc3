"""End to end in headless Chromium: a whole workshop against a real app server.

Two partners with three people each, every person in a separate browser context; creation,
blind answering, live dashboard, reveal, a recorded consensus and an action. Then the server
is killed with SIGKILL and started again on the same data folder: every answer must still be
there and the facilitator link must still open the revealed results.

With `PARTNERSHIP_FIT_TEST_POSTGRES_URL` set, a second test runs two app processes on one
PostgreSQL database: a participant on one and the facilitator on the other.

Set `PARTNERSHIP_FIT_SCREENSHOTS=/some/folder` to keep screenshots of the pages (1280 and
390 px wide) as `workshop_*.png`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from benchmarks.app_server import AppServer, free_port, launch_browser, wait_idle
from benchmarks.workshop_driver import answer_everything, create_workshop, join_workshop
from partnership_core.bank import load_bank_set, questionnaire_steps
from partnership_core.errors import WorkshopError
from partnership_core.workshop import WorkshopService, WorkshopState

pytestmark = pytest.mark.browser

PARTNERS = ["Northfield Food Bank", "Harvest Market Grocers"]
PEOPLE = [
    (PARTNERS[0], "Amara Okafor"),
    (PARTNERS[0], "Zoë Müller"),
    (PARTNERS[0], "Tomás Reyes"),
    (PARTNERS[1], "Daniel Whitfield"),
    (PARTNERS[1], "Priya Raman"),
    (PARTNERS[1], "Grace Lindqvist"),
]
WIDE = {"width": 1280, "height": 1800}
PHONE = {"width": 390, "height": 1600}


def _rating(person: int):  # noqa: ANN202
    """Each person's answer pattern: the food bank agrees strongly, the grocer is split."""

    def rating_for(n: int) -> int:
        if person < 3:
            return 5 if (n + person) % 4 else 4
        return [2, 4, 3][person - 3] if n % 3 else 1

    return rating_for


def _shot(page, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("PARTNERSHIP_FIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        wait_idle(page)
        page.wait_for_timeout(400)
        page.screenshot(path=str(Path(folder) / f"workshop_{name}.png"))


def _token(url: str, name: str) -> str:
    found = re.search(rf"[?&]{name}=([^&]+)", url)
    assert found, url
    return found.group(1)


@pytest.fixture()
def sqlite_server(browser_required: None, tmp_path: Path):
    data = tmp_path / "data"
    server = AppServer(
        port=free_port(),
        env={"PARTNERSHIP_FIT_DATA_DIR": str(data), "PARTNERSHIP_FIT_DATABASE_URL": ""},
        log_path=tmp_path / "server.log",
    ).start()
    yield server, data
    server.kill()


def test_full_workshop_then_crash_and_restart(sqlite_server, monkeypatch: pytest.MonkeyPatch):
    from playwright.sync_api import expect, sync_playwright

    server, data = sqlite_server
    monkeypatch.delenv("PARTNERSHIP_FIT_DATABASE_URL", raising=False)
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        fac = browser.new_context(viewport=WIDE).new_page()
        fac.goto(f"{server.base}/facilitator")
        fac.get_by_label("Name of the partnership").wait_for()
        _shot(fac, "facilitator_create_1280")
        fac_url, code = create_workshop(fac, server.base, "Surplus food programme", PARTNERS)
        fac_token = _token(fac_url, "t")
        _shot(fac, "facilitator_dashboard_empty_1280")
        # A wrong confirmation deletes nothing, and its error stays in sight: the first rerun
        # after creation drops the one-off notice above, which used to close the expander.
        wait_idle(fac)
        fac.get_by_text("Delete this workshop").click()
        fac.get_by_label(f"To confirm, type the join code {code}").fill("NOT-THE-CODE")
        fac.get_by_role("button", name="Delete the workshop for good").click()
        expect(fac.get_by_text("nothing was deleted")).to_be_visible(timeout=30_000)

        pages, links = [], []
        for i, (partner, person) in enumerate(PEOPLE):
            page = browser.new_context(viewport=PHONE if i % 2 else WIDE).new_page()
            links.append(join_workshop(page, server.base, code, partner, person))
            pages.append(page)
            if i == 1:
                _shot(page, "join_answering_390")
        # The dashboard refreshes by itself: six people joined, nobody finished yet.
        expect(fac.get_by_text("0 of 6", exact=True)).to_be_visible(timeout=15_000)

        svc = WorkshopService.from_environment(data_dir=data)
        answered = []
        for i, page in enumerate(pages):
            token = _token(links[i], "p")

            def stored_as_clicked(n: int, token: str = token) -> None:
                # After every step the database holds exactly the answers clicked so far.
                assert len(svc.participant(token).own_answers) == n

            answered.append(answer_everything(page, _rating(i), after_step=stored_as_clicked))
        svc.close()
        _shot(pages[1], "join_finished_390")
        expect(fac.get_by_text("6 of 6", exact=True)).to_be_visible(timeout=15_000)
        _shot(fac, "facilitator_dashboard_1280")

        # Blind until the reveal: the participants' pages show no results yet.
        assert pages[0].locator('[data-testid="stPlotlyChart"]').count() == 0

        wait_idle(fac)
        fac.get_by_role("button", name="Reveal the answers").click()
        fac.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
        _shot(fac, "facilitator_results_1280")
        # Participants see the results by themselves (their page polls for the reveal).
        pages[1].get_by_text("The facilitator has revealed the results.").wait_for(timeout=20_000)
        pages[1].locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
        _shot(pages[1], "join_results_390")

        # Discussion: the first agenda item, "could not agree", notes, then an action.
        wait_idle(fac)
        fac.locator('[data-testid="stButtonGroup"] button').filter(has_text="Discussion").click()
        fac.get_by_text("The partners could not agree").wait_for()
        wait_idle(fac)
        fac.get_by_text("The partners could not agree").click()
        fac.get_by_label("Notes").fill("The grocer wants a three-month pilot first.")
        fac.get_by_role("button", name="Record agreement").click()
        fac.get_by_text("the more cautious rating was taken").wait_for(timeout=30_000)
        fac.get_by_label("What will be done").fill("Draft a one-page pilot plan")
        fac.get_by_label("Owner (person or organisation)").fill("Priya Raman")
        fac.get_by_role("button", name="Add action").click()
        fac.get_by_text("Action added: Draft a one-page pilot plan").wait_for(timeout=30_000)
        _shot(fac, "facilitator_discussion_1280")
        browser.close()

    svc = WorkshopService.from_environment(data_dir=data)
    before = svc.assessment(fac_token)
    assert len(before.respondents) == 6
    assert (
        len(before.answers)
        == sum(answered)
        == 6 * len(svc.dashboard(fac_token).workshop.statements)
    )
    _check_answers(svc, links)
    assert before.workshop is not None
    assert [(a.disagreement, a.notes) for a in before.workshop.agreed] == [
        (True, "The grocer wants a three-month pilot first.")
    ]
    assert [(a.title, a.owner) for a in before.workshop.actions] == [
        ("Draft a one-page pilot plan", "Priya Raman")
    ]
    svc.close()

    # Crash: no shutdown hooks, no flushing. Then start again on the same folder and port.
    server.kill()
    server.start()
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        again = browser.new_context(viewport=WIDE).new_page()
        again.goto(fac_url)
        again.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
        expect(again.get_by_text("6 people from 2 organisations", exact=False)).to_be_visible()
        phone = browser.new_context(viewport=PHONE).new_page()
        phone.goto(links[4])
        phone.get_by_text("The facilitator has revealed the results.").wait_for(timeout=30_000)
        browser.close()

    svc = WorkshopService.from_environment(data_dir=data)
    after = svc.assessment(fac_token)
    assert svc.dashboard(fac_token).state == WorkshopState.REVEALED
    assert sorted(a.model_dump_json() for a in after.answers) == sorted(
        a.model_dump_json() for a in before.answers
    )
    assert after.workshop == before.workshop
    _check_answers(svc, links)
    svc.close()

    # The workshop is over: the facilitator deletes it, and every link stops working.
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        fac = browser.new_context(viewport=WIDE).new_page()
        fac.goto(fac_url)
        fac.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
        wait_idle(fac)
        fac.get_by_text("Delete this workshop").click()
        fac.get_by_label(f"To confirm, type the join code {code}").fill(code.lower())
        fac.get_by_role("button", name="Delete the workshop for good").click()
        fac.get_by_text("everything stored for it are deleted").wait_for(timeout=30_000)
        fac.get_by_role("heading", name="Facilitate a workshop").wait_for()
        assert "t=" not in fac.url
        phone = browser.new_context(viewport=PHONE).new_page()
        phone.goto(links[0])
        phone.get_by_text("This participant link is not valid any more").wait_for(timeout=30_000)
        assert "Traceback" not in phone.locator("body").inner_text()
        browser.close()
    svc = WorkshopService.from_environment(data_dir=data)
    with pytest.raises(WorkshopError):
        svc.dashboard(fac_token)
    svc.close()


def _check_answers(svc: WorkshopService, links: list[str]) -> None:
    """Every person's stored ratings are exactly what their browser clicked, in step order."""
    for person, link in enumerate(links):
        view = svc.participant(_token(link, "p"))
        banks = load_bank_set(view.workshop.banks)
        order = [
            q for s in questionnaire_steps(banks, view.workshop.statements) for q in s.statement_ids
        ]
        assert view.finished
        stored = {q: a.rating for q, a in view.own_answers.items()}
        assert stored == {q: _rating(person)(n) for n, q in enumerate(order)}


@pytest.mark.postgres
def test_two_app_processes_share_postgres_live(tmp_path: Path, request: pytest.FixtureRequest):
    url = os.environ.get("PARTNERSHIP_FIT_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PARTNERSHIP_FIT_TEST_POSTGRES_URL is not set")
    request.getfixturevalue("browser_required")  # after the skip above, as it was
    from playwright.sync_api import expect, sync_playwright

    env = {"PARTNERSHIP_FIT_DATABASE_URL": url, "PARTNERSHIP_FIT_DATA_DIR": str(tmp_path)}
    one = AppServer(free_port(), env, tmp_path / "one.log").start()
    two = AppServer(free_port(), env, tmp_path / "two.log").start()
    try:
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            fac = browser.new_context(viewport=WIDE).new_page()
            fac_url, code = create_workshop(fac, one.base, "Shared database check", PARTNERS)
            person = browser.new_context(viewport=PHONE).new_page()
            link = join_workshop(person, two.base, code, PARTNERS[1], "Priya Raman")
            # The facilitator on process one sees the participant of process two, live.
            expect(fac.get_by_text("0/1 done")).to_be_visible(timeout=15_000)
            answer_everything(person, lambda n: 4)
            expect(fac.get_by_text("1 of 1", exact=True)).to_be_visible(timeout=15_000)
            expect(fac.get_by_text("1/1 done")).to_be_visible()
            browser.close()
        svc = WorkshopService(url)
        view = svc.participant(_token(link, "p"))
        assert view.finished and len(view.own_answers) == len(view.workshop.statements)
        assert svc.dashboard(_token(fac_url, "t")).participants[0].name == "Priya Raman"
        svc.close()
    finally:
        one.kill()
        two.kill()
