"""Two sessions on one draft link (two tabs, two devices) never lose each other's answers.

Each session is its own `DraftStore` on the same database, as two server processes would
be; each keeps the version it last wrote, as `partnership_ui.autosave` does.
"""

from __future__ import annotations

import pytest
from db_helpers import Clock

from partnership_core.assessment import Assessment
from partnership_core.drafts import AnswerChange, DraftStore


@pytest.fixture
def two_sessions(db_url: str, clock: Clock):
    first, second = DraftStore(db_url, clock=clock), DraftStore(db_url, clock=clock)
    yield first, second
    first.close()
    second.close()


def _empty(example: Assessment) -> Assessment:
    return example.model_copy(update={"answers": []})


def _keys(assessment: Assessment) -> set[tuple[str, str]]:
    return {(a.respondent, a.statement) for a in assessment.answers}


def test_answers_to_different_statements_from_two_sessions_all_survive(
    two_sessions: tuple[DraftStore, DraftStore], example: Assessment
) -> None:
    first, second = two_sessions
    token = first.create(_empty(example))
    _, _, version = second.load_versioned(token)
    versions = {id(first): 0, id(second): version}
    answers = example.answers[:20]
    for i, answer in enumerate(answers):
        store = first if i % 2 == 0 else second
        change = AnswerChange(answer.respondent, answer.statement, answer)
        outcome = store.save(token, ui_state={}, changes=[change], base_version=versions[id(store)])
        versions[id(store)] = outcome.version
        if i > 0:  # the other session wrote in between: this one is told and refreshed
            assert outcome.refreshed is not None
            assert _keys(outcome.refreshed) == _keys(
                example.model_copy(update={"answers": answers[: i + 1]})
            )
    stored, _ = first.load(token)
    assert _keys(stored) == {(a.respondent, a.statement) for a in answers}


def test_a_stale_whole_save_keeps_the_other_sessions_answers(
    two_sessions: tuple[DraftStore, DraftStore], example: Assessment
) -> None:
    first, second = two_sessions
    token = first.create(_empty(example))
    mine, theirs = example.answers[0], example.answers[1]
    second.save(
        token, changes=[AnswerChange(theirs.respondent, theirs.statement, theirs)], base_version=0
    )
    # The first tab still holds its old copy (no answers) plus its own new answer, and
    # writes it whole (its step changed): the second tab's answer must stay.
    whole = example.model_copy(update={"answers": [mine]})
    change = AnswerChange(mine.respondent, mine.statement, mine)
    outcome = first.save(token, whole, {"page": "questionnaire"}, changes=[change], base_version=0)
    assert outcome.refreshed is not None
    assert _keys(outcome.refreshed) == {
        (mine.respondent, mine.statement),
        (theirs.respondent, theirs.statement),
    }
    stored, ui = second.load(token)
    assert _keys(stored) == _keys(outcome.refreshed)
    assert ui == {"page": "questionnaire"}


def test_on_the_same_statement_the_newest_answer_wins(
    two_sessions: tuple[DraftStore, DraftStore], example: Assessment
) -> None:
    first, second = two_sessions
    token = first.create(_empty(example))
    answer = example.answers[0]
    older = answer.model_copy(update={"rating": 2, "comment": None})
    newer = answer.model_copy(update={"rating": 5, "comment": None})
    first.save(
        token, changes=[AnswerChange(answer.respondent, answer.statement, older)], base_version=0
    )
    second.save(
        token, changes=[AnswerChange(answer.respondent, answer.statement, newer)], base_version=0
    )
    stored, _ = first.load(token)
    assert [(a.statement, a.rating) for a in stored.answers] == [(answer.statement, 5)]


def test_a_stale_copy_does_not_bring_back_an_old_value(
    two_sessions: tuple[DraftStore, DraftStore], example: Assessment
) -> None:
    first, second = two_sessions
    answer = example.answers[0].model_copy(update={"rating": 2, "comment": None})
    token = first.create(example.model_copy(update={"answers": [answer]}))
    newer = answer.model_copy(update={"rating": 4})
    second.save(
        token, changes=[AnswerChange(answer.respondent, answer.statement, newer)], base_version=0
    )
    # The first tab writes its whole, older copy without having touched that statement.
    first.save(token, example.model_copy(update={"answers": [answer]}), base_version=0)
    stored, _ = second.load(token)
    assert [a.rating for a in stored.answers] == [4]


def test_an_up_to_date_session_writes_its_copy_as_it_is(
    two_sessions: tuple[DraftStore, DraftStore], example: Assessment
) -> None:
    first, _ = two_sessions
    token = first.create(example)
    outcome = first.save(token, _empty(example), base_version=0)
    assert outcome.refreshed is None and outcome.version == 1
    stored, _ = first.load(token)
    assert stored.answers == []
