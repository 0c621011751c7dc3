"""Retention: idle workshops and drafts are removed after the configured period, the
facilitator is warned in the last 14 days, and a participant can erase their own answers
until the reveal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from db_helpers import Clock

from partnership_core.assessment import Answer, Assessment
from partnership_core.bank import PartnershipType
from partnership_core.drafts import DraftNotFoundError, DraftStore
from partnership_core.errors import PartnershipFitError, WorkshopError
from partnership_core.retention import (
    DEFAULT_RETENTION_DAYS,
    RETENTION_ENV,
    WARNING_DAYS,
    RetentionError,
    RetentionService,
    retention_from_environment,
)
from partnership_core.workshop import WorkshopService

DAY = 24 * 3600


@pytest.fixture
def services(db_url: str, clock: Clock):
    workshops = WorkshopService(db_url, clock=clock)
    retention = RetentionService(db_url, clock=clock, retention=timedelta(days=30))
    drafts = DraftStore(db_url, clock=clock, retention=timedelta(days=30))
    yield workshops, retention, drafts
    for service in (workshops, retention, drafts):
        service.close()


def _workshop(svc: WorkshopService):
    return svc.create_workshop(
        "River clean-up", PartnershipType.BUSINESS_NONPROFIT, ["three-levels"], ["A", "B"]
    )


def _join_and_answer(svc: WorkshopService, code: str, n: int = 3) -> str:
    info = svc.lookup_code(code, client_key="laptop")
    session = svc.join(code, info.partners[0].id, "Ada", "phone")
    for statement in info.statements[:n]:
        svc.save_answer(
            session.participant_token, Answer(respondent="x", statement=statement, rating=4)
        )
    return session.participant_token


def test_the_default_is_90_days_and_the_environment_sets_it() -> None:
    assert DEFAULT_RETENTION_DAYS == 90
    assert retention_from_environment({}) == timedelta(days=90)
    assert retention_from_environment({RETENTION_ENV: " 7 "}) == timedelta(days=7)


@pytest.mark.parametrize("value", ["0", "-3", "ten", "1.5", "99999"])
def test_a_bad_retention_setting_is_refused_with_its_name(value: str) -> None:
    with pytest.raises(RetentionError, match=RETENTION_ENV) as caught:
        retention_from_environment({RETENTION_ENV: value})
    assert isinstance(caught.value, PartnershipFitError)


def test_idle_workshops_and_drafts_are_purged_active_ones_kept(
    services, clock: Clock, example: Assessment
) -> None:
    workshops, retention, drafts = services
    idle, active = _workshop(workshops), _workshop(workshops)
    idle_draft = drafts.create(example)
    clock.advance(20 * DAY)
    _join_and_answer(workshops, active.join_code)
    kept_draft = drafts.create(example)
    clock.advance(11 * DAY)  # idle: 31 days; active and the second draft: 11 days
    assert retention.purge() == (1, 1)
    with pytest.raises(WorkshopError):
        workshops.dashboard(idle.facilitator_token)
    assert workshops.dashboard(active.facilitator_token).participants
    with pytest.raises(DraftNotFoundError):
        drafts.load(idle_draft)
    drafts.load(kept_draft)
    assert retention.purge() == (0, 0)


def test_the_facilitator_is_warned_in_the_last_14_days(services, clock: Clock) -> None:
    workshops, retention, _ = services
    created = _workshop(workshops)
    expiry = retention.workshop_expiry(created.facilitator_token)
    assert expiry.expires_at == clock.now + timedelta(days=30)
    assert not expiry.warn
    clock.advance((30 - WARNING_DAYS) * DAY)
    assert retention.workshop_expiry(created.facilitator_token).warn
    _join_and_answer(workshops, created.join_code, n=1)  # activity pushes the date back
    later = retention.workshop_expiry(created.facilitator_token)
    assert later.expires_at == clock.now + timedelta(days=30) and not later.warn
    with pytest.raises(WorkshopError):
        retention.workshop_expiry("not-a-facilitator-link-at-all")


def test_a_participant_erases_their_own_answers_before_the_reveal(services) -> None:
    workshops, retention, _ = services
    created = _workshop(workshops)
    mine = _join_and_answer(workshops, created.join_code, n=3)
    info = workshops.lookup_code(created.join_code, client_key="laptop")
    other = workshops.join(created.join_code, info.partners[1].id, "Bo", "phone-2")
    statement = info.statements[0]
    workshops.save_answer(
        other.participant_token, Answer(respondent="x", statement=statement, rating=2)
    )
    workshops.finish(mine)
    assert retention.erase_own_answers(mine) == 3
    assert workshops.participant(mine).own_answers == {}
    assert not workshops.participant(mine).finished
    assert list(workshops.participant(other.participant_token).own_answers) == [statement]
    with pytest.raises(WorkshopError):
        retention.erase_own_answers("unknown-token")


def test_answers_cannot_be_erased_after_the_reveal(services) -> None:
    workshops, retention, _ = services
    created = _workshop(workshops)
    mine = _join_and_answer(workshops, created.join_code, n=2)
    workshops.reveal(created.facilitator_token)
    with pytest.raises(WorkshopError, match="already revealed"):
        retention.erase_own_answers(mine)
    assert len(workshops.participant(mine).own_answers) == 2
