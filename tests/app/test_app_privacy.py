"""AppTest: the privacy note on Home, the purge at start-up, the facilitator's expiry
warning and a participant erasing their own answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import shown, start_app
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from partnership_core.assessment import Answer
from partnership_core.bank import PartnershipType
from partnership_core.drafts import DraftNotFoundError, DraftStore
from partnership_core.example import example_assessment
from partnership_core.retention import RETENTION_ENV
from partnership_core.workshop import WorkshopService


@pytest.fixture(autouse=True)
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("PARTNERSHIP_FIT_DATABASE_URL", url)
    monkeypatch.delenv(RETENTION_ENV, raising=False)
    return url


def _workshop(url: str):
    svc = WorkshopService(url)
    created = svc.create_workshop(
        "River clean-up", PartnershipType.BUSINESS_NONPROFIT, ["three-levels"], ["A", "B"]
    )
    return svc, created


def test_home_says_what_is_stored_where_and_for_how_long() -> None:
    at = start_app()
    (note,) = [e for e in at.expander if "What this app stores" in e.label]
    text_shown = shown("\n".join(m.value for m in note.markdown))
    assert "90 days" in text_shown and "database" in text_shown and "names" in text_shown


def test_idle_drafts_are_removed_at_start_up(db_url: str) -> None:
    store = DraftStore(db_url)
    token = store.create(example_assessment())
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE drafts SET updated_at = '2001-01-01 00:00:00'"))
    engine.dispose()
    start_app()
    with pytest.raises(DraftNotFoundError):
        store.load(token)
    store.close()


def _expiry_page(token: str) -> None:
    from partnership_ui.privacy import render_expiry_warning

    render_expiry_warning(token)


def test_no_warning_while_the_workshop_has_time_left(db_url: str) -> None:
    svc, created = _workshop(db_url)
    at = AppTest.from_function(_expiry_page, args=(created.facilitator_token,)).run()
    assert not at.warning  # 90 days left
    svc.close()


def test_the_warning_shows_in_the_last_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'short.sqlite3'}"
    monkeypatch.setenv("PARTNERSHIP_FIT_DATABASE_URL", url)
    monkeypatch.setenv(RETENTION_ENV, "10")
    svc, created = _workshop(url)
    at = AppTest.from_function(_expiry_page, args=(created.facilitator_token,)).run()
    assert "deleted automatically on" in at.warning[0].value
    svc.close()


def _erase_page(token: str) -> None:
    from partnership_ui.privacy import render_erase_own_answers

    render_erase_own_answers(token)


def test_a_participant_erases_their_answers_after_confirming(db_url: str) -> None:
    svc, created = _workshop(db_url)
    info = svc.lookup_code(created.join_code, client_key="laptop")
    session = svc.join(created.join_code, info.partners[0].id, "Ada", "phone")
    token = session.participant_token
    for statement in info.statements[:2]:
        svc.save_answer(token, Answer(respondent="x", statement=statement, rating=3))
    at = AppTest.from_function(_erase_page, args=(token,)).run()
    assert len(svc.participant(token).own_answers) == 2  # the page alone erases nothing
    at.button(key="pf_erase_yes").click().run()
    assert not at.exception
    assert svc.participant(token).own_answers == {}
    svc.close()
