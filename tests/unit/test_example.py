"""The worked example: complete, deterministic, valid, and telling the story it promises."""

from __future__ import annotations

from collections import Counter

import pytest

from partnership_core.assessment import NOT_SURE, Assessment, dump_assessment, parse_assessment
from partnership_core.bank import BandId, BankSet, LevelId, PartnershipType, Sector
from partnership_core.example import example_assessment, example_workshop_assessment
from partnership_core.results import AgendaCause, Verdict
from partnership_core.scoring import score_assessment


def test_same_seed_same_file_other_seed_other_answers(banks: BankSet) -> None:
    first = dump_assessment(example_assessment(7, banks))
    assert first == dump_assessment(example_assessment(7, banks))
    assert first != dump_assessment(example_assessment(8, banks))


def test_every_respondent_answers_every_applicable_statement(
    example: Assessment, banks: BankSet
) -> None:
    assert example.partnership_type is PartnershipType.BUSINESS_NONPROFIT
    assert len(example.partners) == 2
    per_partner = Counter(r.partner for r in example.respondents)
    assert sorted(per_partner.values()) == [3, 3]
    applicable = set(banks.applicable(example.partnership_type))
    for respondent in example.respondents:
        answered = {a.statement for a in example.answers if a.respondent == respondent.id}
        assert answered == applicable, respondent.name


def test_round_trips_through_the_file_format_with_typographic_text(example: Assessment) -> None:
    text = dump_assessment(example)
    assert parse_assessment(text) == example
    comments = [a.comment for a in example.answers if a.comment]
    assert len(comments) >= 5
    assert any("“" in c and "—" in c for c in comments)
    assert "Zoë Müller" in {r.name for r in example.respondents}


def test_has_not_sure_importance_and_predictions(example: Assessment) -> None:
    assert 2 <= sum(a.rating == NOT_SURE for a in example.answers) <= 6
    assert sum(a.importance is not None for a in example.answers) >= 10
    assert sum(a.prediction is not None for a in example.answers) >= 10


@pytest.mark.parametrize("seed", [7, 1, 2, 3])
def test_story_entry_gap_on_driving_force_and_decision_items(seed: int, banks: BankSet) -> None:
    result = score_assessment(example_assessment(seed, banks), banks)
    entry = {c.id: c for c in result.level("entry").characteristics}
    assert min(entry.values(), key=lambda c: c.alignment).id == "driving-force"
    assert entry["driving-force"].red_flag
    assert entry["cultural-compatibility"].alignment >= 85
    assert entry["mission-vision"].alignment >= 85
    decision_gaps = {
        i.statement.split(":")[1]: i.gap
        for c in result.level("decision").characteristics
        for i in c.items
    }
    for statement in ("ce-goals", "sc-roles", "rr-sharing", "rr-reputation"):
        assert decision_gaps[statement] >= 40, statement
    # The widest gaps head the agenda, and predictions reveal misreadings.
    assert any(a.characteristic == "driving-force" for a in result.agenda[:5])
    assert max(g.gap for g in result.perception_gaps) >= 40


def test_workshop_example_records_agreements_and_actions(banks: BankSet) -> None:
    assessment = example_workshop_assessment(banks=banks)
    workshop = assessment.workshop
    assert workshop is not None and workshop.revealed_at is not None
    assert len(workshop.agreed) >= 2
    assert sum(item.disagreement for item in workshop.agreed) == 1
    assert len(workshop.actions) == 2
    assert all(a.owner and a.due for a in workshop.actions)
    statements = set(banks.statements)
    assert all(item.statement in statements for item in workshop.agreed)
    assert parse_assessment(dump_assessment(assessment)) == assessment


def test_story_shows_a_realistic_mix_of_verdicts(banks: BankSet) -> None:
    result = score_assessment(example_assessment(7, banks), banks)
    bands = {c.id: c.band for c in result.characteristics}
    assert {bands[c] for c in ("cultural-compatibility", "mission-vision", "synergy")} == {
        BandId.STRONG
    }
    assert bands["driving-force"] == BandId.PAUSE
    assert bands["risk-reward"] == BandId.SERIOUS
    assert bands["decision-making"] == BandId.WORKABLE
    assert bands["termination"] == BandId.PAUSE
    assert result.overall_verdict == Verdict.STOP
    assert (result.stage, result.headline_level) == (LevelId.ENTRY, LevelId.DECISION)
    assert result.headline_characteristic == "risk-reward"
    # A short agenda for one session; the rest grouped, never an "agree" on every side.
    assert len(result.talk_first) == 5 and result.talk_first_minutes == 50
    assert 10 <= len(result.agenda) <= 20
    for item in result.agenda:
        assert item.causes
        if all(s is not None and s >= 75 for s in item.scores.values()):
            assert set(item.causes) <= {AgendaCause.INTERNAL_SPLIT, AgendaCause.MISREADING}
    causes = {c for a in result.agenda for c in a.causes}
    assert {
        AgendaCause.PARTNERS_DIFFER,
        AgendaCause.INTERNAL_SPLIT,
        AgendaCause.MISREADING,
    } <= causes


def test_each_side_is_asked_the_reputation_question_in_its_own_words(banks: BankSet) -> None:
    example = example_assessment(7, banks)
    sectors = {p.id: p.sector for p in example.partners}
    assert sectors == {"food-bank": Sector.NONPROFIT, "grocer": Sector.BUSINESS}
    asked = {p: banks.text_for("three-levels:rr-reputation", p, example) for p in sectors}
    assert "supporters" in asked["food-bank"] and "our firm" in asked["grocer"]
