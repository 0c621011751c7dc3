"""A workshop's short session: the plan chosen at creation decides what participants answer,
what a save accepts, and what the export carries and scores."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from partnership_core.assessment import Answer
from partnership_core.bank import LevelId, PartnershipType, load_bank_set
from partnership_core.errors import WorkshopError
from partnership_core.plan import SessionPlan, planned_statements
from partnership_core.results import BandId
from partnership_core.scoring import score_assessment
from partnership_core.workshop import WorkshopService

BANKS = ["three-levels"]
PTYPE = PartnershipType.BUSINESS_NONPROFIT
ENTRY_CORE = SessionPlan(levels=(LevelId.ENTRY,), core_only=True, ask_importance=False)


@pytest.fixture
def svc(db_url: str):
    service = WorkshopService(db_url)
    yield service
    service.close()


def _create(svc: WorkshopService, plan: SessionPlan | None, **kw):
    return svc.create_workshop(
        "River clean-up alliance", PTYPE, BANKS, ["Harbour Trust", "Northwind Ltd"], plan=plan, **kw
    )


def _answer(statement: str, rating: int = 4, **kw) -> Answer:
    return Answer(respondent="ignored", statement=statement, rating=rating, **kw)


def test_an_entry_core_workshop_asks_saves_exports_and_scores_only_its_statements(
    svc: WorkshopService,
) -> None:
    banks = load_bank_set(BANKS)
    asked = planned_statements(banks, PTYPE, ENTRY_CORE)
    everything = banks.applicable(PTYPE)
    assert 0 < len(asked) < len(everything)
    created = _create(svc, ENTRY_CORE, ask_predictions=False)
    info = svc.lookup_code(created.join_code, client_key="laptop")
    assert info.statements == asked
    assert info.plan == ENTRY_CORE.model_copy(update={"ask_guesses": False})

    sessions = [
        svc.join(created.join_code, p.id, f"Person {i}", f"phone-{i}")
        for i, p in enumerate(info.partners)
    ]
    for s in sessions:
        for q in asked:
            stored = svc.save_answer(s.participant_token, _answer(q, importance="high"))
            assert stored.importance is None  # the plan does not ask importance
    other = next(q for q in everything if q not in asked)
    with pytest.raises(WorkshopError, match="not a question of this workshop"):
        svc.save_answer(sessions[0].participant_token, _answer(other))
    board = svc.dashboard(created.facilitator_token)
    assert [p.total for p in board.participants] == [len(asked)] * 2

    svc.reveal(created.facilitator_token)
    exported = svc.export(created.facilitator_token)
    assert exported.plan == info.plan
    assert {a.statement for a in exported.answers} == set(asked)
    mine = svc.revealed_assessment_for_participant(sessions[0].participant_token)
    assert mine.plan == info.plan
    result = score_assessment(exported, banks)
    judged = {i.statement for c in result.characteristics for i in c.items}
    assert judged == set(asked)
    entry = [
        c
        for c in result.characteristics
        if c.id in {banks.spine_characteristic(q).id for q in asked}
    ]
    assert entry and all(c.band is not BandId.INSUFFICIENT for c in entry)


def test_a_workshop_without_a_plan_asks_everything_as_before(
    svc: WorkshopService, db_url: str
) -> None:
    banks = load_bank_set(BANKS)
    for plan in (None, SessionPlan()):
        created = _create(svc, plan)
        info = svc.lookup_code(created.join_code, client_key="laptop")
        assert info.statements == banks.applicable(PTYPE)
        assert info.plan is None
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT session_plan FROM workshops")).scalars().all()
    finally:
        engine.dispose()
    assert stored == [None, None]
