"""Invitation by link: a solo assessment shared as a workshop without a room.

The owner's answers come in as a participant of their own organisation; partners join by
link and answer blind; the answers open once every partner has someone finished, or when
the owner opens them. Runs on SQLite (and PostgreSQL with PARTNERSHIP_FIT_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import pytest
from db_helpers import Clock
from sqlalchemy import text

from partnership_core.assessment import Answer, Respondent, RespondentKind
from partnership_core.bank import PartnershipType, load_bank_set
from partnership_core.errors import WorkshopError
from partnership_core.links import partner_join_link
from partnership_core.plan import SessionPlan, planned_statements
from partnership_core.solo import OWN_RESPONDENT, add_estimate_respondent, new_assessment
from partnership_core.workshop import PartnerProgress, WorkshopService, WorkshopState
from partnership_core.workshop.invite import (
    NO_OWNER,
    invitation_of,
    opening_rule,
    owner_token,
    waiting_for,
)
from partnership_core.workshop.repository import WorkshopRepository

pytestmark = pytest.mark.slow

PARTNERS = ["Northfield Food Bank", "Harvest Grocers", "City Council"]
CORE = SessionPlan(core_only=True, ask_importance=False, ask_guesses=True)


@pytest.fixture
def svc(db_url: str, clock: Clock):
    service = WorkshopService(db_url, clock=clock)
    yield service
    service.close()


def _solo(partners=PARTNERS[:2], plan: SessionPlan | None = CORE, own: int = 0):
    """A solo assessment on the core set, the owner answering for `partners[own]`, with an
    estimate of the other partner; partner ids deliberately not p1, p2."""
    base = new_assessment(
        name="Surplus food programme",
        partnership_type=PartnershipType.BUSINESS_NONPROFIT,
        partner_names=list(partners),
        bank_ids=["three-levels"],
        respondent_name="Amara",
        own_partner=own,
        plan=plan,
    )
    renamed = {p.id: f"org-{i}" for i, p in enumerate(base.partners)}
    data = base.model_dump()
    for p in data["partners"]:
        p["id"] = renamed[p["id"]]
    for r in data["respondents"]:
        r["partner"] = renamed[r["partner"]]
    assessment = type(base).model_validate(data)
    other = next(p.id for p in assessment.partners if p.id != renamed[base.partners[own].id])
    assessment, estimate = add_estimate_respondent(assessment, other, "Amara")
    return assessment, estimate, other


def _with_answers(assessment, estimate, statements, guess_about):
    answers = [
        Answer(
            respondent=OWN_RESPONDENT,
            statement=q,
            rating=1 + i % 5,
            predictions={guess_about: 3},
            comment="Ours" if i == 0 else None,
        )
        for i, q in enumerate(statements)
    ]
    answers += [Answer(respondent=estimate, statement=q, rating=2) for q in statements]
    return assessment.model_copy(update={"answers": answers})


def _statements(plan: SessionPlan = CORE) -> list[str]:
    banks = load_bank_set(["three-levels"])
    return planned_statements(banks, PartnershipType.BUSINESS_NONPROFIT, plan)


def _invite(svc: WorkshopService, *, finished: bool = True, partners=PARTNERS[:2]):
    assessment, estimate, other = _solo(partners)
    statements = _statements()
    assessment = _with_answers(assessment, estimate, statements, other)
    created = svc.invite_partners(assessment, OWN_RESPONDENT, owner_finished=finished)
    return created, statements


def _join(svc: WorkshopService, created, partner: str, name: str):
    links = svc.links(created.facilitator_token)
    return svc.join("", partner, name, f"device-{name}", join_key=links.join_key)


# --------------------------------------------------------------------------- the invitation


def test_invitation_renumbers_partners_and_keeps_only_the_owners_answers() -> None:
    assessment, estimate, other = _solo(PARTNERS, own=1)
    statements = ["three-levels:cult-1"]
    assessment = _with_answers(assessment, estimate, statements, other)
    invitation = invitation_of(assessment, OWN_RESPONDENT)
    assert invitation.partner_names == PARTNERS
    assert invitation.owner.partner == "p2"
    assert invitation.owner.name == "Amara"
    assert [a.respondent for a in invitation.answers] == [OWN_RESPONDENT]
    # The guess about "org-0" is now about "p1"; none is about the owner's own partner.
    assert invitation.answers[0].predictions == {"p1": 3}
    assert invitation.plan == CORE
    assert invitation.ask_predictions is True


def test_invitation_needs_someone_answering_for_their_own_organisation() -> None:
    assessment, estimate, _ = _solo()
    with pytest.raises(WorkshopError) as refused:
        invitation_of(assessment, estimate)  # an estimate is nobody's own answer
    assert str(refused.value) == NO_OWNER
    with pytest.raises(WorkshopError):
        invitation_of(assessment, None)


def test_owner_token_is_stable_and_tells_nothing_of_the_facilitator_key() -> None:
    assert owner_token("abc") == owner_token("abc")
    assert owner_token("abc") != owner_token("abd")
    assert "abc" not in owner_token("abc")


def _progress(name: str, finished: int, expected: int | None) -> PartnerProgress:
    return PartnerProgress(
        partner_id=name, name=name, joined=finished, finished=finished, expected=expected,
        answered=0, possible=0,
    )  # fmt: skip


def test_opening_waits_for_someone_from_every_partner_or_the_number_set() -> None:
    progress = [_progress("Northfield", 1, 1), _progress("Harvest", 0, None)]
    assert waiting_for(progress) == ["Harvest"]
    assert opening_rule(progress) == (
        "The results open to everyone invited by themselves once someone from Northfield "
        "and someone from Harvest have finished, or as soon as you open them."
    )
    progress = [_progress("Northfield", 1, 1), _progress("Harvest", 1, 3)]
    assert waiting_for(progress) == ["Harvest"]
    assert "someone from Northfield and 3 people from Harvest have finished" in (
        opening_rule(progress)
    )
    assert waiting_for([_progress("Northfield", 1, 1), _progress("Harvest", 3, 3)]) == []


def test_partner_link_picks_the_organisation_and_carries_no_private_key() -> None:
    link = partner_join_link("https://pf.org", "ABCDEFGHJK", "key", "p2")
    assert link == "https://pf.org/join?code=ABCDE-FGHJK&k=key&for=p2"


# --------------------------------------------------------------------------- the service


def test_invite_makes_a_workshop_without_a_room_with_the_owner_seated(
    svc: WorkshopService,
) -> None:
    created, statements = _invite(svc)
    dash = svc.dashboard(created.facilitator_token)
    assert dash.workshop.has_room is False
    assert dash.workshop.auto_reveal is True
    assert dash.workshop.expected_headcounts == {"p1": 1, "p2": 1}
    assert dash.workshop.statements == statements
    assert dash.workshop.plan is not None and dash.workshop.plan.core_only
    [owner] = dash.participants
    assert (owner.name, owner.partner_id, owner.finished) == ("Amara", "p1", True)
    assert owner.answered == len(statements)
    # The owner's own link opens their own answers, with their comment and guesses.
    mine = svc.participant(owner_token(created.facilitator_token))
    assert mine.respondent.partner == "p1"
    assert len(mine.own_answers) == len(statements)
    first = mine.own_answers[statements[0]]
    assert first.comment == "Ours" and first.predictions == {"p2": 3}
    assert first.importance is None  # the plan does not ask importance


def test_an_ordinary_workshop_still_has_a_room(svc: WorkshopService) -> None:
    created = svc.create_workshop(
        "Room", PartnershipType.OTHER, ["three-levels"], ["Harbour Trust", "Northwind Ltd"]
    )
    assert svc.dashboard(created.facilitator_token).workshop.has_room is True
    info = svc.lookup_code(created.join_code, "laptop")
    assert info.has_room is True


def test_partner_answers_blind_and_results_open_when_they_finish(svc: WorkshopService) -> None:
    created, statements = _invite(svc)
    partner = _join(svc, created, "p2", "Ben")
    view = svc.participant(partner.participant_token)
    assert view.workshop.has_room is False
    assert view.own_answers == {}  # nothing of the owner's answers
    with pytest.raises(WorkshopError):
        svc.revealed_assessment_for_participant(partner.participant_token)
    with pytest.raises(WorkshopError):
        svc.assessment(created.facilitator_token)  # the owner is blind too
    for q in statements[:3]:
        svc.save_answer(partner.participant_token, Answer(respondent="x", statement=q, rating=4))
    progress = {p.partner_id: p for p in svc.dashboard(created.facilitator_token).participants}
    assert (progress["p2"].answered, progress["p2"].finished) == (3, False)
    for q in statements[3:]:
        svc.save_answer(partner.participant_token, Answer(respondent="x", statement=q, rating=4))
    assert svc.finish(partner.participant_token) is WorkshopState.REVEALED
    shared = svc.revealed_assessment_for_participant(partner.participant_token)
    assert {r.name: r.partner for r in shared.respondents} == {"Amara": "p1", "Ben": "p2"}
    assert len(shared.answers) == 2 * len(statements)
    owners = svc.assessment(created.facilitator_token)
    assert owners.answers == shared.answers
    assert not any(r.kind is RespondentKind.ESTIMATE for r in owners.respondents)


def test_every_partner_must_have_someone_finished(svc: WorkshopService) -> None:
    created, statements = _invite(svc, partners=PARTNERS)
    second = _join(svc, created, "p2", "Ben")
    svc.save_answer(
        second.participant_token, Answer(respondent="x", statement=statements[0], rating=3)
    )
    assert svc.finish(second.participant_token) is WorkshopState.OPEN  # the council has not
    third = _join(svc, created, "p3", "Chen")
    assert svc.finish(third.participant_token) is WorkshopState.REVEALED


def test_an_unfinished_owner_holds_the_results_back(svc: WorkshopService) -> None:
    created, _ = _invite(svc, finished=False)
    partner = _join(svc, created, "p2", "Ben")
    assert svc.finish(partner.participant_token) is WorkshopState.OPEN
    assert svc.finish(owner_token(created.facilitator_token)) is WorkshopState.REVEALED


def test_owner_opens_the_results_before_everyone_finished(svc: WorkshopService) -> None:
    created, statements = _invite(svc)
    partner = _join(svc, created, "p2", "Ben")
    svc.save_answer(
        partner.participant_token, Answer(respondent="x", statement=statements[0], rating=2)
    )
    svc.reveal(created.facilitator_token)
    shared = svc.revealed_assessment_for_participant(partner.participant_token)
    assert {r.name for r in shared.respondents} == {"Amara", "Ben"}


def test_owner_can_wait_for_more_people(svc: WorkshopService) -> None:
    created, _ = _invite(svc)
    svc.set_expected_headcounts(created.facilitator_token, {"p2": 2})
    first = _join(svc, created, "p2", "Ben")
    assert svc.finish(first.participant_token) is WorkshopState.OPEN
    second = _join(svc, created, "p2", "Bea")
    assert svc.finish(second.participant_token) is WorkshopState.REVEALED


def test_a_failed_invitation_leaves_nothing_behind(
    svc: WorkshopService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self, rows):
        raise WorkshopError("refused for the test")

    monkeypatch.setattr(WorkshopRepository, "add_answers", refuse)
    with pytest.raises(WorkshopError, match="refused for the test"):
        _invite(svc)
    with svc.store.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM workshops")).scalar_one() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM participants")).scalar_one() == 0


def test_an_estimate_owner_is_refused_before_anything_is_stored(svc: WorkshopService) -> None:
    assessment, estimate, _ = _solo()
    with pytest.raises(WorkshopError):
        svc.invite_partners(assessment, estimate, owner_finished=True)
    extra = Respondent(id="other", name="Amara", partner=assessment.partners[1].id)
    assessment = assessment.model_copy(update={"respondents": [*assessment.respondents, extra]})
    created = svc.invite_partners(assessment, OWN_RESPONDENT, owner_finished=True)
    assert len(svc.dashboard(created.facilitator_token).participants) == 1
