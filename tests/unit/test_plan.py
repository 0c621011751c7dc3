"""A short session: the statements a plan asks, its time estimate, and scoring what was asked."""

from __future__ import annotations

import pytest

from partnership_core.assessment import dump_assessment, parse_assessment
from partnership_core.bank import BankSet, LevelId, PartnershipType, load_bank_set, parse_bank
from partnership_core.errors import QuestionBankError
from partnership_core.example import example_assessment
from partnership_core.plan import SECONDS_PER, SessionPlan, planned_statements, session_minutes
from partnership_core.results import BandId
from partnership_core.scoring import score_assessment

OTHER = PartnershipType.OTHER


def test_the_core_set_covers_every_characteristic(banks: BankSet) -> None:
    core = planned_statements(banks, OTHER, SessionPlan(core_only=True))
    assert len(core) < len(banks.applicable(OTHER)) / 3
    covered = {banks.spine_characteristic(q).id for q in core}
    assert covered == {c.id for c in banks.spine.characteristics}


def test_levels_choose_the_statements(banks: BankSet) -> None:
    entry = planned_statements(banks, OTHER, SessionPlan(levels=(LevelId.ENTRY,)))
    assert entry and {banks.spine_characteristic(q).level for q in entry} == {LevelId.ENTRY}
    assert planned_statements(banks, OTHER, None) == banks.applicable(OTHER)
    assert planned_statements(banks, OTHER, SessionPlan()) == banks.applicable(OTHER)


def test_a_bank_without_core_marks_is_asked_whole() -> None:
    both = load_bank_set(["three-levels", "ten-characteristics"])
    core = planned_statements(both, OTHER, SessionPlan(core_only=True))
    assert all(q in core for q in both.applicable(OTHER) if q.startswith("ten-characteristics:"))


def test_the_estimate_comes_from_seconds_per_part() -> None:
    full = SessionPlan()
    assert session_minutes(60, full, 1) == 60 * sum(SECONDS_PER.values()) // 60
    bare = SessionPlan(ask_importance=False, ask_guesses=False)
    assert session_minutes(60, bare, 1) == 60 * SECONDS_PER["rating"] // 60
    assert session_minutes(60, full, 3) > session_minutes(60, full, 1)
    assert session_minutes(0, full) == 0


def test_a_core_mark_missing_on_a_characteristic_is_refused() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = (root / "questions" / "three-levels.yaml").read_text(encoding="utf-8")
    first = text.index("    core: true\n")
    with pytest.raises(QuestionBankError, match="core set has nothing on"):
        parse_bank(text[:first] + text[first + len("    core: true\n") :], "three-levels.yaml")


def test_scoring_judges_only_what_the_plan_asked(banks: BankSet) -> None:
    full = example_assessment(7, banks)
    plan = SessionPlan(core_only=True)
    asked = set(planned_statements(banks, full.partnership_type, plan))
    short = full.model_copy(
        update={"plan": plan, "answers": [a for a in full.answers if a.statement in asked]}
    )
    assert parse_assessment(dump_assessment(short)) == short
    result = score_assessment(short, banks)
    assert all(c.band is not BandId.INSUFFICIENT for c in result.characteristics)
    assert {i.statement for c in result.characteristics for i in c.items} == asked
