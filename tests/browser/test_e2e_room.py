"""End to end in headless Chromium: a workshop in a real room, with the projector's room view
open in a browser context of its own.

Three partners with two people each join from phones by the QR link (which carries the join
key); a stray joins too and the facilitator removes them; one person picks the wrong
organisation and switches before answering. The room view never shows the facilitator's
link or token, shows progress without names, and follows the lock, the reveal and the item
under discussion with its timer; a phone shows the item and its timer too.

The phones' own poll is made 300 s long here (`PARTNERSHIP_FIT_FALLBACK_POLL`), so the
lock, the unlock, the reveal, the item and the removal reach them only by the push of
partnership_ui/push.py: the removed stray's phone says its link no longer works.

Four people answer through the service (the questionnaire's clicking is covered by
test_e2e_workshop.py); one answers a step in the browser, which is where click-to-saved is
measured. The figures (join time, click-to-saved p50/p95, lock, reveal and removal to phone)
are printed; run with `-s` to see them. Screenshots of the room view at 1920x1080 and of a phone
at 390 px go to `PARTNERSHIP_FIT_SCREENSHOTS` when it is set.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks.app_server import launch_browser, wait_idle
from benchmarks.workshop_driver import RATING_LABELS, create_workshop, join_workshop
from partnership_core.assessment import Answer
from partnership_core.workshop import WorkshopService, WorkshopState
from partnership_ui.push import FALLBACK_POLL_ENV

pytestmark = pytest.mark.browser

PARTNERS = ["Northfield Food Bank", "Harvest Market", "City Council"]
PEOPLE = [
    (PARTNERS[0], "Amara Okafor"),
    (PARTNERS[0], "Zoë Müller"),
    (PARTNERS[1], "Daniel Whitfield"),
    (PARTNERS[1], "Priya Raman"),
    (PARTNERS[2], "Grace Lindqvist"),
]
SWITCHER = "Tomás Reyes"  # picks Harvest Market by mistake, then switches to City Council
STRAY = "Stray Visitor"
ROOM = {"width": 1920, "height": 1080}
WIDE = {"width": 1280, "height": 1400}
PHONE = {"width": 390, "height": 1400}


@pytest.fixture()
def server_env() -> dict[str, str]:
    return {FALLBACK_POLL_ENV: "300"}  # a change reaching a phone within 300 s was pushed


def _shot(page, name: str) -> None:  # noqa: ANN001 - a Playwright Page
    folder = os.environ.get("PARTNERSHIP_FIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        wait_idle(page)
        page.wait_for_timeout(400)
        page.screenshot(path=str(Path(folder) / f"room_{name}.png"))


def _token(url: str, name: str) -> str:
    found = re.search(rf"[?&]{name}=([^&]+)", url)
    assert found, url
    return found.group(1)


def _answer_all(svc: WorkshopService, token: str, rating: int) -> None:
    view = svc.participant(token)
    for q in view.workshop.statements:
        if q not in view.own_answers:
            svc.save_answer(
                token, Answer(respondent=view.respondent.id, statement=q, rating=rating)
            )
    svc.finish(token)


def _secret_free(room, fac_token: str) -> None:  # noqa: ANN001
    html = room.content()
    assert fac_token not in html and fac_token not in room.url
    assert "/facilitator?" not in html
    for _, person in [*PEOPLE, (None, SWITCHER), (None, STRAY)]:
        assert person not in room.locator("body").inner_text()


def _click_step_measuring(page, svc: WorkshopService, token: str) -> list[float]:  # noqa: ANN001
    """Rate the statements of the current step; seconds from each click to stored."""
    radios = page.locator('[data-testid="stRadio"]:not([data-stale="true"] *)').filter(
        has_text="Strongly agree"
    )
    radios.first.wait_for(timeout=30_000)
    wait_idle(page)
    labels = [
        radios.nth(i).locator('[data-testid="stWidgetLabel"]').inner_text().strip()
        for i in range(radios.count())
    ]
    delays = []
    for n, text in enumerate(labels, start=1):
        radio = radios.filter(has=page.locator('[data-testid="stWidgetLabel"]', has_text=text))
        start = time.monotonic()
        radio.first.locator("label").filter(has_text=RATING_LABELS[4]).click()
        while len(svc.participant(token).own_answers) < n:
            assert time.monotonic() - start < 30, "an answer was not stored within 30 s"
            time.sleep(0.01)
        delays.append(time.monotonic() - start)
        page.wait_for_function(
            "n => [...document.querySelectorAll('[data-testid=\"stProgress\"]')]"
            ".some(el => el.innerText.trim().startsWith(n + ' of '))",
            arg=n,
            timeout=30_000,
        )
        wait_idle(page)
    return delays


def _choose(page, label: str, option: str, within: float = 20.0) -> None:  # noqa: ANN001
    """Pick `option` from the select box `label`, reopening it until the option is listed
    (the list is redrawn when the page is), for at most `within` seconds."""
    start = time.monotonic()
    while True:
        wait_idle(page)
        page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
        listed = page.get_by_role("option", name=option)
        try:
            listed.wait_for(timeout=2_000)
        except PlaywrightTimeout:
            assert time.monotonic() - start < within, f"{option!r} is not listed under {label!r}"
            page.keyboard.press("Escape")
            continue
        listed.click()
        wait_idle(page)
        return


def _remove_stray(fac) -> None:  # noqa: ANN001
    # "Manage people" was opened before the stray joined: its list follows the dashboard.
    _choose(fac, "Participant", f"{STRAY} ({PARTNERS[0]})")
    fac.get_by_text(f"Remove {STRAY} and their answers").click()
    wait_idle(fac)
    fac.get_by_role("button", name="Remove", exact=True).click()
    fac.get_by_text(f"{STRAY} was removed.").wait_for(timeout=30_000)


def _switch(page) -> None:  # noqa: ANN001
    wait_idle(page)
    page.get_by_text("Chose the wrong organisation?").click()
    page.locator('[data-testid="stRadio"]').get_by_text(PARTNERS[2], exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Switch organisation").click()
    page.locator("p").filter(has_text="You answer for").filter(has_text=PARTNERS[2]).wait_for(
        timeout=30_000
    )


def _stored(svc: WorkshopService, token: str, state: WorkshopState, start: float) -> float:
    """Seconds from `start` (the facilitator's click) until the database holds `state`."""
    while svc.dashboard(token).state != state:
        assert time.monotonic() - start < 20, f"the workshop did not become {state}"
        time.sleep(0.01)
    return time.monotonic() - start


def _counts_down(page) -> None:  # noqa: ANN001
    timer = page.locator('[role="timer"]').first

    def seconds() -> int:
        found = re.search(r"(\d+):(\d\d) left", timer.inner_text())
        assert found, timer.inner_text()
        return int(found.group(1)) * 60 + int(found.group(2))

    before = seconds()
    page.wait_for_timeout(2_300)
    assert before - 3 <= seconds() <= before - 2


def _until(page, text: str, start: float, timeout: float = 20.0) -> float:  # noqa: ANN001
    page.get_by_text(text).first.wait_for(timeout=timeout * 1000)
    return time.monotonic() - start


def test_a_room_of_three_partners_with_the_room_view_on_the_projector(workshop_server):
    from playwright.sync_api import expect, sync_playwright

    app, svc = workshop_server
    figures: dict[str, object] = {}
    with sync_playwright() as pw:
        browser = launch_browser(pw)
        fac = browser.new_context(viewport=WIDE).new_page()
        fac_url, code = create_workshop(fac, app.base, "Riverside food partnership", PARTNERS)
        fac_token = _token(fac_url, "t")
        room_link = fac.get_by_role("link", name="Open the room view").get_attribute("href")
        assert room_link and "/room?r=" in room_link and fac_token not in room_link
        room = browser.new_context(viewport=ROOM).new_page()
        room.goto(room_link)
        expect(room.locator(".pf-room-code")).to_have_text(code, timeout=30_000)
        _secret_free(room, fac_token)
        wait_idle(fac)
        fac.get_by_text("Manage people: remove or move someone").click()  # kept open

        join_key = _token(room_link, "k")  # the room view's QR code carries it
        phones, joins = [], []
        for partner, person in [*PEOPLE, (PARTNERS[1], SWITCHER), (PARTNERS[0], STRAY)]:
            phone = browser.new_context(viewport=PHONE).new_page()
            start = time.monotonic()
            join_workshop(phone, app.base, code, partner, person, join_key)
            joins.append(time.monotonic() - start)  # opening the QR link to joined
            phones.append(phone)
        figures["join_s"] = [round(s, 2) for s in joins]
        tokens = [_token(p.url, "p") for p in phones]
        expect(room.get_by_text("3 people joined · 0 finished")).to_have_count(2, timeout=15_000)

        _remove_stray(fac)
        start = time.monotonic()
        stray_phone = phones.pop()
        figures["removed_to_phone_s"] = _until(stray_phone, "participant link is not valid", start)
        stray_phone.context.close()
        tokens.pop()
        _switch(phones[-1])
        expect(room.get_by_text("2 people joined · 0 finished")).to_have_count(3, timeout=15_000)
        assert {p.partner_name for p in svc.dashboard(fac_token).participants} == set(PARTNERS)
        _secret_free(room, fac_token)

        wait_idle(fac)
        fac.get_by_role("button", name="Lock answering").click()
        start = time.monotonic()
        figures["lock_stored_s"] = _stored(svc, fac_token, WorkshopState.LOCKED, start)
        figures["lock_to_phone_s"] = _until(phones[1], "The facilitator has paused", start)
        _until(room, "Answering is paused", start)
        wait_idle(fac)
        fac.get_by_role("button", name="Unlock answering").click()
        start = time.monotonic()
        phones[1].get_by_text("The facilitator has paused").wait_for(state="hidden", timeout=20_000)
        figures["unlock_to_phone_s"] = time.monotonic() - start
        for phone in phones[2:]:
            phone.context.close()  # two phones stay open: two cores run the whole room here
        figures["click_to_saved_s"] = _click_step_measuring(phones[0], svc, tokens[0])
        _shot(phones[0], "participant_390")
        for i, token in enumerate(tokens):
            _answer_all(svc, token, 1 + (i % 5))
        expect(room.get_by_text("2 people joined · 2 finished")).to_have_count(3, timeout=15_000)
        _shot(room, "waiting_1920")
        _shot(fac, "dashboard_1280")
        _secret_free(room, fac_token)

        wait_idle(fac)
        fac.get_by_role("button", name="Reveal the answers").click()
        start = time.monotonic()
        figures["reveal_stored_s"] = _stored(svc, fac_token, WorkshopState.REVEALED, start)
        figures["reveal_to_phone_s"] = _until(
            phones[1], "The facilitator has revealed the results.", start
        )
        figures["reveal_to_room_s"] = _until(room, "not picked an item", start)
        assert svc.dashboard(fac_token).state == WorkshopState.REVEALED

        wait_idle(fac)
        fac.locator('[data-testid="stButtonGroup"] button').filter(has_text="Discussion").click()
        fac.get_by_role("button", name="Start the timer").click()
        start = time.monotonic()
        figures["item_to_room_s"] = _until(room, "left for this item", start)
        figures["item_to_phone_s"] = _until(phones[1], "left for this item", start)
        _counts_down(phones[1])  # in the browser: the phone's page is not rerun for it
        item = svc.discussion(fac_token).room.current_statement
        assert item is not None
        expect(room.get_by_text("Now discussing")).to_be_visible()
        expect(phones[1].get_by_text("Now discussing")).to_be_visible()
        _secret_free(room, fac_token)
        _shot(room, "discussion_1920")
        _shot(phones[1], "participant_discussion_390")
        browser.close()

    delays = sorted(figures.pop("click_to_saved_s"))  # type: ignore[arg-type]
    figures["click_to_saved_p50_s"] = round(statistics.median(delays), 3)
    figures["click_to_saved_p95_s"] = round(delays[max(0, int(len(delays) * 0.95) - 1)], 3)
    print(
        "room figures:", {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}
    )
    # Pushed, then the phone reruns its page: within a second or two on an idle machine,
    # slower when other jobs share the two cores; its own poll would take 300 s. The bound
    # only says "pushed"; the figures are printed.
    for pushed in ("lock", "unlock", "reveal", "item", "removed"):
        assert figures[f"{pushed}_to_phone_s"] < 10, (pushed, figures)
