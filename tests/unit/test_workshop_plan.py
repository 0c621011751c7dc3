"""A workshop's short session: the plan chosen at creation decides what participants answer,
what a save accepts, and what the export carries and scores."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from partnership_core.assessment import Answer, Assessment, Partner, Respondent
from partnership_core.bank import LevelId, PartnershipType, load_bank_set
from partnership_core.errors import WorkshopError
from partnership_core.plan import SessionPlan, planned_statements, session_minutes
from partnership_core.results import BandId
from partnership_core.scoring import score_assessment
from partnership_core.workshop import WorkshopService, rules

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


def _offline_file(statements: list[str]) -> Assessment:
    """Olga's file, answered offline for Harbour Trust: a 4 on each of `statements`."""
    return Assessment(
        name="Offline answers",
        partnership_type=PTYPE,
        banks=BANKS,
        partners=[Partner(id="x0", name="Harbour Trust"), Partner(id="x1", name="Northwind Ltd")],
        respondents=[Respondent(id="olga", name="Olga", partner="x0")],
        answers=[Answer(respondent="olga", statement=q, rating=4) for q in statements],
    )


def test_an_offline_file_answered_in_full_adds_only_the_planned_answers(
    svc: WorkshopService, db_url: str
) -> None:
    # Someone answered the whole bank offline; the workshop runs the entry-level core set.
    banks = load_bank_set(BANKS)
    asked = planned_statements(banks, PTYPE, ENTRY_CORE)
    everything = banks.applicable(PTYPE)
    created = _create(svc, ENTRY_CORE)
    info = svc.dashboard(created.facilitator_token).workshop
    offline = _offline_file(everything)
    kept, left_out = rules.planned_answers(info, offline)
    assert [a.statement for a in kept] == asked
    assert left_out == len(everything) - len(asked) > 1
    assert rules.left_out_note(left_out) == (
        f"{left_out} answers to statements outside this workshop's session plan were left out."
    )
    assert rules.left_out_note(1) == (
        "1 answer to statements outside this workshop's session plan was left out."
    )
    assert rules.left_out_note(0) == ""

    assert svc.import_assessment(created.facilitator_token, offline) == 1
    board = svc.dashboard(created.facilitator_token)
    assert [(p.name, p.total) for p in board.participants] == [("Olga", len(asked))]
    with create_engine(db_url).connect() as conn:
        stored = conn.execute(text("SELECT statement FROM answers")).scalars().all()
    assert sorted(stored) == sorted(asked)


def test_an_offline_file_with_a_statement_no_bank_asks_is_still_refused(
    svc: WorkshopService,
) -> None:
    created = _create(svc, ENTRY_CORE)
    offline = _offline_file(["three-levels:nope"])
    with pytest.raises(WorkshopError, match="does not ask .*nothing was imported"):
        svc.import_assessment(created.facilitator_token, offline)


def test_the_dashboard_states_the_plan_chosen(svc: WorkshopService) -> None:
    full = svc.dashboard(_create(svc, None).facilitator_token).workshop
    n = len(full.statements)
    assert rules.plan_summary(full) == (
        f"Session plan: every statement at every level, {n} statements, about "
        f"{session_minutes(n, SessionPlan(), 1)} minutes per person. Each statement asks for "
        "a rating, how much it matters and a guess for each other partner."
    )
    two = SessionPlan(levels=(LevelId.ENTRY, LevelId.OPERATIONAL))
    short = svc.dashboard(_create(svc, two, ask_predictions=False).facilitator_token).workshop
    assert rules.plan_summary(short).startswith(
        f"Session plan: every statement at entry and operational levels, "
        f"{len(short.statements)} statements,"
    )
    assert rules.plan_summary(short).endswith(
        "Each statement asks for a rating and how much it matters."
    )
